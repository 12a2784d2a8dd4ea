package neo4jstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/bench"
	"github.com/conflictgraph/conflictgraph/neo4jstore"
	"github.com/conflictgraph/conflictgraph/neo4jtest"
	"github.com/conflictgraph/conflictgraph/seed"
	"github.com/conflictgraph/conflictgraph/server"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// TestOneTransactionPerRequest asks the comparison benchmark's queries
// (package bench: an entity with its links, ends and quotes; a search; a
// neighbourhood; paths) of the API on Neo4j and counts, from the Bolt
// messages the driver sends, the transactions each request opens: one at
// most, in two round trips once connected (BEGIN with the statement, then
// COMMIT); the statements are logged.
func TestOneTransactionPerRequest(t *testing.T) {
	st := fresh(t)
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	storetest.MustLoad(t, st, s.Graph)
	counter := &boltCounter{}
	counter.reset()
	counted, err := neo4jstore.New(neo4jstore.Config{URI: neo4jtest.URI(t), BoltLogger: counter})
	if err != nil {
		t.Fatal(err)
	}
	defer counted.Close(context.Background())
	h, err := server.New(server.Config{Store: counted, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range bench.Queries {
		t.Run(q.Name, func(t *testing.T) {
			body, err := json.Marshal(map[string]any{"query": q.GraphQL, "variables": q.Variables})
			if err != nil {
				t.Fatal(err)
			}
			for round := range 2 { // the first connects; both are counted
				counter.reset()
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) || len(rec.Body.String()) < 50 {
					t.Fatalf("status %d: %.500s", rec.Code, rec.Body)
				}
				counter.mu.Lock()
				m := counter.messages
				t.Logf("round %d: %d transactions, %d statements (%s), %d round trips", round, m["BEGIN"], m["RUN"],
					strings.Join(counter.statementsByText, ", "), counter.roundTrips)
				if m["BEGIN"] != 1 {
					t.Errorf("%d transactions for one request, want one", m["BEGIN"])
				}
				// Connected, the transaction's BEGIN goes with its
				// statement, and COMMIT follows the records.
				if round > 0 && counter.roundTrips > 2 {
					t.Errorf("%d round trips for one request, want two", counter.roundTrips)
				}
				counter.mu.Unlock()
			}
		})
	}
}
