// Package embedded is the default backend: the whole graph in memory,
// indexed by id, by folded name and alias, by kind and by adjacency. It needs
// no installation and serves the seed graph from the moment it is loaded.
package embedded

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Store is the in-memory graph. It is safe for concurrent use; values it
// returns are shared and must not be modified.
type Store struct {
	mu  sync.RWMutex
	idx *index
}

var _ domain.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{idx: build(map[string]*domain.Source{}, map[string]*domain.Entity{}, map[string]*domain.Relationship{})}
}

// index is an immutable view of the graph with its lookup structures; Load
// builds a new one, so readers never see a half-updated graph.
type index struct {
	sources   map[string]*domain.Source
	entities  map[string]*domain.Entity
	rels      map[string]*domain.Relationship
	sourceIDs []string                          // sorted
	entityIDs []string                          // sorted
	relIDs    []string                          // sorted
	byKind    map[domain.EntityKind][]string    // sorted ids per kind
	adjacency map[string][]*domain.Relationship // per entity, sorted by id; a self-loop once
	names     *nameIndex
}

func build(sources map[string]*domain.Source, entities map[string]*domain.Entity, rels map[string]*domain.Relationship) *index {
	x := &index{
		sources:   sources,
		entities:  entities,
		rels:      rels,
		byKind:    map[domain.EntityKind][]string{},
		adjacency: map[string][]*domain.Relationship{},
	}
	x.sourceIDs = sortedKeys(sources)
	x.entityIDs = sortedKeys(entities)
	x.relIDs = sortedKeys(rels)
	for _, id := range x.entityIDs {
		k := entities[id].Kind
		x.byKind[k] = append(x.byKind[k], id)
	}
	for _, id := range x.relIDs { // sorted, so each adjacency list is too
		r := rels[id]
		x.adjacency[r.FromID] = append(x.adjacency[r.FromID], r)
		if r.ToID != r.FromID {
			x.adjacency[r.ToID] = append(x.adjacency[r.ToID], r)
		}
	}
	x.names = newNameIndex(x.entityIDs, entities)
	return x
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (s *Store) view(ctx context.Context) (*index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.idx, nil
}

// Load adds or replaces sources, entities and relationships by id. It checks
// the whole graph first and changes nothing when a relationship names an
// entity that is neither stored nor in g.
func (s *Store) Load(ctx context.Context, g *domain.Graph) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := g.CheckShape(); err != nil {
		return err
	}
	old := s.idx
	sources := cloneMap(old.sources, len(g.Sources))
	entities := cloneMap(old.entities, len(g.Entities))
	rels := cloneMap(old.rels, len(g.Relationships))
	for _, src := range g.Sources {
		sources[src.ID] = src
	}
	for _, e := range g.Entities {
		entities[e.ID] = e
	}
	for _, r := range g.Relationships {
		for _, end := range []string{r.FromID, r.ToID} {
			if _, ok := entities[end]; !ok {
				return domain.Invalidf("relationship %q names entity %q, which does not exist", r.ID, end)
			}
		}
		rels[r.ID] = r
	}
	s.idx = build(sources, entities, rels)
	return nil
}

func cloneMap[V any](m map[string]V, extra int) map[string]V {
	out := make(map[string]V, len(m)+extra)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// EntitiesByIDs implements domain.Store.
func (s *Store) EntitiesByIDs(ctx context.Context, ids []string) ([]*domain.Entity, error) {
	x, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	return lookup(x.entities, ids), nil
}

// RelationshipsByIDs implements domain.Store.
func (s *Store) RelationshipsByIDs(ctx context.Context, ids []string) ([]*domain.Relationship, error) {
	x, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	return lookup(x.rels, ids), nil
}

// SourcesByIDs implements domain.Store.
func (s *Store) SourcesByIDs(ctx context.Context, ids []string) ([]*domain.Source, error) {
	x, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
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
	x, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	return lookup(x.sources, x.sourceIDs), nil
}

// Entities implements domain.Store.
func (s *Store) Entities(ctx context.Context, f domain.EntityFilter) (*domain.EntityPage, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	x, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	ids := x.entityIDs
	if len(f.Kinds) > 0 {
		ids = nil
		for _, k := range f.Kinds {
			ids = append(ids, x.byKind[k]...)
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
	}
	page := &domain.EntityPage{Total: len(ids)}
	start, _ := slices.BinarySearch(ids, f.After)
	if f.After != "" && start < len(ids) && ids[start] == f.After {
		start++
	}
	end := min(start+f.First, len(ids))
	page.HasNext = end < len(ids)
	page.Entities = lookup(x.entities, ids[start:end])
	return page, nil
}

// RelationshipsOf implements domain.Store.
func (s *Store) RelationshipsOf(ctx context.Context, ids []string, f domain.RelationshipFilter) ([]*domain.RelationshipPage, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	x, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	pages := make([]*domain.RelationshipPage, len(ids))
	for i, id := range ids {
		page := &domain.RelationshipPage{Relationships: []*domain.Relationship{}}
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
		pages[i] = page
	}
	return pages, nil
}

// Search implements domain.Store.
func (s *Store) Search(ctx context.Context, q domain.SearchQuery) ([]*domain.Entity, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	x, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
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
	x, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
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
		var next []string
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
				seen[other] = true
				next = append(next, other)
			}
			if sub.Truncated {
				break
			}
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
	x, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	return &domain.Graph{
		Sources:       lookup(x.sources, x.sourceIDs),
		Entities:      lookup(x.entities, x.entityIDs),
		Relationships: lookup(x.rels, x.relIDs),
	}, nil
}

// Ping implements domain.Store; memory is always reachable.
func (s *Store) Ping(ctx context.Context) error { return ctx.Err() }

// Close implements domain.Store; there is nothing to release.
func (s *Store) Close(context.Context) error { return nil }
