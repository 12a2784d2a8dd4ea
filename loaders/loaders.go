// Package loaders batches one request's store reads: every entity, source and
// relationship list asked for while a GraphQL query resolves is fetched in as
// few store calls as the query's depth allows, not one per field.
package loaders

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Options tune batching. The zero value takes the defaults.
type Options struct {
	// Wait is how long a loader collects keys before it fetches. Short, as
	// it adds to every level of a query; default 500µs.
	Wait time.Duration
	// MaxBatch caps the keys of one store call; default 500.
	MaxBatch int
}

func (o Options) loaderOptions() []dataloadgen.Option {
	wait, max := o.Wait, o.MaxBatch
	if wait <= 0 {
		wait = 500 * time.Microsecond
	}
	if max <= 0 {
		max = 500
	}
	return []dataloadgen.Option{dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(max)}
}

// Loaders are one request's dataloaders. Build them per request (Middleware
// does); they cache what they fetched for the request's lifetime only.
type Loaders struct {
	mu        sync.Mutex
	shaped    map[*domain.Entity]any    // Shaped's results
	endShapes map[string]any            // KeepEndShape's, by entity id
	brief     map[string]*domain.Entity // PrimeBrief's entities, by id

	entities      *dataloadgen.Loader[string, *domain.Entity]
	sources       *dataloadgen.Loader[string, *domain.Source]
	relationships *dataloadgen.Loader[relKey, *domain.RelationshipPage]

	// The keys each loader has a value (or a known absence) for, primed or
	// fetched: a load of any other key waits for a fetch (WithWaitHook).
	knownEntities      known[string]
	knownSources       known[string]
	knownRelationships known[relKey]
}

// New returns fresh loaders reading from st.
func New(st domain.Store, o Options) *Loaders {
	opts := o.loaderOptions()
	l := &Loaders{}
	l.entities = dataloadgen.NewMappedLoader(marking(&l.knownEntities, byID(st.EntitiesByIDs)), opts...)
	l.sources = dataloadgen.NewMappedLoader(marking(&l.knownSources, byID(st.SourcesByIDs)), opts...)
	l.relationships = dataloadgen.NewMappedLoader(marking(&l.knownRelationships, relationshipsOf(st)), opts...)
	return l
}

// known is a set of keys a loader has answered, safe for concurrent use.
type known[K comparable] struct {
	mu   sync.RWMutex
	keys map[K]struct{}
}

func (k *known[K]) add(keys ...K) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys == nil {
		k.keys = make(map[K]struct{}, len(keys))
	}
	for _, key := range keys {
		k.keys[key] = struct{}{}
	}
}

func (k *known[K]) has(key K) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	_, ok := k.keys[key]
	return ok
}

// marking records the keys of every fetch as known once it returns,
// whatever it found: a later load of them waits for nothing.
func marking[K comparable, V any](k *known[K], fetch func(context.Context, []K) (map[K]V, error)) func(context.Context, []K) (map[K]V, error) {
	return func(ctx context.Context, keys []K) (map[K]V, error) {
		values, err := fetch(ctx, keys)
		k.add(keys...)
		return values, err
	}
}

// load is l.Load(ctx, key), calling ctx's wait hooks first when the key is
// not known, so the load is about to wait for a fetch.
func load[K comparable, V any](ctx context.Context, l *dataloadgen.Loader[K, V], k *known[K], key K) (V, error) {
	if !k.has(key) {
		beforeWait(ctx)
	}
	return l.Load(ctx, key)
}

// waitHook is one hook of WithWaitHook, with those of the context it was
// added to.
type waitHook struct {
	run    func()
	parent *waitHook
}

type waitHookKey struct{}

// WithWaitHook returns a context on which a load that is about to wait for
// a store fetch first runs hook, then the hooks ctx already had, innermost
// first. A hook runs on the loading goroutine, before it blocks, and may run
// many times: it must be cheap after the first.
//
// It is what lets a list's elements be resolved one after another on one
// goroutine (graph's marshalList): while every load is served from what
// the loaders already hold, nothing waits; the first that would wait starts
// the elements not yet resolved, each on a goroutine, so that their loads
// join its batch instead of waiting a batching window each.
func WithWaitHook(ctx context.Context, hook func()) context.Context {
	parent, _ := ctx.Value(waitHookKey{}).(*waitHook)
	return context.WithValue(ctx, waitHookKey{}, &waitHook{run: hook, parent: parent})
}

func beforeWait(ctx context.Context) {
	for h, _ := ctx.Value(waitHookKey{}).(*waitHook); h != nil; h = h.parent {
		h.run()
	}
}

// byID adapts a store's ordered batch read to a mapped fetch, leaving out
// the ids the store has nothing for.
func byID[V any](fetch func(context.Context, []string) ([]*V, error)) func(context.Context, []string) (map[string]*V, error) {
	return func(ctx context.Context, ids []string) (map[string]*V, error) {
		values, err := fetch(ctx, ids)
		if err != nil {
			return nil, err
		}
		if len(values) != len(ids) {
			return nil, fmt.Errorf("store returned %d values for %d ids: %w", len(values), len(ids), domain.ErrInternal)
		}
		out := make(map[string]*V, len(ids))
		for i, v := range values {
			if v != nil {
				out[ids[i]] = v
			}
		}
		return out, nil
	}
}

// relKey is one entity's relationship page under one filter. The filter is
// flattened into comparable fields so the loader can cache by key.
type relKey struct {
	entityID  string
	types     string // sorted, comma-joined
	direction domain.Direction
	asOf      domain.PartialDate
	first     int
	after     string
}

func newRelKey(entityID string, f domain.RelationshipFilter) relKey {
	types := make([]string, len(f.Types))
	for i, t := range f.Types {
		types[i] = string(t)
	}
	slices.Sort(types)
	dir := f.Direction
	if dir == "" {
		dir = domain.DirectionBoth
	}
	return relKey{entityID: entityID, types: strings.Join(slices.Compact(types), ","), direction: dir, asOf: f.AsOf, first: f.First, after: f.After}
}

func (k relKey) filter() domain.RelationshipFilter {
	f := domain.RelationshipFilter{Direction: k.direction, AsOf: k.asOf, First: k.first, After: k.after}
	if k.types != "" {
		for _, t := range strings.Split(k.types, ",") {
			f.Types = append(f.Types, domain.RelationType(t))
		}
	}
	return f
}

// relationshipsOf fetches the pages of many entities, one store call per
// distinct filter in the batch.
func relationshipsOf(st domain.Store) func(context.Context, []relKey) (map[relKey]*domain.RelationshipPage, error) {
	return func(ctx context.Context, keys []relKey) (map[relKey]*domain.RelationshipPage, error) {
		type group struct {
			filter domain.RelationshipFilter
			keys   []relKey
		}
		groups := map[relKey]*group{}
		var order []relKey
		for _, k := range keys {
			g := k
			g.entityID = ""
			if groups[g] == nil {
				groups[g] = &group{filter: k.filter()}
				order = append(order, g)
			}
			groups[g].keys = append(groups[g].keys, k)
		}
		out := make(map[relKey]*domain.RelationshipPage, len(keys))
		for _, g := range order {
			grp := groups[g]
			ids := make([]string, len(grp.keys))
			for i, k := range grp.keys {
				ids[i] = k.entityID
			}
			pages, err := st.RelationshipsOf(ctx, ids, grp.filter)
			if err != nil {
				return nil, err
			}
			if len(pages) != len(ids) {
				return nil, fmt.Errorf("store returned %d pages for %d entities: %w", len(pages), len(ids), domain.ErrInternal)
			}
			for i, k := range grp.keys {
				out[k] = pages[i]
			}
		}
		return out, nil
	}
}

type ctxKey struct{}

// Middleware gives every request its own Loaders over st.
func Middleware(st domain.Store, o Options, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(With(r.Context(), New(st, o))))
	})
}

// With returns ctx carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the request's loaders; an INTERNAL error when the request did
// not pass through Middleware.
func For(ctx context.Context) (*Loaders, error) {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		return nil, &domain.Error{Code: domain.CodeInternal, Message: "request has no loaders: the handler chain is missing loaders.Middleware"}
	}
	return l, nil
}

// Entity returns the entity with the id, or nil when there is none. The
// entities with the ids in also go in the same batch, not waited for: a
// relationship's from asks for its to, so that the two fields, resolved
// one after the other (tools/gqlgen), wait for one fetch. One read in brief
// (PrimeBrief) is left out: its field is most likely served by the brief
// entity, and fetching it whole would be a store call for nothing.
func Entity(ctx context.Context, id string, also ...string) (*domain.Entity, error) {
	l, err := For(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range also {
		if l.briefOf(a) == nil {
			l.entities.LoadThunk(ctx, a)
		}
	}
	return absentIsNil(load(ctx, l.entities, &l.knownEntities, id))
}

// Source returns the source with the id, or nil when there is none.
func Source(ctx context.Context, id string) (*domain.Source, error) {
	l, err := For(ctx)
	if err != nil {
		return nil, err
	}
	return absentIsNil(load(ctx, l.sources, &l.knownSources, id))
}

// Relationships returns one page of an entity's relationships. The filter
// must be valid (domain.RelationshipFilter.Validate).
func Relationships(ctx context.Context, entityID string, f domain.RelationshipFilter) (*domain.RelationshipPage, error) {
	l, err := For(ctx)
	if err != nil {
		return nil, err
	}
	page, err := load(ctx, l.relationships, &l.knownRelationships, newRelKey(entityID, f))
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, fmt.Errorf("store returned no page for entity %q: %w", entityID, domain.ErrInternal)
	}
	return page, err
}

// PrimeEntities tells the request's loaders about entities a query has
// already read (a neighbourhood's, a path's, an entity's links' ends), so
// that the fields below it (a relationship's from and to) find them
// without another store call. Nil entries are skipped; an id already
// loaded keeps what it had.
func PrimeEntities(ctx context.Context, entities ...*domain.Entity) {
	l, err := For(ctx)
	if err != nil {
		return
	}
	for _, e := range entities {
		if e != nil {
			l.entities.Prime(e.ID, e)
			l.knownEntities.add(e.ID)
		}
	}
}

// PrimeBrief tells the request's loaders about entities a query has read
// in brief (domain.BriefEntity: id, kind and name only), for the fields
// below it that show no more (BriefEntity). They are kept apart from the
// whole entities: a load of a whole entity never finds them.
func PrimeBrief(ctx context.Context, entities ...*domain.Entity) {
	l, err := For(ctx)
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range entities {
		if e == nil {
			continue
		}
		if l.brief == nil {
			l.brief = make(map[string]*domain.Entity, len(entities))
		}
		l.brief[e.ID] = e
	}
}

// BriefEntity returns the entity with the id as PrimeBrief was told of it,
// in brief; nil when it was not.
func BriefEntity(ctx context.Context, id string) *domain.Entity {
	l, err := For(ctx)
	if err != nil {
		return nil
	}
	return l.briefOf(id)
}

// briefOf is PrimeBrief's entity with the id, nil for none.
func (l *Loaders) briefOf(id string) *domain.Entity {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.brief[id]
}

// PrimeSources tells the request's loaders about sources already read.
func PrimeSources(ctx context.Context, sources ...*domain.Source) {
	l, err := For(ctx)
	if err != nil {
		return
	}
	for _, s := range sources {
		if s != nil {
			l.sources.Prime(s.ID, s)
			l.knownSources.add(s.ID)
		}
	}
}

// PrimeRelationships tells the request's loaders about an entity's page of
// relationships under filter f, already read; Relationships with the same
// entity and filter then returns it.
func PrimeRelationships(ctx context.Context, entityID string, f domain.RelationshipFilter, page *domain.RelationshipPage) {
	l, err := For(ctx)
	if err != nil || page == nil {
		return
	}
	k := newRelKey(entityID, f)
	l.relationships.Prime(k, page)
	l.knownRelationships.add(k)
}

// Shaped returns shape(e), made once per request for each entity: a
// transport's view of an entity that many fields of one answer show (the
// ends of a hub's relationships) is built once, not once per field. Without
// the request's loaders it calls shape every time.
func Shaped[T any](ctx context.Context, e *domain.Entity, shape func(*domain.Entity) T) T {
	l, err := For(ctx)
	if err != nil {
		return shape(e)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if v, ok := l.shaped[e].(T); ok {
		return v
	}
	v := shape(e)
	if l.shaped == nil {
		l.shaped = map[*domain.Entity]any{}
	}
	l.shaped[e] = v
	return v
}

// EndShape returns what KeepEndShape kept for the entity id this request,
// and whether it kept one. A relationship's end that an earlier
// relationship of the answer had (a hub, the centre of a neighbourhood) is
// then found with one look, not a load, a brief look-up and a Shaped call.
func EndShape[T any](ctx context.Context, id string) (T, bool) {
	var zero T
	l, err := For(ctx)
	if err != nil {
		return zero, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.endShapes[id].(T)
	return v, ok
}

// KeepEndShape keeps v, a transport's shape of the whole entity id as the
// request's entity loader holds it, for EndShape. The loader holds one
// entity for an id for the request's lifetime, so v stays its shape.
func KeepEndShape(ctx context.Context, id string, v any) {
	l, err := For(ctx)
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.endShapes == nil {
		l.endShapes = map[string]any{}
	}
	l.endShapes[id] = v
}

func absentIsNil[V any](v *V, err error) (*V, error) {
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	return v, err
}
