package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/server"
)

// postBody sends body as a POST to /graphql and decodes the GraphQL
// response.
func postBody(t *testing.T, h http.Handler, body io.Reader) gqlResponse {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", body)
	req.Header.Set("Content-Type", "application/json")
	return do(t, h, req)
}

// queryBody is the JSON body of a GraphQL request.
func queryBody(t *testing.T, query string, vars map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// nested is a query whose relationships nest n times below entity, one
// item per list so that only the depth is large: depth 4n + 1.
func nested(n int) string {
	q := "relationships(first: 1) { edges { node { id } } }"
	for i := 1; i < n; i++ {
		q = "relationships(first: 1) { edges { node { from { " + q + " } } } }"
	}
	return `{ entity(id: "union") { ` + q + ` } }`
}

// aliased is a query selecting id n times, under n aliases, on one entity.
func aliased(n int) string {
	var b strings.Builder
	b.WriteString(`{ entity(id: "union") {`)
	for i := range n {
		fmt.Fprintf(&b, " a%d: id", i)
	}
	b.WriteString(" } }")
	return b.String()
}

// rootFields is a query with n top-level fields and no alias.
func rootFields(n int) string {
	return "{" + strings.Repeat(" sources { id }", n) + " }"
}

// fanOut is a query whose fragments spread the next one twice, levels
// deep: a small document that expands to 2^levels fields.
func fanOut(levels int) string {
	var b strings.Builder
	b.WriteString(`{ entity(id: "union") { ...F0 } }`)
	for i := range levels {
		fmt.Fprintf(&b, " fragment F%d on Entity { ...F%d ...F%d }", i, i+1, i+1)
	}
	fmt.Fprintf(&b, " fragment F%d on Entity { id }", levels)
	return b.String()
}

// introspectionNesting nests the introspection list fields n deep.
func introspectionNesting(n int) string {
	q := "name"
	for range n {
		q = "fields { type { " + q + " } }"
	}
	return "{ __schema { types { " + q + " } } }"
}

func TestLimitsRefuseBeforeAnyStoreWork(t *testing.T) {
	big := `{ "query": "{ sources { id } }` + strings.Repeat(" ", 2000) + `" }`
	tests := []struct {
		name    string
		limits  server.Limits
		query   string
		vars    map[string]any
		body    []byte // instead of query and vars
		chunked bool   // send body without a Content-Length
		status  int
		code    string
		reason  string
		limit   int
		value   int // 0: no value to check
		message string
	}{
		{name: "depth", query: nested(3), status: 422, code: "QUERY_TOO_DEEP", limit: 12, value: 13,
			message: "the operation nests fields 13 deep; the limit is 12"},
		{name: "depth through fragments", limits: server.Limits{MaxDepth: 3},
			query:  `{ ...Q } fragment Q on Query { entity(id: "union") { ...R } } fragment R on Entity { relationships { edges { cursor } } }`,
			status: 422, code: "QUERY_TOO_DEEP", limit: 3, value: 4, message: "nests fields 4 deep; the limit is 3"},
		{name: "introspection nesting", query: introspectionNesting(3), status: 422, code: "GRAPHQL_VALIDATION_FAILED",
			message: "Maximum introspection depth exceeded"},
		{name: "complexity", query: `{ entities(first: 500) { edges { node { relationships(first: 500) { totalCount } } } } }`,
			status: 422, code: "QUERY_TOO_COMPLEX", limit: 50000, value: 500*(1+1+500*1+1) + 1,
			message: "the operation's complexity is 251501; the limit is 50000"},
		{name: "complexity from variables", query: `query($n: Int, $m: Int) { entities(first: $n) { edges { node { relationships(first: $m) { totalCount } } } } }`,
			vars: map[string]any{"n": 100, "m": 100}, limits: server.Limits{MaxComplexity: 10000},
			status: 422, code: "QUERY_TOO_COMPLEX", limit: 10000, value: 100*(1+1+100*1+1) + 1},
		{name: "complexity of a search", query: `{ search(text: "front", first: 100) { relationships(first: 100) { totalCount } } }`,
			limits: server.Limits{MaxComplexity: 1000}, status: 422, code: "QUERY_TOO_COMPLEX", limit: 1000, value: 100*(100*1+1) + 1},
		{name: "complexity of a neighbourhood", query: `{ neighborhood(id: "mali", depth: 2, limit: 100) { nodes { id } } }`,
			limits: server.Limits{MaxComplexity: 1000}, status: 422, code: "QUERY_TOO_COMPLEX", limit: 1000, value: 100*(1+1) + 1 + 250*4},
		{name: "complexity of paths", query: `{ paths(from: "mali", to: "jnim", maxLength: 3, first: 5) { length } }`,
			limits: server.Limits{MaxComplexity: 1000}, status: 422, code: "QUERY_TOO_COMPLEX", limit: 1000, value: 5*3*1 + 1 + 250*2*2},
		{name: "fragments spreading fragments", query: fanOut(19), status: 422, code: "QUERY_TOO_COMPLEX", limit: 50000, value: 1<<19 + 1,
			message: "the operation expands to 524289 fields once its fragments are spread"},
		{name: "aliases", query: aliased(31), status: 422, code: "TOO_MANY_ALIASES", limit: 30, value: 31,
			message: "the operation has 31 aliased fields; the limit is 30"},
		{name: "root fields", query: rootFields(21), status: 422, code: "TOO_MANY_ROOT_FIELDS", limit: 20, value: 21,
			message: "the operation asks for 21 top-level fields; the limit is 20"},
		{name: "tokens", limits: server.Limits{MaxTokens: 100}, query: aliased(200), status: 422, code: "QUERY_TOO_LARGE", limit: 100, value: 10 + 3*200,
			message: "the query document has 610 tokens; the limit is 100"},
		{name: "body size", limits: server.Limits{MaxBodyBytes: 1000}, body: []byte(big), status: 413, code: "REQUEST_TOO_LARGE", limit: 1000, value: len(big),
			message: fmt.Sprintf("the request body is %d bytes; the limit is 1000", len(big))},
		{name: "body size without a length", limits: server.Limits{MaxBodyBytes: 1000}, body: []byte(big), chunked: true, status: 413, code: "REQUEST_TOO_LARGE", limit: 1000,
			message: "the request body is over the limit of 1000 bytes"},
		{name: "batch", body: []byte(` [{"query": "{ sources { id } }"}, {"query": "{ sources { id } }"}]`), status: 400, code: "BAD_USER_INPUT", reason: "BATCHING_NOT_SUPPORTED",
			message: "batched requests (a JSON array of operations) are not supported: send one operation per request"},
		{name: "entities first", query: `{ entities(first: 501) { totalCount } }`, status: 200, code: "BAD_USER_INPUT", reason: "LIMIT_EXCEEDED", limit: 500, value: 501,
			message: "first must be between 0 and 500, got 501"},
		{name: "search first", query: `{ search(text: "front", first: 101) { id } }`, status: 200, code: "BAD_USER_INPUT", reason: "LIMIT_EXCEEDED", limit: 100, value: 101,
			message: "first must be between 0 and 100, got 101"},
		{name: "relationships first, nested", query: `{ entity(id: "union") { relationships(first: 100000) { totalCount } } }`, status: 200, code: "BAD_USER_INPUT", reason: "LIMIT_EXCEEDED", limit: 500, value: 100000,
			message: "first must be between 0 and 500, got 100000"},
		{name: "relationships first, in a fragment, from a variable", query: `query($n: Int) { entity(id: "union") { ...R } } fragment R on Country { relationships(first: $n) { totalCount } }`,
			vars: map[string]any{"n": 501}, status: 200, code: "BAD_USER_INPUT", reason: "LIMIT_EXCEEDED", limit: 500, value: 501},
		{name: "neighborhood depth", query: `{ neighborhood(id: "union", depth: 4) { truncated } }`, status: 200, code: "BAD_USER_INPUT", reason: "LIMIT_EXCEEDED", limit: 3, value: 4,
			message: "depth must be between 0 and 3, got 4"},
		{name: "neighborhood limit", query: `{ neighborhood(id: "union", limit: 5001) { truncated } }`, status: 200, code: "BAD_USER_INPUT", reason: "LIMIT_EXCEEDED", limit: 5000, value: 5001,
			message: "limit must be between 0 and 5000, got 5001"},
		{name: "paths maxLength", query: `{ paths(from: "union", to: "front", maxLength: 7) { length } }`, status: 200, code: "BAD_USER_INPUT", reason: "LIMIT_EXCEEDED", limit: 6, value: 7,
			message: "maxLength must be between 1 and 6, got 7"},
		{name: "paths first", query: `{ paths(from: "union", to: "front", first: 51) { length } }`, status: 200, code: "BAD_USER_INPUT", reason: "LIMIT_EXCEEDED", limit: 50, value: 51,
			message: "first must be between 0 and 50, got 51"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newCountingStore(t)
			h := mustHandler(t, server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Limits: tt.limits})
			body := tt.body
			if body == nil {
				body = queryBody(t, tt.query, tt.vars)
			}
			var r io.Reader = bytes.NewReader(body)
			if tt.chunked {
				r = io.MultiReader(r) // hides the length, as a chunked body does
			}
			resp := postBody(t, h, r)
			if resp.status != tt.status {
				t.Errorf("status %d, want %d", resp.status, tt.status)
			}
			if len(resp.Errors) != 1 {
				t.Fatalf("errors %+v, want one", resp.Errors)
			}
			e := resp.Errors[0]
			if e.Extensions["code"] != tt.code || !strings.Contains(e.Message, tt.message) {
				t.Errorf("error %q %v, want %s %q", e.Message, e.Extensions, tt.code, tt.message)
			}
			if tt.reason != "" && e.Extensions["reason"] != tt.reason {
				t.Errorf("reason %v, want %s", e.Extensions["reason"], tt.reason)
			}
			if tt.limit != 0 && e.Extensions["limit"] != float64(tt.limit) {
				t.Errorf("extensions.limit %v, want %d", e.Extensions["limit"], tt.limit)
			}
			if tt.value != 0 && e.Extensions["value"] != float64(tt.value) {
				t.Errorf("extensions.value %v, want %d", e.Extensions["value"], tt.value)
			}
			if n := st.calls.Load(); n != 0 {
				t.Errorf("%d store calls, want none", n)
			}
		})
	}
}

// graphiqlIntrospection is the introspection query GraphiQL sends (from
// graphql-js's getIntrospectionQuery, with every option on).
const graphiqlIntrospection = `query IntrospectionQuery {
  __schema {
    description
    queryType { name kind }
    mutationType { name kind }
    subscriptionType { name kind }
    types { ...FullType }
    directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL isOneOf
  fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue isDeprecated deprecationReason }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}`

func TestQueriesWithinTheLimitsRun(t *testing.T) {
	tests := []struct {
		name  string
		query string
	}{
		{"depth at the limit", nested(2) /* depth 9 */},
		{"aliases at the limit", aliased(30)},
		{"root fields at the limit", rootFields(20)},
		{"fragments that expand within the limit", fanOut(10)},
		{"GraphiQL's introspection", graphiqlIntrospection},
		{"introspection nesting at the limit", introspectionNesting(2)},
		{"the largest pages", `{ entities(first: 500) { totalCount edges { node { id name } } } search(text: "front", first: 100) { id } }`},
		{"a page of entities with their relationships", `{ entities(first: 50) { edges { node { id relationships { totalCount edges { node { id type from { id } to { id } } } } } } } }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, newAPI(t), tt.query, nil)
			if resp.status != http.StatusOK || len(resp.Errors) > 0 {
				t.Errorf("status %d, errors %+v", resp.status, resp.Errors)
			}
		})
	}
	h := mustHandler(t, server.Config{Store: newCountingStore(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Limits: server.Limits{MaxDepth: 13}})
	if resp := post(t, h, nested(3), nil); len(resp.Errors) > 0 {
		t.Errorf("depth 13 with a limit of 13: %+v", resp.Errors)
	}
}

func TestIntrospectionCanBeSwitchedOff(t *testing.T) {
	st := newCountingStore(t)
	h := mustHandler(t, server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DisableIntrospection: true})
	post(t, h, `{ __schema { types { name } } }`, nil).wantError(t, "GRAPHQL_VALIDATION_FAILED", "introspection is disabled")
	post(t, h, `{ ...T } fragment T on Query { __type(name: "Country") { name } }`, nil).wantError(t, "GRAPHQL_VALIDATION_FAILED", "introspection is disabled")
	if n := st.calls.Load(); n != 0 {
		t.Errorf("%d store calls for refused introspection", n)
	}
	var got struct{ Sources []struct{ ID string } }
	post(t, h, `{ sources { id } }`, nil).decode(t, &got)
	if len(got.Sources) == 0 {
		t.Error("queries stop working with introspection off")
	}
	var schema struct {
		Schema struct{ Types []struct{ Name string } } `json:"__schema"`
	}
	post(t, newAPI(t), `{ __schema { types { name } } }`, nil).decode(t, &schema)
	if len(schema.Schema.Types) == 0 {
		t.Error("introspection is off by default")
	}
}

func TestRequestsThatAreNotGraphQLAreRefusedWithACode(t *testing.T) {
	h := newAPI(t)
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`query { sources { id } }`))
	req.Header.Set("Content-Type", "text/plain")
	resp := do(t, h, req)
	if resp.status != http.StatusUnsupportedMediaType || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("text/plain body: %d %+v", resp.status, resp.Errors)
	}
	resp = postBody(t, h, strings.NewReader(`{"query": "{ sources { id } }", "variables": `+strings.Repeat("x", 5000)+`}`))
	if resp.status != http.StatusBadRequest || len(resp.Errors) != 1 || strings.Contains(resp.Errors[0].Message, "xxxx") {
		t.Errorf("undecodable body: %d %+v (the body must not be echoed back)", resp.status, resp.Errors)
	}
}
