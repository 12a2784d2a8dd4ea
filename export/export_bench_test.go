package export_test

import (
	"encoding/json"
	"io"
	"runtime"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/export"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// heapWatcher counts what a writer produced and samples the heap in use
// every step bytes, so a benchmark can report how far above its starting
// heap a write went: a streaming writer stays near it, one that builds its
// document first goes up by the document.
type heapWatcher struct {
	n, next, step int64
	base, peak    uint64
}

func newHeapWatcher(step int64) *heapWatcher {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return &heapWatcher{step: step, next: step, base: m.HeapInuse, peak: m.HeapInuse}
}

func (w *heapWatcher) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	if w.n >= w.next {
		w.next += w.step
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		w.peak = max(w.peak, m.HeapInuse)
	}
	return len(p), nil
}

// BenchmarkWrite writes a 20,000-entity, 100,000-link graph in each format,
// reporting the file's size (MB/s) and how far the heap in use rose above
// where it started (peak-heap-MB). "cytoscape-built" is the Cytoscape.js
// document built whole and then encoded, as the export did before it
// streamed, for comparison.
func BenchmarkWrite(b *testing.B) {
	g := storetest.Generate(20000, 100000, 1)
	sub := &domain.Subgraph{Entities: g.Entities, Relationships: g.Relationships}
	writers := map[string]func(io.Writer) error{
		"cytoscape-built": func(w io.Writer) error { return json.NewEncoder(w).Encode(export.ToCytoscape(sub, g.Sources)) },
	}
	names := []string{}
	for _, f := range export.Formats {
		names = append(names, string(f))
		writers[string(f)] = func(w io.Writer) error { return export.Write(w, f, sub, g.Sources) }
	}
	names = append(names, "cytoscape-built")
	for _, name := range names {
		write := writers[name]
		b.Run(name, func(b *testing.B) {
			watch := newHeapWatcher(256 << 10)
			if err := write(watch); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(watch.n)
			b.ReportAllocs()
			for b.Loop() {
				if err := write(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(watch.peak-watch.base)/(1<<20), "peak-heap-MB")
		})
	}
}
