package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/metrics"
	"github.com/conflictgraph/conflictgraph/server"
)

// The attacks of issue 14, each through the handler: every one must be
// refused with its code, fast (with a generous margin: the refusals took
// seconds before), without store work, and without holding memory.

// quickly is how long a refusal may take here: generous for a loaded
// machine and the race detector, and far below the seconds these attacks
// cost before they were refused early.
const quickly = 3 * time.Second

// heapInUse is the live heap after two collections.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// allocated is how many bytes f allocates (every goroutine's, so run
// nothing else meanwhile).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func quietHandler(t *testing.T, st domain.Store, cfg server.Config) http.Handler {
	t.Helper()
	cfg.Store = st
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return mustHandler(t, cfg)
}

func TestSearchAttacksAreRefusedBeforeTheStore(t *testing.T) {
	words := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "%c ", 'a'+i%26)
		}
		return b.String()
	}
	tests := []struct {
		name         string
		text         string
		limit, value int
	}{
		{"900 KB of short words", strings.Repeat("a b ", 225_000), domain.MaxSearchText, 900_000},
		{"1,100 words", strings.Repeat("ab ", 1100), domain.MaxSearchText, 3300},
		{"33 words within the length", words(33), domain.MaxSearchWords, 33},
		{"one 500 KB word", strings.Repeat("x", 500_000), domain.MaxSearchText, 500_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newCountingStore(t)
			h := quietHandler(t, st, server.Config{})
			for _, inline := range []bool{false, true} {
				var resp gqlResponse
				start := time.Now()
				alloc := allocated(func() {
					if inline {
						resp = post(t, h, `{ search(text: "`+tt.text+`") { id } }`, nil)
					} else {
						resp = post(t, h, `query($t: String!) { search(text: $t) { id } }`, map[string]any{"t": tt.text})
					}
				})
				took := time.Since(start)
				resp.wantError(t, "BAD_USER_INPUT", "search text")
				e := resp.Errors[0].Extensions
				if e["reason"] != "LIMIT_EXCEEDED" || e["limit"] != float64(tt.limit) || e["value"] != float64(tt.value) {
					t.Errorf("inline %v: extensions %v, want LIMIT_EXCEEDED, limit %d, value %d", inline, e, tt.limit, tt.value)
				}
				if took > quickly {
					t.Errorf("inline %v: refused in %s", inline, took)
				}
				// The body itself is read, decoded and parsed: a few
				// copies of its text, not the tens of megabytes a search
				// of it allocated.
				if limit := uint64(24*len(tt.text)) + 8<<20; alloc > limit {
					t.Errorf("inline %v: %d MB allocated for a %d KB text", inline, alloc>>20, len(tt.text)>>10)
				}
			}
			if n := st.calls.Load(); n != 0 {
				t.Errorf("%d store calls", n)
			}
		})
	}
}

// repeated is a document with n copies of field inside one selection set.
func repeated(prefix, field string, n int, suffix string) string {
	return prefix + strings.Repeat(" "+field, n) + suffix
}

func TestValidationBombsAreRefusedBeforeValidation(t *testing.T) {
	tests := []struct {
		name, query string
		code        string
		limit       int
		value       int
	}{
		{"9,990 __typename at the root", repeated("{", "__typename", 9990, " }"), "TOO_MANY_ROOT_FIELDS", 20, 9990},
		{"9,900 names of one entity", repeated(`{ entity(id: "union") {`, "name", 9900, " } }"), "TOO_MANY_SELECTIONS", 1000, 9901},
		{"a comment does not help", "# a new document\n" + repeated(`{ entity(id: "union") {`, "name", 9900, " } }"), "TOO_MANY_SELECTIONS", 1000, 9901},
		{"nested repeats", `{ entity(id: "union") { ` + strings.Repeat(`... on ArmedGroup { relationships { edges { node { `+strings.Repeat("id ", 60)+`} } } } `, 30) + `} }`, "TOO_MANY_SELECTIONS", 1000, 1 + 30*64},
		{"fragments spreading fragments", fanOut(22), "QUERY_TOO_COMPLEX", 50000, 1<<22 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newCountingStore(t)
			h := quietHandler(t, st, server.Config{})
			start := time.Now()
			resp := post(t, h, tt.query, nil)
			took := time.Since(start)
			if resp.status != http.StatusUnprocessableEntity || len(resp.Errors) != 1 {
				t.Fatalf("status %d, errors %+v", resp.status, resp.Errors)
			}
			e := resp.Errors[0].Extensions
			if e["code"] != tt.code || e["limit"] != float64(tt.limit) || e["value"] != float64(tt.value) {
				t.Errorf("extensions %v, want %s, limit %d, value %d", e, tt.code, tt.limit, tt.value)
			}
			if took > quickly {
				t.Errorf("refused in %s", took)
			}
			if n := st.calls.Load(); n != 0 {
				t.Errorf("%d store calls", n)
			}
		})
	}

	// The costliest document the limits let through: its validation
	// compares every pair of its thousand fields, and stays bounded.
	h := newAPI(t)
	for i := range 3 {
		start := time.Now()
		var got map[string]any
		post(t, h, fmt.Sprintf("# variant %d\n", i)+repeated(`{ entity(id: "union") {`, "name", 999, " } }"), nil).decode(t, &got)
		if took := time.Since(start); took > quickly {
			t.Errorf("the largest allowed document took %s", took)
		}
	}
}

func TestTheQueryCacheIsBoundedInBytes(t *testing.T) {
	m := metrics.New()
	const budget = 4 << 20
	h := quietHandler(t, newCountingStore(t), server.Config{Metrics: m, Limits: server.Limits{QueryCacheBytes: budget}})
	base := heapInUse()
	// Distinct ordinary documents, more than the budget holds,
	for i := range 1200 {
		var got map[string]any
		post(t, h, fmt.Sprintf(`query Q%d { entity(id: "union") { id name relationships { totalCount } } }`, i), nil).decode(t, &got)
	}
	// then 20 distinct documents, each carrying a 1 MB id: a cache of a
	// thousand entries kept them all, the id in each.
	id := strings.Repeat("x", 1_000_000)
	for i := range 20 {
		var got struct{ Entity *struct{ ID string } }
		post(t, h, fmt.Sprintf(`{ entity(id: "%d%s") { id } }`, i, id), nil).decode(t, &got)
		if got.Entity != nil {
			t.Fatal("an entity with a 1 MB id")
		}
	}
	grown := int64(heapInUse()) - int64(base)
	cached := gauge(t, h, `conflictgraph_cache_bytes{cache="documents"}`)
	if max := gauge(t, h, `conflictgraph_cache_max_bytes{cache="documents"}`); max != budget || cached <= budget/2 || cached > budget {
		t.Errorf("the cache counts %.0f bytes of a budget of %.0f", cached, max)
	}
	// 20 MB of ids went through; what stays is the cache, within its
	// budget: the estimate it counts is not below what it holds.
	if grown > int64(cached)+6<<20 {
		t.Errorf("the heap grew by %d MB; the cache counts %d MB of a budget of %d MB", grown>>20, int64(cached)>>20, budget>>20)
	}
}

// gauge reads one value from /metrics; a series not there yet (a counter
// never incremented) reads 0.
func gauge(t *testing.T, h http.Handler, series string) float64 {
	t.Helper()
	rec := get(t, h, "/metrics")
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			var v float64
			if _, err := fmt.Sscan(rest, &v); err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return v
		}
	}
	return 0
}

func TestRequestsPastTheirDeadlineAnswerTimeout(t *testing.T) {
	// A deadline that has passed before the request is even parsed: the
	// answer is TIMEOUT with 504, wherever the request was refused, never
	// a body of null with 200.
	st := newCountingStore(t)
	h := quietHandler(t, st, server.Config{Limits: server.Limits{RequestTimeout: time.Nanosecond}})
	for _, req := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/graphql?query="+`{sources{id}}`, nil),
		func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(queryBody(t, `{ sources { id } }`, nil)))
			r.Header.Set("Content-Type", "application/json")
			return r
		}(),
	} {
		resp := do(t, h, req)
		resp.wantError(t, "TIMEOUT", "deadline")
	}
	rec := get(t, h, "/export?format=cytoscape")
	if rec.Code != http.StatusGatewayTimeout || !strings.Contains(rec.Body.String(), `"TIMEOUT"`) {
		t.Errorf("export: %d %s", rec.Code, rec.Body)
	}
	if n := st.calls.Load(); n != 0 {
		t.Errorf("%d store calls after the deadline", n)
	}
}

func TestAClientHangingUpIsCanceledNotInternal(t *testing.T) {
	st := newStallingStore(t)
	logs := &syncBuffer{}
	m := metrics.New()
	h := quietHandler(t, st, server.Config{Logger: slog.New(slog.NewTextHandler(logs, nil)), Metrics: m})
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(queryBody(t, `query Hang { search(text: "front") { id } }`, nil)))
	req.Header.Set("Content-Type", "application/json")
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}()
	<-st.entered
	cancel()
	<-done
	text := get(t, h, "/metrics").Body.String()
	for _, want := range []string{
		`conflictgraph_http_requests_total{operation="Hang",outcome="CANCELED",route="/graphql"} 1`,
		`conflictgraph_store_errors_total{code="CANCELED",method="Search"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(logs.String(), "internal error") || !strings.Contains(logs.String(), "status=499") {
		t.Errorf("log:\n%s", logs)
	}
}

// gateStore holds Paths and Neighborhood (heavy by default) until open is
// closed, telling held about each call it holds.
type gateStore struct {
	domain.Store
	held chan struct{}
	open chan struct{}
}

func (g *gateStore) hold(ctx context.Context) error {
	g.held <- struct{}{}
	select {
	case <-g.open:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *gateStore) Paths(ctx context.Context, q domain.PathQuery) ([]*domain.Path, error) {
	if err := g.hold(ctx); err != nil {
		return nil, err
	}
	return g.Store.Paths(ctx, q)
}

const heavyPaths = `{ paths(from: "union", to: "atlantis", maxLength: 6, first: 50) { length nodes { id } } }`

func TestHeavyQueriesCannotStarveCheapOnes(t *testing.T) {
	gate := &gateStore{Store: newCountingStore(t), held: make(chan struct{}, 64), open: make(chan struct{})}
	m := metrics.New()
	h := quietHandler(t, gate, server.Config{Metrics: m,
		Admission: server.Admission{HeavyConcurrency: 1, CheapConcurrency: 2, QueueWait: time.Minute}})

	// One heavy query runs, held in the store.
	answers := make(chan gqlResponse, 64)
	send := func(query string) {
		go func() { answers <- post(t, h, query, nil) }()
	}
	send(heavyPaths)
	<-gate.held

	// The heavy lane is full: more heavy queries wait, as long as their
	// predicted wait allows, and the cheap lane answers meanwhile.
	for range 3 {
		send(heavyPaths)
	}
	waitFor(t, h, `conflictgraph_admission_waiting{lane="heavy"}`, 3)
	for range 20 {
		var got struct{ Search []struct{ ID string } }
		post(t, h, `{ search(text: "front") { id } }`, nil).decode(t, &got)
		if len(got.Search) == 0 {
			t.Fatal("no search results")
		}
	}
	close(gate.open)
	for range 4 {
		if resp := <-answers; len(resp.Errors) > 0 || resp.status != http.StatusOK {
			t.Errorf("a heavy query: %d %+v", resp.status, resp.Errors)
		}
	}
}

func TestOverloadIsRefusedEarlyWithRetryAfter(t *testing.T) {
	gate := &gateStore{Store: newCountingStore(t), held: make(chan struct{}, 64), open: make(chan struct{})}
	m := metrics.New()
	h := quietHandler(t, gate, server.Config{Metrics: m,
		Admission: server.Admission{HeavyConcurrency: 1, QueueWait: 20 * time.Millisecond}})
	answers := make(chan gqlResponse, 64)
	go func() { answers <- post(t, h, heavyPaths, nil) }()
	<-gate.held

	// With the slot held, each heavy query waits at most the queue wait,
	// then is refused; the slot's holder is never disturbed.
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(queryBody(t, heavyPaths, nil)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" || !strings.Contains(rec.Body.String(), `"OVERLOADED"`) {
		t.Errorf("a heavy query past the queue wait: %d Retry-After %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	// Once the lane knows its slots are held for longer than the wait,
	// 50 more are refused at once, none waiting: what the server holds
	// for a flood stays bounded. (A hundred exports of the whole graph
	// go the same way: they are heavy too.)
	gate.open <- struct{}{} // the held query ends, and teaches the lane how long it took
	<-answers
	go func() { answers <- post(t, h, heavyPaths, nil) }()
	<-gate.held
	refusedBefore := gauge(t, h, `conflictgraph_admission_refused_total{lane="heavy",reason="at_once"}`)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			resp := post(t, h, heavyPaths, nil)
			if resp.status != http.StatusServiceUnavailable || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "OVERLOADED" {
				t.Errorf("heavy query: %d %+v", resp.status, resp.Errors)
			}
		})
	}
	for range 50 {
		wg.Go(func() {
			rec := get(t, h, "/export?format=cytoscape")
			if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"OVERLOADED"`) {
				t.Errorf("export: %d %s", rec.Code, rec.Body)
			}
		})
	}
	wg.Wait()
	if refused := gauge(t, h, `conflictgraph_admission_refused_total{lane="heavy",reason="at_once"}`) - refusedBefore; refused < 90 {
		t.Errorf("%.0f of 100 refused at once; the rest waited", refused)
	}
	close(gate.open)
	if resp := <-answers; len(resp.Errors) > 0 {
		t.Errorf("the query holding the slot: %+v", resp.Errors)
	}
}

// waitFor polls /metrics until series reaches at least want, for at most a
// minute.
func waitFor(t *testing.T, h http.Handler, series string, want float64) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		rec := get(t, h, "/metrics")
		for _, line := range strings.Split(rec.Body.String(), "\n") {
			if rest, ok := strings.CutPrefix(line, series+" "); ok {
				var v float64
				if _, err := fmt.Sscan(rest, &v); err == nil && v >= want {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never reached %v", series, want)
		}
	}
}
