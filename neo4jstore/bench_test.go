package neo4jstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/neo4jtest"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// BenchmarkGraphQueries runs the shared graph-query benchmarks on Neo4j with
// a generated graph of 10k entities and 100k relationships.
//
//	scripts/neo4j run -- go test -run '^$' -bench GraphQueries -benchtime 20x ./neo4jstore/
func BenchmarkGraphQueries(b *testing.B) {
	uri := neo4jtest.URI(b)
	st := connect(b, uri)
	ctx := context.Background()
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	reset(b, st, uri)
	start := time.Now()
	g := storetest.Generate(10_000, 100_000, 1)
	if err := st.Load(ctx, g); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d entities, %d relationships into neo4j in %s", len(g.Entities), len(g.Relationships), time.Since(start).Round(time.Millisecond))
	storetest.Bench(b, st, g)
}
