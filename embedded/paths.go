package embedded

import (
	"context"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Paths implements domain.Store with a bidirectional search. Two balls grow
// breadth-first, one around each end, a level at a time, always the one
// whose next level costs less to read (the sum of its frontier's list
// lengths), until they touch: that gives the shortest length, and the
// shortest paths are walked in the ball's exact distances, through no
// entity that is not on one. Longer paths, when fewer than q.First are
// shortest, are walked depth-first with the distance to the target as a
// bound. Adjacency lists are sorted by relationship id, so each walk meets
// the paths of one length already in SortPaths order and stops as soon as
// q.First are found. Every value is whole, whatever q.Brief allows.
func (s *Store) Paths(ctx context.Context, q domain.PathQuery) ([]*domain.Path, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	x, done, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	var ends [2]int32
	for i, id := range []string{q.From, q.To} {
		slot, ok := x.slot(id)
		if !ok {
			return nil, domain.NotFoundf("no entity has id %q", id)
		}
		ends[i] = slot
	}
	if q.First == 0 {
		return []*domain.Path{}, nil
	}
	if q.From == q.To {
		return []*domain.Path{{Entities: []*domain.Entity{x.entityAt(ends[0])}, Relationships: []*domain.Relationship{}}}, nil
	}
	p := &pathSearch{ctx: ctx, x: x, m: newMatcher(x, q.Filter()), to: ends[1], want: q.First}
	p.fwd, p.back = newBall(x, ends[0]), newBall(x, ends[1])
	defer p.fwd.marks.done()
	defer p.back.marks.done()
	shortest, err := p.meet(q.MaxLength)
	if err != nil || shortest > q.MaxLength {
		return nil, err
	}
	if err := p.shortestPaths(shortest); err != nil {
		return nil, err
	}
	for length := shortest + 1; length <= q.MaxLength && len(p.found) < q.First; length++ {
		// The walk's bound is the distance to the target, known within
		// the target's ball: grown to half the length, it prunes the
		// walk's second half.
		for p.back.depth < int32(length/2) && len(p.back.frontier) > 0 {
			if _, err := p.grow(p.back, p.fwd); err != nil {
				return nil, err
			}
		}
		if err := p.longerPaths(length); err != nil {
			return nil, err
		}
	}
	return p.found, nil
}

// ball is the entities within depth hops of one end, each marked with its
// distance, and the entities first reached at each distance.
type ball struct {
	marks    *visits
	levels   [][]int32
	frontier []int32 // the last level
	cost     int     // the frontier's list lengths: what growing it reads
	depth    int32
}

func newBall(x *index, center int32) *ball {
	b := &ball{marks: newVisits(len(x.ents)), levels: [][]int32{{center}}, frontier: []int32{center}, cost: len(x.adj[center])}
	b.marks.set(center, 0)
	return b
}

// pathSearch is one Paths call's state.
type pathSearch struct {
	ctx       context.Context
	x         *index
	m         matcher
	to        int32
	want      int
	fwd, back *ball
	found     []*domain.Path
	nodes     []int32
	rels      []int32 // record slots
	steps     int
}

// tick checks the context now and then.
func (p *pathSearch) tick() error {
	if p.steps++; p.steps%4096 == 0 {
		return p.ctx.Err()
	}
	return nil
}

// meet grows the cheaper ball a level at a time until the two touch, and
// returns the shortest length (above max when there is none within it).
func (p *pathSearch) meet(max int) (int, error) {
	for int(p.fwd.depth+p.back.depth) < max && len(p.fwd.frontier) > 0 && len(p.back.frontier) > 0 {
		grown, other := p.fwd, p.back
		if p.back.cost < p.fwd.cost {
			grown, other = p.back, p.fwd
		}
		touched, err := p.grow(grown, other)
		if err != nil {
			return 0, err
		}
		if touched {
			// The balls of these radii touch and the radii one less
			// did not: the shortest length is the radii's sum.
			return int(p.fwd.depth + p.back.depth), nil
		}
	}
	return max + 1, nil
}

// grow adds b's next level and reports whether it reaches into other.
func (p *pathSearch) grow(b, other *ball) (touched bool, err error) {
	d := b.depth + 1
	var next []int32
	cost := 0
	for _, u := range b.frontier {
		for _, e := range p.x.adj[u] {
			if err := p.tick(); err != nil {
				return false, err
			}
			o := e.other
			if b.marks.has(o) || !p.m.match(e) {
				continue
			}
			b.marks.set(o, d)
			next = append(next, o)
			cost += len(p.x.adj[o])
			if other.marks.has(o) {
				touched = true
			}
		}
	}
	b.levels = append(b.levels, next)
	b.frontier, b.cost, b.depth = next, cost, d
	return touched, nil
}

// shortestPaths walks the paths of the shortest length. Within the
// forward ball an entity is on one when the walk reaches it at its
// distance from the start and it leads to the level where the balls touch
// (good marks those); beyond, when its distance to the target is
// what is left of the length.
func (p *pathSearch) shortestPaths(length int) error {
	fwd, back := p.fwd, p.back
	good := newVisits(len(p.x.ents))
	defer good.done()
	// The forward ball's last level, where it touches the other.
	for _, u := range fwd.levels[fwd.depth] {
		if d, ok := back.marks.get(u); ok && d == back.depth {
			good.set(u, 0)
		}
	}
	for d := fwd.depth - 1; d >= 0; d-- {
		for _, u := range fwd.levels[d] {
			for _, e := range p.x.adj[u] {
				if err := p.tick(); err != nil {
					return err
				}
				if dist, ok := fwd.marks.get(e.other); ok && dist == d+1 && good.has(e.other) && p.m.match(e) {
					good.set(u, 0)
					break
				}
			}
		}
	}
	next := func(o int32, depth int32) bool { // o may be the walk's depth-th entity
		if depth <= fwd.depth {
			dist, ok := fwd.marks.get(o)
			return ok && dist == depth && good.has(o)
		}
		dist, ok := back.marks.get(o)
		return ok && dist == int32(length)-depth
	}
	start := fwd.levels[0][0]
	p.nodes, p.rels = append(p.nodes[:0], start), p.rels[:0]
	return p.walk(start, length, next, nil)
}

// longerPaths walks the simple paths of one length longer than the
// shortest, pruned by the distance to the target: known within the
// target's ball, and more than its radius outside it.
func (p *pathSearch) longerPaths(length int) error {
	onPath := newVisits(len(p.x.ents))
	defer onPath.done()
	start := p.fwd.levels[0][0]
	onPath.set(start, 0)
	back := p.back
	next := func(o int32, depth int32) bool {
		if onPath.has(o) {
			return false
		}
		left, ok := back.marks.get(o)
		if !ok {
			left = back.depth + 1
		}
		return depth+left <= int32(length)
	}
	p.nodes, p.rels = append(p.nodes[:0], start), p.rels[:0]
	return p.walk(start, length, next, onPath)
}

// walk extends the path in p.nodes and p.rels from u, in relationship-id
// order, through the entities next admits, and keeps the paths of length
// that end at the target, until it has p.want. It marks the entities on the
// path in onPath, when set, so next can refuse a second visit.
func (p *pathSearch) walk(u int32, length int, next func(o, depth int32) bool, onPath *visits) error {
	if u == p.to {
		if len(p.rels) == length {
			p.found = append(p.found, p.path())
		}
		return nil
	}
	if err := p.tick(); err != nil {
		return err
	}
	depth := int32(len(p.rels) + 1)
	if int(depth) > length {
		return nil
	}
	for _, e := range p.x.adj[u] {
		o := e.other
		if !next(o, depth) || !p.m.match(e) {
			continue
		}
		if onPath != nil {
			onPath.set(o, 0)
		}
		p.nodes, p.rels = append(p.nodes, o), append(p.rels, e.rel)
		err := p.walk(o, length, next, onPath)
		p.nodes, p.rels = p.nodes[:len(p.nodes)-1], p.rels[:len(p.rels)-1]
		if onPath != nil {
			onPath.unset(o)
		}
		if err != nil || len(p.found) == p.want {
			return err
		}
	}
	return nil
}

// path is the walk's current path.
func (p *pathSearch) path() *domain.Path {
	return &domain.Path{Entities: p.x.entitiesAt(p.nodes), Relationships: p.x.relationshipsAt(p.rels)}
}
