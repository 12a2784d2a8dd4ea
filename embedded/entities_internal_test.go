package embedded

import (
	"math"
	"testing"
	"unsafe"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/seed"
)

// TestEntitiesComeBackWhole puts entities with every field, and values a
// compact record cannot hold (a count past 32 bits, a date past a packed
// year), into an index and reads each back, alone and in a block: what
// comes back must be what went in, built once for the reads that keep it
// and never kept for a block. Replacing one must release what the old one
// held, and its kept value.
func TestEntitiesComeBackWhole(t *testing.T) {
	if got := unsafe.Sizeof(ent{}); got != 72 {
		t.Errorf("an entity's record is %d bytes, want 72", got)
	}
	n := func(v int) *int { return &v }
	low, high := 30.0, 45.0
	cite := []domain.Citation{{SourceID: "s", Quote: "q", Locator: "row 1"}}
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	list := append([]*domain.Entity{
		{ID: "e-all", Kind: domain.KindEvent, Name: "Attack", Summary: "An attack.", Category: "ATTACK", Date: domain.MustPartialDate("2022-03-03"),
			Place: "Gao", Killed: n(12), Injured: n(3), Aliases: []string{"The attack"}, Citations: []domain.Citation{{SourceID: "s", Quote: "its own"}},
			Figures: []domain.Figure{{Measure: "deaths", Value: 40, Low: &low, High: &high, Unit: "people", Certainty: domain.CertaintyReported, Citations: cite}}},
		{ID: "e-big", Kind: domain.KindEvent, Name: "Big", Killed: n(math.MaxInt32 + 1), Citations: cite},
		{ID: "e-zero", Kind: domain.KindEvent, Name: "None killed", Killed: n(0), Citations: cite},
		{ID: "e-far", Kind: domain.KindEvent, Name: "Far", Date: domain.PartialDate{Year: 20000, Month: 1}, Citations: cite},
		{ID: "p", Kind: domain.KindSanction, Name: "S", Program: "P", Authority: "A", Date: domain.MustPartialDate("2023"), Ended: domain.MustPartialDate("2024-01"), Citations: cite},
		{ID: "g", Kind: domain.KindAidProgram, Name: "G", Agency: "DoD", Authority: "10 U.S.C. 333", Started: domain.MustPartialDate("2017"), Citations: cite},
		{ID: "c", Kind: domain.KindCountry, Name: "C", ISO3: "MLI", Citations: cite},
		{ID: "r", Kind: domain.KindPerson, Name: "R", Role: "Leader", Citations: cite},
	}, s.Graph.Entities...)
	x := newIndex()
	for _, e := range list {
		x.putEntity(e)
	}
	slots := make([]int32, len(list))
	for i, e := range list {
		slots[i] = x.endSlot(e.ID)
		if got := x.entity(e.ID); !domain.EqualEntities(got, e) {
			t.Errorf("%s came back as %+v, want %+v", e.ID, got, e)
		}
	}
	ids := make([]string, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	fresh := newIndex()
	for _, e := range list {
		fresh.putEntity(e)
	}
	for i, got := range fresh.freshEntities(append(ids, "nobody")) {
		if i == len(list) {
			if got != nil {
				t.Errorf("an id no entity has came back as %+v", got)
			}
		} else if !domain.EqualEntities(got, list[i]) {
			t.Errorf("%s came back in a block as %+v", list[i].ID, got)
		}
	}
	if fresh.built[fresh.endSlot("e-all")].Load() != nil {
		t.Error("a block built for a snapshot was kept")
	}
	for i, got := range x.entitiesAt(slots) {
		if got != x.entity(list[i].ID) {
			t.Errorf("%s was built again for a second read", list[i].ID)
		}
	}
	// A replaced entity releases its side record, its aliases and its
	// citations.
	extras, aliases, lists := len(x.entExtras.free), len(x.aliases.free), len(x.cites.free)
	x.putEntity(&domain.Entity{ID: "e-all", Kind: domain.KindEvent, Name: "Attack", Citations: []domain.Citation{{SourceID: "s", Quote: "other"}}})
	x.cites.settle()
	if len(x.entExtras.free) != extras+1 || len(x.aliases.free) != aliases+1 || len(x.cites.free) != lists+1 {
		t.Errorf("replacing e-all freed %d side records, %d alias lists and %d citation lists, want 1, 1 and 1",
			len(x.entExtras.free)-extras, len(x.aliases.free)-aliases, len(x.cites.free)-lists)
	}
	if got := x.entity("e-all"); got.Killed != nil || got.Aliases != nil || got.Citations[0].Quote != "other" {
		t.Errorf("e-all after its replacement: %+v", got)
	}
}
