// Package changelog is the stored form of a change: one JSON document per
// revision, holding what the change did to each element and the element
// before and after. The embedded store's disk journal and the Neo4j
// backend's change nodes keep changes in this form, so the audit trail
// reads the same wherever it is kept, and a person can read it too.
//
// The field names are part of the stored format: renaming one needs a
// migration of every journal and database that holds it.
package changelog

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Version is the format's version, written into every document so a later
// format can read an earlier one.
const Version = 1

type change struct {
	Version       int                  `json:"v"`
	Revision      int64                `json:"revision"`
	At            time.Time            `json:"at"`
	Actor         string               `json:"actor"`
	Reason        string               `json:"reason,omitempty"`
	Sources       []sourceChange       `json:"sources,omitempty"`
	Entities      []entityChange       `json:"entities,omitempty"`
	Relationships []relationshipChange `json:"relationships,omitempty"`
}

type sourceChange struct {
	Op     domain.Operation `json:"op"`
	Before *source          `json:"before,omitempty"`
	After  *source          `json:"after"`
}

type entityChange struct {
	Op     domain.Operation `json:"op"`
	Before *entity          `json:"before,omitempty"`
	After  *entity          `json:"after"`
}

type relationshipChange struct {
	Op     domain.Operation `json:"op"`
	Before *relationship    `json:"before,omitempty"`
	After  *relationship    `json:"after"`
}

type source struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Publisher string `json:"publisher"`
	Published string `json:"published,omitempty"`
	URL       string `json:"url,omitempty"`
	Document  string `json:"document,omitempty"`
}

type citation struct {
	Source  string `json:"source"`
	Quote   string `json:"quote"`
	Locator string `json:"locator,omitempty"`
}

type figure struct {
	Measure     string           `json:"measure"`
	Value       float64          `json:"value"`
	Low         *float64         `json:"low,omitempty"`
	High        *float64         `json:"high,omitempty"`
	Unit        string           `json:"unit"`
	Qualifier   domain.Qualifier `json:"qualifier"`
	Period      domain.Period    `json:"period,omitempty"`
	Date        string           `json:"date,omitempty"`
	Certainty   domain.Certainty `json:"certainty,omitempty"`
	Attribution string           `json:"attribution,omitempty"`
	Citations   []citation       `json:"citations"`
}

type entity struct {
	ID        string            `json:"id"`
	Kind      domain.EntityKind `json:"kind"`
	Name      string            `json:"name"`
	Aliases   []string          `json:"aliases,omitempty"`
	Summary   string            `json:"summary,omitempty"`
	Category  domain.Category   `json:"category,omitempty"`
	ISO3      string            `json:"iso3,omitempty"`
	Role      string            `json:"role,omitempty"`
	Date      string            `json:"date,omitempty"`
	Started   string            `json:"started,omitempty"`
	Ended     string            `json:"ended,omitempty"`
	Place     string            `json:"place,omitempty"`
	Killed    *int              `json:"killed,omitempty"`
	Injured   *int              `json:"injured,omitempty"`
	Program   string            `json:"program,omitempty"`
	Authority string            `json:"authority,omitempty"`
	Agency    string            `json:"agency,omitempty"`
	Citations []citation        `json:"citations"`
	Figures   []figure          `json:"figures,omitempty"`
}

// money holds an amount exactly, in the currency's minor units.
type money struct {
	Minor      int64            `json:"minor"`
	Low        *int64           `json:"low,omitempty"`
	High       *int64           `json:"high,omitempty"`
	Period     domain.Period    `json:"period,omitempty"`
	Currency   string           `json:"currency"`
	Qualifier  domain.Qualifier `json:"qualifier"`
	FiscalYear *int             `json:"fiscalYear,omitempty"`
}

type retraction struct {
	Revision  int64      `json:"revision"`
	At        time.Time  `json:"at"`
	Actor     string     `json:"actor"`
	Reason    string     `json:"reason"`
	Citations []citation `json:"citations"`
}

type relationship struct {
	ID          string              `json:"id"`
	Type        domain.RelationType `json:"type"`
	From        string              `json:"from"`
	To          string              `json:"to"`
	ValidFrom   string              `json:"validFrom,omitempty"`
	ValidTo     string              `json:"validTo,omitempty"`
	Amount      *money              `json:"amount,omitempty"`
	Count       *int                `json:"count,omitempty"`
	Description string              `json:"description,omitempty"`
	Certainty   domain.Certainty    `json:"certainty"`
	Attribution string              `json:"attribution,omitempty"`
	Citations   []citation          `json:"citations"`
	Retraction  *retraction         `json:"retraction,omitempty"`
}

// Encode writes ch as its stored JSON document.
func Encode(ch *domain.Change) ([]byte, error) {
	c := change{Version: Version, Revision: ch.Revision, At: ch.At.UTC(), Actor: ch.Actor, Reason: ch.Reason}
	for _, sc := range ch.Sources {
		c.Sources = append(c.Sources, sourceChange{Op: sc.Op, Before: fromSource(sc.Before), After: fromSource(sc.After)})
	}
	for _, ec := range ch.Entities {
		c.Entities = append(c.Entities, entityChange{Op: ec.Op, Before: fromEntity(ec.Before), After: fromEntity(ec.After)})
	}
	for _, rc := range ch.Relationships {
		c.Relationships = append(c.Relationships, relationshipChange{Op: rc.Op, Before: fromRelationship(rc.Before), After: fromRelationship(rc.After)})
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode revision %d: %w", ch.Revision, err)
	}
	return b, nil
}

// Decode reads a stored JSON document back into a change.
func Decode(data []byte) (*domain.Change, error) {
	var c change
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("decode a change: %w", err)
	}
	if c.Version != Version {
		return nil, fmt.Errorf("decode revision %d: format version %d, this build reads version %d", c.Revision, c.Version, Version)
	}
	ch := &domain.Change{Revision: c.Revision, At: c.At.UTC(), Actor: c.Actor, Reason: c.Reason}
	d := &decoder{}
	for _, sc := range c.Sources {
		ch.Sources = append(ch.Sources, domain.SourceChange{Op: sc.Op, Before: d.source(sc.Before), After: d.source(sc.After)})
	}
	for _, ec := range c.Entities {
		ch.Entities = append(ch.Entities, domain.EntityChange{Op: ec.Op, Before: d.entity(ec.Before), After: d.entity(ec.After)})
	}
	for _, rc := range c.Relationships {
		ch.Relationships = append(ch.Relationships, domain.RelationshipChange{Op: rc.Op, Before: d.relationship(rc.Before), After: d.relationship(rc.After)})
	}
	if d.err != nil {
		return nil, fmt.Errorf("decode revision %d: %w", c.Revision, d.err)
	}
	return ch, nil
}

func fromSource(s *domain.Source) *source {
	if s == nil {
		return nil
	}
	return &source{ID: s.ID, Title: s.Title, Publisher: s.Publisher, Published: s.Published.String(), URL: s.URL, Document: s.Document}
}

func fromCitations(list []domain.Citation) []citation {
	out := make([]citation, len(list))
	for i, c := range list {
		out[i] = citation{Source: c.SourceID, Quote: c.Quote, Locator: c.Locator}
	}
	return out
}

func fromEntity(e *domain.Entity) *entity {
	if e == nil {
		return nil
	}
	out := &entity{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: e.Aliases, Summary: e.Summary, Category: e.Category,
		ISO3: e.ISO3, Role: e.Role, Date: e.Date.String(), Started: e.Started.String(), Ended: e.Ended.String(),
		Place: e.Place, Killed: e.Killed, Injured: e.Injured, Program: e.Program, Authority: e.Authority, Agency: e.Agency,
		Citations: fromCitations(e.Citations)}
	for _, f := range e.Figures {
		out.Figures = append(out.Figures, figure{Measure: f.Measure, Value: f.Value, Low: f.Low, High: f.High, Unit: f.Unit,
			Qualifier: f.Qualifier, Period: f.Period, Date: f.Date.String(), Certainty: f.Certainty, Attribution: f.Attribution,
			Citations: fromCitations(f.Citations)})
	}
	return out
}

func fromRelationship(r *domain.Relationship) *relationship {
	if r == nil {
		return nil
	}
	out := &relationship{ID: r.ID, Type: r.Type, From: r.FromID, To: r.ToID, ValidFrom: r.ValidFrom.String(), ValidTo: r.ValidTo.String(),
		Count: r.Count, Description: r.Description, Certainty: r.Certainty, Attribution: r.Attribution, Citations: fromCitations(r.Citations)}
	if m := r.Amount; m != nil {
		out.Amount = &money{Minor: m.Minor, Low: m.Low, High: m.High, Period: m.Period, Currency: m.Currency, Qualifier: m.Qualifier, FiscalYear: m.FiscalYear}
	}
	if x := r.Retraction; x != nil {
		out.Retraction = &retraction{Revision: x.Revision, At: x.At.UTC(), Actor: x.Actor, Reason: x.Reason, Citations: fromCitations(x.Citations)}
	}
	return out
}

// decoder turns stored shapes back into domain values, keeping the first
// malformed date it meets.
type decoder struct{ err error }

func (d *decoder) date(s string) domain.PartialDate {
	if s == "" {
		return domain.PartialDate{}
	}
	v, err := domain.ParsePartialDate(s)
	if err != nil && d.err == nil {
		d.err = err
	}
	return v
}

func toCitations(list []citation) []domain.Citation {
	out := make([]domain.Citation, len(list))
	for i, c := range list {
		out[i] = domain.Citation{SourceID: c.Source, Quote: c.Quote, Locator: c.Locator}
	}
	return out
}

func (d *decoder) source(s *source) *domain.Source {
	if s == nil {
		return nil
	}
	return &domain.Source{ID: s.ID, Title: s.Title, Publisher: s.Publisher, Published: d.date(s.Published), URL: s.URL, Document: s.Document}
}

func (d *decoder) entity(e *entity) *domain.Entity {
	if e == nil {
		return nil
	}
	out := &domain.Entity{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: e.Aliases, Summary: e.Summary, Category: e.Category,
		ISO3: e.ISO3, Role: e.Role, Date: d.date(e.Date), Started: d.date(e.Started), Ended: d.date(e.Ended),
		Place: e.Place, Killed: e.Killed, Injured: e.Injured, Program: e.Program, Authority: e.Authority, Agency: e.Agency,
		Citations: toCitations(e.Citations)}
	for _, f := range e.Figures {
		out.Figures = append(out.Figures, domain.Figure{Measure: f.Measure, Value: f.Value, Low: f.Low, High: f.High, Unit: f.Unit,
			Qualifier: f.Qualifier, Period: f.Period, Date: d.date(f.Date), Certainty: f.Certainty, Attribution: f.Attribution,
			Citations: toCitations(f.Citations)})
	}
	return out
}

func (d *decoder) relationship(r *relationship) *domain.Relationship {
	if r == nil {
		return nil
	}
	out := &domain.Relationship{ID: r.ID, Type: r.Type, FromID: r.From, ToID: r.To, ValidFrom: d.date(r.ValidFrom), ValidTo: d.date(r.ValidTo),
		Count: r.Count, Description: r.Description, Certainty: r.Certainty, Attribution: r.Attribution, Citations: toCitations(r.Citations)}
	if m := r.Amount; m != nil {
		out.Amount = &domain.Money{Minor: m.Minor, Low: m.Low, High: m.High, Period: m.Period, Currency: m.Currency, Qualifier: m.Qualifier, FiscalYear: m.FiscalYear}
	}
	if x := r.Retraction; x != nil {
		out.Retraction = &domain.Retraction{Revision: x.Revision, At: x.At.UTC(), Actor: x.Actor, Reason: x.Reason, Citations: toCitations(x.Citations)}
	}
	return out
}
