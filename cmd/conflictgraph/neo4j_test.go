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

// queryCode runs a query and returns its first error code ("" on success).
func queryCode(t *testing.T, addr, query string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := client.Post("http://"+addr+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 {
		t.Errorf("query answered HTTP %d", resp.StatusCode)
	}
	var out struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("query answer is not JSON: %s", raw)
	}
	if len(out.Errors) == 0 {
		return ""
	}
	code, _ := out.Errors[0].Extensions["code"].(string)
	return code
}

// waitReady polls /readyz until it answers 200, for at most two minutes.
func waitReady(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		if getStatus(t, "http://"+addr+"/readyz") == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("/readyz did not turn 200 within two minutes")
		}
	}
}

const maliQuery = `{ entity(id: "mali") { name relationships(first: 3) { totalCount } } }`

// TestServeOnNeo4jSurvivesNeo4jOutages starts the server while its Neo4j is
// down, brings Neo4j up, seeds it, then stops and restarts Neo4j under the
// running server: the server stays up, says it is not ready, answers
// UNAVAILABLE instead of hanging, and recovers by itself.
func TestServeOnNeo4jSurvivesNeo4jOutages(t *testing.T) {
	neo := neo4jtest.Start(t)
	if err := neo.Stop(); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"NEO4J_URI": neo.URI}
	addr, logs, stop := startServe(t, []string{"--backend", "neo4j"}, vars)

	if got := getStatus(t, "http://"+addr+"/healthz"); got != http.StatusOK {
		t.Errorf("healthz with neo4j down: %d, want 200 (the process is alive)", got)
	}
	if got := getStatus(t, "http://"+addr+"/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("readyz with neo4j down: %d, want 503", got)
	}
	if code := queryCode(t, addr, maliQuery); code != "UNAVAILABLE" {
		t.Errorf("query with neo4j down: code %q, want UNAVAILABLE", code)
	}

	neo.Restart(t)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"seed"}, env(vars), &out, io.Discard); err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "seeded "+neo.URI) {
		t.Errorf("seed output:\n%s", out.String())
	}
	waitReady(t, addr)
	if code := queryCode(t, addr, maliQuery); code != "" {
		t.Fatalf("query after neo4j came up: %s", code)
	}

	if err := neo.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := getStatus(t, "http://"+addr+"/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("readyz after neo4j stopped: %d, want 503", got)
	}
	if code := queryCode(t, addr, maliQuery); code != "UNAVAILABLE" {
		t.Errorf("query after neo4j stopped: code %q, want UNAVAILABLE", code)
	}

	neo.Restart(t)
	waitReady(t, addr)
	if code := queryCode(t, addr, maliQuery); code != "" {
		t.Errorf("query after neo4j restarted: %s", code)
	}
	if err := stop(); err != nil {
		t.Errorf("serve ended with %v", err)
	}
	if !strings.Contains(logs.String(), "neo4j schema is in place") {
		t.Errorf("the schema was never applied:\n%s", logs)
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
