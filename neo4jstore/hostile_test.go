package neo4jstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/neo4jstore"
	"github.com/conflictgraph/conflictgraph/neo4jtest"
	"github.com/conflictgraph/conflictgraph/server"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// TestSearchAttacksLeaveNeo4jStanding sends the searches that crashed
// Neo4j (900 KB of short words: one Lucene clause per word, then
// OutOfMemoryError) or failed it (1,100 words: past Lucene's 1,024 clauses;
// one 500 KB word: "input automaton is too large") through the API, and
// the hardest searches the limits allow straight to the store, with a graph
// of a thousand entities whose words one-letter prefixes match by the
// hundred. Each attack is BAD_USER_INPUT before any store work (so the
// shared Neo4j never sees one); each allowed search answers; Neo4j still
// serves.
func TestSearchAttacksLeaveNeo4jStanding(t *testing.T) {
	st := fresh(t)
	ctx := context.Background()
	storetest.MustLoad(t, st, storetest.Generate(1000, 2000, 1))
	h, err := server.New(server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	search := func(text string) (int, map[string]any) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": `query($t: String!) { search(text: $t, first: 100) { id } }`, "variables": map[string]any{"t": text}})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var resp struct {
			Errors []struct{ Extensions map[string]any }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("%v: %s", err, rec.Body)
		}
		if len(resp.Errors) == 0 {
			return rec.Code, nil
		}
		return rec.Code, resp.Errors[0].Extensions
	}
	for _, attack := range []string{strings.Repeat("a b ", 225_000), strings.Repeat("ab ", 1100), strings.Repeat("x", 500_000)} {
		start := time.Now()
		status, ext := search(attack)
		if status != http.StatusOK || ext["code"] != "BAD_USER_INPUT" || ext["reason"] != "LIMIT_EXCEEDED" {
			t.Errorf("a %d KB attack: %d %v, want BAD_USER_INPUT past a limit", len(attack)>>10, status, ext)
		}
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("a %d KB attack refused in %s", len(attack)>>10, took)
		}
	}
	letters := make([]string, domain.MaxSearchWords)
	for i := range letters {
		letters[i] = string(rune('a' + i%26))
	}
	for _, text := range []string{
		strings.Join(letters, " "),
		strings.Repeat("a ", domain.MaxSearchWords),
		strings.Repeat("e", domain.MaxSearchText),
		strings.Repeat("𝔘", domain.MaxSearchText),
		"a", "e", "1",
	} {
		if _, err := st.Search(ctx, domain.SearchQuery{Text: text, First: domain.MaxSearchResults}); err != nil {
			t.Errorf("search %.40q: %v", text, err)
		}
	}
	if err := st.Ping(ctx); err != nil {
		t.Fatalf("neo4j after the attacks: %v", err)
	}
	if status, ext := search("a"); status != http.StatusOK || ext != nil {
		t.Errorf("a search after the attacks: %d %v", status, ext)
	}
}

// TestAQueryThatRunsOutOfTimeIsTimeout holds a lock on an entity from
// another transaction, so that a load of it waits: when its deadline passes,
// the answer is TIMEOUT, not UNAVAILABLE ("retry shortly"), and the store
// does not take Neo4j for unreachable.
func TestAQueryThatRunsOutOfTimeIsTimeout(t *testing.T) {
	st := fresh(t)
	storetest.MustLoad(t, st, storetest.Fixture())
	ctx := context.Background()
	driver, err := neo4j.NewDriverWithContext(neo4jtest.URI(t), neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(ctx)
	session := driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite})
	defer session.Close(ctx)
	tx, err := session.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	res, err := tx.Run(ctx, `MATCH (e:Entity {id: 'union'}) SET e.lockedByTheTest = true`, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}

	short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	union := *storetest.Fixture().Entities[3]
	union.Aliases = append(union.Aliases, "The Union")
	_, err = st.Apply(short, &domain.ChangeSet{Actor: "test", Entities: []*domain.Entity{&union}})
	if !errors.Is(err, domain.ErrTimeout) {
		t.Errorf("a write waiting on a lock past its deadline: %v, want TIMEOUT", err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(ctx); err != nil {
		t.Errorf("after a timeout, the store fails: %v", err)
	}
}

// TestOnlyAWholeSeedMarksTheDatabaseSeeded refuses a seed whose last
// element is wrong: the seed is one change set, so nothing of it is written
// and the database is not seeded; a good one seeds it, and a reset unseeds it.
func TestOnlyAWholeSeedMarksTheDatabaseSeeded(t *testing.T) {
	st := fresh(t).(*neo4jstore.Store)
	ctx := context.Background()
	g := storetest.Fixture()
	bad := *g.Relationships[len(g.Relationships)-1]
	bad.ID, bad.ToID = "o-brien.mediated.nowhere", "nowhere"
	g.Relationships = append(g.Relationships, &bad)
	if _, err := domain.LoadGraph(ctx, st, g, domain.LoadOptions{Actor: "test"}); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("a seed with a dangling relationship: %v, want INVALID", err)
	}
	seeded := func() bool {
		t.Helper()
		ok, err := st.Seeded(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if sources, err := st.Sources(ctx); err != nil || len(sources) != 0 {
		t.Fatalf("sources after the refused seed: %d, %v", len(sources), err)
	}
	if seeded() {
		t.Error("seeded after a refused seed")
	}
	storetest.MustLoad(t, st, storetest.Fixture())
	if !seeded() {
		t.Error("not seeded after a finished load")
	}
	if err := st.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	neo4jtest.Own(t, neo4jtest.URI(t))
	if seeded() {
		t.Error("seeded after a reset")
	}
}
