// Package storetest is the conformance suite every domain.Store backend must
// pass: the same questions asked of the same graphs, with the same answers
// expected from the embedded store and from Neo4j.
package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/seed"
)

// NewStore returns an empty store for one subtest; the backend arranges its
// cleanup with t.Cleanup.
type NewStore func(t *testing.T) domain.Store

// Run runs the whole suite against the backend newStore makes. Each subtest
// gets a fresh store.
func Run(t *testing.T, newStore NewStore) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, st domain.Store)
	}{
		{"EntitiesByIDs", testEntitiesByIDs},
		{"RelationshipsAndSourcesByIDs", testRelationshipsAndSourcesByIDs},
		{"EntityFieldsRoundTrip", testEntityFieldsRoundTrip},
		{"EntitiesPaging", testEntitiesPaging},
		{"EntitiesKeysetSurvivesChanges", testEntitiesKeysetSurvivesChanges},
		{"RelationshipsOfFilters", testRelationshipsOfFilters},
		{"RelationshipsOfPaging", testRelationshipsOfPaging},
		{"Search", testSearch},
		{"SearchHostileText", testSearchHostileText},
		{"Neighborhood", testNeighborhood},
		{"SnapshotAndIdempotentLoad", testSnapshotAndIdempotentLoad},
		{"LoadRejectsDanglingRelationship", testLoadRejectsDangling},
		{"SeedGraph", testSeedGraph},
		{"Paths", testPaths},
		{"PathTies", testPathTies},
		{"BriefReads", testBriefReads},
		{"BriefEnds", testBriefEnds},
		{"Timeline", testTimeline},
		{"AidTotals", testAidTotals},
		{"RatesAndRanges", testRatesAndRanges},
		{"GraphQLOnSeed", testGraphQLOnSeed},
		{"ExportOnSeed", testExportOnSeed},
		{"RevisionsAndFeed", testRevisionsAndFeed},
		{"ApplyIsAtomic", testApplyIsAtomic},
		{"ExpectedRevision", testExpectedRevision},
		{"EntityPatches", testEntityPatches},
		{"ConflictingClaims", testConflictingClaims},
		{"RetractionLeavesEveryRead", testRetractionLeavesEveryRead},
		{"EndingSeenByReads", testEndingSeenByReads},
		{"ConcurrentWritersAreGapless", testConcurrentWritersAreGapless},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newStore(t))
		})
	}
}

// MustLoad writes g into st through its write door (domain.LoadGraph) or
// fails the test.
func MustLoad(t testing.TB, st domain.Store, g *domain.Graph) {
	t.Helper()
	if _, err := domain.LoadGraph(context.Background(), st, g, domain.LoadOptions{Actor: "test", Reason: "test fixture"}); err != nil {
		t.Fatalf("load: %v", err)
	}
}

func loaded(t *testing.T, st domain.Store) domain.Store {
	t.Helper()
	MustLoad(t, st, Fixture())
	return st
}

func entityIDs(es []*domain.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		if e == nil {
			out[i] = "<nil>"
		} else {
			out[i] = e.ID
		}
	}
	return out
}

func relIDs(rs []*domain.Relationship) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func wantIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func testEntitiesByIDs(t *testing.T, st domain.Store) {
	loaded(t, st)
	got, err := st.EntitiesByIDs(context.Background(), []string{"union", "nope", "東京-mission", "union", "o-brien"})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "entities in asked order", entityIDs(got), []string{"union", "<nil>", "東京-mission", "union", "o-brien"})
	got, err = st.EntitiesByIDs(context.Background(), nil)
	if err != nil || len(got) != 0 {
		t.Errorf("no ids: got %v, %v", got, err)
	}
}

func testRelationshipsAndSourcesByIDs(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	rels, err := st.RelationshipsByIDs(ctx, []string{"front.fights.front", "missing"})
	if err != nil {
		t.Fatal(err)
	}
	if rels[0] == nil || rels[0].FromID != "front" || rels[0].ToID != "front" || rels[1] != nil {
		t.Errorf("relationships by id = %+v", rels)
	}
	srcs, err := st.SourcesByIDs(ctx, []string{"doc-b", "doc-x", "doc-a"})
	if err != nil {
		t.Fatal(err)
	}
	if srcs[0] == nil || srcs[0].ID != "doc-b" || srcs[1] != nil || srcs[2] == nil || srcs[2].Published != domain.MustPartialDate("2020-01") {
		t.Errorf("sources by id = %+v", srcs)
	}
	all, err := st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != "doc-a" || all[1].ID != "doc-b" {
		t.Errorf("sources = %+v", all)
	}
	// Every field survives storage, the url and an absent date included.
	want := Fixture().Sources
	for i := range min(len(all), len(want)) {
		if !reflect.DeepEqual(all[i], want[i]) {
			t.Errorf("source %s:\n got  %+v\n want %+v", want[i].ID, all[i], want[i])
		}
	}
}

// testEntityFieldsRoundTrip checks that every field survives storage.
func testEntityFieldsRoundTrip(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	want := Fixture()
	ids := make([]string, len(want.Entities))
	for i, e := range want.Entities {
		ids[i] = e.ID
	}
	got, err := st.EntitiesByIDs(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range want.Entities {
		if !reflect.DeepEqual(normalizeEntity(got[i]), normalizeEntity(e)) {
			t.Errorf("entity %q:\n got  %+v\n want %+v", e.ID, got[i], e)
		}
	}
	rids := make([]string, len(want.Relationships))
	for i, r := range want.Relationships {
		rids[i] = r.ID
	}
	rels, err := st.RelationshipsByIDs(ctx, rids)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range want.Relationships {
		if !reflect.DeepEqual(rels[i], r) {
			t.Errorf("relationship %q:\n got  %+v\n want %+v", r.ID, rels[i], r)
		}
	}
}

// normalizeEntity treats nil and empty lists alike.
func normalizeEntity(e *domain.Entity) *domain.Entity {
	if e == nil {
		return nil
	}
	c := *e
	if len(c.Aliases) == 0 {
		c.Aliases = nil
	}
	if len(c.Figures) == 0 {
		c.Figures = nil
	}
	return &c
}

func testEntitiesPaging(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	var seen []string
	after := ""
	for range 10 {
		page, err := st.Entities(ctx, domain.EntityFilter{First: 4, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 11 {
			t.Errorf("total = %d, want 11", page.Total)
		}
		seen = append(seen, entityIDs(page.Entities)...)
		if !page.HasNext {
			break
		}
		after = page.Entities[len(page.Entities)-1].ID
	}
	want := []string{"ambush", "atlantis", "coup-2020", "front", "hermit", "keita", "lemuria", "o-brien", "training-program", "union", "東京-mission"}
	wantIDs(t, "all pages", seen, want)

	page, err := st.Entities(ctx, domain.EntityFilter{Kinds: []domain.EntityKind{domain.KindCountry, domain.KindPerson}, First: 10})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "countries and people", entityIDs(page.Entities), []string{"atlantis", "keita", "lemuria", "o-brien"})
	if page.Total != 4 || page.HasNext {
		t.Errorf("total %d hasNext %v, want 4 false", page.Total, page.HasNext)
	}
	page, err = st.Entities(ctx, domain.EntityFilter{First: 0})
	if err != nil || len(page.Entities) != 0 || !page.HasNext || page.Total != 11 {
		t.Errorf("first 0: %+v %v", page, err)
	}
	_, err = st.Entities(ctx, domain.EntityFilter{First: domain.MaxPageSize + 1})
	if !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("first over the maximum: err = %v, want INVALID", err)
	}
}

// testEntitiesKeysetSurvivesChanges shows pages stay right when the graph
// changes between them: the cursor is the last id seen, not an offset.
func testEntitiesKeysetSurvivesChanges(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	page, err := st.Entities(ctx, domain.EntityFilter{First: 3})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "first page", entityIDs(page.Entities), []string{"ambush", "atlantis", "coup-2020"})
	// Entities sorting before and after the cursor arrive between pages.
	MustLoad(t, st, &domain.Graph{Entities: []*domain.Entity{
		{ID: "aaa", Kind: domain.KindCountry, Name: "AAA", Citations: []domain.Citation{{SourceID: "doc-a", Quote: "q"}}},
		{ID: "coup-2021", Kind: domain.KindCoup, Name: "2021 coup", Citations: []domain.Citation{{SourceID: "doc-a", Quote: "q"}}},
	}})
	page, err = st.Entities(ctx, domain.EntityFilter{First: 2, After: "coup-2020"})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "next page", entityIDs(page.Entities), []string{"coup-2021", "front"})
	// A cursor whose entity no longer sorts in the list still works.
	page, err = st.Entities(ctx, domain.EntityFilter{First: 1, After: "b-gone"})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "after a missing id", entityIDs(page.Entities), []string{"coup-2020"})
}

func testRelationshipsOfFilters(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	d := domain.MustPartialDate
	tests := []struct {
		name string
		id   string
		f    domain.RelationshipFilter
		want []string
	}{
		{"both directions, self-loop once", "front", domain.RelationshipFilter{}, []string{
			"front.attacked.atlantis", "front.fights.atlantis", "front.fights.front",
			"front.operates-in.lemuria", "front.perpetrated.ambush", "union.formed-from.front"}},
		{"out", "front", domain.RelationshipFilter{Direction: domain.DirectionOut}, []string{
			"front.attacked.atlantis", "front.fights.atlantis", "front.fights.front",
			"front.operates-in.lemuria", "front.perpetrated.ambush"}},
		{"in", "front", domain.RelationshipFilter{Direction: domain.DirectionIn}, []string{
			"front.fights.front", "union.formed-from.front"}},
		{"types", "atlantis", domain.RelationshipFilter{Types: []domain.RelationType{domain.RelFights, domain.RelLedBy}}, []string{
			"atlantis.led-by.keita", "front.fights.atlantis"}},
		// front.operates-in.lemuria holds 2012..2015-06.
		{"asOf year inside", "lemuria", domain.RelationshipFilter{AsOf: d("2015")}, []string{"front.operates-in.lemuria"}},
		{"asOf month after end", "lemuria", domain.RelationshipFilter{AsOf: d("2015-07")}, nil},
		{"asOf month of end", "lemuria", domain.RelationshipFilter{AsOf: d("2015-06")}, []string{"front.operates-in.lemuria"}},
		// lemuria.supports.union starts 2021-12: holds in 2021 and 2022, not 2021-06.
		{"asOf year of a month start", "union", domain.RelationshipFilter{AsOf: d("2021")}, []string{"lemuria.supports.union", "union.formed-from.front"}},
		{"asOf before a month start", "union", domain.RelationshipFilter{AsOf: d("2021-06")}, []string{"union.formed-from.front"}},
		{"asOf day", "union", domain.RelationshipFilter{AsOf: d("2021-12-31")}, []string{"lemuria.supports.union", "union.formed-from.front"}},
		{"asOf before everything", "union", domain.RelationshipFilter{AsOf: d("2017-02")}, nil},
		{"no relationships", "hermit", domain.RelationshipFilter{}, nil},
		{"unknown entity", "nobody", domain.RelationshipFilter{}, nil},
		{"hyphenated id", "o-brien", domain.RelationshipFilter{}, []string{`o-brien.mediated.atlantis`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.First = domain.MaxPageSize
			pages, err := st.RelationshipsOf(ctx, []string{tt.id}, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			wantIDs(t, tt.id, relIDs(pages[0].Relationships), tt.want)
			if pages[0].Total != len(tt.want) || pages[0].HasNext {
				t.Errorf("total %d hasNext %v, want %d false", pages[0].Total, pages[0].HasNext, len(tt.want))
			}
		})
	}
}

func testRelationshipsOfPaging(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	pages, err := st.RelationshipsOf(ctx, []string{"atlantis", "hermit", "front"}, domain.RelationshipFilter{First: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 3 {
		t.Fatalf("pages = %d, want one per id", len(pages))
	}
	wantIDs(t, "atlantis page", relIDs(pages[0].Relationships), []string{"ambush.occurred-in.atlantis", "atlantis.led-by.keita"})
	if !pages[0].HasNext || pages[0].Total != 8 {
		t.Errorf("atlantis: hasNext %v total %d, want true 8", pages[0].HasNext, pages[0].Total)
	}
	if len(pages[1].Relationships) != 0 || pages[1].HasNext || pages[1].Total != 0 {
		t.Errorf("hermit page = %+v", pages[1])
	}
	wantIDs(t, "front page", relIDs(pages[2].Relationships), []string{"front.attacked.atlantis", "front.fights.atlantis"})

	pages, err = st.RelationshipsOf(ctx, []string{"atlantis"}, domain.RelationshipFilter{First: 3, After: "atlantis.led-by.keita"})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "atlantis second page", relIDs(pages[0].Relationships), []string{"coup-2020.occurred-in.atlantis", "front.attacked.atlantis", "front.fights.atlantis"})
	if !pages[0].HasNext {
		t.Error("second page: hasNext false, want true")
	}
	_, err = st.RelationshipsOf(ctx, []string{"atlantis"}, domain.RelationshipFilter{First: -1})
	if !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("first -1: err = %v, want INVALID", err)
	}
}

func testSearch(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	tests := []struct {
		text  string
		kinds []domain.EntityKind
		first int
		want  []string
	}{
		{"keita", nil, 10, []string{"keita"}},                       // id, and the name without diacritics
		{"KÉÏTA", nil, 10, []string{"keita"}},                       // case and diacritics folded
		{"ibrahim boubacar", nil, 10, []string{"keita"}},            // prefix of the name
		{"boubacar", nil, 10, []string{"keita"}},                    // a word of the name
		{"lemuria", nil, 10, []string{"lemuria"}},                   // exact id before anything else
		{"front", nil, 10, []string{"front", "union"}},              // exact id, then a word of another name
		{"uf", nil, 10, []string{"union"}},                          // alias
		{"liberation", nil, 10, []string{"front"}},                  // prefix
		{"front de liberation", nil, 10, []string{"front"}},         // alias with diacritics folded
		{"front", []domain.EntityKind{domain.KindCountry}, 10, nil}, // kinds filter
		{"at", nil, 10, []string{"atlantis", "coup-2020"}},          // prefix of a name, then of a word
		{"o'brien", nil, 10, []string{"o-brien"}},                   // quotes
		{"o’brien", nil, 10, []string{"o-brien"}},                   // typographic apostrophe
		{"東京", nil, 10, []string{"東京-mission"}},                     // non-Latin script
		{"republic of atlantis", nil, 10, []string{"atlantis"}},     // alias
		{"front", nil, 1, []string{"front"}},                        // first
		{"nothing like it", nil, 10, nil},
	}
	for _, tt := range tests {
		got, err := st.Search(ctx, domain.SearchQuery{Text: tt.text, Kinds: tt.kinds, First: tt.first})
		if err != nil {
			t.Errorf("search %q: %v", tt.text, err)
			continue
		}
		wantIDs(t, "search "+tt.text, entityIDs(got), tt.want)
	}
	// Codes and abbreviations, on a few more entities: a country with a real
	// ISO 3166 code, and names written with dots.
	cite := []domain.Citation{{SourceID: "doc-a", Quote: "q"}}
	MustLoad(t, st, &domain.Graph{Entities: []*domain.Entity{
		{ID: "united-states", Kind: domain.KindCountry, Name: "United States", Aliases: []string{"U.S."}, ISO3: "USA", Citations: cite},
		{ID: "us-state", Kind: domain.KindOrganization, Name: "U.S. Department of State", Aliases: []string{"State Department"}, Category: "GOVERNMENT_AGENCY", Citations: cite},
		{ID: "usaraf", Kind: domain.KindArmedGroup, Name: "USARAF", Category: "STATE_FORCE", Citations: cite},
		{ID: "un", Kind: domain.KindOrganization, Name: "United Nations", Aliases: []string{"U.N."}, Category: "INTERGOVERNMENTAL", Citations: cite},
		{ID: "niger", Kind: domain.KindCountry, Name: "Niger", ISO3: "NER", Citations: cite},
		{ID: "new-alliance", Kind: domain.KindOrganization, Name: "New alliance", Category: "INTERGOVERNMENTAL", Citations: cite},
	}})
	codes := []struct {
		text  string
		kinds []domain.EntityKind
		want  []string
	}{
		{"USA", nil, []string{"united-states", "usaraf"}},              // alpha-3 code, then a name it starts
		{"usa", nil, []string{"united-states", "usaraf"}},              // any case
		{"US", nil, []string{"united-states", "us-state", "usaraf"}},   // alpha-2 code and the alias "U.S.", then "U.S. ..." and "USARAF"
		{"U.S.", nil, []string{"united-states", "us-state", "usaraf"}}, // dots folded: the same search
		{"us", []domain.EntityKind{domain.KindCountry}, []string{"united-states"}},
		{"u.s. department", nil, []string{"us-state"}},        // dots folded in a longer text
		{"us state", nil, []string{"us-state"}},               // words of the name
		{"UN", nil, []string{"un", "union", "united-states"}}, // the id and the alias "U.N.", then names it starts
		{"NE", nil, []string{"niger", "new-alliance"}},        // Niger's alpha-2 code before a name starting "ne"
		{"ner", nil, []string{"niger"}},                       // its alpha-3 code
		{"nig", nil, []string{"niger"}},                       // a name's prefix
		{"XAT", nil, []string{"atlantis"}},                    // a user-assigned iso3 is a code too
		{"at", nil, []string{"atlantis", "coup-2020"}},        // codes match whole: the same as without them
		{"unite", nil, []string{"un", "united-states"}},       // prefixes, by folded name
	}
	for _, tt := range codes {
		got, err := st.Search(ctx, domain.SearchQuery{Text: tt.text, Kinds: tt.kinds, First: 10})
		if err != nil {
			t.Errorf("search %q: %v", tt.text, err)
			continue
		}
		wantIDs(t, "search "+tt.text, entityIDs(got), tt.want)
	}
	for _, q := range []domain.SearchQuery{{Text: "  ", First: 5}, {Text: "x", First: domain.MaxSearchResults + 1}, {Text: "x", First: 1, Kinds: []domain.EntityKind{"PLANET"}}} {
		if _, err := st.Search(ctx, q); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("search %+v: err = %v, want INVALID", q, err)
		}
	}
}

// testSearchHostileText searches for texts built to break a full-text
// index: query syntax, operators, the most words and the longest words the
// limits allow. Each must answer, with what domain.RankMatches finds among
// all the entities; texts past the limits are INVALID with their limit.
func testSearchHostileText(t *testing.T, st domain.Store) {
	g := Fixture()
	MustLoad(t, st, g)
	ctx := context.Background()
	letters := make([]string, domain.MaxSearchWords)
	for i := range letters {
		letters[i] = string(rune('a' + i%26))
		if i >= 26 {
			letters[i] += letters[i]
		}
	}
	texts := []string{
		strings.Join(letters, " "),                                  // the most words, one letter each
		strings.Repeat("front ", domain.MaxSearchWords),             // the same word, as often as allowed
		strings.Repeat("l", domain.MaxSearchText),                   // the longest word
		strings.Repeat("東", domain.MaxSearchText),                   // the longest word in three-byte characters
		strings.Repeat("𝔘", domain.MaxSearchText),                   // and in four-byte ones
		"Liberation" + strings.Repeat("n", domain.MaxSearchText-10), // a real word's prefix, made too long to match
		"f l", "u f t", "LIB FRO", // short prefixes that match many index terms
		`front AND union OR NOT lemuria`, // Lucene's operators
		`+front -union "liberation" front~2 fro?t fr*nt f* [a TO z] {a TO z} (x) a:b c/d e\f ^2 &&||!`, // its syntax
		`*`, `?`, `\`, `"`, `-`, `+`, `~`, `:`, `/`, `(`, `)`, // its special characters alone
		"e\u0301", "\ufb01", "\u0130stanbul", "\u01c5", "\u0661\u0662\u0663", "front\u00a0union", // Unicode: a combining mark, a ligature, dotted capital I, title case, Arabic digits, a no-break space
	}
	for _, text := range texts {
		q := domain.SearchQuery{Text: text, First: domain.MaxSearchResults}
		got, err := st.Search(ctx, q)
		if err != nil {
			t.Errorf("search %q: %v", text, err)
			continue
		}
		want := domain.RankMatches(g.Entities, domain.Fold(text), nil, q.First)
		wantIDs(t, "search "+text, entityIDs(got), entityIDs(want))
	}
	for _, text := range []string{strings.Repeat("a b ", 225_000), strings.Repeat("ab ", 1100), strings.Repeat("x", 500_000),
		strings.Repeat("a ", domain.MaxSearchWords+1)} {
		_, err := st.Search(ctx, domain.SearchQuery{Text: text, First: 10})
		var derr *domain.Error
		if !errors.As(err, &derr) || derr.Code != domain.CodeInvalid || derr.Limit == nil {
			t.Errorf("search of %d bytes: err = %v, want INVALID past a limit", len(text), err)
		}
	}
}

func testNeighborhood(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	depth2Rels := []string{"ambush.occurred-in.atlantis", "front.attacked.atlantis", "front.fights.atlantis", "front.fights.front",
		"front.operates-in.lemuria", "front.perpetrated.ambush", "lemuria.supports.union", "union.formed-from.front"}
	tests := []struct {
		name     string
		q        domain.NeighborhoodQuery
		entities []string
		rels     []string
		trunc    bool
	}{
		{"depth 0", domain.NeighborhoodQuery{ID: "union", Depth: 0, Limit: 100}, []string{"union"}, nil, false},
		{"depth 1", domain.NeighborhoodQuery{ID: "union", Depth: 1, Limit: 100},
			[]string{"front", "lemuria", "union"},
			[]string{"front.fights.front", "front.operates-in.lemuria", "lemuria.supports.union", "union.formed-from.front"}, false},
		{"depth 1 out", domain.NeighborhoodQuery{ID: "union", Depth: 1, Limit: 100, Filter: domain.RelationshipFilter{Direction: domain.DirectionOut}},
			[]string{"front", "union"},
			[]string{"front.fights.front", "union.formed-from.front"}, false},
		{"depth 1 cut by the limit keeps the smallest ids", domain.NeighborhoodQuery{ID: "union", Depth: 1, Limit: 2},
			[]string{"front", "union"},
			[]string{"front.fights.front", "union.formed-from.front"}, true},
		{"depth 1 with the limit met exactly", domain.NeighborhoodQuery{ID: "union", Depth: 1, Limit: 3},
			[]string{"front", "lemuria", "union"},
			[]string{"front.fights.front", "front.operates-in.lemuria", "lemuria.supports.union", "union.formed-from.front"}, false},
		{"depth 1 with room for the centre alone", domain.NeighborhoodQuery{ID: "union", Depth: 1, Limit: 1},
			[]string{"union"}, nil, true},
		{"depth 1 of an entity with no links", domain.NeighborhoodQuery{ID: "hermit", Depth: 1, Limit: 100}, []string{"hermit"}, nil, false},
		{"limit truncates the farthest", domain.NeighborhoodQuery{ID: "union", Depth: 2, Limit: 3},
			[]string{"front", "lemuria", "union"},
			[]string{"front.fights.front", "front.operates-in.lemuria", "lemuria.supports.union", "union.formed-from.front"}, true},
		{"limit keeps the smallest ids of the level it cuts", domain.NeighborhoodQuery{ID: "union", Depth: 2, Limit: 4},
			[]string{"ambush", "front", "lemuria", "union"},
			[]string{"front.fights.front", "front.operates-in.lemuria", "front.perpetrated.ambush", "lemuria.supports.union", "union.formed-from.front"}, true},
		{"a limit met exactly cuts nothing", domain.NeighborhoodQuery{ID: "union", Depth: 2, Limit: 5},
			[]string{"ambush", "atlantis", "front", "lemuria", "union"}, depth2Rels, false},
		{"a full limit with more one level on is a cut", domain.NeighborhoodQuery{ID: "union", Depth: 3, Limit: 5},
			[]string{"ambush", "atlantis", "front", "lemuria", "union"}, depth2Rels, true},
		{"asOf removes a link", domain.NeighborhoodQuery{ID: "union", Depth: 1, Limit: 100, Filter: domain.RelationshipFilter{AsOf: domain.MustPartialDate("2019")}},
			[]string{"front", "union"},
			[]string{"union.formed-from.front"}, false}, // the self-loop starts in 2020
		{"isolated", domain.NeighborhoodQuery{ID: "hermit", Depth: 3, Limit: 100}, []string{"hermit"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := st.Neighborhood(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			wantIDs(t, "entities", entityIDs(sub.Entities), tt.entities)
			wantIDs(t, "relationships", relIDs(sub.Relationships), tt.rels)
			if sub.Truncated != tt.trunc {
				t.Errorf("truncated = %v, want %v", sub.Truncated, tt.trunc)
			}
		})
	}
	if _, err := st.Neighborhood(ctx, domain.NeighborhoodQuery{ID: "nobody", Depth: 1, Limit: 10}); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("unknown id: err = %v, want NOT_FOUND", err)
	}
	if _, err := st.Neighborhood(ctx, domain.NeighborhoodQuery{ID: "union", Depth: domain.MaxDepth + 1, Limit: 10}); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("depth over the maximum: err = %v, want INVALID", err)
	}
}

func testSnapshotAndIdempotentLoad(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	first, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := st.Revision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := domain.LoadGraph(ctx, st, Fixture(), domain.LoadOptions{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if again != rev {
		t.Errorf("loading the same graph again moved the revision from %d to %d", rev, again)
	}
	second, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Entities) != 11 || len(first.Relationships) != 13 || len(first.Sources) != 2 {
		t.Errorf("snapshot has %d entities, %d relationships, %d sources; want 11, 13, 2",
			len(first.Entities), len(first.Relationships), len(first.Sources))
	}
	if !slices.IsSortedFunc(first.Entities, func(a, b *domain.Entity) int { return cmpString(a.ID, b.ID) }) ||
		!slices.IsSortedFunc(first.Relationships, func(a, b *domain.Relationship) int { return cmpString(a.ID, b.ID) }) {
		t.Error("snapshot lists are not ordered by id")
	}
	if !reflect.DeepEqual(relIDs(first.Relationships), relIDs(second.Relationships)) || !reflect.DeepEqual(entityIDs(first.Entities), entityIDs(second.Entities)) {
		t.Error("loading the same graph twice changed the snapshot")
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func testLoadRejectsDangling(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	before, err := st.Revision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = domain.LoadGraph(ctx, st, &domain.Graph{
		Entities: []*domain.Entity{{ID: "newcomer", Kind: domain.KindCountry, Name: "Newcomer", Citations: []domain.Citation{{SourceID: "doc-a", Quote: "q"}}}},
		Relationships: []*domain.Relationship{{ID: "newcomer.fights.ghost", Type: domain.RelFights, FromID: "newcomer", ToID: "ghost",
			Certainty: domain.CertaintyStated, Citations: []domain.Citation{{SourceID: "doc-a", Quote: "q"}}}},
	}, domain.LoadOptions{Actor: "test"})
	if !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("dangling relationship: err = %v, want INVALID", err)
	}
	wantProblem(t, err, "relationships[0].to")
	got, err := st.EntitiesByIDs(ctx, []string{"newcomer"})
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != nil {
		t.Error("a rejected load left an entity behind")
	}
	if after, err := st.Revision(ctx); err != nil || after != before {
		t.Errorf("revision after a rejected load = %d, %v; want %d", after, err, before)
	}
}

// testSeedGraph loads the real seed graph and checks it arrives whole.
func testSeedGraph(t *testing.T, st domain.Store) {
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	MustLoad(t, st, s.Graph)
	snap, err := st.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Entities) != len(s.Graph.Entities) || len(snap.Relationships) != len(s.Graph.Relationships) || len(snap.Sources) != len(s.Graph.Sources) {
		t.Errorf("store holds %d/%d/%d entities/relationships/sources; seed has %d/%d/%d",
			len(snap.Entities), len(snap.Relationships), len(snap.Sources),
			len(s.Graph.Entities), len(s.Graph.Relationships), len(s.Graph.Sources))
	}
	for i, e := range s.Graph.Entities {
		if !reflect.DeepEqual(normalizeEntity(snap.Entities[i]), normalizeEntity(e)) {
			t.Errorf("seed entity %q changed in the store", e.ID)
		}
	}
	for i, r := range s.Graph.Relationships {
		if !reflect.DeepEqual(snap.Relationships[i], r) {
			t.Errorf("seed relationship %q changed in the store", r.ID)
		}
	}
}
