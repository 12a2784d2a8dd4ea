// Package embedded is the default backend: the whole graph in memory,
// indexed by id, by folded name and alias, by kind and by adjacency. It needs
// no installation and serves the seed graph from the moment it is loaded.
package embedded

import (
	"container/heap"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Store is the in-memory graph. It is safe for concurrent use; values it
// returns are shared and must not be modified. Every change is recorded in
// its Journal before it is applied, so a store opened on a journal that
// persists (boltdb) comes back as it was.
type Store struct {
	mu       sync.RWMutex
	idx      *index
	revision int64
	journal  Journal
	now      func() time.Time
}

var _ domain.Store = (*Store)(nil)

// New returns an empty store that keeps its history in memory: everything
// written is lost when the process ends.
func New() *Store {
	st, err := Open(NewMemoryJournal())
	if err != nil {
		panic(err) // an empty memory journal replays nothing
	}
	return st
}

// Open returns a store holding what j recorded, replayed in revision
// order; the store appends to j from then on and closes it on Close.
func Open(j Journal) (*Store, error) {
	st := &Store{idx: newIndex(), journal: j, now: time.Now}
	err := j.Replay(func(ch *domain.Change) error {
		if ch.Revision != st.revision+1 {
			return &domain.Error{Code: domain.CodeInternal, Message: fmt.Sprintf("journal holds revision %d after %d: a revision is missing", ch.Revision, st.revision)}
		}
		st.idx.apply(ch)
		st.revision = ch.Revision
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("replay the journal: %w", err)
	}
	return st, nil
}

func (s *Store) view(ctx context.Context) (*index, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	s.mu.RLock()
	return s.idx, s.mu.RUnlock, nil
}

// Apply implements domain.Store: under the write lock, it plans the change
// against the graph as it stands, records it in the journal (durably, for
// a persistent one) and only then applies it in memory.
func (s *Store) Apply(ctx context.Context, cs *domain.ChangeSet) (*domain.Change, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, err := domain.Plan(ctx, writeView{s.idx}, s.revision, s.now(), cs)
	if err != nil || ch.Unchanged() {
		return ch, err
	}
	if err := s.journal.Append(ch); err != nil {
		return nil, fmt.Errorf("record revision %d: %w", ch.Revision, err)
	}
	s.idx.apply(ch)
	s.revision = ch.Revision
	return ch, nil
}

// writeView shows Plan the index under the write lock.
type writeView struct{ x *index }

func (v writeView) EntitiesByIDs(_ context.Context, ids []string) ([]*domain.Entity, error) {
	return lookup(v.x.entities, ids), nil
}

func (v writeView) RelationshipsByIDs(_ context.Context, ids []string) ([]*domain.Relationship, error) {
	return v.x.relationships(ids), nil
}

func (v writeView) SourcesByIDs(_ context.Context, ids []string) ([]*domain.Source, error) {
	return lookup(v.x.sources, ids), nil
}

// relationships looks ids up among live and retracted relationships.
func (x *index) relationships(ids []string) []*domain.Relationship {
	out := make([]*domain.Relationship, len(ids))
	for i, id := range ids {
		if r := x.rels[id]; r != nil {
			out[i] = r
		} else {
			out[i] = x.retracted[id]
		}
	}
	return out
}

// Changes implements domain.Store, reading the journal.
func (s *Store) Changes(ctx context.Context, q domain.ChangeQuery) (*domain.ChangePage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	rev := s.revision
	s.mu.RUnlock()
	changes, err := s.journal.Changes(q.After, min(q.First, int(max(rev-q.After, 0))))
	if err != nil {
		return nil, fmt.Errorf("read the journal: %w", err)
	}
	last := q.After
	if n := len(changes); n > 0 {
		last = changes[n-1].Revision
	}
	return &domain.ChangePage{Changes: changes, HasNext: last < rev, Revision: rev}, nil
}

// Revision implements domain.Store.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.revision, nil
}

// EntitiesByIDs implements domain.Store.
func (s *Store) EntitiesByIDs(ctx context.Context, ids []string) ([]*domain.Entity, error) {
	x, done, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return lookup(x.entities, ids), nil
}

// RelationshipsByIDs implements domain.Store.
func (s *Store) RelationshipsByIDs(ctx context.Context, ids []string) ([]*domain.Relationship, error) {
	x, done, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return x.relationships(ids), nil
}

// SourcesByIDs implements domain.Store.
func (s *Store) SourcesByIDs(ctx context.Context, ids []string) ([]*domain.Source, error) {
	x, done, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return lookup(x.sources, ids), nil
}

func lookup[V any](m map[string]*V, ids []string) []*V {
	out := make([]*V, len(ids))
	for i, id := range ids {
		out[i] = m[id]
	}
	return out
}

// Sources implements domain.Store.
func (s *Store) Sources(ctx context.Context) ([]*domain.Source, error) {
	x, done, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return lookup(x.sources, keysAfter(x.sourceIDs, "", -1)), nil
}

// Entities implements domain.Store.
func (s *Store) Entities(ctx context.Context, f domain.EntityFilter) (*domain.EntityPage, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	x, done, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	tree := x.entityIDs
	total := tree.Len()
	var page []string
	if len(f.Kinds) == 0 {
		page = keysAfter(tree, f.After, f.First+1)
	} else {
		total = 0
		for _, k := range slices.Compact(slices.Sorted(slices.Values(f.Kinds))) {
			if t := x.byKind[k]; t != nil {
				total += t.Len()
				page = append(page, keysAfter(t, f.After, f.First+1)...)
			}
		}
		slices.Sort(page)
		page = page[:min(len(page), f.First+1)]
	}
	out := &domain.EntityPage{Total: total, HasNext: len(page) > f.First}
	out.Entities = lookup(x.entities, page[:min(len(page), f.First)])
	return out, nil
}

// RelationshipsOf implements domain.Store.
func (s *Store) RelationshipsOf(ctx context.Context, ids []string, f domain.RelationshipFilter) ([]*domain.RelationshipPage, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	x, done, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	pages := make([]*domain.RelationshipPage, len(ids))
	for i, id := range ids {
		pages[i] = x.relationshipPage(id, f)
	}
	return pages, nil
}

// relationshipPage is one page of id's relationships passing f.
func (x *index) relationshipPage(id string, f domain.RelationshipFilter) *domain.RelationshipPage {
	page := &domain.RelationshipPage{Relationships: make([]*domain.Relationship, 0, min(f.First, len(x.adjacency[id])))}
	for _, r := range x.adjacency[id] {
		if !f.Match(r, id) {
			continue
		}
		page.Total++
		if f.After != "" && r.ID <= f.After {
			continue
		}
		if len(page.Relationships) < f.First {
			page.Relationships = append(page.Relationships, r)
		} else {
			page.HasNext = true
		}
	}
	return page
}

// ReadEntity implements domain.Store under one read lock, so the entity,
// its page, the ends and the sources are of one revision.
func (s *Store) ReadEntity(ctx context.Context, q domain.EntityRead) (*domain.EntityView, error) {
	if q.Relationships != nil {
		if err := q.Relationships.Validate(); err != nil {
			return nil, err
		}
	}
	x, done, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	v := &domain.EntityView{Entity: x.entities[q.ID]}
	if v.Entity == nil {
		return v, nil
	}
	var rels []*domain.Relationship
	if q.Relationships != nil {
		v.Page = x.relationshipPage(q.ID, *q.Relationships)
		rels = v.Page.Relationships
	}
	if q.Ends && len(rels) > 0 {
		seen := make(map[string]bool, len(rels))
		for _, r := range rels {
			if o := r.Other(q.ID); !seen[o] {
				seen[o] = true
				v.Ends = append(v.Ends, x.entities[o])
			}
		}
	}
	if q.Sources {
		v.Sources = lookup(x.sources, domain.CitedSources(v.Entity, rels))
	}
	return v, nil
}

// Search implements domain.Store.
func (s *Store) Search(ctx context.Context, q domain.SearchQuery) ([]*domain.Entity, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	x, done, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	folded := domain.Fold(q.Text)
	candidates := x.names.candidates(folded)
	return domain.RankFolded(lookup(x.entities, candidates), x.names.foldedNames, folded, q.Kinds, q.First), nil
}

// Neighborhood implements domain.Store: a breadth-first walk from q.ID that
// follows the filter's relationships, keeps the closest q.Limit entities
// (ties by id), and returns every relationship that passes the filter
// between two kept entities.
func (s *Store) Neighborhood(ctx context.Context, q domain.NeighborhoodQuery) (*domain.Subgraph, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	x, done, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	if x.entities[q.ID] == nil {
		return nil, domain.NotFoundf("no entity has id %q", q.ID)
	}
	seen := map[string]bool{q.ID: true}
	levels := [][]string{{q.ID}}
	sub := &domain.Subgraph{}
	for d := 1; d <= q.Depth && len(levels[d-1]) > 0 && !sub.Truncated; d++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// Once the closer levels fill the limit, a farther entity could
		// only be cut: it is enough to learn whether one exists.
		full := len(seen) >= q.Limit
		room := q.Limit - len(seen)
		var next []string
		var smallest *idHeap // once the level overflows: its room smallest ids
		for _, id := range levels[d-1] {
			for _, r := range x.adjacency[id] {
				other := r.Other(id)
				if seen[other] || !q.Filter.Match(r, id) {
					continue
				}
				if full {
					sub.Truncated = true
					break
				}
				switch {
				case smallest == nil && len(next) < room:
					seen[other] = true
					next = append(next, other)
				case smallest == nil:
					// The level holds more than the limit leaves room
					// for, so only its smallest ids are kept: held in a
					// max-heap instead of gathering every id a hub of a
					// million links reaches, then sorting them all.
					smallest = newIDHeap(next)
					sub.Truncated = true
					fallthrough
				default:
					if other < smallest.max() {
						delete(seen, smallest.replaceMax(other))
						seen[other] = true
					}
				}
			}
			if full && sub.Truncated {
				break
			}
		}
		if smallest != nil {
			next = smallest.ids
		}
		levels = append(levels, next)
	}
	ids, cut := domain.KeepClosest(levels, q.Limit)
	sub.Truncated = sub.Truncated || cut
	kept := make(map[string]bool, len(ids))
	for _, id := range ids {
		kept[id] = true
	}
	sub.Entities = lookup(x.entities, ids)
	typeOK := domain.RelationshipFilter{Types: q.Filter.Types, AsOf: q.Filter.AsOf}
	for _, id := range ids {
		for _, r := range x.adjacency[id] {
			// Each relationship once: from the endpoint it leaves.
			if r.FromID == id && kept[r.ToID] && typeOK.Match(r, id) {
				sub.Relationships = append(sub.Relationships, r)
			}
		}
	}
	slices.SortFunc(sub.Relationships, func(a, b *domain.Relationship) int { return strings.Compare(a.ID, b.ID) })
	return sub, nil
}

// Snapshot implements domain.Store.
func (s *Store) Snapshot(ctx context.Context) (*domain.Graph, error) {
	x, done, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return &domain.Graph{
		Sources:       lookup(x.sources, keysAfter(x.sourceIDs, "", -1)),
		Entities:      lookup(x.entities, keysAfter(x.entityIDs, "", -1)),
		Relationships: lookup(x.rels, keysAfter(x.relIDs, "", -1)),
	}, nil
}

// Ping implements domain.Store; memory is always reachable.
func (s *Store) Ping(ctx context.Context) error { return ctx.Err() }

// Close implements domain.Store: it closes the journal.
func (s *Store) Close(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.journal.Close()
}

// idHeap is a max-heap of ids: the smallest ids seen so far, the largest
// of them on top.
type idHeap struct{ ids []string }

func newIDHeap(ids []string) *idHeap {
	h := &idHeap{ids: ids}
	heap.Init(h)
	return h
}

func (h *idHeap) max() string { return h.ids[0] }

// replaceMax puts id in the place of the largest id, which it returns.
func (h *idHeap) replaceMax(id string) string {
	old := h.ids[0]
	h.ids[0] = id
	heap.Fix(h, 0)
	return old
}

func (h *idHeap) Len() int           { return len(h.ids) }
func (h *idHeap) Less(i, j int) bool { return h.ids[i] > h.ids[j] }
func (h *idHeap) Swap(i, j int)      { h.ids[i], h.ids[j] = h.ids[j], h.ids[i] }
func (h *idHeap) Push(x any)         { h.ids = append(h.ids, x.(string)) }
func (h *idHeap) Pop() any {
	last := h.ids[len(h.ids)-1]
	h.ids = h.ids[:len(h.ids)-1]
	return last
}
