package embedded_test

import (
	"context"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// TestMemoryJournalPacksLargeChanges loads graphs whose changes are large
// enough to be packed, waits for the packing, and reads the history back:
// the feed gives what Apply answered, and a store replaying the journal
// holds the same graph.
func TestMemoryJournalPacksLargeChanges(t *testing.T) {
	ctx := context.Background()
	for name, g := range map[string]*domain.Graph{"fixture": storetest.Fixture(), "generated": storetest.Generate(500, 3000, 1)} {
		t.Run(name, func(t *testing.T) {
			journal := embedded.NewMemoryJournal()
			st, err := embedded.Open(journal)
			if err != nil {
				t.Fatal(err)
			}
			var applied []*domain.Change
			for i := 0; i < len(g.Relationships); i += 1000 {
				cs := &domain.ChangeSet{Actor: "test", Relationships: g.Relationships[i:min(i+1000, len(g.Relationships))]}
				if i == 0 {
					cs.Sources, cs.Entities = g.Sources, g.Entities
				}
				ch, err := st.Apply(ctx, cs)
				if err != nil {
					t.Fatal(err)
				}
				applied = append(applied, ch)
			}
			journal.Settle()

			page, err := st.Changes(ctx, domain.ChangeQuery{First: 500})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Changes) != len(applied) {
				t.Fatalf("the feed holds %d changes, want %d", len(page.Changes), len(applied))
			}
			for i, want := range applied {
				got := page.Changes[i]
				if got.Revision != want.Revision || !got.At.Equal(want.At) || got.Actor != want.Actor ||
					len(got.Sources) != len(want.Sources) || len(got.Entities) != len(want.Entities) || len(got.Relationships) != len(want.Relationships) {
					t.Fatalf("revision %d read back as %+v", want.Revision, got)
				}
				for k, ec := range want.Entities {
					if g := got.Entities[k]; g.Op != ec.Op || !domain.EqualEntities(g.After, ec.After) {
						t.Errorf("revision %d: entity %s read back as %+v", want.Revision, ec.After.ID, g.After)
					}
				}
				for k, rc := range want.Relationships {
					if g := got.Relationships[k]; g.Op != rc.Op || !domain.EqualRelationships(g.After, rc.After) {
						t.Errorf("revision %d: relationship %s read back as %+v", want.Revision, rc.After.ID, g.After)
					}
				}
			}

			replayed, err := embedded.Open(journal)
			if err != nil {
				t.Fatal(err)
			}
			want, err := st.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got, err := replayed.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Relationships) != len(want.Relationships) || len(got.Entities) != len(want.Entities) {
				t.Fatalf("replayed store holds %d entities, %d relationships; want %d, %d", len(got.Entities), len(got.Relationships), len(want.Entities), len(want.Relationships))
			}
			for i, r := range want.Relationships {
				if !domain.EqualRelationships(got.Relationships[i], r) {
					t.Errorf("replayed relationship %s is %+v, want %+v", r.ID, got.Relationships[i], r)
				}
			}
		})
	}
}
