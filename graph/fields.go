package graph

import (
	"runtime"
	"sync"
	"unsafe"
	"weak"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// documentFields holds the fields collected from one parsed document's
// selection sets (graphql.CollectFields), for every request that runs the
// document. gqlgen collects them again for each request, into a cache of
// the request's own keyed by a hash of the type's names: on a small answer
// (query D of bench-compare) that was 8% of the server's time, for the
// same answers every time. The answers depend on the variables only
// through directives (@skip, @include, @defer), so only a document with no
// directive on any selection has a documentFields (fieldsOf).
type documentFields struct {
	mu   sync.RWMutex
	sets map[fieldsKey][]graphql.CollectedField
}

// fieldsKey names a selection set (its first element and length, as
// gqlgen's own cache does) and the type names it is collected for (the
// generated code's implementors lists, package variables).
type fieldsKey struct {
	sel       *ast.Selection
	n         int
	satisfies *string
}

// documents holds each live document's fields, under a weak pointer, so
// that a document the query cache lets go takes its entry with it
// (runtime.AddCleanup) and a later document at the same address is never
// mistaken for it. A document with directives has a nil entry: it is
// walked once, to learn that.
var documents = struct {
	sync.Mutex
	m map[weak.Pointer[ast.QueryDocument]]*documentFields
}{m: map[weak.Pointer[ast.QueryDocument]]*documentFields{}}

// fieldsOf is the collected fields of the operation's document, or nil
// when they must be collected for each request.
func fieldsOf(opCtx *graphql.OperationContext) *documentFields {
	if opCtx == nil || opCtx.Doc == nil {
		return nil
	}
	doc := opCtx.Doc
	key := weak.Make(doc)
	documents.Lock()
	defer documents.Unlock()
	d, ok := documents.m[key]
	if !ok {
		if !hasDirectives(doc) {
			d = &documentFields{sets: map[fieldsKey][]graphql.CollectedField{}}
		}
		documents.m[key] = d
		runtime.AddCleanup(doc, forget, key)
	}
	return d
}

// forget drops a document's entry once the document is gone.
func forget(key weak.Pointer[ast.QueryDocument]) {
	documents.Lock()
	defer documents.Unlock()
	delete(documents.m, key)
}

// collect is graphql.CollectFields of sel for the types satisfies names,
// collected once for the document.
func (d *documentFields) collect(opCtx *graphql.OperationContext, sel ast.SelectionSet, satisfies []string) []graphql.CollectedField {
	key := fieldsKey{sel: unsafe.SliceData(sel), n: len(sel), satisfies: unsafe.SliceData(satisfies)}
	d.mu.RLock()
	fields, ok := d.sets[key]
	d.mu.RUnlock()
	if ok {
		return fields
	}
	fields = graphql.CollectFields(opCtx, sel, satisfies)
	d.mu.Lock()
	defer d.mu.Unlock()
	// Another request may have collected them meanwhile: theirs stay,
	// so that the selection sets below them keep their entries.
	if kept, ok := d.sets[key]; ok {
		return kept
	}
	d.sets[key] = fields
	return fields
}

// collectFields is what the generated code calls for graphql.CollectFields
// (tools/gqlgen, documentFieldsOnce), with its execution context's fields:
// from the document's fields where it has them.
func collectFields(d *documentFields, opCtx *graphql.OperationContext, sel ast.SelectionSet, satisfies []string) []graphql.CollectedField {
	if d == nil {
		return graphql.CollectFields(opCtx, sel, satisfies)
	}
	return d.collect(opCtx, sel, satisfies)
}

// hasDirectives tells whether a selection anywhere in doc carries a
// directive, which could make its fields depend on the variables.
func hasDirectives(doc *ast.QueryDocument) bool {
	var walk func(ast.SelectionSet) bool
	walk = func(set ast.SelectionSet) bool {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				if len(s.Directives) > 0 || walk(s.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				if len(s.Directives) > 0 || walk(s.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				if len(s.Directives) > 0 {
					return true
				}
			default:
				return true // a selection of a kind gqlgen does not collect yet
			}
		}
		return false
	}
	for _, op := range doc.Operations {
		if walk(op.SelectionSet) {
			return true
		}
	}
	for _, f := range doc.Fragments {
		if len(f.Directives) > 0 || walk(f.SelectionSet) {
			return true
		}
	}
	return false
}
