package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/conflictgraph/conflictgraph/graph"
)

// documentGuard is the gqlgen extension that measures a document before
// gqlgen validates it. The validator compares the fields of a selection set
// pairwise, so its work grows with the square of the fields, and a 10,000
// token document of one field repeated costs it seconds; the guard parses
// the document once (in linear time, within the token limit), counts its
// selections and measures the operation as the query limits do, fragments
// spread once each, and refuses what is past a limit before validation
// starts. A document already in the cache passed all this before and is
// not parsed again. A large document waits for a heavy slot while it is
// validated (see Admission).
type documentGuard struct {
	limits    Limits
	cache     *byteCache[*ast.QueryDocument]
	admission *admission
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = (*documentGuard)(nil)

func (*documentGuard) ExtensionName() string { return "DocumentGuard" }

func (*documentGuard) Validate(graphql.ExecutableSchema) error { return nil }

// hintNoQuery is the answer to a request without a query.
const hintNoQuery = `the request has no query: send {"query": "..."} as a JSON POST, or ?query=... on a GET ` +
	`(e.g. /graphql?query={sources{id}}); the playground at / writes queries with you`

// MutateOperationParameters refuses, before parsing and validation, a
// request whose deadline has passed, one without a query, and a document
// past the limits; it names the operations of a document when the request
// does not say which of them to run.
func (g *documentGuard) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if err := contextError(ctx); err != nil {
		return err
	}
	if strings.TrimSpace(params.Query) == "" {
		return &gqlerror.Error{Message: hintNoQuery, Extensions: map[string]any{"code": graph.CodeBadUserInput}}
	}
	doc, cached := g.cache.Get(ctx, params.Query)
	if !cached {
		var err error
		doc, err = parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, g.limits.MaxTokens)
		if err != nil {
			gerr, ok := err.(*gqlerror.Error)
			if !ok {
				gerr = gqlerror.Wrap(err)
			}
			errcode.Set(gerr, errcode.ParseFailed)
			tokenLimitError(gerr, params.Query, g.limits.MaxTokens)
			return gerr
		}
	}
	op, gerr := operation(doc, params.OperationName)
	if gerr != nil || cached {
		return gerr
	}
	l := g.limits
	m := measurer{fragments: doc.Fragments, memo: map[string]shape{}}
	if gerr := l.refuse(m.selectionSet(op.SelectionSet)); gerr != nil {
		return gerr
	}
	n := selections(doc)
	if n > l.MaxSelections {
		return limitError(CodeTooManySelections, l.MaxSelections, n,
			"the document has %d selections (fields and fragments, as written); the limit is %d", n, l.MaxSelections)
	}
	if 2*n > l.MaxSelections {
		// Validating it may cost as much as a heavy query.
		if err := admit(ctx, g.admission.heavy); err != nil {
			return &gqlerror.Error{Message: err.Error(), Err: err}
		}
	}
	return nil
}

// operation is the operation of doc a request names, or the error that
// says which it could have named.
func operation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, *gqlerror.Error) {
	if op := doc.Operations.ForName(name); op != nil {
		return op, nil
	}
	names := make([]string, 0, min(len(doc.Operations), 10))
	for _, op := range doc.Operations[:min(len(doc.Operations), 10)] {
		if op.Name == "" {
			names = append(names, "an anonymous one")
			continue
		}
		names = append(names, strconv.Quote(op.Name))
	}
	list := strings.Join(names, ", ")
	if len(doc.Operations) > len(names) {
		list += ", ..."
	}
	var err *gqlerror.Error
	switch {
	case len(doc.Operations) == 0:
		err = gqlerror.Errorf("the document has no operation, only fragments: add a query")
	case name == "":
		err = gqlerror.Errorf("the document has %d operations (%s): give operationName to say which to run", len(doc.Operations), list)
	default:
		err = gqlerror.Errorf("the document has no operation named %q; it has %s", name, list)
	}
	errcode.Set(err, errcode.ValidationFailed)
	return nil, err
}

// selections counts the selections written in doc (fields, fragment
// spreads, inline fragments), in every operation and fragment, without
// expanding anything: what the validator works through.
func selections(doc *ast.QueryDocument) int {
	n := 0
	var count func(set ast.SelectionSet)
	count = func(set ast.SelectionSet) {
		for _, sel := range set {
			n++
			switch sel := sel.(type) {
			case *ast.Field:
				count(sel.SelectionSet)
			case *ast.InlineFragment:
				count(sel.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		count(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		count(f.SelectionSet)
	}
	return n
}

// contextError is the TIMEOUT or CANCELED answer to a request whose
// context has ended, or nil.
func contextError(ctx context.Context) *gqlerror.Error {
	if ctx.Err() == nil {
		return nil
	}
	err := fmt.Errorf("the request ended before it ran: %w", ctx.Err())
	return &gqlerror.Error{Message: err.Error(), Err: err}
}
