package embedded_test

import (
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/ingesttest"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// BenchmarkGraphQueries runs the shared graph-query benchmarks on a
// generated graph of 100k entities and 1M relationships, and on the 10k /
// 100k graph Neo4j is measured on, for comparison.
//
//	go test -run '^$' -bench GraphQueries -benchmem ./embedded/
func BenchmarkGraphQueries(b *testing.B) {
	for _, size := range []struct {
		name        string
		entities, m int
	}{{"100k-1M", 100_000, 1_000_000}, {"10k-100k", 10_000, 100_000}} {
		b.Run(size.name, func(b *testing.B) {
			start := time.Now()
			g := storetest.Generate(size.entities, size.m, 1)
			st := embedded.New()
			storetest.MustLoad(b, st, g)
			b.Logf("generated and loaded %d entities, %d relationships in %s", len(g.Entities), len(g.Relationships), time.Since(start).Round(time.Millisecond))
			storetest.Bench(b, st, g)
		})
	}
}

// BenchmarkWrites runs the shared write benchmarks (storetest.BenchWrites)
// on the in-memory store over the seed graph.
//
//	go test -run '^$' -bench Writes -benchtime 2000x ./embedded/
func BenchmarkWrites(b *testing.B) {
	storetest.BenchWrites(b, embedded.New())
}

// BenchmarkImportACLED imports a generated ACLED export of 1,000,000 rows
// (CONFLICTGRAPH_BENCH_ROWS to change it) into the in-memory store over the
// seed graph. `make bench-import` runs it under /usr/bin/time -v for the
// peak resident memory.
//
//	go test -run '^$' -bench 'ImportACLED$' -benchtime 1x -timeout 60m ./embedded/
func BenchmarkImportACLED(b *testing.B) {
	ingesttest.BenchImport(b, func(testing.TB) domain.Store { return embedded.New() }, ingesttest.BenchRows(1_000_000))
}

// BenchmarkImportedGraphQueries runs the graph-query benchmarks on the
// seed graph grown by the same import.
//
//	go test -run '^$' -bench ImportedGraphQueries -benchtime 20x -timeout 60m ./embedded/
func BenchmarkImportedGraphQueries(b *testing.B) {
	ingesttest.BenchImportedQueries(b, func(testing.TB) domain.Store { return embedded.New() }, ingesttest.BenchRows(1_000_000))
}
