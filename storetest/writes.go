package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/analysis"
	"github.com/conflictgraph/conflictgraph/domain"
)

// The write behaviours every backend must share: one change set applied
// whole or not at all, one gapless revision sequence, optimistic
// concurrency, retraction and ending seen by every read, and conflicting
// claims kept side by side.

func cites(quote string) []domain.Citation {
	return []domain.Citation{{SourceID: "doc-a", Quote: quote}}
}

// MustApply applies cs or fails the test.
func MustApply(t testing.TB, st domain.Store, cs *domain.ChangeSet) *domain.Change {
	t.Helper()
	ch, err := st.Apply(context.Background(), cs)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return ch
}

// wantProblem fails unless err is INVALID with a problem at field.
func wantProblem(t *testing.T, err error, field string) {
	t.Helper()
	var derr *domain.Error
	if !errors.As(err, &derr) || derr.Code != domain.CodeInvalid {
		t.Fatalf("err = %v, want INVALID", err)
	}
	for _, p := range derr.Problems {
		if p.Field == field {
			return
		}
	}
	t.Errorf("err = %v: no problem at field %q (problems %v)", err, field, derr.Problems)
}

func revision(t *testing.T, st domain.Store) int64 {
	t.Helper()
	rev, err := st.Revision(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

func testRevisionsAndFeed(t *testing.T, st domain.Store) {
	ctx := context.Background()
	if rev := revision(t, st); rev != 0 {
		t.Fatalf("an empty store is at revision %d, want 0", rev)
	}
	page, err := st.Changes(ctx, domain.ChangeQuery{First: 10})
	if err != nil || len(page.Changes) != 0 || page.HasNext || page.Revision != 0 {
		t.Fatalf("changes of an empty store = %+v, %v", page, err)
	}
	loaded(t, st)
	if rev := revision(t, st); rev != 1 {
		t.Errorf("after loading the fixture the revision is %d; one change set is revision 1", rev)
	}
	start := time.Now().Add(-time.Minute)
	second := MustApply(t, st, &domain.ChangeSet{Actor: "alice", Reason: "a new group",
		Entities: []*domain.Entity{{ID: "new-front", Kind: domain.KindArmedGroup, Name: "New Front", Citations: cites("q")}}})
	third := MustApply(t, st, &domain.ChangeSet{Actor: "bob",
		Relationships: []*domain.Relationship{{Type: domain.RelFights, FromID: "new-front", ToID: "front", Certainty: domain.CertaintyReported, Citations: cites("q")}}})
	if second.Revision != 2 || third.Revision != 3 {
		t.Fatalf("revisions %d, %d; want 2, 3", second.Revision, third.Revision)
	}
	if second.ID() != "change:2" || second.Actor != "alice" || second.Reason != "a new group" || second.At.Before(start) || third.At.Before(second.At) {
		t.Errorf("change 2 = %+v at %v, change 3 at %v", second, second.At, third.At)
	}
	if len(third.Relationships) != 1 || third.Relationships[0].Op != domain.OpCreated || third.Relationships[0].After.ID != "new-front.fights.front" {
		t.Errorf("change 3 relationships = %+v", third.Relationships)
	}
	page, err = st.Changes(ctx, domain.ChangeQuery{After: 0, First: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := changeRevisions(page.Changes); !slices.Equal(got, []int64{1, 2}) || !page.HasNext || page.Revision != 3 {
		t.Errorf("first page of changes: revisions %v, hasNext %v, revision %d", got, page.HasNext, page.Revision)
	}
	if first := page.Changes[0]; first.Actor != "test" || len(first.Entities) != 11 || len(first.Relationships) != 13 || len(first.Sources) != 2 {
		t.Errorf("revision 1 = actor %q, %d entities, %d relationships, %d sources", first.Actor, len(first.Entities), len(first.Relationships), len(first.Sources))
	}
	page, err = st.Changes(ctx, domain.ChangeQuery{After: 2, First: 50})
	if err != nil {
		t.Fatal(err)
	}
	if got := changeRevisions(page.Changes); !slices.Equal(got, []int64{3}) || page.HasNext {
		t.Errorf("second page: revisions %v, hasNext %v", got, page.HasNext)
	}
	if c := page.Changes[0]; c.Actor != "bob" || !c.At.Equal(third.At) || len(c.Relationships) != 1 || c.Relationships[0].After.Certainty != domain.CertaintyReported {
		t.Errorf("change 3 read back = %+v", c)
	}
	// A change set that changes nothing records no revision.
	same := MustApply(t, st, &domain.ChangeSet{Actor: "alice",
		Entities: []*domain.Entity{{ID: "new-front", Kind: domain.KindArmedGroup, Name: "New Front", Citations: cites("q")}}})
	if !same.Unchanged() || same.Revision != 3 || revision(t, st) != 3 {
		t.Errorf("an unchanged write gave revision %d, unchanged %v", same.Revision, same.Unchanged())
	}
	if _, err := st.Changes(ctx, domain.ChangeQuery{After: -1, First: 5}); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("after -1: err = %v, want INVALID", err)
	}
}

func changeRevisions(list []*domain.Change) []int64 {
	out := make([]int64, len(list))
	for i, c := range list {
		out[i] = c.Revision
	}
	return out
}

func testApplyIsAtomic(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	tests := []struct {
		name  string
		cs    *domain.ChangeSet
		field string
	}{
		{"unknown end", &domain.ChangeSet{Actor: "alice",
			Entities:      []*domain.Entity{{ID: "newcomer", Kind: domain.KindCountry, Name: "Newcomer", Citations: cites("q")}},
			Relationships: []*domain.Relationship{{Type: domain.RelFights, FromID: "newcomer", ToID: "ghost", Certainty: domain.CertaintyStated, Citations: cites("q")}}},
			"relationships[0].to"},
		{"unknown source", &domain.ChangeSet{Actor: "alice",
			Entities: []*domain.Entity{{ID: "newcomer", Kind: domain.KindCountry, Name: "Newcomer", Citations: []domain.Citation{{SourceID: "doc-z", Quote: "q"}}}}},
			"entities[0].citations[0].source"},
		{"no citation", &domain.ChangeSet{Actor: "alice",
			Relationships: []*domain.Relationship{{Type: domain.RelFights, FromID: "front", ToID: "union", Certainty: domain.CertaintyStated}}},
			"relationships[0].citations"},
		{"bad category", &domain.ChangeSet{Actor: "alice",
			Entities: []*domain.Entity{{ID: "newcomer", Kind: domain.KindCountry, Name: "Newcomer", Category: "MILITIA", Citations: cites("q")}}},
			"entities[0].category"},
		{"bad amount", &domain.ChangeSet{Actor: "alice",
			Relationships: []*domain.Relationship{{Type: domain.RelFunded, FromID: "training-program", ToID: "atlantis", Certainty: domain.CertaintyStated,
				Amount: &domain.Money{Minor: 500, Currency: "dollars", Qualifier: domain.QualifierExact}, Citations: cites("q")}}},
			"relationships[0].amount.currency"},
		{"end before start", &domain.ChangeSet{Actor: "alice",
			Ends: []*domain.RelationshipEnd{{ID: "union.formed-from.front", ValidTo: domain.MustPartialDate("2016"), Citations: cites("q")}}},
			"ends[0].validTo"},
		{"retract unknown", &domain.ChangeSet{Actor: "alice",
			Retractions: []*domain.RelationshipRetraction{{ID: "front.likes.union", Reason: "never said", Citations: cites("q")}}},
			"retractions[0].id"},
		{"retract without reason", &domain.ChangeSet{Actor: "alice",
			Retractions: []*domain.RelationshipRetraction{{ID: "front.fights.front", Citations: cites("q")}}},
			"retractions[0].reason"},
		{"no actor", &domain.ChangeSet{
			Entities: []*domain.Entity{{ID: "newcomer", Kind: domain.KindCountry, Name: "Newcomer", Citations: cites("q")}}},
			"actor"},
		{"bad id", &domain.ChangeSet{Actor: "alice",
			Entities: []*domain.Entity{{ID: "New Comer", Kind: domain.KindCountry, Name: "Newcomer", Citations: cites("q")}}},
			"entities[0].id"},
	}
	before, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := st.Apply(ctx, tt.cs)
			wantProblem(t, err, tt.field)
			if rev := revision(t, st); rev != 1 {
				t.Errorf("a refused change set moved the revision to %d", rev)
			}
			after, err := st.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(entityIDs(after.Entities), entityIDs(before.Entities)) || !slices.Equal(relIDs(after.Relationships), relIDs(before.Relationships)) {
				t.Error("a refused change set left part of itself behind")
			}
		})
	}
}

func testExpectedRevision(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	stale, current := int64(0), int64(1)
	_, err := st.Apply(ctx, &domain.ChangeSet{Actor: "alice", ExpectedRevision: &stale,
		Entities: []*domain.Entity{{ID: "newcomer", Kind: domain.KindCountry, Name: "Newcomer", Citations: cites("q")}}})
	if !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("stale expected revision: err = %v, want CONFLICT", err)
	}
	if got, _ := st.EntitiesByIDs(ctx, []string{"newcomer"}); got[0] != nil {
		t.Error("a conflicting change set was written")
	}
	ch, err := st.Apply(ctx, &domain.ChangeSet{Actor: "alice", ExpectedRevision: &current,
		Entities: []*domain.Entity{{ID: "newcomer", Kind: domain.KindCountry, Name: "Newcomer", Citations: cites("q")}}})
	if err != nil || ch.Revision != 2 {
		t.Fatalf("current expected revision: %+v, %v", ch, err)
	}
}

func testEntityPatches(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	kind, name, category := domain.KindArmedGroup, "Frente Nuevo", domain.Category("MILITIA")
	created := MustApply(t, st, &domain.ChangeSet{Actor: "alice", EntityPatches: []*domain.EntityPatch{
		{ID: "frente", Kind: &kind, Name: &name, Category: &category, Citations: cites("q")}}})
	if len(created.Entities) != 1 || created.Entities[0].Op != domain.OpCreated {
		t.Fatalf("create by patch = %+v", created.Entities)
	}
	aliases, started := []string{"FN"}, domain.MustPartialDate("2019")
	updated := MustApply(t, st, &domain.ChangeSet{Actor: "bob", EntityPatches: []*domain.EntityPatch{
		{ID: "frente", Aliases: &aliases, Started: &started, Citations: []domain.Citation{{SourceID: "doc-b", Quote: "FN formed in 2019."}}}}})
	if len(updated.Entities) != 1 || updated.Entities[0].Op != domain.OpUpdated || updated.Entities[0].Before.Started != (domain.PartialDate{}) {
		t.Fatalf("update by patch = %+v", updated.Entities)
	}
	got, err := st.EntitiesByIDs(ctx, []string{"frente"})
	if err != nil {
		t.Fatal(err)
	}
	e := got[0]
	if e.Name != "Frente Nuevo" || e.Category != "MILITIA" || !slices.Equal(e.Aliases, aliases) || e.Started != started || len(e.Citations) != 2 {
		t.Errorf("patched entity = %+v", e)
	}
	if found, err := st.Search(ctx, domain.SearchQuery{Text: "fn", First: 5}); err != nil || !slices.Contains(entityIDs(found), "frente") {
		t.Errorf("search finds the new alias: %v, %v", entityIDs(found), err)
	}
	// The same patch again changes nothing: its citation is already there.
	again := MustApply(t, st, &domain.ChangeSet{Actor: "bob", EntityPatches: []*domain.EntityPatch{
		{ID: "frente", Aliases: &aliases, Citations: []domain.Citation{{SourceID: "doc-b", Quote: "FN formed in 2019."}}}}})
	if !again.Unchanged() {
		t.Errorf("a patch that changes nothing recorded %+v", again.Entities)
	}
	_, err = st.Apply(ctx, &domain.ChangeSet{Actor: "bob", EntityPatches: []*domain.EntityPatch{{ID: "frente", Aliases: &aliases}}})
	wantProblem(t, err, "entityPatches[0].citations")
	_, err = st.Apply(ctx, &domain.ChangeSet{Actor: "bob", EntityPatches: []*domain.EntityPatch{{ID: "nobody-yet", Aliases: &aliases, Citations: cites("q")}}})
	wantProblem(t, err, "entityPatches[0].kind")
}

func testConflictingClaims(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	first, err := st.RelationshipsByIDs(ctx, []string{"lemuria.supports.union"})
	if err != nil {
		t.Fatal(err)
	}
	// Another source states the same link with another certainty and date.
	claim := MustApply(t, st, &domain.ChangeSet{Actor: "alice", Relationships: []*domain.Relationship{
		{Type: domain.RelSupports, FromID: "lemuria", ToID: "union", ValidFrom: domain.MustPartialDate("2021-12"), Certainty: domain.CertaintyStated,
			Citations: []domain.Citation{{SourceID: "doc-b", Quote: "Lémuria arms the Union."}}},
		{Type: domain.RelSupports, FromID: "lemuria", ToID: "union", ValidFrom: domain.MustPartialDate("2021-12"), Certainty: domain.CertaintyReported,
			Citations: []domain.Citation{{SourceID: "doc-b", Quote: "Lémuria reportedly arms the Union."}}},
	}})
	ids := []string{claim.Relationships[0].After.ID, claim.Relationships[1].After.ID}
	if want := []string{"lemuria.supports.union.2021-12", "lemuria.supports.union.2021-12.r2"}; !slices.Equal(ids, want) {
		// The fixture's own claim has a declared id; the derived one is
		// free once, then takes the revision's suffix.
		t.Errorf("claim ids = %v, want %v", ids, want)
	}
	third := MustApply(t, st, &domain.ChangeSet{Actor: "bob", Relationships: []*domain.Relationship{
		{Type: domain.RelSupports, FromID: "lemuria", ToID: "union", ValidFrom: domain.MustPartialDate("2021-12"), Certainty: domain.CertaintyAlleged, Citations: cites("q")},
		{Type: domain.RelSupports, FromID: "lemuria", ToID: "union", ValidFrom: domain.MustPartialDate("2021-12"), Certainty: domain.CertaintyAlleged, Citations: cites("q2")},
	}})
	if got := []string{third.Relationships[0].After.ID, third.Relationships[1].After.ID}; !slices.Equal(got, []string{"lemuria.supports.union.2021-12.r3", "lemuria.supports.union.2021-12.r3-2"}) {
		t.Errorf("claims of one link in one change set = %v", got)
	}
	pages, err := st.RelationshipsOf(ctx, []string{"union"}, domain.RelationshipFilter{Types: []domain.RelationType{domain.RelSupports}, First: 50})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "every claim side by side", relIDs(pages[0].Relationships), []string{
		"lemuria.supports.union", "lemuria.supports.union.2021-12", "lemuria.supports.union.2021-12.r2",
		"lemuria.supports.union.2021-12.r3", "lemuria.supports.union.2021-12.r3-2"})
	again, err := st.RelationshipsByIDs(ctx, []string{"lemuria.supports.union"})
	if err != nil {
		t.Fatal(err)
	}
	if !EqualRelationship(first[0], again[0]) {
		t.Errorf("a second claim changed the first: %+v", again[0])
	}
}

// EqualRelationship reports whether two relationships hold the same values.
func EqualRelationship(a, b *domain.Relationship) bool {
	return a != nil && b != nil && domain.EqualRelationships(a, b)
}

func testRetractionLeavesEveryRead(t *testing.T, st domain.Store) {
	MustLoad(t, st, Fixture())
	MustLoad(t, st, aidGraph())
	ctx := context.Background()
	// Before: the path from union to atlantis through front; training
	// program's 2019 funding in the totals.
	paths, err := st.Paths(ctx, domain.PathQuery{From: "union", To: "ambush", MaxLength: 2, First: 5})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "paths before", pathIDs(paths), []string{"union.formed-from.front > front.perpetrated.ambush"})
	ch := MustApply(t, st, &domain.ChangeSet{Actor: "alice", Reason: "the source walked it back", Retractions: []*domain.RelationshipRetraction{
		{ID: "front.perpetrated.ambush", Reason: "doc-b says the claim was false", Citations: []domain.Citation{{SourceID: "doc-b", Quote: "The Front denied it."}}},
		{ID: "training-program.funded.atlantis.fy2019", Reason: "entered in error", Citations: cites("q")},
	}})
	if len(ch.Relationships) != 2 || ch.Relationships[0].Op != domain.OpRetracted || ch.Relationships[0].Before == nil || ch.Relationships[0].Before.Retraction != nil {
		t.Fatalf("retraction change = %+v", ch.Relationships)
	}
	gone := "front.perpetrated.ambush"
	pages, err := st.RelationshipsOf(ctx, []string{"front", "ambush"}, domain.RelationshipFilter{First: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		if slices.Contains(relIDs(p.Relationships), gone) {
			t.Error("RelationshipsOf still lists the retracted relationship")
		}
	}
	sub, err := st.Neighborhood(ctx, domain.NeighborhoodQuery{ID: "ambush", Depth: 1, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "neighbourhood of ambush", entityIDs(sub.Entities), []string{"ambush", "atlantis"})
	if paths, err = st.Paths(ctx, domain.PathQuery{From: "union", To: "ambush", MaxLength: 2, First: 5}); err != nil || len(paths) != 0 {
		t.Errorf("paths after the retraction: %v, %v", pathIDs(paths), err)
	}
	snap, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(relIDs(snap.Relationships), gone) {
		t.Error("Snapshot (and so the export) still holds the retracted relationship")
	}
	entries, err := analysis.Timeline(ctx, st, analysis.TimelineQuery{EntityID: "front"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Relationship != nil && e.Relationship.ID == gone {
			t.Error("the timeline still shows the retracted relationship")
		}
	}
	totals, err := analysis.AidTotals(ctx, st, analysis.AidQuery{Recipient: "atlantis", FiscalYears: []int{2019}})
	if err != nil {
		t.Fatal(err)
	}
	if len(totals) != 0 {
		t.Errorf("aid totals still count the retracted amount: %+v", totals)
	}
	got, err := st.RelationshipsByIDs(ctx, []string{gone})
	if err != nil {
		t.Fatal(err)
	}
	r := got[0]
	if r == nil || r.Retraction == nil || r.Retraction.Actor != "alice" || r.Retraction.Revision != ch.Revision ||
		r.Retraction.Reason != "doc-b says the claim was false" || !r.Retraction.At.Equal(ch.At) || len(r.Retraction.Citations) != 1 {
		t.Fatalf("the retracted relationship by id = %+v", r)
	}
	_, err = st.Apply(ctx, &domain.ChangeSet{Actor: "bob", Retractions: []*domain.RelationshipRetraction{{ID: gone, Reason: "again", Citations: cites("q")}}})
	if !errors.Is(err, domain.ErrConflict) {
		t.Errorf("retracting twice: err = %v, want CONFLICT", err)
	}
	_, err = st.Apply(ctx, &domain.ChangeSet{Actor: "bob", Ends: []*domain.RelationshipEnd{{ID: gone, ValidTo: domain.MustPartialDate("2022"), Citations: cites("q")}}})
	if !errors.Is(err, domain.ErrConflict) {
		t.Errorf("ending a retracted relationship: err = %v, want CONFLICT", err)
	}
	// Reloading the graph it came from does not bring it back.
	MustLoad(t, st, Fixture())
	if got, _ := st.RelationshipsByIDs(ctx, []string{gone}); got[0] == nil || got[0].Retraction == nil {
		t.Error("reloading the fixture undid the retraction")
	}
}

func testEndingSeenByReads(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	ch := MustApply(t, st, &domain.ChangeSet{Actor: "alice", Ends: []*domain.RelationshipEnd{
		{ID: "front.fights.atlantis", ValidTo: domain.MustPartialDate("2019-06"), Citations: []domain.Citation{{SourceID: "doc-b", Quote: "The fighting stopped in June 2019."}}}}})
	if len(ch.Relationships) != 1 || ch.Relationships[0].Op != domain.OpEnded || !ch.Relationships[0].Before.ValidTo.IsZero() {
		t.Fatalf("end change = %+v", ch.Relationships)
	}
	got, err := st.RelationshipsByIDs(ctx, []string{"front.fights.atlantis"})
	if err != nil {
		t.Fatal(err)
	}
	if r := got[0]; r.ValidTo != domain.MustPartialDate("2019-06") || len(r.Citations) != 2 {
		t.Errorf("ended relationship = %+v", r)
	}
	for _, tt := range []struct {
		asOf string
		in   bool
	}{{"2019", true}, {"2019-06", true}, {"2019-07", false}, {"2022", false}} {
		pages, err := st.RelationshipsOf(ctx, []string{"atlantis"}, domain.RelationshipFilter{AsOf: domain.MustPartialDate(tt.asOf), Types: []domain.RelationType{domain.RelFights}, First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if in := slices.Contains(relIDs(pages[0].Relationships), "front.fights.atlantis"); in != tt.in {
			t.Errorf("as of %s: listed %v, want %v", tt.asOf, in, tt.in)
		}
		sub, err := st.Neighborhood(ctx, domain.NeighborhoodQuery{ID: "front", Depth: 1, Limit: 50, Filter: domain.RelationshipFilter{AsOf: domain.MustPartialDate(tt.asOf), Types: []domain.RelationType{domain.RelFights}}})
		if err != nil {
			t.Fatal(err)
		}
		if in := slices.Contains(relIDs(sub.Relationships), "front.fights.atlantis"); in != tt.in {
			t.Errorf("neighbourhood as of %s: listed %v, want %v", tt.asOf, in, tt.in)
		}
	}
	entries, err := analysis.Timeline(ctx, st, analysis.TimelineQuery{EntityID: "atlantis", From: domain.MustPartialDate("2019"), To: domain.MustPartialDate("2019")})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		found = found || (e.Date == domain.MustPartialDate("2019-06") && e.Summary == "Ends: Liberation Front fights Atlantis")
	}
	if !found {
		t.Errorf("the timeline has no entry for the end: %+v", entries)
	}
}

// ConcurrentWriters and WritesPerWriter size the concurrency test: 16
// writers of 100 change sets each, as the curated-writes issue asks.
const (
	ConcurrentWriters = 16
	WritesPerWriter   = 100
)

func testConcurrentWritersAreGapless(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, ConcurrentWriters)
	revs := make(chan int64, ConcurrentWriters*WritesPerWriter)
	for w := range ConcurrentWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range WritesPerWriter {
				ch, err := st.Apply(ctx, &domain.ChangeSet{Actor: fmt.Sprintf("writer-%d", w), Relationships: []*domain.Relationship{{
					Type: domain.RelCooperatesWith, FromID: "atlantis", ToID: "lemuria", Certainty: domain.CertaintyStated,
					Citations: cites(fmt.Sprintf("writer %d, write %d", w, i))}}})
				if err != nil {
					errs <- fmt.Errorf("writer %d, write %d: %w", w, i, err)
					return
				}
				revs <- ch.Revision
			}
		}()
	}
	wg.Wait()
	close(errs)
	close(revs)
	for err := range errs {
		t.Error(err)
	}
	const total = ConcurrentWriters * WritesPerWriter
	var got []int64
	for r := range revs {
		got = append(got, r)
	}
	slices.Sort(got)
	want := make([]int64, total)
	for i := range want {
		want[i] = int64(i + 2)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("the writes got %d revisions, not each of 2..%d once", len(slices.Compact(got)), total+1)
	}
	var feed []int64
	quotes := map[string]bool{}
	for after := int64(1); ; {
		page, err := st.Changes(ctx, domain.ChangeQuery{After: after, First: domain.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Changes {
			feed = append(feed, c.Revision)
			for _, rc := range c.Relationships {
				quotes[rc.After.Citations[0].Quote] = true
			}
			after = c.Revision
		}
		if !page.HasNext {
			break
		}
	}
	if !slices.Equal(feed, want) {
		t.Errorf("the feed lists %d changes, not revisions 2..%d in order", len(feed), total+1)
	}
	pages, err := st.RelationshipsOf(ctx, []string{"atlantis"}, domain.RelationshipFilter{Types: []domain.RelationType{domain.RelCooperatesWith}, First: 0})
	if err != nil {
		t.Fatal(err)
	}
	if pages[0].Total != total || len(quotes) != total {
		t.Errorf("the graph holds %d of the %d relationships written (%d distinct quotes in the feed)", pages[0].Total, total, len(quotes))
	}
}
