package domain_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
)

func TestParsePartialDate(t *testing.T) {
	good := map[string]domain.PartialDate{
		"2021":       {Year: 2021},
		"2021-12":    {Year: 2021, Month: 12},
		"2021-12-25": {Year: 2021, Month: 12, Day: 25},
		"2024-02-29": {Year: 2024, Month: 2, Day: 29},
	}
	for s, want := range good {
		got, err := domain.ParsePartialDate(s)
		if err != nil || got != want {
			t.Errorf("ParsePartialDate(%q) = %+v, %v; want %+v", s, got, err, want)
		}
		if got.String() != s {
			t.Errorf("%q round-trips as %q", s, got.String())
		}
	}
	for _, s := range []string{"", "21", "2021-1", "2021-13", "2021-00", "2021-02-30", "2023-02-29", "2021-12-25-1", "0000", "2021/12", "２０２１", "+021", "2021-1a", " 2021"} {
		if _, err := domain.ParsePartialDate(s); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("ParsePartialDate(%q) err = %v, want INVALID", s, err)
		}
	}
}

func TestDate(t *testing.T) {
	for _, c := range []struct {
		year, month, day int
		want             string // "" for INVALID
	}{
		{2021, 0, 0, "2021"},
		{2021, 12, 0, "2021-12"},
		{2024, 2, 29, "2024-02-29"},
		{9999, 12, 31, "9999-12-31"},
		{0, 0, 0, ""},
		{10000, 0, 0, ""},
		{70000, 0, 0, ""}, // would wrap around in the date's four bytes
		{-1, 0, 0, ""},
		{2021, 13, 0, ""},
		{2021, -1, 0, ""},
		{2021, 0, 5, ""}, // a day without its month
		{2023, 2, 29, ""},
		{2021, 12, 32, ""},
		{2021, 12, -1, ""},
	} {
		d, err := domain.Date(c.year, c.month, c.day)
		if c.want == "" {
			if !errors.Is(err, domain.ErrInvalid) {
				t.Errorf("Date(%d, %d, %d) = %v, %v; want INVALID", c.year, c.month, c.day, d, err)
			}
		} else if err != nil || d.String() != c.want {
			t.Errorf("Date(%d, %d, %d) = %v, %v; want %s", c.year, c.month, c.day, d, err, c.want)
		}
	}
}

func TestPartialDateOrderAndPeriods(t *testing.T) {
	d := domain.MustPartialDate
	ordered := []domain.PartialDate{{}, d("2020"), d("2020-12"), d("2020-12-31"), d("2021"), d("2021-01"), d("2021-01-01"), d("2021-01-02")}
	for i := 1; i < len(ordered); i++ {
		if ordered[i-1].Compare(ordered[i]) >= 0 || ordered[i].Compare(ordered[i-1]) <= 0 {
			t.Errorf("%q should sort before %q", ordered[i-1], ordered[i])
		}
	}
	if d("2024-02").Last() != 20240229 || d("2023-02").Last() != 20230228 || d("2021").First() != 20210101 || d("2021").Last() != 20211231 {
		t.Error("period bounds are wrong")
	}
}

func TestHoldsAt(t *testing.T) {
	d := domain.MustPartialDate
	r := &domain.Relationship{ValidFrom: d("2021-12"), ValidTo: d("2023-06")}
	tests := map[string]bool{
		"2021": true, "2021-06": false, "2021-12": true, "2021-12-01": true, "2021-11-30": false,
		"2022": true, "2023": true, "2023-06-30": true, "2023-07": false, "2024": false,
	}
	for at, want := range tests {
		if got := r.HoldsAt(d(at)); got != want {
			t.Errorf("from 2021-12 to 2023-06, holds at %s = %v, want %v", at, got, want)
		}
	}
	open := &domain.Relationship{}
	if !open.HoldsAt(d("1900")) || !r.HoldsAt(domain.PartialDate{}) {
		t.Error("unknown bounds or no date must not exclude")
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Assimi   GOÏTA’s  ", "assimi goita's"},
		{"mali", "mali"}, // already folded: returned as it is
		{"jama'at nusrat al-islam", "jama'at nusrat al-islam"},
		{"MINUSMA", "minusma"},
		{" leading", "leading"},
		{"trailing ", "trailing"},
		{"two  spaces", "two spaces"},
		{"tab\tand\nnewline", "tab and newline"},
		{"`quoted`", "'quoted'"},
		{"Kéïta", "keita"},
		{"Front de Libération du Macina – FLM", "front de liberation du macina - flm"},
		{"“Wagner”", `"wagner"`},
		{"東京", "東京"},
		{"", ""},
		// Abbreviations' dots go; other dots stay.
		{"U.S.", "us"},
		{"u.s", "us"},
		{"U.S. Department of State", "us department of state"},
		{"U.N.-backed", "un-backed"},
		{"(U.N.)", "(un)"},
		{"É.-U.", "e-u"},
		{"e.g. this", "eg this"},
		{"U..S", "us"},
		{"J. Smith", "j smith"},
		{"Capt. Amadou Haya Sanogo", "capt. amadou haya sanogo"},
		{"St. Louis", "st. louis"},
		{"3.5 million", "3.5 million"},
		{"P.L. 110-457", "pl 110-457"},
		{"v1.2", "v1.2"},
		{"example.com", "example.com"},
		{"...", "..."},
	}
	for _, tt := range tests {
		if got := domain.Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := domain.Fold(tt.want); got != tt.want {
			t.Errorf("Fold(%q) = %q: folding twice must change nothing", tt.want, got)
		}
	}
}

func TestMatchRank(t *testing.T) {
	e := &domain.Entity{ID: "jnim", Name: "Jama'at Nusrat al-Islam wal-Muslimin", Aliases: []string{"JNIM", "Union for Supporting Islam and Muslims"}}
	tests := []struct {
		text string
		rank int
		ok   bool
	}{
		{"jnim", domain.RankExact, true},
		{"jama'at nusrat al-islam wal-muslimin", domain.RankExact, true},
		{"union for supporting islam and muslims", domain.RankAlias, true},
		{"jama", domain.RankPrefix, true},
		{"union supp", domain.RankTokens, true},
		{"islam union", domain.RankTokens, true},
		{"islamic", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		rank, ok := domain.MatchRank(e, domain.Fold(tt.text))
		if rank != tt.rank || ok != tt.ok {
			t.Errorf("MatchRank(%q) = %d %v, want %d %v", tt.text, rank, ok, tt.rank, tt.ok)
		}
	}
}

// TestMatchRankCountryCodes checks that a country is found by its ISO 3166
// codes, alpha-3 and alpha-2, in any case and with dots, and only by the
// whole code.
func TestMatchRankCountryCodes(t *testing.T) {
	us := &domain.Entity{ID: "united-states", Kind: domain.KindCountry, Name: "United States", Aliases: []string{"U.S."}, ISO3: "USA"}
	niger := &domain.Entity{ID: "niger", Kind: domain.KindCountry, Name: "Niger", ISO3: "NER"}
	unknown := &domain.Entity{ID: "atlantis", Kind: domain.KindCountry, Name: "Atlantis", ISO3: "ATL"}
	notCountry := &domain.Entity{ID: "usaid", Kind: domain.KindOrganization, Name: "Agency", ISO3: "USA"}
	tests := []struct {
		e    *domain.Entity
		text string
		rank int
		ok   bool
	}{
		{us, "USA", domain.RankAlias, true},
		{us, "usa", domain.RankAlias, true},
		{us, "U.S.A.", domain.RankAlias, true},
		{us, "US", domain.RankAlias, true},
		{us, "u.s.", domain.RankAlias, true},
		{us, "united", domain.RankPrefix, true},
		{us, "u", domain.RankPrefix, true},
		{niger, "NE", domain.RankAlias, true},
		{niger, "ner", domain.RankAlias, true},
		{niger, "n", domain.RankPrefix, true},    // the name's prefix
		{niger, "nr", 0, false},                  // not a code, not a name
		{unknown, "atl", domain.RankAlias, true}, // an iso3 the ISO table lacks is still a code
		{unknown, "at", domain.RankPrefix, true}, // by the name, not the code
		{notCountry, "usa", 0, false},            // only countries have codes
	}
	for _, tt := range tests {
		rank, ok := domain.MatchRank(tt.e, domain.Fold(tt.text))
		if rank != tt.rank || ok != tt.ok {
			t.Errorf("MatchRank(%s, %q) = %d %v, want %d %v", tt.e.ID, tt.text, rank, ok, tt.rank, tt.ok)
		}
	}
	if got := domain.CountryCodes(us); !slices.Equal(got, []string{"USA", "US"}) {
		t.Errorf("CountryCodes(united-states) = %q", got)
	}
	for code, want := range map[string]bool{"MLI": true, "USA": true, "CIV": true, "mli": false, "ATL": false, "ZZZ": false, "AAA": false, "US": false, "": false} {
		if got := domain.ValidISO3(code); got != want {
			t.Errorf("ValidISO3(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestErrorCodes(t *testing.T) {
	err := domain.Invalidf("bad %s", "thing")
	if !errors.Is(err, domain.ErrInvalid) || errors.Is(err, domain.ErrNotFound) || domain.ErrorCode(err) != domain.CodeInvalid {
		t.Errorf("Invalidf: %v", err)
	}
	wrapped := errors.Join(errors.New("context"), domain.NotFoundf("no %s", "x"))
	if domain.ErrorCode(wrapped) != domain.CodeNotFound {
		t.Errorf("wrapped code = %s", domain.ErrorCode(wrapped))
	}
	if domain.ErrorCode(errors.New("boom")) != domain.CodeInternal || domain.ErrorCode(nil) != "" {
		t.Error("plain errors are INTERNAL, nil has no code")
	}
}
