package ingesttest

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/acled"
	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/ingest"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// BenchRows is how many rows BenchImport generates: the environment's
// CONFLICTGRAPH_BENCH_ROWS, or def.
func BenchRows(def int) int {
	if n, err := strconv.Atoi(os.Getenv("CONFLICTGRAPH_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return def
}

// benchFile writes GenerateACLED's rows rows to a temporary file.
func benchFile(b *testing.B, rows int) string {
	path := filepath.Join(b.TempDir(), "acled.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := GenerateACLED(f, rows, 1); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(path)
	b.Logf("generated %d rows, %.0f MB, in %s", rows, float64(fi.Size())/1e6, time.Since(start).Round(time.Millisecond))
	return path
}

// importFile imports the ACLED file at path into st through
// `conflictgraph import`'s code path (ingest.Run), failing on any
// rejected row.
func importFile(b *testing.B, st domain.Store, path string) *ingest.Summary {
	in, err := ingest.Open(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	sum, err := ingest.Run(context.Background(), st, acled.Format, in, ingest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if sum.Rejected > 0 {
		b.Fatalf("%d generated rows rejected: %+v", sum.Rejected, sum.Rejects)
	}
	return sum
}

// BenchImport imports a generated ACLED file of rows rows (GenerateACLED)
// into a store from newStore holding the seed graph (Prepare), once per
// iteration (run it with -benchtime 1x). It reports rows per second, the
// heap's peak while importing and the most of it found live, sampled every
// 50 ms; set
// CONFLICTGRAPH_BENCH_HEAPPROFILE to a path for a heap profile of the
// store holding the imported graph.
func BenchImport(b *testing.B, newStore func(testing.TB) domain.Store, rows int) {
	path := benchFile(b, rows)
	for b.Loop() {
		b.StopTimer()
		st := newStore(b)
		Prepare(b, st)
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		stop := samplePeak()
		b.StartTimer()
		start := time.Now()
		sum := importFile(b, st, path)
		took := time.Since(start)
		b.StopTimer()
		peak, live := stop()
		storetest.HeapProfile(b)
		b.ReportMetric(float64(rows)/took.Seconds(), "rows/s")
		b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
		b.ReportMetric(float64(live)/1e6, "peak-live-MB")
		b.ReportMetric(float64(peak-min(peak, base.HeapInuse))/1e6, "heap-growth-MB")
		b.Logf("imported in %s: %d records, %d created, %d updated, %d unchanged, %d rejected; %d links created; %d entities made; %d change sets; peak heap %.0f MB",
			took.Round(time.Millisecond), sum.Records.Read, sum.Records.Created, sum.Records.Updated, sum.Records.Unchanged, sum.Rejected,
			sum.Links.Created, sum.CreatedTotal(), sum.ChangeSets, float64(peak)/1e6)
		_ = st.Close(context.Background())
		b.StartTimer()
	}
}

// BenchImportedQueries grows a store from newStore (the seed graph and a
// generated ACLED file of rows rows, imported untimed) and runs
// storetest.Bench's graph queries on it.
func BenchImportedQueries(b *testing.B, newStore func(testing.TB) domain.Store, rows int) {
	path := benchFile(b, rows)
	st := newStore(b)
	defer st.Close(context.Background())
	Prepare(b, st)
	start := time.Now()
	importFile(b, st, path)
	g, err := st.Snapshot(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("imported in %s; the grown graph: %d entities, %d relationships", time.Since(start).Round(time.Millisecond), len(g.Entities), len(g.Relationships))
	storetest.Bench(b, st, g)
}

// samplePeak samples the heap until the returned function is called,
// which returns the most heap in use seen and the most heap the collector
// found live at the end of a cycle: what the store and the import held
// then, without the garbage the collector lets grow between cycles.
func samplePeak() func() (inuse, live uint64) {
	var mu sync.Mutex
	var peak, peakLive uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		for {
			runtime.ReadMemStats(&m)
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, m.HeapInuse)
			peakLive = max(peakLive, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() (uint64, uint64) {
		close(done)
		wg.Wait()
		return peak, peakLive
	}
}
