package seed_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/seed"
)

func TestDefaultSeedIsValid(t *testing.T) {
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Graph.Sources) != 5 {
		t.Errorf("sources = %d, want the 5 seed documents", len(s.Graph.Sources))
	}
	if err := s.CheckQuotes(seed.Documents()); err != nil {
		t.Fatal(err)
	}
}

// TestDocumentsTravelWithTheData checks that the documents built into the
// binary are the ones in the repository's seed/docs, one per source, and
// that seed/docs/README.md describes each.
func TestDocumentsTravelWithTheData(t *testing.T) {
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("docs/README.md")
	if err != nil {
		t.Fatal(err)
	}
	built, err := fs.Glob(seed.Documents(), "*.txt")
	if err != nil {
		t.Fatal(err)
	}
	// A column layout travels with the capture it describes.
	layouts, err := fs.Glob(seed.Documents(), "*.columns")
	if err != nil {
		t.Fatal(err)
	}
	if len(layouts) == 0 {
		t.Error("no column layout is built in; the 2020 brief has one")
	}
	for _, l := range layouts {
		inBinary, _ := fs.ReadFile(seed.Documents(), l)
		inRepo, err := os.ReadFile("docs/" + l)
		if err != nil || !bytes.Equal(inBinary, inRepo) {
			t.Errorf("seed/docs/%s differs from the built-in copy (%v)", l, err)
		}
		if _, err := fs.Stat(seed.Documents(), strings.TrimSuffix(l, ".columns")+".txt"); err != nil {
			t.Errorf("column layout %s describes no document: %v", l, err)
		}
		if !bytes.Contains(readme, []byte("`"+l+"`")) {
			t.Errorf("seed/docs/README.md does not name %s", l)
		}
	}
	var named []string
	for _, src := range s.Graph.Sources {
		named = append(named, src.Document)
		inBinary, err := fs.ReadFile(seed.Documents(), src.Document)
		if err != nil {
			t.Errorf("source %s: document %s is not built in: %v", src.ID, src.Document, err)
			continue
		}
		inRepo, err := os.ReadFile("docs/" + src.Document)
		if err != nil || !bytes.Equal(inBinary, inRepo) {
			t.Errorf("source %s: seed/docs/%s differs from the built-in copy (%v)", src.ID, src.Document, err)
		}
		for _, want := range []string{"`" + src.Document + "`", "`" + src.ID + "`"} {
			if !bytes.Contains(readme, []byte(want)) {
				t.Errorf("seed/docs/README.md does not name %s", want)
			}
		}
	}
	slices.Sort(named)
	if !slices.Equal(built, named) {
		t.Errorf("built-in documents %q; the sources name %q", built, named)
	}
}

const goodSources = `
sources:
  - id: doc
    title: A document
    publisher: Someone
    document: doc.txt
`

const goodEntities = `
entities:
  - id: mali
    kind: COUNTRY
    name: Mali
    citations: [{source: doc, quote: Mali is a country.}]
  - id: jnim
    kind: ARMED_GROUP
    name: JNIM
    category: COALITION
    citations: [{source: doc, quote: JNIM operates in Mali.}]
`

func TestParseReportsProblemsWithFileLineAndField(t *testing.T) {
	tests := []struct {
		name string
		file string
		want string // a fragment of one problem's text
	}{
		{"broken reference", `
relationships:
  - type: OPERATES_IN
    from: jnim
    to: mail
    citations: [{source: doc, quote: JNIM operates in Mali.}]
`, `seed/x.yaml:5: relationship "jnim.operates-in.mail": to: no entity has id "mail"`},
		{"bad date", `
relationships:
  - type: OPERATES_IN
    from: jnim
    to: mali
    validFrom: 2021-13
    citations: [{source: doc, quote: JNIM operates in Mali.}]
`, `seed/x.yaml:6: relationship "jnim.operates-in.mali": validFrom: malformed date "2021-13": month out of range`},
		{"unknown source", `
relationships:
  - type: OPERATES_IN
    from: jnim
    to: mali
    citations: [{source: nodoc, quote: JNIM operates in Mali.}]
`, `seed/x.yaml:6: relationship "jnim.operates-in.mali": citations[0].source: no source has id "nodoc"`},
		{"amount without currency", `
relationships:
  - type: FUNDED
    from: mali
    to: jnim
    amount: {value: 10}
    citations: [{source: doc, quote: JNIM operates in Mali.}]
`, `amount.currency: required field is missing`},
		{"amount with an exponent", `
relationships:
  - type: FUNDED
    from: mali
    to: jnim
    amount: {value: 5.9e6, currency: USD}
    citations: [{source: doc, quote: JNIM operates in Mali.}]
`, `seed/x.yaml:6: relationship "mali.funded.jnim": amount.value: amount "5.9e6" is not a decimal number such as 10000000 or 2.5`},
		{"amount past the cent", `
relationships:
  - type: FUNDED
    from: mali
    to: jnim
    amount: {value: 2.555, currency: USD}
    citations: [{source: doc, quote: JNIM operates in Mali.}]
`, `amount.value: amount "2.555" has 3 decimals; USD has 2`},
		{"amount in no currency", `
relationships:
  - type: FUNDED
    from: mali
    to: jnim
    amount: {value: 10, currency: DOLLARS}
    citations: [{source: doc, quote: JNIM operates in Mali.}]
`, `amount.currency: currency must be an ISO 4217 code such as USD, got "DOLLARS"`},
		{"unknown field", `
entities:
  - id: bamako
    kind: COUNTRY
    nmae: Bamako
    citations: [{source: doc, quote: Mali is a country.}]
`, `seed/x.yaml:5: entity "bamako": nmae: unknown field`},
		{"field of another kind", `
entities:
  - id: x
    kind: COUNTRY
    name: X
    killed: 3
    citations: [{source: doc, quote: Mali is a country.}]
`, `entity "x": killed: COUNTRY entities have no field "killed"`},
		{"duplicate id", `
entities:
  - id: mali
    kind: COUNTRY
    name: Mali again
    citations: [{source: doc, quote: Mali is a country.}]
`, `id "mali" is already used at seed/a.yaml:`},
		{"missing citation", `
relationships:
  - type: OPERATES_IN
    from: jnim
    to: mali
`, `citations: at least one citation is required`},
		{"unknown type", `
relationships:
  - type: LIKES
    from: jnim
    to: mali
    citations: [{source: doc, quote: JNIM operates in Mali.}]
`, `type: type "LIKES" is not a relationship type`},
		{"bad yaml", "entities: [\n  - {", `seed/x.yaml:`},
		{"iso3 of no country", `
entities:
  - id: atlantis
    kind: COUNTRY
    name: Atlantis
    iso3: ATL
    citations: [{source: doc, quote: Mali is a country.}]
`, `seed/x.yaml:6: entity "atlantis": iso3: iso3 must be a country's ISO 3166-1 alpha-3 code in capitals, such as MLI, or one of the codes ISO leaves to users`},
		{"iso3 in lower case", `
entities:
  - id: atlantis
    kind: COUNTRY
    name: Atlantis
    iso3: mli
    citations: [{source: doc, quote: Mali is a country.}]
`, `iso3: iso3 must be a country's ISO 3166-1 alpha-3 code in capitals`},
		{"url without a scheme", `
sources:
  - id: doc2
    title: T
    publisher: P
    document: d.txt
    url: crsreports.congress.gov
`, `seed/x.yaml:7: source "doc2": url: must be an absolute http or https address, got "crsreports.congress.gov"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"a.yaml": {Data: []byte(goodSources + goodEntities)},
				"x.yaml": {Data: []byte(tt.file)},
			}
			_, err := seed.Parse(fsys, "seed")
			var verr *seed.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Parse error = %v, want a *ValidationError", err)
			}
			if !errors.Is(err, domain.ErrInvalid) {
				t.Errorf("error does not match domain.ErrInvalid")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error does not contain %q:\n%v", tt.want, err)
			}
		})
	}
}

func TestCheckQuotesFindsQuotesNotInTheDocument(t *testing.T) {
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte(goodSources + goodEntities)},
	}
	s, err := seed.Parse(fsys, "seed")
	if err != nil {
		t.Fatal(err)
	}
	docs := fstest.MapFS{"doc.txt": {Data: []byte("Mali is a\n  country. JNIM operates in Bamako.")}}
	err = s.CheckQuotes(docs)
	if err == nil {
		t.Fatal("CheckQuotes passed a quote that is not in the document")
	}
	if !strings.Contains(err.Error(), `seed/a.yaml:17: entity "jnim": citations[0].quote: quote not found in doc: "JNIM operates in Mali."`) {
		t.Errorf("unexpected error:\n%v", err)
	}
	if strings.Contains(err.Error(), "Mali is a country") {
		t.Errorf("a quote across a line break was not found:\n%v", err)
	}
}

func TestCheckQuotesWantsAliasesASourceUses(t *testing.T) {
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte(goodSources + `
entities:
  - id: jnim
    kind: ARMED_GROUP
    name: Union for Supporting Islam and Muslims
    category: COALITION
    aliases: [J.N.I.M., jnim, "Jama'at Nusrat al-Islam", Union]
    citations: [{source: doc, quote: JNIM operates in Mali.}]
  - id: sean
    kind: PERSON
    name: Séan Ó Briain
    aliases: [Sean O Briain]
    citations: [{source: doc, quote: JNIM operates in Mali.}]
`)},
	}
	s, err := seed.Parse(fsys, "seed")
	if err != nil {
		t.Fatal(err)
	}
	err = s.CheckQuotes(fstest.MapFS{"doc.txt": {Data: []byte("JNIM operates in Mali. The Union stands.")}})
	var verr *seed.ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) != 1 {
		t.Fatalf("CheckQuotes = %v, want one problem", err)
	}
	// "J.N.I.M." and "jnim" fold to the document's "JNIM", "Union" is a
	// word of it, and "Sean O Briain" is the name without diacritics; only
	// the name no document uses is refused.
	if p := verr.Problems[0]; p.Line != 13 || p.Field != "aliases[2]" || !strings.Contains(p.Message, `alias "Jama'at Nusrat al-Islam" occurs in none of the source documents`) {
		t.Errorf("problem = %+v", p)
	}
}

func TestDerivedRelationshipIDsAreStable(t *testing.T) {
	fy := 2019
	r := &domain.Relationship{Type: domain.RelFunded, FromID: "imet", ToID: "mali",
		Amount: &domain.Money{Minor: 100, Currency: "USD", FiscalYear: &fy}}
	if got, want := seed.DeriveRelationshipID(r), "imet.funded.mali.fy2019"; got != want {
		t.Errorf("id = %q, want %q", got, want)
	}
	r = &domain.Relationship{Type: domain.RelDeployedTo, FromID: "wagner-group", ToID: "mali", ValidFrom: domain.MustPartialDate("2021-12")}
	if got, want := seed.DeriveRelationshipID(r), "wagner-group.deployed-to.mali.2021-12"; got != want {
		t.Errorf("id = %q, want %q", got, want)
	}
}
