package storetest

import (
	"fmt"
	"math/rand/v2"

	"github.com/conflictgraph/conflictgraph/domain"
)

// words make generated names that search can find by prefix and by word.
var words = []string{
	"Front", "Union", "Movement", "Council", "Brigade", "Coalition", "Mission", "Program", "Force",
	"Liberation", "Salvation", "Unity", "Justice", "Defense", "Sahel", "Desert", "River", "Northern",
	"Southern", "Eastern", "Western", "National", "Popular", "Islamic", "Democratic", "Azawad",
	"Macina", "Timbuktu", "Gao", "Kidal", "Mopti", "Segou", "Kayes", "Menaka", "Niger", "Volta",
}

// syllables make surnames, so names are many and distinct.
var syllables = []string{"ba", "ka", "ma", "to", "ri", "go", "ta", "ke", "sa", "do", "ou", "ni", "la", "mi", "zo"}

// Generate returns a reproducible graph of about n entities and m
// relationships, shaped like the real one: a few countries, many actors and
// events, a skewed degree (hubs that many links point to), partial dates,
// and aid programs funding countries through agencies. The same seed gives
// the same graph. Benchmarks of every backend use it.
func Generate(n, m int, seed uint64) *domain.Graph {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	cite := []domain.Citation{{SourceID: "generated", Quote: "Generated for benchmarks."}}
	g := &domain.Graph{Sources: []*domain.Source{{ID: "generated", Title: "Generated graph", Publisher: "conflictgraph"}}}
	kinds := []struct {
		kind  domain.EntityKind
		share float64
		cat   domain.Category
	}{
		{domain.KindCountry, 0.01, ""}, {domain.KindArmedGroup, 0.20, "INSURGENT_GROUP"}, {domain.KindPerson, 0.25, ""},
		{domain.KindOrganization, 0.18, "GOVERNMENT_AGENCY"}, {domain.KindMission, 0.04, "PEACEKEEPING"},
		{domain.KindAidProgram, 0.02, ""}, {domain.KindEvent, 0.20, "ATTACK"}, {domain.KindSanction, 0.04, ""},
		{domain.KindCoup, 0.01, ""}, {domain.KindAgreement, 0.03, ""}, {domain.KindLegislation, 0.02, ""},
	}
	byKind := map[domain.EntityKind][]string{}
	for _, k := range kinds {
		count := max(5, int(k.share*float64(n)))
		for range count {
			id := fmt.Sprintf("e%07d", len(g.Entities))
			name := words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
			surname := ""
			for range 2 + rng.IntN(3) {
				surname += syllables[rng.IntN(len(syllables))]
			}
			e := &domain.Entity{ID: id, Kind: k.kind, Name: name + " " + surname, Category: k.cat, Citations: cite,
				Aliases: []string{fmt.Sprintf("%s %d", surname, len(g.Entities))}}
			if k.kind == domain.KindEvent || k.kind == domain.KindCoup || k.kind == domain.KindSanction {
				e.Date = randomDate(rng)
			}
			g.Entities = append(g.Entities, e)
			byKind[k.kind] = append(byKind[k.kind], id)
		}
	}
	// Links point at entities with a skew: a few hubs draw most of them.
	zipf := rand.NewZipf(rng, 1.2, 8, uint64(len(g.Entities)-1))
	types := []domain.RelationType{
		domain.RelOperatesIn, domain.RelFights, domain.RelSupports, domain.RelMemberOf, domain.RelLedBy,
		domain.RelAttacked, domain.RelAlliedWith, domain.RelPerpetrated, domain.RelOccurredIn, domain.RelDeployedTo,
		domain.RelSanctioned, domain.RelSigned, domain.RelCooperatesWith, domain.RelTargeted,
	}
	rel := func(t domain.RelationType, from, to string) *domain.Relationship {
		r := &domain.Relationship{ID: fmt.Sprintf("generated.r%08d", len(g.Relationships)), Type: t, FromID: from, ToID: to,
			Certainty: domain.CertaintyStated, Citations: cite}
		g.Relationships = append(g.Relationships, r)
		return r
	}
	// The aid web: each program run by an agency of a country, funding
	// countries by fiscal year.
	countries, agencies := byKind[domain.KindCountry], byKind[domain.KindOrganization]
	for i, p := range byKind[domain.KindAidProgram] {
		agency := agencies[i%len(agencies)]
		rel(domain.RelAdministeredBy, p, agency)
		rel(domain.RelPartOf, agency, countries[i%len(countries)])
	}
	aid := []domain.RelationType{domain.RelFunded, domain.RelFunded, domain.RelFunded, domain.RelWaived, domain.RelDenied, domain.RelPledged}
	qualifiers := []domain.Qualifier{domain.QualifierExact, domain.QualifierExact, domain.QualifierAtLeast, domain.QualifierAbout}
	for range m / 20 {
		programs := byKind[domain.KindAidProgram]
		fy := 2000 + rng.IntN(25)
		r := rel(aid[rng.IntN(len(aid))], programs[rng.IntN(len(programs))], countries[int(zipf.Uint64())%len(countries)])
		r.Amount = &domain.Money{Minor: int64(1+rng.IntN(1000)) * 1000_00, Currency: "USD", Qualifier: qualifiers[rng.IntN(len(qualifiers))], FiscalYear: &fy}
	}
	for len(g.Relationships) < m {
		from := g.Entities[rng.IntN(len(g.Entities))].ID
		to := g.Entities[zipf.Uint64()].ID
		r := rel(types[rng.IntN(len(types))], from, to)
		if rng.IntN(10) < 6 {
			r.ValidFrom = randomDate(rng)
			if rng.IntN(3) == 0 {
				end := r.ValidFrom
				end.Year += int16(1 + rng.IntN(5))
				end.Month, end.Day = 0, 0
				r.ValidTo = end
			}
		}
	}
	return g
}

// randomDate is a year, month or day between 1990 and 2024.
func randomDate(rng *rand.Rand) domain.PartialDate {
	d := domain.PartialDate{Year: int16(1990 + rng.IntN(35))}
	if rng.IntN(3) > 0 {
		d.Month = int8(1 + rng.IntN(12))
		if rng.IntN(2) == 0 {
			d.Day = int8(1 + rng.IntN(28))
		}
	}
	return d
}
