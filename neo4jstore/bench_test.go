package neo4jstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/ingesttest"
	"github.com/conflictgraph/conflictgraph/neo4jstore"
	"github.com/conflictgraph/conflictgraph/neo4jtest"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// emptied connects to the tests' Neo4j, migrated and emptied, for a
// benchmark to fill.
func emptied(b *testing.B) *neo4jstore.Store {
	b.Helper()
	uri := neo4jtest.URI(b)
	st := connect(b, uri)
	ctx := context.Background()
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	reset(b, st, uri)
	return st
}

// BenchmarkGraphQueries runs the shared graph-query benchmarks on Neo4j with
// a generated graph of 10k entities and 100k relationships.
//
//	scripts/neo4j run -- go test -run '^$' -bench GraphQueries -benchtime 20x ./neo4jstore/
func BenchmarkGraphQueries(b *testing.B) {
	st := emptied(b)
	start := time.Now()
	g := storetest.Generate(10_000, 100_000, 1)
	storetest.MustLoad(b, st, g)
	b.Logf("loaded %d entities, %d relationships into neo4j in %s", len(g.Entities), len(g.Relationships), time.Since(start).Round(time.Millisecond))
	storetest.Bench(b, st, g)
}

// BenchmarkWrites runs the shared write benchmarks (storetest.BenchWrites)
// on Neo4j over the seed graph: single-mutation latency and sustained
// change sets per second with 16 writers.
//
//	scripts/neo4j run -- go test -run '^$' -bench Writes -benchtime 500x ./neo4jstore/
func BenchmarkWrites(b *testing.B) {
	storetest.BenchWrites(b, emptied(b))
}

// BenchmarkImportACLED imports a generated ACLED export into Neo4j over
// the seed graph: change sets of up to 10,000 elements, each one
// transaction of batched UNWIND statements. 100,000 rows by default
// (CONFLICTGRAPH_BENCH_ROWS=1000000 for the million-row run).
//
//	scripts/neo4j run -- go test -run '^$' -bench 'ImportACLED$' -benchtime 1x -timeout 120m ./neo4jstore/
func BenchmarkImportACLED(b *testing.B) {
	ingesttest.BenchImport(b, func(testing.TB) domain.Store { return emptied(b) }, ingesttest.BenchRows(100_000))
}

// BenchmarkImportedGraphQueries runs the graph-query benchmarks on Neo4j
// over the seed graph grown by the same import.
//
//	scripts/neo4j run -- go test -run '^$' -bench ImportedGraphQueries -benchtime 20x -timeout 120m ./neo4jstore/
func BenchmarkImportedGraphQueries(b *testing.B) {
	ingesttest.BenchImportedQueries(b, func(testing.TB) domain.Store { return emptied(b) }, ingesttest.BenchRows(100_000))
}
