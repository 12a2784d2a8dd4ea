// Package ingesttest is the importers' conformance suite, run against
// every backend like storetest: the project's own fixture files of ACLED,
// UCDP GED and FollowTheMoney data (every column, and the edge cases:
// quotes in notes, empty actors, non-Latin names, missing dates, bad rows)
// imported into a store holding the seed graph. The same file must give
// the same graph on every backend (a golden file holds it), a second
// import must change nothing, every imported element must cite its record,
// and every rejected row must be reported with its line.
package ingesttest

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/ingest"
	"github.com/conflictgraph/conflictgraph/seed"
	"github.com/conflictgraph/conflictgraph/storetest"
)

//go:embed fixtures
var fixtures embed.FS

// Fixture returns one of the fixture files (acled.csv, acled-newer.csv,
// ucdp.csv, ftm.jsonl).
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := fixtures.ReadFile("fixtures/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Run runs the suite against the backend newStore makes; each subtest
// gets a fresh store.
func Run(t *testing.T, newStore storetest.NewStore) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, st domain.Store)
	}{
		{"ACLED", testACLED},
		{"ACLEDWithMap", testACLEDWithMap},
		{"ACLEDNewerExport", testACLEDNewerExport},
		{"UCDP", testUCDP},
		{"FtM", testFtM},
		{"SmallChangeSets", testSmallChangeSets},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStore(t)
			Prepare(t, st)
			tt.fn(t, st)
		})
	}
}

// Prepare loads the seed graph into st, and one person more: Dmitry
// Utkin, whose alias "Wagner" makes the name Wagner ambiguous (the seed's
// Wagner Group has it too), as it is in the field's data.
func Prepare(t testing.TB, st domain.Store) {
	t.Helper()
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	storetest.MustLoad(t, st, s.Graph)
	cite := []domain.Citation{{SourceID: "test-notes", Quote: "Dmitry Utkin, whose call sign was Wagner."}}
	storetest.MustApply(t, st, &domain.ChangeSet{Actor: "test", Reason: "an entity that makes a name ambiguous",
		Sources:  []*domain.Source{{ID: "test-notes", Title: "Notes for the import tests", Publisher: "conflictgraph tests"}},
		Entities: []*domain.Entity{{ID: "dmitry-utkin", Kind: domain.KindPerson, Name: "Dmitry Utkin", Aliases: []string{"Wagner"}, Citations: cite}}})
}

// Import runs f over the fixture file name with o and fails the test on
// an error.
func Import(t testing.TB, st domain.Store, f ingest.Format, name string, o ingest.Options) *ingest.Summary {
	t.Helper()
	sum, err := ingest.Run(context.Background(), st, f, bytes.NewReader(Fixture(t, name)), o)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return sum
}

// wantRejected fails unless the summary rejected exactly the lines given.
func wantRejected(t *testing.T, sum *ingest.Summary, lines ...int) {
	t.Helper()
	var got []int
	for _, r := range sum.Rejects {
		if r.Reason == "" {
			t.Errorf("line %d rejected without a reason", r.Line)
		}
		got = append(got, r.Line)
	}
	slices.Sort(got)
	if !slices.Equal(got, lines) || sum.Rejected != len(lines) {
		t.Errorf("rejected lines %v (%d in all), want %v", got, sum.Rejected, lines)
		for _, r := range sum.Rejects {
			t.Logf("  line %d (%s): %s", r.Line, r.Record, r.Reason)
		}
	}
}

// reimport imports the file again and fails unless nothing changed.
func reimport(t *testing.T, st domain.Store, f ingest.Format, name string, o ingest.Options, first *ingest.Summary) {
	t.Helper()
	before := snapshot(t, st)
	sum := Import(t, st, f, name, o)
	imported := first.Records.Created + first.Records.Updated + first.Records.Unchanged
	switch {
	case sum.FromRevision != sum.ToRevision || sum.Revisions != 0:
		t.Errorf("reimport moved the graph from revision %d to %d", sum.FromRevision, sum.ToRevision)
	case sum.Records.Created+sum.Records.Updated+sum.Links.Created+sum.Links.Updated+sum.CreatedTotal() != 0:
		t.Errorf("reimport changed things: %+v, links %+v, created %v", sum.Records, sum.Links, sum.Created)
	case sum.Records.Unchanged != imported || sum.Links.Unchanged != first.Links.Created+first.Links.Updated+first.Links.Unchanged:
		t.Errorf("reimport found %d records and %d links unchanged, want %d and %d", sum.Records.Unchanged, sum.Links.Unchanged,
			imported, first.Links.Created+first.Links.Unchanged)
	case sum.Rejected != first.Rejected:
		t.Errorf("reimport rejected %d records, the first import %d", sum.Rejected, first.Rejected)
	}
	if after := snapshot(t, st); !bytes.Equal(after, before) {
		t.Error("reimport changed the graph")
	}
}

func snapshot(t *testing.T, st domain.Store) []byte {
	t.Helper()
	g, err := st.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return canonical(t, g, "")
}

// canonical renders the graph, or the part of it that cites source when
// one is given, in one stable form: every backend must give the same.
func canonical(t *testing.T, g *domain.Graph, source string) []byte {
	t.Helper()
	cites := func(list []domain.Citation) bool {
		return source == "" || slices.ContainsFunc(list, func(c domain.Citation) bool { return c.SourceID == source })
	}
	out := struct {
		Entities      []*domain.Entity
		Relationships []*domain.Relationship
	}{}
	for _, e := range g.Entities {
		if cites(e.Citations) {
			c := *e
			if len(c.Aliases) == 0 {
				c.Aliases = nil
			}
			if len(c.Figures) == 0 {
				c.Figures = nil
			}
			out.Entities = append(out.Entities, &c)
		}
	}
	for _, r := range g.Relationships {
		if cites(r.Citations) {
			out.Relationships = append(out.Relationships, r)
		}
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// wantGolden compares what the import made (the elements citing source)
// with fixtures/NAME.golden.json; UPDATE_GOLDEN=1 rewrites it (run it on
// the embedded store, then check that Neo4j agrees).
func wantGolden(t *testing.T, st domain.Store, source, name string) {
	t.Helper()
	g, err := st.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := canonical(t, g, source)
	path := "fixtures/" + name + ".golden.json"
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		dir := os.Getenv("INGESTTEST_DIR")
		if dir == "" {
			t.Fatal("UPDATE_GOLDEN=1 needs INGESTTEST_DIR, the path of ingesttest/ in the work tree")
		}
		if err := os.WriteFile(filepath.Join(dir, path), got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := fixtures.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the graph the import made differs from %s (UPDATE_GOLDEN=1 INGESTTEST_DIR=... rewrites it):\n%s", path, firstDiff(string(got), string(want)))
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return "line " + itoa(i+1) + ":\n  got:  " + a + "\n  want: " + b
		}
	}
	return ""
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// wantCited fails unless every element the import's changes wrote cites
// the data set's source with a record's key as the locator and a quote
// within the limit.
func wantCited(t *testing.T, st domain.Store, source string, keys map[string]bool) {
	t.Helper()
	page, err := st.Changes(context.Background(), domain.ChangeQuery{First: domain.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, list []domain.Citation) {
		ok := slices.ContainsFunc(list, func(c domain.Citation) bool {
			return c.SourceID == source && keys[c.Locator] && strings.TrimSpace(c.Quote) != "" && len(c.Quote) <= domain.MaxQuoteLength
		})
		if !ok {
			t.Errorf("%s does not cite a record of %s: %+v", what, source, list)
		}
	}
	n := 0
	for _, ch := range page.Changes {
		if !strings.HasPrefix(ch.Actor, "import:") {
			continue
		}
		for _, ec := range ch.Entities {
			check("entity "+ec.After.ID, ec.After.Citations)
			for i, f := range ec.After.Figures {
				check("entity "+ec.After.ID+" figure "+itoa(i), f.Citations)
			}
			n++
		}
		for _, rc := range ch.Relationships {
			check("relationship "+rc.After.ID, rc.After.Citations)
			n++
		}
	}
	if n == 0 {
		t.Error("no change by an import in the feed")
	}
}

func entity(t *testing.T, st domain.Store, id string) *domain.Entity {
	t.Helper()
	es, err := st.EntitiesByIDs(context.Background(), []string{id})
	if err != nil {
		t.Fatal(err)
	}
	if es[0] == nil {
		t.Fatalf("no entity %q", id)
	}
	return es[0]
}

func relationship(t *testing.T, st domain.Store, id string) *domain.Relationship {
	t.Helper()
	rs, err := st.RelationshipsByIDs(context.Background(), []string{id})
	if err != nil {
		t.Fatal(err)
	}
	if rs[0] == nil {
		t.Fatalf("no relationship %q", id)
	}
	return rs[0]
}

func absent(t *testing.T, st domain.Store, id string) {
	t.Helper()
	es, err := st.EntitiesByIDs(context.Background(), []string{id})
	if err != nil {
		t.Fatal(err)
	}
	if es[0] != nil {
		t.Errorf("entity %q exists, want none", id)
	}
}

func keysOf(prefix string, ids ...string) map[string]bool {
	out := map[string]bool{}
	for _, id := range ids {
		out[prefix+id] = true
	}
	return out
}
