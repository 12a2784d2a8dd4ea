package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/graph"
)

// Limits bound what one request may ask of the server. Every refusal comes
// before any store work, as a GraphQL error whose extensions carry a code,
// the limit and the value the request had. A zero field takes its default.
type Limits struct {
	// MaxDepth is how deep fields may nest, fragments spread out (default
	// 12). Introspection (__schema, __type) is not counted: the validator
	// already refuses introspection lists nested more than 3 deep
	// (GRAPHQL_VALIDATION_FAILED). Refused with QUERY_TOO_DEEP.
	MaxDepth int
	// MaxComplexity caps gqlgen's complexity of an operation (default
	// 50000): one per field plus its selection, where a list field costs
	// the items it may return (first, limit) times the cost of each; see
	// graph.Complexity. Refused with QUERY_TOO_COMPLEX.
	MaxComplexity int
	// MaxAliases caps the aliased fields of an operation (default 30).
	// Refused with TOO_MANY_ALIASES.
	MaxAliases int
	// MaxRootFields caps the top-level fields of an operation (default 20).
	// Refused with TOO_MANY_ROOT_FIELDS.
	MaxRootFields int
	// MaxTokens caps the tokens of a query document the parser reads
	// (default 10000). Refused with QUERY_TOO_LARGE.
	MaxTokens int
	// MaxSelections caps the selections a document writes (fields,
	// fragment spreads and inline fragments, in all its operations and
	// fragments, none expanded; default 1000): the validator's work grows
	// with their square. Counted before validation; refused with
	// TOO_MANY_SELECTIONS.
	MaxSelections int
	// QueryCacheBytes bounds the cache of parsed documents, in bytes as
	// estimated from each document's text and nodes (default 32 MiB);
	// persisted queries get a quarter of it besides. A document estimated
	// above 1/64 of the budget is not cached.
	QueryCacheBytes int64
	// MaxBodyBytes caps a POST body (default 1 MiB). Refused with HTTP 413
	// and REQUEST_TOO_LARGE.
	MaxBodyBytes int64
	// RequestTimeout is the deadline of each /graphql and /export request,
	// passed to every store call (default 15s). Past it, TIMEOUT.
	RequestTimeout time.Duration
}

// The defaults of Limits.
const (
	DefaultMaxDepth       = 12
	DefaultMaxComplexity  = 50000
	DefaultMaxAliases     = 30
	DefaultMaxRootFields  = 20
	DefaultMaxTokens      = 10000
	DefaultMaxSelections  = 1000
	DefaultQueryCacheSize = 32 << 20
	DefaultMaxBodyBytes   = 1 << 20
	DefaultRequestTimeout = 15 * time.Second
)

// The extensions.code of each refusal.
const (
	CodeQueryTooDeep      = "QUERY_TOO_DEEP"
	CodeQueryTooComplex   = "QUERY_TOO_COMPLEX"
	CodeTooManyAliases    = "TOO_MANY_ALIASES"
	CodeTooManyRootFields = "TOO_MANY_ROOT_FIELDS"
	CodeRequestTooLarge   = "REQUEST_TOO_LARGE"
	CodeQueryTooLarge     = "QUERY_TOO_LARGE"
	CodeTooManySelections = "TOO_MANY_SELECTIONS"
)

// ReasonBatchUnsupported is the extensions.reason of the BAD_USER_INPUT
// answer to a JSON array of operations: this server takes one per request.
const ReasonBatchUnsupported = "BATCHING_NOT_SUPPORTED"

func init() {
	// A document refused before execution is answered like one that fails
	// validation: HTTP 422 (400 for application/graphql-response+json).
	for _, code := range []string{CodeQueryTooDeep, CodeQueryTooComplex, CodeTooManyAliases, CodeTooManyRootFields, CodeQueryTooLarge, CodeTooManySelections} {
		errcode.RegisterErrorType(code, errcode.KindProtocol)
	}
}

// withDefaults fills the zero fields and refuses negative ones.
func (l Limits) withDefaults() (Limits, error) {
	for name, v := range map[string]int64{
		"max depth": int64(l.MaxDepth), "max complexity": int64(l.MaxComplexity), "max aliases": int64(l.MaxAliases),
		"max root fields": int64(l.MaxRootFields), "max tokens": int64(l.MaxTokens), "max body bytes": l.MaxBodyBytes,
		"request timeout": int64(l.RequestTimeout), "max selections": int64(l.MaxSelections), "query cache bytes": l.QueryCacheBytes,
	} {
		if v < 0 {
			return l, domain.Invalidf("server limits: %s is %d; give a positive value, or 0 for the default", name, v)
		}
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&l.MaxDepth, DefaultMaxDepth)
	def(&l.MaxComplexity, DefaultMaxComplexity)
	def(&l.MaxAliases, DefaultMaxAliases)
	def(&l.MaxRootFields, DefaultMaxRootFields)
	def(&l.MaxTokens, DefaultMaxTokens)
	def(&l.MaxSelections, DefaultMaxSelections)
	if l.QueryCacheBytes == 0 {
		l.QueryCacheBytes = DefaultQueryCacheSize
	}
	if l.MaxBodyBytes == 0 {
		l.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if l.RequestTimeout == 0 {
		l.RequestTimeout = DefaultRequestTimeout
	}
	return l, nil
}

// queryLimits is the gqlgen extension that refuses an operation past a limit
// once it is parsed and validated, before it runs, and then admits it to
// its lane by its complexity.
type queryLimits struct {
	limits          Limits
	noIntrospection bool // refuse __schema and __type, which gqlgen would fail as an internal error
	schema          pricedSchema
	admission       *admission
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*queryLimits)(nil)

func (*queryLimits) ExtensionName() string { return "QueryLimits" }

func (q *queryLimits) Validate(es graphql.ExecutableSchema) error {
	q.schema = newPricedSchema(es)
	return nil
}

// pricedSchema is the executable schema as gqlgen's complexity walk sees
// it: it asks the generated Complexity only about fields that some type
// prices (graph.Complexity), and answers for every other field at once
// that it keeps the default price. The walk asks about every field it
// meets, an interface's field once for each implementing type (eleven for
// an entity's id), and the generated code allocates an execution context
// for each question: that was 8% of the server's time on a small answer
// (query D of bench-compare). The answers are the same.
type pricedSchema struct {
	graphql.ExecutableSchema
	priced map[string]bool // field names some type prices
}

// newPricedSchema learns which fields es prices by asking it about every
// field of every type once, with no arguments: a pricing function takes
// absent arguments as their defaults, and any other field answers that it
// has no price of its own.
func newPricedSchema(es graphql.ExecutableSchema) pricedSchema {
	p := pricedSchema{ExecutableSchema: es, priced: map[string]bool{}}
	for _, t := range es.Schema().Types {
		for _, f := range t.Fields {
			if _, ok := es.Complexity(context.Background(), t.Name, f.Name, 1, map[string]any{}); ok {
				p.priced[f.Name] = true
			}
		}
	}
	return p
}

// Complexity implements graphql.ExecutableSchema.
func (p pricedSchema) Complexity(ctx context.Context, typeName, field string, child int, args map[string]any) (int, bool) {
	if !p.priced[field] {
		return 0, false
	}
	return p.ExecutableSchema.Complexity(ctx, typeName, field, child, args)
}

// MutateOperationContext measures the operation and refuses it when it is
// past a limit, or when the request's deadline passed while it was parsed
// and validated. The measures expand fragments once each (memoized), so a
// document of fragments spreading fragments costs its size, not the size of
// its expansion; gqlgen's complexity walk, which expands every spread, runs
// only once the expansion is known to be small. An operation within the
// limits then waits for a slot in its lane (Admission).
func (q *queryLimits) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if err := contextError(ctx); err != nil {
		return err
	}
	op := opCtx.Operation
	if op == nil {
		return nil
	}
	m := measurer{vars: opCtx.Variables, memo: map[string]shape{}}
	s := m.selectionSet(op.SelectionSet)
	l := q.limits
	if q.noIntrospection && s.introspects {
		err := gqlerror.Errorf("introspection is disabled on this server: __schema and __type are not available")
		errcode.Set(err, errcode.ValidationFailed)
		return err
	}
	if err := l.refuse(s); err != nil {
		return err
	}
	if m.argErr != nil {
		return m.argErr
	}
	c := complexity.Calculate(ctx, q.schema, op, opCtx.Variables)
	if c > l.MaxComplexity {
		return limitError(CodeQueryTooComplex, l.MaxComplexity, c,
			"the operation's complexity is %d; the limit is %d (a list counts each item it may return: ask for fewer with first or limit, or select less)", c, l.MaxComplexity)
	}
	if op.Operation == ast.Subscription {
		// A subscription lives as long as its client listens: it would
		// hold a slot for hours. Its work is a small read when the graph
		// changes, which waits for nothing.
		return nil
	}
	if err := admit(ctx, q.admission.forCost(c)); err != nil {
		return &gqlerror.Error{Message: err.Error(), Err: err}
	}
	return nil
}

// refuse is the error for an operation of shape s past one of the limits,
// or nil.
func (l Limits) refuse(s shape) *gqlerror.Error {
	switch {
	case s.topFields > l.MaxRootFields:
		return limitError(CodeTooManyRootFields, l.MaxRootFields, s.topFields,
			"the operation asks for %d top-level fields; the limit is %d", s.topFields, l.MaxRootFields)
	case s.aliases > l.MaxAliases:
		return limitError(CodeTooManyAliases, l.MaxAliases, s.aliases,
			"the operation has %d aliased fields; the limit is %d", s.aliases, l.MaxAliases)
	case s.depth > l.MaxDepth:
		return limitError(CodeQueryTooDeep, l.MaxDepth, s.depth,
			"the operation nests fields %d deep; the limit is %d", s.depth, l.MaxDepth)
	case s.fields > l.MaxComplexity:
		return limitError(CodeQueryTooComplex, l.MaxComplexity, s.fields,
			"the operation expands to %d fields once its fragments are spread; the complexity limit is %d", s.fields, l.MaxComplexity)
	}
	return nil
}

func limitError(code string, limit, value int, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": code, "limit": limit, "value": value}
	return err
}

// shape is what the limits measure of a selection set.
type shape struct {
	depth       int  // deepest chain of fields, introspection not counted
	aliases     int  // aliased fields, fragments expanded
	fields      int  // fields, fragments expanded
	topFields   int  // fields at this level, fragments expanded
	introspects bool // selects __schema or __type
}

// measurer measures selection sets, each named fragment once, and checks
// the bounded arguments of their fields (graph.ArgumentBounds). Before
// validation, spreads are not yet linked to their fragments: fragments
// holds the document's, found by name.
type measurer struct {
	vars      map[string]any
	memo      map[string]shape
	fragments ast.FragmentDefinitionList
	argErr    *gqlerror.Error // the first argument past its maximum
}

// checkArguments records the first argument of f past its maximum as the
// BAD_USER_INPUT error the resolver would have returned, with the limit.
func (m *measurer) checkArguments(f *ast.Field) {
	if m.argErr != nil || f.Definition == nil || f.ObjectDefinition == nil {
		return
	}
	bounds := graph.ArgumentBounds(f.ObjectDefinition.Name, f.Name)
	if len(bounds) == 0 {
		return
	}
	args := f.ArgumentMap(m.vars)
	for _, b := range bounds {
		v, ok := intValue(args[b.Argument])
		if !ok || v <= int64(b.Max) {
			continue
		}
		value := int(v)
		var derr *domain.Error
		if !errors.As(domain.LimitExceeded(b.Argument, b.Min, b.Max, value), &derr) {
			return
		}
		m.argErr = &gqlerror.Error{
			Message:   derr.Message,
			Locations: []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}},
			Extensions: map[string]any{"code": graph.CodeBadUserInput, "reason": graph.ReasonLimitExceeded,
				"limit": b.Max, "value": value},
		}
		return
	}
}

// intValue reads an Int argument as gqlparser hands it over: int64 from a
// literal, json.Number or another number type from a variable.
func intValue(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case float64:
		return int64(min(max(n, math.MinInt64), math.MaxInt64)), true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

func (m *measurer) selectionSet(set ast.SelectionSet) shape {
	var out shape
	merge := func(s shape, depth, top int) {
		out.depth = max(out.depth, depth)
		out.aliases = satAdd(out.aliases, s.aliases)
		out.fields = satAdd(out.fields, s.fields)
		out.topFields = satAdd(out.topFields, top)
		out.introspects = out.introspects || s.introspects
	}
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			m.checkArguments(sel)
			child := m.selectionSet(sel.SelectionSet)
			self := shape{fields: satAdd(child.fields, 1), aliases: child.aliases, introspects: child.introspects}
			if sel.Alias != "" && sel.Alias != sel.Name {
				self.aliases = satAdd(self.aliases, 1)
			}
			depth := child.depth + 1
			if sel.Name == "__schema" || sel.Name == "__type" {
				// Not counted: the validator's introspection depth rule
				// bounds how its lists nest.
				depth, self.introspects = 0, true
			}
			merge(self, depth, 1)
		case *ast.InlineFragment:
			s := m.selectionSet(sel.SelectionSet)
			merge(s, s.depth, s.topFields)
		case *ast.FragmentSpread:
			s := m.fragment(sel)
			merge(s, s.depth, s.topFields)
		}
	}
	return out
}

func (m *measurer) fragment(spread *ast.FragmentSpread) shape {
	if s, ok := m.memo[spread.Name]; ok {
		return s
	}
	m.memo[spread.Name] = shape{} // validation refuses cycles; this ends one anyway
	var s shape
	def := spread.Definition
	if def == nil {
		def = m.fragments.ForName(spread.Name)
	}
	if def != nil {
		s = m.selectionSet(def.SelectionSet)
	}
	m.memo[spread.Name] = s
	return s
}

func satAdd(a, b int) int {
	if c := a + b; c >= a {
		return c
	}
	return int(^uint(0) >> 1)
}

// The extensions.reason of a request refused for its method.
const ReasonMethodNotAllowed = "METHOD_NOT_ALLOWED"

// checkRequest refuses, as GraphQL errors with a code, what is wrong with a
// /graphql request before gqlgen reads it: a method other than GET, POST
// and OPTIONS (405); for a GET, a URL longer than max bytes (414), a
// parameter given twice, variables or extensions that are not a JSON
// object, and no query at all (400); for a POST, the checks of checkBody.
func checkRequest(max int64, next http.Handler) http.Handler {
	post := checkBody(max, next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			post.ServeHTTP(w, r)
		case http.MethodGet:
			if isWebsocket(r) {
				// A WebSocket's operations come over the connection.
				next.ServeHTTP(w, r)
				return
			}
			if ok := checkGet(w, r, max); ok {
				next.ServeHTTP(w, r)
			}
		case http.MethodOptions:
			next.ServeHTTP(w, r)
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeRequestError(w, r, http.StatusMethodNotAllowed, graph.CodeBadUserInput, map[string]any{"reason": ReasonMethodNotAllowed},
				fmt.Sprintf("/graphql takes GET (queries) and POST, not %s", r.Method))
		}
	})
}

// checkGet answers a GET to /graphql that cannot be a GraphQL request, and
// reports whether it may go on.
func checkGet(w http.ResponseWriter, r *http.Request, max int64) bool {
	if n := int64(len(r.URL.RawQuery)); n > max {
		writeRequestError(w, r, http.StatusRequestURITooLong, CodeRequestTooLarge, map[string]any{"limit": max, "value": n},
			fmt.Sprintf("the query string is %d bytes; the limit is %d: send a long query as a POST", n, max))
		return false
	}
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeRequestError(w, r, http.StatusBadRequest, graph.CodeBadUserInput, nil, "the query string does not parse: "+err.Error())
		return false
	}
	for key, values := range params {
		if len(values) > 1 {
			writeRequestError(w, r, http.StatusBadRequest, graph.CodeBadUserInput, nil,
				fmt.Sprintf("the parameter %q is given %d times; give it once", key, len(values)))
			return false
		}
	}
	for _, key := range []string{"variables", "extensions"} {
		if v := params.Get(key); v != "" && !jsonObject(v) {
			writeRequestError(w, r, http.StatusBadRequest, graph.CodeBadUserInput, nil,
				fmt.Sprintf("%s must be a JSON object, like %s={\"id\": \"mali\"}", key, key))
			return false
		}
	}
	if params.Get("query") == "" && params.Get("extensions") == "" {
		writeRequestError(w, r, http.StatusBadRequest, graph.CodeBadUserInput, nil, hintNoQuery)
		return false
	}
	return true
}

// jsonObject reports whether s is one JSON object (null counts as none).
func jsonObject(s string) bool {
	var v map[string]any
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return false
	}
	_, err := dec.Token()
	return err == io.EOF
}

// checkBody refuses a POST body over max bytes with 413, a JSON array
// (a batch of operations, which this server does not take) and a body of
// another media type with 400, each as a GraphQL error with a code.
func checkBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			writeRequestError(w, r, http.StatusUnsupportedMediaType, graph.CodeBadUserInput, nil,
				fmt.Sprintf("a POST to /graphql takes Content-Type: application/json, got %q", r.Header.Get("Content-Type")))
			return
		}
		if r.ContentLength > max {
			writeRequestError(w, r, http.StatusRequestEntityTooLarge, CodeRequestTooLarge,
				map[string]any{"limit": max, "value": r.ContentLength},
				fmt.Sprintf("the request body is %d bytes; the limit is %d", r.ContentLength, max))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			writeRequestError(w, r, http.StatusRequestEntityTooLarge, CodeRequestTooLarge, map[string]any{"limit": max},
				fmt.Sprintf("the request body is over the limit of %d bytes", max))
			return
		case err != nil:
			writeRequestError(w, r, http.StatusBadRequest, graph.CodeBadUserInput, nil, "the request body could not be read: "+err.Error())
			return
		}
		if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
			writeRequestError(w, r, http.StatusBadRequest, graph.CodeBadUserInput, map[string]any{"reason": ReasonBatchUnsupported},
				"batched requests (a JSON array of operations) are not supported: send one operation per request")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// writeRequestError answers a request refused before GraphQL reads it, in
// GraphQL's error shape.
func writeRequestError(w http.ResponseWriter, r *http.Request, status int, code string, ext map[string]any, msg string) {
	setOutcome(r.Context(), code)
	if ext == nil {
		ext = map[string]any{}
	}
	ext["code"] = code
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{"message": msg, "extensions": ext}}})
}

// withDeadline gives each request the deadline every store call then
// inherits.
func withDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// tokenLimitError rewrites the parser's "exceeded token limit" error into a
// QUERY_TOO_LARGE refusal that says how many tokens the document has.
func tokenLimitError(err *gqlerror.Error, query string, limit int) {
	if code, _ := err.Extensions["code"].(string); code != errcode.ParseFailed || !strings.HasPrefix(err.Message, "exceeded token limit") {
		return
	}
	n, complete := countTokens(query)
	more := ""
	if !complete {
		more = "more than "
	}
	err.Message = fmt.Sprintf("the query document has %s%d tokens; the limit is %d", more, n, limit)
	err.Extensions = map[string]any{"code": CodeQueryTooLarge, "limit": limit, "value": n}
}

// countTokens counts the tokens of a document, comments left out; complete
// is false when the lexer stopped on an error first.
func countTokens(query string) (n int, complete bool) {
	lex := lexer.New(&ast.Source{Input: query})
	for {
		tok, err := lex.ReadToken()
		switch {
		case err != nil:
			return n, false
		case tok.Kind == lexer.EOF:
			return n, true
		case tok.Kind != lexer.Comment:
			n++
		}
	}
}
