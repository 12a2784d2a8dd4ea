package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/server"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// newAPI serves the fixture graph through the same handler chain as the
// command.
func newAPI(t *testing.T) http.Handler {
	t.Helper()
	st := embedded.New()
	storetest.MustLoad(t, st, storetest.Fixture())
	return mustHandler(t, server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

func mustHandler(t *testing.T, cfg server.Config) http.Handler {
	t.Helper()
	h, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	status int
}

// post sends a GraphQL request and decodes the response.
func post(t *testing.T, h http.Handler, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return do(t, h, req)
}

func do(t *testing.T, h http.Handler, req *http.Request) gqlResponse {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("response is not JSON (status %d): %v\n%s", rec.Code, err, rec.Body)
	}
	resp.status = rec.Code
	return resp
}

// data decodes a successful response's data into v.
func (r gqlResponse) decode(t *testing.T, v any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", r.Errors)
	}
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode data: %v\n%s", err, r.Data)
	}
}

// serverSideStatus is the HTTP status of an answer whose error is the
// server's or its store's, not the request's: every other code is below 500.
var serverSideStatus = map[string]int{"TIMEOUT": http.StatusGatewayTimeout, "UNAVAILABLE": http.StatusServiceUnavailable, "OVERLOADED": http.StatusServiceUnavailable}

// wantError asserts one error with the code and a message containing want,
// and the status that code calls for.
func (r gqlResponse) wantError(t *testing.T, code, want string) {
	t.Helper()
	if status, ok := serverSideStatus[code]; ok && r.status != status {
		t.Errorf("status %d, want %d for %s", r.status, status, code)
	} else if !ok && r.status >= 500 {
		t.Errorf("status %d, want below 500", r.status)
	}
	if len(r.Errors) == 0 {
		t.Fatalf("no error, want %s %q; data %s", code, want, r.Data)
	}
	e := r.Errors[0]
	if e.Extensions["code"] != code {
		t.Errorf("code = %v, want %s (message %q)", e.Extensions["code"], code, e.Message)
	}
	if !strings.Contains(e.Message, want) {
		t.Errorf("message %q does not say %q", e.Message, want)
	}
}

func TestSearch(t *testing.T) {
	h := newAPI(t)
	tests := []struct {
		query string
		vars  map[string]any
		want  []string
	}{
		{`{ search(text: "keita") { id } }`, nil, []string{"keita"}},
		{`{ search(text: "KÉÏTA") { id } }`, nil, []string{"keita"}},
		{`{ search(text: "front") { id } }`, nil, []string{"front", "union"}},
		{`query($k: [EntityKind!]) { search(text: "front", kinds: $k) { id } }`, map[string]any{"k": []string{"COUNTRY"}}, []string{}},
		{`{ search(text: "front", first: 1) { id } }`, nil, []string{"front"}},
		{`{ search(text: "東京") { id } }`, nil, []string{"東京-mission"}},
	}
	for _, tt := range tests {
		var got struct{ Search []struct{ ID string } }
		post(t, h, tt.query, tt.vars).decode(t, &got)
		ids := []string{}
		for _, e := range got.Search {
			ids = append(ids, e.ID)
		}
		if !slices.Equal(ids, tt.want) {
			t.Errorf("%s %v: got %q, want %q", tt.query, tt.vars, ids, tt.want)
		}
	}
}

func TestEntityWithCitedRelationships(t *testing.T) {
	h := newAPI(t)
	var got struct {
		Entity struct {
			Typename  string `json:"__typename"`
			ID, Name  string
			Kind      string
			Aliases   []string
			Category  string
			Started   string
			Ended     *string
			Citations []struct {
				Quote  string
				Source struct{ ID, Title, Publisher, Published string }
			}
			Relationships struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ID, Type, Certainty string
						From, To            struct{ ID, Typename string }
						ValidFrom           *string
						ValidTo             *string
						Description         *string
						Citations           []struct{ Quote string }
					}
				}
			}
		}
	}
	post(t, h, `{ entity(id: "front") { __typename id name kind aliases
		... on ArmedGroup { category started ended }
		citations { quote source { id title publisher published } }
		relationships(direction: OUT, types: [FIGHTS, ATTACKED]) { totalCount edges { node {
			id type certainty validFrom validTo description citations { quote }
			from { id } to { id } } } } } }`, nil).decode(t, &got)
	e := got.Entity
	if e.Typename != "ArmedGroup" || e.Name != "Liberation Front" || e.Kind != "ARMED_GROUP" || e.Category != "INSURGENT_GROUP" || e.Started != "2012-01" || e.Ended != nil {
		t.Errorf("entity = %+v", e)
	}
	if !slices.Equal(e.Aliases, []string{"LF", "Front de Libération"}) {
		t.Errorf("aliases = %q", e.Aliases)
	}
	if len(e.Citations) != 1 || e.Citations[0].Source.Title != "Document A" || e.Citations[0].Source.Published != "2020-01" {
		t.Errorf("citations = %+v", e.Citations)
	}
	if e.Relationships.TotalCount != 3 {
		t.Errorf("totalCount = %d, want 3 (two FIGHTS, one ATTACKED)", e.Relationships.TotalCount)
	}
	var ids []string
	for _, edge := range e.Relationships.Edges {
		n := edge.Node
		ids = append(ids, n.ID)
		if len(n.Citations) == 0 || n.From.ID != "front" {
			t.Errorf("relationship %+v", n)
		}
		if n.ID == "front.attacked.atlantis" && (n.Certainty != "CLAIMED" || *n.ValidFrom != "2021-12-25" || n.To.ID != "atlantis") {
			t.Errorf("attack = %+v", n)
		}
		if n.ID == "front.fights.front" && (n.Description == nil || n.Certainty != "REPORTED" || n.ValidTo != nil) {
			t.Errorf("self-loop = %+v", n)
		}
	}
	if !slices.Equal(ids, []string{"front.attacked.atlantis", "front.fights.atlantis", "front.fights.front"}) {
		t.Errorf("relationships = %q", ids)
	}
}

func TestKindSpecificFields(t *testing.T) {
	h := newAPI(t)
	var got struct {
		Ambush struct {
			Date, Place, Category string
			Killed, Injured       int
		}
		Atlantis struct {
			Iso3    string
			Summary *string
		}
		Program struct{ Agency string }
		Funding struct {
			Amount struct {
				Value      string
				Currency   string
				Qualifier  string
				FiscalYear int
			}
		}
		Mission struct {
			Relationships struct {
				Edges []struct{ Node struct{ Count int } }
			}
		}
	}
	post(t, h, `{
		ambush: entity(id: "ambush") { ... on Event { date place category killed injured } }
		atlantis: entity(id: "atlantis") { summary ... on Country { iso3 } }
		program: entity(id: "training-program") { ... on AidProgram { agency } }
		funding: node(id: "training-program.funded.atlantis.fy2019") { ... on Relationship { amount { value currency qualifier fiscalYear } } }
		mission: entity(id: "東京-mission") { relationships { edges { node { count } } } }
	}`, nil).decode(t, &got)
	if got.Ambush.Date != "2021-12-25" || got.Ambush.Killed != 12 || got.Ambush.Injured != 5 || got.Ambush.Place != "Border post" || got.Ambush.Category != "AMBUSH" {
		t.Errorf("ambush = %+v", got.Ambush)
	}
	if got.Atlantis.Iso3 != "XAT" || got.Atlantis.Summary != nil {
		t.Errorf("atlantis = %+v", got.Atlantis)
	}
	if got.Program.Agency != "Ministry of Training" {
		t.Errorf("program = %+v", got.Program)
	}
	if a := got.Funding.Amount; a.Value != "2300000.00" || a.Currency != "USD" || a.Qualifier != "AT_LEAST" || a.FiscalYear != 2019 {
		t.Errorf("amount = %+v", a)
	}
	if e := got.Mission.Relationships.Edges; len(e) != 1 || e[0].Node.Count != 12 {
		t.Errorf("mission relationships = %+v", e)
	}
}

func TestNode(t *testing.T) {
	h := newAPI(t)
	var got struct {
		E, R, S, Missing *struct {
			Typename string `json:"__typename"`
			ID       string
		}
	}
	post(t, h, `{
		e: node(id: "keita") { __typename id }
		r: node(id: "front.fights.front") { __typename id }
		s: node(id: "doc-b") { __typename id }
		missing: node(id: "nothing") { __typename id }
	}`, nil).decode(t, &got)
	if got.E == nil || got.E.Typename != "Person" || got.R == nil || got.R.Typename != "Relationship" ||
		got.S == nil || got.S.Typename != "Source" || got.Missing != nil {
		t.Errorf("nodes = %+v %+v %+v %+v", got.E, got.R, got.S, got.Missing)
	}
}

func TestUnknownEntityIsNullWithoutError(t *testing.T) {
	resp := post(t, newAPI(t), `{ entity(id: "atlantiss") { id } }`, nil)
	var got struct{ Entity *struct{ ID string } }
	resp.decode(t, &got)
	if got.Entity != nil {
		t.Errorf("entity = %+v, want null", got.Entity)
	}
}

func TestEntitiesPagesWithCursors(t *testing.T) {
	h := newAPI(t)
	type page struct {
		Entities struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage bool
				EndCursor   *string
			}
			Edges []struct {
				Cursor string
				Node   struct{ ID string }
			}
		}
	}
	var ids []string
	vars := map[string]any{"after": nil}
	for range 10 {
		var p page
		post(t, h, `query($after: String) { entities(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`, vars).decode(t, &p)
		if p.Entities.TotalCount != 11 {
			t.Errorf("totalCount = %d", p.Entities.TotalCount)
		}
		for _, e := range p.Entities.Edges {
			ids = append(ids, e.Node.ID)
		}
		if !p.Entities.PageInfo.HasNextPage {
			break
		}
		vars["after"] = *p.Entities.PageInfo.EndCursor
	}
	if len(ids) != 11 || !slices.IsSorted(ids) {
		t.Errorf("paged through %q", ids)
	}
	var people page
	post(t, h, `{ entities(kinds: [PERSON]) { totalCount edges { node { id } } } }`, nil).decode(t, &people)
	if people.Entities.TotalCount != 2 {
		t.Errorf("people = %+v", people)
	}
}

func TestRelationshipsPageWithCursors(t *testing.T) {
	h := newAPI(t)
	var ids []string
	vars := map[string]any{"after": nil}
	for range 10 {
		var p struct {
			Entity struct {
				Relationships struct {
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
					Edges []struct{ Node struct{ ID string } }
				}
			}
		}
		post(t, h, `query($after: String) { entity(id: "atlantis") { relationships(first: 3, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } } }`, vars).decode(t, &p)
		for _, e := range p.Entity.Relationships.Edges {
			ids = append(ids, e.Node.ID)
		}
		if !p.Entity.Relationships.PageInfo.HasNextPage {
			break
		}
		vars["after"] = p.Entity.Relationships.PageInfo.EndCursor
	}
	if len(ids) != 8 || !slices.IsSorted(ids) {
		t.Errorf("paged through %q", ids)
	}
}

func TestAsOf(t *testing.T) {
	h := newAPI(t)
	count := func(asOf string) int {
		var got struct {
			Entity struct{ Relationships struct{ TotalCount int } }
		}
		post(t, h, `query($d: PartialDate) { entity(id: "union") { relationships(asOf: $d) { totalCount } } }`, map[string]any{"d": asOf}).decode(t, &got)
		return got.Entity.Relationships.TotalCount
	}
	// lemuria.supports.union starts in 2021-12.
	for asOf, want := range map[string]int{"2021-06": 1, "2021": 2, "2022": 2, "2016": 0} {
		if got := count(asOf); got != want {
			t.Errorf("asOf %s: %d relationships, want %d", asOf, got, want)
		}
	}
}

func TestSources(t *testing.T) {
	var got struct {
		Sources []struct {
			ID, Title, Publisher string
			Published, URL       *string
		}
	}
	post(t, newAPI(t), `{ sources { id title publisher published url } }`, nil).decode(t, &got)
	if len(got.Sources) != 2 || got.Sources[0].ID != "doc-a" || *got.Sources[0].Published != "2020-01" || got.Sources[1].Published != nil ||
		got.Sources[0].URL == nil || *got.Sources[0].URL != "https://example.org/documents/a?lang=en&v=2" || got.Sources[1].URL != nil {
		t.Errorf("sources = %+v", got.Sources)
	}
}

func TestBadInputIsAUserError(t *testing.T) {
	h := newAPI(t)
	tests := []struct {
		name, query string
		vars        map[string]any
		want        string
	}{
		{"first below 0", `{ entities(first: -1) { totalCount } }`, nil, "first must be between 0 and 500, got -1"},
		{"first over the maximum", `{ entities(first: 501) { totalCount } }`, nil, "first must be between 0 and 500, got 501"},
		{"search first over the maximum", `{ search(text: "a", first: 101) { id } }`, nil, "first must be between 0 and 100, got 101"},
		{"relationships first", `{ entity(id: "union") { relationships(first: 1000) { totalCount } } }`, nil, "first must be between 0 and 500, got 1000"},
		{"empty search", `{ search(text: " ") { id } }`, nil, "search text is empty"},
		{"unknown cursor", `{ entities(after: "bm90IGEgY3Vyc29y") { totalCount } }`, nil, "is not a cursor of this list"},
		{"cursor of another list", `query($c: String) { entities(after: $c) { totalCount } }`, map[string]any{"c": "cmVsYXRpb25zaGlwOng"}, "is not a cursor of this list"},
		{"garbage cursor", `{ entities(after: "%%%") { totalCount } }`, nil, "is not a cursor of this list"},
		{"malformed date literal", `{ entity(id: "union") { relationships(asOf: "2021-13") { totalCount } } }`, nil, `malformed date "2021-13": month out of range`},
		{"malformed date variable", `query($d: PartialDate) { entity(id: "union") { relationships(asOf: $d) { totalCount } } }`, map[string]any{"d": "21/12/2021"}, `malformed date "21/12/2021"`},
		{"date of the wrong type", `query($d: PartialDate) { entity(id: "union") { relationships(asOf: $d) { totalCount } } }`, map[string]any{"d": 2021}, `a PartialDate is a string`},
		{"impossible day", `{ entity(id: "union") { relationships(asOf: "2021-02-30") { totalCount } } }`, nil, "day out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			post(t, h, tt.query, tt.vars).wantError(t, "BAD_USER_INPUT", tt.want)
		})
	}
}

func TestInvalidQueriesAreRefusedWithTheirCodes(t *testing.T) {
	h := newAPI(t)
	post(t, h, `{ entity(id: "x") { nope } }`, nil).wantError(t, "GRAPHQL_VALIDATION_FAILED", `Cannot query field "nope"`)
	post(t, h, `{ entity(id: "x") `, nil).wantError(t, "GRAPHQL_PARSE_FAILED", "Expected")
	post(t, h, `{ entities(kinds: [PLANET]) { totalCount } }`, nil).wantError(t, "GRAPHQL_VALIDATION_FAILED", "PLANET")
}

func TestMalformedBodyIs400(t *testing.T) {
	h := newAPI(t)
	for _, body := range []string{`{bad`, `[1,2]`, `{"query": 5}`, ``} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp := do(t, h, req)
		if resp.status != http.StatusBadRequest {
			t.Errorf("body %q: status %d, want 400", body, resp.status)
		}
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("body %q: errors %+v, want one BAD_USER_INPUT", body, resp.Errors)
		}
	}
}

func TestGETQuery(t *testing.T) {
	h := newAPI(t)
	q := url.Values{"query": {`query($id: ID!) { entity(id: $id) { name } }`}, "variables": {`{"id": "lemuria"}`}}
	resp := do(t, h, httptest.NewRequest(http.MethodGet, "/graphql?"+q.Encode(), nil))
	var got struct{ Entity struct{ Name string } }
	resp.decode(t, &got)
	if got.Entity.Name != "Lémuria" {
		t.Errorf("name = %q", got.Entity.Name)
	}
}

// TestSchemaEnumsMatchTheDomain keeps the GraphQL enums and the domain's lists
// in step, so no stored value can fail to serialize.
func TestSchemaEnumsMatchTheDomain(t *testing.T) {
	h := newAPI(t)
	enums := map[string][]string{}
	add := func(name string, values ...string) { enums[name] = values }
	strs := func(vs any) []string {
		var out []string
		b, _ := json.Marshal(vs)
		_ = json.Unmarshal(b, &out)
		return out
	}
	add("RelationType", strs(domain.RelationTypes)...)
	add("EntityKind", strs(domain.EntityKinds)...)
	add("Certainty", strs(domain.Certainties)...)
	add("Qualifier", strs(domain.Qualifiers)...)
	var categories []domain.Category
	for _, cs := range domain.KindCategories {
		categories = append(categories, cs...)
	}
	add("Category", strs(categories)...)
	for name, want := range enums {
		var got struct {
			Type struct{ EnumValues []struct{ Name string } } `json:"__type"`
		}
		post(t, h, `query($n: String!) { __type(name: $n) { enumValues { name } } }`, map[string]any{"n": name}).decode(t, &got)
		var names []string
		for _, v := range got.Type.EnumValues {
			names = append(names, v.Name)
		}
		slices.Sort(names)
		slices.Sort(want)
		if !slices.Equal(names, want) {
			t.Errorf("enum %s in schema.graphqls: %q\ndomain has: %q\n(edit schema.graphqls and run go generate ./...)", name, names, want)
		}
	}
}

// failingStore fails every read the way a broken backend would.
type failingStore struct {
	domain.Store
	err error
}

func (f failingStore) EntitiesByIDs(context.Context, []string) ([]*domain.Entity, error) {
	return nil, f.err
}

func (f failingStore) ReadEntity(context.Context, domain.EntityRead) (*domain.EntityView, error) {
	return nil, f.err
}

func TestStoreFailuresArePresentedWithoutInternals(t *testing.T) {
	var logs bytes.Buffer
	h := mustHandler(t, server.Config{
		Store:  failingStore{Store: embedded.New(), err: &domain.Error{Code: domain.CodeInternal, Message: "MATCH (n) secret cypher"}},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	resp := post(t, h, `{ entity(id: "x") { id } }`, nil)
	resp.wantError(t, "INTERNAL_SERVER_ERROR", "internal error; quote request id")
	if strings.Contains(resp.Errors[0].Message, "cypher") {
		t.Errorf("internal detail leaked: %q", resp.Errors[0].Message)
	}
	if !strings.Contains(logs.String(), "secret cypher") || !strings.Contains(logs.String(), "request_id=") {
		t.Errorf("internal error not logged with its request id:\n%s", logs.String())
	}

	h = mustHandler(t, server.Config{Store: failingStore{Store: embedded.New(), err: domain.ErrUnavailable}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	post(t, h, `{ entity(id: "x") { id } }`, nil).wantError(t, "UNAVAILABLE", "unavailable")

	h = mustHandler(t, server.Config{Store: failingStore{Store: embedded.New(), err: context.DeadlineExceeded}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	post(t, h, `{ entity(id: "x") { id } }`, nil).wantError(t, "TIMEOUT", "deadline")
}
