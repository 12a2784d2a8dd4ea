package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/conflictgraph/conflictgraph/analysis"
	"github.com/conflictgraph/conflictgraph/domain"
)

func testTimeline(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	d := domain.MustPartialDate
	tests := []struct {
		name string
		q    analysis.TimelineQuery
		want []string // "date summary"
	}{
		{"a year before its months", analysis.TimelineQuery{EntityID: "front"}, []string{
			"2012 Liberation Front fights Atlantis",
			"2012 Liberation Front operates in Lémuria",
			"2012-01 Liberation Front is formed",
			"2015-06 Ends: Liberation Front operates in Lémuria",
			"2017-03 Union for the Front formed from Liberation Front",
			"2020 Factions of the Front fought each other.",
			"2021-12-25 Ambush: Border ambush",
			"2021-12-25 Liberation Front attacked Atlantis",
		}},
		{"from and to", analysis.TimelineQuery{EntityID: "front", From: d("2013"), To: d("2020-06")}, []string{
			"2015-06 Ends: Liberation Front operates in Lémuria",
			"2017-03 Union for the Front formed from Liberation Front",
			"2020 Factions of the Front fought each other.",
		}},
		{"kinds", analysis.TimelineQuery{EntityID: "front", Kinds: []domain.EntityKind{domain.KindCountry}}, []string{
			"2012 Liberation Front fights Atlantis",
			"2012 Liberation Front operates in Lémuria",
			"2015-06 Ends: Liberation Front operates in Lémuria",
			"2021-12-25 Liberation Front attacked Atlantis",
		}},
		{"linked coups and events", analysis.TimelineQuery{EntityID: "atlantis", From: d("2020"), To: d("2021")}, []string{
			"2020-08 Coup d'état: 2020 coup in Atlantis",
			"2020-08 Ends: Atlantis is led by Ibrahim Boubacar Kéïta",
			"2021-12-25 Ambush: Border ambush",
			"2021-12-25 Liberation Front attacked Atlantis",
		}},
		{"nothing dated", analysis.TimelineQuery{EntityID: "hermit"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, err := analysis.Timeline(ctx, st, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range entries {
				got = append(got, e.Date.String()+" "+e.Summary)
				if len(e.Citations) == 0 || (e.Entity == nil) == (e.Relationship == nil) {
					t.Errorf("entry %q: %d citations, entity %v, relationship %v", e.Summary, len(e.Citations), e.Entity != nil, e.Relationship != nil)
				}
			}
			wantIDs(t, "timeline", got, tt.want)
		})
	}
	if _, err := analysis.Timeline(ctx, st, analysis.TimelineQuery{EntityID: "nobody"}); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("unknown entity: err = %v, want NOT_FOUND", err)
	}
	if _, err := analysis.Timeline(ctx, st, analysis.TimelineQuery{EntityID: "front", From: d("2021"), To: d("2020")}); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("to before from: err = %v, want INVALID", err)
	}
}

// aidGraph adds to the fixture a ministry that runs the training program,
// more amounts of several kinds, qualifiers, years and currencies, and aid
// given without a program.
func aidGraph() *domain.Graph {
	cite := []domain.Citation{{SourceID: "doc-a", Quote: "The Training Program."}}
	fy := func(y int) *int { return &y }
	money := func(v string, cur string, q domain.Qualifier, year *int) *domain.Money {
		minor, err := domain.ParseAmount(v, cur)
		if err != nil {
			panic(err) // the amounts below are written right
		}
		return &domain.Money{Minor: minor, Currency: cur, Qualifier: q, FiscalYear: year}
	}
	rel := func(id string, t domain.RelationType, from, to string, m *domain.Money) *domain.Relationship {
		return &domain.Relationship{ID: id, Type: t, FromID: from, ToID: to, Amount: m, Certainty: domain.CertaintyStated, Citations: cite}
	}
	return &domain.Graph{
		Entities: []*domain.Entity{
			{ID: "ministry", Kind: domain.KindOrganization, Name: "Ministry of Training", Category: "GOVERNMENT_AGENCY", Citations: cite},
			{ID: "relief-program", Kind: domain.KindAidProgram, Name: "Relief Program", Citations: cite},
		},
		Relationships: []*domain.Relationship{
			rel("training-program.administered-by.ministry", domain.RelAdministeredBy, "training-program", "ministry", nil),
			rel("ministry.part-of.lemuria", domain.RelPartOf, "ministry", "lemuria", nil),
			rel("training-program.funded.atlantis.fy2020", domain.RelFunded, "training-program", "atlantis", money("1000000", "USD", domain.QualifierExact, fy(2020))),
			rel("training-program.funded.atlantis.fy2020.extra", domain.RelFunded, "training-program", "atlantis", money("500000", "USD", domain.QualifierExact, fy(2020))),
			rel("training-program.waived.atlantis", domain.RelWaived, "training-program", "atlantis", money("400000", "USD", domain.QualifierAbout, nil)),
			rel("training-program.denied.atlantis.fy2021", domain.RelDenied, "training-program", "atlantis", money("50000", "USD", domain.QualifierExact, fy(2021))),
			rel("training-program.prohibited.atlantis", domain.RelProhibited, "training-program", "atlantis", money("70000", "USD", domain.QualifierAtLeast, nil)),
			rel("lemuria.funded.atlantis", domain.RelFunded, "lemuria", "atlantis", money("300000", "EUR", domain.QualifierExact, nil)),
			rel("lemuria.pledged.atlantis", domain.RelPledged, "lemuria", "atlantis", money("900000", "USD", domain.QualifierAtMost, nil)),
			rel("relief-program.funded.atlantis", domain.RelFunded, "relief-program", "atlantis", money("200000", "USD", domain.QualifierExact, fy(2020))),
			rel("relief-program.funded.lemuria", domain.RelFunded, "relief-program", "lemuria", money("999", "USD", domain.QualifierExact, nil)),
			// Amounts a float cannot add: tenths that do not sum in binary,
			// in a currency of three decimals, and cents past 2^53.
			rel("relief-program.funded.atlantis.a", domain.RelFunded, "relief-program", "atlantis", money("0.100", "BHD", domain.QualifierExact, nil)),
			rel("relief-program.funded.atlantis.b", domain.RelFunded, "relief-program", "atlantis", money("0.2", "BHD", domain.QualifierExact, nil)),
			rel("relief-program.proposed.atlantis.a", domain.RelProposed, "relief-program", "atlantis", money("90071992547409.93", "USD", domain.QualifierExact, nil)),
			rel("relief-program.proposed.atlantis.b", domain.RelProposed, "relief-program", "atlantis", money("0.01", "USD", domain.QualifierExact, nil)),
			rel("relief-program.pledged.atlantis", domain.RelPledged, "relief-program", "atlantis", money("500", "JPY", domain.QualifierAbout, nil)),
		},
	}
}

func testAidTotals(t *testing.T, st domain.Store) {
	loaded(t, st)
	MustLoad(t, st, aidGraph())
	ctx := context.Background()
	render := func(totals []*analysis.AidTotal) []string {
		var out []string
		for _, a := range totals {
			s := fmt.Sprintf("%s %s %s %s", a.Kind, a.Amount.Decimal(), a.Amount.Currency, a.Amount.Qualifier)
			if a.Amount.FiscalYear != nil {
				s += fmt.Sprintf(" fy%d", *a.Amount.FiscalYear)
			}
			if a.Program != nil {
				s += " program=" + a.Program.ID
			}
			if a.Donor != nil {
				s += " donor=" + a.Donor.ID
			}
			if a.FiscalYear != nil {
				s += fmt.Sprintf(" group-fy=%d", *a.FiscalYear)
			}
			s += fmt.Sprintf(" (%d)", len(a.Relationships))
			out = append(out, s)
		}
		return out
	}
	tests := []struct {
		name string
		q    analysis.AidQuery
		want []string
	}{
		// The fixture's own amount: training-program funded atlantis FY2019, at least 2.3M.
		{"by program: qualifiers, kinds and currencies kept apart", analysis.AidQuery{Recipient: "atlantis", GroupBy: []analysis.AidGrouping{analysis.ByProgram}}, []string{
			"ALLOCATED 0.300 BHD EXACT program=relief-program (2)", // 0.1 + 0.2, exactly, with BHD's three decimals
			"ALLOCATED 300000.00 EUR EXACT (1)",
			"ALLOCATED 200000.00 USD EXACT fy2020 program=relief-program (1)",
			"ALLOCATED 3800000.00 USD AT_LEAST program=training-program (3)",
			"WAIVED 400000.00 USD ABOUT program=training-program (1)",
			"PROHIBITED_OR_DENIED 120000.00 USD AT_LEAST program=training-program (2)",
			"PLEDGED 500 JPY ABOUT program=relief-program (1)", // no decimals in yen
			"PLEDGED 900000.00 USD AT_MOST (1)",
			"PROPOSED 90071992547409.94 USD EXACT program=relief-program (2)", // past 2^53 cents, to the cent
		}},
		{"by donor, through the program's agency", analysis.AidQuery{Recipient: "atlantis", GroupBy: []analysis.AidGrouping{analysis.ByDonor}}, []string{
			"ALLOCATED 0.300 BHD EXACT (2)",
			"ALLOCATED 300000.00 EUR EXACT donor=lemuria (1)",
			"ALLOCATED 200000.00 USD EXACT fy2020 (1)",
			"ALLOCATED 3800000.00 USD AT_LEAST donor=lemuria (3)",
			"WAIVED 400000.00 USD ABOUT donor=lemuria (1)",
			"PROHIBITED_OR_DENIED 120000.00 USD AT_LEAST donor=lemuria (2)",
			"PLEDGED 500 JPY ABOUT (1)",
			"PLEDGED 900000.00 USD AT_MOST donor=lemuria (1)",
			"PROPOSED 90071992547409.94 USD EXACT (2)",
		}},
		{"by fiscal year", analysis.AidQuery{Recipient: "atlantis", GroupBy: []analysis.AidGrouping{analysis.ByFiscalYear}, FiscalYears: []int{2019, 2020}}, []string{
			"ALLOCATED 2300000.00 USD AT_LEAST fy2019 group-fy=2019 (1)",
			"ALLOCATED 1700000.00 USD EXACT fy2020 group-fy=2020 (3)",
		}},
		{"donor filter matches the agency in the chain", analysis.AidQuery{Recipient: "atlantis", Donor: "ministry"}, []string{
			"ALLOCATED 3800000.00 USD AT_LEAST (3)",
			"WAIVED 400000.00 USD ABOUT (1)",
			"PROHIBITED_OR_DENIED 120000.00 USD AT_LEAST (2)",
		}},
		{"programs filter", analysis.AidQuery{Recipient: "atlantis", Programs: []string{"relief-program"}, GroupBy: []analysis.AidGrouping{analysis.ByProgram}}, []string{
			"ALLOCATED 0.300 BHD EXACT program=relief-program (2)",
			"ALLOCATED 200000.00 USD EXACT fy2020 program=relief-program (1)",
			"PLEDGED 500 JPY ABOUT program=relief-program (1)",
			"PROPOSED 90071992547409.94 USD EXACT program=relief-program (2)",
		}},
		{"no grouping", analysis.AidQuery{Recipient: "atlantis", FiscalYears: []int{2021}}, []string{
			"PROHIBITED_OR_DENIED 50000.00 USD EXACT fy2021 (1)",
		}},
		{"nothing received", analysis.AidQuery{Recipient: "hermit"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			totals, err := analysis.AidTotals(ctx, st, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			wantIDs(t, "totals", render(totals), tt.want)
			for _, a := range totals {
				if !slices.IsSortedFunc(a.Relationships, func(x, y *domain.Relationship) int { return cmpString(x.ID, y.ID) }) {
					t.Errorf("relationships of %s not ordered by id", a.Kind)
				}
			}
		})
	}
	// Through the API and the export, the amounts are exact decimal strings,
	// byte for byte the embedded store's.
	got, want := withReference(t, st, Fixture(), aidGraph())
	query := `{ aidTotals(recipient: "atlantis", groupBy: [PROGRAM]) { kind amount { value currency qualifier fiscalYear } relationships { id amount { value currency } } } }`
	g, w := answers(t, got, query, nil, "", false)[0], answers(t, want, query, nil, "", false)[0]
	if !bytes.Equal(g, w) {
		t.Errorf("aidTotals differ from the embedded store's:\n got  %s\n want %s", g, w)
	}
	for _, exact := range []string{`{"value":"90071992547409.94","currency":"USD"`, `{"value":"0.300","currency":"BHD"`, `{"value":"500","currency":"JPY"`, `{"value":"0.100","currency":"BHD"}`} {
		if !bytes.Contains(w, []byte(exact)) {
			t.Errorf("aidTotals lack %s:\n%s", exact, w)
		}
	}
	target := "/export?format=cytoscape&id=atlantis&depth=1"
	g, w = exportBytes(t, got, target), exportBytes(t, want, target)
	if !bytes.Equal(g, w) {
		t.Errorf("%s differs from the embedded store's:\n got  %s\n want %s", target, g, w)
	}
	if !bytes.Contains(w, []byte(`"amount":{"currency":"USD","qualifier":"EXACT","value":"90071992547409.93"}`)) {
		t.Errorf("%s lacks the exact amount:\n%s", target, w)
	}
	if _, err := analysis.AidTotals(ctx, st, analysis.AidQuery{Recipient: "nobody"}); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("unknown recipient: err = %v, want NOT_FOUND", err)
	}
	if _, err := analysis.AidTotals(ctx, st, analysis.AidQuery{Recipient: "atlantis", GroupBy: []analysis.AidGrouping{"COLOUR"}}); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("unknown grouping: err = %v, want INVALID", err)
	}
}

// RatesAndRanges is a graph of what sources say less simply: a rate per
// month, amounts given as ranges, a figure that is a reported estimate with
// a range and an attribution, and citations located in their source.
func RatesAndRanges() *domain.Graph {
	cite := []domain.Citation{{SourceID: "doc-a", Quote: "The Training Program.", Locator: "page 4"}}
	minor := func(v int64) *int64 { return &v }
	num := func(v float64) *float64 { return &v }
	rel := func(id string, m *domain.Money) *domain.Relationship {
		return &domain.Relationship{ID: id, Type: domain.RelFunded, FromID: "lemuria", ToID: "hermit", Amount: m,
			Certainty: domain.CertaintyReported, Attribution: "according to the Society", Citations: cite}
	}
	return &domain.Graph{
		Entities: []*domain.Entity{{ID: "hermit", Kind: domain.KindOrganization, Name: "Hermit Society", Category: "NGO",
			Citations: []domain.Citation{{SourceID: "doc-a", Quote: "The Hermit Society keeps to itself."}},
			Figures: []domain.Figure{{Measure: "members", Value: 40, Low: num(30), High: num(45), Unit: "people", Qualifier: domain.QualifierAbout,
				Certainty: domain.CertaintyReported, Attribution: "the Society's own figures", Citations: cite}}}},
		Relationships: []*domain.Relationship{
			rel("lemuria.funded.hermit.monthly", &domain.Money{Minor: 100_000_00, Currency: "USD", Qualifier: domain.QualifierExact, Period: domain.PeriodPerMonth}),
			rel("lemuria.funded.hermit.monthly-more", &domain.Money{Minor: 50_000_00, Currency: "USD", Qualifier: domain.QualifierAbout, Period: domain.PeriodPerMonth}),
			rel("lemuria.funded.hermit.grant", &domain.Money{Minor: 1_000_000_00, Low: minor(800_000_00), High: minor(1_200_000_00), Currency: "USD", Qualifier: domain.QualifierAbout}),
			rel("lemuria.funded.hermit.gift", &domain.Money{Minor: 10_000_00, Currency: "USD", Qualifier: domain.QualifierExact}),
		},
	}
}

// testRatesAndRanges checks that every backend keeps rates, ranges, a
// figure's certainty and attribution and a citation's locator, and that no
// sum adds a rate to a total.
func testRatesAndRanges(t *testing.T, st domain.Store) {
	loaded(t, st)
	MustLoad(t, st, RatesAndRanges())
	ctx := context.Background()
	want := RatesAndRanges()
	got, err := st.EntitiesByIDs(ctx, []string{"hermit"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normalizeEntity(got[0]), normalizeEntity(want.Entities[0])) {
		t.Errorf("hermit:\n got  %+v\n want %+v", got[0], want.Entities[0])
	}
	for _, r := range want.Relationships {
		rels, err := st.RelationshipsByIDs(ctx, []string{r.ID})
		if err != nil {
			t.Fatal(err)
		}
		if !EqualRelationship(rels[0], r) {
			t.Errorf("%s:\n got  %+v\n want %+v", r.ID, rels[0], r)
		}
	}
	totals, err := analysis.AidTotals(ctx, st, analysis.AidQuery{Recipient: "hermit"})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, a := range totals {
		s := fmt.Sprintf("%s %s %s %s", a.Kind, a.Amount.Decimal(), a.Amount.Currency, a.Amount.Qualifier)
		if a.Amount.Period != "" {
			s += " " + string(a.Amount.Period)
		}
		if a.Amount.Low != nil {
			s += " from " + a.Amount.DecimalOf(*a.Amount.Low) + " to " + a.Amount.DecimalOf(*a.Amount.High)
		}
		lines = append(lines, fmt.Sprintf("%s (%d)", s, len(a.Relationships)))
	}
	wantIDs(t, "totals", lines, []string{
		"ALLOCATED 1010000.00 USD ABOUT from 810000.00 to 1210000.00 (2)", // the grant's range and the gift
		"ALLOCATED 150000.00 USD ABOUT PER_MONTH (2)",                     // the two monthly rates, never in the total
	})
	// Through the API, byte for byte the embedded store's.
	api, ref := withReference(t, st, Fixture(), RatesAndRanges())
	query := `{ entity(id: "hermit") { figures { value low high period certainty attribution citations { quote locator } } }
	  aidTotals(recipient: "hermit") { amount { value period low high qualifier } }
	  r: node(id: "lemuria.funded.hermit.grant") { ... on Relationship { attribution amount { value low high period } citations { locator } } } }`
	g, w := answers(t, api, query, nil, "", false)[0], answers(t, ref, query, nil, "", false)[0]
	if !bytes.Equal(g, w) {
		t.Errorf("the API differs from the embedded store's:\n got  %s\n want %s", g, w)
	}
	for _, part := range []string{`"low":30,"high":45,"period":null,"certainty":"REPORTED","attribution":"the Society's own figures"`,
		`"locator":"page 4"`, `{"value":"150000.00","period":"PER_MONTH","low":null,"high":null,"qualifier":"ABOUT"}`,
		`"attribution":"according to the Society","amount":{"value":"1000000.00","low":"800000.00","high":"1200000.00","period":null}`} {
		if !bytes.Contains(w, []byte(part)) {
			t.Errorf("the API's answer lacks %s:\n%s", part, w)
		}
	}
}
