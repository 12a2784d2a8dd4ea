package neo4jstore_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/seed"
	"github.com/conflictgraph/conflictgraph/server"
	"github.com/conflictgraph/conflictgraph/storetest"
)

func exportJSON(t *testing.T, st domain.Store, target string) any {
	t.Helper()
	h, err := server.New(server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
	}
	var doc any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestSeededNeo4jExportsWhatEmbeddedExports seeds Neo4j twice and compares
// its exports, whole and by neighbourhood, with the embedded store's.
func TestSeededNeo4jExportsWhatEmbeddedExports(t *testing.T) {
	neo := fresh(t)
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		storetest.MustLoad(t, neo, s.Graph)
	}
	mem := embedded.New()
	storetest.MustLoad(t, mem, s.Graph)
	for _, target := range []string{
		"/export?format=cytoscape",
		"/export?format=cytoscape&id=mali&depth=1",
		"/export?format=cytoscape&id=wagner-group&depth=2&limit=10",
	} {
		got, want := exportJSON(t, neo, target), exportJSON(t, mem, target)
		if !reflect.DeepEqual(got, want) {
			gb, _ := json.MarshalIndent(got, "", " ")
			wb, _ := json.MarshalIndent(want, "", " ")
			t.Errorf("%s differs between neo4j and embedded:\nneo4j:    %.2000s\nembedded: %.2000s", target, gb, wb)
		}
	}
}
