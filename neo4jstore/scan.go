package neo4jstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Conversions between domain values and the property maps stored in Neo4j.
// Absent values are left out (Neo4j has no empty property), dates are stored
// as written plus, on relationships, as YYYYMMDD integers for filtering.

func sourceProps(s *domain.Source) map[string]any {
	p := map[string]any{"id": s.ID, "title": s.Title, "publisher": s.Publisher}
	putString(p, "published", s.Published.String())
	putString(p, "url", s.URL)
	putString(p, "document", s.Document)
	return p
}

func scanSource(m map[string]any) (*domain.Source, error) {
	s := &domain.Source{ID: str(m, "id"), Title: str(m, "title"), Publisher: str(m, "publisher"), URL: str(m, "url"), Document: str(m, "document")}
	var err error
	s.Published, err = date(m, "published")
	return s, err
}

func entityProps(e *domain.Entity) (map[string]any, error) {
	p := map[string]any{
		"id":      e.ID,
		"kind":    string(e.Kind),
		"name":    e.Name,
		"aliases": orEmpty(e.Aliases),
	}
	putString(p, "summary", e.Summary)
	for f, v := range e.Attributes() {
		if n, ok := v.(int); ok {
			v = int64(n) // Neo4j integers are 64-bit
		}
		p[string(f)] = v
	}
	putCitations(p, "citation", e.Citations)
	if len(e.Figures) > 0 {
		// Figures nest citations, which Neo4j properties cannot hold: they
		// are stored as one JSON document.
		b, err := json.Marshal(figuresJSON(e.Figures))
		if err != nil {
			return nil, fmt.Errorf("encode figures of %s: %w", e.ID, err)
		}
		p["figures"] = string(b)
	}
	names := searchNames(domain.FoldNames(e))
	p["searchNames"] = names
	p["searchText"] = searchText(names)
	return p, nil
}

// searchNames are the folded name, id, aliases and country codes an entity
// is found by (domain.FoldNames, the embedded store's names too).
func searchNames(f domain.FoldedNames) []string {
	names := append([]string{f.Name, f.ID}, f.Aliases...)
	return append(names, f.Codes...)
}

// searchText is the words of the search names, for the full-text index. It
// finds a superset of what domain.MatchRank accepts (a code's prefix too),
// and RankMatches keeps the right ones.
func searchText(names []string) string {
	var words []string
	for _, n := range names {
		words = append(words, domain.Tokens(n)...)
	}
	return strings.Join(words, " ")
}

func scanEntity(m map[string]any) (*domain.Entity, error) {
	e := &domain.Entity{
		ID:        str(m, "id"),
		Kind:      domain.EntityKind(str(m, "kind")),
		Name:      str(m, "name"),
		Aliases:   strs(m, "aliases"),
		Summary:   str(m, "summary"),
		Category:  domain.Category(str(m, "category")),
		ISO3:      str(m, "iso3"),
		Role:      str(m, "role"),
		Place:     str(m, "place"),
		Program:   str(m, "program"),
		Authority: str(m, "authority"),
		Agency:    str(m, "agency"),
		Killed:    intp(m, "killed"),
		Injured:   intp(m, "injured"),
	}
	var err error
	if e.Date, err = date(m, "date"); err != nil {
		return nil, err
	}
	if e.Started, err = date(m, "started"); err != nil {
		return nil, err
	}
	if e.Ended, err = date(m, "ended"); err != nil {
		return nil, err
	}
	if e.Citations, err = citations(m, "citation"); err != nil {
		return nil, fmt.Errorf("entity %s: %w", e.ID, err)
	}
	if f, ok := m["figures"].(string); ok {
		var figs []figureJSON
		if err := json.Unmarshal([]byte(f), &figs); err != nil {
			return nil, fmt.Errorf("decode figures of %s: %w", e.ID, err)
		}
		if e.Figures, err = figuresFromJSON(figs); err != nil {
			return nil, fmt.Errorf("figures of %s: %w", e.ID, err)
		}
	}
	return e, nil
}

// relationshipRow is what the merge and delete statements take for one
// relationship: its id (and the id as a Lucene term), type, ends and
// properties.
func relationshipRow(r *domain.Relationship) map[string]any {
	return map[string]any{"id": r.ID, "lucene": luceneTerm(r.ID), "type": string(r.Type), "from": r.FromID, "to": r.ToID, "props": relationshipProps(r)}
}

// retractedProps are the properties of a retracted relationship's node:
// the relationship's own, its type and ends, and who retracted it, when,
// why and citing what.
func retractedProps(r *domain.Relationship) map[string]any {
	p := relationshipProps(r)
	p["type"], p["from"], p["to"] = string(r.Type), r.FromID, r.ToID
	x := r.Retraction
	p["retractionRevision"] = x.Revision
	p["retractionAt"] = x.At.UTC()
	p["retractionActor"] = x.Actor
	p["retractionReason"] = x.Reason
	putCitations(p, "retractionCitation", x.Citations)
	return p
}

func relationshipProps(r *domain.Relationship) map[string]any {
	p := map[string]any{"id": r.ID, "certainty": string(r.Certainty)}
	if !r.ValidFrom.IsZero() {
		p["validFrom"] = r.ValidFrom.String()
		p["validFromFirst"] = int64(r.ValidFrom.First())
	}
	if !r.ValidTo.IsZero() {
		p["validTo"] = r.ValidTo.String()
		p["validToLast"] = int64(r.ValidTo.Last())
	}
	if m := r.Amount; m != nil {
		// Exact: an integer count of the currency's minor units, as in
		// domain.Money (Neo4j integers are 64-bit), so Cypher sums exactly too.
		p["amountMinorUnits"] = m.Minor
		p["amountCurrency"] = m.Currency
		p["amountQualifier"] = string(m.Qualifier)
		if m.FiscalYear != nil {
			p["amountFiscalYear"] = int64(*m.FiscalYear)
		}
		if m.Low != nil {
			p["amountLowMinorUnits"] = *m.Low
		}
		if m.High != nil {
			p["amountHighMinorUnits"] = *m.High
		}
		putString(p, "amountPeriod", string(m.Period))
	}
	if r.Count != nil {
		p["count"] = int64(*r.Count)
	}
	putString(p, "description", r.Description)
	putString(p, "attribution", r.Attribution)
	putCitations(p, "citation", r.Citations)
	return p
}

// scanRelationship reads a map projection r {.*, type, from, to} of a live
// relationship, or x {.*} of a retracted one's node.
func scanRelationship(m map[string]any) (*domain.Relationship, error) {
	r := &domain.Relationship{
		ID:          str(m, "id"),
		Type:        domain.RelationType(str(m, "type")),
		FromID:      str(m, "from"),
		ToID:        str(m, "to"),
		Certainty:   domain.Certainty(str(m, "certainty")),
		Description: str(m, "description"),
		Attribution: str(m, "attribution"),
		Count:       intp(m, "count"),
	}
	var err error
	if r.ValidFrom, err = date(m, "validFrom"); err != nil {
		return nil, err
	}
	if r.ValidTo, err = date(m, "validTo"); err != nil {
		return nil, err
	}
	switch v := m["amountMinorUnits"].(type) {
	case int64:
		r.Amount = &domain.Money{Minor: v, Currency: str(m, "amountCurrency"), Qualifier: domain.Qualifier(str(m, "amountQualifier")),
			FiscalYear: intp(m, "amountFiscalYear"), Period: domain.Period(str(m, "amountPeriod"))}
		if r.Amount.Low, err = int64p(m, "amountLowMinorUnits"); err != nil {
			return nil, fmt.Errorf("relationship %s: %w", r.ID, err)
		}
		if r.Amount.High, err = int64p(m, "amountHighMinorUnits"); err != nil {
			return nil, fmt.Errorf("relationship %s: %w", r.ID, err)
		}
	case nil:
		if _, legacy := m["amountValue"]; legacy {
			// Stored before amounts were exact, as a float that may have
			// rounded: refuse it rather than guess.
			return nil, fmt.Errorf("relationship %s stores its amount as a float (amountValue), the format before exact amounts: run conflictgraph seed to rewrite it", r.ID)
		}
	default:
		return nil, fmt.Errorf("relationship %s: amountMinorUnits holds %T, want an integer", r.ID, v)
	}
	if r.Citations, err = citations(m, "citation"); err != nil {
		return nil, fmt.Errorf("relationship %s: %w", r.ID, err)
	}
	if _, retracted := m["retractionRevision"]; retracted {
		if r.Retraction, err = scanRetraction(m); err != nil {
			return nil, fmt.Errorf("retraction of %s: %w", r.ID, err)
		}
	}
	return r, nil
}

func scanRetraction(m map[string]any) (*domain.Retraction, error) {
	rev, ok := m["retractionRevision"].(int64)
	if !ok {
		return nil, fmt.Errorf("revision is %T, not an integer", m["retractionRevision"])
	}
	at, err := timeValue(m, "retractionAt")
	if err != nil {
		return nil, err
	}
	cites, err := citations(m, "retractionCitation")
	if err != nil {
		return nil, err
	}
	return &domain.Retraction{Revision: rev, At: at, Actor: str(m, "retractionActor"), Reason: str(m, "retractionReason"), Citations: cites}, nil
}

// timeValue reads a stored DateTime as a UTC time; the domain's times are
// UTC with microseconds, which a DateTime holds exactly.
func timeValue(m map[string]any, key string) (time.Time, error) {
	t, ok := m[key].(time.Time)
	if !ok {
		return time.Time{}, fmt.Errorf("%s is %T, not a date-time", key, m[key])
	}
	return t.UTC(), nil
}

// keyProps are an API key's node properties; revoked is absent while the
// key works.
func keyProps(k *domain.APIKey) map[string]any {
	p := map[string]any{"name": k.Name, "role": string(k.Role), "hash": k.Hash, "created": k.Created.UTC().Truncate(time.Microsecond)}
	if !k.Revoked.IsZero() {
		p["revoked"] = k.Revoked.UTC().Truncate(time.Microsecond)
	}
	return p
}

func scanKey(m map[string]any) (*domain.APIKey, error) {
	k := &domain.APIKey{Name: str(m, "name"), Role: domain.Role(str(m, "role")), Hash: str(m, "hash")}
	var err error
	if k.Created, err = timeValue(m, "created"); err != nil {
		return nil, fmt.Errorf("key %s: %w", k.Name, err)
	}
	if _, revoked := m["revoked"]; revoked {
		if k.Revoked, err = timeValue(m, "revoked"); err != nil {
			return nil, fmt.Errorf("key %s: %w", k.Name, err)
		}
	}
	return k, nil
}

// putCitations stores citations as parallel lists, PREFIXSources and
// PREFIXQuotes (so Cypher reads r.citationQuotes), and PREFIXLocators only
// when a citation has a locator.
func putCitations(p map[string]any, prefix string, cs []domain.Citation) {
	sources, quotes, locators := make([]string, len(cs)), make([]string, len(cs)), make([]string, len(cs))
	located := false
	for i, c := range cs {
		sources[i], quotes[i], locators[i] = c.SourceID, c.Quote, c.Locator
		located = located || c.Locator != ""
	}
	p[prefix+"Sources"], p[prefix+"Quotes"] = sources, quotes
	if located {
		p[prefix+"Locators"] = locators
	}
}

func citations(m map[string]any, prefix string) ([]domain.Citation, error) {
	sources, quotes := strs(m, prefix+"Sources"), strs(m, prefix+"Quotes")
	var locators []string
	if m[prefix+"Locators"] != nil {
		locators = strs(m, prefix+"Locators")
	}
	if len(sources) != len(quotes) || (locators != nil && len(locators) != len(sources)) {
		return nil, fmt.Errorf("%d citation sources, %d quotes and %d locators", len(sources), len(quotes), len(locators))
	}
	out := make([]domain.Citation, len(sources))
	for i := range sources {
		out[i] = domain.Citation{SourceID: sources[i], Quote: quotes[i]}
		if locators != nil {
			out[i].Locator = locators[i]
		}
	}
	return out, nil
}

type figureJSON struct {
	Measure     string     `json:"measure"`
	Value       float64    `json:"value"`
	Low         *float64   `json:"low,omitempty"`
	High        *float64   `json:"high,omitempty"`
	Unit        string     `json:"unit"`
	Qualifier   string     `json:"qualifier"`
	Period      string     `json:"period,omitempty"`
	Date        string     `json:"date,omitempty"`
	Certainty   string     `json:"certainty,omitempty"`
	Attribution string     `json:"attribution,omitempty"`
	Citations   [][]string `json:"citations"` // [source, quote] or [source, quote, locator]
}

func figuresJSON(figs []domain.Figure) []figureJSON {
	out := make([]figureJSON, len(figs))
	for i, f := range figs {
		cites := make([][]string, len(f.Citations))
		for j, c := range f.Citations {
			cites[j] = []string{c.SourceID, c.Quote}
			if c.Locator != "" {
				cites[j] = append(cites[j], c.Locator)
			}
		}
		out[i] = figureJSON{Measure: f.Measure, Value: f.Value, Low: f.Low, High: f.High, Unit: f.Unit, Qualifier: string(f.Qualifier),
			Period: string(f.Period), Date: f.Date.String(), Certainty: string(f.Certainty), Attribution: f.Attribution, Citations: cites}
	}
	return out
}

func figuresFromJSON(figs []figureJSON) ([]domain.Figure, error) {
	out := make([]domain.Figure, len(figs))
	for i, f := range figs {
		d, err := parseOptionalDate(f.Date)
		if err != nil {
			return nil, err
		}
		cites := make([]domain.Citation, len(f.Citations))
		for j, c := range f.Citations {
			if len(c) != 2 && len(c) != 3 {
				return nil, fmt.Errorf("figure %d citation %d is not a [source, quote] or [source, quote, locator] list", i, j)
			}
			cites[j] = domain.Citation{SourceID: c[0], Quote: c[1]}
			if len(c) == 3 {
				cites[j].Locator = c[2]
			}
		}
		certainty := domain.Certainty(f.Certainty)
		if certainty == "" {
			// Stored before figures carried a certainty, when every one
			// was a plain statement.
			certainty = domain.CertaintyStated
		}
		out[i] = domain.Figure{Measure: f.Measure, Value: f.Value, Low: f.Low, High: f.High, Unit: f.Unit, Qualifier: domain.Qualifier(f.Qualifier),
			Period: domain.Period(f.Period), Date: d, Certainty: certainty, Attribution: f.Attribution, Citations: cites}
	}
	return out, nil
}

func putString(p map[string]any, key, value string) {
	if value != "" {
		p[key] = value
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func strs(m map[string]any, key string) []string {
	list, _ := m[key].([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func intp(m map[string]any, key string) *int {
	v, ok := m[key].(int64)
	if !ok {
		return nil
	}
	n := int(v)
	return &n
}

// int64p reads an optional integer; another type is an error.
func int64p(m map[string]any, key string) (*int64, error) {
	switch v := m[key].(type) {
	case nil:
		return nil, nil
	case int64:
		return &v, nil
	default:
		return nil, fmt.Errorf("%s holds %T, want an integer", key, v)
	}
}

func date(m map[string]any, key string) (domain.PartialDate, error) {
	return parseOptionalDate(str(m, key))
}

func parseOptionalDate(s string) (domain.PartialDate, error) {
	if s == "" {
		return domain.PartialDate{}, nil
	}
	d, err := domain.ParsePartialDate(s)
	if err != nil {
		return d, fmt.Errorf("stored date: %w", err)
	}
	return d, nil
}
