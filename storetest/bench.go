package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/conflictgraph/conflictgraph/analysis"
	"github.com/conflictgraph/conflictgraph/domain"
)

// Bench runs the graph-query benchmarks against st, which holds g (from
// Generate). Inputs are drawn from g with a fixed seed, so every backend is
// asked the same questions.
func Bench(b *testing.B, st domain.Store, g *domain.Graph) {
	rng := rand.New(rand.NewPCG(7, 11))
	pick := func() string { return g.Entities[rng.IntN(len(g.Entities))].ID }
	starts := make([]string, 256)
	for i := range starts {
		starts[i] = pick()
	}
	ctx := context.Background()
	for depth := 1; depth <= 3; depth++ {
		b.Run(fmt.Sprintf("Neighborhood/depth=%d", depth), func(b *testing.B) {
			nodes := 0
			for i := 0; b.Loop(); i++ {
				sub, err := st.Neighborhood(ctx, domain.NeighborhoodQuery{ID: starts[i%len(starts)], Depth: depth, Limit: 500,
					Filter: domain.RelationshipFilter{Direction: domain.DirectionBoth}})
				if err != nil {
					b.Fatal(err)
				}
				nodes += len(sub.Entities)
			}
			b.ReportMetric(float64(nodes)/float64(b.N), "nodes/op")
		})
	}
	b.Run("Paths/maxLength=4", func(b *testing.B) {
		found := 0
		for i := 0; b.Loop(); i++ {
			paths, err := st.Paths(ctx, domain.PathQuery{From: starts[i%len(starts)], To: starts[(i+1)%len(starts)], MaxLength: 4, First: 5})
			if err != nil {
				b.Fatal(err)
			}
			found += len(paths)
		}
		b.ReportMetric(float64(found)/float64(b.N), "paths/op")
	})
	texts := []string{"front", "sahel lib", "kidal", "bakato", "union for", "national salvation", "mopti", "e0000042"}
	b.Run("Search", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := st.Search(ctx, domain.SearchQuery{Text: texts[i%len(texts)], First: 10}); err != nil {
				b.Fatal(err)
			}
		}
	})
	recipient := busiestRecipient(g)
	b.Run("AidTotals", func(b *testing.B) {
		groups := 0
		for b.Loop() {
			totals, err := analysis.AidTotals(ctx, st, analysis.AidQuery{Recipient: recipient, GroupBy: []analysis.AidGrouping{analysis.ByProgram, analysis.ByFiscalYear}})
			if err != nil {
				b.Fatal(err)
			}
			groups = len(totals)
		}
		b.ReportMetric(float64(groups), "totals")
	})
}

// busiestRecipient is the entity receiving the most aid relationships.
func busiestRecipient(g *domain.Graph) string {
	count := map[string]int{}
	best := ""
	for _, r := range g.Relationships {
		if _, ok := domain.AidTypes[r.Type]; ok && r.Amount != nil {
			count[r.ToID]++
			if count[r.ToID] > count[best] {
				best = r.ToID
			}
		}
	}
	return best
}
