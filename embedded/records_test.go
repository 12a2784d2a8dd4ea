package embedded_test

import (
	"context"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// TestRelationshipFieldsKept writes relationships that use every field,
// dates a compact record cannot hold among them, and reads them back
// whole, by id, through an entity's page and as the graph.
func TestRelationshipFieldsKept(t *testing.T) {
	ctx := context.Background()
	st := embedded.New()
	count, fy := 40, 2024
	g := storetest.Fixture()
	from, to := g.Entities[0].ID, g.Entities[1].ID
	rels := []*domain.Relationship{
		{ID: "kept.every-field", Type: domain.RelFunded, FromID: from, ToID: to, ValidFrom: domain.MustPartialDate("2021-03-04"), ValidTo: domain.MustPartialDate("2024-11"),
			Amount: &domain.Money{Minor: 12_000_00, Currency: "USD", Qualifier: domain.QualifierAtLeast, FiscalYear: &fy}, Count: &count,
			Description: "a description", Attribution: "according to monitors", Certainty: domain.CertaintyReported,
			Citations: []domain.Citation{{SourceID: g.Sources[0].ID, Quote: "a quote", Locator: "page 4"}}},
		{ID: "kept.far-dates", Type: domain.RelFights, FromID: from, ToID: from, ValidFrom: domain.PartialDate{Year: 20000, Month: 2}, ValidTo: domain.PartialDate{Year: 30000},
			Certainty: domain.CertaintyStated, Citations: []domain.Citation{{SourceID: g.Sources[0].ID, Quote: "another quote"}}},
	}
	if _, err := st.Apply(ctx, &domain.ChangeSet{Actor: "test", Sources: g.Sources, Entities: g.Entities[:2], Relationships: rels}); err != nil {
		t.Fatal(err)
	}
	byID, err := st.RelationshipsByIDs(ctx, []string{rels[0].ID, rels[1].ID})
	if err != nil {
		t.Fatal(err)
	}
	pages, err := st.RelationshipsOf(ctx, []string{from}, domain.RelationshipFilter{Direction: domain.DirectionBoth, First: 10})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]*domain.Relationship{"by id": byID, "page": pages[0].Relationships, "graph": snap.Relationships} {
		if len(got) != len(rels) {
			t.Fatalf("%s: %d relationships, want %d", name, len(got), len(rels))
		}
		for i, want := range rels {
			if !domain.EqualRelationships(got[i], want) {
				t.Errorf("%s: read back as %+v, want %+v", name, got[i], want)
			}
		}
	}
	// From holds both: the far dates' self-loop holds at no date of these.
	for _, tc := range []struct {
		id, asOf string
		want     int
	}{{to, "2022", 1}, {to, "2019", 0}, {from, "2022", 1}, {from, "9999", 0}} {
		pages, err := st.RelationshipsOf(ctx, []string{tc.id}, domain.RelationshipFilter{Direction: domain.DirectionBoth, First: 10, AsOf: domain.MustPartialDate(tc.asOf)})
		if err != nil {
			t.Fatal(err)
		}
		if len(pages[0].Relationships) != tc.want {
			t.Errorf("%s as of %s: %d relationships, want %d", tc.id, tc.asOf, len(pages[0].Relationships), tc.want)
		}
	}
}

// TestRelationshipReplaced replaces a relationship's type, ends, fields
// and citations: reads give it as it now stands, nothing of what it was.
func TestRelationshipReplaced(t *testing.T) {
	ctx := context.Background()
	st := embedded.New()
	g := storetest.Fixture()
	from, to := g.Entities[0].ID, g.Entities[1].ID
	count := 3
	first := &domain.Relationship{ID: "kept.replaced", Type: domain.RelFunded, FromID: from, ToID: to, Count: &count, Description: "first",
		Certainty: domain.CertaintyStated, Citations: []domain.Citation{{SourceID: g.Sources[0].ID, Quote: "the first quote"}}}
	second := &domain.Relationship{ID: "kept.replaced", Type: domain.RelSupports, FromID: to, ToID: from, ValidFrom: domain.MustPartialDate("2020"),
		Certainty: domain.CertaintyAlleged, Citations: []domain.Citation{{SourceID: g.Sources[0].ID, Quote: "the second quote", Locator: "p. 2"}}}
	if _, err := st.Apply(ctx, &domain.ChangeSet{Actor: "test", Sources: g.Sources, Entities: g.Entities[:2], Relationships: []*domain.Relationship{first}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, &domain.ChangeSet{Actor: "test", Relationships: []*domain.Relationship{second}}); err != nil {
		t.Fatal(err)
	}
	got, err := st.RelationshipsByIDs(ctx, []string{second.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !domain.EqualRelationships(got[0], second) {
		t.Fatalf("replaced relationship read back as %+v, want %+v", got[0], second)
	}
	pages, err := st.RelationshipsOf(ctx, []string{from}, domain.RelationshipFilter{Direction: domain.DirectionOut, First: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages[0].Relationships) != 0 {
		t.Fatalf("%s still has the relationship going out after it was turned around: %+v", from, pages[0].Relationships)
	}
}
