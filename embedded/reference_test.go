package embedded_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// TestWalksMatchReference asks the store for neighbourhoods and paths on
// generated graphs with hubs, from random starts, with random filters, and
// compares each answer with a plain reference computed from the graph by
// brute force: every level in full, every simple path enumerated. It runs
// twice: as the store is, where these small graphs have no entity with
// enough links to count as a hub, and with every entity of four links a hub.
func TestWalksMatchReference(t *testing.T) {
	t.Run("as is", testWalksMatchReference)
	t.Run("small hubs", func(t *testing.T) {
		defer embedded.SetHubList(4)()
		testWalksMatchReference(t)
	})
}

func testWalksMatchReference(t *testing.T) {
	ctx := context.Background()
	types := []domain.RelationType{domain.RelFights, domain.RelSupports, domain.RelOperatesIn, domain.RelFunded, domain.RelAttacked}
	for _, size := range []struct {
		entities, rels int
		seed           uint64
	}{{150, 450, 1}, {150, 450, 2}, {400, 1200, 3}} {
		seed := size.seed
		g := storetest.Generate(size.entities, size.rels, seed)
		st := embedded.New()
		storetest.MustLoad(t, st, g)
		ref := newReference(g)
		rng := rand.New(rand.NewPCG(seed, 99))
		pick := func() string { return g.Entities[rng.IntN(len(g.Entities))].ID }
		filter := func() domain.RelationshipFilter {
			var f domain.RelationshipFilter
			if rng.IntN(3) == 0 {
				f.Types = []domain.RelationType{types[rng.IntN(len(types))], types[rng.IntN(len(types))]}
			}
			if rng.IntN(3) == 0 {
				f.AsOf = domain.PartialDate{Year: int16(2005 + rng.IntN(20))}
			}
			return f
		}
		for i := range 300 {
			f := filter()
			f.Direction = []domain.Direction{domain.DirectionBoth, domain.DirectionOut, domain.DirectionIn}[rng.IntN(3)]
			nq := domain.NeighborhoodQuery{ID: pick(), Depth: 1 + rng.IntN(3), Limit: []int{1, 5, 20, 60, 500}[rng.IntN(5)], Filter: f}
			sub, err := st.Neighborhood(ctx, nq)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := subgraphString(sub), subgraphString(ref.neighborhood(nq)); got != want {
				t.Fatalf("seed %d, query %d, %+v:\n got %s\nwant %s", seed, i, nq, got, want)
			}
			f = filter()
			pq := domain.PathQuery{From: pick(), To: pick(), MaxLength: 1 + rng.IntN(4), First: 1 + rng.IntN(8), Types: f.Types, AsOf: f.AsOf}
			paths, err := st.Paths(ctx, pq)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := pathsString(paths), pathsString(ref.paths(pq)); got != want {
				t.Fatalf("seed %d, query %d, %+v:\n got %s\nwant %s", seed, i, pq, got, want)
			}
		}
	}
}

// reference answers neighbourhoods and paths by brute force.
type reference struct {
	adj map[string][]*domain.Relationship
}

func newReference(g *domain.Graph) *reference {
	r := &reference{adj: map[string][]*domain.Relationship{}}
	for _, rel := range g.Relationships {
		r.adj[rel.FromID] = append(r.adj[rel.FromID], rel)
		if rel.ToID != rel.FromID {
			r.adj[rel.ToID] = append(r.adj[rel.ToID], rel)
		}
	}
	for _, list := range r.adj {
		slices.SortFunc(list, func(a, b *domain.Relationship) int { return strings.Compare(a.ID, b.ID) })
	}
	return r
}

func (r *reference) neighborhood(q domain.NeighborhoodQuery) *domain.Subgraph {
	seen := map[string]bool{q.ID: true}
	levels := [][]string{{q.ID}}
	for d := 1; d <= q.Depth; d++ {
		var next []string
		for _, id := range levels[d-1] {
			for _, rel := range r.adj[id] {
				if o := rel.Other(id); !seen[o] && q.Filter.Match(rel, id) {
					seen[o] = true
					next = append(next, o)
				}
			}
		}
		levels = append(levels, next)
	}
	ids, cut := domain.KeepClosest(levels, q.Limit)
	kept := map[string]bool{}
	sub := &domain.Subgraph{Truncated: cut}
	for _, id := range ids {
		kept[id] = true
		sub.Entities = append(sub.Entities, &domain.Entity{ID: id})
	}
	typeOK := domain.RelationshipFilter{Types: q.Filter.Types, AsOf: q.Filter.AsOf}
	for _, id := range ids {
		for _, rel := range r.adj[id] {
			if rel.FromID == id && kept[rel.ToID] && typeOK.Match(rel, id) {
				sub.Relationships = append(sub.Relationships, rel)
			}
		}
	}
	slices.SortFunc(sub.Relationships, func(a, b *domain.Relationship) int { return strings.Compare(a.ID, b.ID) })
	return sub
}

func (r *reference) paths(q domain.PathQuery) []*domain.Path {
	if q.From == q.To {
		return []*domain.Path{{Entities: []*domain.Entity{{ID: q.From}}}}
	}
	f := q.Filter()
	var all []*domain.Path
	onPath := map[string]bool{q.From: true}
	var nodes []string
	var rels []*domain.Relationship
	var walk func(id string)
	walk = func(id string) {
		if id == q.To {
			p := &domain.Path{Relationships: slices.Clone(rels)}
			for _, n := range append([]string{q.From}, nodes...) {
				p.Entities = append(p.Entities, &domain.Entity{ID: n})
			}
			all = append(all, p)
			return
		}
		if len(rels) == q.MaxLength {
			return
		}
		for _, rel := range r.adj[id] {
			o := rel.Other(id)
			if onPath[o] || !f.Match(rel, id) {
				continue
			}
			onPath[o] = true
			nodes, rels = append(nodes, o), append(rels, rel)
			walk(o)
			nodes, rels = nodes[:len(nodes)-1], rels[:len(rels)-1]
			delete(onPath, o)
		}
	}
	walk(q.From)
	domain.SortPaths(all)
	return all[:min(len(all), q.First)]
}

func subgraphString(s *domain.Subgraph) string {
	var b strings.Builder
	fmt.Fprintf(&b, "truncated=%v entities=", s.Truncated)
	for _, e := range s.Entities {
		b.WriteString(e.ID + " ")
	}
	b.WriteString("links=")
	for _, r := range s.Relationships {
		b.WriteString(r.ID + " ")
	}
	return b.String()
}

func pathsString(paths []*domain.Path) string {
	var b strings.Builder
	for _, p := range paths {
		for _, e := range p.Entities {
			b.WriteString(e.ID + " ")
		}
		b.WriteString(": ")
		for _, r := range p.Relationships {
			b.WriteString(r.ID + " ")
		}
		b.WriteString("| ")
	}
	return b.String()
}
