package changelog_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/changelog"
	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/seed"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// TestRoundTrip writes every element of the seed graph and of the test
// fixture, before and after images, retraction included, and reads them
// back unchanged.
func TestRoundTrip(t *testing.T) {
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 17, 30, 0, 123456000, time.FixedZone("CET", 3600))
	for name, g := range map[string]*domain.Graph{"seed": s.Graph, "fixture": storetest.Fixture(), "rates and ranges": storetest.RatesAndRanges()} {
		t.Run(name, func(t *testing.T) {
			ch := &domain.Change{Revision: 7, At: at, Actor: "alice", Reason: "a reason with \"quotes\""}
			for _, src := range g.Sources {
				ch.Sources = append(ch.Sources, domain.SourceChange{Op: domain.OpCreated, After: src})
			}
			for _, e := range g.Entities {
				ch.Entities = append(ch.Entities, domain.EntityChange{Op: domain.OpUpdated, Before: e, After: e})
			}
			for _, r := range g.Relationships {
				after := *r
				after.Retraction = &domain.Retraction{Revision: 7, At: at.UTC(), Actor: "alice", Reason: "walked back", Citations: r.Citations}
				ch.Relationships = append(ch.Relationships, domain.RelationshipChange{Op: domain.OpRetracted, Before: r, After: &after})
			}
			data, err := changelog.Encode(ch)
			if err != nil {
				t.Fatal(err)
			}
			back, err := changelog.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if !back.At.Equal(at) || back.At.Location() != time.UTC || back.Revision != 7 || back.Actor != "alice" || back.Reason != ch.Reason {
				t.Errorf("header read back as %+v", back)
			}
			if !reflect.DeepEqual(back.Sources, ch.Sources) {
				t.Errorf("sources changed in the round trip")
			}
			for i, ec := range ch.Entities {
				got := back.Entities[i]
				if got.Op != ec.Op || !domain.EqualEntities(got.Before, ec.Before) || !domain.EqualEntities(got.After, ec.After) {
					t.Errorf("entity %s changed in the round trip:\n got  %+v\n want %+v", ec.After.ID, got.After, ec.After)
				}
			}
			for i, rc := range ch.Relationships {
				got := back.Relationships[i]
				if got.Op != rc.Op || !domain.EqualRelationships(got.Before, rc.Before) || !domain.EqualRelationships(got.After, rc.After) {
					t.Errorf("relationship %s changed in the round trip:\n got  %+v\n want %+v", rc.After.ID, got.After, rc.After)
				}
			}
		})
	}
}

func TestDecodeRefusesAnotherVersion(t *testing.T) {
	if _, err := changelog.Decode([]byte(`{"v": 99, "revision": 3}`)); err == nil {
		t.Error("a document of an unknown format version was read")
	}
	if _, err := changelog.Decode([]byte(`{"v": 1, "revision": 3, "entities": [{"op": "CREATED", "after": {"id": "x", "date": "2021-13"}}]}`)); err == nil {
		t.Error("a malformed date was read")
	}
}
