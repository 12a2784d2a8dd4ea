package neo4jstore_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/ingesttest"
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

// TestImports runs the importers' suite on Neo4j: the same fixture files
// must give the same graph as on the embedded store (the suite's golden
// files), with every write a batched change set.
func TestImports(t *testing.T) {
	ingesttest.Run(t, fresh)
}

func TestMigrateIsIdempotent(t *testing.T) {
	st := open(t)
	for range 2 {
		if err := st.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSeedTwiceChangesNothing loads the seed graph twice: the first load is
// revision 1, heard through its progress, and the second changes nothing
// and records no revision.
func TestSeedTwiceChangesNothing(t *testing.T) {
	st := fresh(t).(*neo4jstore.Store)
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if ok, err := st.Seeded(ctx); err != nil || ok {
		t.Errorf("Seeded = %v, %v before seeding", ok, err)
	}
	var progress [][2]int
	opts := domain.LoadOptions{Actor: "seed", Progress: func(done, total int) { progress = append(progress, [2]int{done, total}) }}
	rev, err := domain.LoadGraph(ctx, st, s.Graph, opts)
	if err != nil {
		t.Fatal(err)
	}
	total := len(s.Graph.Sources) + len(s.Graph.Entities) + len(s.Graph.Relationships)
	if rev != 1 || len(progress) != 1 || progress[0] != [2]int{total, total} {
		t.Errorf("first load: revision %d, progress %v; want revision 1 and one report of %d/%d", rev, progress, total, total)
	}
	first, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rev, err := domain.LoadGraph(ctx, st, s.Graph, opts); err != nil || rev != 1 {
		t.Fatalf("second load: revision %d, %v; want 1", rev, err)
	}
	second, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first, second) || len(first.Relationships) != len(s.Graph.Relationships) {
		t.Errorf("seeded twice: %d/%d/%d then %d/%d/%d entities/relationships/sources",
			len(first.Entities), len(first.Relationships), len(first.Sources),
			len(second.Entities), len(second.Relationships), len(second.Sources))
	}
	page, err := st.Changes(ctx, domain.ChangeQuery{First: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Changes) != 1 || page.Changes[0].Actor != "seed" || len(page.Changes[0].Relationships) != len(s.Graph.Relationships) {
		t.Errorf("the history holds %d changes after seeding twice, want the seed's one", len(page.Changes))
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

// TestResetWithinTransactionMemory empties a graph of 8,000 links, and its
// history, on a Neo4j with a 12 MB transaction pool. Deleting a batch of nodes with all their
// relationships exceeded such a pool, as it did the default 256 MB one for a
// reset of the 100k-link benchmark graph.
func TestResetWithinTransactionMemory(t *testing.T) {
	t.Parallel() // its own server: it need not wait for the shared one's tests
	st := connect(t, neo4jtest.Start(t, "--tx-memory", "12m").URI)
	ctx := context.Background()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// Loaded in change sets of 1,000 links: one change set is one
	// transaction, and the whole graph in one would not fit the pool.
	g := storetest.Generate(800, 8_000, 1)
	storetest.MustLoad(t, st, &domain.Graph{Sources: g.Sources, Entities: g.Entities})
	for start := 0; start < len(g.Relationships); start += 1000 {
		storetest.MustLoad(t, st, &domain.Graph{Relationships: g.Relationships[start:min(start+1000, len(g.Relationships))]})
	}
	if err := st.Reset(ctx); err != nil {
		t.Fatalf("reset: %v", err)
	}
	left, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(left.Entities)+len(left.Relationships)+len(left.Sources) != 0 {
		t.Errorf("after reset: %d entities, %d relationships, %d sources", len(left.Entities), len(left.Relationships), len(left.Sources))
	}
	if rev, err := st.Revision(ctx); err != nil || rev != 0 {
		t.Errorf("after reset the revision is %d, %v; want 0", rev, err)
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
		if want := int64(7 + len(domain.RelationTypes)); n != want {
			t.Errorf("round %d: %d constraints, want %d (entity, source, change, graph state, retracted relationship, two for API keys and one per relationship type)", round, n, want)
		}
	}
}

// TestAmountsAreStoredExactly checks that an amount is stored as an integer
// count of minor units, and that an amount stored the old way, as a float,
// is refused with an error rather than read as a guess, until the database
// is reset and loaded again.
func TestAmountsAreStoredExactly(t *testing.T) {
	st := fresh(t)
	ctx := context.Background()
	storetest.MustLoad(t, st, storetest.Fixture())
	driver, err := neo4j.NewDriverWithContext(neo4jtest.URI(t), neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(ctx)
	const id = "training-program.funded.atlantis.fy2019"
	res, err := neo4j.ExecuteQuery(ctx, driver, `MATCH ()-[r {id: $id}]->() RETURN r.amountMinorUnits AS minor, r.amountValue AS old`,
		map[string]any{"id": id}, neo4j.EagerResultTransformer)
	if err != nil || len(res.Records) != 1 {
		t.Fatalf("read %s: %v", id, err)
	}
	if minor := res.Records[0].Values[0]; minor != int64(2_300_000_00) || res.Records[0].Values[1] != nil {
		t.Errorf("stored amount = %#v (amountValue %#v), want the integer 230000000 and no float", minor, res.Records[0].Values[1])
	}

	if _, err := neo4j.ExecuteQuery(ctx, driver, `MATCH ()-[r {id: $id}]->() SET r.amountValue = 2300000.0 REMOVE r.amountMinorUnits`,
		map[string]any{"id": id}, neo4j.EagerResultTransformer); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RelationshipsByIDs(ctx, []string{id}); domain.ErrorCode(err) != domain.CodeInternal {
		t.Errorf("a float amount: err = %v, want INTERNAL", err)
	}
	// A write that would replace it refuses too: it cannot say what it
	// replaces. `conflictgraph seed --reset` rewrites such a database.
	if _, err := domain.LoadGraph(ctx, st, storetest.Fixture(), domain.LoadOptions{Actor: "test"}); domain.ErrorCode(err) != domain.CodeInternal {
		t.Errorf("loading over a float amount: err = %v, want INTERNAL", err)
	}
	reset(t, st.(*neo4jstore.Store), neo4jtest.URI(t))
	storetest.MustLoad(t, st, storetest.Fixture())
	rels, err := st.RelationshipsByIDs(ctx, []string{id})
	if err != nil || rels[0] == nil || rels[0].Amount == nil || rels[0].Amount.Decimal() != "2300000.00" {
		t.Errorf("after a reset and a load: %+v, %v", rels, err)
	}
}

func TestKeys(t *testing.T) {
	storetest.RunKeys(t, func(t *testing.T) domain.KeyStore { return fresh(t).(*neo4jstore.Store) })
}
