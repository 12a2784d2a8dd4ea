package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"strings"
)

// Object marshalling as gqlgen writes it, and what orderedObjects writes
// instead: graph's newObject, and no dispatch (there is nothing to run
// concurrently).
const (
	newFieldSet  = "out := graphql.NewFieldSet(fields)"
	newObject    = "out := newObject(fields)"
	dispatchLine = "\n\tout.Dispatch(ctx)\n"
)

// outUse is a use of the object being marshalled in gqlgen's code for it.
var outUse = regexp.MustCompile(`\bout\.(\w+)`)

// orderedObjects makes the executable schema in file marshal every object
// whose fields are resolved in order as graph's object, where gqlgen makes
// a graphql.FieldSet. That is all but Query: sequentialFields makes the
// others sequential, and gqlgen runs Mutation's fields in order. A
// FieldSet is the set and its slice of values, and when written a map of
// the names written and a copy of every field: a quarter of the handler's
// allocations on a large answer. Only a function that uses the field set
// for nothing but its values, its count of invalid fields and a dispatch
// with nothing to dispatch is rewritten (the body as go/printer prints
// it; gqlgen writes no comments inside it). If none is left, gqlgen writes
// objects differently now, and regenerating fails here.
func orderedObjects(file string) error {
	n, err := rewriteFuncs(file, nil, func(fset *token.FileSet, fn *ast.FuncDecl) (string, bool) {
		body := source(fset, fn.Body)
		if !strings.Contains(body, newFieldSet) || strings.Count(body, dispatchLine) != 1 {
			return "", false
		}
		for _, m := range outUse.FindAllStringSubmatch(body, -1) {
			switch m[1] {
			case "Values", "Invalids", "Dispatch":
			default:
				return "", false // a concurrent field, a root
			}
		}
		body = strings.Replace(body, newFieldSet, newObject, 1)
		return strings.Replace(body, dispatchLine, "\n", 1), true
	})
	if err == nil && n == 0 {
		err = fmt.Errorf("%s: no %q to replace with %q: gqlgen writes objects differently now; see tools/gqlgen", file, newFieldSet, newObject)
	}
	return err
}
