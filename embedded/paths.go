package embedded

import (
	"context"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Paths implements domain.Store with a bidirectional search: breadth-first
// from both ends to half the maximum length each, where the two meet gives
// the shortest length, and the distances to the target bound a depth-first
// walk of each length in turn. Adjacency lists are sorted by relationship
// id, so the walk meets the paths of one length already in SortPaths order
// and stops as soon as q.First are found.
func (s *Store) Paths(ctx context.Context, q domain.PathQuery) ([]*domain.Path, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	x, done, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	for _, id := range []string{q.From, q.To} {
		if x.entities[id] == nil {
			return nil, domain.NotFoundf("no entity has id %q", id)
		}
	}
	if q.First == 0 {
		return []*domain.Path{}, nil
	}
	if q.From == q.To {
		return []*domain.Path{{Entities: []*domain.Entity{x.entities[q.From]}, Relationships: []*domain.Relationship{}}}, nil
	}
	f := q.Filter()
	backHalf := q.MaxLength / 2
	fromStart := bfs(x, q.From, q.MaxLength-backHalf, f)
	toEnd := bfs(x, q.To, backHalf, f)
	shortest := q.MaxLength + 1
	for id, d := range fromStart {
		if e, ok := toEnd[id]; ok && d+e < shortest {
			shortest = d + e
		}
	}
	// lowerBound is how many more hops id needs at least to reach the target.
	lowerBound := func(id string) int {
		if d, ok := toEnd[id]; ok {
			return d
		}
		return backHalf + 1
	}
	w := &pathWalk{x: x, f: f, to: q.To, want: q.First, lowerBound: lowerBound, onPath: map[string]bool{q.From: true}, ctx: ctx}
	for length := shortest; length <= q.MaxLength && len(w.found) < q.First; length++ {
		w.length = length
		w.nodes, w.rels = append(w.nodes[:0], q.From), w.rels[:0]
		if err := w.walk(q.From); err != nil {
			return nil, err
		}
	}
	return w.found, nil
}

// pathWalk lists the paths of one length to a target, in relationship-id
// order, until it has enough.
type pathWalk struct {
	ctx        context.Context
	x          *index
	f          domain.RelationshipFilter
	to         string
	length     int
	want       int
	lowerBound func(string) int
	onPath     map[string]bool
	nodes      []string
	rels       []*domain.Relationship
	found      []*domain.Path
	steps      int
}

func (w *pathWalk) walk(id string) error {
	if id == w.to {
		if len(w.rels) == w.length {
			w.found = append(w.found, newPath(w.x, w.nodes, w.rels))
		}
		return nil
	}
	if w.steps++; w.steps%4096 == 0 {
		if err := w.ctx.Err(); err != nil {
			return err
		}
	}
	depth := len(w.rels) + 1
	for _, r := range w.x.adjacency[id] {
		next := r.Other(id)
		if w.onPath[next] || depth+w.lowerBound(next) > w.length || !w.f.Match(r, id) {
			continue
		}
		w.onPath[next] = true
		w.nodes, w.rels = append(w.nodes, next), append(w.rels, r)
		err := w.walk(next)
		w.nodes, w.rels = w.nodes[:len(w.nodes)-1], w.rels[:len(w.rels)-1]
		delete(w.onPath, next)
		if err != nil || len(w.found) == w.want {
			return err
		}
	}
	return nil
}

// bfs returns the hop distance from start to every entity within depth,
// over the relationships that pass f.
func bfs(x *index, start string, depth int, f domain.RelationshipFilter) map[string]int {
	dist := map[string]int{start: 0}
	frontier := []string{start}
	for d := 1; d <= depth && len(frontier) > 0; d++ {
		var next []string
		for _, id := range frontier {
			for _, r := range x.adjacency[id] {
				o := r.Other(id)
				if _, seen := dist[o]; seen || !f.Match(r, id) {
					continue
				}
				dist[o] = d
				next = append(next, o)
			}
		}
		frontier = next
	}
	return dist
}

func newPath(x *index, nodes []string, rels []*domain.Relationship) *domain.Path {
	p := &domain.Path{Entities: make([]*domain.Entity, len(nodes)), Relationships: append([]*domain.Relationship(nil), rels...)}
	for i, id := range nodes {
		p.Entities[i] = x.entities[id]
	}
	return p
}
