package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/metrics"
)

// Admission bounds the work the server takes on at once, so that a crowd
// of costly requests cannot starve cheap ones, nor queue without end. Each
// request runs in one of two lanes: heavy, for an operation whose
// complexity (the one --max-complexity bounds) is HeavyComplexity or more,
// a document whose validation may cost as much, and an export of the whole
// graph or of a neighbourhood that large; cheap, for the rest. A lane runs
// so many requests at once; a request finding its lane full waits for a
// slot, at most QueueWait. One whose wait is predicted to pass QueueWait
// (from how long the lane's requests have lately held their slots), or
// that finds 256 already waiting, is refused at once: HTTP 503, code
// OVERLOADED and Retry-After. A zero field takes its default.
type Admission struct {
	// HeavyComplexity is the complexity from which an operation is heavy
	// (default 2000: a page of 20 entities with their links is about 500,
	// neighborhood(limit: 100) about 1,200, paths(maxLength: 6, first: 50)
	// 4,000 and more).
	HeavyComplexity int
	// HeavyConcurrency is how many heavy requests run at once (default
	// half the cores, at least one), so heavy work leaves cores to the
	// cheap lane.
	HeavyConcurrency int
	// CheapConcurrency is how many cheap requests run at once (default 16
	// per core: enough to keep a remote store busy, few enough that a
	// flood of cheap requests waits in line instead of in the scheduler).
	CheapConcurrency int
	// QueueWait is the longest a request waits for a slot (default 1s,
	// and never past the request's deadline); its Retry-After is this,
	// in whole seconds, at least 1.
	QueueWait time.Duration
}

// The defaults of Admission.
const (
	DefaultHeavyComplexity = 2000
	DefaultQueueWait       = time.Second
)

// DefaultHeavyConcurrency is the heavy lane's default size on this machine.
func DefaultHeavyConcurrency() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// DefaultCheapConcurrency is the cheap lane's default size on this machine.
func DefaultCheapConcurrency() int { return 16 * runtime.GOMAXPROCS(0) }

// maxWaiting caps the requests one lane lets wait, whatever their
// predicted wait: each holds its request (a body of up to --max-body-bytes
// and its parsed document).
const maxWaiting = 256

// withDefaults fills the zero fields and refuses negative ones.
func (a Admission) withDefaults() (Admission, error) {
	if a.HeavyComplexity < 0 || a.HeavyConcurrency < 0 || a.CheapConcurrency < 0 || a.QueueWait < 0 {
		return a, domain.Invalidf("admission: %+v has a negative field; give a positive value, or 0 for the default", a)
	}
	if a.HeavyComplexity == 0 {
		a.HeavyComplexity = DefaultHeavyComplexity
	}
	if a.HeavyConcurrency == 0 {
		a.HeavyConcurrency = DefaultHeavyConcurrency()
	}
	if a.CheapConcurrency == 0 {
		a.CheapConcurrency = DefaultCheapConcurrency()
	}
	if a.QueueWait == 0 {
		a.QueueWait = DefaultQueueWait
	}
	return a, nil
}

// The lanes' names, in metrics and in OVERLOADED errors.
const (
	laneCheap = "cheap"
	laneHeavy = "heavy"
)

// admission is the two lanes of a handler.
type admission struct {
	cfg          Admission
	cheap, heavy *lane
}

func newAdmission(cfg Admission, m *metrics.Metrics) *admission {
	a := &admission{
		cfg:   cfg,
		cheap: newLane(laneCheap, cfg.CheapConcurrency, cfg.QueueWait, m),
		heavy: newLane(laneHeavy, cfg.HeavyConcurrency, cfg.QueueWait, m),
	}
	return a
}

// forCost is the lane of work of the given complexity.
func (a *admission) forCost(cost int) *lane {
	if cost >= a.cfg.HeavyComplexity {
		return a.heavy
	}
	return a.cheap
}

// exportNodeCost is what one entity of an export costs, in complexity:
// the dozen fields of a node and its share of the edges, as a GraphQL
// neighbourhood selecting the same would be priced.
const exportNodeCost = 20

// forExport is the lane of an export request: the whole graph is heavy; a
// neighbourhood costs its limit (the entities it may hold) times
// exportNodeCost. A request whose parameters do not parse is cheap: the
// export handler refuses it.
func (a *admission) forExport(r *http.Request) *lane {
	q := r.URL.Query()
	if q.Get("id") == "" {
		return a.heavy
	}
	limit := domain.MaxSubgraphSize
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return a.cheap
		}
		limit = min(n, domain.MaxSubgraphSize)
	}
	return a.forCost(limit * exportNodeCost)
}

// admitExport runs an export in its lane, or answers OVERLOADED (or
// TIMEOUT, for a request whose deadline passed before it could start).
func (a *admission) admitExport(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := domain.ContextError(r.Context(), "the export")
		if err == nil {
			err = admit(r.Context(), a.forExport(r))
		}
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// lane runs at most slots requests at once. A request finding no free slot
// waits in line, unless its wait is predicted (from the time requests of
// the lane have lately held their slots) to pass the lane's wait, or
// maxWaiting already wait: then it is refused at once.
type lane struct {
	name       string
	slots      int
	sem        *semaphore.Weighted
	running    atomic.Int64
	waiting    atomic.Int64
	hold       atomic.Int64 // moving average of how long a slot is held, in ns
	wait       time.Duration
	retryAfter int // seconds
	m          *metrics.Metrics
}

func newLane(name string, slots int, wait time.Duration, m *metrics.Metrics) *lane {
	l := &lane{name: name, slots: slots, sem: semaphore.NewWeighted(int64(slots)),
		wait: wait, retryAfter: max(1, int((wait+time.Second-1)/time.Second)), m: m}
	m.RegisterLane(metrics.Lane{Name: name, Slots: slots, Running: l.running.Load, Waiting: l.waiting.Load})
	return l
}

// slot is a request's hold on one of a lane's slots.
type slot struct {
	lane  *lane
	since time.Time
}

// acquire takes a slot, waiting for one at most the lane's wait (and never
// past ctx's end); OVERLOADED when the line is too long or no slot came in
// time, TIMEOUT or CANCELED when ctx ended first.
func (l *lane) acquire(ctx context.Context) (*slot, error) {
	if l.sem.TryAcquire(1) {
		return l.took(), nil
	}
	ahead := l.waiting.Add(1)
	defer l.waiting.Add(-1)
	if predicted := time.Duration(l.hold.Load() * ahead / int64(l.slots)); ahead > maxWaiting || predicted > l.wait {
		l.m.AdmissionRefused(l.name, "at_once")
		return nil, l.overloaded(fmt.Sprintf("%d waiting, about %s before a slot would come free", ahead-1, predicted.Round(time.Millisecond)))
	}
	start := time.Now()
	wctx, cancel := context.WithTimeout(ctx, l.wait)
	defer cancel()
	err := l.sem.Acquire(wctx, 1)
	l.m.AdmissionWaited(l.name, time.Since(start))
	switch {
	case err == nil:
		return l.took(), nil
	case ctx.Err() != nil:
		return nil, domain.ContextError(ctx, "the request, waiting for a slot,")
	}
	l.m.AdmissionRefused(l.name, "waited")
	return nil, l.overloaded(fmt.Sprintf("none came free within %s", l.wait))
}

func (l *lane) took() *slot {
	l.running.Add(1)
	return &slot{lane: l, since: time.Now()}
}

// release gives the slot back and folds how long it was held into the
// lane's average (a weight of 1/8 for the newest).
func (s *slot) release() {
	l := s.lane
	held := int64(time.Since(s.since))
	for {
		old := l.hold.Load()
		next := held
		if old != 0 {
			next = old + (held-old)/8
		}
		if l.hold.CompareAndSwap(old, next) {
			break
		}
	}
	l.running.Add(-1)
	l.sem.Release(1)
}

func (l *lane) overloaded(why string) error {
	return &domain.Error{Code: domain.CodeOverloaded,
		Message: fmt.Sprintf("the server is busy with %s requests (all %d slots in use, %s); retry in %d s, or ask for less (smaller first or limit)",
			l.name, l.slots, why, l.retryAfter),
		Err: retryHint(l.retryAfter)}
}

// retryHint carries the Retry-After of an OVERLOADED error, in seconds.
type retryHint int

func (h retryHint) Error() string { return "retry after " + strconv.Itoa(int(h)) + " s" }

// retryAfter is the Retry-After, in seconds, of an OVERLOADED or
// UNAVAILABLE error: its hint, or 1.
func retryAfter(err error) int {
	var h retryHint
	if errors.As(err, &h) {
		return int(h)
	}
	return 1
}

// ticket is a request's hold on a lane: at most one slot at a time, taken
// when the request's cost is known and given back when the request ends.
type ticket struct {
	slot *slot
}

type ticketKey struct{}

// admit moves the request into lane l, waiting for a slot there: a
// request that first looked heavy (a large document to validate) and
// turns out cheap gives its heavy slot back.
func admit(ctx context.Context, l *lane) error {
	t, _ := ctx.Value(ticketKey{}).(*ticket)
	if t == nil || (t.slot != nil && t.slot.lane == l) {
		return nil
	}
	if t.slot != nil {
		t.slot.release()
		t.slot = nil
	}
	s, err := l.acquire(ctx)
	if err != nil {
		return err
	}
	t.slot = s
	return nil
}

// withAdmission gives each request a ticket and returns its slot when the
// request ends, whatever path it took.
func withAdmission(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := &ticket{}
		defer func() {
			if t.slot != nil {
				t.slot.release()
			}
		}()
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ticketKey{}, t)))
	})
}
