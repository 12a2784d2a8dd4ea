package neo4jstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/neo4jstore"
	"github.com/conflictgraph/conflictgraph/neo4jtest"
	"github.com/conflictgraph/conflictgraph/seed"
	"github.com/conflictgraph/conflictgraph/storetest"
)

var migrateOnce sync.Once

// connect opens a store on the Neo4j at uri, closed when the test ends.
func connect(tb testing.TB, uri string) *neo4jstore.Store {
	tb.Helper()
	st, err := neo4jstore.New(neo4jstore.Config{URI: uri})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close(context.Background()) })
	return st
}

// open connects to the tests' Neo4j (neo4jtest.URI), migrated once per
// test binary.
func open(t *testing.T) *neo4jstore.Store {
	t.Helper()
	st := connect(t, neo4jtest.URI(t))
	var migrateErr error
	migrateOnce.Do(func() { migrateErr = st.Migrate(context.Background()) })
	if migrateErr != nil {
		t.Fatal(migrateErr)
	}
	return st
}

// fresh returns a store over an emptied database: one the tests own
// (neo4jtest.Own refuses to empty anything else).
func fresh(t *testing.T) domain.Store {
	t.Helper()
	st := open(t)
	reset(t, st, neo4jtest.URI(t))
	return st
}

// reset empties the tests' database at uri, and marks it as theirs again.
func reset(tb testing.TB, st *neo4jstore.Store, uri string) {
	tb.Helper()
	neo4jtest.Own(tb, uri)
	if err := st.Reset(context.Background()); err != nil {
		tb.Fatal(err)
	}
	neo4jtest.Own(tb, uri)
}

func TestConformance(t *testing.T) {
	storetest.Run(t, fresh)
}

func TestMigrateIsIdempotent(t *testing.T) {
	st := open(t)
	for range 2 {
		if err := st.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSeedTwiceChangesNothing loads the seed graph twice and compares the
// snapshots, relationships and all.
func TestSeedTwiceChangesNothing(t *testing.T) {
	st := fresh(t).(*neo4jstore.Store)
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var progress []string
	if err := st.LoadWithProgress(ctx, s.Graph, func(what string, done, total int) { progress = append(progress, what) }); err != nil {
		t.Fatal(err)
	}
	if len(progress) == 0 {
		t.Error("no progress reported")
	}
	first, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Load(ctx, s.Graph); err != nil {
		t.Fatal(err)
	}
	second, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Relationships) != len(s.Graph.Relationships) || len(second.Relationships) != len(first.Relationships) ||
		len(second.Entities) != len(first.Entities) || len(second.Sources) != len(first.Sources) {
		t.Errorf("seeded twice: %d/%d/%d then %d/%d/%d entities/relationships/sources",
			len(first.Entities), len(first.Relationships), len(first.Sources),
			len(second.Entities), len(second.Relationships), len(second.Sources))
	}
	ok, err := st.Seeded(ctx)
	if err != nil || !ok {
		t.Errorf("Seeded = %v, %v after seeding", ok, err)
	}
}

// TestReloadReplacesByID moves a relationship id to another type and
// endpoint: the old link must go, not stay beside the new one.
func TestReloadReplacesByID(t *testing.T) {
	st := fresh(t)
	ctx := context.Background()
	storetest.MustLoad(t, st, storetest.Fixture())
	moved := &domain.Relationship{ID: "union.formed-from.front", Type: domain.RelAlliedWith, FromID: "union", ToID: "lemuria",
		Certainty: domain.CertaintyStated, Citations: []domain.Citation{{SourceID: "doc-a", Quote: "q"}}}
	storetest.MustLoad(t, st, &domain.Graph{Relationships: []*domain.Relationship{moved}})
	got, err := st.RelationshipsByIDs(ctx, []string{moved.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got[0] == nil || got[0].Type != domain.RelAlliedWith || got[0].ToID != "lemuria" {
		t.Errorf("after reload: %+v", got[0])
	}
	pages, err := st.RelationshipsOf(ctx, []string{"front"}, domain.RelationshipFilter{First: 100, Types: []domain.RelationType{domain.RelFormedFrom}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages[0].Relationships) != 0 {
		t.Errorf("the old link stayed: %+v", pages[0].Relationships[0])
	}
}

func TestUnreachableNeo4jIsUnavailableQuickly(t *testing.T) {
	neo4jtest.URI(t) // only where Neo4j tests run at all
	st, err := neo4jstore.New(neo4jstore.Config{URI: "bolt://127.0.0.1:1", ConnectTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	_, err = st.EntitiesByIDs(context.Background(), []string{"mali"})
	if !errors.Is(err, domain.ErrUnavailable) {
		t.Errorf("err = %v, want UNAVAILABLE", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, uri := range []string{"", "localhost:7687", "http://localhost:7474", "bolt://"} {
		if _, err := neo4jstore.New(neo4jstore.Config{URI: uri}); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("URI %q: err = %v, want INVALID", uri, err)
		}
	}
}

// TestResetWithinTransactionMemory empties a graph of 8,000 links on a Neo4j
// with a 12 MB transaction pool. Deleting a batch of nodes with all their
// relationships exceeded such a pool, as it did the default 256 MB one for a
// reset of the 100k-link benchmark graph.
func TestResetWithinTransactionMemory(t *testing.T) {
	t.Parallel() // its own server: it need not wait for the shared one's tests
	st := connect(t, neo4jtest.Start(t, "--tx-memory", "12m").URI)
	ctx := context.Background()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	storetest.MustLoad(t, st, storetest.Generate(800, 8_000, 1))
	if err := st.Reset(ctx); err != nil {
		t.Fatalf("reset: %v", err)
	}
	g, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Entities)+len(g.Relationships)+len(g.Sources) != 0 {
		t.Errorf("after reset: %d entities, %d relationships, %d sources", len(g.Entities), len(g.Relationships), len(g.Sources))
	}
}

// TestConcurrentMigrations applies the schema to an empty database from
// several stores at once, as servers started together (or a server and
// `conflictgraph seed`) do: each must succeed, and the schema be whole. The
// race is narrow, so it is run several times over, from an empty schema.
func TestConcurrentMigrations(t *testing.T) {
	t.Parallel() // its own server, like TestResetWithinTransactionMemory
	uri := neo4jtest.Start(t).URI
	ctx := context.Background()
	driver, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(ctx)
	query := func(cypher string) []*neo4j.Record {
		t.Helper()
		res, err := neo4j.ExecuteQuery(ctx, driver, cypher, nil, neo4j.EagerResultTransformer)
		if err != nil {
			t.Fatalf("%s: %v", cypher, err)
		}
		return res.Records
	}
	const migrators = 4
	stores := make([]*neo4jstore.Store, migrators)
	for i := range stores {
		stores[i] = connect(t, uri)
	}
	for round := range 5 {
		for _, r := range query("SHOW CONSTRAINTS YIELD name RETURN name") {
			query("DROP CONSTRAINT `" + r.Values[0].(string) + "`")
		}
		for _, r := range query("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name") {
			query("DROP INDEX `" + r.Values[0].(string) + "`")
		}
		start := make(chan struct{})
		errs := make([]error, migrators)
		var wg sync.WaitGroup
		for i, st := range stores {
			wg.Go(func() {
				<-start
				errs[i] = st.Migrate(ctx)
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d, migrator %d: %v", round, i, err)
			}
		}
		n := query("SHOW CONSTRAINTS YIELD name RETURN count(*)")[0].Values[0].(int64)
		if want := int64(2 + len(domain.RelationTypes)); n != want {
			t.Errorf("round %d: %d constraints, want %d (entity, source and one per relationship type)", round, n, want)
		}
	}
}
