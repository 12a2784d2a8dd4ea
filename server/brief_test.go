package server_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/server"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// briefAsks records what each path and neighbourhood read asks to have in
// brief.
type briefAsks struct {
	domain.Store
	mu   sync.Mutex
	asks []domain.Brief
}

func (b *briefAsks) record(brief domain.Brief) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.asks = append(b.asks, brief)
}

func (b *briefAsks) Paths(ctx context.Context, q domain.PathQuery) ([]*domain.Path, error) {
	b.record(q.Brief)
	return b.Store.Paths(ctx, q)
}

func (b *briefAsks) Neighborhood(ctx context.Context, q domain.NeighborhoodQuery) (*domain.Subgraph, error) {
	b.record(q.Brief)
	return b.Store.Neighborhood(ctx, q)
}

// TestBriefReadsAskForNoMoreThanTheSelectionShows asks for paths and
// neighbourhoods with selections that show their entities and relationships
// in brief or more, through fragments and aliases too: the store is asked
// for brief values exactly where every selection of them shows no more than
// a brief value holds. (That the answers stay whole where they must is the
// conformance suite's "brief reads beside whole ones", on Neo4j.)
func TestBriefReadsAskForNoMoreThanTheSelectionShows(t *testing.T) {
	both := domain.Brief{Entities: true, Relationships: true}
	entities := domain.Brief{Entities: true}
	relationships := domain.Brief{Relationships: true}
	whole := domain.Brief{}
	tests := []struct {
		name, selection string
		want            domain.Brief
	}{
		{"ids, kinds, names and ends", `nodes { __typename id kind name } relationships { __typename id type from { id } to { id name } }`, both},
		{"nothing below", `__typename`, both},
		{"entities only", `nodes { id name }`, both},
		{"a node's summary", `nodes { id summary } relationships { id type from { id } to { id } }`, relationships},
		{"an end's aliases", `nodes { id } relationships { id from { id aliases } }`, relationships},
		{"an end's citations", `relationships { to { id citations { quote } } }`, relationships},
		{"a relationship's dates", `nodes { id } relationships { id validFrom from { id } }`, entities},
		{"a relationship's citations", `relationships { id citations { quote } }`, entities},
		{"more on both", `nodes { id figures { value } } relationships { certainty }`, whole},
		{"a kind's own field in a fragment", `nodes { id ... on Country { iso3 } }`, relationships},
		{"brief fields in a fragment", `nodes { ... on Entity { id kind } ... on Country { name } }`, both},
		{"a named fragment that shows more", `nodes { ...more } relationships { id }`, relationships},
		{"a named fragment of brief fields", `nodes { ...brief } relationships { from { ...brief } }`, both},
		{"an alias that shows more", `nodes { id } more: nodes { summary }`, relationships},
		{"an end's summary in a skipped fragment", `relationships { from { id ... @skip(if: true) { summary } } }`, relationships},
	}
	fragments := map[string]string{
		"more":  `fragment more on Entity { id name summary }`,
		"brief": `fragment brief on Entity { id name }`,
	}
	for _, read := range []struct{ name, field string }{
		{"paths", `paths(from: "front", to: "atlantis")`},
		{"neighborhood", `neighborhood(id: "atlantis")`},
	} {
		for _, tt := range tests {
			t.Run(read.name+" "+tt.name, func(t *testing.T) {
				st := &briefAsks{Store: embedded.New()}
				storetest.MustLoad(t, st.Store, storetest.Fixture())
				h := quietHandler(t, st, server.Config{})
				query := `{ ` + read.field + ` { ` + tt.selection + ` } }`
				for name, fragment := range fragments {
					if strings.Contains(tt.selection, "..."+name) {
						query += " " + fragment
					}
				}
				if resp := post(t, h, query, nil); len(resp.Errors) > 0 {
					t.Fatalf("%s: %+v", query, resp.Errors)
				}
				if len(st.asks) != 1 || st.asks[0] != tt.want {
					t.Errorf("%s\nasked the store for %+v, want one read asking %+v", query, st.asks, tt.want)
				}
			})
		}
	}
}
