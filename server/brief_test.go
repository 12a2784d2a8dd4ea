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

// entityReads records what each entity read asks to have of its ends in
// brief.
type entityReads struct {
	domain.Store
	mu    sync.Mutex
	reads []domain.EntityRead
}

func (e *entityReads) ReadEntity(ctx context.Context, q domain.EntityRead) (*domain.EntityView, error) {
	e.mu.Lock()
	e.reads = append(e.reads, q)
	e.mu.Unlock()
	return e.Store.ReadEntity(ctx, q)
}

// TestEntityReadsAskForBriefEndsOnlyWhereTheSelectionShowsNoMore asks for
// an entity's relationships with selections of their ends: the read asks
// for its ends in brief exactly where every selection of them, and no
// second page, shows no more than a brief entity holds.
func TestEntityReadsAskForBriefEndsOnlyWhereTheSelectionShowsNoMore(t *testing.T) {
	tests := []struct {
		name, selection string
		ends, brief     bool
	}{
		{"ids and names", `relationships { edges { node { from { id name } to { id kind } } } }`, true, true},
		{"one end's summary", `relationships { edges { node { from { id } to { id summary } } } }`, true, false},
		{"an end's kind-specific field", `relationships { edges { node { to { ... on Country { iso3 } } } } }`, true, false},
		{"brief fields in a fragment", `relationships { edges { node { from { ...brief } } } }`, true, true},
		{"no ends", `relationships { edges { node { id type } } }`, false, false},
		{"a second page", `relationships { edges { node { from { id } } } } more: relationships(first: 1) { totalCount }`, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &entityReads{Store: embedded.New()}
			storetest.MustLoad(t, st.Store, storetest.Fixture())
			h := quietHandler(t, st, server.Config{})
			query := `{ entity(id: "union") { id ` + tt.selection + ` } }`
			if strings.Contains(tt.selection, "...brief") {
				query += ` fragment brief on Entity { id name }`
			}
			if resp := post(t, h, query, nil); len(resp.Errors) > 0 {
				t.Fatalf("%s: %+v", query, resp.Errors)
			}
			if len(st.reads) != 1 || st.reads[0].Ends != tt.ends || st.reads[0].BriefEnds != tt.brief {
				t.Errorf("%s\nread %+v, want one asking for ends %v, in brief %v", query, st.reads, tt.ends, tt.brief)
			}
		})
	}
}
