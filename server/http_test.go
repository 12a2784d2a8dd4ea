package server_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/server"
	"github.com/conflictgraph/conflictgraph/storetest"
)

func get(t *testing.T, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHealthAndPlayground(t *testing.T) {
	h := newAPI(t)
	if rec := get(t, h, "/healthz"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"ok"`) {
		t.Errorf("healthz: %d %s", rec.Code, rec.Body)
	}
	rec := get(t, h, "/")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "graphiql") || !strings.Contains(rec.Body.String(), "/graphql") {
		t.Errorf("playground: %d", rec.Code)
	}
	if rec := get(t, h, "/nothing-here"); rec.Code != http.StatusNotFound {
		t.Errorf("unknown path: %d", rec.Code)
	}
	if rec := get(t, h, "/healthz"); rec.Header().Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID on the response")
	}
	if rec := get(t, h, "/healthz", "X-Request-ID", "client-abc.1"); rec.Header().Get("X-Request-ID") != "client-abc.1" {
		t.Errorf("client request id not kept: %q", rec.Header().Get("X-Request-ID"))
	}
}

type cytoscape struct {
	Elements struct {
		Nodes []struct{ Data map[string]any }
		Edges []struct{ Data map[string]any }
	}
	Sources   []map[string]any
	Truncated bool
}

func exportOf(t *testing.T, h http.Handler, target string) cytoscape {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: status %d: %s", target, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
	var doc cytoscape
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestExportWholeGraph(t *testing.T) {
	doc := exportOf(t, newAPI(t), "/export?format=cytoscape")
	want := storetest.Fixture()
	if len(doc.Elements.Nodes) != len(want.Entities) || len(doc.Elements.Edges) != len(want.Relationships) {
		t.Fatalf("export has %d nodes and %d edges; the graph has %d and %d",
			len(doc.Elements.Nodes), len(doc.Elements.Edges), len(want.Entities), len(want.Relationships))
	}
	nodes := map[string]map[string]any{}
	for _, n := range doc.Elements.Nodes {
		nodes[n.Data["id"].(string)] = n.Data
	}
	ambush := nodes["ambush"]
	for key, value := range map[string]any{"kind": "EVENT", "name": "Border ambush", "date": "2021-12-25", "place": "Border post", "killed": 12.0, "injured": 5.0, "category": "AMBUSH"} {
		if ambush[key] != value {
			t.Errorf("ambush %s = %v, want %v", key, ambush[key], value)
		}
	}
	if _, ok := nodes["front"]["aliases"].([]any); !ok {
		t.Errorf("front has no aliases list: %v", nodes["front"])
	}
	if _, ok := nodes["hermit"]["aliases"].([]any); !ok {
		t.Errorf("an entity without aliases must still have an aliases list: %v", nodes["hermit"])
	}
	for _, e := range doc.Elements.Edges {
		d := e.Data
		if d["id"] == nil || d["source"] == nil || d["target"] == nil || d["type"] == nil || nodes[d["source"].(string)] == nil || nodes[d["target"].(string)] == nil {
			t.Errorf("edge %v lacks id, source, target or type, or points outside the nodes", d)
		}
		cites, _ := d["citations"].([]any)
		if len(cites) == 0 {
			t.Errorf("edge %v has no citations", d["id"])
		}
		for _, c := range cites {
			c := c.(map[string]any)
			if c["source"] == "" || c["quote"] == "" {
				t.Errorf("edge %v citation %v", d["id"], c)
			}
		}
		if d["id"] == "training-program.funded.atlantis.fy2019" {
			amount := d["amount"].(map[string]any)
			if amount["value"] != "2300000.00" || amount["qualifier"] != "AT_LEAST" || amount["fiscalYear"] != 2019.0 || amount["currency"] != "USD" {
				t.Errorf("amount = %v", amount)
			}
		}
	}
}

// TestExportListsTheCitedSources checks that an export carries the sources
// its citations name, with their addresses, and no others.
func TestExportListsTheCitedSources(t *testing.T) {
	h := newAPI(t)
	docA := map[string]any{"id": "doc-a", "title": "Document A", "publisher": "Publisher A", "published": "2020-01", "url": "https://example.org/documents/a?lang=en&v=2"}
	docB := map[string]any{"id": "doc-b", "title": "Document B", "publisher": "Publisher B"}
	tests := []struct {
		target string
		want   []map[string]any
	}{
		{"/export?format=cytoscape", []map[string]any{docA, docB}},
		// O'Brien's mediation is the only claim doc-b supports.
		{"/export?format=cytoscape&id=o-brien&depth=0", []map[string]any{docA}},
		{"/export?format=cytoscape&id=atlantis&depth=1", []map[string]any{docA, docB}},
	}
	for _, tt := range tests {
		doc := exportOf(t, h, tt.target)
		if !reflect.DeepEqual(doc.Sources, tt.want) {
			t.Errorf("%s: sources = %v, want %v", tt.target, doc.Sources, tt.want)
		}
	}
	// The file formats list them too: GraphML as a graph attribute, GEXF
	// in its description, CSV as sources.csv.
	for _, format := range []string{"graphml", "gexf", "csv"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export?format="+format+"&id=o-brien&depth=0", nil))
		body := rec.Body.String()
		if format == "csv" {
			z, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
			if err != nil {
				t.Fatal(err)
			}
			f, err := z.Open("sources.csv")
			if err != nil {
				t.Fatalf("csv: %v", err)
			}
			rows, err := csv.NewReader(f).ReadAll()
			f.Close()
			if err != nil || len(rows) != 2 || !slices.Equal(rows[1], []string{"doc-a", "Document A", "Publisher A", "2020-01", "https://example.org/documents/a?lang=en&v=2"}) {
				t.Errorf("csv: sources.csv = %q, %v", rows, err)
			}
			continue
		}
		if !strings.Contains(body, "Document A") || !strings.Contains(body, "example.org/documents/a") || strings.Contains(body, "Document B") {
			t.Errorf("%s: the export does not list exactly the cited source doc-a:\n%s", format, body)
		}
	}
}

func TestExportNeighbourhood(t *testing.T) {
	h := newAPI(t)
	doc := exportOf(t, h, "/export?format=cytoscape&id=union&depth=1")
	var ids []string
	for _, n := range doc.Elements.Nodes {
		ids = append(ids, n.Data["id"].(string))
	}
	if !slices.Equal(ids, []string{"front", "lemuria", "union"}) || len(doc.Elements.Edges) != 4 || doc.Truncated {
		t.Errorf("neighbourhood of union: nodes %q, %d edges, truncated %v", ids, len(doc.Elements.Edges), doc.Truncated)
	}
	doc = exportOf(t, h, "/export?id=union&depth=2&limit=2")
	if len(doc.Elements.Nodes) != 2 || !doc.Truncated {
		t.Errorf("limited: %d nodes, truncated %v", len(doc.Elements.Nodes), doc.Truncated)
	}
}

func TestExportRejectsBadParameters(t *testing.T) {
	h := newAPI(t)
	tests := []struct {
		target string
		status int
		code   string
		want   string
	}{
		{"/export?format=pdf", 400, "BAD_USER_INPUT", `format "pdf" is not supported`},
		{"/export?asOf=2022-13", 400, "BAD_USER_INPUT", `asOf: malformed date "2022-13"`},
		{"/export?format=gexf&types=FUNDED,LIKES", 400, "BAD_USER_INPUT", `unknown relationship type "LIKES"`},
		{"/export?format=csv&id=union&limit=6000", 400, "BAD_USER_INPUT", "limit must be between 0 and 5000, got 6000"},
		{"/export?id=union&depth=9", 400, "BAD_USER_INPUT", "depth must be between 0 and 3, got 9"},
		{"/export?id=union&depth=two", 400, "BAD_USER_INPUT", `depth must be a whole number, got "two"`},
		{"/export?depth=2", 400, "BAD_USER_INPUT", "give id too"},
		{"/export?id=atlantiss", 404, "NOT_FOUND", `no entity has id "atlantiss"`},
		{"/export?format=cytoscape&ids=union", 400, "BAD_USER_INPUT", `unknown parameter "ids"`},
		{"/export?id=union&id=front", 400, "BAD_USER_INPUT", `the parameter "id" is given 2 times; give it once`},
		{"/export?format=cytoscape&format=graphml", 400, "BAD_USER_INPUT", `the parameter "format" is given 2 times`},
	}
	for _, tt := range tests {
		rec := get(t, h, tt.target)
		var body struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s: %v: %s", tt.target, err, rec.Body)
		}
		if rec.Code != tt.status || body.Error.Code != tt.code || !strings.Contains(body.Error.Message, tt.want) {
			t.Errorf("%s: %d %+v, want %d %s %q", tt.target, rec.Code, body.Error, tt.status, tt.code, tt.want)
		}
	}
}

func TestCORS(t *testing.T) {
	h := newAPI(t)
	allowed := get(t, h, "/graphql?query={__typename}", "Origin", "http://localhost:5173")
	if got := allowed.Header().Get("Access-Control-Allow-Origin"); got != "http://localhost:5173" {
		t.Errorf("dev server origin: Access-Control-Allow-Origin = %q", got)
	}
	other := get(t, h, "/graphql?query={__typename}", "Origin", "https://elsewhere.example")
	if got := other.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("unlisted origin allowed: %q", got)
	}
	req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	req.Header.Set("Origin", "http://127.0.0.1:3000")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 300 || rec.Header().Get("Access-Control-Allow-Origin") != "http://127.0.0.1:3000" {
		t.Errorf("preflight: %d %v", rec.Code, rec.Header())
	}

	st := embedded.New()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	anyOrigin := mustHandler(t, server.Config{Store: st, Logger: quiet, CORSOrigins: []string{"*"}})
	if got := get(t, anyOrigin, "/healthz", "Origin", "https://elsewhere.example").Header().Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("with *: Access-Control-Allow-Origin = %q", got)
	}
	mine := mustHandler(t, server.Config{Store: st, Logger: quiet, CORSOrigins: []string{"https://viz.example.org"}})
	if got := get(t, mine, "/healthz", "Origin", "http://localhost:5173").Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("a configured list replaces the defaults, but localhost got %q", got)
	}
	for _, bad := range [][]string{{"localhost:5173"}, {"*", "http://a.example"}, {"http://a.example/path"}, {"ftp://a.example"}} {
		if _, err := server.New(server.Config{Store: st, CORSOrigins: bad}); err == nil {
			t.Errorf("origins %q accepted", bad)
		}
	}
}
