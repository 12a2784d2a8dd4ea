package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/server"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// hostileDocuments are query documents built to hurt a GraphQL server: deep
// nesting, alias and fragment bombs, fragment cycles, huge lists and
// strings, numbers out of range and bytes that are not UTF-8. Each must be
// refused or answered, never with a panic or a 5xx.
func hostileDocuments() []string {
	var fragments strings.Builder
	fragments.WriteString(`{ entity(id: "union") { ...F0 } }`)
	for i := range 40 {
		fmt.Fprintf(&fragments, " fragment F%d on Entity { ...F%d ...F%d }", i, i+1, i+1)
	}
	fragments.WriteString(" fragment F40 on Entity { id }")
	var aliases strings.Builder
	aliases.WriteString("{")
	for i := range 1200 {
		fmt.Fprintf(&aliases, " a%d: entity(id: \"union\") { id }", i)
	}
	aliases.WriteString(" }")
	kinds := "[" + strings.Repeat("COUNTRY, ", 4000) + "PERSON]"
	return []string{
		strings.Repeat("{", 12000) + strings.Repeat("}", 12000),
		"{ entity(id: \"union\") { " + strings.Repeat("relationships { edges { node { from { ", 60) + "id" + strings.Repeat(" } } } }", 60) + " } }",
		"{ __schema { types { " + strings.Repeat("fields { type { ", 30) + "name" + strings.Repeat(" } }", 30) + " } } }",
		`{ __type(name: "Country") { ` + strings.Repeat("ofType { ", 500) + "name" + strings.Repeat(" }", 500) + " } }",
		aliases.String(),
		"{" + strings.Repeat(" sources { id }", 2500) + " }",
		fragments.String(),
		`{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`,
		`{ ...A } fragment A on Query { sources { id } ...A }`,
		`{ search(text: "front", kinds: ` + kinds + `) { id } }`,
		`{ search(text: "` + strings.Repeat("á", 20000) + `") { id } }`,
		`{ entity(id: "union") { relationships(first: 99999999999999999999) { totalCount } } }`,
		`{ entities(first: -2147483649) { totalCount } }`,
		`{ entities(first: 1e400) { totalCount } }`,
		`{ neighborhood(id: "union", depth: 2147483647, limit: 2147483647) { truncated } }`,
		`{ paths(from: "union", to: "front", maxLength: -1, first: 2147483647) { length } }`,
		`{ entity(id: "union") { relationships(asOf: "99999-99-99") { totalCount } } }`,
		`{ entities(after: "` + strings.Repeat("%", 1000) + `") { totalCount } }`,
		"{ search(text: \"\xff\xfe\xfd\") { id } }",
		"\xff\xfe{ sources { id } }",
		"{ sources { id } }\x00",
		"query \xc3\x28 { sources { id } }",
		`{ sources ` + strings.Repeat(`@include(if: true) `, 1500) + `{ id } }`,
		`query Q(` + strings.Repeat(`$v: Int `, 2000) + `) { sources { id } }`,
		`mutation { sources { id } }`,
		`subscription { sources { id } }`,
		`{ timeline(entity: "atlantis", from: "2100", to: "1900") { date } }`,
		`{ aidTotals(recipient: "atlantis", fiscalYears: [-1, 99999999], groupBy: [PROGRAM, PROGRAM, DONOR]) { kind } }`,
		`{ node(id: "") { id } entity(id: "` + strings.Repeat("x", 20000) + `") { id } }`,
		"# " + strings.Repeat("comment ", 10000) + "\n{ sources { id } }",
		`query ` + strings.Repeat("N", 20000) + ` { sources { id } }`,
		"",
	}
}

// hostileVariables are variables of the same kind, as JSON.
func hostileVariables() []string {
	return []string{
		`{}`,
		`null`,
		`[]`,
		`"a string"`,
		`{"n": 1e400}`,
		`{"n": 99999999999999999999}`,
		`{"n": -1, "m": "x", "d": "2021-02-30"}`,
		`{"k": [` + strings.Repeat(`"COUNTRY",`, 20000) + `"PERSON"]}`,
		`{"a": ` + strings.Repeat("[", 11000) + strings.Repeat("]", 11000) + `}`,
		`{"t": "` + strings.Repeat(`\ud800`, 1000) + `"}`,
		"{\"t\": \"\xff\xfe\"}",
		`{"after": "ZW50aXR5Og"}`,
	}
}

// fuzzHandler is the API over the fixture graph, logging nowhere.
func fuzzHandler(f *testing.F) http.Handler {
	f.Helper()
	st := embedded.New()
	storetest.MustLoad(f, st, storetest.Fixture())
	h, err := server.New(server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		f.Fatal(err)
	}
	return h
}

// checkAnswer fails the fuzz input when the API panicked (a 500), answered
// with another 5xx, not in JSON, or with an internal error or a timeout.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("status %d: %.2000s", rec.Code, rec.Body)
	}
	var resp struct {
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("status %d, not JSON (%v): %.2000s", rec.Code, err, rec.Body)
	}
	if rec.Code >= 400 && len(resp.Errors) == 0 {
		t.Fatalf("status %d without an error: %.2000s", rec.Code, rec.Body)
	}
	for _, e := range resp.Errors {
		if code := e.Extensions["code"]; code == "INTERNAL_SERVER_ERROR" || code == "TIMEOUT" {
			t.Fatalf("status %d, %s: %s", rec.Code, code, e.Message)
		}
	}
}

// FuzzGraphQL sends query documents with variables to /graphql, by POST and
// by GET: whatever they are, the answer is JSON, below 500, and never an
// internal error.
func FuzzGraphQL(f *testing.F) {
	for _, q := range hostileDocuments() {
		f.Add(q, "{}", "", false)
	}
	for _, v := range hostileVariables() {
		f.Add(`query($n: Int, $m: Int, $k: [EntityKind!], $d: PartialDate, $t: String!, $after: String) {
			search(text: $t, kinds: $k, first: $n) { id relationships(first: $m, asOf: $d) { totalCount } }
			entities(first: $n, after: $after) { totalCount } }`, v, "", false)
	}
	f.Add(`query A { sources { id } } query B { entities { totalCount } }`, "{}", "B", false)
	f.Add(`query A { sources { id } } query B { entities { totalCount } }`, "{}", "", true)
	f.Add(`{ entity(id: "union") { name relationships(first: 2) { edges { node { type from { name } citations { quote source { title } } } } } } }`, "", "", true)
	f.Add(`{ paths(from: "union", to: "front", first: 3) { length nodes { name } } neighborhood(id: "union", depth: 2) { nodes { id } } }`, "", "", false)

	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, query, variables, operationName string, get bool) {
		var vars any = variables
		if json.Valid([]byte(variables)) {
			vars = json.RawMessage(variables)
		}
		var req *http.Request
		if get {
			v := url.Values{"query": {query}, "variables": {variables}, "operationName": {operationName}}
			req = httptest.NewRequest(http.MethodGet, "/graphql?"+v.Encode(), nil)
		} else {
			body, err := json.Marshal(map[string]any{"query": query, "variables": vars, "operationName": operationName})
			if err != nil {
				t.Skip() // not a body a client could send
			}
			req = httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkAnswer(t, rec)
	})
}

// FuzzRequestBody sends raw bytes as a JSON POST to /graphql: malformed
// JSON, batches, wrong types and persisted-query extensions included.
func FuzzRequestBody(f *testing.F) {
	for _, body := range []string{
		`{"query": "{ sources { id } }"}`,
		`[{"query": "{ sources { id } }"}]`,
		`[]`, `{}`, `null`, `""`, `0`, ``, `{bad`, "\xff\xfe",
		`{"query": 5}`, `{"query": null, "variables": []}`, `{"query": "{ sources { id } }", "variables": "x"}`,
		`{"query": "{ sources { id } }", "operationName": 7}`,
		`{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}`,
		`{"query": "{ sources { id } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0000"}}}`,
		`{"query": "{ sources { id } }", "extensions": {"persistedQuery": {"version": 2}}}`,
		`{"query": "{ sources { id } }"} {"query": "{ sources { id } }"}`,
		`{"query": "{ sources { id } }", "query": "{ entities { totalCount } }"}`,
		`{"query": "` + strings.Repeat(`\u0000`, 1000) + `"}`,
		`{"query": "{ sources { id } }", "variables": ` + strings.Repeat("[", 11000) + `}`,
	} {
		f.Add([]byte(body))
	}
	for _, q := range hostileDocuments()[:8] {
		b, _ := json.Marshal(map[string]string{"query": q})
		f.Add(b)
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkAnswer(t, rec)
		if !utf8.Valid(rec.Body.Bytes()) {
			t.Fatalf("the answer is not UTF-8: %q", rec.Body.Bytes())
		}
	})
}
