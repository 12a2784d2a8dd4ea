package domain_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
)

func TestValidateEntityNamesTheField(t *testing.T) {
	cite := []domain.Citation{{SourceID: "doc", Quote: "Q."}}
	killed := -1
	tests := []struct {
		name  string
		e     domain.Entity
		field string // "" for a valid entity
	}{
		{"valid", domain.Entity{ID: "jnim", Kind: domain.KindArmedGroup, Name: "JNIM", Category: "COALITION", Citations: cite}, ""},
		{"non-Latin slug", domain.Entity{ID: "東京-mission", Kind: domain.KindMission, Name: "Mission", Citations: cite}, ""},
		{"id with a capital", domain.Entity{ID: "Jnim", Kind: domain.KindArmedGroup, Name: "JNIM", Citations: cite}, "id"},
		{"id with a quote", domain.Entity{ID: `o'brien`, Kind: domain.KindPerson, Name: "O'Brien", Citations: cite}, "id"},
		{"unknown kind", domain.Entity{ID: "x", Kind: "TRIBE", Name: "X", Citations: cite}, "kind"},
		{"no name", domain.Entity{ID: "x", Kind: domain.KindCountry, Citations: cite}, "name"},
		{"category of another kind", domain.Entity{ID: "x", Kind: domain.KindArmedGroup, Name: "X", Category: "NGO", Citations: cite}, "category"},
		{"attribute of another kind", domain.Entity{ID: "x", Kind: domain.KindCountry, Name: "X", Role: "President", Citations: cite}, "role"},
		{"lower-case iso3", domain.Entity{ID: "x", Kind: domain.KindCountry, Name: "X", ISO3: "mli", Citations: cite}, "iso3"},
		{"ends before it starts", domain.Entity{ID: "x", Kind: domain.KindArmedGroup, Name: "X", Started: domain.MustPartialDate("2020"), Ended: domain.MustPartialDate("2019-12"), Citations: cite}, "ended"},
		{"alias repeats the name", domain.Entity{ID: "x", Kind: domain.KindCountry, Name: "Mali", Aliases: []string{"MALI"}, Citations: cite}, "aliases[0]"},
		{"no citation", domain.Entity{ID: "x", Kind: domain.KindCountry, Name: "X"}, "citations"},
		{"citation without quote", domain.Entity{ID: "x", Kind: domain.KindCountry, Name: "X", Citations: []domain.Citation{{SourceID: "doc"}}}, "citations[0].quote"},
		{"quote too long", domain.Entity{ID: "x", Kind: domain.KindCountry, Name: "X", Citations: []domain.Citation{{SourceID: "doc", Quote: strings.Repeat("a", domain.MaxQuoteLength+1)}}}, "citations[0].quote"},
		{"negative count", domain.Entity{ID: "x", Kind: domain.KindEvent, Name: "X", Killed: &killed, Citations: cite}, "killed"},
		{"name with a line break", domain.Entity{ID: "x", Kind: domain.KindCountry, Name: "X\nY", Citations: cite}, "name"},
		{"figure without unit", domain.Entity{ID: "x", Kind: domain.KindCountry, Name: "X", Citations: cite,
			Figures: []domain.Figure{{Measure: "people", Value: 3, Qualifier: domain.QualifierExact, Citations: cite}}}, "figures[0].unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := domain.ValidateEntity(&tt.e)
			if tt.field == "" {
				if len(probs) > 0 {
					t.Fatalf("valid entity refused: %v", probs)
				}
				return
			}
			if len(probs) == 0 || probs[0].Field != tt.field {
				t.Errorf("problems = %v, want the first at %q", probs, tt.field)
			}
		})
	}
}

func TestValidateRelationshipNamesTheField(t *testing.T) {
	cite := []domain.Citation{{SourceID: "doc", Quote: "Q."}}
	fy := 1800
	tests := []struct {
		name  string
		r     domain.Relationship
		field string
	}{
		{"valid", domain.Relationship{Type: domain.RelFights, FromID: "a", ToID: "b", Certainty: domain.CertaintyStated, Citations: cite}, ""},
		{"bad id", domain.Relationship{ID: "a fights b", Type: domain.RelFights, FromID: "a", ToID: "b", Certainty: domain.CertaintyStated, Citations: cite}, "id"},
		{"unknown type", domain.Relationship{Type: "LIKES", FromID: "a", ToID: "b", Certainty: domain.CertaintyStated, Citations: cite}, "type"},
		{"no from", domain.Relationship{Type: domain.RelFights, ToID: "b", Certainty: domain.CertaintyStated, Citations: cite}, "from"},
		{"no certainty", domain.Relationship{Type: domain.RelFights, FromID: "a", ToID: "b", Citations: cite}, "certainty"},
		{"ends before it starts", domain.Relationship{Type: domain.RelFights, FromID: "a", ToID: "b", Certainty: domain.CertaintyStated,
			ValidFrom: domain.MustPartialDate("2021-06"), ValidTo: domain.MustPartialDate("2021-05-31"), Citations: cite}, "validTo"},
		{"amount without currency", domain.Relationship{Type: domain.RelFunded, FromID: "a", ToID: "b", Certainty: domain.CertaintyStated,
			Amount: &domain.Money{Minor: 100, Qualifier: domain.QualifierExact}, Citations: cite}, "amount.currency"},
		{"fiscal year out of range", domain.Relationship{Type: domain.RelFunded, FromID: "a", ToID: "b", Certainty: domain.CertaintyStated,
			Amount: &domain.Money{Minor: 100, Currency: "USD", Qualifier: domain.QualifierExact, FiscalYear: &fy}, Citations: cite}, "amount.fiscalYear"},
		{"negative amount", domain.Relationship{Type: domain.RelFunded, FromID: "a", ToID: "b", Certainty: domain.CertaintyStated,
			Amount: &domain.Money{Minor: -100, Currency: "USD", Qualifier: domain.QualifierExact}, Citations: cite}, "amount.value"},
		{"no citations", domain.Relationship{Type: domain.RelFights, FromID: "a", ToID: "b", Certainty: domain.CertaintyStated}, "citations"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := domain.ValidateRelationship(&tt.r)
			if tt.field == "" {
				if len(probs) > 0 {
					t.Fatalf("valid relationship refused: %v", probs)
				}
				return
			}
			if len(probs) == 0 || probs[0].Field != tt.field {
				t.Errorf("problems = %v, want the first at %q", probs, tt.field)
			}
		})
	}
}

func TestValidateSource(t *testing.T) {
	for _, tt := range []struct {
		s     domain.Source
		field string
	}{
		{domain.Source{ID: "crs-2024", Title: "Mali", Publisher: "CRS", URL: "https://crsreports.congress.gov/product/pdf/IF/IF10116"}, ""},
		{domain.Source{ID: "crs-2024", Title: "Mali", Publisher: "CRS", URL: "crsreports.congress.gov"}, "url"},
		{domain.Source{ID: "crs-2024", Publisher: "CRS"}, "title"},
		{domain.Source{ID: "CRS", Title: "Mali", Publisher: "CRS"}, "id"},
	} {
		probs := domain.ValidateSource(&tt.s)
		if (tt.field == "") != (len(probs) == 0) || (len(probs) > 0 && probs[0].Field != tt.field) {
			t.Errorf("%+v: problems %v, want the first at %q", tt.s, probs, tt.field)
		}
	}
}

// TestSlugShapesMatchTheirPatterns holds the hand-written slug and
// relationship-id checks to the regular expressions that define them, on
// every string of up to four characters from letters of every case and
// script, digits of two scripts, the separators and an invalid byte.
func TestSlugShapesMatchTheirPatterns(t *testing.T) {
	slug := regexp.MustCompile(`^[\p{Ll}\p{Lo}\p{Nd}]+(-[\p{Ll}\p{Lo}\p{Nd}]+)*$`)
	relID := regexp.MustCompile(`^[\p{Ll}\p{Lo}\p{Nd}]+(-[\p{Ll}\p{Lo}\p{Nd}]+)*(\.[\p{Ll}\p{Lo}\p{Nd}]+(-[\p{Ll}\p{Lo}\p{Nd}]+)*)+$`)
	alphabet := []string{"a", "z", "7", "A", "é", "É", "東", "٣", "ʼ", "-", ".", " ", "_", "\xff"}
	var walk func(s string, n int)
	checked := 0
	walk = func(s string, n int) {
		checked++
		if got, want := domain.IsSlug(s), slug.MatchString(s); got != want {
			t.Errorf("IsSlug(%q) = %v, the pattern says %v", s, got, want)
		}
		if got, want := domain.IsRelationshipID(s), relID.MatchString(s); got != want {
			t.Errorf("IsRelationshipID(%q) = %v, the pattern says %v", s, got, want)
		}
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			walk(s+c, n-1)
		}
	}
	walk("", 4)
	if checked < 40000 {
		t.Fatalf("checked %d strings", checked)
	}
}
