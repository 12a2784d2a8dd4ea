package server_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/server"
)

// TestMalformedRequestsAreAnsweredWithACode sends /graphql what is not a
// GraphQL request: each gets JSON with extensions.code, a status below 500
// and a message that says what to send instead.
func TestMalformedRequestsAreAnsweredWithACode(t *testing.T) {
	h := newAPI(t)
	long := url.Values{"query": {`{ entity(id: "` + strings.Repeat("x", server.DefaultMaxBodyBytes) + `") { id } }`}}.Encode()
	tests := []struct {
		name, method, target string
		status               int
		code, reason, want   string
	}{
		{"PUT", http.MethodPut, "/graphql", 405, "BAD_USER_INPUT", "METHOD_NOT_ALLOWED", "takes GET (queries) and POST, not PUT"},
		{"DELETE", http.MethodDelete, "/graphql?query={sources{id}}", 405, "BAD_USER_INPUT", "METHOD_NOT_ALLOWED", "not DELETE"},
		{"a GET without a query", http.MethodGet, "/graphql", 400, "BAD_USER_INPUT", "", "the request has no query: send"},
		{"a GET with an empty query", http.MethodGet, "/graphql?query=", 400, "BAD_USER_INPUT", "", "?query=..."},
		{"a repeated parameter", http.MethodGet, "/graphql?query={sources{id}}&query={entities{totalCount}}", 400, "BAD_USER_INPUT", "", `"query" is given 2 times`},
		{"undecodable variables", http.MethodGet, "/graphql?query={sources{id}}&variables={oops", 400, "BAD_USER_INPUT", "", "variables must be a JSON object"},
		{"variables that are not an object", http.MethodGet, "/graphql?query={sources{id}}&variables=[1]", 400, "BAD_USER_INPUT", "", "variables must be a JSON object"},
		{"undecodable extensions", http.MethodGet, "/graphql?query={sources{id}}&extensions=x", 400, "BAD_USER_INPUT", "", "extensions must be a JSON object"},
		{"a query string that does not parse", http.MethodGet, "/graphql?query=%zz", 400, "BAD_USER_INPUT", "", "does not parse"},
		{"a URL over the body limit", http.MethodGet, "/graphql?" + long, 414, "REQUEST_TOO_LARGE", "", "send a long query as a POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, h, httptest.NewRequest(tt.method, tt.target, nil))
			if resp.status != tt.status || len(resp.Errors) != 1 {
				t.Fatalf("status %d, errors %+v; want %d and one error", resp.status, resp.Errors, tt.status)
			}
			e := resp.Errors[0]
			if e.Extensions["code"] != tt.code || !strings.Contains(e.Message, tt.want) || (tt.reason != "" && e.Extensions["reason"] != tt.reason) {
				t.Errorf("%q %v, want %s %s %q", e.Message, e.Extensions, tt.code, tt.reason, tt.want)
			}
		})
	}
	if rec := httptest.NewRecorder(); true {
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPatch, "/graphql", nil))
		if got := rec.Header().Get("Allow"); got != "GET, POST, OPTIONS" {
			t.Errorf("Allow: %q", got)
		}
	}

	for _, tt := range []struct {
		name, query, operation, want string
	}{
		{"an anonymous operation beside a named one", `query A { sources { id } } { entities { totalCount } }`, "A",
			"This anonymous operation must be the only defined operation"},
		{"two named operations", `query A { sources { id } } query B { entities { totalCount } }`, "",
			`the document has 2 operations ("A", "B")`},
		{"an operation name not in the document", `query A { sources { id } } query B { entities { totalCount } }`, "C",
			`the document has no operation named "C"; it has "A", "B"`},
		{"fragments only", `fragment F on Query { sources { id } }`, "", "the document has no operation"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 { // refused, then refused again with the document cached
				body := queryBody(t, tt.query, nil)
				if tt.operation != "" {
					body = []byte(strings.Replace(string(body), `{"query"`, `{"operationName":"`+tt.operation+`","query"`, 1))
				}
				resp := postBody(t, h, strings.NewReader(string(body)))
				resp.wantError(t, "GRAPHQL_VALIDATION_FAILED", tt.want)
			}
		})
	}
	// The same document runs once it names its operation.
	body := `{"operationName": "B", "query": "query A { sources { id } } query B { entities { totalCount } }"}`
	var got map[string]any
	postBody(t, h, strings.NewReader(body)).decode(t, &got)
}

// TestAGETWithinTheLimitRuns is the other side of the URL limit.
func TestAGETWithinTheLimitRuns(t *testing.T) {
	q := url.Values{"query": {`query($id: ID!) { entity(id: $id) { name } }`}, "variables": {`{"id": "union"}`}}
	var got struct{ Entity struct{ Name string } }
	do(t, newAPI(t), httptest.NewRequest(http.MethodGet, "/graphql?"+q.Encode(), nil)).decode(t, &got)
	if got.Entity.Name != "Union for the Front" {
		t.Errorf("got %+v", got)
	}
}

func TestTheLogShowsABoundedOperationName(t *testing.T) {
	logs := &syncBuffer{}
	h := quietHandler(t, newCountingStore(t), server.Config{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	name := "Q" + strings.Repeat("x", 500_000)
	var got map[string]any
	post(t, h, "query "+name+" { sources { id } }", nil).decode(t, &got)
	line := logs.String()
	if len(line) > 2000 || !strings.Contains(line, "operation=\"Q"+strings.Repeat("x", 63)+"... (500001 bytes)\"") {
		t.Errorf("a %d-byte log line for a 500 KB operation name:\n%.500s", len(line), line)
	}
}

// causeStore fails like a store whose driver cannot connect, with the
// driver's words (an address and a port) as the cause.
type causeStore struct {
	domain.Store
}

var errDial = &domain.Error{Code: domain.CodeUnavailable, Message: "the graph store is unreachable; retry shortly",
	Err: errors.New("ConnectivityError: dial tcp 127.0.0.1:41479: connect: connection refused")}

func (causeStore) Snapshot(context.Context) (*domain.Graph, error) { return nil, errDial }

func (causeStore) Neighborhood(context.Context, domain.NeighborhoodQuery) (*domain.Subgraph, error) {
	return nil, errDial
}

func (causeStore) Search(context.Context, domain.SearchQuery) ([]*domain.Entity, error) {
	return nil, errDial
}

func TestAFailingStoreShowsNoCause(t *testing.T) {
	st := causeStore{Store: newCountingStore(t)}
	h := quietHandler(t, st, server.Config{Ready: func(context.Context) error { return errDial }})
	for _, target := range []string{"/readyz", "/export?format=cytoscape", "/export?id=union", "/graphql?query={search(text:\"x\"){id}}"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		body := rec.Body.String()
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(body, `"UNAVAILABLE"`) || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: %d %s, want 503 UNAVAILABLE with Retry-After", target, rec.Code, body)
		}
		for _, leak := range []string{"dial tcp", "127.0.0.1", "41479", "Connectivity"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s shows %q: %s", target, leak, body)
			}
		}
		if !strings.Contains(body, "unreachable; retry shortly") {
			t.Errorf("%s does not say what is wrong: %s", target, body)
		}
	}
}
