package domain

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The rules every source, entity and relationship must keep, whoever writes
// it: the seed loader, a curator through the API, an importer. Each Validate
// function returns every problem it finds, located by field, so the seed
// validator can name the file and line of each and the API the argument.

// Problem is one rule an input breaks: the field's path inside the value
// ("citations[0].quote") and what is wrong with it.
type Problem struct {
	Field   string
	Message string
}

func (p Problem) String() string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + ": " + p.Message
}

// problems collects Problems under a field prefix.
type problems struct {
	list   []Problem
	prefix string
}

func (ps *problems) add(field, format string, args ...any) {
	ps.list = append(ps.list, Problem{Field: joinPath(ps.prefix, field), Message: fmt.Sprintf(format, args...)})
}

// under returns a collector that writes into ps below field.
func (ps *problems) under(field string) *problems {
	return &problems{prefix: joinPath(ps.prefix, field)}
}

func (ps *problems) merge(sub *problems) { ps.list = append(ps.list, sub.list...) }

// mergeAt adds sub's problems, found in element i of the list named list,
// below that element ("relationships[2].from"). The path is built only
// when there is a problem: a load checks a million elements.
func (ps *problems) mergeAt(list string, i int, sub *problems) {
	if len(sub.list) == 0 {
		return
	}
	at := joinPath(ps.prefix, list+"["+strconv.Itoa(i)+"]")
	for _, pr := range sub.list {
		pr.Field = joinPath(at, pr.Field)
		ps.list = append(ps.list, pr)
	}
}

func joinPath(prefix, field string) string {
	switch {
	case prefix == "":
		return field
	case field == "":
		return prefix
	case strings.HasPrefix(field, "["):
		return prefix + field
	}
	return prefix + "." + field
}

// Limits on the size of what one entity, relationship or source may hold,
// so no write can make a record that no reader wants to receive.
const (
	MaxIDLength          = 100  // entity and source ids
	MaxRelIDLength       = 300  // relationship ids: slugs joined by dots
	MaxNameLength        = 300  // names, aliases, places, roles, programs, authorities, agencies, measures, units
	MaxAliases           = 100  // aliases per entity
	MaxSummaryLength     = 4000 // an entity's summary
	MaxDescriptionLength = 2000 // a relationship's description
	MaxQuoteLength       = 600  // a quote: a sentence or less, not a paragraph
	MaxCitations         = 100  // citations per entity, figure or relationship
	MaxFigures           = 100  // figures per entity
	MaxTitleLength       = 500  // a source's title and publisher
	MaxURLLength         = 2048
	MaxReasonLength      = 1000 // why a change was made
)

// Entity and source ids are slugs: words of lower-case letters (of any
// script) and digits joined by single hyphens, such as "wagner-group" or
// "東京-mission" (`^[\p{Ll}\p{Lo}\p{Nd}]+(-[\p{Ll}\p{Lo}\p{Nd}]+)*$`).
// Relationship ids are slugs joined by dots, as DeriveRelationshipID makes
// them ("jnim.formed-from.ansar-dine"). Both are checked by hand rather
// than by regular expression: every element of every write is checked,
// and an import of a million rows checks millions (a regexp took a fifth
// of such an import's time).

// slugRune reports whether r may stand in a slug's word.
func slugRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9'
	}
	return unicode.In(r, unicode.Ll, unicode.Lo, unicode.Nd)
}

// isSlugShape reports whether s is words of slugRunes joined by single
// hyphens.
func isSlugShape(s string) bool {
	if s == "" {
		return false
	}
	word := false // the last rune was a word's
	for _, r := range s {
		switch {
		case r == '-':
			if !word {
				return false
			}
			word = false
		case r == utf8.RuneError:
			return false
		case slugRune(r):
			word = true
		default:
			return false
		}
	}
	return word
}

// isRelIDShape reports whether s is two or more slugs joined by dots.
func isRelIDShape(s string) bool {
	parts := 0
	for part := range strings.SplitSeq(s, ".") {
		if !isSlugShape(part) {
			return false
		}
		parts++
	}
	return parts >= 2
}

var (
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

// IsSlug reports whether id has the shape of an entity or source id.
func IsSlug(id string) bool { return len(id) <= MaxIDLength && isSlugShape(id) }

// IsRelationshipID reports whether id has the shape of a relationship id.
func IsRelationshipID(id string) bool {
	return len(id) <= MaxRelIDLength && isRelIDShape(id)
}

func checkSlug(ps *problems, field, id string) {
	switch {
	case id == "":
		ps.add(field, "required field is missing")
	case len(id) > MaxIDLength:
		ps.add(field, "ids are at most %d bytes, got %d", MaxIDLength, len(id))
	case !isSlugShape(id):
		ps.add(field, "ids are lower-case words joined by hyphens (e.g. wagner-group), got %q", id)
	}
}

// checkText refuses text that is too long, not UTF-8, or holds control
// characters (a line break included: these are one-line values).
func checkText(ps *problems, field, s string, max int) {
	switch {
	case !utf8.ValidString(s):
		ps.add(field, "is not valid UTF-8")
	case len(s) > max:
		ps.add(field, "is %d bytes; at most %d", len(s), max)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		ps.add(field, "holds a control character (a line break or tab, say)")
	case s != strings.TrimSpace(s):
		ps.add(field, "has space at its start or end")
	}
}

func required(ps *problems, field, s string, max int) {
	if s == "" {
		ps.add(field, "required field is missing")
		return
	}
	checkText(ps, field, s, max)
}

func optionalText(ps *problems, field, s string, max int) {
	if s != "" {
		checkText(ps, field, s, max)
	}
}

// userAssignedISO3 reports whether code is in a range ISO 3166-1 leaves to
// its users (AAA-AAZ, QMA-QZZ, XAA-XZZ, ZZA-ZZZ), where data sets put
// places ISO does not list, such as Kosovo's XKX.
func userAssignedISO3(code string) bool {
	if len(code) != 3 || strings.IndexFunc(code, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return false
	}
	return code[:2] == "AA" || (code[0] == 'Q' && code[1] >= 'M') || code[0] == 'X' || code[:2] == "ZZ"
}

// ValidateSource checks a source: a slug id, a title and a publisher, and an
// absolute http(s) URL when it has one.
func ValidateSource(s *Source) []Problem {
	ps := &problems{}
	checkSlug(ps, "id", s.ID)
	required(ps, "title", s.Title, MaxTitleLength)
	required(ps, "publisher", s.Publisher, MaxTitleLength)
	if s.URL != "" {
		u, err := url.Parse(s.URL)
		switch {
		case len(s.URL) > MaxURLLength:
			ps.add("url", "is %d bytes; at most %d", len(s.URL), MaxURLLength)
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			ps.add("url", "must be an absolute http or https address, got %q", s.URL)
		}
	}
	optionalText(ps, "document", s.Document, MaxNameLength)
	return ps.list
}

// ValidateCitations checks that there is at least one citation and that
// each names a source and quotes it, a sentence or less.
func ValidateCitations(cs []Citation) []Problem {
	ps := &problems{}
	checkCitations(ps, "citations", cs)
	return ps.list
}

func checkCitations(ps *problems, field string, cs []Citation) {
	if len(cs) == 0 {
		ps.add(field, "at least one citation is required")
		return
	}
	if len(cs) > MaxCitations {
		ps.add(field, "at most %d citations, got %d", MaxCitations, len(cs))
		return
	}
	for i, c := range cs {
		// Checked below their own collector, whose path is only built
		// when a problem is found: an import checks millions.
		sub := &problems{}
		if c.SourceID == "" {
			sub.add("source", "a citation needs a source")
		} else {
			checkSlug(sub, "source", c.SourceID)
		}
		switch {
		case strings.TrimSpace(c.Quote) == "":
			sub.add("quote", "a citation needs a verbatim quote")
		case len(c.Quote) > MaxQuoteLength:
			sub.add("quote", "quote is %d characters; cite a sentence or less (at most %d)", len(c.Quote), MaxQuoteLength)
		case !utf8.ValidString(c.Quote):
			sub.add("quote", "is not valid UTF-8")
		}
		optionalText(sub, "locator", c.Locator, MaxNameLength)
		for _, p := range sub.list {
			p.Field = joinPath(ps.prefix, fmt.Sprintf("%s[%d].%s", field, i, p.Field))
			ps.list = append(ps.list, p)
		}
	}
}

// ValidateEntity checks an entity against the rules of its kind: a slug id,
// a known kind and a name; a category its kind accepts; only the attributes
// its kind carries (KindFields); dates in order; aliases that do not repeat
// the name; figures with a measure, a unit and a value; and citations.
func ValidateEntity(e *Entity) []Problem {
	ps := &problems{}
	checkSlug(ps, "id", e.ID)
	switch {
	case e.Kind == "":
		ps.add("kind", "required field is missing")
	case !e.Kind.Valid():
		ps.add("kind", "kind %q is not one of %v", e.Kind, EntityKinds)
	}
	required(ps, "name", e.Name, MaxNameLength)
	optionalText(ps, "summary", e.Summary, MaxSummaryLength)
	if len(e.Aliases) > MaxAliases {
		ps.add("aliases", "at most %d aliases, got %d", MaxAliases, len(e.Aliases))
	}
	// Aliases may differ from the name by diacritics only ("Goita" for
	// "Goïta"), which readers and exports want, but not by case alone.
	var seen map[string]bool
	if len(e.Aliases) > 0 {
		seen = map[string]bool{strings.ToLower(e.Name): true}
	}
	for i, a := range e.Aliases {
		f := fmt.Sprintf("aliases[%d]", i)
		if a == "" {
			ps.add(f, "empty text")
			continue
		}
		checkText(ps, f, a, MaxNameLength)
		if seen[strings.ToLower(a)] {
			ps.add(f, "alias %q repeats the name or another alias", a)
		}
		seen[strings.ToLower(a)] = true
	}
	if e.Kind.Valid() {
		allowed := KindFields[e.Kind]
		for _, a := range attributes {
			if a.set(e) && !slices.Contains(allowed, a.field) {
				ps.add(string(a.field), "%s entities have no field %q (they have %v)", e.Kind, a.field, allowed)
			}
		}
		if e.Category != "" && slices.Contains(allowed, FieldCategory) && !slices.Contains(KindCategories[e.Kind], e.Category) {
			ps.add("category", "category %q is not one of %v", e.Category, KindCategories[e.Kind])
		}
	}
	if e.ISO3 != "" && !ValidISO3(e.ISO3) && !userAssignedISO3(e.ISO3) {
		ps.add("iso3", "iso3 must be a country's ISO 3166-1 alpha-3 code in capitals, such as MLI, or one of the codes ISO leaves to users (AAA-AAZ, QMA-QZZ, XAA-XZZ, ZZA-ZZZ, such as XKX), got %q", e.ISO3)
	}
	optionalText(ps, "role", e.Role, MaxNameLength)
	optionalText(ps, "place", e.Place, MaxNameLength)
	optionalText(ps, "program", e.Program, MaxNameLength)
	optionalText(ps, "authority", e.Authority, MaxNameLength)
	optionalText(ps, "agency", e.Agency, MaxNameLength)
	if e.Killed != nil && *e.Killed < 0 {
		ps.add("killed", "expected a whole number of 0 or more, got %d", *e.Killed)
	}
	if e.Injured != nil && *e.Injured < 0 {
		ps.add("injured", "expected a whole number of 0 or more, got %d", *e.Injured)
	}
	if !e.Started.IsZero() && !e.Ended.IsZero() && e.Ended.Last() < e.Started.First() {
		ps.add("ended", "ends (%s) before it starts (%s)", e.Ended, e.Started)
	}
	checkCitations(ps, "citations", e.Citations)
	if len(e.Figures) > MaxFigures {
		ps.add("figures", "at most %d figures, got %d", MaxFigures, len(e.Figures))
	}
	for i, f := range e.Figures {
		checkFigure(ps.under(fmt.Sprintf("figures[%d]", i)), ps, f)
	}
	// Problems are listed in a stable order whatever the map order above.
	slices.SortStableFunc(ps.list, func(a, b Problem) int { return strings.Compare(fieldOrder(a.Field), fieldOrder(b.Field)) })
	return ps.list
}

// fieldOrder sorts problems by the top-level field they concern, keeping
// the order of problems within one field.
func fieldOrder(f string) string {
	if i := strings.IndexAny(f, ".["); i >= 0 {
		return f[:i]
	}
	return f
}

func checkFigure(sub, ps *problems, f Figure) {
	required(sub, "measure", f.Measure, MaxNameLength)
	required(sub, "unit", f.Unit, MaxNameLength)
	number := func(field string, v float64) bool {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			sub.add(field, "expected a number of 0 or more, got %v", v)
			return false
		}
		return true
	}
	if number("value", f.Value) {
		if f.Low != nil && number("low", *f.Low) && *f.Low > f.Value {
			sub.add("low", "the range's low end (%v) is above the value (%v)", *f.Low, f.Value)
		}
		if f.High != nil && number("high", *f.High) && *f.High < f.Value {
			sub.add("high", "the range's high end (%v) is below the value (%v)", *f.High, f.Value)
		}
	}
	if !f.Qualifier.Valid() {
		sub.add("qualifier", "qualifier %q is not one of %v", f.Qualifier, Qualifiers)
	}
	if !f.Period.Valid() {
		sub.add("period", "period %q is not one of %v (or none, for a count)", f.Period, Periods)
	}
	if !f.Certainty.Valid() {
		sub.add("certainty", "certainty %q is not one of %v", f.Certainty, Certainties)
	}
	optionalText(sub, "attribution", f.Attribution, MaxNameLength)
	checkCitations(sub, "citations", f.Citations)
	ps.merge(sub)
}

// ValidateRelationship checks a relationship: its id's shape when it has
// one (without one, the store derives it), a known type, both ends, a known
// certainty, dates in order, an amount with a currency and a qualifier, and
// citations. Whether its ends and cited sources exist depends on the graph
// it is written to; Plan checks that.
func ValidateRelationship(r *Relationship) []Problem {
	ps := &problems{}
	if r.ID != "" && !IsRelationshipID(r.ID) {
		ps.add("id", "relationship ids are slugs joined by dots (e.g. jnim.formed-from.ansar-dine), at most %d bytes, got %q", MaxRelIDLength, r.ID)
	}
	switch {
	case r.Type == "":
		ps.add("type", "required field is missing")
	case !r.Type.Valid():
		ps.add("type", "type %q is not a relationship type", r.Type)
	}
	checkSlug(ps, "from", r.FromID)
	checkSlug(ps, "to", r.ToID)
	if !r.Certainty.Valid() {
		ps.add("certainty", "certainty %q is not one of %v", r.Certainty, Certainties)
	}
	if !r.ValidFrom.IsZero() && !r.ValidTo.IsZero() && r.ValidTo.Last() < r.ValidFrom.First() {
		ps.add("validTo", "ends (%s) before it starts (%s)", r.ValidTo, r.ValidFrom)
	}
	if m := r.Amount; m != nil {
		checkMoney(ps.under("amount"), ps, m)
	}
	if r.Count != nil && *r.Count < 0 {
		ps.add("count", "expected a whole number of 0 or more, got %d", *r.Count)
	}
	optionalText(ps, "description", r.Description, MaxDescriptionLength)
	optionalText(ps, "attribution", r.Attribution, MaxNameLength)
	checkCitations(ps, "citations", r.Citations)
	return ps.list
}

func checkMoney(sub, ps *problems, m *Money) {
	if m.Minor < 0 {
		sub.add("value", "expected an amount of 0 or more, got %s", m.Decimal())
	}
	switch {
	case m.Currency == "":
		sub.add("currency", "required field is missing: every amount needs a currency")
	case !currencyPattern.MatchString(m.Currency):
		sub.add("currency", "currency must be an ISO 4217 code such as USD, got %q", m.Currency)
	default:
		// Its decimals must be known, or the amount cannot be read or
		// written exactly.
		if _, err := CurrencyScale(m.Currency); err != nil {
			sub.add("currency", "currency %q is not an ISO 4217 code such as USD", m.Currency)
		}
	}
	if !m.Qualifier.Valid() {
		sub.add("qualifier", "qualifier %q is not one of %v", m.Qualifier, Qualifiers)
	}
	if fy := m.FiscalYear; fy != nil && (*fy < 1900 || *fy > 2100) {
		sub.add("fiscalYear", "fiscal year %d is out of range (1900-2100)", *fy)
	}
	if m.Low != nil && (*m.Low < 0 || *m.Low > m.Minor) {
		sub.add("low", "the range's low end (%s) must be 0 or more and at most the amount (%s)", m.DecimalOf(*m.Low), m.Decimal())
	}
	if m.High != nil && *m.High < m.Minor {
		sub.add("high", "the range's high end (%s) is below the amount (%s)", m.DecimalOf(*m.High), m.Decimal())
	}
	if !m.Period.Valid() {
		sub.add("period", "period %q is not one of %v (or none, for a total)", m.Period, Periods)
	}
	ps.merge(sub)
}

// DeriveRelationshipID names a relationship from its content, so the id is
// the same on every load and every backend: from, type and to, then the start
// date and the fiscal year where given, e.g. "imet.funded.mali.fy2019" or
// "wagner-group.deployed-to.mali.2021-12". Seed files give an explicit id
// only where two relationships would derive the same one; Plan adds a
// suffix when a new claim's derived id is taken.
func DeriveRelationshipID(r *Relationship) string {
	parts := []string{r.FromID, r.Type.Slug(), r.ToID}
	if !r.ValidFrom.IsZero() {
		parts = append(parts, r.ValidFrom.String())
	}
	if r.Amount != nil && r.Amount.FiscalYear != nil {
		parts = append(parts, fmt.Sprintf("fy%d", *r.Amount.FiscalYear))
	}
	return strings.Join(parts, ".")
}

// InvalidProblems returns the INVALID error for a value's problems: its
// message lists them, prefixed by what the value is (`entity "jnim"`), and
// it carries them for transports that point at fields. Nil when there are
// none.
func InvalidProblems(subject string, list []Problem) error {
	if len(list) == 0 {
		return nil
	}
	msgs := make([]string, len(list))
	for i, p := range list {
		msgs[i] = p.String()
	}
	msg := strings.Join(msgs, "; ")
	if subject != "" {
		msg = subject + ": " + msg
	}
	return &Error{Code: CodeInvalid, Message: msg, Problems: list}
}
