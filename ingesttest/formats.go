package ingesttest

import (
	"testing"

	"github.com/conflictgraph/conflictgraph/acled"
	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/ftm"
	"github.com/conflictgraph/conflictgraph/ingest"
	"github.com/conflictgraph/conflictgraph/ucdp"
)

// acledRejected are the lines of acled.csv that must be rejected: a day
// February lacks, a row of too few fields, an ambiguous "Wagner", an event
// id given twice, an empty actor1, fatalities that are not a number, a
// year that is not the date's, and a bare quote.
var acledRejected = []int{7, 8, 10, 11, 12, 13, 14, 15}

var acledKeys = keysOf("event_id_cnty ", "MLI1001", "MLI1002", "MLI1003", "BFA2001", "MLI1006", "MLI1007", "MLI1011")

func testACLED(t *testing.T, st domain.Store) {
	sum := Import(t, st, acled.Format, "acled.csv", ingest.Options{})
	if sum.Records.Read != 13 || sum.Records.Created != 5 {
		t.Errorf("read %d records, created %d events; want 13 and 5", sum.Records.Read, sum.Records.Created)
	}
	wantRejected(t, sum, acledRejected...)
	if amb := sum.Ambiguous["wagner"]; amb == nil || len(amb.Candidates) != 2 || amb.Records != 1 {
		t.Errorf("ambiguous names: %+v; want Wagner, matching two entities, in one record", sum.Ambiguous)
	}

	// A battle: its sides take part, JNIM found by the abbreviation of
	// ACLED's "JNIM: ..." (the seed's alias), the army made anew.
	ev := entity(t, st, "acled-mli1001")
	if ev.Kind != domain.KindEvent || ev.Date != domain.MustPartialDate("2022-03-03") || ev.Killed == nil || *ev.Killed != 12 ||
		ev.Place != "Tessit, Ansongo, Gao, Mali" || ev.Name != "Armed clash in Tessit" {
		t.Errorf("event MLI1001: %+v", ev)
	}
	if c := ev.Citations[0]; c.SourceID != "acled" || c.Locator != "event_id_cnty MLI1001" ||
		c.Quote != `On 3 March 2022, JNIM militants clashed with the FAMa near Tessit (Ansongo, Gao). The army called it a "terrorist attack". 12 fatalities.` {
		t.Errorf("event MLI1001 cites %+v", c)
	}
	army := entity(t, st, "military-forces-of-mali-2021")
	if army.Kind != domain.KindArmedGroup || army.Category != "STATE_FORCE" || army.Name != "Military Forces of Mali (2021-)" {
		t.Errorf("the army made for actor2: %+v", army)
	}
	for _, id := range []string{"jnim.participated-in.acled-mli1001", "military-forces-of-mali-2021.participated-in.acled-mli1001"} {
		if r := relationship(t, st, id); r.ValidFrom != ev.Date || r.Certainty != domain.CertaintyStated {
			t.Errorf("%s: %+v", id, r)
		}
	}
	relationship(t, st, "acled-mli1001.occurred-in.mali")

	// Violence against civilians, week precision kept as the month, the
	// notes' "allegedly" as the perpetrator's certainty, associated actors.
	ev = entity(t, st, "acled-mli1002")
	if ev.Date != domain.MustPartialDate("2022-03") || ev.Category != "ATTACK" {
		t.Errorf("event MLI1002: date %s, category %s; want 2022-03 and ATTACK", ev.Date, ev.Category)
	}
	if r := relationship(t, st, "wagner-group.perpetrated.acled-mli1002"); r.Certainty != domain.CertaintyAlleged {
		t.Errorf("Wagner's part in MLI1002 is %s, want ALLEGED from the notes", r.Certainty)
	}
	for _, to := range []string{"civilians-mali", "fulani-ethnic-group-mali", "farmers-mali"} {
		relationship(t, st, "acled-mli1002.targeted."+to)
	}

	// No actor2 and no notes: quoted by its own fields; month precision
	// (3) keeps the year only.
	ev = entity(t, st, "acled-mli1003")
	if ev.Date != domain.MustPartialDate("2022") || ev.Category != "BOMBING" || ev.Citations[0].Quote == "" {
		t.Errorf("event MLI1003: %+v", ev)
	}
	// Non-Latin names, and a claim of responsibility.
	if r := relationship(t, st, "ansar-al-islam.perpetrated.acled-bfa2001"); r.Certainty != domain.CertaintyClaimed {
		t.Errorf("BFA2001's perpetrator is %s, want CLAIMED", r.Certainty)
	}
	arabic := entity(t, st, "انصار-الاسلام")
	if arabic.Name != "أنصار الإسلام" {
		t.Errorf("the actor of the Arabic name: %+v", arabic)
	}
	relationship(t, st, "acled-bfa2001.occurred-in.burkina-faso")
	// A year without a date; notes longer than a quote, cut at a sentence.
	ev = entity(t, st, "acled-mli1006")
	if q := ev.Citations[0].Quote; ev.Date != domain.MustPartialDate("2021") || len(q) > domain.MaxQuoteLength ||
		q[len(q)-len(ingest.Ellipsis):] != ingest.Ellipsis || q[len(q)-len(ingest.Ellipsis)-2] != '.' {
		t.Errorf("event MLI1006: date %s, quote %q", ev.Date, q)
	}
	absent(t, st, "acled-mli1007") // ambiguous
	absent(t, st, "acled-mli1005") // bad date
	// Seed entities are linked, never rewritten.
	if jnim := entity(t, st, "jnim"); jnim.Name != "Union for Supporting Islam and Muslims" || len(jnim.Citations) == 0 || jnim.Citations[0].SourceID == "acled" {
		t.Errorf("the seed's JNIM was changed: %+v", jnim)
	}

	wantCited(t, st, "acled", acledKeys)
	wantGolden(t, st, "acled", "acled")
	reimport(t, st, acled.Format, "acled.csv", ingest.Options{}, sum)
}

// testACLEDWithMap settles the ambiguous Wagner and the army with a map.
func testACLEDWithMap(t *testing.T, st domain.Store) {
	m := ingest.Map{domain.Fold("Wagner"): "wagner-group", domain.Fold("Military Forces of Mali (2021-)"): "fama"}
	sum := Import(t, st, acled.Format, "acled.csv", ingest.Options{Map: m})
	wantRejected(t, sum, 7, 8, 11, 12, 13, 14, 15)
	// Each entity counts once, the first way it was found: the Wagner Group
	// by its name (MLI1002) before the map's "Wagner" (MLI1007).
	if sum.Matched.ByMap != 1 || len(sum.Ambiguous) != 0 {
		t.Errorf("matched %d entities by the map, %d names ambiguous; want 1 (FAMa) and none", sum.Matched.ByMap, len(sum.Ambiguous))
	}
	relationship(t, st, "fama.participated-in.acled-mli1001")
	relationship(t, st, "wagner-group.participated-in.acled-mli1007")
	absent(t, st, "military-forces-of-mali-2021")
	reimport(t, st, acled.Format, "acled.csv", ingest.Options{Map: m}, sum)
}

// testACLEDNewerExport imports a newer export: one event revised, one the
// same, one new.
func testACLEDNewerExport(t *testing.T, st domain.Store) {
	Import(t, st, acled.Format, "acled.csv", ingest.Options{})
	sum := Import(t, st, acled.Format, "acled-newer.csv", ingest.Options{})
	if r := sum.Records; r.Created != 1 || r.Updated != 1 || r.Unchanged != 1 || sum.Rejected != 0 {
		t.Errorf("newer export: records %+v, %d rejected; want 1 created, 1 updated, 1 unchanged", r, sum.Rejected)
	}
	if ev := entity(t, st, "acled-mli1001"); ev.Killed == nil || *ev.Killed != 14 {
		t.Errorf("MLI1001 after the newer export: killed %v, want 14", ev.Killed)
	}
	if r := relationship(t, st, "jnim.participated-in.acled-mli1001"); r.Citations[0].Quote == "" ||
		r.Citations[0].Quote[len(r.Citations[0].Quote)-len("(revised)."):] != "(revised)." {
		t.Errorf("the link of the revised event still quotes %q", r.Citations[0].Quote)
	}
	entity(t, st, "acled-mli1011")
	wantCited(t, st, "acled", acledKeys)
}

// ucdpRejected are the lines of ucdp.csv that must be rejected: best not
// a number, best below low, a type of violence that does not exist, an id
// twice, an empty side, too few fields.
var ucdpRejected = []int{6, 7, 8, 9, 10, 11}

// ftmRejected are the lines of ftm.jsonl that must be rejected: an
// Address, a broken line, a member no record holds, no id, an id twice.
var ftmRejected = []int{13, 14, 15, 16, 17}

func testUCDP(t *testing.T, st domain.Store) {
	sum := Import(t, st, ucdp.Format, "ucdp.csv", ingest.Options{})
	if sum.Records.Read != 10 || sum.Records.Created != 4 {
		t.Errorf("read %d records, created %d events; want 10 and 4", sum.Records.Read, sum.Records.Created)
	}
	wantRejected(t, sum, ucdpRejected...)

	ev := entity(t, st, "ucdp-ged-400001")
	if ev.Date != domain.MustPartialDate("2019-09-30") || ev.Killed == nil || *ev.Killed != 53 || len(ev.Figures) != 5 {
		t.Fatalf("event 400001: %+v", ev)
	}
	best := ev.Figures[0]
	if best.Value != 53 || best.Low == nil || *best.Low != 40 || best.High == nil || *best.High != 60 ||
		best.Qualifier != domain.QualifierAbout || best.Certainty != domain.CertaintyReported {
		t.Errorf("deaths of 400001: %+v, low %v, high %v; want 53 in 40..60, ABOUT, REPORTED", best, best.Low, best.High)
	}
	if c := ev.Citations[0]; c.Locator != "id 400001" || c.Quote != `Dozens of Malian soldiers killed in "complex" attack on Boulkessi camp` {
		t.Errorf("event 400001 cites %+v", c)
	}
	gov := entity(t, st, "government-of-mali")
	if gov.Kind != domain.KindOrganization || gov.Category != "GOVERNMENT" {
		t.Errorf("the government made for side_a: %+v", gov)
	}
	relationship(t, st, "government-of-mali.participated-in.ucdp-ged-400001")
	relationship(t, st, "jnim.participated-in.ucdp-ged-400001")
	// One-sided violence, three days of one month, low clarity, the
	// article as the quote.
	ev = entity(t, st, "ucdp-ged-400002")
	if ev.Date != domain.MustPartialDate("2022-03") || ev.Category != "ATTACK" || ev.Figures[0].Qualifier != domain.QualifierExact {
		t.Errorf("event 400002: %+v", ev)
	}
	if r := relationship(t, st, "isis-sahel.perpetrated.ucdp-ged-400002"); r.Certainty != domain.CertaintyReported {
		t.Errorf("IS-Sahel's part in 400002 is %s, want REPORTED (event_clarity 2)", r.Certainty)
	}
	relationship(t, st, "ucdp-ged-400002.targeted.civilians")
	// A span across two months keeps the year; a missing date the year.
	if ev := entity(t, st, "ucdp-ged-400003"); ev.Date != domain.MustPartialDate("2018") {
		t.Errorf("event 400003 is dated %s, want 2018", ev.Date)
	}
	if ev := entity(t, st, "ucdp-ged-400004"); ev.Date != domain.MustPartialDate("2017") {
		t.Errorf("event 400004 is dated %s, want 2017", ev.Date)
	}
	wantCited(t, st, "ucdp-ged", keysOf("id ", "400001", "400002", "400003", "400004"))
	wantGolden(t, st, "ucdp-ged", "ucdp")
	reimport(t, st, ucdp.Format, "ucdp.csv", ingest.Options{}, sum)
}

func testFtM(t *testing.T, st domain.Store) {
	sum := Import(t, st, ftm.Format, "ftm.jsonl", ingest.Options{})
	if sum.Records.Read != 18 || sum.Records.Created != 5 || sum.Records.Matched != 2 {
		t.Errorf("read %d records, created %d entities, found %d; want 18, 5 and 2", sum.Records.Read, sum.Records.Created, sum.Records.Matched)
	}
	wantRejected(t, sum, ftmRejected...)
	prigozhin := entity(t, st, ingest.RecordID("ftm", "NK-PrigoZ", true))
	if prigozhin.Kind != domain.KindPerson || prigozhin.Name != "Yevgeny Viktorovich Prigozhin" || prigozhin.Role != "Founder of the Wagner Group" ||
		len(prigozhin.Aliases) != 3 {
		t.Errorf("Prigozhin: %+v", prigozhin)
	}
	if c := prigozhin.Citations[0]; c.SourceID != "opensanctions" || c.Locator != "id NK-PrigoZ" || c.Quote == "" {
		t.Errorf("Prigozhin cites %+v", c)
	}
	// Found by name: linked, not rewritten.
	if w := entity(t, st, "wagner-group"); w.Citations[0].SourceID == "opensanctions" {
		t.Errorf("the seed's Wagner Group was rewritten: %+v", w)
	}
	absent(t, st, ingest.RecordID("ftm", "NK-wagnerX", true))
	absent(t, st, ingest.RecordID("ftm", "NK-utkin", true))
	member := relationship(t, st, ingest.LinkID(prigozhin.ID, domain.RelMemberOf, "wagner-group", "NK-member-1"))
	if member.ValidFrom != domain.MustPartialDate("2014") || member.ValidTo != domain.MustPartialDate("2023-08-23") || member.Description != "founder" {
		t.Errorf("membership: %+v", member)
	}
	meroe := ingest.RecordID("ftm", "NK-meroe", true)
	pavel := ingest.RecordID("ftm", "NK-pavel", true)
	sanction := entity(t, st, ingest.RecordID("ftm", "ofac-sanction-meroe", true))
	if sanction.Kind != domain.KindSanction || sanction.Authority != "Office of Foreign Assets Control" || sanction.Program != "SUDAN-EO14098" ||
		sanction.Date != domain.MustPartialDate("2023-06-01") {
		t.Errorf("sanction: %+v", sanction)
	}
	relationship(t, st, ingest.LinkID(sanction.ID, domain.RelSanctioned, meroe, "ofac-sanction-meroe"))
	if r := relationship(t, st, ingest.LinkID(prigozhin.ID, domain.RelOwns, meroe, "NK-own-1")); r.Description != "owns 51%" {
		t.Errorf("ownership: %+v", r)
	}
	relationship(t, st, ingest.LinkID(prigozhin.ID, domain.RelDirectorOf, meroe, "NK-dir-1"))
	if r := relationship(t, st, ingest.LinkID(prigozhin.ID, domain.RelFamilyOf, pavel, "NK-family-1")); r.Description != "son" {
		t.Errorf("family: %+v", r)
	}
	relationship(t, st, ingest.LinkID(prigozhin.ID, domain.RelAssociateOf, "dmitry-utkin", "NK-assoc-1"))
	relationship(t, st, ingest.LinkID(pavel, domain.RelRepresents, meroe, "NK-rep-1"))
	// A namesake with an id differing by case stays another entity.
	namesake := entity(t, st, ingest.RecordID("ftm", "NK-PRIGOZ", true))
	if namesake.ID == prigozhin.ID || namesake.Name != "Pavel Prigozhin" {
		t.Errorf("the namesake: %+v", namesake)
	}
	keys := keysOf("id ", "NK-PrigoZ", "ofac-sanction-meroe", "NK-member-1", "NK-meroe", "NK-family-1", "NK-pavel", "NK-own-1",
		"NK-dir-1", "NK-assoc-1", "NK-rep-1", "NK-PRIGOZ")
	wantCited(t, st, "opensanctions", keys)
	wantGolden(t, st, "opensanctions", "ftm")
	reimport(t, st, ftm.Format, "ftm.jsonl", ingest.Options{}, sum)
}

// testSmallChangeSets imports each fixture in change sets of two elements,
// so that every record is written while the next ones are read: the graph,
// the rejected lines and the counts must be those of one change set.
func testSmallChangeSets(t *testing.T, st domain.Store) {
	small := ingest.Options{BatchSize: 2}
	for _, f := range []struct {
		format   ingest.Format
		file     string
		source   string
		golden   string
		rejected []int
	}{
		{acled.Format, "acled.csv", "acled", "acled", acledRejected},
		{ucdp.Format, "ucdp.csv", "ucdp-ged", "ucdp", ucdpRejected},
		{ftm.Format, "ftm.jsonl", "opensanctions", "ftm", ftmRejected},
	} {
		sum := Import(t, st, f.format, f.file, small)
		if sum.ChangeSets < 4 {
			t.Errorf("%s was written in %d change sets, want one for every element or two", f.file, sum.ChangeSets)
		}
		wantRejected(t, sum, f.rejected...)
		wantGolden(t, st, f.source, f.golden)
		reimport(t, st, f.format, f.file, small, sum)
	}
}
