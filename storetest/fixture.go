package storetest

import "github.com/conflictgraph/conflictgraph/domain"

// Fixture returns a small graph built to trip naive code: a cycle, a
// self-loop, parallel relationships of different types, partial dates of
// every precision, an entity with no relationships, and ids and names with
// quotes, diacritics and non-Latin script. Every call returns fresh values.
func Fixture() *domain.Graph {
	d := domain.MustPartialDate
	cite := func(q string) []domain.Citation { return []domain.Citation{{SourceID: "doc-a", Quote: q}} }
	five, twelve := 5, 12
	fy := 2019
	return &domain.Graph{
		Sources: []*domain.Source{
			{ID: "doc-a", Title: "Document A", Publisher: "Publisher A", Published: d("2020-01"), URL: "https://example.org/documents/a?lang=en&v=2", Document: "a.txt"},
			{ID: "doc-b", Title: "Document B", Publisher: "Publisher B"},
		},
		Entities: []*domain.Entity{
			{ID: "atlantis", Kind: domain.KindCountry, Name: "Atlantis", Aliases: []string{"Republic of Atlantis"}, ISO3: "XAT", Citations: cite("Atlantis is a country.")},
			{ID: "lemuria", Kind: domain.KindCountry, Name: "Lémuria", Aliases: []string{"Lemuria"}, ISO3: "XLM", Citations: cite("Lémuria borders Atlantis.")},
			{ID: "front", Kind: domain.KindArmedGroup, Name: "Liberation Front", Aliases: []string{"LF", "Front de Libération"}, Category: "INSURGENT_GROUP", Started: d("2012-01"), Citations: cite("The Liberation Front formed in January 2012.")},
			{ID: "union", Kind: domain.KindArmedGroup, Name: "Union for the Front", Aliases: []string{"UF"}, Category: "COALITION", Started: d("2017"), Citations: cite("The Union formed in 2017.")},
			{ID: "keita", Kind: domain.KindPerson, Name: "Ibrahim Boubacar Kéïta", Aliases: []string{"IBK"}, Role: "President", Citations: cite("Kéïta was president.")},
			{ID: "o-brien", Kind: domain.KindPerson, Name: "Séan O'Brien", Role: "Envoy", Citations: cite("O'Brien mediated.")},
			{ID: "東京-mission", Kind: domain.KindMission, Name: "東京 Observer Mission", Category: "CIVILIAN", Started: d("2019-03-15"), Citations: cite("The observers arrived on 15 March 2019.")},
			{ID: "training-program", Kind: domain.KindAidProgram, Name: "Training Program", Agency: "Ministry of Training", Citations: cite("The Training Program.")},
			{ID: "ambush", Kind: domain.KindEvent, Name: "Border ambush", Category: "AMBUSH", Date: d("2021-12-25"), Place: "Border post", Killed: &twelve, Injured: &five, Citations: cite("Twelve died in the ambush on 25 December 2021.")},
			{ID: "coup-2020", Kind: domain.KindCoup, Name: "2020 coup in Atlantis", Date: d("2020-08"), Citations: cite("The August 2020 coup.")},
			{ID: "hermit", Kind: domain.KindOrganization, Name: "Hermit Society", Category: "NGO", Citations: cite("The Hermit Society keeps to itself.")},
		},
		Relationships: []*domain.Relationship{
			// union -> front -> lemuria -> union: a cycle.
			{ID: "union.formed-from.front", Type: domain.RelFormedFrom, FromID: "union", ToID: "front", ValidFrom: d("2017-03"), Certainty: domain.CertaintyStated, Citations: cite("The Union formed in 2017.")},
			{ID: "front.operates-in.lemuria", Type: domain.RelOperatesIn, FromID: "front", ToID: "lemuria", ValidFrom: d("2012"), ValidTo: d("2015-06"), Certainty: domain.CertaintyStated, Citations: cite("The Liberation Front formed in January 2012.")},
			{ID: "lemuria.supports.union", Type: domain.RelSupports, FromID: "lemuria", ToID: "union", ValidFrom: d("2021-12"), Certainty: domain.CertaintyAlleged, Citations: cite("Lémuria borders Atlantis.")},
			// Parallel relationships of different types between the same pair.
			{ID: "front.attacked.atlantis", Type: domain.RelAttacked, FromID: "front", ToID: "atlantis", ValidFrom: d("2021-12-25"), ValidTo: d("2021-12-25"), Certainty: domain.CertaintyClaimed, Citations: cite("Twelve died in the ambush on 25 December 2021.")},
			{ID: "front.fights.atlantis", Type: domain.RelFights, FromID: "front", ToID: "atlantis", ValidFrom: d("2012"), Certainty: domain.CertaintyStated, Citations: cite("The Liberation Front formed in January 2012.")},
			// A self-loop.
			{ID: "front.fights.front", Type: domain.RelFights, FromID: "front", ToID: "front", ValidFrom: d("2020"), Description: "Factions of the Front fought each other.", Certainty: domain.CertaintyReported, Citations: cite("The Liberation Front formed in January 2012.")},
			{ID: "front.perpetrated.ambush", Type: domain.RelPerpetrated, FromID: "front", ToID: "ambush", Certainty: domain.CertaintyClaimed, Citations: cite("Twelve died in the ambush on 25 December 2021.")},
			{ID: "ambush.occurred-in.atlantis", Type: domain.RelOccurredIn, FromID: "ambush", ToID: "atlantis", Certainty: domain.CertaintyStated, Citations: cite("Twelve died in the ambush on 25 December 2021.")},
			{ID: "atlantis.led-by.keita", Type: domain.RelLedBy, FromID: "atlantis", ToID: "keita", ValidFrom: d("2013-09-04"), ValidTo: d("2020-08"), Certainty: domain.CertaintyStated, Citations: cite("Kéïta was president.")},
			{ID: "coup-2020.occurred-in.atlantis", Type: domain.RelOccurredIn, FromID: "coup-2020", ToID: "atlantis", Certainty: domain.CertaintyStated, Citations: cite("The August 2020 coup.")},
			{ID: "training-program.funded.atlantis.fy2019", Type: domain.RelFunded, FromID: "training-program", ToID: "atlantis", Amount: &domain.Money{Minor: 2_300_000_00, Currency: "USD", Qualifier: domain.QualifierAtLeast, FiscalYear: &fy}, Certainty: domain.CertaintyStated, Citations: cite("The Training Program.")},
			{ID: "東京-mission.deployed-to.atlantis", Type: domain.RelDeployedTo, FromID: "東京-mission", ToID: "atlantis", ValidFrom: d("2019-03-15"), Count: &twelve, Certainty: domain.CertaintyStated, Citations: cite("The observers arrived on 15 March 2019.")},
			{ID: "o-brien.mediated.atlantis", Type: domain.RelMediated, FromID: "o-brien", ToID: "atlantis", Certainty: domain.CertaintyStated, Citations: []domain.Citation{{SourceID: "doc-a", Quote: "O'Brien mediated."}, {SourceID: "doc-b", Quote: "The envoy \"mediated\"."}}},
		},
	}
}
