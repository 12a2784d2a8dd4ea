package server_test

// The tests in this file serve the real seed graph and check, through
// GraphQL only, what the five seed documents (seed/docs) state. Every
// expected value comes from the documents' text, quoted beside it, not from
// the YAML: a wrong number, qualifier, date, certainty or a lost link in any
// layer (seed parsing, store, resolvers, marshalling) fails one of them.
//
// Source ids: stimson-cspa-mali (000, Stimson CSPA tracker),
// state-twes-2018-mali (001, To Walk the Earth in Safety 2018),
// crs-if10116-2024 (002, CRS brief of December 2024), crs-if10116-2020 (003,
// CRS brief of January 2020), state-crt-2021-mali (004, Country Reports on
// Terrorism 2021).

import (
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/seed"
	"github.com/conflictgraph/conflictgraph/server"
	"github.com/conflictgraph/conflictgraph/storetest"
)

const (
	stimson = "stimson-cspa-mali"
	twes    = "state-twes-2018-mali"
	crs2024 = "crs-if10116-2024"
	crs2020 = "crs-if10116-2020"
	crt2021 = "state-crt-2021-mali"
)

// newSeedAPI serves the real seed graph through the same handler chain as
// the command.
func newSeedAPI(t *testing.T) http.Handler {
	t.Helper()
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	st := embedded.New()
	storetest.MustLoad(t, st, s.Graph)
	return mustHandler(t, server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

type seedCitation struct {
	Quote  string
	Source struct{ ID, Title string }
}

type seedMoney struct {
	Value      string // an exact decimal
	Currency   string
	Qualifier  string
	FiscalYear *int
	Period     *string // a rate's period; null for a total
}

type seedRel struct {
	ID, Type, Certainty string
	Attribution         *string
	ValidFrom, ValidTo  *string
	Count               *int
	Amount              *seedMoney
	From, To            struct{ ID string }
	Citations           []seedCitation
}

func (r seedRel) String() string {
	s := fmt.Sprintf("%s %s %s from %s to %s, %s, count %s", r.From.ID, r.Type, r.To.ID, str(r.ValidFrom), str(r.ValidTo), r.Certainty, intStr(r.Count))
	if a := r.Amount; a != nil {
		s += fmt.Sprintf(", %s %s %s FY%s", a.Qualifier, a.Value, a.Currency, intStr(a.FiscalYear))
	}
	return s
}

// cites reports whether one of the citations is from the source.
func cites(cs []seedCitation, source string) bool {
	return slices.ContainsFunc(cs, func(c seedCitation) bool { return c.Source.ID == source })
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func intStr(p *int) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

// n makes an expected optional number.
func n(v int) *int { return &v }

const seedRelFields = `id type certainty attribution validFrom validTo count
	amount { value currency qualifier fiscalYear period }
	from { id } to { id }
	citations { quote source { id title } }`

// seedRels returns all of an entity's relationships passing the filter,
// following the cursors. dir is OUT, IN or BOTH; asOf "" and no types mean
// no filter. It fails the test if the entity does not exist.
func seedRels(t *testing.T, h http.Handler, id, dir, asOf string, types ...string) []seedRel {
	t.Helper()
	vars := map[string]any{"id": id, "dir": dir, "asOf": nil, "types": nil, "after": nil}
	if asOf != "" {
		vars["asOf"] = asOf
	}
	if len(types) > 0 {
		vars["types"] = types
	}
	var out []seedRel
	for range 100 {
		var got struct {
			Entity *struct {
				Relationships struct {
					TotalCount int
					PageInfo   struct {
						HasNextPage bool
						EndCursor   *string
					}
					Edges []struct{ Node seedRel }
				}
			}
		}
		post(t, h, `query($id: ID!, $dir: Direction!, $asOf: PartialDate, $types: [RelationType!], $after: String) {
			entity(id: $id) { relationships(direction: $dir, asOf: $asOf, types: $types, first: 40, after: $after) {
				totalCount pageInfo { hasNextPage endCursor } edges { node { `+seedRelFields+` } } } } }`, vars).decode(t, &got)
		if got.Entity == nil {
			t.Fatalf("no entity %q", id)
		}
		rc := got.Entity.Relationships
		for _, e := range rc.Edges {
			out = append(out, e.Node)
		}
		if !rc.PageInfo.HasNextPage {
			if len(out) != rc.TotalCount {
				t.Errorf("%s: paged through %d relationships, totalCount says %d", id, len(out), rc.TotalCount)
			}
			return out
		}
		vars["after"] = *rc.PageInfo.EndCursor
	}
	t.Fatalf("%s: relationships never reached the last page", id)
	return nil
}

// others returns the sorted, distinct endpoints of rels other than id.
func others(rels []seedRel, id string) []string {
	var out []string
	for _, r := range rels {
		o := r.To.ID
		if o == id {
			o = r.From.ID
		}
		out = append(out, o)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestSeedAmounts checks amounts of money: value, currency, the source's
// qualifier ("more than", "nearly") and the fiscal year where the document
// gives one, and none where it does not.
func TestSeedAmounts(t *testing.T) {
	h := newSeedAPI(t)
	tests := []struct {
		doc               string // the document's words
		from, typ, to     string
		value             string // exact, in dollars and cents
		qualifier         string
		fiscalYear        *int
		certainty, source string
	}{
		{`"the president has waived nearly $5.9 million in Direct Commercial Sales"`,
			"direct-commercial-sales", "WAIVED", "mali", "5900000.00", "ABOUT", nil, "STATED", stimson},
		{`"more than $2.3 million in International Military Education and Training"`,
			"imet", "WAIVED", "mali", "2300000.00", "AT_LEAST", nil, "STATED", stimson},
		{`"more than $8.5 million in Section 1206 or Section 333 assistance"`,
			"section-1206-333", "WAIVED", "mali", "8500000.00", "AT_LEAST", nil, "STATED", stimson},
		{`"the country was denied $850,000 in International Military Education for FY2021"`,
			"imet", "DENIED", "mali", "850000.00", "EXACT", n(2021), "STATED", stimson},
		{`"The deal, for which Mali reportedly agreed to pay Wagner $10 million per month"`,
			"mali", "FUNDED", "wagner-group", "10000000.00", "EXACT", nil, "REPORTED", crs2024},
		{`TWES table, "Dollars in thousands": "DOS NADR - CWD 1,200 500 1,000 2,700" (column years lost, so no fiscal year)`,
			"nadr-cwd", "FUNDED", "mali", "2700000.00", "EXACT", nil, "STATED", twes},
		{`TWES table: "DoD 0 170 182 352" (thousands; no fiscal year)`,
			"us-department-of-defense", "FUNDED", "mali", "352000.00", "EXACT", nil, "STATED", twes},
		{`"Congress appropriated $140 million in bilateral aid in FY2018"`,
			"united-states", "FUNDED", "mali", "140000000.00", "EXACT", n(2018), "STATED", crs2020},
		{`"U.S. emergency humanitarian assistance for Mali totaled $89 million in FY2019"`,
			"united-states", "FUNDED", "mali", "89000000.00", "EXACT", n(2019), "STATED", crs2020},
		{`"The United States allocated $128 million in bilateral aid for Mali in FY2023"`,
			"united-states", "FUNDED", "mali", "128000000.00", "EXACT", n(2023), "STATED", crs2024},
		{`"... in FY2023 ..., in addition to $84 million in humanitarian aid"`,
			"united-states", "FUNDED", "mali", "84000000.00", "EXACT", n(2023), "STATED", crs2024},
		{`"The Biden Administration proposed to reduce bilateral aid to $87 million in FY2025"`,
			"biden-administration", "PROPOSED", "mali", "87000000.00", "EXACT", n(2025), "STATED", crs2024},
		{`"The Trump Administration has pledged $111 million in military aid specifically for G5 Sahel forces since 2017"`,
			"trump-administration", "PLEDGED", "g5-sahel-joint-force", "111000000.00", "EXACT", nil, "STATED", crs2020},
		// "estimated at" is a hedge, not "about": the sum is worded exactly,
		// and the estimate is REPORTED.
		{`"U.S. funding for MINUSMA's budget was estimated at $327 million in FY2019"`,
			"united-states", "FUNDED", "minusma", "327000000.00", "EXACT", n(2019), "REPORTED", crs2020},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s %s %s", tt.from, tt.typ, tt.to, tt.value), func(t *testing.T) {
			var matches, all []seedRel
			for _, r := range seedRels(t, h, tt.from, "OUT", "", tt.typ) {
				if r.To.ID != tt.to {
					continue
				}
				all = append(all, r)
				if r.Amount != nil && r.Amount.Value == tt.value {
					matches = append(matches, r)
				}
			}
			if len(matches) != 1 {
				t.Fatalf("%s: want one %s %s %s of %s, found %d among %v", tt.doc, tt.from, tt.typ, tt.to, tt.value, len(matches), all)
			}
			r := matches[0]
			a := r.Amount
			if a.Currency != "USD" || a.Qualifier != tt.qualifier || intStr(a.FiscalYear) != intStr(tt.fiscalYear) || r.Certainty != tt.certainty {
				t.Errorf("%s: got %v; want %s %s USD FY%s, %s", tt.doc, r, tt.qualifier, tt.value, intStr(tt.fiscalYear), tt.certainty)
			}
			if !cites(r.Citations, tt.source) {
				t.Errorf("%s: %s does not cite %s: %+v", tt.doc, r.ID, tt.source, r.Citations)
			}
		})
	}
}

// TestSeedAidTotals checks Mali's aid totals, summed exactly: every amount
// is a decimal string to the cent, never a float such as 4.41352e+08.
func TestSeedAidTotals(t *testing.T) {
	h := newSeedAPI(t)
	var got struct {
		AidTotals []struct {
			Kind   string
			Amount struct {
				Value, Currency, Qualifier string
				FiscalYear                 *int
			}
			Relationships []struct{ ID string }
		}
	}
	post(t, h, `{ aidTotals(recipient: "mali") { kind amount { value currency qualifier fiscalYear } relationships { id } } }`, nil).decode(t, &got)
	var totals []string
	for _, a := range got.AidTotals {
		totals = append(totals, fmt.Sprintf("%s %s %s %s FY%s (%d)", a.Kind, a.Amount.Value, a.Amount.Currency, a.Amount.Qualifier, intStr(a.Amount.FiscalYear), len(a.Relationships)))
	}
	want := []string{
		// Given without a program: $140 million (FY2018, 2020 brief), $89
		// million (FY2019), $128 million and $84 million (FY2023, 2024 brief),
		// and DoD's 352 thousand (TWES table): 441,352,000 dollars.
		"ALLOCATED 441352000.00 USD EXACT FYnull (5)",
		"ALLOCATED 2700000.00 USD EXACT FYnull (1)",           // NADR-CWD, "2,700" thousand
		"WAIVED 5900000.00 USD ABOUT FYnull (1)",              // "nearly $5.9 million in Direct Commercial Sales"
		"WAIVED 2300000.00 USD AT_LEAST FYnull (1)",           // "more than $2.3 million in International Military Education and Training"
		"WAIVED 8500000.00 USD AT_LEAST FYnull (1)",           // "more than $8.5 million in Section 1206 or Section 333 assistance"
		"PROHIBITED_OR_DENIED 850000.00 USD EXACT FY2021 (1)", // "denied $850,000 ... for FY2021"
		"PROPOSED 87000000.00 USD EXACT FY2025 (1)",           // "reduce bilateral aid to $87 million in FY2025"
	}
	if !slices.Equal(totals, want) {
		t.Errorf("aid totals of mali:\n got  %q\n want %q", totals, want)
	}
}

// TestSeedFiguresAreWrittenInFull checks that figures come as the exports
// write them: "more than $16.8 million" is 16800000, not 1.68e+07, and
// "over 7 million Malians" 7000000.
func TestSeedFiguresAreWrittenInFull(t *testing.T) {
	h := newSeedAPI(t)
	data := string(post(t, h, `{ entity(id: "mali") { figures { value unit } } }`, nil).Data)
	for _, want := range []string{`{"value":16800000,"unit":"USD"}`, `{"value":7000000,"unit":"people"}`} {
		if !strings.Contains(data, want) {
			t.Errorf("figures of mali lack %s:\n%s", want, data)
		}
	}
	if strings.Contains(data, "e+") {
		t.Errorf("a figure is written with an exponent:\n%s", data)
	}
}

type seedFigure struct {
	Measure, Unit, Qualifier string
	Value                    float64
	Date                     *string
	Citations                []seedCitation
}

// TestSeedFigures checks the numbers the documents give about an entity,
// each picked by a word of its measure; where two documents disagree
// (MINUSMA's size) both figures must be there, each with its own source.
func TestSeedFigures(t *testing.T) {
	h := newSeedAPI(t)
	tests := []struct {
		doc       string
		entity    string
		measure   string // a fragment of the measure, naming one figure
		value     float64
		unit      string
		qualifier string
		date      string // "" when the document gives none
		source    string
	}{
		{`2020: "(MINUSMA) is authorized at up to 15,209 uniformed personnel"`,
			"minusma", "authorized", 15209, "personnel", "AT_MOST", "2020", crs2020},
		{`2024: "a decade-long UN peacekeeping mission in Mali, which had about 15,000 troops and police"`,
			"minusma", "troops and police", 15000, "personnel", "ABOUT", "2023", crs2024},
		{`"As of late 2019, over 201,000 Malians were internally displaced"`,
			"mali", "internally displaced", 201000, "people", "AT_LEAST", "2019", crs2020},
		{`"nearly 139,000 were refugees in neighboring countries"`,
			"mali", "refugees", 139000, "people", "ABOUT", "2019", crs2020},
		{`"As of mid-2024, over 7 million Malians (one in three) were in need of humanitarian aid"`,
			"mali", "humanitarian aid", 7_000_000, "people", "AT_LEAST", "2024", crs2024},
		{`"with 1,826 fatalities recorded by Armed Conflict Location and Event Data Project for 2021"`,
			"mali", "fatalities", 1826, "fatalities", "EXACT", "2021", crt2021},
		{`"resulting in the provision of more than $16.8 million in arms sales and military assistance"`,
			"mali", "CSPA waivers", 16_800_000, "USD", "AT_LEAST", "", stimson},
		{`TWES table: "COUNTRY TOTAL 1,200 670 1,182 3,052", "Dollars in thousands"`,
			"mali", "country total", 3_052_000, "USD", "EXACT", "", twes},
		{`"From 2013 to 2017, the United States invested more than $3 million in Mali." (what had been invested by 2017)`,
			"mali", "2013-2017", 3_000_000, "USD", "AT_LEAST", "2017", twes},
		{`"estimated at over 1,500 in 2024"`,
			"russia", "Russian security personnel", 1500, "personnel", "AT_LEAST", "2024", crs2024},
		{`January 2020: "over 1,000 French troops are in Mali under Operation Barkhane"`,
			"operation-barkhane", "French troops", 1000, "troops", "AT_LEAST", "2020", crs2020},
		{`"In 2019, it was confirmed that Malian armed forces recruited and used at least 24 children"`,
			"fama", "children", 24, "children", "AT_LEAST", "2019", stimson},
		{`"it has secured more than 27,990 weapons"`,
			"mag", "weapons secured", 27990, "weapons", "AT_LEAST", "", twes},
		{`"killing more than 50 civilians" (Gao region, August 8)`,
			"gao-villages-attack-2021", "civilians killed", 50, "people", "AT_LEAST", "2021-08-08", crt2021},
		{`"at least 31 civilians were killed and 17 were wounded" (Bandiagara, December)`,
			"bandiagara-bus-attack-2021", "civilians killed", 31, "people", "AT_LEAST", "2021-12", crt2021},
		{`"designated Defense Minister Sadio Camara and two other military officials"`,
			"us-russia-related-sanctions-mali-2023", "officials", 3, "persons", "EXACT", "2023", crs2024},
	}
	for _, tt := range tests {
		t.Run(tt.entity+" "+tt.measure, func(t *testing.T) {
			var got struct {
				Entity *struct{ Figures []seedFigure }
			}
			post(t, h, `query($id: ID!) { entity(id: $id) { figures { measure value unit qualifier date citations { quote source { id title } } } } }`,
				map[string]any{"id": tt.entity}).decode(t, &got)
			if got.Entity == nil {
				t.Fatalf("no entity %q", tt.entity)
			}
			var matches []seedFigure
			for _, f := range got.Entity.Figures {
				if strings.Contains(strings.ToLower(f.Measure), strings.ToLower(tt.measure)) {
					matches = append(matches, f)
				}
			}
			if len(matches) != 1 {
				t.Fatalf("%s: want one figure measuring %q on %s, got %+v", tt.doc, tt.measure, tt.entity, got.Entity.Figures)
			}
			f := matches[0]
			if f.Value != tt.value || f.Unit != tt.unit || f.Qualifier != tt.qualifier || str(f.Date) != tt.date {
				t.Errorf("%s: got %s %v %s (%s) dated %q; want %s %v %s dated %q",
					tt.doc, f.Qualifier, f.Value, f.Unit, f.Measure, str(f.Date), tt.qualifier, tt.value, tt.unit, tt.date)
			}
			if !cites(f.Citations, tt.source) || len(f.Citations) == 0 || f.Citations[0].Quote == "" {
				t.Errorf("%s: figure %q does not cite %s: %+v", tt.doc, f.Measure, tt.source, f.Citations)
			}
		})
	}
}

// TestSeedLinks checks who links to whom: one relationship each, picked by
// its endpoints, type and start date, with its end, certainty, count and
// source. The certainty column holds the documents' hedges: "reportedly"
// is REPORTED, "accused"/"allegedly" ALLEGED, "claimed" CLAIMED.
func TestSeedLinks(t *testing.T) {
	h := newSeedAPI(t)
	tests := []struct {
		doc                string
		from, typ, to      string
		validFrom, validTo string // "" when the documents give none
		certainty          string
		count              *int
		source             string
	}{
		// JNIM
		{`CRT 2021: "JNIM — an AQ-affiliated umbrella group that formed when the Sahara branch of AQIM, al-Murabitoun, Ansar al-Dine, and the Macina Liberation Front merged"; CRS 2020: "In 2017, AQIM's Sahel branch merged with Al Murabitoun and two Malian-led groups"`,
			"jnim", "FORMED_FROM", "aqim-sahara-branch", "2017", "", "STATED", nil, crt2021},
		{`(as above)`, "jnim", "FORMED_FROM", "al-murabitoun", "2017", "", "STATED", nil, crt2021},
		{`(as above)`, "jnim", "FORMED_FROM", "ansar-al-dine", "2017", "", "STATED", nil, crt2021},
		{`(as above)`, "jnim", "FORMED_FROM", "macina-liberation-front", "2017", "", "STATED", nil, crt2021},
		{`"The Mali-based Union for Supporting Islam and Muslims (aka JNIM), an Al Qaeda-affiliated coalition"`,
			"jnim", "AFFILIATED_WITH", "al-qaeda", "", "", "STATED", nil, crs2024},
		{`"Iyad Ag Ghaly, a Malian Tuareg, heads JNIM"`,
			"jnim", "LED_BY", "iyad-ag-ghaly", "", "", "STATED", nil, crs2020},
		{`"JNIM and IS-Sahel appear to compete for recruits and have fought one another at times."`,
			"jnim", "FIGHTS", "isis-sahel", "", "", "REPORTED", nil, crs2024},
		{`"The Mali-based Union for Supporting Islam and Muslims (aka JNIM)"`,
			"jnim", "BASED_IN", "mali", "", "", "STATED", nil, crs2024},
		{`TWES 2018: "Malian and French forces, together with UN peacekeepers, have continued to engage in mid-intensity conflict with violent extremist organizations (VEOs)"`,
			"minusma", "FIGHTS", "violent-extremist-organizations", "", "", "STATED", nil, twes},
		{`CRS 2020: "France deployed its military to oust Islamist fighters from" the north AQIM's affiliates controlled`,
			"france-2013-intervention", "FIGHTS", "aqim", "2013", "", "STATED", nil, crs2020},
		// Leaders and coups
		{`"Assimi Goïta has served as Transition President since 2021"`,
			"mali", "LED_BY", "assimi-goita", "2021", "", "STATED", nil, crs2024},
		{`"Ibrahim Boubacar Kéïta was elected president later that year [2013]", "President Kéïta was reelected in 2018", "deposed former President Kéïta" (the 2020 coup)`,
			"mali", "LED_BY", "ibrahim-boubacar-keita", "2013", "2020", "STATED", nil, crs2024},
		{`CRT 2021: "on May 24, when military forces arrested transition President Bah N'Daw"`,
			"transition-government", "LED_BY", "bah-ndaw", "", "2021-05-24", "STATED", nil, crt2021},
		{`"Assimi Goita, who led the 2020 coup"`,
			"assimi-goita", "PERPETRATED", "coup-2020", "2020", "", "STATED", nil, crt2021},
		{`"A military junta seized power in 2020, Mali's second coup in nine years."`,
			"cnsp", "SEIZED_POWER", "mali", "2020", "", "STATED", nil, crs2024},
		{`"coup leader Capt. Amadou Haya Sanogo" (the 2012 coup)`,
			"amadou-haya-sanogo", "PERPETRATED", "coup-2012", "2012", "", "STATED", nil, crs2020},
		// Sanctions
		{`"The Biden Administration designated Defense Minister Sadio Camara ... under a Russia-related sanctions program in 2023"`,
			"us-russia-related-sanctions-mali-2023", "SANCTIONED", "sadio-camara", "2023", "", "STATED", nil, crs2024},
		{`"In 2022, the Administration designated the son of deposed former President Kéïta and a linked firm for "Global Magnitsky" sanctions"`,
			"us-global-magnitsky-sanctions-mali-2022", "SANCTIONED", "son-of-ibrahim-boubacar-keita", "2022", "", "STATED", nil, crs2024},
		// France, MINUSMA, Russia
		{`"In 2022, France withdrew its 2,400 troops from Mali"`,
			"france", "WITHDREW_FROM", "mali", "2022", "", "STATED", n(2400), crs2024},
		{`"..., ending a U.S.-backed counterterrorism mission" (Barkhane)`,
			"france", "ENDED", "operation-barkhane", "2022", "", "STATED", nil, crs2024},
		{`"French forces transitioned in 2014 into a regional counterterrorism mission backed by U.S. support"; "In 2022, France withdrew ..., ending a U.S.-backed counterterrorism mission"`,
			"united-states", "SUPPORTS", "operation-barkhane", "2014", "2022", "STATED", nil, crs2024},
		{`CRS 2020: "In January 2020, U.S. diplomats called for MINUSMA to be downsized and reoriented toward civilian protection in central Mali"`,
			"us-call-to-downsize-minusma-2020", "TARGETED", "minusma", "2020-01", "", "STATED", nil, crs2020},
		{`CRT 2021: "Barkhane handed the bases over to the Malian Armed Forces (FAMa)."`,
			"barkhane-base-handover-2021", "TARGETED", "fama", "2021", "", "STATED", nil, crt2021},
		{`"In 2023, at the junta's request, the UN Security Council ended a decade-long UN peacekeeping mission in Mali"`,
			"un-security-council", "ENDED", "minusma", "2023", "", "STATED", nil, crs2024},
		{`"The UN Security Council then established a peacekeeping operation, MINUSMA" (2013)`,
			"un-security-council", "ESTABLISHED", "minusma", "2013", "", "STATED", nil, crs2024},
		{`CRT 2021: "In December, the Kremlin-backed Wagner Group deployed to Mali."; CRS 2024: "since Wagner's formal dissolution in 2023"`,
			"wagner-group", "DEPLOYED_TO", "mali", "2021-12", "2023", "STATED", nil, crt2021},
		{`"Russian security personnel first entered the country in 2021"`,
			"russia", "DEPLOYED_TO", "mali", "2021", "", "STATED", nil, crs2024},
		{`"since Wagner's formal dissolution in 2023, rebranding them under its new "Africa Corps.""`,
			"wagner-group", "SUCCEEDED_BY", "africa-corps", "2023", "", "STATED", nil, crs2024},
		{`"Abuses by state security forces, and by their local militia and Russian allies"`,
			"fama", "ALLIED_WITH", "russia", "", "", "STATED", nil, crs2024},
		// ECOWAS and the new alliance
		// "currently", in the report on 2021: suspended in 2021, since when it
		// does not say.
		{`CRT 2021: "Mali is currently suspended from Economic Community of West African States and the AU."`,
			"mali", "SUSPENDED_FROM", "ecowas", "2021", "", "STATED", nil, crt2021},
		{`(as above)`, "mali", "SUSPENDED_FROM", "african-union", "2021", "", "STATED", nil, crt2021},
		// "moved to leave" is a move, not a departure: an event aimed at
		// ECOWAS (and no WITHDREW_FROM, TestSeedOverreach).
		{`"The CNSP and its counterparts in Mali and Burkina Faso later formed a new alliance and moved to leave the Economic Community of West African States (ECOWAS)"`,
			"move-to-leave-ecowas", "TARGETED", "ecowas", "", "", "STATED", nil, crs2024},
		// Peace process
		{`"Mediated by Algeria with international backing" (the 2015 accord)`,
			"algeria", "MEDIATED", "algiers-accord", "2015", "", "STATED", nil, crs2024},
		// CSPA and child soldiers
		{`"Mali first appeared on the CSPA list in 2017 and has appeared on the list every year since for a total of four years."`,
			"mali", "LISTED_UNDER", "child-soldiers-prevention-act", "2017", "2017", "STATED", nil, stimson},
		{`(as above)`, "mali", "LISTED_UNDER", "child-soldiers-prevention-act", "2018", "2018", "STATED", nil, stimson},
		{`(as above)`, "mali", "LISTED_UNDER", "child-soldiers-prevention-act", "2019", "2019", "STATED", nil, stimson},
		{`(as above)`, "mali", "LISTED_UNDER", "child-soldiers-prevention-act", "2020", "2020", "STATED", nil, stimson},
		{`"following reports that its government provided support to and collaborated with pro-government GATIA militia in 2016"`,
			"mali", "SUPPORTS", "gatia", "2016", "2016", "REPORTED", nil, stimson},
		{`"in 2016, during which time the group recruited 76 children"`,
			"gatia", "RECRUITED_CHILDREN", "mali", "2016", "2016", "STATED", n(76), stimson},
		// "over the years": undated; 2019 is when the use of 24 children was
		// confirmed (a figure), not when recruitment began.
		{`"Government forces have also recruited and used child soldiers over the years."`,
			"fama", "RECRUITED_CHILDREN", "mali", "", "", "STATED", nil, stimson},
		{`"trained 256 security force personnel in SA/LW management" (since 2015)`,
			"mag", "TRAINED", "mali", "2015", "", "STATED", n(256), twes},
		// Certainty: reportedly, accused, allegedly, claimed
		{`"U.S. officials accused Wagner of using gold from Mali to fund operations in Ukraine"`,
			"wagner-group", "OPERATES_IN", "ukraine", "", "", "ALLEGED", nil, crs2024},
		{`"U.S. officials accused Wagner ... of spurring MINUSMA's 2023 exit"`,
			"wagner-group", "ENDED", "minusma", "2023", "", "ALLEGED", nil, crs2024},
		{`"state security forces, and Russian personnel have allegedly committed atrocities"`,
			"fama", "PERPETRATED", "alleged-atrocities", "", "", "ALLEGED", nil, crs2024},
		{`"JNIM claimed responsibility for a September 28 complex ambush against an Australian owned gold mining convoy"`,
			"jnim", "PERPETRATED", "gold-mining-convoy-ambush-2021", "2021-09-28", "", "CLAIMED", nil, crt2021},
		{`"In late 2015, AQIM and an offshoot, Al Murabitoun ("the sentinels"), jointly claimed a siege at a Bamako hotel"`,
			"aqim", "PERPETRATED", "bamako-hotel-siege-2015", "2015", "", "CLAIMED", nil, crs2020},
		{`"A separate AQIM offshoot has affiliated with the Islamic State and claimed the October 2017 deadly attack on U.S. soldiers in Niger" (the brief does not name it)`,
			"aqim-islamic-state-offshoot", "PERPETRATED", "niger-attack-on-us-soldiers-2017", "2017-10", "", "CLAIMED", nil, crs2020},
		{`"A Ukrainian official claimed Ukraine had aided the rebels" (July 2024 ambush)`,
			"ukraine", "SUPPORTS", "northern-separatists", "2024-07", "", "CLAIMED", nil, crs2024},
		{`"A 2018 JNIM attack on the G5 Sahel force headquarters" (stated, not claimed)`,
			"jnim", "PERPETRATED", "g5-sahel-headquarters-attack-2018", "2018", "", "STATED", nil, crs2020},
		// Three documents, three Islamic State-linked groups: none says two
		// of them are one (TestSeedOverreach).
		{`CRT 2021: "Terrorist groups active in Mali include ISIS-GS and JNIM"`,
			"isis-gs", "OPERATES_IN", "mali", "", "", "STATED", nil, crt2021},
		{`CRT 2021: "JNIM and ISIS-GS continued to conduct terrorist attacks, primarily targeting Malian and international military forces."`,
			"isis-gs", "ATTACKED", "fama", "2021", "", "STATED", nil, crt2021},
		{`CRS 2020: "A separate AQIM offshoot has affiliated with the Islamic State"`,
			"aqim-islamic-state-offshoot", "AFFILIATED_WITH", "islamic-state", "", "", "STATED", nil, crs2020},
		// What was held only in summaries: where arms came from, U.N.
		// monitors' reports, attacks along named borders, measures and their
		// targets.
		{`CRS 2020: "In 2011, members of the semi-nomadic ethnic Tuareg minority launched a separatist rebellion in the north, with fighters and arms flowing from Libya."`,
			"northern-separatists", "ARMED_FROM", "libya", "2011", "", "STATED", nil, crs2020},
		{`TWES 2018: "VEOs frequently loot Malian stockpiles of conventional weapons and ammunition to sustain their fight."`,
			"violent-extremist-organizations", "ARMED_FROM", "mali", "", "", "STATED", nil, twes},
		{`CRS 2020: "U.N. sanctions monitors have reported collusion between signatory armed groups and designated terrorists"`,
			"signatory-armed-groups", "COOPERATES_WITH", "designated-terrorist-groups", "", "", "REPORTED", nil, crs2020},
		{`CRT 2021: "attacks occurred along Mali's borders with Côte d'Ivoire and Mauritania"`,
			"border-attacks-cote-d-ivoire-mauritania-2021", "NEAR", "cote-d-ivoire", "2021", "", "STATED", nil, crt2021},
		{`(as above)`, "border-attacks-cote-d-ivoire-mauritania-2021", "NEAR", "mauritania", "2021", "", "STATED", nil, crt2021},
		{`(as above)`, "border-attacks-cote-d-ivoire-mauritania-2021", "OCCURRED_IN", "mali", "2021", "", "STATED", nil, crt2021},
		{`CRT 2021: "terrorist groups continued to press farther south along the Burkinabe border into the Sikasso Region"`,
			"sikasso-push-2021", "NEAR", "burkina-faso", "2021", "", "STATED", nil, crt2021},
		{`CRT 2021: "in the Gao region along the border with Niger, killing more than 50 civilians"`,
			"gao-villages-attack-2021", "NEAR", "niger", "2021-08-08", "", "STATED", nil, crt2021},
		{`CRS 2024: "The State Department imposed visa restrictions on two officers linked to a 2022 massacre."`,
			"us-visa-restrictions-massacre-2022", "SANCTIONED", "officers-linked-to-massacre-2022", "", "", "STATED", nil, crs2024},
		{`(as above: "linked to", by the State Department)`,
			"officers-linked-to-massacre-2022", "PERPETRATED", "massacre-2022", "2022", "", "ALLEGED", nil, crs2024},
		{`CRT 2021: "the transition government ratcheted up anti-France rhetoric in late 2021"`,
			"transition-government", "PERPETRATED", "anti-france-rhetoric-2021", "2021", "", "STATED", nil, crt2021},
		{`(as above)`, "anti-france-rhetoric-2021", "TARGETED", "france", "2021", "", "STATED", nil, crt2021},
		// The 2024 brief states the abuses and hedges their effect ("may have
		// aided insurgent recruitment"); its "local militia" is its own.
		{`CRS 2024: "Abuses by state security forces, and by their local militia and Russian allies, may have aided insurgent recruitment."`,
			"fama", "PERPETRATED", "abuses-by-security-forces-and-allies", "", "", "STATED", nil, crs2024},
		{`(as above)`, "state-allied-local-militia", "PERPETRATED", "abuses-by-security-forces-and-allies", "", "", "STATED", nil, crs2024},
		{`(as above)`, "russia", "PERPETRATED", "abuses-by-security-forces-and-allies", "", "", "STATED", nil, crs2024},
		{`(as above)`, "fama", "ALLIED_WITH", "state-allied-local-militia", "", "", "STATED", nil, crs2024},
		// Dates the documents do not give are not held.
		{`CRS 2024: "Menaka, an area under IS-Sahel siege" (as of mid-2024; the siege's start is not given)`,
			"isis-sahel", "PERPETRATED", "menaka-siege", "", "", "STATED", nil, crs2024},
		{`CRS 2020: "Renewing its mandate in June 2019, the U.N. Security Council decided ..." (a renewal, not the start)`,
			"minusma", "AUTHORIZED_BY", "un-security-council", "", "", "STATED", nil, crs2020},
		{`CRS 2020: "has designated five individuals ... under a Mali-specific Executive Order issued in July 2019" (the order is dated, the designations are not)`,
			"united-states", "ESTABLISHED", "us-mali-sanctions-2019", "", "", "STATED", nil, crs2020},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s %s %s", tt.from, tt.typ, tt.to, tt.validFrom), func(t *testing.T) {
			var matches, all []seedRel
			for _, r := range seedRels(t, h, tt.from, "OUT", "", tt.typ) {
				if r.To.ID != tt.to {
					continue
				}
				all = append(all, r)
				if str(r.ValidFrom) == tt.validFrom {
					matches = append(matches, r)
				}
			}
			if len(matches) != 1 {
				t.Fatalf("%s: want one %s %s %s from %q, found %d among %v", tt.doc, tt.from, tt.typ, tt.to, tt.validFrom, len(matches), all)
			}
			r := matches[0]
			if str(r.ValidTo) != tt.validTo || r.Certainty != tt.certainty || intStr(r.Count) != intStr(tt.count) {
				t.Errorf("%s: got %v; want to %q, %s, count %s", tt.doc, r, tt.validTo, tt.certainty, intStr(tt.count))
			}
			if !cites(r.Citations, tt.source) {
				t.Errorf("%s: %s does not cite %s: %+v", tt.doc, r.ID, tt.source, r.Citations)
			}
		})
	}
}

// TestSeedLinkSets checks that the documents' lists of members, constituents
// and signatories arrive whole and with nothing added.
func TestSeedLinkSets(t *testing.T) {
	h := newSeedAPI(t)
	tests := []struct {
		doc         string
		entity, typ string
		dir         string
		want        []string // sorted
	}{
		{`"formed when the Sahara branch of AQIM, al-Murabitoun, Ansar al-Dine, and the Macina Liberation Front merged"`,
			"jnim", "FORMED_FROM", "OUT", []string{"al-murabitoun", "ansar-al-dine", "aqim-sahara-branch", "macina-liberation-front"}},
		{`"JNIM is also active in neighboring Burkina Faso and Niger, and in northern Togo and Benin"; "Terrorist groups active in Mali include ISIS-GS and JNIM"`,
			"jnim", "OPERATES_IN", "OUT", []string{"benin", "burkina-faso", "mali", "niger", "togo"}},
		{`"the G5 Sahel (Burkina Faso, Chad, Mali, Mauritania, and Niger)"`,
			"g5-sahel", "MEMBER_OF", "IN", []string{"burkina-faso", "chad", "mali", "mauritania", "niger"}},
		{`"The signatories to the 2015 peace accord ... are the Malian government and two rival coalitions ...: the Coordination of Azawad Movements (CMA) ... and the Platform"`,
			"algiers-accord", "SIGNED", "IN", []string{"cma", "mali", "platform"}},
		{`"designated the son of deposed former President Kéïta and a linked firm"`,
			"us-global-magnitsky-sanctions-mali-2022", "SANCTIONED", "OUT", []string{"firm-linked-to-keita-son", "son-of-ibrahim-boubacar-keita"}},
		{`"The CNSP and its counterparts in Mali and Burkina Faso later formed a new alliance"`,
			"cnsp-counterparts-alliance", "MEMBER_OF", "IN", []string{"burkina-faso", "mali"}},
		{`"Mali is currently suspended from Economic Community of West African States and the AU."`,
			"mali", "SUSPENDED_FROM", "OUT", []string{"african-union", "ecowas"}},
		{`"military forces arrested transition President Bah N'Daw and transition Prime Minister Moctar Ouane"`,
			"coup-2021", "TARGETED", "OUT", []string{"bah-ndaw", "moctar-ouane"}},
		{`"the Malian armed forces and ... (GATIA) have used and recruited child soldiers"`,
			"mali", "RECRUITED_CHILDREN", "IN", []string{"fama", "gatia"}},
		{`"AQIM and an offshoot, Al Murabitoun ..., jointly claimed a siege at a Bamako hotel"`,
			"bamako-hotel-siege-2015", "PERPETRATED", "IN", []string{"al-murabitoun", "aqim"}},
		{`CRS 2020: "AQIM and an offshoot, Al Murabitoun"; "A separate AQIM offshoot has affiliated with the Islamic State" (not IS-Sahel)`,
			"aqim", "SPLINTER_OF", "IN", []string{"al-murabitoun", "aqim-islamic-state-offshoot"}},
		{`CRS 2024: "Abuses by state security forces, and by their local militia and Russian allies" (the local militia are not said to be the 2020 brief's ethnic militias)`,
			"fama", "ALLIED_WITH", "OUT", []string{"russia", "state-allied-local-militia"}},
		{`CRS 2020: "Alleged abuses by Malian state security forces and ethnic militias" (the 2024 brief's abuses are an event of their own)`,
			"alleged-abuses-by-security-forces-and-militias", "PERPETRATED", "IN", []string{"ethnic-militias", "fama"}},
		{`CRS 2024: "Abuses by state security forces, and by their local militia and Russian allies"`,
			"abuses-by-security-forces-and-allies", "PERPETRATED", "IN", []string{"fama", "russia", "state-allied-local-militia"}},
		{`CRS 2020: "The Security Council has authorized MINUSMA to provide logistical support to the G5 force" (authorized, not said to be given)`,
			"minusma", "SUPPORTS", "OUT", []string{"algiers-accord"}},
		{`"The CNSP and its counterparts in Mali and Burkina Faso later formed a new alliance and moved to leave ... (ECOWAS)"`,
			"move-to-leave-ecowas", "PERPETRATED", "IN", []string{"burkina-faso", "mali"}},
		{`CRS 2020: "the Coordination of Azawad Movements (CMA) ... and the Platform" are the signatory coalitions`,
			"signatory-armed-groups", "MEMBER_OF", "IN", []string{"cma", "platform"}},
		{`"with fighters and arms flowing from Libya"; "bolstered by Libyan arms" (an origin, no supplier named)`,
			"libya", "ARMED_FROM", "IN", []string{"northern-separatists"}},
	}
	for _, tt := range tests {
		t.Run(tt.entity+" "+tt.typ, func(t *testing.T) {
			if got := others(seedRels(t, h, tt.entity, tt.dir, "", tt.typ), tt.entity); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %s %s %s links %q, want %q", tt.doc, tt.entity, tt.dir, tt.typ, got, tt.want)
			}
		})
	}
}

// TestSeedDates checks the dates and casualties the documents give for
// coups, votes, groups, missions and attacks. Exact counts only: "more than
// 50" and "at least 31" are figures, so killed must be null there.
func TestSeedDates(t *testing.T) {
	h := newSeedAPI(t)
	tests := []struct {
		doc                  string
		id, typename         string
		date, started, ended string // "" for null (or not a field of the type)
		killed, injured      *int
	}{
		{`"An armed insurrection in northern Mali and a subsequent coup d'état in 2012"`, "coup-2012", "Coup", "2012", "", "", nil, nil},
		{`"A military junta seized power in 2020, Mali's second coup in nine years."`, "coup-2020", "Coup", "2020", "", "", nil, nil},
		{`"another extraconstitutional change in government on May 24" (2021)`, "coup-2021", "Coup", "2021-05-24", "", "", nil, nil},
		{`"A new constitution, adopted by referendum in 2023"`, "constitutional-referendum-2023", "Event", "2023", "", "", nil, nil},
		{`(as above)`, "constitution-2023", "Legislation", "2023", "", "", nil, nil},
		{`"In 2017, AQIM's Sahel branch merged with Al Murabitoun and two Malian-led groups to form ... JNIM"`, "jnim", "ArmedGroup", "", "2017", "", nil, nil},
		{`"since Wagner's formal dissolution in 2023"`, "wagner-group", "ArmedGroup", "", "", "2023", nil, nil},
		{`"rebranding them under its new "Africa Corps."" (2023)`, "africa-corps", "ArmedGroup", "", "2023", "", nil, nil},
		{`MINUSMA established after France's early-2013 deployment; "In 2023, ... the UN Security Council ended a decade-long UN peacekeeping mission"`, "minusma", "Mission", "", "2013", "2023", nil, nil},
		{`"French forces transitioned in 2014 into a regional counterterrorism mission"; "In 2022, France withdrew its 2,400 troops"`, "operation-barkhane", "Mission", "", "2014", "2022", nil, nil},
		{`"a U.N. sanctions regime established in 2017"; "Later that year [2023], Russia vetoed renewal of the UN sanctions program for Mali"`, "un-sanctions-mali", "Sanction", "2017", "", "2023", nil, nil},
		{`"a Mali-specific Executive Order issued in July 2019"`, "mali-executive-order-2019", "Legislation", "2019-07", "", "", nil, nil},
		{`"has designated five individuals ... under a Mali-specific Executive Order issued in July 2019" (the designations are undated)`, "us-mali-sanctions-2019", "Sanction", "", "", "", nil, nil},
		{`CRT 2021: "terrorist groups continued to press farther south along the Burkinabe border" (2021 Terrorist Incidents)`, "sikasso-push-2021", "Event", "2021", "", "", nil, nil},
		{`CRT 2021: "the transition government ratcheted up anti-France rhetoric in late 2021"`, "anti-france-rhetoric-2021", "Event", "2021", "", "", nil, nil},
		{`CRS 2024: "moved to leave ... (ECOWAS)" (after 2023, "later"; undated)`, "move-to-leave-ecowas", "Event", "", "", "", nil, nil},
		{`"In late 2015, ... a siege at a Bamako hotel that killed 19 civilians"`, "bamako-hotel-siege-2015", "Event", "2015", "", "", n(19), nil},
		{`"On June 25, 13 MINUSMA peacekeepers were seriously injured"`, "ichagara-svbied-attack-2021", "Event", "2021-06-25", "", "", nil, n(13)},
		{`"On August 8, ... killing more than 50 civilians"`, "gao-villages-attack-2021", "Event", "2021-08-08", "", "", nil, nil},
		{`"A day later, ... in Dioura, ... terrorists killed 30 civilians"`, "dioura-attack-2021", "Event", "2021-08-09", "", "", n(30), nil},
		{`"a September 28 complex ambush ... Five Gendarmerie Special Forces soldiers guarding the convoy were killed"`, "gold-mining-convoy-ambush-2021", "Event", "2021-09-28", "", "", n(5), nil},
		{`"In December, ... at least 31 civilians were killed and 17 were wounded"`, "bandiagara-bus-attack-2021", "Event", "2021-12", "", "", nil, n(17)},
		{`"a multipronged attack in September 2024 that temporarily shuttered the international airport"`, "bamako-attack-2024", "Event", "2024-09", "", "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			var got struct {
				Entity *struct {
					Typename        string `json:"__typename"`
					Date            *string
					Started, Ended  *string
					Killed, Injured *int
				}
			}
			post(t, h, `query($id: ID!) { entity(id: $id) { __typename
				... on Coup { date } ... on Event { date killed injured } ... on Legislation { date }
				... on ArmedGroup { started ended } ... on Mission { started ended } ... on Sanction { date ended } } }`,
				map[string]any{"id": tt.id}).decode(t, &got)
			e := got.Entity
			if e == nil {
				t.Fatalf("no entity %q", tt.id)
			}
			if e.Typename != tt.typename || str(e.Date) != tt.date || str(e.Started) != tt.started || str(e.Ended) != tt.ended ||
				intStr(e.Killed) != intStr(tt.killed) || intStr(e.Injured) != intStr(tt.injured) {
				t.Errorf("%s: got %s date %q started %q ended %q killed %s injured %s; want %s date %q started %q ended %q killed %s injured %s",
					tt.doc, e.Typename, str(e.Date), str(e.Started), str(e.Ended), intStr(e.Killed), intStr(e.Injured),
					tt.typename, tt.date, tt.started, tt.ended, intStr(tt.killed), intStr(tt.injured))
			}
		})
	}
}

// TestSeedSearchFindsWhatUsersType checks that the names and aliases the
// documents use find the right entity first.
func TestSeedSearchFindsWhatUsersType(t *testing.T) {
	h := newSeedAPI(t)
	tests := []struct {
		text  string
		kinds []string
		want  string
	}{
		{"JNIM", nil, "jnim"}, // "the Mali-based Union for Supporting Islam and Muslims (aka JNIM)"
		{"Union for Supporting Islam and Muslims", nil, "jnim"}, // (as above)
		{"FAMa", nil, "fama"},                                      // "the Malian Armed Forces (FAMa)"
		{"Malian Armed Forces", nil, "fama"},                       // (as above)
		{"goita", nil, "assimi-goita"},                             // "Assimi Goïta" (2024), "Assimi Goita" (CRT 2021)
		{"GOÏTA", nil, "assimi-goita"},                             // (as above)
		{"Africa Corps", nil, "africa-corps"},                      // "rebranding them under its new "Africa Corps.""
		{"Wagner", nil, "wagner-group"},                            // "the Wagner Group", "Wagner's formal dissolution"
		{"Wagner", []string{"AGREEMENT"}, "cnsp-wagner-agreement"}, // "an agreement between the CNSP and the Wagner Group"
		{"ISIS-GS", nil, "isis-gs"},                                // "Terrorist groups active in Mali include ISIS-GS and JNIM" (not said to be IS-Sahel)
		{"IS-Sahel", nil, "isis-sahel"},                            // "JNIM and IS-Sahel appear to compete for recruits"
		{"IS", nil, "islamic-state"},                               // "an Islamic State (IS, aka ISIS/ISIL) Sahel affiliate"
		{"ISIS", nil, "islamic-state"},                             // (as above)
		{"AQIM", nil, "aqim"},                                      // "Al Qaeda in the Islamic Maghreb (AQIM)"
		{"al-Murabitoun", nil, "al-murabitoun"},                    // CRT 2021 "al-Murabitoun", CRS 2020 "Al Murabitoun"
		{"MINUSMA", nil, "minusma"},                                // "The U.N. Multidimensional Integrated Stabilization Mission in Mali (MINUSMA)"
		{"ECOWAS", nil, "ecowas"},                                  // "the Economic Community of West African States (ECOWAS)"
		{"Barkhane", nil, "operation-barkhane"},                    // "France's Operation Barkhane"; "Barkhane handed the bases over"
		{"Algiers Accord", nil, "algiers-accord"},                  // "the 2015 Agreement for Peace and Reconciliation in Mali (the Algiers Accord)"
		{"Ibrahim Boubacar Keita", nil, "ibrahim-boubacar-keita"},  // "Ibrahim Boubacar Kéïta"
		{"keita", nil, "ibrahim-boubacar-keita"},                   // "President Kéïta was reelected in 2018" (2024)
		{"cote d'ivoire", nil, "cote-d-ivoire"},                    // "Mali's borders with Côte d'Ivoire and Mauritania"
		{"CSPA", nil, "child-soldiers-prevention-act"},             // "the Child Soldiers Prevention Act of 2008"; "the CSPA list"
		// ISO 3166 codes, and abbreviations with their dots folded: the
		// documents write "U.S." and "U.N." throughout, and people type
		// "US", "usa" or "UN".
		{"US", nil, "united-states"},
		{"us", nil, "united-states"},
		{"U.S.", nil, "united-states"},
		{"USA", nil, "united-states"},
		{"usa", nil, "united-states"},
		{"MLI", nil, "mali"},
		{"ML", nil, "mali"},
		{"NE", nil, "niger"},                                      // before "New alliance of the CNSP and its counterparts"
		{"DZ", nil, "algeria"},                                    // alpha-2 codes need not look like the name
		{"UA", nil, "ukraine"},                                    // (as above)
		{"civ", nil, "cote-d-ivoire"},                             // "Côte d'Ivoire"
		{"UN", nil, "united-nations"},                             // "the UN Security Council" (2024), "U.N." (2020)
		{"U.N.", nil, "united-nations"},                           // (as above)
		{"us department of state", nil, "us-department-of-state"}, // "U.S. Department of State"
		{"US congress", nil, "us-congress"},                       // "U.S. Congress"
	}
	for _, tt := range tests {
		var got struct{ Search []struct{ ID string } }
		post(t, h, `query($t: String!, $k: [EntityKind!]) { search(text: $t, kinds: $k) { id } }`,
			map[string]any{"t": tt.text, "k": tt.kinds}).decode(t, &got)
		if len(got.Search) == 0 || got.Search[0].ID != tt.want {
			t.Errorf("search %q (kinds %v) = %+v, want %s first", tt.text, tt.kinds, got.Search, tt.want)
		}
	}
}

// TestSeedAsOf checks the asOf filter against the documents' dates: Wagner
// arrived in December 2021 and was dissolved in 2023, MINUSMA ran from 2013
// to 2023, Barkhane from 2014 to 2022, Kéïta led Mali 2013-2020 and Goïta
// since 2021, and Mali was on the CSPA list 2017-2020.
func TestSeedAsOf(t *testing.T) {
	h := newSeedAPI(t)
	tests := []struct {
		entity, typ, dir, asOf string
		include, exclude       []string // endpoints other than entity
	}{
		// "France deployed its military in early 2013"; MINUSMA deployed in 2013.
		{"mali", "DEPLOYED_TO", "IN", "2012", nil, []string{"france-2013-intervention", "minusma", "operation-barkhane", "russia", "wagner-group", "africa-corps"}},
		{"mali", "DEPLOYED_TO", "IN", "2013", []string{"france-2013-intervention", "minusma"}, []string{"operation-barkhane", "russia", "wagner-group"}},
		{"mali", "DEPLOYED_TO", "IN", "2019", []string{"minusma", "operation-barkhane"}, []string{"france-2013-intervention", "russia", "wagner-group", "africa-corps"}},
		// "Russian security personnel first entered the country in 2021";
		// "In December, the Kremlin-backed Wagner Group deployed to Mali."
		{"mali", "DEPLOYED_TO", "IN", "2021-06", []string{"russia", "minusma"}, []string{"wagner-group"}},
		{"mali", "DEPLOYED_TO", "IN", "2021", []string{"russia", "wagner-group"}, []string{"africa-corps"}},
		{"mali", "DEPLOYED_TO", "IN", "2022", []string{"russia", "wagner-group", "minusma", "operation-barkhane"}, []string{"africa-corps", "france-2013-intervention"}},
		// "since Wagner's formal dissolution in 2023, rebranding them under its
		// new "Africa Corps.""; MINUSMA ended 2023; France withdrew in 2022.
		{"mali", "DEPLOYED_TO", "IN", "2024", []string{"russia", "africa-corps"}, []string{"wagner-group", "minusma", "operation-barkhane"}},
		{"mali", "LED_BY", "OUT", "2019", []string{"ibrahim-boubacar-keita"}, []string{"assimi-goita"}},
		{"mali", "LED_BY", "OUT", "2022", []string{"assimi-goita"}, []string{"ibrahim-boubacar-keita"}},
		// CRT 2021: "on May 24, when military forces arrested transition
		// President Bah N'Daw and transition Prime Minister Moctar Ouane. Assimi
		// Goita ... subsequently assumed the transition government presidency."
		{"transition-government", "LED_BY", "OUT", "2021-04", []string{"bah-ndaw", "moctar-ouane"}, nil},
		{"transition-government", "LED_BY", "OUT", "2021-06", []string{"assimi-goita"}, []string{"bah-ndaw", "moctar-ouane"}},
		{"transition-government", "LED_BY", "OUT", "2021", []string{"bah-ndaw", "moctar-ouane", "assimi-goita"}, nil},
	}
	for _, tt := range tests {
		got := others(seedRels(t, h, tt.entity, tt.dir, tt.asOf, tt.typ), tt.entity)
		for _, id := range tt.include {
			if !slices.Contains(got, id) {
				t.Errorf("%s %s %s as of %s: %q lacks %s", tt.entity, tt.dir, tt.typ, tt.asOf, got, id)
			}
		}
		for _, id := range tt.exclude {
			if slices.Contains(got, id) {
				t.Errorf("%s %s %s as of %s: %q has %s", tt.entity, tt.dir, tt.typ, tt.asOf, got, id)
			}
		}
	}

	// "Mali first appeared on the CSPA list in 2017 and has appeared on the
	// list every year since for a total of four years."
	for year, want := range map[string]int{"2016": 0, "2017": 1, "2018": 1, "2019": 1, "2020": 1, "2021": 0} {
		if got := len(seedRels(t, h, "mali", "OUT", year, "LISTED_UNDER")); got != want {
			t.Errorf("Mali on the CSPA list as of %s: %d listings, want %d", year, got, want)
		}
	}

	// Every relationship of Mali that holds as of a year is one whose dates
	// span that year, and every such one is returned.
	all := seedRels(t, h, "mali", "BOTH", "")
	for _, year := range []string{"2012", "2019", "2022"} {
		var want []string
		for _, r := range all {
			from, to := str(r.ValidFrom), str(r.ValidTo)
			if (from == "" || from[:4] <= year) && (to == "" || to[:4] >= year) {
				want = append(want, r.ID)
			}
		}
		var got []string
		for _, r := range seedRels(t, h, "mali", "BOTH", year) {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("Mali's relationships as of %s: got %d %q\nwant %d %q", year, len(got), got, len(want), want)
		}
		if len(want) == len(all) {
			t.Errorf("as of %s no relationship of Mali is filtered out; the check proves nothing", year)
		}
	}
}

// TestSeedEverythingIsCited pages through every entity and every
// relationship and checks that each has a citation whose source resolves to
// one of the five documents, and that nothing the seed declares is lost.
func TestSeedEverythingIsCited(t *testing.T) {
	h := newSeedAPI(t)
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}

	var srcs struct {
		Sources []struct {
			ID, Title, Publisher string
			Published, URL       *string
		}
	}
	post(t, h, `{ sources { id title publisher published url } }`, nil).decode(t, &srcs)
	// The five documents of seed/docs/README.md, with the dates it gives and
	// the addresses they print: the CRS footer "https://crsreports.congress.gov
	// | IF10116" (in 003; 002 is the same product); the others print none.
	type meta struct{ published, url string }
	crs := "https://crsreports.congress.gov"
	wantSources := map[string]meta{crs2020: {"2020-01-17", crs}, crs2024: {"2024-12-17", crs}, crt2021: {}, twes: {"2018", ""}, stimson: {}}
	sources := map[string]bool{}
	for _, src := range srcs.Sources {
		want, ok := wantSources[src.ID]
		if !ok || str(src.Published) != want.published || str(src.URL) != want.url || src.Title == "" || src.Publisher == "" {
			t.Errorf("source %+v (published %q, url %q); want one of the five documents", src, str(src.Published), str(src.URL))
		}
		sources[src.ID] = true
	}
	if len(sources) != len(wantSources) {
		t.Errorf("%d sources, want %d", len(sources), len(wantSources))
	}
	cited := map[string]int{}
	checkCitations := func(what string, cs []seedCitation) {
		t.Helper()
		if len(cs) == 0 {
			t.Errorf("%s has no citation", what)
		}
		for _, c := range cs {
			if !sources[c.Source.ID] || c.Source.Title == "" || strings.TrimSpace(c.Quote) == "" {
				t.Errorf("%s: citation %+v does not resolve to a source with a quote", what, c)
			}
			cited[c.Source.ID]++
		}
	}

	type entityNode struct {
		ID        string
		Citations []seedCitation
		Figures   []seedFigure
	}
	var entities []entityNode
	vars := map[string]any{"after": nil}
	for range 100 {
		var page struct {
			Entities struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   *string
				}
				Edges []struct{ Node entityNode }
			}
		}
		post(t, h, `query($after: String) { entities(first: 30, after: $after) { totalCount pageInfo { hasNextPage endCursor }
			edges { node { id citations { quote source { id title } } figures { measure citations { quote source { id title } } } } } } }`,
			vars).decode(t, &page)
		if page.Entities.TotalCount != len(s.Graph.Entities) {
			t.Fatalf("entities totalCount = %d, the seed has %d", page.Entities.TotalCount, len(s.Graph.Entities))
		}
		for _, e := range page.Entities.Edges {
			entities = append(entities, e.Node)
		}
		if !page.Entities.PageInfo.HasNextPage {
			break
		}
		vars["after"] = *page.Entities.PageInfo.EndCursor
	}
	if len(entities) != len(s.Graph.Entities) {
		t.Fatalf("paged through %d entities, the seed has %d", len(entities), len(s.Graph.Entities))
	}

	// Each relationship must be listed under both of its endpoints.
	seenFrom := map[string][]string{}
	rels := map[string]seedRel{}
	for _, e := range entities {
		checkCitations("entity "+e.ID, e.Citations)
		for _, f := range e.Figures {
			checkCitations(fmt.Sprintf("figure %q of %s", f.Measure, e.ID), f.Citations)
		}
		for _, r := range seedRels(t, h, e.ID, "BOTH", "") {
			if r.From.ID != e.ID && r.To.ID != e.ID {
				t.Errorf("%s lists %s, which does not involve it", e.ID, r.ID)
			}
			seenFrom[r.ID] = append(seenFrom[r.ID], e.ID)
			if _, ok := rels[r.ID]; !ok {
				rels[r.ID] = r
				checkCitations("relationship "+r.ID, r.Citations)
			}
		}
	}
	if len(rels) != len(s.Graph.Relationships) {
		t.Errorf("found %d relationships through the entities, the seed has %d", len(rels), len(s.Graph.Relationships))
	}
	for id, r := range rels {
		want := []string{r.From.ID, r.To.ID}
		slices.Sort(want)
		want = slices.Compact(want)
		got := seenFrom[id]
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("relationship %s is listed under %q, want under %q", id, got, want)
		}
	}
	for id := range wantSources {
		if cited[id] == 0 {
			t.Errorf("no entity or relationship cites %s", id)
		}
	}
}

// allSeedRels pages through every entity and returns each relationship of
// the graph once, by id.
func allSeedRels(t *testing.T, h http.Handler) map[string]seedRel {
	t.Helper()
	out := map[string]seedRel{}
	vars := map[string]any{"after": nil}
	for range 100 {
		var page struct {
			Entities struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				}
				Edges []struct{ Node struct{ ID string } }
			}
		}
		post(t, h, `query($after: String) { entities(first: 50, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`, vars).decode(t, &page)
		for _, e := range page.Entities.Edges {
			for _, r := range seedRels(t, h, e.Node.ID, "OUT", "") {
				out[r.ID] = r
			}
		}
		if !page.Entities.PageInfo.HasNextPage {
			return out
		}
		vars["after"] = *page.Entities.PageInfo.EndCursor
	}
	t.Fatal("entities never reached the last page")
	return nil
}

// TestSeedRates checks that the one rate the documents give, "Mali
// reportedly agreed to pay Wagner $10 million per month", is held as a rate
// and summed as one, and that every other amount is a total.
func TestSeedRates(t *testing.T) {
	h := newSeedAPI(t)
	rates := map[string]string{}
	for id, r := range allSeedRels(t, h) {
		if r.Amount != nil && r.Amount.Period != nil {
			rates[id] = *r.Amount.Period
		}
	}
	if want := map[string]string{"mali.funded.wagner-group.monthly-fee": "PER_MONTH"}; !maps.Equal(rates, want) {
		t.Errorf("amounts held as rates: %v, want %v", rates, want)
	}
	var got struct {
		AidTotals []struct {
			Kind   string
			Amount struct {
				Value, Qualifier string
				Period           *string
			}
		}
	}
	post(t, h, `{ aidTotals(recipient: "wagner-group") { kind amount { value qualifier period } } }`, nil).decode(t, &got)
	if len(got.AidTotals) != 1 || got.AidTotals[0].Kind != "ALLOCATED" || got.AidTotals[0].Amount.Value != "10000000.00" || str(got.AidTotals[0].Amount.Period) != "PER_MONTH" {
		t.Errorf("aid totals to Wagner = %+v, want one ALLOCATED 10000000.00 PER_MONTH", got.AidTotals)
	}
}

// TestSeedHedgedFigures checks the certainty and attribution of figures:
// an estimate, or a figure the document relays from someone else ("per U.N.
// figures", "recorded by ACLED"), is REPORTED; a figure the document states
// itself is STATED.
func TestSeedHedgedFigures(t *testing.T) {
	h := newSeedAPI(t)
	tests := []struct {
		doc                    string
		entity, measure        string
		certainty, attribution string
	}{
		{`CRS 2020: "over 201,000 Malians were internally displaced ... per U.N. figures"`, "mali", "internally displaced", "REPORTED", "U.N. figures"},
		{`CRS 2020: "nearly 139,000 were refugees in neighboring countries, per U.N. figures"`, "mali", "refugees", "REPORTED", "U.N. figures"},
		{`CRS 2024: "over 7 million Malians (one in three) were in need of humanitarian aid, per UN agencies"`, "mali", "humanitarian aid", "REPORTED", "UN agencies"},
		{`CRT 2021: "1,826 fatalities recorded by Armed Conflict Location and Event Data Project for 2021"`, "mali", "fatalities", "REPORTED", "Armed Conflict Location and Event Data Project"},
		{`CRS 2024: "Russian security personnel ..., estimated at over 1,500 in 2024"`, "russia", "Russian security personnel", "REPORTED", ""},
		{`CRS 2020: "(MINUSMA) is authorized at up to 15,209 uniformed personnel" (stated)`, "minusma", "authorized", "STATED", ""},
		{`Stimson: "In 2019, it was confirmed that Malian armed forces recruited and used at least 24 children" (stated)`, "fama", "children", "STATED", ""},
		{`CRT 2021: "30 terrorism cases went to trial" (stated)`, "mali", "trial", "STATED", ""},
	}
	for _, tt := range tests {
		var got struct {
			Entity *struct {
				Figures []struct {
					Measure, Certainty string
					Attribution        *string
				}
			}
		}
		post(t, h, `query($id: ID!) { entity(id: $id) { figures { measure certainty attribution } } }`, map[string]any{"id": tt.entity}).decode(t, &got)
		if got.Entity == nil {
			t.Fatalf("no entity %q", tt.entity)
		}
		found := 0
		for _, f := range got.Entity.Figures {
			if !strings.Contains(strings.ToLower(f.Measure), strings.ToLower(tt.measure)) {
				continue
			}
			found++
			if f.Certainty != tt.certainty || str(f.Attribution) != tt.attribution {
				t.Errorf("%s: figure %q is %s, attributed to %q; want %s, %q", tt.doc, f.Measure, f.Certainty, str(f.Attribution), tt.certainty, tt.attribution)
			}
		}
		if found != 1 {
			t.Errorf("%s: %d figures of %s measure %q, want 1", tt.doc, found, tt.entity, tt.measure)
		}
	}
}

// TestSeedAttributions checks that a hedged link says whose claim it is
// where the document says: "U.S. officials accused", "a Ukrainian official
// claimed", "U.N. sanctions monitors have reported".
func TestSeedAttributions(t *testing.T) {
	h := newSeedAPI(t)
	tests := []struct {
		doc                    string
		from, typ, to          string
		certainty, attribution string
	}{
		{`CRS 2024: "U.S. officials accused Wagner of using gold from Mali to fund operations in Ukraine"`, "wagner-group", "OPERATES_IN", "ukraine", "ALLEGED", "U.S. officials"},
		{`CRS 2024: "U.S. officials accused Wagner ... of spurring MINUSMA's 2023 exit"`, "wagner-group", "ENDED", "minusma", "ALLEGED", "U.S. officials"},
		{`CRS 2024: "designated Defense Minister Sadio Camara ..., citing their role in Wagner's "entrenchment in Mali.""`, "sadio-camara", "SUPPORTS", "wagner-group", "ALLEGED", "Biden Administration"},
		{`CRS 2024: "A Ukrainian official claimed Ukraine had aided the rebels"`, "ukraine", "SUPPORTS", "northern-separatists", "CLAIMED", "a Ukrainian official"},
		{`CRS 2020: "U.N. sanctions monitors have reported collusion between signatory armed groups and designated terrorists"`, "signatory-armed-groups", "COOPERATES_WITH", "designated-terrorist-groups", "REPORTED", "U.N. sanctions monitors"},
		{`CRS 2024: "The State Department imposed visa restrictions on two officers linked to a 2022 massacre."`, "officers-linked-to-massacre-2022", "PERPETRATED", "massacre-2022", "ALLEGED", "U.S. State Department"},
		{`CRS 2020: "U.S. funding for MINUSMA's budget was estimated at $327 million" (whose estimate, it does not say)`, "united-states", "FUNDED", "minusma", "REPORTED", ""},
	}
	for _, tt := range tests {
		var matches []seedRel
		for _, r := range seedRels(t, h, tt.from, "OUT", "", tt.typ) {
			if r.To.ID == tt.to {
				matches = append(matches, r)
			}
		}
		if len(matches) != 1 {
			t.Errorf("%s: want one %s %s %s, found %v", tt.doc, tt.from, tt.typ, tt.to, matches)
			continue
		}
		if r := matches[0]; r.Certainty != tt.certainty || str(r.Attribution) != tt.attribution {
			t.Errorf("%s: %s is %s, attributed to %q; want %s, %q", tt.doc, r.ID, r.Certainty, str(r.Attribution), tt.certainty, tt.attribution)
		}
	}
}

// TestSeedOverreach checks what the documents do not say: that Mali left
// ECOWAS (it "moved to leave"), that IS-Sahel is ISIS-GS or the 2020 brief's
// AQIM offshoot, that the 2024 brief's "local militia" are the 2020 brief's
// ethnic militias.
func TestSeedOverreach(t *testing.T) {
	h := newSeedAPI(t)
	for _, country := range []string{"mali", "burkina-faso"} {
		if got := others(seedRels(t, h, country, "OUT", "", "WITHDREW_FROM"), country); slices.Contains(got, "ecowas") {
			t.Errorf(`%s WITHDREW_FROM ecowas: the 2024 brief says only that the CNSP and its counterparts "moved to leave" it`, country)
		}
	}

	// Each group is cited only by the documents that name it.
	for _, tt := range []struct {
		id     string
		only   []string // the sources that may cite it or its links
		reason string
	}{
		{"isis-sahel", []string{crs2024}, "IS-Sahel is named only by the 2024 brief"},
		{"isis-gs", []string{crt2021}, "ISIS-GS is named only by the 2021 report"},
		{"aqim-islamic-state-offshoot", []string{crs2020}, "the AQIM offshoot affiliated with the Islamic State is the 2020 brief's"},
		{"ethnic-militias", []string{crs2020}, `the 2024 brief speaks of "local militia", not of ethnic militias`},
		{"state-allied-local-militia", []string{crs2024}, `the "local militia" are the 2024 brief's`},
	} {
		var got struct {
			Entity *struct {
				Aliases   []string
				Citations []seedCitation
			}
		}
		post(t, h, `query($id: ID!) { entity(id: $id) { aliases citations { quote source { id title } } } }`, map[string]any{"id": tt.id}).decode(t, &got)
		if got.Entity == nil {
			t.Errorf("no entity %q", tt.id)
			continue
		}
		cs := got.Entity.Citations
		for _, r := range seedRels(t, h, tt.id, "BOTH", "") {
			cs = append(cs, r.Citations...)
		}
		for _, c := range cs {
			if !slices.Contains(tt.only, c.Source.ID) {
				t.Errorf("%s is cited from %s (%q): %s", tt.id, c.Source.ID, c.Quote, tt.reason)
			}
		}
		if tt.id == "isis-sahel" && len(got.Entity.Aliases) > 0 {
			t.Errorf("isis-sahel has aliases %q; no document gives it another name", got.Entity.Aliases)
		}
	}
}

// TestSeedLinksDatedByTheDocuments checks links that every holding of must
// carry the date the document gives: Russian support "first entered the
// country in 2021 in support of Malian counterinsurgency operations", so no
// undated Russian support to Mali shows up as of 2015.
func TestSeedLinksDatedByTheDocuments(t *testing.T) {
	h := newSeedAPI(t)
	tests := []struct {
		doc                      string
		from, typ, to, validFrom string
	}{
		{`CRS 2024: "Russian security personnel first entered the country in 2021 in support of Malian counterinsurgency operations."`, "russia", "SUPPORTS", "mali", "2021"},
	}
	for _, tt := range tests {
		n := 0
		for _, r := range seedRels(t, h, tt.from, "OUT", "", tt.typ) {
			if r.To.ID != tt.to {
				continue
			}
			n++
			if str(r.ValidFrom) != tt.validFrom {
				t.Errorf("%s: %s starts %q, want %q", tt.doc, r.ID, str(r.ValidFrom), tt.validFrom)
			}
		}
		if n == 0 {
			t.Errorf("%s: no %s %s %s", tt.doc, tt.from, tt.typ, tt.to)
		}
	}
	if got := others(seedRels(t, h, "russia", "OUT", "2015", "SUPPORTS"), "russia"); slices.Contains(got, "mali") {
		t.Errorf("Russia SUPPORTS Mali as of 2015: %q", got)
	}

	// An event's links hold from the date the document gives the event
	// ("On August 8, Gunmen on motorcycles attacked several villages in ...
	// the Gao region"), so Mali's network of 2019 holds no attack of 2021.
	// The one exception is the siege of Menaka: "as of mid-2024" dates the
	// siege's state, not its start.
	dated := map[string]string{}
	vars := map[string]any{"after": nil}
	for range 100 {
		var page struct {
			Entities struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				}
				Edges []struct {
					Node struct {
						ID   string
						Date *string
					}
				}
			}
		}
		post(t, h, `query($after: String) { entities(first: 50, after: $after, kinds: [EVENT, COUP]) { pageInfo { hasNextPage endCursor }
			edges { node { id ... on Event { date } ... on Coup { date } } } } }`, vars).decode(t, &page)
		for _, e := range page.Entities.Edges {
			if e.Node.Date != nil {
				dated[e.Node.ID] = *e.Node.Date
			}
		}
		if !page.Entities.PageInfo.HasNextPage {
			break
		}
		vars["after"] = *page.Entities.PageInfo.EndCursor
	}
	if len(dated) < 20 {
		t.Fatalf("only %d dated events and coups: the check proves little", len(dated))
	}
	for id, date := range dated {
		if id == "menaka-siege" {
			continue
		}
		for _, r := range seedRels(t, h, id, "BOTH", "", "OCCURRED_IN", "TARGETED", "NEAR", "PERPETRATED") {
			if from := str(r.ValidFrom); from == "" || !strings.HasPrefix(date, from) {
				t.Errorf("%s starts %q; the document dates %s %s", r.ID, from, id, date)
			}
		}
	}
	if got := others(seedRels(t, h, "mali", "IN", "2019", "OCCURRED_IN"), "mali"); slices.Contains(got, "bandiagara-bus-attack-2021") {
		t.Errorf("Mali's events as of 2019 include the December 2021 Bandiagara attack: %q", got)
	}
}

// TestSeedCitesTheSentence checks that claims cite the whole sentence that
// makes them, and only sentences that do: fragments of the 2020 brief's
// interleaved columns and sentences held nowhere are gone.
func TestSeedCitesTheSentence(t *testing.T) {
	h := newSeedAPI(t)
	tests := []struct {
		doc    string
		entity string
		source string
		quote  string // the whole quote one of the entity's citations must be
	}{
		{"Iyad Ag Ghaly's sentence, whole (it was \"Ghaly, a Malian Tuareg, heads JNIM, which has claimed\")", "iyad-ag-ghaly", crs2020,
			"Iyad Ag Ghaly, a Malian Tuareg, heads JNIM, which has claimed attacks on U.N., French, and Malian targets, along with large attacks in Burkina Faso."},
		{"what hampers the G5 force", "g5-sahel-joint-force", crs2020,
			"A lack of capacity, mutual distrust, and divergent priorities among participating countries have hampered its effectiveness."},
		{"the 2018 election's low turnout", "presidential-election-2018", crs2020,
			"Turnout was low; Kéïta's margin of victory and the number of votes cast for him were lower than in 2013, when his election restored civilian rule after a military coup."},
		{"the CNSP and the mining sector, held nowhere before", "cnsp", crs2024,
			"The CNSP has asserted more control over the mining sector and related revenues."},
		{"designated groups outside the talks", "designated-terrorist-groups", crs2020,
			"Designated jihadist groups were not party to the talks."},
	}
	for _, tt := range tests {
		var got struct {
			Entity *struct{ Citations []seedCitation }
		}
		post(t, h, `query($id: ID!) { entity(id: $id) { citations { quote source { id title } } } }`, map[string]any{"id": tt.entity}).decode(t, &got)
		if got.Entity == nil {
			t.Errorf("no entity %q", tt.entity)
			continue
		}
		if !slices.ContainsFunc(got.Entity.Citations, func(c seedCitation) bool { return c.Source.ID == tt.source && c.Quote == tt.quote }) {
			t.Errorf("%s: %s does not cite %s %q: %+v", tt.doc, tt.entity, tt.source, tt.quote, got.Entity.Citations)
		}
	}

	// "Armed groups, state security forces, and Russian personnel have
	// allegedly committed atrocities": where they happened is that sentence's
	// claim, not that of the sentence on the security vacuum.
	for _, r := range seedRels(t, h, "alleged-atrocities", "OUT", "", "OCCURRED_IN") {
		for _, c := range r.Citations {
			if !strings.Contains(c.Quote, "atrocities") {
				t.Errorf("%s cites %q, which says nothing of atrocities", r.ID, c.Quote)
			}
		}
	}

	// "Goïta and other CNSP figures were also promoted from the rank of
	// colonel to general." The brief gives no date.
	var goita struct{ Entity struct{ Summary string } }
	post(t, h, `{ entity(id: "assimi-goita") { summary } }`, nil).decode(t, &goita)
	if s := goita.Entity.Summary; !strings.Contains(s, "colonel to general") || strings.Contains(s, "late 2024") {
		t.Errorf("assimi-goita's summary dates the promotion, or lost it: %q", s)
	}
}
