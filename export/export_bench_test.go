package export_test

import (
	"io"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/export"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// countingWriter counts what a writer produced, so a benchmark can set the
// bytes per operation without keeping them.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkWrite writes a 20,000-entity, 100,000-link graph in each format.
// The file formats stream: their allocations per operation stay far below
// the size of the file, where Cytoscape.js JSON builds its document first.
func BenchmarkWrite(b *testing.B) {
	g := storetest.Generate(20000, 100000, 1)
	sub := &domain.Subgraph{Entities: g.Entities, Relationships: g.Relationships}
	for _, f := range export.Formats {
		b.Run(string(f), func(b *testing.B) {
			var size countingWriter
			if err := export.Write(&size, f, sub); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size.n)
			b.ReportAllocs()
			for b.Loop() {
				if err := export.Write(io.Discard, f, sub); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
