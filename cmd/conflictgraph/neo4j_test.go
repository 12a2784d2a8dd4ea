package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/neo4jstore"
	"github.com/conflictgraph/conflictgraph/neo4jtest"
)

// client bounds every call, so a hanging server fails the test instead of
// stalling it.
var client = &http.Client{Timeout: 60 * time.Second}

func getStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// answer is what a request got: its status, its body and the first
// error code in it ("" for none).
type answer struct {
	status int
	body   string
	code   string
}

// ask sends a GraphQL query (or, with query "", a GET of path) and reads
// the answer.
func ask(t *testing.T, addr, path, query string) answer {
	t.Helper()
	var resp *http.Response
	var err error
	if query == "" {
		resp, err = client.Get("http://" + addr + path)
	} else {
		body, _ := json.Marshal(map[string]string{"query": query})
		resp, err = client.Post("http://"+addr+"/graphql", "application/json", bytes.NewReader(body))
	}
	if err != nil {
		t.Fatalf("%s %s: %v", path, query, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
		Error struct{ Code string } `json:"error"`
		Code  string                `json:"code"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s answer is not JSON: %s", path, raw)
	}
	a := answer{status: resp.StatusCode, body: string(raw), code: out.Error.Code + out.Code}
	if len(out.Errors) > 0 {
		a.code, _ = out.Errors[0].Extensions["code"].(string)
	}
	return a
}

// queryCode runs a query and returns its first error code ("" on success).
func queryCode(t *testing.T, addr, query string) string {
	t.Helper()
	return ask(t, addr, "/graphql", query).code
}

// waitFor polls until ok, for at most two minutes.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		if ok() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within two minutes", what)
		}
	}
}

// waitReady polls /readyz until it answers 200, for at most two minutes.
func waitReady(t *testing.T, addr string) {
	t.Helper()
	waitFor(t, "/readyz turning 200", func() bool { return getStatus(t, "http://"+addr+"/readyz") == http.StatusOK })
}

const (
	maliQuery   = `{ entity(id: "mali") { name relationships(first: 3) { totalCount } } }`
	searchQuery = `{ search(text: "wagner") { id } }`
)

// failFast is how long a request may take to be refused while Neo4j is
// known to be down: generous for a loaded machine, and far below the
// 5 to 6.5 s each took when every one of them waited out the driver.
const failFast = 2 * time.Second

// wantDown checks that, with Neo4j known to be down, queries, /readyz and
// /export answer at once with UNAVAILABLE and 503, and none shows the
// driver's cause (an address, a port).
func wantDown(t *testing.T, addr, neoURI string) {
	t.Helper()
	port := neoURI[strings.LastIndex(neoURI, ":")+1:]
	var slowest time.Duration
	defer func() { t.Logf("with neo4j down, the slowest of 25 answers took %s", slowest) }()
	for _, req := range []struct{ path, query string }{
		{"/graphql", maliQuery}, {"/graphql", searchQuery}, {"/readyz", ""}, {"/export?format=cytoscape", ""}, {"/export?id=mali", ""},
	} {
		for range 5 {
			start := time.Now()
			a := ask(t, addr, req.path, req.query)
			took := time.Since(start)
			if took > failFast {
				t.Errorf("%s %s with neo4j down took %s", req.path, req.query, took)
			}
			slowest = max(slowest, took)
			if a.status != http.StatusServiceUnavailable || a.code != "UNAVAILABLE" {
				t.Errorf("%s %s with neo4j down: %d %s, want 503 UNAVAILABLE", req.path, req.query, a.status, a.body)
			}
			for _, leak := range []string{"127.0.0.1", "dial tcp", "connect", port, "Connectivity"} {
				if strings.Contains(a.body, leak) {
					t.Errorf("%s answers with %q: %s", req.path, leak, a.body)
				}
			}
		}
	}
}

// fulltextIndexes counts the full-text indexes of the Neo4j at uri, or -1
// while it does not answer.
func fulltextIndexes(t *testing.T, uri string) int64 {
	t.Helper()
	n, err := neo4jtest.Count(context.Background(), uri,
		"SHOW FULLTEXT INDEXES YIELD name WHERE name IN ['entity_search', 'relationship_id'] RETURN count(*) AS n")
	if err != nil {
		return -1
	}
	return n
}

// TestServeOnNeo4jSurvivesNeo4jOutages starts the server while its Neo4j is
// down, brings Neo4j up, seeds it, stops it and brings up an empty one in
// its place, and drops an index under the running server: the server
// stays up, refuses at once with UNAVAILABLE while Neo4j is down (probing it
// in the background), is ready only once a seeding has finished, applies
// the schema again wherever it finds it missing, and recovers by itself
// each time, search included.
func TestServeOnNeo4jSurvivesNeo4jOutages(t *testing.T) {
	neo := neo4jtest.Start(t)
	if err := neo.Stop(); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"NEO4J_URI": neo.URI}
	addr, logs, stop := startServe(t, []string{"--backend", "neo4j"}, vars)
	seed := func() {
		t.Helper()
		var out bytes.Buffer
		if err := run(context.Background(), []string{"seed"}, env(vars), &out, io.Discard); err != nil {
			t.Fatalf("seed: %v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "seeded "+neo.URI) {
			t.Errorf("seed output:\n%s", out.String())
		}
	}
	searchFinds := func() bool {
		a := ask(t, addr, "/graphql", searchQuery)
		if a.code == "INTERNAL_SERVER_ERROR" {
			t.Fatalf("search: %s", a.body)
		}
		return a.code == "" && strings.Contains(a.body, `"wagner-group"`)
	}

	if got := getStatus(t, "http://"+addr+"/healthz"); got != http.StatusOK {
		t.Errorf("healthz with neo4j down: %d, want 200 (the process is alive)", got)
	}
	// The first call finds Neo4j down (and may wait for the driver);
	// every one after it is refused at once.
	waitFor(t, "the server noticing neo4j is down", func() bool { return strings.Contains(logs.String(), "neo4j is unreachable") })
	wantDown(t, addr, neo.URI)

	neo.Restart(t)
	waitFor(t, "the schema applied once neo4j answers", func() bool { return fulltextIndexes(t, neo.URI) == 2 })
	waitFor(t, "readyz on an empty database saying to seed", func() bool {
		a := ask(t, addr, "/readyz", "")
		if a.status != http.StatusServiceUnavailable {
			t.Fatalf("readyz on an empty database: %d %s", a.status, a.body)
		}
		return strings.Contains(a.body, "run conflictgraph seed")
	})
	seed()
	waitReady(t, addr)
	if code := queryCode(t, addr, maliQuery); code != "" {
		t.Fatalf("query after neo4j came up: %s", code)
	}
	if !searchFinds() {
		t.Error("search finds nothing after seeding")
	}

	if err := neo.Stop(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the server noticing neo4j stopped", func() bool { return ask(t, addr, "/readyz", "").status == http.StatusServiceUnavailable })
	queryCode(t, addr, maliQuery) // the call that finds Neo4j gone
	wantDown(t, addr, neo.URI)

	// Another Neo4j, empty, comes up on the same address: the server
	// applies its schema there by itself, is not ready until it is seeded,
	// and then searches again.
	neo.Replace(t)
	waitFor(t, "the schema applied to the new, empty neo4j", func() bool {
		ask(t, addr, "/readyz", "") // as an orchestrator polls it
		return fulltextIndexes(t, neo.URI) == 2
	})
	if a := ask(t, addr, "/readyz", ""); a.status != http.StatusServiceUnavailable {
		t.Errorf("readyz on the new, empty neo4j: %d %s", a.status, a.body)
	}
	if a := ask(t, addr, "/graphql", searchQuery); a.code != "" || strings.Contains(a.body, "wagner-group") {
		t.Errorf("search on the empty neo4j: %s", a.body)
	}
	seed()
	waitReady(t, addr)
	if !searchFinds() {
		t.Error("search finds nothing after reseeding the new neo4j")
	}

	// An index dropped under the running server: search is UNAVAILABLE,
	// never INTERNAL, until the server has applied the schema again.
	if _, err := neo4jtest.Run(context.Background(), neo.URI, "DROP INDEX entity_search"); err != nil {
		t.Fatal(err)
	}
	if a := ask(t, addr, "/graphql", searchQuery); a.code != "UNAVAILABLE" && !(a.code == "" && strings.Contains(a.body, "wagner-group")) {
		t.Errorf("search right after its index was dropped: %s, want UNAVAILABLE (or, once rebuilt, results)", a.body)
	}
	waitFor(t, "search after the index was rebuilt", searchFinds)
	// First start, new server, dropped index.
	waitFor(t, "the schema applied three times", func() bool { return strings.Count(logs.String(), "neo4j schema is in place") >= 3 })

	if err := stop(); err != nil {
		t.Errorf("serve ended with %v", err)
	}
	if strings.Contains(logs.String(), "internal error") {
		t.Errorf("an internal error was logged:\n%s", logs)
	}
}

// TestSeedAndMigrateCommands runs the Neo4j commands twice against the
// shared test database.
func TestSeedAndMigrateCommands(t *testing.T) {
	uri := neo4jtest.URI(t)
	vars := map[string]string{"NEO4J_URI": uri}
	for range 2 {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"migrate"}, env(vars), &out, io.Discard); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		if !strings.Contains(out.String(), "schema applied to "+uri) {
			t.Errorf("migrate output: %s", out.String())
		}
	}
}

// TestSeedIsIdempotent seeds a database twice: the first run writes the
// seed graph as revision 1, showing its progress on stderr, the second
// changes nothing and records no revision, and the history holds the
// seed's one change. An import before the seed is refused; after it, an
// import twice changes the graph once (importIntoNeo4j).
func TestSeedIsIdempotent(t *testing.T) {
	t.Parallel() // its own server: seeding must not race the shared one's tests
	neo := neo4jtest.Start(t)
	vars := map[string]string{"NEO4J_URI": neo.URI}
	importNeedsSeed(t, neo.URI)
	for i, want := range []string{"revision 1,", "unchanged at revision 1,"} {
		var out, progress bytes.Buffer
		if err := run(context.Background(), []string{"seed"}, env(vars), &out, &progress); err != nil {
			t.Fatalf("seed %d: %v\n%s", i+1, err, out.String())
		}
		if !strings.Contains(out.String(), "seeded "+neo.URI) || !strings.Contains(out.String(), want) {
			t.Errorf("seed %d output, want %q:\n%s", i+1, want, out.String())
		}
		if !strings.Contains(progress.String(), "seed: ") {
			t.Errorf("seed %d showed no progress on stderr: %q", i+1, progress.String())
		}
	}
	st, err := neo4jstore.New(neo4jstore.Config{URI: neo.URI})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	page, err := st.Changes(context.Background(), domain.ChangeQuery{First: 10})
	if err != nil {
		t.Fatal(err)
	}
	if page.Revision != 1 || len(page.Changes) != 1 || page.Changes[0].Actor != "seed" {
		t.Errorf("after seeding twice: revision %d, %d changes", page.Revision, len(page.Changes))
	}
	importIntoNeo4j(t, neo.URI)
}
