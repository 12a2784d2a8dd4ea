// Package embedded is the default backend: the whole graph in memory,
// indexed by id, by folded name and alias, by kind and by adjacency. It needs
// no installation and serves the seed graph from the moment it is loaded.
package embedded

import (
	"container/heap"
	"context"
	"fmt"
	"math/bits"
	"slices"
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
	return v.x.freshEntities(ids), nil
}

func (v writeView) RelationshipsByIDs(_ context.Context, ids []string) ([]*domain.Relationship, error) {
	return v.x.relationships(ids), nil
}

func (v writeView) EntitiesExist(_ context.Context, ids []string) ([]bool, error) {
	out := make([]bool, len(ids))
	for i, id := range ids {
		_, out[i] = v.x.slot(id)
	}
	return out, nil
}

func (v writeView) SourcesByIDs(_ context.Context, ids []string) ([]*domain.Source, error) {
	return lookup(v.x.sources, ids), nil
}

// relationships looks ids up among live and retracted relationships.
func (x *index) relationships(ids []string) []*domain.Relationship {
	out := make([]*domain.Relationship, len(ids))
	for i, id := range ids {
		if s, ok := x.relSlots.find(x.recIDs(), id); ok {
			out[i] = x.relationship(s)
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
	return x.entitiesOf(ids), nil
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
	out.Entities = x.entitiesOf(page[:min(len(page), f.First)])
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
	adj, m := x.adjacency(id), newMatcher(x, f)
	page := &domain.RelationshipPage{}
	slots := make([]int32, 0, min(f.First, len(adj)))
	for _, e := range adj {
		if !m.match(e) {
			continue
		}
		page.Total++
		if f.After != "" && x.recIDs().compareTo(e.rel, f.After) <= 0 {
			continue
		}
		if len(slots) < f.First {
			slots = append(slots, e.rel)
		} else {
			page.HasNext = true
		}
	}
	page.Relationships = x.relationshipsAt(slots)
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
	v := &domain.EntityView{Entity: x.entity(q.ID)}
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
				v.Ends = append(v.Ends, x.entity(o))
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
	seen := newVisits(len(x.ents))
	defer seen.done()
	candidates := x.names.candidates(folded, seen)
	return x.entitiesAt(domain.RankFolded(candidates, x.candidate, folded, q.Kinds, q.First)), nil
}

// candidate tells domain.RankFolded what the entity at slot i is, from
// the names the index keeps folded, without building it.
func (x *index) candidate(i int32) domain.Candidate {
	return domain.Candidate{ID: x.ids[i], Kind: x.kindAt(i), Names: x.names.foldedAt(i, x.ids[i])}
}

// Neighborhood implements domain.Store: a breadth-first walk from q.ID that
// follows the filter's relationships, keeps the closest q.Limit entities
// (ties by id), and returns every relationship that passes the filter
// between two kept entities. It answers every value whole, whatever
// q.Brief allows: it holds them whole, so brief ones would save nothing.
func (s *Store) Neighborhood(ctx context.Context, q domain.NeighborhoodQuery) (*domain.Subgraph, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	x, done, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	start, ok := x.slot(q.ID)
	if !ok {
		return nil, domain.NotFoundf("no entity has id %q", q.ID)
	}
	m := newMatcher(x, q.Filter)
	seen := newVisits(len(x.ents))
	defer seen.done()
	seen.set(start, 0)
	reached := 1
	levels := [][]int32{{start}}
	sub := &domain.Subgraph{}
	for d := 1; d <= q.Depth && len(levels[d-1]) > 0 && !sub.Truncated; d++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// Once the closer levels fill the limit, a farther entity could
		// only be cut: it is enough to learn whether one exists.
		full := reached >= q.Limit
		room := q.Limit - reached
		var next []int32
		var smallest *slotHeap // once the level overflows: its room smallest ids
		for _, u := range levels[d-1] {
			// A hub's neighbours in id order: once the level overflows,
			// the first that does not make the cut ends the list.
			list, inIDOrder := x.adj[u], false
			if l := x.byOther(u); l != nil {
				list, inIDOrder = l, true
			}
		list:
			for _, e := range list {
				other := e.other
				if seen.has(other) || !m.match(e) {
					continue
				}
				if full {
					sub.Truncated = true
					break
				}
				switch {
				case smallest == nil && len(next) < room:
					seen.set(other, int32(d))
					reached++
					next = append(next, other)
				case smallest == nil:
					// The level holds more than the limit leaves room
					// for, so only its smallest ids are kept: held in a
					// max-heap instead of gathering every id a hub of a
					// million links reaches, then sorting them all.
					smallest = newSlotHeap(x, next)
					sub.Truncated = true
					fallthrough
				default:
					if x.idLess(other, smallest.max()) {
						seen.unset(smallest.replaceMax(other))
						seen.set(other, int32(d))
					} else if inIDOrder {
						break list
					}
				}
			}
			if full && sub.Truncated {
				break
			}
		}
		if smallest != nil {
			next = smallest.slots
		}
		levels = append(levels, next)
	}
	kept, cut := domain.KeepClosestFunc(levels, q.Limit, x.compareIDs)
	sub.Truncated = sub.Truncated || cut
	sub.Entities = x.entitiesAt(kept)
	sub.Relationships = x.linksAmong(kept, newMatcher(x, domain.RelationshipFilter{Types: q.Filter.Types, AsOf: q.Filter.AsOf}))
	return sub, nil
}

// linksAmong returns, sorted by id, every relationship passing m between
// two of the entities at slots kept. Each is found once, from the end with the
// shorter list (ties: the smaller slot): a short list is read whole, a
// hub's is searched (byOther) for the few longer-listed entities, so no
// hub's list is read whole.
func (x *index) linksAmong(kept []int32, m matcher) []*domain.Relationship {
	// By list length, then slot: each length read once, into the high
	// half of a number the sort compares alone.
	keyed := make([]uint64, len(kept))
	for i, u := range kept {
		keyed[i] = uint64(len(x.adj[u]))<<32 | uint64(uint32(u))
	}
	slices.Sort(keyed)
	order := make([]int32, len(kept))
	for i, k := range keyed {
		order[i] = int32(uint32(k))
	}
	rank := newVisits(len(x.ents)) // each kept entity's place in order
	defer rank.done()
	isKept := newSlotBits(len(x.ents)) // asked first: most ends are not kept
	defer isKept.release(order)
	for i, u := range order {
		rank.set(u, int32(i))
		isKept.add(u)
	}
	var out []int32 // record slots
	for i, u := range order {
		// Searching the list once for each later entity, or reading it
		// whole: whichever reads less.
		bigger := len(order) - i - 1
		if o := x.hubOrder(u); o != nil && bigger*bits.Len(uint(len(o.edges))) < len(o.edges) {
			near := o.edges
			// From u itself (its self-loops) on.
			for _, w := range order[i:] {
				for at := o.search(x, w); at < len(near) && near[at].other == w; at++ {
					if m.match(near[at]) {
						out = append(out, near[at].rel)
					}
				}
			}
			continue
		}
		for _, e := range x.adj[u] {
			if !isKept.has(e.other) {
				continue
			}
			if r, _ := rank.get(e.other); r >= int32(i) && m.match(e) {
				out = append(out, e.rel)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	sortByID(x, out)
	return x.relationshipsAt(out)
}

// sortByID sorts record slots by their relationships' ids. Slots are given
// in the order relationships arrive, which is mostly their ids' order (an
// import's, a generated graph's), so the slots are sorted as numbers first
// and the ids compared only when that order is not theirs.
func sortByID(x *index, slots []int32) {
	sortSlots(slots)
	if !x.recsInIDOrder && !slices.IsSortedFunc(slots, x.compareRecs) {
		slices.SortFunc(slots, x.compareRecs)
	}
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
		Entities:      x.freshEntities(keysAfter(x.entityIDs, "", -1)),
		Relationships: x.relationshipsAt(x.liveRecs()),
	}, nil
}

// liveRecs are the record slots of the live relationships, by id.
func (x *index) liveRecs() []int32 {
	out := x.relSlots.slots()
	sortByID(x, out)
	return out
}

// Ping implements domain.Store; memory is always reachable.
func (s *Store) Ping(ctx context.Context) error { return ctx.Err() }

// Close implements domain.Store: it closes the journal.
func (s *Store) Close(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.journal.Close()
}

// slotHeap is a max-heap of slots by id: the smallest ids seen so far,
// the largest of them on top.
type slotHeap struct {
	x     *index
	slots []int32
}

func newSlotHeap(x *index, slots []int32) *slotHeap {
	h := &slotHeap{x: x, slots: slots}
	heap.Init(h)
	return h
}

func (h *slotHeap) max() int32 { return h.slots[0] }

// replaceMax puts i in the place of the largest, which it returns.
func (h *slotHeap) replaceMax(i int32) int32 {
	old := h.slots[0]
	h.slots[0] = i
	heap.Fix(h, 0)
	return old
}

func (h *slotHeap) Len() int           { return len(h.slots) }
func (h *slotHeap) Less(i, j int) bool { return h.x.idLess(h.slots[j], h.slots[i]) }
func (h *slotHeap) Swap(i, j int)      { h.slots[i], h.slots[j] = h.slots[j], h.slots[i] }
func (h *slotHeap) Push(v any)         { h.slots = append(h.slots, v.(int32)) }
func (h *slotHeap) Pop() any {
	last := h.slots[len(h.slots)-1]
	h.slots = h.slots[:len(h.slots)-1]
	return last
}
