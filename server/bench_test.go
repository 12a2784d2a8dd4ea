package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/conflictgraph/conflictgraph/bench"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/seed"
	"github.com/conflictgraph/conflictgraph/server"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// BenchmarkHandler asks the queries of bench-compare (bench.Queries) of the
// HTTP handler on the embedded store with the seed graph, one request at a
// time, as the server does (the whole handler chain, no network): what the
// GraphQL and HTTP layers cost on top of an in-memory store. Run with
// -benchmem; docs/benchmarks.md has the numbers.
func BenchmarkHandler(b *testing.B) {
	s, err := seed.Default()
	if err != nil {
		b.Fatal(err)
	}
	st := embedded.New()
	storetest.MustLoad(b, st, s.Graph)
	// As bench-compare runs the server: no request is refused for being
	// heavy (the benchmark asks one at a time anyway), no log lines.
	h, err := server.New(server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Admission: server.Admission{HeavyComplexity: 1_000_000}})
	if err != nil {
		b.Fatal(err)
	}
	names := []string{"A-wagner", "A-mali", "B-search", "C-neighborhood", "D-paths"}
	for i, q := range bench.Queries {
		body, err := json.Marshal(map[string]any{"query": q.GraphQL, "variables": q.Variables})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(names[i], func(b *testing.B) {
			var size int
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				size = rec.Body.Len()
			}
			b.SetBytes(int64(size))
		})
	}
}
