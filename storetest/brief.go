package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
)

// testBriefReads checks paths and neighbourhoods read with each domain.Brief
// against the same reads whole: the same entities and relationships in the
// same order, each equal to the whole one, or to its brief form where the
// answer says it is brief, and brief only where the query allowed it.
func testBriefReads(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	briefs := []domain.Brief{{}, {Entities: true}, {Relationships: true}, {Entities: true, Relationships: true}}
	paths := []domain.PathQuery{
		{From: "union", To: "lemuria", MaxLength: 4, First: 5},
		{From: "keita", To: "union", MaxLength: 3, First: 2},
		{From: "front", To: "front", MaxLength: 3, First: 5},
	}
	for _, q := range paths {
		whole, err := st.Paths(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range briefs {
			t.Run(fmt.Sprintf("paths %s to %s, %+v", q.From, q.To, b), func(t *testing.T) {
				q.Brief = b
				got, err := st.Paths(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(whole) {
					t.Fatalf("%d paths, want %d", len(got), len(whole))
				}
				for i, p := range got {
					wantBrief(t, fmt.Sprintf("path %d", i), b, p.Brief)
					sameValues(t, p.Entities, whole[i].Entities, p.Brief.Entities, domain.BriefEntity)
					sameValues(t, p.Relationships, whole[i].Relationships, p.Brief.Relationships, domain.BriefRelationship)
				}
			})
		}
	}
	for _, q := range []domain.NeighborhoodQuery{
		{ID: "union", Depth: 2, Limit: 100},
		{ID: "union", Depth: 2, Limit: 4},
		{ID: "union", Depth: 1, Limit: 100},
		{ID: "union", Depth: 1, Limit: 2},
	} {
		whole, err := st.Neighborhood(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range briefs {
			t.Run(fmt.Sprintf("neighbourhood of %s, depth %d, limit %d, %+v", q.ID, q.Depth, q.Limit, b), func(t *testing.T) {
				q.Brief = b
				got, err := st.Neighborhood(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if got.Truncated != whole.Truncated {
					t.Errorf("truncated = %v, want %v", got.Truncated, whole.Truncated)
				}
				wantBrief(t, "subgraph", b, got.Brief)
				sameValues(t, got.Entities, whole.Entities, got.Brief.Entities, domain.BriefEntity)
				sameValues(t, got.Relationships, whole.Relationships, got.Brief.Relationships, domain.BriefRelationship)
			})
		}
	}
}

// testBriefEnds checks an entity read whose ends may come in brief against
// the same read whole: the same entity, page and sources, and the same
// ends, each equal to the whole one or, where the answer says the ends are
// brief, to its brief form.
func testBriefEnds(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	for _, q := range []domain.EntityRead{
		{ID: "union", Relationships: &domain.RelationshipFilter{Direction: domain.DirectionBoth, First: 50}, Ends: true, Sources: true},
		{ID: "front", Relationships: &domain.RelationshipFilter{Direction: domain.DirectionOut, First: 1}, Ends: true},
	} {
		whole, err := st.ReadEntity(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if whole.BriefEnds {
			t.Errorf("%s: ends brief though the read did not allow it", q.ID)
		}
		byID := func(a, b *domain.Entity) int { return strings.Compare(a.ID, b.ID) }
		ends := slices.SortedFunc(slices.Values(whole.Ends), byID)
		stored, err := st.EntitiesByIDs(ctx, entityIDs(ends))
		if err != nil {
			t.Fatal(err)
		}
		sameValues(t, ends, stored, false, domain.BriefEntity)
		q.BriefEnds = true
		t.Run(fmt.Sprintf("%s, %+v", q.ID, *q.Relationships), func(t *testing.T) {
			got, err := st.ReadEntity(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Entity, whole.Entity) || !reflect.DeepEqual(got.Page, whole.Page) {
				t.Errorf("entity or page differ from the whole read's:\n got  %+v %+v\n want %+v %+v", got.Entity, got.Page, whole.Entity, whole.Page)
			}
			bySourceID := func(a, b *domain.Source) int { return strings.Compare(a.ID, b.ID) }
			if !slices.EqualFunc(slices.SortedFunc(slices.Values(got.Sources), bySourceID), slices.SortedFunc(slices.Values(whole.Sources), bySourceID),
				func(a, b *domain.Source) bool { return reflect.DeepEqual(a, b) }) {
				t.Errorf("sources %v, want %v", got.Sources, whole.Sources)
			}
			sameValues(t, slices.SortedFunc(slices.Values(got.Ends), byID), ends, got.BriefEnds, domain.BriefEntity)
		})
	}
}

// wantBrief fails when an answer is brief where its query did not allow it.
func wantBrief(t *testing.T, what string, allowed, got domain.Brief) {
	t.Helper()
	if got.Entities && !allowed.Entities || got.Relationships && !allowed.Relationships {
		t.Errorf("%s is brief as %+v, but the query allowed only %+v", what, got, allowed)
	}
}

// sameValues compares got with the whole values want, in brief (as brief
// makes them) when the answer says they are.
func sameValues[V any](t *testing.T, got, want []*V, isBrief bool, brief func(*V) *V) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d values, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if isBrief {
			g, w = brief(g), brief(w)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("value %d = %+v, want %+v", i, g, w)
		}
	}
}
