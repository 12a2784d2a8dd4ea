package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestJSONPostAnswers checks how a JSON POST is answered: the data as
// gqlgen wrote it, members in json.Marshal's order, and the status and
// media type GraphQL over HTTP asks for a request refused before it runs.
func TestJSONPostAnswers(t *testing.T) {
	h := newAPI(t)
	tests := []struct {
		name, body, accept string
		status             int
		media              string
		want               string // the whole body, if not empty
		prefix, contains   string
		code               string // of the first error
	}{
		{
			name: "data as written, & included", body: `{"query": "{ sources { id url } }"}`,
			status: 200, media: "application/json",
			want: `{"data":{"sources":[{"id":"doc-a","url":"https://example.org/documents/a?lang=en&v=2"},{"id":"doc-b","url":null}]}}`,
		},
		{
			name: "errors before data", body: `{"query": "{ neighborhood(id: \"no-such-entity\") { nodes { id } } }"}`,
			status: 200, media: "application/json", prefix: `{"errors":[{"message":`, contains: `}],"data":null}`, code: "NOT_FOUND",
		},
		{
			name: "body not JSON", body: `{"query": "{ sources { id } }"`,
			status: 400, media: "application/json", code: "BAD_USER_INPUT",
			want: `{"errors":[{"message":"json request body could not be decoded: unexpected EOF","extensions":{"code":"BAD_USER_INPUT"}}],"data":null}`,
		},
		{
			name: "a document that does not parse", body: `{"query": "{ sources { id }"}`,
			status: 422, media: "application/json", prefix: `{"errors":[`, code: "GRAPHQL_PARSE_FAILED",
		},
		{
			name: "the same, in graphql-response+json", body: `{"query": "{ sources { id }"}`, accept: "application/graphql-response+json",
			status: 400, media: "application/graphql-response+json", code: "GRAPHQL_PARSE_FAILED",
		},
		{
			name: "a field that does not exist", body: `{"query": "{ sources { nickname } }"}`, accept: "text/html, application/json;q=0.9",
			status: 422, media: "application/json", code: "GRAPHQL_VALIDATION_FAILED",
		},
		{
			name: "accepting anything", body: `{"query": "{ sources { id } }"}`, accept: "*/*",
			status: 200, media: "application/json", want: `{"data":{"sources":[{"id":"doc-a"},{"id":"doc-b"}]}}`,
		},
		{
			name: "accepting neither JSON type", body: `{"query": "{ sources { id } }"}`, accept: "text/html",
			status: 200, media: "application/graphql-response+json", want: `{"data":{"sources":[{"id":"doc-a"},{"id":"doc-b"}]}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			body := rec.Body.String()
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d: %s", rec.Code, tt.status, body)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.media {
				t.Errorf("Content-Type %q, want %q", got, tt.media)
			}
			if tt.want != "" && body != tt.want {
				t.Errorf("body\n%s\nwant\n%s", body, tt.want)
			}
			if !strings.HasPrefix(body, tt.prefix) || !strings.Contains(body, tt.contains) {
				t.Errorf("body %s\ndoes not start with %s and hold %s", body, tt.prefix, tt.contains)
			}
			var resp struct {
				Errors []struct {
					Extensions map[string]any `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("not JSON: %v: %s", err, body)
			}
			code := ""
			if len(resp.Errors) > 0 {
				code, _ = resp.Errors[0].Extensions["code"].(string)
			}
			if code != tt.code {
				t.Errorf("error code %q, want %q: %s", code, tt.code, body)
			}
		})
	}
}
