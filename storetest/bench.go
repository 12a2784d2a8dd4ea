package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/analysis"
	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/seed"
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

// BenchWrites measures writes through Apply on st, which must be empty: it
// loads the seed graph, then applies change sets like the one an
// addRelationship mutation makes (one new cited claim between two seed
// entities, without an id, so Plan derives one).
//
//   - Single: one writer; it reports the latency's p50 and p99.
//   - Concurrent: ConcurrentWriters writers at once; it reports change sets
//     per second and the p99 latency under that contention.
//
// Every backend is asked the same change sets, drawn with a fixed seed.
func BenchWrites(b *testing.B, st domain.Store) {
	s, err := seed.Default()
	if err != nil {
		b.Fatal(err)
	}
	MustLoad(b, st, s.Graph)
	rng := rand.New(rand.NewPCG(3, 5))
	types := []domain.RelationType{domain.RelCooperatesWith, domain.RelSupports, domain.RelFights, domain.RelAlliedWith}
	type link struct {
		from, to string
		t        domain.RelationType
	}
	links := make([]link, 4096)
	for i := range links {
		from, to := s.Graph.Entities[rng.IntN(len(s.Graph.Entities))], s.Graph.Entities[rng.IntN(len(s.Graph.Entities))]
		links[i] = link{from.ID, to.ID, types[rng.IntN(len(types))]}
	}
	source := s.Graph.Sources[0].ID
	var written atomic.Int64 // every change set cites a quote of its own
	next := func() *domain.ChangeSet {
		n := written.Add(1)
		l := links[n%int64(len(links))]
		return &domain.ChangeSet{Actor: "bench", Reason: "write benchmark", Relationships: []*domain.Relationship{{
			Type: l.t, FromID: l.from, ToID: l.to, Certainty: domain.CertaintyReported,
			Citations: []domain.Citation{{SourceID: source, Quote: fmt.Sprintf("Benchmark claim %d.", n)}}}}}
	}
	ctx := context.Background()
	apply := func() (time.Duration, error) {
		cs := next()
		start := time.Now()
		ch, err := st.Apply(ctx, cs)
		took := time.Since(start)
		if err == nil && ch.Unchanged() {
			err = fmt.Errorf("a new claim changed nothing")
		}
		return took, err
	}
	b.Run("Single", func(b *testing.B) {
		var took []time.Duration
		for b.Loop() {
			d, err := apply()
			if err != nil {
				b.Fatal(err)
			}
			took = append(took, d)
		}
		reportLatency(b, took, "p50-ms", "p99-ms")
	})
	b.Run(fmt.Sprintf("Concurrent%d", ConcurrentWriters), func(b *testing.B) {
		var mu sync.Mutex
		var took []time.Duration
		var failed error
		var started atomic.Int64
		var wg sync.WaitGroup
		b.ResetTimer()
		start := time.Now()
		for range ConcurrentWriters {
			wg.Go(func() {
				for started.Add(1) <= int64(b.N) {
					d, err := apply()
					mu.Lock()
					took = append(took, d)
					if err != nil && failed == nil {
						failed = err
					}
					mu.Unlock()
					if err != nil {
						return
					}
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		if failed != nil {
			b.Fatal(failed)
		}
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "changesets/s")
		reportLatency(b, took, "", "p99-ms")
	})
}

// reportLatency reports the median and 99th percentile of took in
// milliseconds, under the units given ("" leaves one out).
func reportLatency(b *testing.B, took []time.Duration, p50, p99 string) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	at := func(q float64) float64 {
		return float64(took[min(len(took)-1, int(q*float64(len(took))))].Nanoseconds()) / 1e6
	}
	if p50 != "" {
		b.ReportMetric(at(0.50), p50)
	}
	b.ReportMetric(at(0.99), p99)
}

// HeapProfile writes what the heap holds now, the store's graph included,
// to the file $CONFLICTGRAPH_BENCH_HEAPPROFILE names, for go tool pprof;
// without it, nothing. The benchmarks that measure a store's memory call it
// once the store holds their graph.
func HeapProfile(b *testing.B) {
	b.Helper()
	path := os.Getenv("CONFLICTGRAPH_BENCH_HEAPPROFILE")
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}
