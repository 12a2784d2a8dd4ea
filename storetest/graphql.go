package storetest

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/seed"
	"github.com/conflictgraph/conflictgraph/server"
)

// entityFields selects everything an entity shows, every kind's own fields
// included.
const entityFields = `__typename id kind name aliases summary
  citations { quote source { id title publisher published url } }
  figures { measure value unit qualifier date citations { quote source { id } } }
  ... on Country { iso3 }
  ... on ArmedGroup { category started ended }
  ... on Person { role }
  ... on Organization { category started ended }
  ... on Mission { category started ended }
  ... on AidProgram { agency authority started ended }
  ... on Sanction { program authority date ended }
  ... on Coup { date place }
  ... on Event { category date place killed injured }
  ... on Agreement { date place }
  ... on Legislation { authority date }`

const relationshipFields = `id type validFrom validTo count description certainty
  amount { value currency qualifier fiscalYear }
  from { id name } to { id kind name }
  citations { quote source { id } }`

// contractQueries are the GraphQL contract's queries, asked of the seed
// graph. Paged ones are followed through every page.
var contractQueries = []struct {
	name, query string
	vars        map[string]any
	paged       string // "entities" or "relationships": follow endCursor
	userError   bool   // the query is refused, the same way everywhere
}{
	{name: "sources", query: `{ sources { id title publisher published url } }`},
	{name: "search", query: `query($t: String!, $k: [EntityKind!]) { search(text: $t, kinds: $k, first: 100) { ` + entityFields + ` } }`,
		vars: map[string]any{"t": "mali"}},
	{name: "search accents", query: `{ a: search(text: "goita") { id } b: search(text: "KEITA") { id } c: search(text: "union for") { id } d: search(text: "wagner") { id } e: search(text: "is") { id } }`},
	{name: "search codes and abbreviations", query: `{ a: search(text: "US") { id } b: search(text: "usa") { id } c: search(text: "U.S.") { id }
	  d: search(text: "MLI") { id } e: search(text: "ML") { id } f: search(text: "U.N.") { id } g: search(text: "un") { id }
	  h: search(text: "NE") { id } i: search(text: "u.s. department") { id } j: search(text: "ua", kinds: [COUNTRY]) { id } }`},
	{name: "search kinds", query: `{ search(text: "mali", kinds: [EVENT, COUP], first: 50) { id kind } }`},
	{name: "entity with everything", query: `{ entity(id: "mali") { ` + entityFields + ` relationships(first: 500) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ` + relationshipFields + ` } } } } }`},
	{name: "relationships filtered", query: `{
	  out: entity(id: "jnim") { relationships(direction: OUT, first: 500) { totalCount edges { node { id } } } }
	  in: entity(id: "jnim") { relationships(direction: IN, first: 500) { totalCount edges { node { id } } } }
	  typed: entity(id: "mali") { relationships(types: [FUNDED, WAIVED, DENIED, PROHIBITED], first: 500) { totalCount edges { node { ` + relationshipFields + ` } } } }
	  y2019: entity(id: "mali") { relationships(asOf: "2019", first: 500) { totalCount edges { node { id } } } }
	  y2022: entity(id: "mali") { relationships(asOf: "2022", first: 500) { totalCount edges { node { id } } } }
	  m202106: entity(id: "mali") { relationships(asOf: "2021-06", first: 500) { totalCount edges { node { id } } } }
	  d20211225: entity(id: "wagner-group") { relationships(asOf: "2021-12-25", first: 500) { totalCount edges { node { id } } } }
	}`},
	{name: "every entity, a page at a time", query: `query($after: String) { entities(first: 17, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ` + entityFields + ` } } } }`, paged: "entities"},
	{name: "armed groups", query: `query($after: String) { entities(kinds: [ARMED_GROUP, MISSION], first: 5, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`, paged: "entities"},
	{name: "relationships, a page at a time", query: `query($after: String) { entity(id: "mali") { relationships(first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ` + relationshipFields + ` } } } } }`, paged: "relationships"},
	{name: "nodes", query: `{ a: node(id: "wagner-group.deployed-to.mali.2021-12") { __typename id ... on Relationship { type from { id } } }
	  b: node(id: "crs-if10116-2024") { __typename id ... on Source { title } }
	  c: node(id: "jnim") { __typename id }
	  d: node(id: "no-such-thing") { id }
	  e: entity(id: "no-such-thing") { id } }`},
	{name: "user errors", query: `{ entities(first: 501) { totalCount } }`, userError: true},
	{name: "neighborhoods", query: `{
	  d1: neighborhood(id: "mali") { truncated nodes { id kind } relationships { id } }
	  d2: neighborhood(id: "wagner-group", depth: 2, limit: 40) { truncated nodes { id } relationships { id from { id } to { id } } }
	  d3: neighborhood(id: "jnim", depth: 3, direction: OUT, types: [FORMED_FROM, AFFILIATED_WITH, OPERATES_IN, MEMBER_OF]) { truncated nodes { id } relationships { id } }
	  y2019: neighborhood(id: "mali", asOf: "2019") { nodes { id } relationships { id } }
	  y2022: neighborhood(id: "mali", asOf: "2022") { nodes { id } relationships { id } }
	}`},
	{name: "paths", query: `{
	  wagner: paths(from: "wagner-group", to: "us-russia-related-sanctions-mali-2023", first: 10) { length nodes { id } relationships { ` + relationshipFields + ` } }
	  long: paths(from: "jnim", to: "united-states", maxLength: 5, first: 20) { length relationships { id } }
	  typed: paths(from: "wagner-group", to: "mali", types: [DEPLOYED_TO, SUPPORTS], first: 10) { length relationships { id } }
	  asOf: paths(from: "wagner-group", to: "mali", asOf: "2024", maxLength: 2, first: 10) { length relationships { id } }
	  none: paths(from: "wagner-group", to: "mali", types: [TRAINED], maxLength: 2) { length }
	}`},
	// Neo4j reads in brief what shows no more than ids, kinds, names and
	// ends (graph/brief.go): beside selections that show more, in one
	// request, every answer is the whole one's.
	{name: "brief reads beside whole ones", query: `fragment more on Entity { id ... on Country { iso3 } }
	fragment ends on Relationship { from { id kind } to { __typename id name } }
	{
	  brief: paths(from: "wagner-group", to: "us-russia-related-sanctions-mali-2023", first: 3) { length nodes { __typename id kind name } relationships { id type ...ends } }
	  nodes: paths(from: "wagner-group", to: "mali", maxLength: 2, first: 5) { nodes { id summary } relationships { id from { id } } }
	  ends: paths(from: "jnim", to: "mali", maxLength: 2, first: 5) { nodes { id } relationships { id type from { id aliases } to { ...more } } }
	  links: paths(from: "jnim", to: "mali", maxLength: 2, first: 5) { nodes { id name } relationships { ...ends validFrom citations { quote } } }
	  hood: neighborhood(id: "imet") { nodes { id kind name } relationships { id type ...ends } }
	  hoodEnds: neighborhood(id: "imet") { relationships { id from { id summary } to { id citations { quote } } } }
	  hoodLinks: neighborhood(id: "wagner-group", limit: 10) { nodes { ...more } relationships { id certainty from { id } } }
	  entity(id: "wagner-group") { relationships(first: 5) { edges { node { from { id summary } to { id name figures { value } } } } } }
	}`},
	{name: "timelines", query: `{
	  mali: timeline(entity: "mali", from: "2020", to: "2021") { date summary entity { id } relationship { id } citations { quote source { id } } }
	  wagner: timeline(entity: "wagner-group") { date summary }
	  kinds: timeline(entity: "jnim", kinds: [EVENT, COUP]) { date summary }
	}`},
	{name: "aid totals", query: `{
	  program: aidTotals(recipient: "mali") { program { id } donor { id } fiscalYear kind amount { value currency qualifier fiscalYear } relationships { id } }
	  all: aidTotals(recipient: "mali", groupBy: [PROGRAM, DONOR, FISCAL_YEAR]) { program { id } donor { id } fiscalYear kind amount { value currency qualifier fiscalYear } relationships { id } }
	  us: aidTotals(recipient: "mali", donor: "united-states", groupBy: [FISCAL_YEAR]) { fiscalYear kind amount { value qualifier } }
	  imet: aidTotals(recipient: "mali", programs: ["imet"], fiscalYears: [2021]) { kind amount { value qualifier fiscalYear } }
	}`},
}

// testGraphQLOnSeed asks every contract query of the seed graph through the
// real handler, of st and of the embedded reference store, and wants the
// same answers byte for byte. (The reference's own answers are pinned by
// the seed facts test in the server package.)
func testGraphQLOnSeed(t *testing.T, st domain.Store) {
	got, want := seedHandlers(t, st)
	for _, q := range contractQueries {
		t.Run(q.name, func(t *testing.T) {
			g, w := answers(t, got, q.query, q.vars, q.paged, q.userError), answers(t, want, q.query, q.vars, q.paged, q.userError)
			if len(g) != len(w) {
				t.Fatalf("%d pages, want %d", len(g), len(w))
			}
			for i := range g {
				if !bytes.Equal(g[i], w[i]) {
					t.Errorf("page %d differs from the embedded store's:\n got  %.3000s\n want %.3000s", i, g[i], w[i])
				}
			}
		})
	}
}

// exportTargets are the /export requests asked of the seed graph: the whole
// graph and neighbourhoods, amounts and sources included.
var exportTargets = []string{
	"/export?format=cytoscape",
	"/export?format=cytoscape&id=mali&depth=1",
	"/export?format=cytoscape&id=imet&depth=1",
	"/export?format=cytoscape&id=wagner-group&depth=2&limit=10",
}

// testExportOnSeed asks for the exports of the seed graph through the real
// handler, of st and of the embedded reference store, and wants the same
// bytes: the same nodes, edges, amounts (written the same exact way) and
// sources.
func testExportOnSeed(t *testing.T, st domain.Store) {
	got, want := seedHandlers(t, st)
	for _, target := range exportTargets {
		g, w := exportBytes(t, got, target), exportBytes(t, want, target)
		if !bytes.Equal(g, w) {
			t.Errorf("%s differs from the embedded store's:\n got  %.3000s\n want %.3000s", target, g, w)
		}
	}
}

// seedHandlers loads the seed graph into st and returns the API over st and
// over the embedded reference store holding the same graph.
func seedHandlers(t *testing.T, st domain.Store) (got, want http.Handler) {
	t.Helper()
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	MustLoad(t, st, s.Graph)
	return withReference(t, st, s.Graph)
}

// withReference returns the API over st and over an embedded reference
// store loaded with graphs, which st must hold too.
func withReference(t *testing.T, st domain.Store, graphs ...*domain.Graph) (got, want http.Handler) {
	t.Helper()
	ref := embedded.New()
	for _, g := range graphs {
		MustLoad(t, ref, g)
	}
	return newHandler(t, st), newHandler(t, ref)
}

func exportBytes(t *testing.T, h http.Handler, target string) []byte {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: status %d: %s", target, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

func newHandler(t *testing.T, st domain.Store) http.Handler {
	t.Helper()
	h, err := server.New(server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// answers returns the raw response of the query, one per page when paged.
func answers(t *testing.T, h http.Handler, query string, vars map[string]any, paged string, expectErrors bool) [][]byte {
	t.Helper()
	var out [][]byte
	v := map[string]any{}
	for k, x := range vars {
		v[k] = x
	}
	for page := 0; ; page++ {
		if page > 200 {
			t.Fatal("more than 200 pages: the cursor does not advance")
		}
		body, _ := json.Marshal(map[string]any{"query": query, "variables": v})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		out = append(out, rec.Body.Bytes())
		var errs struct {
			Errors []any `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &errs); err != nil {
			t.Fatal(err)
		}
		if len(errs.Errors) > 0 && !expectErrors {
			t.Fatalf("the query failed: %s", rec.Body)
		}
		if paged == "" {
			return out
		}
		var resp struct {
			Data map[string]json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatal(err)
		}
		conn := resp.Data[paged]
		if paged == "relationships" {
			var e struct {
				Relationships json.RawMessage `json:"relationships"`
			}
			if err := json.Unmarshal(resp.Data["entity"], &e); err != nil {
				t.Fatal(err)
			}
			conn = e.Relationships
		}
		var c struct {
			PageInfo struct {
				HasNextPage bool    `json:"hasNextPage"`
				EndCursor   *string `json:"endCursor"`
			} `json:"pageInfo"`
		}
		if err := json.Unmarshal(conn, &c); err != nil {
			t.Fatalf("page %d: %v: %s", page, err, rec.Body)
		}
		if !c.PageInfo.HasNextPage {
			return out
		}
		v["after"] = *c.PageInfo.EndCursor
	}
}
