package graph

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func parseDoc(t *testing.T, query string) *ast.QueryDocument {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestHasDirectives(t *testing.T) {
	tests := []struct {
		query string
		want  bool
	}{
		{`{ entity(id: "x") { id name } }`, false},
		{`{ entity(id: "x") { ...F } } fragment F on Entity { id ... on Country { name } }`, false},
		{`query Q @deprecatedSomewhere { entity(id: "x") { id } }`, false}, // on the operation: no selection changes
		{`{ entity(id: "x") { id name @include(if: true) } }`, true},
		{`{ entity(id: "x") { id ... @skip(if: false) { name } } }`, true},
		{`{ entity(id: "x") { ...F @include(if: true) } } fragment F on Entity { id }`, true},
		{`{ entity(id: "x") { ...F } } fragment F on Entity { relationships { edges { node { id @skip(if: true) } } } }`, true},
		{`{ entity(id: "x") { ...F } } fragment F on Entity @defer { id }`, true},
	}
	for _, tt := range tests {
		if got := hasDirectives(parseDoc(t, tt.query)); got != tt.want {
			t.Errorf("hasDirectives(%s) = %v, want %v", tt.query, got, tt.want)
		}
	}
}

// TestDocumentsLetGoOfTheirFields: the collected fields of a document live
// as long as the document, not as long as the server.
func TestDocumentsLetGoOfTheirFields(t *testing.T) {
	entries := func() int {
		documents.Lock()
		defer documents.Unlock()
		return len(documents.m)
	}
	before := entries()
	const docs = 200
	for i := range docs {
		if fieldsOf(&graphql.OperationContext{Doc: parseDoc(t, fmt.Sprintf(`{ a%d: __typename }`, i))}) == nil {
			t.Fatal("a document without directives has no fields kept")
		}
	}
	if got := entries(); got < before+docs {
		t.Fatalf("%d entries after %d documents, want at least %d", got, docs, before+docs)
	}
	// Each collection queues the cleanups of the documents it found gone;
	// they run soon after on the runtime's cleanup goroutine.
	for range 100 {
		if entries() <= before {
			return
		}
		runtime.GC()
		runtime.Gosched()
	}
	t.Errorf("%d entries are left of %d documents no longer used", entries()-before, docs)
}
