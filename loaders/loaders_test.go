package loaders_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/loaders"
	"github.com/conflictgraph/conflictgraph/server"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// countingStore counts the store calls a request makes, by method.
type countingStore struct {
	domain.Store
	mu    sync.Mutex
	calls map[string]int
	keys  map[string]int
}

func (c *countingStore) count(method string, keys int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[method]++
	c.keys[method] += keys
}

func (c *countingStore) EntitiesByIDs(ctx context.Context, ids []string) ([]*domain.Entity, error) {
	c.count("EntitiesByIDs", len(ids))
	return c.Store.EntitiesByIDs(ctx, ids)
}

func (c *countingStore) SourcesByIDs(ctx context.Context, ids []string) ([]*domain.Source, error) {
	c.count("SourcesByIDs", len(ids))
	return c.Store.SourcesByIDs(ctx, ids)
}

func (c *countingStore) RelationshipsOf(ctx context.Context, ids []string, f domain.RelationshipFilter) ([]*domain.RelationshipPage, error) {
	c.count("RelationshipsOf", len(ids))
	return c.Store.RelationshipsOf(ctx, ids, f)
}

func (c *countingStore) Entities(ctx context.Context, f domain.EntityFilter) (*domain.EntityPage, error) {
	c.count("Entities", 1)
	return c.Store.Entities(ctx, f)
}

// ring is n countries, each linked to the next three by FIGHTS and cited
// from one of two sources.
func ring(n int) *domain.Graph {
	g := &domain.Graph{Sources: []*domain.Source{{ID: "s0", Title: "S0", Publisher: "P"}, {ID: "s1", Title: "S1", Publisher: "P"}}}
	id := func(i int) string { return fmt.Sprintf("c%03d", i%n) }
	for i := range n {
		g.Entities = append(g.Entities, &domain.Entity{ID: id(i), Kind: domain.KindCountry, Name: "Country " + id(i),
			Citations: []domain.Citation{{SourceID: fmt.Sprintf("s%d", i%2), Quote: "q"}}})
		for step := 1; step <= 3; step++ {
			g.Relationships = append(g.Relationships, &domain.Relationship{ID: fmt.Sprintf("%s.fights.%s", id(i), id(i+step)),
				Type: domain.RelFights, FromID: id(i), ToID: id(i + step), Certainty: domain.CertaintyStated,
				Citations: []domain.Citation{{SourceID: fmt.Sprintf("s%d", step%2), Quote: "q"}}})
		}
	}
	return g
}

// TestStoreRoundTripsAreBoundedByDepth resolves 50 entities, their
// relationships, both endpoints of each, the endpoints' own relationships and
// every citation's source: hundreds of fields, a handful of store calls.
func TestStoreRoundTripsAreBoundedByDepth(t *testing.T) {
	mem := embedded.New()
	storetest.MustLoad(t, mem, ring(50))
	st := &countingStore{Store: mem, calls: map[string]int{}, keys: map[string]int{}}
	h, err := server.New(server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		// A generous wait keeps the test about batching, not scheduling:
		// under -race, with Neo4j and other packages busy on two cores, the
		// goroutines of one level can take tens of milliseconds to arrive,
		// and a stall of the loaded machine longer still. A second leaves a
		// wide margin for about three seconds of test time.
		Loaders: loaders.Options{Wait: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	query := `{ entities(first: 50) { edges { node { id citations { source { title } }
		relationships { edges { node { citations { source { title } }
			from { name } to { name relationships(first: 2) { totalCount } } } } } } } } }`
	body, _ := json.Marshal(map[string]string{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp struct {
		Data struct {
			Entities struct {
				Edges []struct {
					Node struct {
						Relationships struct {
							Edges []struct {
								Node struct {
									To struct{ Relationships struct{ TotalCount int } }
								}
							}
						}
					}
				}
			}
		}
		Errors []any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Errors) > 0 {
		t.Fatalf("query failed: %v %s", err, rec.Body)
	}
	edges := 0
	for _, e := range resp.Data.Entities.Edges {
		for _, r := range e.Node.Relationships.Edges {
			edges++
			if r.Node.To.Relationships.TotalCount != 6 {
				t.Errorf("an endpoint has %d relationships, want 6", r.Node.To.Relationships.TotalCount)
			}
		}
	}
	if len(resp.Data.Entities.Edges) != 50 || edges != 300 {
		t.Fatalf("resolved %d entities and %d relationships, want 50 and 300", len(resp.Data.Entities.Edges), edges)
	}
	// One call per level that reads each kind of thing: entities' own
	// relationships, then their endpoints, then the endpoints' relationships;
	// sources at two levels.
	limits := map[string]int{"Entities": 1, "RelationshipsOf": 2, "EntitiesByIDs": 1, "SourcesByIDs": 2}
	for method, limit := range limits {
		if st.calls[method] > limit {
			t.Errorf("%s called %d times (%d keys), want at most %d", method, st.calls[method], st.keys[method], limit)
		}
	}
	t.Logf("store calls: %v; keys: %v", st.calls, st.keys)
}

// TestBothEndsInOneFetch reads the change feed's relationships, whose ends
// no resolver above them has read: a relationship's from and to, resolved
// one after the other, are fetched in one batch (loaders.Entity's also),
// not one batch for the froms and one for the tos.
func TestBothEndsInOneFetch(t *testing.T) {
	// Ten links from a0..a9 to b0..b9: no entity is at both ends.
	g := &domain.Graph{Sources: []*domain.Source{{ID: "s", Title: "S", Publisher: "P"}}}
	cite := []domain.Citation{{SourceID: "s", Quote: "q"}}
	for i := range 10 {
		a, b := fmt.Sprintf("a%d", i), fmt.Sprintf("b%d", i)
		g.Entities = append(g.Entities, &domain.Entity{ID: a, Kind: domain.KindCountry, Name: "Country " + a, Citations: cite},
			&domain.Entity{ID: b, Kind: domain.KindCountry, Name: "Country " + b, Citations: cite})
		g.Relationships = append(g.Relationships, &domain.Relationship{ID: a + ".fights." + b, Type: domain.RelFights,
			FromID: a, ToID: b, Certainty: domain.CertaintyStated, Citations: cite})
	}
	mem := embedded.New()
	storetest.MustLoad(t, mem, g)
	st := &countingStore{Store: mem, calls: map[string]int{}, keys: map[string]int{}}
	h, err := server.New(server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Loaders: loaders.Options{Wait: time.Second}}) // as in TestStoreRoundTripsAreBoundedByDepth
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, selection string
		keys            int
		want            string
	}{
		{"from and to", "from { name } to { name }", 20, "Country b9"},
		{"to and from", "to { name } from { name }", 20, "Country a9"},
		// Either end asks for both: the other is in the same batch anyway.
		{"from alone", "from { name }", 20, "Country a9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clear(st.calls)
			clear(st.keys)
			query := `{ changes(first: 1) { edges { node { relationships { relationship { ` + tc.selection + ` } } } } } }`
			body, _ := json.Marshal(map[string]string{"query": query})
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) || !bytes.Contains(rec.Body.Bytes(), []byte(`"`+tc.want+`"`)) {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if st.calls["EntitiesByIDs"] != 1 || st.keys["EntitiesByIDs"] != tc.keys {
				t.Errorf("%d entity fetches for %d keys, want 1 for %d", st.calls["EntitiesByIDs"], st.keys["EntitiesByIDs"], tc.keys)
			}
		})
	}
}

// TestEndShapesAreKeptPerRequest: an end's shape is found again by its id
// in the request that kept it, as the type it was kept as, and in no other
// request.
func TestEndShapesAreKeptPerRequest(t *testing.T) {
	type shape struct{ name string }
	st := embedded.New()
	request := loaders.With(context.Background(), loaders.New(st, loaders.Options{}))
	loaders.KeepEndShape(request, "mali", &shape{"Mali"})
	other := loaders.With(context.Background(), loaders.New(st, loaders.Options{}))
	for _, tc := range []struct {
		name string
		ctx  context.Context
		id   string
		want string // "" for none
	}{
		{"kept", request, "mali", "Mali"},
		{"another id", request, "niger", ""},
		{"another request", other, "mali", ""},
		{"no loaders", context.Background(), "mali", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := loaders.EndShape[*shape](tc.ctx, tc.id)
			switch {
			case tc.want == "" && ok:
				t.Errorf("EndShape = %v, want none", got)
			case tc.want != "" && (!ok || got.name != tc.want):
				t.Errorf("EndShape = %v, %v; want %q", got, ok, tc.want)
			}
		})
	}
	if got, ok := loaders.EndShape[string](request, "mali"); ok {
		t.Errorf("EndShape as another type = %q, want none", got)
	}
}
