// Package acled imports ACLED's event exports (CSV, the columns of ACLED's
// codebook, found by header name): an EVENT entity per row, its actors
// resolved to the graph's entities or made, the country it occurred in,
// the perpetrator and target links, fatalities, and the date at the
// precision time_precision gives. Every element cites its row: the ACLED
// source, "event_id_cnty ID" as the locator, and the row's notes as the
// quote.
package acled

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/ingest"
)

// Source is ACLED as a source of the graph.
var Source = &domain.Source{
	ID:        "acled",
	Title:     "ACLED: Armed Conflict Location & Event Data",
	Publisher: "Armed Conflict Location & Event Data (ACLED)",
	URL:       "https://acleddata.com/",
}

// Format is the ACLED importer.
var Format = ingest.Format{
	Dataset: ingest.Dataset{Name: "acled", Source: Source, Prefix: "acled"},
	Read:    Read,
}

// Required are the columns a file must have; the others of the codebook
// are read when present.
var Required = []string{"event_id_cnty", "event_date", "event_type", "actor1", "country"}

// Read streams an ACLED CSV export into im, one row at a time.
func Read(ctx context.Context, r io.Reader, im *ingest.Importer) error {
	return ingest.ReadTable(ctx, r, im, Required, func(f ingest.Fields, line int) error { return row(ctx, im, f, line) })
}

// row imports one row, or rejects it with the reason.
func row(ctx context.Context, im *ingest.Importer, f ingest.Fields, line int) error {
	id := f.Get("event_id_cnty")
	key := "event_id_cnty " + id
	if id == "" {
		return im.Reject(line, "", "event_id_cnty is empty: every ACLED event has one")
	}
	ev, err := event(im, f, id, key)
	if err != nil {
		return im.RejectErr(line, key, err)
	}
	cite := ev.Citations
	certainty := ingest.CertaintyOf(f.Get("notes"))
	battle := strings.EqualFold(f.Get("event_type"), "Battles")
	var links []*domain.Relationship
	link := func(from string, t domain.RelationType, to string, c domain.Certainty, desc string) {
		r := &domain.Relationship{ID: ingest.LinkID(from, t, to, ""), Type: t, FromID: from, ToID: to,
			Certainty: c, Description: desc, Citations: cite}
		if t != domain.RelOccurredIn {
			r.ValidFrom = ev.Date
		}
		links = append(links, r)
	}
	for side := 1; side <= 2; side++ {
		n := strconv.Itoa(side)
		main := f.Get("actor" + n)
		if side == 1 && main == "" {
			return im.Reject(line, key, "actor1 is empty: every ACLED event has one")
		}
		if main == "" {
			if f.Get("assoc_actor_"+n) != "" {
				return im.Reject(line, key, "assoc_actor_2 is set but actor2 is empty")
			}
			continue
		}
		kind, category := actorKind(f.Get("inter" + n))
		actors := []struct {
			field, name string
			kind        domain.EntityKind
			cat         domain.Category
			desc        string
		}{{"actor" + n, main, kind, category, ""}}
		for _, a := range splitActors(f.Get("assoc_actor_" + n)) {
			actors = append(actors, struct {
				field, name string
				kind        domain.EntityKind
				cat         domain.Category
				desc        string
			}{"assoc_actor_" + n, a, domain.KindOrganization, "", "Named by ACLED as associated with " + ingest.Name(main) + " (assoc_actor_" + n + ")."})
		}
		for _, a := range actors {
			actorID, err := im.Actor(ctx, ingest.Actor{Field: a.field, Name: a.name, Alternatives: alternatives(a.name), Kinds: ingest.ActorKinds,
				New: newActor(a.name, a.kind, a.cat, f.Get("inter"+n), cite)})
			if err != nil {
				return im.RejectErr(line, key, err)
			}
			switch {
			case battle:
				link(actorID, domain.RelParticipatedIn, ev.ID, certainty, a.desc)
			case side == 1:
				link(actorID, domain.RelPerpetrated, ev.ID, certainty, a.desc)
			default:
				link(ev.ID, domain.RelTargeted, actorID, domain.CertaintyStated, a.desc)
			}
		}
	}
	if country := f.Get("country"); country != "" {
		iso3 := ingest.CountryISO3(f.Get("iso"))
		var alt []string
		if iso3 != "" {
			alt = []string{iso3}
		}
		countryID, err := im.Actor(ctx, ingest.Actor{Field: "country", Name: country, Alternatives: alt, Kinds: []domain.EntityKind{domain.KindCountry},
			New: func(id string) *domain.Entity {
				return &domain.Entity{ID: id, Kind: domain.KindCountry, Name: ingest.Name(country), ISO3: iso3, Citations: cite}
			}})
		if err != nil {
			return im.RejectErr(line, key, err)
		}
		link(ev.ID, domain.RelOccurredIn, countryID, domain.CertaintyStated, "")
	}
	return im.Add(ctx, &ingest.Row{Line: line, Key: key, Entity: ev, Links: links})
}

// event builds the row's EVENT entity.
func event(im *ingest.Importer, f ingest.Fields, id, key string) (*domain.Entity, error) {
	date, err := eventDate(f)
	if err != nil {
		return nil, err
	}
	killed, err := ingest.Count("fatalities", f.Get("fatalities"))
	if err != nil {
		return nil, err
	}
	what := ingest.Join(": ", f.Get("event_type"), f.Get("sub_event_type"))
	kind := f.Get("sub_event_type")
	if kind == "" {
		kind = f.Get("event_type")
	}
	place := ingest.Join(", ", f.Get("location"), f.Get("admin3"), f.Get("admin2"), f.Get("admin1"), f.Get("country"))
	name := kind
	if loc := f.Get("location"); loc != "" {
		name += " in " + loc
	}
	notes := f.Get("notes")
	quote := notes
	if quote == "" {
		// A row without notes is quoted by its own fields.
		quote = ingest.Join("; ", f.Get("event_date"), what, ingest.Join(" and ", f.Get("actor1"), f.Get("actor2")), place,
			fieldText("fatalities", f.Get("fatalities")))
	}
	// The notes are the citation's quote; the summary says what the quote
	// does not, and holds the whole notes only when the quote had to cut
	// them (an import keeps a million of these: nothing twice).
	summary := ingest.Join(" ", what+".", fieldText("Sources:", ingest.Join(" ", f.Get("source"), paren(f.Get("source_scale")))+"."),
		fieldText("Tags:", f.Get("tags")), civilian(f.Get("civilian_targeting")))
	cite := im.Cite(key, quote)
	if len(cite[0].Quote) < len(ingest.Clean(quote)) {
		summary += " Notes: " + ingest.Clean(notes)
	}
	e := &domain.Entity{
		ID: im.RecordID(id), Kind: domain.KindEvent, Name: ingest.Name(name),
		Category: category(f.Get("event_type"), f.Get("sub_event_type")), Date: date, Place: ingest.Cut(place, domain.MaxNameLength),
		Killed: killed, Summary: ingest.Cut(summary, domain.MaxSummaryLength), Citations: cite,
	}
	return e, nil
}

func fieldText(label, v string) string {
	if v == "" {
		return ""
	}
	return label + " " + v
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func civilian(v string) string {
	if v == "" {
		return ""
	}
	return "Civilians targeted."
}

// eventDate is event_date at the precision time_precision gives (see
// Precision), or the year alone when event_date is empty. A year column
// that disagrees with the date is an error.
func eventDate(f ingest.Fields) (domain.PartialDate, error) {
	var d domain.PartialDate
	raw, year := f.Get("event_date"), f.Get("year")
	switch {
	case raw != "":
		var err error
		if d, err = ingest.ParseDate(raw); err != nil {
			return d, domain.Invalidf("event_date: %s", err)
		}
	case year != "":
		return ingest.ParseYear(year)
	default:
		return d, domain.Invalidf("event_date and year are both empty: the event has no date")
	}
	if year != "" && year != strconv.Itoa(int(d.Year)) {
		return d, domain.Invalidf("event_date %s is not in the row's year %s", raw, year)
	}
	tp := f.Get("time_precision")
	if tp == "" {
		return d, nil
	}
	p, ok := Precision[tp]
	if !ok {
		return d, domain.Invalidf("time_precision %q is not 1, 2 or 3", tp)
	}
	return ingest.Coarsen(d, p), nil
}

// Precision maps ACLED's time_precision to what the partial date keeps:
// 1 (the source gives the day) keeps the day; 2 (the source gives a week
// or a few days, and ACLED codes a day within them) keeps the month of the
// coded day; 3 (the source gives a month or a longer period, and ACLED
// codes a day in its middle) keeps the year, as the coded month may not be
// the event's. A date never claims more than ACLED knows.
var Precision = map[string]domain.Precision{"1": domain.PrecisionDay, "2": domain.PrecisionMonth, "3": domain.PrecisionYear}

// category maps ACLED's event and sub-event types to the graph's event
// categories; none where no category fits (a battle is not an attack of
// one side on the other, nor a strategic development an event of the kinds
// the graph names).
func category(eventType, subType string) domain.Category {
	switch strings.ToLower(subType) {
	case "abduction/forced disappearance":
		return "KIDNAPPING"
	case "attack", "sexual violence":
		return "ATTACK"
	case "air/drone strike", "shelling/artillery/missile attack", "remote explosive/landmine/ied", "suicide bomb", "grenade", "chemical weapon":
		return "BOMBING"
	case "armed clash", "government regains territory", "non-state actor overtakes territory":
		return ""
	}
	switch strings.ToLower(eventType) {
	case "violence against civilians":
		return "ATTACK"
	case "explosions/remote violence":
		return "BOMBING"
	case "protests", "riots":
		return "POLITICAL"
	}
	return ""
}

// actorKind maps ACLED's inter codes (numbers in older exports, words in
// newer ones) to the kind and category of an entity made for an actor:
// state forces, rebel groups and militias are armed groups; external or
// other forces armed groups without a category; rioters, protesters and
// civilians organizations without one (the graph has no kind for a crowd).
func actorKind(inter string) (domain.EntityKind, domain.Category) {
	switch strings.ToLower(strings.TrimSpace(inter)) {
	case "1", "state forces":
		return domain.KindArmedGroup, "STATE_FORCE"
	case "2", "rebel group", "rebel groups":
		return domain.KindArmedGroup, "INSURGENT_GROUP"
	case "3", "political militia", "political militias", "4", "identity militia", "identity militias":
		return domain.KindArmedGroup, "MILITIA"
	case "8", "external/other forces", "external/other force":
		return domain.KindArmedGroup, ""
	}
	return domain.KindOrganization, ""
}

var interNames = map[string]string{"1": "State forces", "2": "Rebel group", "3": "Political militia", "4": "Identity militia",
	"5": "Rioters", "6": "Protesters", "7": "Civilians", "8": "External/Other forces"}

func newActor(name string, kind domain.EntityKind, cat domain.Category, inter string, cite []domain.Citation) func(string) *domain.Entity {
	return func(id string) *domain.Entity {
		what := inter
		if w, ok := interNames[inter]; ok {
			what = w
		}
		summary := "An actor in ACLED's event data."
		if what != "" {
			summary = "An actor in ACLED's event data (" + what + ")."
		}
		return &domain.Entity{ID: id, Kind: kind, Category: cat, Name: ingest.Name(name), Summary: summary, Citations: cite}
	}
}

// splitActors splits an assoc_actor field: ACLED separates several actors
// with semicolons.
func splitActors(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ";") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// alternatives are the other forms of an ACLED actor name tried when the
// whole name matches nothing: ACLED writes many groups as "ABBREVIATION:
// Full Name" ("JNIM: Jama'at Nusrat al-Islam wal-Muslimin"), so the full
// name, then the abbreviation.
func alternatives(name string) []string {
	abbr, full, ok := strings.Cut(name, ": ")
	if !ok || strings.TrimSpace(abbr) == "" || strings.TrimSpace(full) == "" {
		return nil
	}
	return []string{strings.TrimSpace(full), strings.TrimSpace(abbr)}
}
