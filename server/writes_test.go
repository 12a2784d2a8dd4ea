package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	coderws "github.com/coder/websocket"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/server"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// writeAPI is the fixture graph behind the handler, with one key of each
// role and a revoked one.
type writeAPI struct {
	h       http.Handler
	store   *embedded.Store
	keys    *embedded.Keys
	secrets map[string]string // by key name: reader, editor, admin, revoked
}

func newWriteAPI(t *testing.T, requireKeyForReads bool) *writeAPI {
	t.Helper()
	st := embedded.New()
	storetest.MustLoad(t, st, storetest.Fixture())
	keys := embedded.NewKeys()
	api := &writeAPI{store: st, keys: keys, secrets: map[string]string{}}
	for name, role := range map[string]domain.Role{"reader": domain.RoleReader, "editor": domain.RoleEditor, "admin": domain.RoleAdmin, "revoked": domain.RoleAdmin} {
		key, secret, err := domain.NewAPIKey(name, role, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := keys.AddKey(context.Background(), key); err != nil {
			t.Fatal(err)
		}
		api.secrets[name] = secret
	}
	if err := keys.RevokeKey(context.Background(), "revoked", time.Now()); err != nil {
		t.Fatal(err)
	}
	api.h = mustHandler(t, server.Config{Store: st, Keys: keys, RequireKeyForReads: requireKeyForReads,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return api
}

// as sends a GraphQL request with the Authorization header given ("" for
// none).
func (a *writeAPI) as(t *testing.T, authorization, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return do(t, a.h, req)
}

func (a *writeAPI) bearer(name string) string { return "Bearer " + a.secrets[name] }

func code(r gqlResponse) string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

const addClaim = `mutation($in: AddRelationshipInput!) { addRelationship(input: $in) { relationship { id type certainty from { id } to { id } citations { quote source { id } } } change { id revision actor reason } } }`

func claimInput() map[string]any {
	return map[string]any{"in": map[string]any{"type": "SUPPORTS", "from": "atlantis", "to": "front", "certainty": "ALLEGED",
		"citations": []any{map[string]any{"source": "doc-b", "quote": "Atlantis is said to arm the Front."}}, "reason": "a new report"}}
}

func TestWritesNeedAKeyWithTheRole(t *testing.T) {
	api := newWriteAPI(t, false)
	read := `{ entity(id: "front") { name } }`
	createKey := `mutation { createApiKey(input: {name: "carol", role: READER}) { apiKey { name role } secret } }`
	tests := []struct {
		name          string
		authorization string
		query         string
		vars          map[string]any
		status        int
		code          string // "" for success
	}{
		{"read without a key", "", read, nil, 200, ""},
		{"write without a key", "", addClaim, claimInput(), 200, "UNAUTHENTICATED"},
		{"unknown key", "Bearer cgk_not-a-key", read, nil, 401, "UNAUTHENTICATED"},
		{"unknown key, write", "Bearer cgk_not-a-key", addClaim, claimInput(), 401, "UNAUTHENTICATED"},
		{"not a bearer", "Basic dXNlcjpwYXNz", read, nil, 401, "UNAUTHENTICATED"},
		{"revoked key", api.bearer("revoked"), addClaim, claimInput(), 401, "UNAUTHENTICATED"},
		{"reader reads", api.bearer("reader"), read, nil, 200, ""},
		{"reader writes", api.bearer("reader"), addClaim, claimInput(), 200, "FORBIDDEN"},
		{"editor writes", api.bearer("editor"), addClaim, claimInput(), 200, ""},
		{"editor makes a key", api.bearer("editor"), createKey, nil, 200, "FORBIDDEN"},
		{"editor lists keys", api.bearer("editor"), `{ apiKeys { name } }`, nil, 200, "FORBIDDEN"},
		{"admin makes a key", api.bearer("admin"), createKey, nil, 200, ""},
		{"admin writes", api.bearer("admin"), addClaim, claimInput(), 200, ""},
		{"scheme in lower case", "bearer " + api.secrets["editor"], addClaim, claimInput(), 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := api.as(t, tt.authorization, tt.query, tt.vars)
			if resp.status != tt.status || code(resp) != tt.code {
				t.Fatalf("status %d, code %q; want %d, %q (%+v)", resp.status, code(resp), tt.status, tt.code, resp.Errors)
			}
			if tt.code != "" && !strings.Contains(resp.Errors[0].Message, "key") {
				t.Errorf("message %q does not say what to do about the key", resp.Errors[0].Message)
			}
		})
	}
	// The writes were recorded under the keys' names.
	page, err := api.store.Changes(context.Background(), domain.ChangeQuery{After: 1, First: 10})
	if err != nil {
		t.Fatal(err)
	}
	var actors []string
	for _, c := range page.Changes {
		actors = append(actors, c.Actor)
	}
	if strings.Join(actors, ",") != "editor,admin,editor" {
		t.Errorf("actors of the recorded changes = %v", actors)
	}
}

func TestRequireKeyForReads(t *testing.T) {
	api := newWriteAPI(t, true)
	if resp := api.as(t, "", `{ entity(id: "front") { name } }`, nil); resp.status != 401 || code(resp) != "UNAUTHENTICATED" {
		t.Errorf("read without a key: %d %+v", resp.status, resp.Errors)
	}
	if resp := api.as(t, api.bearer("reader"), `{ entity(id: "front") { name } }`, nil); resp.status != 200 || len(resp.Errors) > 0 {
		t.Errorf("read with a reader key: %d %+v", resp.status, resp.Errors)
	}
	rec := httptest.NewRecorder()
	api.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export?format=cytoscape", nil))
	if rec.Code != 401 || !strings.Contains(rec.Body.String(), `"code":"UNAUTHENTICATED"`) || rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("export without a key: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	api.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != 200 {
		t.Errorf("healthz needs no key, got %d", rec.Code)
	}
}

func TestBadWritesNameTheField(t *testing.T) {
	api := newWriteAPI(t, false)
	editor := api.bearer("editor")
	cite := []any{map[string]any{"source": "doc-a", "quote": "q"}}
	upsert := `mutation($in: UpsertEntityInput!) { upsertEntity(input: $in) { entity { id } } }`
	end := `mutation($in: EndRelationshipInput!) { endRelationship(input: $in) { relationship { id } } }`
	retract := `mutation($in: RetractRelationshipInput!) { retractRelationship(input: $in) { relationship { id } } }`
	source := `mutation($in: CreateSourceInput!) { createSource(input: $in) { source { id } } }`
	claim := func(change func(in map[string]any)) map[string]any {
		in := map[string]any{"type": "SUPPORTS", "from": "atlantis", "to": "front", "citations": cite}
		change(in)
		return map[string]any{"in": in}
	}
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		code  string
		field string
	}{
		{"no citation", addClaim, claim(func(in map[string]any) { in["citations"] = []any{} }), "BAD_USER_INPUT", "input.citations"},
		{"unknown source", addClaim, claim(func(in map[string]any) { in["citations"] = []any{map[string]any{"source": "nope", "quote": "q"}} }), "BAD_USER_INPUT", "input.citations[0].source"},
		{"empty quote", addClaim, claim(func(in map[string]any) { in["citations"] = []any{map[string]any{"source": "doc-a", "quote": " "}} }), "BAD_USER_INPUT", "input.citations[0].quote"},
		{"unknown entity", addClaim, claim(func(in map[string]any) { in["to"] = "ghost" }), "BAD_USER_INPUT", "input.to"},
		{"dates in the wrong order", addClaim, claim(func(in map[string]any) { in["validFrom"], in["validTo"] = "2021", "2019" }), "BAD_USER_INPUT", "input.validTo"},
		{"bad currency", addClaim, claim(func(in map[string]any) {
			in["type"], in["amount"] = "FUNDED", map[string]any{"value": 10, "currency": "dollars"}
		}), "BAD_USER_INPUT", "input.amount.currency"},
		{"negative amount", addClaim, claim(func(in map[string]any) {
			in["type"], in["amount"] = "FUNDED", map[string]any{"value": -10, "currency": "USD"}
		}), "BAD_USER_INPUT", "input.amount.value"},
		{"fiscal year out of range", addClaim, claim(func(in map[string]any) {
			in["type"], in["amount"] = "FUNDED", map[string]any{"value": 10, "currency": "USD", "fiscalYear": 19}
		}), "BAD_USER_INPUT", "input.amount.fiscalYear"},
		{"stale expected revision", addClaim, claim(func(in map[string]any) { in["expectedRevision"] = 0 }), "CONFLICT", ""},
		{"create without a kind", upsert, map[string]any{"in": map[string]any{"id": "newcomer", "name": "Newcomer", "citations": cite}}, "BAD_USER_INPUT", "input.kind"},
		{"category of another kind", upsert, map[string]any{"in": map[string]any{"id": "front", "category": "NGO", "citations": cite}}, "BAD_USER_INPUT", "input.category"},
		{"id that is not a slug", upsert, map[string]any{"in": map[string]any{"id": "New Comer", "kind": "COUNTRY", "name": "Newcomer", "citations": cite}}, "BAD_USER_INPUT", "input.id"},
		{"end an unknown relationship", end, map[string]any{"in": map[string]any{"id": "a.fights.b", "validTo": "2022", "citations": cite}}, "BAD_USER_INPUT", "input.id"},
		{"end before the start", end, map[string]any{"in": map[string]any{"id": "union.formed-from.front", "validTo": "2016", "citations": cite}}, "BAD_USER_INPUT", "input.validTo"},
		{"retract without a reason", retract, map[string]any{"in": map[string]any{"id": "front.fights.front", "reason": "", "citations": cite}}, "BAD_USER_INPUT", "input.reason"},
		{"source with a relative url", source, map[string]any{"in": map[string]any{"id": "doc-c", "title": "C", "publisher": "P", "url": "docs/c.pdf"}}, "BAD_USER_INPUT", "input.url"},
		{"source id taken", source, map[string]any{"in": map[string]any{"id": "doc-a", "title": "Another", "publisher": "P"}}, "CONFLICT", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := api.as(t, editor, tt.query, tt.vars)
			if code(resp) != tt.code {
				t.Fatalf("code %q, want %q: %+v", code(resp), tt.code, resp.Errors)
			}
			if field, _ := resp.Errors[0].Extensions["field"].(string); field != tt.field {
				t.Errorf("field %q, want %q: %s", field, tt.field, resp.Errors[0].Message)
			}
			if tt.field != "" && !strings.Contains(resp.Errors[0].Message, tt.field) {
				t.Errorf("message %q does not name %s", resp.Errors[0].Message, tt.field)
			}
		})
	}
	if rev, _ := api.store.Revision(context.Background()); rev != 1 {
		t.Errorf("refused writes moved the revision to %d", rev)
	}
	resp := api.as(t, editor, addClaim, claim(func(in map[string]any) { in["validFrom"] = "2021-13" }))
	if code(resp) != "BAD_USER_INPUT" || !strings.Contains(resp.Errors[0].Message, "validFrom") || !strings.Contains(resp.Errors[0].Message, "month out of range") {
		t.Errorf("a malformed date: %+v", resp.Errors)
	}
}

func TestACuratorsDay(t *testing.T) {
	api := newWriteAPI(t, false)
	editor := api.bearer("editor")
	var created struct {
		CreateSource struct {
			Source struct{ ID, Title string }
			Change struct {
				ID       string
				Revision int
				Actor    string
			}
		}
	}
	api.as(t, editor, `mutation { createSource(input: {id: "field-report", title: "Field report", publisher: "An NGO", published: "2024-03", url: "https://example.org/report"}) {
	  source { id title } change { id revision actor } } }`, nil).decode(t, &created)
	if created.CreateSource.Change.Revision != 2 || created.CreateSource.Change.ID != "change:2" || created.CreateSource.Change.Actor != "editor" {
		t.Fatalf("createSource = %+v", created)
	}
	cite := []any{map[string]any{"source": "field-report", "quote": "The Northern Brigade formed in 2023."}}
	var upserted struct {
		UpsertEntity struct {
			Entity struct {
				ID, Name string
				Aliases  []string
				Started  string
			}
			Change *struct{ Revision int }
		}
	}
	upsert := `mutation($in: UpsertEntityInput!) { upsertEntity(input: $in) { entity { id name aliases ... on ArmedGroup { started } } change { revision } } }`
	api.as(t, editor, upsert, map[string]any{"in": map[string]any{"id": "northern-brigade", "kind": "ARMED_GROUP", "name": "Northern Brigade", "started": "2023", "citations": cite}}).decode(t, &upserted)
	if upserted.UpsertEntity.Entity.Name != "Northern Brigade" || upserted.UpsertEntity.Change.Revision != 3 {
		t.Fatalf("upsertEntity = %+v", upserted)
	}
	api.as(t, editor, upsert, map[string]any{"in": map[string]any{"id": "northern-brigade", "aliases": []string{"NB"}, "citations": cite}}).decode(t, &upserted)
	if got := upserted.UpsertEntity.Entity; got.Started != "2023" || len(got.Aliases) != 1 || upserted.UpsertEntity.Change.Revision != 4 {
		t.Errorf("a patch kept or lost the wrong fields: %+v", upserted)
	}
	api.as(t, editor, upsert, map[string]any{"in": map[string]any{"id": "northern-brigade", "aliases": []string{"NB"}, "citations": cite}}).decode(t, &upserted)
	if upserted.UpsertEntity.Change != nil {
		t.Errorf("a patch that changes nothing recorded revision %d", upserted.UpsertEntity.Change.Revision)
	}
	upserted.UpsertEntity.Entity.Started = "" // null leaves a decoded field as it was
	api.as(t, editor, upsert, map[string]any{"in": map[string]any{"id": "northern-brigade", "started": nil, "citations": cite}}).decode(t, &upserted)
	if upserted.UpsertEntity.Entity.Started != "" || upserted.UpsertEntity.Change == nil {
		t.Errorf("started given as null was not cleared: %+v", upserted)
	}

	var added struct {
		AddRelationship struct {
			Relationship struct {
				ID        string
				Certainty string
			}
			Change struct{ Revision int }
		}
	}
	claim := func(certainty, quote string) map[string]any {
		return map[string]any{"in": map[string]any{"type": "FIGHTS", "from": "northern-brigade", "to": "front", "validFrom": "2023-05", "certainty": certainty,
			"citations": []any{map[string]any{"source": "field-report", "quote": quote}}}}
	}
	api.as(t, editor, addClaim, claim("STATED", "The Brigade fought the Front in May 2023.")).decode(t, &added)
	first := added.AddRelationship.Relationship.ID
	api.as(t, editor, addClaim, claim("REPORTED", "The Brigade reportedly fought the Front.")).decode(t, &added)
	second := added.AddRelationship.Relationship.ID
	if first != "northern-brigade.fights.front.2023-05" || second != "northern-brigade.fights.front.2023-05.r7" {
		t.Errorf("claim ids %q and %q", first, second)
	}
	var both struct {
		Entity struct {
			Relationships struct {
				TotalCount int
				Edges      []struct {
					Node struct{ ID, Certainty string }
				}
			}
		}
	}
	api.as(t, "", `{ entity(id: "northern-brigade") { relationships(types: [FIGHTS]) { totalCount edges { node { id certainty } } } } }`, nil).decode(t, &both)
	if both.Entity.Relationships.TotalCount != 2 {
		t.Errorf("the two claims are not side by side: %+v", both)
	}

	var ended struct {
		EndRelationship struct {
			Relationship struct{ ValidTo string }
		}
	}
	api.as(t, editor, `mutation { endRelationship(input: {id: "`+first+`", validTo: "2023-11", citations: [{source: "field-report", quote: "The fighting ended in November."}]}) { relationship { validTo } } }`, nil).decode(t, &ended)
	if ended.EndRelationship.Relationship.ValidTo != "2023-11" {
		t.Errorf("endRelationship = %+v", ended)
	}
	var retracted struct {
		RetractRelationship struct {
			Relationship struct {
				Retraction struct {
					Revision int
					Actor    string
					Reason   string
				}
			}
			Change struct{ Revision int }
		}
	}
	api.as(t, editor, `mutation { retractRelationship(input: {id: "`+second+`", reason: "the report was withdrawn", citations: [{source: "field-report", quote: "The Brigade reportedly fought the Front."}]}) {
	  relationship { retraction { revision actor reason } } change { revision } } }`, nil).decode(t, &retracted)
	if r := retracted.RetractRelationship; r.Relationship.Retraction.Actor != "editor" || r.Relationship.Retraction.Revision != r.Change.Revision || r.Change.Revision != 9 {
		t.Errorf("retractRelationship = %+v", retracted)
	}
	api.as(t, "", `{ entity(id: "northern-brigade") { relationships(types: [FIGHTS]) { totalCount edges { node { id certainty } } } } }`, nil).decode(t, &both)
	if both.Entity.Relationships.TotalCount != 1 || both.Entity.Relationships.Edges[0].Node.ID != first {
		t.Errorf("the retracted claim is still read: %+v", both)
	}
	var node struct {
		Node struct {
			ID         string
			Retraction struct{ Reason string }
		}
		Change struct {
			Revision      int
			Relationships []struct {
				Operation    string
				Relationship struct{ ID string }
				Before       struct{ Certainty string }
			}
		}
	}
	api.as(t, "", `{ node(id: "`+second+`") { id ... on Relationship { retraction { reason } } }
	  change: node(id: "change:9") { ... on Change { revision relationships { operation relationship { id } before { certainty } } } } }`, nil).decode(t, &node)
	if node.Node.Retraction.Reason != "the report was withdrawn" || node.Change.Revision != 9 || node.Change.Relationships[0].Operation != "RETRACTED" || node.Change.Relationships[0].Before.Certainty != "REPORTED" {
		t.Errorf("node(id) of the retracted claim and its change = %+v", node)
	}

	var feed struct {
		Changes struct {
			Revision int
			PageInfo struct {
				HasNextPage bool
				EndCursor   string
			}
			Edges []struct {
				Cursor string
				Node   struct {
					Revision int
					Actor    string
					Reason   *string
				}
			}
		}
	}
	api.as(t, "", `{ changes(first: 3) { revision pageInfo { hasNextPage endCursor } edges { cursor node { revision actor reason } } } }`, nil).decode(t, &feed)
	if feed.Changes.Revision != 9 || !feed.Changes.PageInfo.HasNextPage || len(feed.Changes.Edges) != 3 || feed.Changes.Edges[0].Node.Actor != "test" {
		t.Fatalf("first page of the feed = %+v", feed)
	}
	api.as(t, "", `query($after: String) { changes(after: $after) { revision pageInfo { hasNextPage endCursor } edges { cursor node { revision actor reason } } } }`,
		map[string]any{"after": feed.Changes.PageInfo.EndCursor}).decode(t, &feed)
	var revs []int
	for _, e := range feed.Changes.Edges {
		revs = append(revs, e.Node.Revision)
	}
	if len(revs) != 6 || revs[0] != 4 || revs[5] != 9 || feed.Changes.PageInfo.HasNextPage {
		t.Errorf("the rest of the feed = %v (hasNext %v)", revs, feed.Changes.PageInfo.HasNextPage)
	}
	var big struct {
		Node struct {
			EntityCount int
			Entities    []struct{ Entity struct{ ID string } }
		}
	}
	api.as(t, "", `{ node(id: "change:1") { ... on Change { entityCount entities(first: 2) { entity { id } } } } }`, nil).decode(t, &big)
	if big.Node.EntityCount != 11 || len(big.Node.Entities) != 2 || big.Node.Entities[0].Entity.ID != "atlantis" {
		t.Errorf("the fixture's change, two entities of it: %+v", big)
	}
	if resp := api.as(t, "", `{ node(id: "change:1") { ... on Change { entities(first: 10001) { operation } } } }`, nil); code(resp) != "BAD_USER_INPUT" {
		t.Errorf("first past the size of a change set: %+v", resp.Errors)
	}
	if resp := api.as(t, "", `{ changes(after: "bm90IGEgY3Vyc29y") { revision } }`, nil); code(resp) != "BAD_USER_INPUT" {
		t.Errorf("a cursor the API did not hand out: %+v", resp.Errors)
	}
}

func TestCORSAllowsTheAuthorizationHeader(t *testing.T) {
	api := newWriteAPI(t, false)
	req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	rec := httptest.NewRecorder()
	api.h.ServeHTTP(rec, req)
	if allowed := strings.ToLower(rec.Header().Get("Access-Control-Allow-Headers")); !strings.Contains(allowed, "authorization") {
		t.Errorf("preflight allows headers %q; want Authorization among them", allowed)
	}
}

// TestSubscriptionOverServerSentEvents follows the feed as a browser's
// EventSource-like client does and sees a write arrive.
func TestSubscriptionOverServerSentEvents(t *testing.T) {
	api := newWriteAPI(t, false)
	srv := httptest.NewServer(api.h)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// From the fixture's revision on, so the write below is sent whether it
	// lands before the subscription starts or after.
	body := `{"query": "subscription { changed(after: \"Y2hhbmdlOjE\") { revision actor relationships { operation relationship { id } } } }"}`
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("subscription answered %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	events := bufio.NewScanner(resp.Body)
	if r := api.as(t, api.bearer("editor"), addClaim, claimInput()); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	for events.Scan() {
		line := events.Text()
		if !strings.HasPrefix(line, "data:") {
			continue
		}
		var msg struct {
			Data struct {
				Changed struct {
					Revision      int
					Actor         string
					Relationships []struct{ Operation string }
				}
			}
		}
		if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data:")), &msg); err != nil {
			t.Fatalf("event %q: %v", line, err)
		}
		if c := msg.Data.Changed; c.Revision != 2 || c.Actor != "editor" || len(c.Relationships) != 1 || c.Relationships[0].Operation != "CREATED" {
			t.Errorf("event = %+v", c)
		}
		return
	}
	t.Fatalf("no event arrived: %v", events.Err())
}

// TestSubscriptionOverWebSocket replays the feed after a cursor and then
// follows it live, with the key given at connection_init, on a server that
// needs a key for reads.
func TestSubscriptionOverWebSocket(t *testing.T) {
	api := newWriteAPI(t, true)
	srv := httptest.NewServer(api.h)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dial := func(t *testing.T, key string) *coderws.Conn {
		t.Helper()
		conn, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			t.Fatal(err)
		}
		send(t, ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + key}})
		return conn
	}
	// A bad key is refused at connection_init.
	bad := dial(t, "cgk_nope")
	if msg, err := receive(ctx, bad); err == nil && msg["type"] == "connection_ack" {
		t.Error("a WebSocket with an unknown key was acknowledged")
	}
	conn := dial(t, api.secrets["reader"])
	defer conn.CloseNow()
	if msg, err := receive(ctx, conn); err != nil || msg["type"] != "connection_ack" {
		t.Fatalf("connection_init with a reader key: %v, %v", msg, err)
	}
	cursor := "Y2hhbmdlOjA" // base64url of "change:0": the whole history
	send(t, ctx, conn, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": `subscription($after: String) { changed(after: $after) { revision actor } }`, "variables": map[string]any{"after": cursor}}})
	got := func() (int, string) {
		t.Helper()
		for {
			msg, err := receive(ctx, conn)
			if err != nil {
				t.Fatal(err)
			}
			if msg["type"] == "next" {
				c := msg["payload"].(map[string]any)["data"].(map[string]any)["changed"].(map[string]any)
				return int(c["revision"].(float64)), c["actor"].(string)
			}
			if msg["type"] == "error" {
				t.Fatalf("subscription error: %v", msg)
			}
		}
	}
	if rev, actor := got(); rev != 1 || actor != "test" {
		t.Errorf("replayed change = %d by %s, want 1 by test", rev, actor)
	}
	if r := api.as(t, api.bearer("editor"), addClaim, claimInput()); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if rev, actor := got(); rev != 2 || actor != "editor" {
		t.Errorf("live change = %d by %s, want 2 by editor", rev, actor)
	}
}

func send(t *testing.T, ctx context.Context, conn *coderws.Conn, msg map[string]any) {
	t.Helper()
	b, _ := json.Marshal(msg)
	if err := conn.Write(ctx, coderws.MessageText, b); err != nil {
		t.Fatal(err)
	}
}

func receive(ctx context.Context, conn *coderws.Conn) (map[string]any, error) {
	_, b, err := conn.Read(ctx)
	if err != nil {
		return nil, err
	}
	var msg map[string]any
	return msg, json.Unmarshal(b, &msg)
}

// TestASubscriptionTakesNoAdmissionSlot holds a subscription open on a
// server whose cheap lane has one slot: queries still run beside it, and
// closing it ends its stream on the server.
func TestASubscriptionTakesNoAdmissionSlot(t *testing.T) {
	st := embedded.New()
	storetest.MustLoad(t, st, storetest.Fixture())
	h := mustHandler(t, server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Admission: server.Admission{CheapConcurrency: 1, HeavyConcurrency: 1}})
	srv := httptest.NewServer(h)
	defer srv.Close() // blocks while a stream the client left still runs
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/graphql",
		strings.NewReader(`{"query": "subscription { changed(after: \"Y2hhbmdlOjA\") { revision } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	events := bufio.NewScanner(resp.Body)
	for events.Scan() && !strings.HasPrefix(events.Text(), "data:") {
	}
	// The stream has sent revision 1: the subscription runs.
	for range 3 {
		r, err := http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(`{"query": "{ entity(id: \"front\") { name } }"}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 || !strings.Contains(string(body), "Liberation Front") {
			t.Fatalf("a query beside the subscription: %d %s", r.StatusCode, body)
		}
	}
	resp.Body.Close()
}
