package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strings"
)

// plainScalars makes the executable schema in file marshal the value of a
// plain scalar field directly, where gqlgen resolves it as it resolves any
// field: a field context for it, a context carrying that, a closure, the
// field middleware and a deferred recover, for reading obj.Name. Those were
// about a sixth of the handler's time on a large answer.
//
// A field is plain when its value is a field of the object (no resolver,
// no argument, no directive) and its type's marshaler can neither fail nor
// answer null for a value (String, ID, Int, Boolean and the enums; not a
// custom scalar such as PartialDate, whose zero value is null): nothing in
// it can report an error, which is what the field context is for, nor
// panic. The server adds no field middleware (server.graphQL), so none is
// skipped. Only gqlgen's exact form of such a field is rewritten; the others
// are left as they are.
func plainScalars(file string) error {
	var marshalers map[string]bool
	n, err := rewriteFuncs(file, func(fset *token.FileSet, f *ast.File) {
		marshalers = map[string]bool{}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil && strings.HasPrefix(fn.Name.Name, "marshal") {
				marshalers[fn.Name.Name] = neverFails(fset, fn)
			}
		}
	}, func(fset *token.FileSet, fn *ast.FuncDecl) (string, bool) {
		if !strings.HasPrefix(fn.Name.Name, "_") {
			return "", false
		}
		value, marshaler, ok := plainField(fset, fn)
		if !ok || !marshalers[marshaler] {
			return "", false
		}
		return fmt.Sprintf("{\n\treturn ec.%s(ctx, field.Selections, %s)\n}", marshaler, value), true
	})
	if err == nil && n == 0 {
		err = fmt.Errorf("%s: no plain scalar field to marshal directly: gqlgen writes fields differently now; see tools/gqlgen", file)
	}
	return err
}

// rewriteFuncs replaces the bodies of the methods in file that rewrite
// gives a new body for, after survey has seen the whole file, and formats
// the result. It says how many it replaced.
func rewriteFuncs(file string, survey func(*token.FileSet, *ast.File), rewrite func(*token.FileSet, *ast.FuncDecl) (string, bool)) (int, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return 0, err
	}
	if survey != nil {
		survey(fset, f)
	}
	type edit struct {
		from, to int
		body     string
	}
	var edits []edit
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil {
			continue
		}
		if body, ok := rewrite(fset, fn); ok {
			edits = append(edits, edit{
				from: fset.Position(fn.Body.Lbrace).Offset,
				to:   fset.Position(fn.Body.Rbrace).Offset + 1,
				body: body,
			})
		}
	}
	if len(edits) == 0 {
		return 0, nil
	}
	slices.Reverse(edits)
	for _, e := range edits {
		src = append(src[:e.from], append([]byte(e.body), src[e.to:]...)...)
	}
	out, err := format.Source(src)
	if err != nil {
		return 0, fmt.Errorf("%s: after rewriting: %w", file, err)
	}
	return len(edits), os.WriteFile(file, out, 0o644)
}

// plainFieldForm is gqlgen's resolution of a field read from the object
// and marshalled without middleware: the value read (a selector on obj)
// and the marshaler are its two groups.
var plainFieldForm = regexp.MustCompile(`^\{
	return graphql\.ResolveField\(
		ctx,
		ec\.OperationContext,
		field,
		func\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{
			return ec\.fieldContext_\w+\(ctx, field\)
		\},
		func\(ctx context\.Context\) \(any, error\) \{
			return (obj(?:\.\w+)+), nil
		\},
		nil,
		func\(ctx context\.Context, selections ast\.SelectionSet, v [\w.*]+\) graphql\.Marshaler \{
			return ec\.(marshal[^\s(]+)\(ctx, selections, v\)
		\},
		true,
		(?:true|false),
	\)
\}$`)

// plainField is the value fn reads and the marshaler it calls, if fn is a
// field resolved as plainFieldForm.
func plainField(fset *token.FileSet, fn *ast.FuncDecl) (value, marshaler string, ok bool) {
	m := plainFieldForm.FindStringSubmatch(source(fset, fn.Body))
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// neverFailsStmts are the statements a marshaler may have and neither fail
// nor answer null: it marshals its value (or what it points to, when not
// nil) as one of gqlgen's scalars that always write a value.
var neverFailsStmts = []*regexp.Regexp{
	regexp.MustCompile(`^_ = (sel|ctx)$`),
	regexp.MustCompile(`^if v == nil \{\n\treturn graphql\.Null\n\}$`),
	regexp.MustCompile(`^res := graphql\.Marshal(String|ID|Int|Boolean)\((v|\*v|string\(v\)|string\(\*v\))\)$`),
	regexp.MustCompile(`^if res == graphql\.Null \{\n\tgraphql\.AddInvalidNullFromMarshaler\(ctx, "\w+!"\)\n\}$`),
	regexp.MustCompile(`^return res$`),
}

// neverFails tells whether the marshaler fn can neither report an error
// nor answer null for a value: it is made only of neverFailsStmts, one of
// them the marshalling.
func neverFails(fset *token.FileSet, fn *ast.FuncDecl) bool {
	marshals := false
	for _, st := range fn.Body.List {
		s := source(fset, st)
		i := slices.IndexFunc(neverFailsStmts, func(re *regexp.Regexp) bool { return re.MatchString(s) })
		if i < 0 {
			return false
		}
		marshals = marshals || i == 2
	}
	return marshals
}

// source is node as gofmt prints it.
func source(fset *token.FileSet, node any) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, fset, node); err != nil {
		return ""
	}
	return b.String()
}
