// Package ucdp imports UCDP's Georeferenced Event Dataset (GED) in its CSV
// form (the columns of the GED codebook, found by header name): an EVENT
// entity per row, the dyad's two sides as actors resolved to the graph's
// entities or made, the country, and the deaths as a figure that keeps
// UCDP's best estimate with its low..high range, not a single number.
// Every element cites its row: the UCDP GED source, "id N" as the locator,
// and the row's source_headline (or source_article) as the quote.
package ucdp

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/ingest"
)

// Source is the UCDP Georeferenced Event Dataset as a source of the graph.
var Source = &domain.Source{
	ID:        "ucdp-ged",
	Title:     "UCDP Georeferenced Event Dataset (GED)",
	Publisher: "Uppsala Conflict Data Program (UCDP), Uppsala University",
	URL:       "https://ucdp.uu.se/downloads/",
}

// Format is the UCDP GED importer.
var Format = ingest.Format{
	Dataset: ingest.Dataset{Name: "ucdp", Source: Source, Prefix: "ucdp-ged"},
	Read:    Read,
}

// Required are the columns a file must have; the others of the codebook
// are read when present.
var Required = []string{"id", "type_of_violence", "side_a", "side_b", "country", "date_start", "best"}

// Read streams a GED CSV file into im, one row at a time.
func Read(ctx context.Context, r io.Reader, im *ingest.Importer) error {
	return ingest.ReadTable(ctx, r, im, Required, func(f ingest.Fields, line int) error { return row(ctx, im, f, line) })
}

// Violence names UCDP's type_of_violence codes.
var Violence = map[string]string{"1": "State-based violence", "2": "Non-state violence", "3": "One-sided violence"}

func row(ctx context.Context, im *ingest.Importer, f ingest.Fields, line int) error {
	id := f.Get("id")
	key := "id " + id
	if id == "" {
		return im.Reject(line, "", "id is empty: every GED event has one")
	}
	violence := f.Get("type_of_violence")
	if _, ok := Violence[violence]; !ok {
		return im.Reject(line, key, fmt.Sprintf("type_of_violence %q is not 1, 2 or 3", violence))
	}
	ev, err := event(im, f, id, key, violence)
	if err != nil {
		return im.RejectErr(line, key, err)
	}
	certainty := domain.CertaintyStated
	if f.Get("event_clarity") == "2" {
		certainty = domain.CertaintyReported
	} else if c := ingest.CertaintyOf(f.Get("source_headline")); c != domain.CertaintyStated {
		certainty = c
	}
	var links []*domain.Relationship
	link := func(from string, t domain.RelationType, to string, c domain.Certainty) {
		r := &domain.Relationship{ID: ingest.LinkID(from, t, to, ""), Type: t, FromID: from, ToID: to, Certainty: c, Citations: ev.Citations}
		if t != domain.RelOccurredIn {
			r.ValidFrom = ev.Date
		}
		links = append(links, r)
	}
	for i, field := range []string{"side_a", "side_b"} {
		name := f.Get(field)
		if name == "" {
			return im.Reject(line, key, field+" is empty: every GED event has two sides")
		}
		kind, cat := sideKind(name, violence, i)
		actorID, err := im.Actor(ctx, ingest.Actor{Field: field, Name: name, Kinds: ingest.ActorKinds,
			New: func(id string) *domain.Entity {
				return &domain.Entity{ID: id, Kind: kind, Category: cat, Name: ingest.Name(name),
					Summary: "A side of a dyad in UCDP's Georeferenced Event Dataset.", Citations: ev.Citations}
			}})
		if err != nil {
			return im.RejectErr(line, key, err)
		}
		switch {
		case violence != "3":
			link(actorID, domain.RelParticipatedIn, ev.ID, certainty)
		case i == 0:
			link(actorID, domain.RelPerpetrated, ev.ID, certainty)
		default:
			link(ev.ID, domain.RelTargeted, actorID, domain.CertaintyStated)
		}
	}
	if country := f.Get("country"); country != "" {
		countryID, err := im.Actor(ctx, ingest.Actor{Field: "country", Name: country, Kinds: []domain.EntityKind{domain.KindCountry},
			New: func(id string) *domain.Entity {
				return &domain.Entity{ID: id, Kind: domain.KindCountry, Name: ingest.Name(country), Citations: ev.Citations}
			}})
		if err != nil {
			return im.RejectErr(line, key, err)
		}
		link(ev.ID, domain.RelOccurredIn, countryID, domain.CertaintyStated)
	}
	return im.Add(ctx, &ingest.Row{Line: line, Key: key, Entity: ev, Links: links})
}

// sideKind is the kind of the entity made for a side: a government
// ("Government of Mali") an ORGANIZATION of category GOVERNMENT, civilians
// an ORGANIZATION, any other side an ARMED_GROUP (an INSURGENT_GROUP when it
// is side B of state-based violence, fighting a government).
func sideKind(name, violence string, side int) (domain.EntityKind, domain.Category) {
	switch {
	case strings.HasPrefix(strings.ToLower(name), "government of"):
		return domain.KindOrganization, "GOVERNMENT"
	case strings.EqualFold(name, "civilians"):
		return domain.KindOrganization, ""
	case violence == "1" && side == 1:
		return domain.KindArmedGroup, "INSURGENT_GROUP"
	}
	return domain.KindArmedGroup, ""
}

func event(im *ingest.Importer, f ingest.Fields, id, key, violence string) (*domain.Entity, error) {
	date, err := eventDate(f)
	if err != nil {
		return nil, err
	}
	deaths, err := figures(f, date)
	if err != nil {
		return nil, err
	}
	where := ingest.Join(", ", f.Get("where_coordinates"), f.Get("adm_2"), f.Get("adm_1"), f.Get("country"))
	name := ingest.Join(" - ", f.Get("dyad_name"))
	if name == "" {
		name = f.Get("side_a") + " - " + f.Get("side_b")
	}
	if at := firstOf(f.Get("where_coordinates"), f.Get("adm_1"), f.Get("country")); at != "" {
		name += " (" + at + ")"
	}
	quote := firstOf(f.Get("source_headline"), f.Get("source_article"))
	if quote == "" {
		quote = ingest.Join("; ", f.Get("date_start"), Violence[violence], f.Get("dyad_name"), where, "best "+f.Get("best"))
	}
	summary := ingest.Join(" ", Violence[violence]+":", ingest.Join("; ", f.Get("conflict_name"), f.Get("dyad_name"))+".",
		f.Get("where_description"), prefixed("Sources:", ingest.Join(", ", f.Get("source_office"), f.Get("source_date"))))
	e := &domain.Entity{
		ID: im.RecordID(id), Kind: domain.KindEvent, Name: ingest.Name(name), Date: date,
		Place: ingest.Cut(where, domain.MaxNameLength), Summary: ingest.Cut(summary, domain.MaxSummaryLength),
		Citations: im.Cite(key, quote),
	}
	if violence == "3" {
		e.Category = "ATTACK"
	}
	if len(deaths) > 0 {
		best := int(deaths[0].Value)
		e.Killed = &best
		for i := range deaths {
			deaths[i].Citations = e.Citations
		}
		e.Figures = deaths
	}
	return e, nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func prefixed(label, v string) string {
	if v == "" {
		return ""
	}
	return label + " " + v + "."
}

// eventDate is the finest date that holds date_start..date_end, and no
// finer than date_prec says UCDP knows (see Precision); the year column
// when date_start is empty.
func eventDate(f ingest.Fields) (domain.PartialDate, error) {
	start, end, year := f.Get("date_start"), f.Get("date_end"), f.Get("year")
	if start == "" {
		if year == "" {
			return domain.PartialDate{}, domain.Invalidf("date_start and year are both empty: the event has no date")
		}
		return ingest.ParseYear(year)
	}
	from, err := ingest.ParseDate(start)
	if err != nil {
		return from, domain.Invalidf("date_start: %s", err)
	}
	to := from
	if end != "" {
		if to, err = ingest.ParseDate(end); err != nil {
			return from, domain.Invalidf("date_end: %s", err)
		}
		if to.First() < from.First() {
			return from, domain.Invalidf("date_end %s is before date_start %s", end, start)
		}
	}
	d := ingest.Span(from, to)
	if prec := f.Get("date_prec"); prec != "" {
		p, ok := Precision[prec]
		if !ok {
			return d, domain.Invalidf("date_prec %q is not 1 to 5", prec)
		}
		if p < d.Precision() {
			d = ingest.Coarsen(d, p)
		}
	}
	if d.IsZero() {
		// Years apart: the start year is what is known.
		d = domain.PartialDate{Year: from.Year}
	}
	return d, nil
}

// Precision maps UCDP's date_prec to the finest precision the date may
// keep: 1 (the exact day) the day; 2 (a span of 2-6 days) and 3 (the week)
// the month; 4 (the month) the month; 5 (a longer span) the year. The date
// is also never finer than date_start..date_end allows: a span across
// two months keeps the year.
var Precision = map[string]domain.Precision{"1": domain.PrecisionDay, "2": domain.PrecisionMonth, "3": domain.PrecisionMonth,
	"4": domain.PrecisionMonth, "5": domain.PrecisionYear}

// figures are the deaths: best with low..high first (UCDP's estimate, so
// REPORTED and ABOUT unless low, best and high agree), then the breakdown by
// side, civilians and unknown where the file has the columns.
func figures(f ingest.Fields, date domain.PartialDate) ([]domain.Figure, error) {
	num := func(col string) (*float64, error) {
		v := f.Get(col)
		if v == "" {
			return nil, nil
		}
		n, err := ingest.Count(col, v)
		if err != nil {
			return nil, err
		}
		x := float64(*n)
		return &x, nil
	}
	best, err := num("best")
	if err != nil {
		return nil, err
	}
	if best == nil {
		return nil, domain.Invalidf("best is empty: every GED event has a best estimate of deaths")
	}
	low, err := num("low")
	if err != nil {
		return nil, err
	}
	high, err := num("high")
	if err != nil {
		return nil, err
	}
	if low != nil && *low > *best || high != nil && *high < *best {
		return nil, domain.Invalidf("deaths: best %v is not within low %v and high %v", *best, deref(low), deref(high))
	}
	q, c := domain.QualifierExact, domain.CertaintyStated
	if low != nil && *low != *best || high != nil && *high != *best {
		q, c = domain.QualifierAbout, domain.CertaintyReported
	}
	out := []domain.Figure{{Measure: "deaths", Value: *best, Low: low, High: high, Unit: "people", Qualifier: q, Certainty: c, Date: date}}
	for _, part := range []struct{ col, measure string }{
		{"deaths_a", "deaths of side A (" + ingest.Name(f.Get("side_a")) + ")"},
		{"deaths_b", "deaths of side B (" + ingest.Name(f.Get("side_b")) + ")"},
		{"deaths_civilians", "deaths of civilians"},
		{"deaths_unknown", "deaths of unknown affiliation"},
	} {
		v, err := num(part.col)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out = append(out, domain.Figure{Measure: ingest.Cut(part.measure, domain.MaxNameLength), Value: *v, Unit: "people",
				Qualifier: domain.QualifierExact, Certainty: c, Date: date})
		}
	}
	return out, nil
}

func deref(p *float64) any {
	if p == nil {
		return "none"
	}
	return *p
}
