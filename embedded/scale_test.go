package embedded_test

import (
	"cmp"
	"context"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// BenchmarkScale is the embedded store at scale (make bench-scale,
// docs/benchmarks.md): a generated graph of 100k entities and 1M
// relationships (storetest.Generate) loaded through Apply, what the store
// holds per relationship, and the latency of a 2-hop neighbourhood and of
// 6-hop paths from random starts and from the hubs, as p50 and p99. With
// CONFLICTGRAPH_BENCH_HEAPPROFILE set, a heap profile of the loaded store.
//
//	go test -run '^$' -bench Scale -benchtime 1x ./embedded/
func BenchmarkScale(b *testing.B) {
	const entities, rels = 100_000, 1_000_000
	ctx := context.Background()
	for b.Loop() {
		// The store keeps the generated values themselves, so what it
		// holds is measured from before they exist.
		before := heapInUse()
		g := storetest.Generate(entities, rels, 1)
		start := time.Now()
		journal := embedded.NewMemoryJournal()
		st, err := embedded.Open(journal)
		if err != nil {
			b.Fatal(err)
		}
		storetest.MustLoad(b, st, g)
		load := time.Since(start)
		journal.Settle() // the history as it will be kept, packed
		ids, hubs := entityIDs(g), hubIDs(g, 20)
		g = nil // what is left of it is what the store holds
		// ... but for the benchmark's own lists of ids: their arrays (the
		// strings are the ones the store holds).
		held := heapInUse() - before - uint64(cap(ids)+cap(hubs))*uint64(unsafe.Sizeof(""))
		b.ReportMetric(load.Seconds(), "load-s")
		b.ReportMetric(float64(held)/rels, "bytes/rel")
		storetest.HeapProfile(b)

		rng := rand.New(rand.NewPCG(7, 11))
		random := func() string { return ids[rng.IntN(len(ids))] }
		hub := func() string { return hubs[rng.IntN(len(hubs))] }
		for _, tc := range []struct {
			name  string
			start func() string
			n     int
		}{{"random", random, 300}, {"hub", hub, 30}} {
			took := make([]time.Duration, 0, tc.n)
			nodes := 0
			for range tc.n {
				q := domain.NeighborhoodQuery{ID: tc.start(), Depth: 2, Limit: 500, Filter: domain.RelationshipFilter{Direction: domain.DirectionBoth}}
				t0 := time.Now()
				sub, err := st.Neighborhood(ctx, q)
				took = append(took, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				nodes += len(sub.Entities)
			}
			report(b, "2hop-"+tc.name, took)
			b.Logf("2-hop neighbourhood from %s starts: %.0f entities on average (limit 500)", tc.name, float64(nodes)/float64(tc.n))
		}
		for _, tc := range []struct {
			name     string
			from, to func() string
			n        int
		}{{"random", random, random, 60}, {"hub", hub, random, 20}} {
			took := make([]time.Duration, 0, tc.n)
			found := 0
			for range tc.n {
				q := domain.PathQuery{From: tc.from(), To: tc.to(), MaxLength: 6, First: 5}
				t0 := time.Now()
				paths, err := st.Paths(ctx, q)
				took = append(took, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				found += len(paths)
			}
			report(b, "6hop-paths-"+tc.name, took)
			b.Logf("6-hop paths (first 5) from %s starts: %.1f paths on average", tc.name, float64(found)/float64(tc.n))
		}
		runtime.KeepAlive(st)
	}
}

// report gives took's p50 and p99 in milliseconds as metrics named after
// what was measured.
func report(b *testing.B, what string, took []time.Duration) {
	slices.Sort(took)
	at := func(q float64) float64 {
		return float64(took[min(len(took)-1, int(q*float64(len(took))))].Nanoseconds()) / 1e6
	}
	b.ReportMetric(at(0.50), what+"-p50-ms")
	b.ReportMetric(at(0.99), what+"-p99-ms")
}

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func entityIDs(g *domain.Graph) []string {
	out := make([]string, len(g.Entities))
	for i, e := range g.Entities {
		out[i] = e.ID
	}
	return out
}

// hubIDs are the n entities with the most relationships.
func hubIDs(g *domain.Graph, n int) []string {
	degree := map[string]int{}
	for _, r := range g.Relationships {
		degree[r.FromID]++
		degree[r.ToID]++
	}
	ids := entityIDs(g)
	slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(degree[b], degree[a]) })
	return slices.Clone(ids[:n]) // not the whole array
}
