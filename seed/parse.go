package seed

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/conflictgraph/conflictgraph/domain"
)

// where locates a value in a seed file.
type where struct {
	file    string
	line    int
	subject string
	field   string
}

// citeRef is a citation with its position, kept for the quote check.
type citeRef struct {
	where          // the quote
	sourceAt where // the source field
	sourceID string
	quote    string
}

// aliasRef is an alias with its position, kept for the check that a
// source uses it.
type aliasRef struct {
	where
	alias, name string
}

// Seed is a parsed and checked seed graph, with the positions of its
// citations and aliases so that they can be checked against the source
// documents.
type Seed struct {
	Graph   *domain.Graph
	cites   []citeRef
	aliases []aliasRef
}

// parser reads the seed files of one tree.
type parser struct {
	root    string
	probs   problems
	graph   domain.Graph
	cites   []citeRef
	aliases []aliasRef
	ids     map[string]where // every id declared so far, for uniqueness
	refs    []refCheck       // entity references resolved after all files
	// lines maps the field paths of the record being read to their lines,
	// so the domain's problems with it are reported where they are.
	lines map[string]int
}

type refCheck struct {
	where
	id string
}

// Parse reads every .yaml file under fsys, in path order, and checks it: known
// fields, required fields, dates, amounts, unique ids, resolvable references
// and known sources. root is how the tree is named in problems (e.g.
// "seed/data"). The error is a *ValidationError listing every problem.
func Parse(fsys fs.FS, root string) (*Seed, error) {
	p := &parser{root: root, ids: map[string]where{}}
	var files []string
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			files = append(files, name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list seed files in %s: %w", root, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no seed files (*.yaml) in %s: %w", root, domain.ErrInvalid)
	}
	slices.Sort(files)
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read seed %s: %w", path.Join(root, name), err)
		}
		p.file(path.Join(root, name), data)
	}
	p.resolve()
	if err := p.probs.err(); err != nil {
		return nil, err
	}
	g := &p.graph
	slices.SortFunc(g.Sources, func(a, b *domain.Source) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(g.Entities, func(a, b *domain.Entity) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(g.Relationships, func(a, b *domain.Relationship) int { return strings.Compare(a.ID, b.ID) })
	return &Seed{Graph: g, cites: p.cites, aliases: p.aliases}, nil
}

func (p *parser) fail(w where, format string, args ...any) {
	p.probs.add(w.file, w.line, w.subject, w.field, format, args...)
}

func (p *parser) file(name string, data []byte) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 0
		msg := err.Error()
		if m := regexp.MustCompile(`line (\d+)`).FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		p.probs.add(name, line, "", "", "not valid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
		return
	}
	if len(doc.Content) == 0 {
		return // an empty file holds nothing
	}
	top := doc.Content[0]
	w := where{file: name, line: top.Line}
	if top.Kind != yaml.MappingNode {
		p.fail(w, "the file must be a mapping with keys sources, entities and/or relationships")
		return
	}
	p.pairs(w, top, func(key string, v *yaml.Node) bool {
		kw := where{file: name, line: v.Line, field: key}
		list := p.sequence(kw, v)
		switch key {
		case "sources":
			for _, n := range list {
				p.source(where{file: name, line: n.Line}, n)
			}
		case "entities":
			for _, n := range list {
				p.entity(where{file: name, line: n.Line}, n)
			}
		case "relationships":
			for _, n := range list {
				p.relationship(where{file: name, line: n.Line}, n)
			}
		default:
			return false
		}
		return true
	})
}

// pairs calls fn for each key of mapping m; fn returns false for an unknown
// key. Duplicate and unknown keys are problems.
func (p *parser) pairs(w where, m *yaml.Node, fn func(key string, v *yaml.Node) bool) {
	if m.Kind != yaml.MappingNode {
		p.fail(w, "expected a mapping of field: value")
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		kw := w
		kw.line, kw.field = k.Line, joinField(w.field, k.Value)
		p.at(kw.field, k.Line)
		if seen[k.Value] {
			p.fail(kw, "field given twice")
			continue
		}
		seen[k.Value] = true
		if !fn(k.Value, v) {
			p.fail(kw, "unknown field")
		}
	}
}

// at records the line of a field of the record being read.
func (p *parser) at(field string, line int) {
	if p.lines != nil {
		if _, ok := p.lines[field]; !ok {
			p.lines[field] = line
		}
	}
}

func joinField(parent, child string) string {
	if parent == "" {
		return child
	}
	return parent + "." + child
}

func (p *parser) sequence(w where, n *yaml.Node) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		p.fail(w, "expected a list")
		return nil
	}
	return n.Content
}

func (p *parser) str(w where, n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.fail(w, "expected a text value")
		return ""
	}
	return strings.TrimSpace(n.Value)
}

func (p *parser) strs(w where, n *yaml.Node) []string {
	var out []string
	for i, item := range p.sequence(w, n) {
		iw := w
		iw.line, iw.field = item.Line, fmt.Sprintf("%s[%d]", w.field, i)
		p.at(iw.field, item.Line)
		if s := p.str(iw, item); s != "" {
			out = append(out, s)
		} else {
			p.fail(iw, "empty text")
		}
	}
	return out
}

func (p *parser) date(w where, n *yaml.Node) domain.PartialDate {
	s := p.str(w, n)
	if s == "" {
		return domain.PartialDate{}
	}
	d, err := domain.ParsePartialDate(s)
	if err != nil {
		p.fail(w, "%v", err)
	}
	return d
}

func (p *parser) count(w where, n *yaml.Node) *int {
	s := p.str(w, n)
	v, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	if err != nil {
		p.fail(w, "expected a whole number, got %q", s)
		return nil
	}
	return &v
}

func (p *parser) number(w where, n *yaml.Node) float64 {
	s := p.str(w, n)
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil {
		p.fail(w, "expected a number, got %q", s)
		return 0
	}
	return v
}

// declare records a new id and reports a clash with any earlier one.
func (p *parser) declare(w where, id string) {
	if prev, ok := p.ids[id]; ok {
		p.fail(w, "id %q is already used at %s:%d", id, prev.file, prev.line)
		return
	}
	p.ids[id] = w
}

// begin starts reading a record: its fields' lines are recorded from here.
func (p *parser) begin() { p.lines = map[string]int{} }

// check reports the domain's problems with the record just read, each at
// the line of its field (or of the nearest field above it, or of the
// record), and stops recording lines.
func (p *parser) check(w where, list []domain.Problem) {
	for _, prob := range list {
		line := w.line
		for f := prob.Field; f != ""; f = parentField(f) {
			if l, ok := p.lines[f]; ok {
				line = l
				break
			}
		}
		p.probs.add(w.file, line, w.subject, prob.Field, "%s", prob.Message)
	}
	p.lines = nil
}

// parentField is the path above f: "citations[0].quote" is under
// "citations[0]", which is under "citations".
func parentField(f string) string {
	if i := strings.LastIndexAny(f, ".["); i >= 0 {
		return f[:i]
	}
	return ""
}

func (p *parser) citations(w where, n *yaml.Node) []domain.Citation {
	var out []domain.Citation
	for i, item := range p.sequence(w, n) {
		cw := w
		cw.line, cw.field = item.Line, fmt.Sprintf("%s[%d]", w.field, i)
		p.at(cw.field, item.Line)
		var c domain.Citation
		quoteAt, sourceAt := cw, cw
		p.pairs(cw, item, func(key string, v *yaml.Node) bool {
			fw := cw
			fw.line, fw.field = v.Line, cw.field+"."+key
			switch key {
			case "source":
				c.SourceID, sourceAt = p.str(fw, v), fw
			case "quote":
				c.Quote = p.str(fw, v)
				quoteAt = fw
			case "locator":
				c.Locator = p.str(fw, v)
			default:
				return false
			}
			return true
		})
		out = append(out, c)
		p.cites = append(p.cites, citeRef{where: quoteAt, sourceAt: sourceAt, sourceID: c.SourceID, quote: c.Quote})
	}
	return out
}

func (p *parser) source(w where, n *yaml.Node) {
	s := &domain.Source{}
	p.begin()
	p.pairs(w, n, func(key string, v *yaml.Node) bool {
		fw := where{file: w.file, line: v.Line, subject: w.subject, field: key}
		switch key {
		case "id":
			s.ID = p.str(fw, v)
		case "title":
			s.Title = p.str(fw, v)
		case "publisher":
			s.Publisher = p.str(fw, v)
		case "published":
			s.Published = p.date(fw, v)
		case "url":
			s.URL = p.str(fw, v)
		case "document":
			s.Document = p.str(fw, v)
		default:
			return false
		}
		return true
	})
	w.subject = fmt.Sprintf("source %q", s.ID)
	list := domain.ValidateSource(s)
	if s.Document == "" {
		// Seed sources are documents the quotes are checked against.
		list = append(list, domain.Problem{Field: "document", Message: "required field is missing: the file name of the document the quotes come from"})
	}
	p.check(w, list)
	if s.ID != "" {
		p.declare(w, s.ID)
	}
	p.graph.Sources = append(p.graph.Sources, s)
}

func (p *parser) entity(w where, n *yaml.Node) {
	e := &domain.Entity{}
	// Read the id first, so that problems found while reading name the
	// entity whatever the key order.
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "id" {
				e.ID = strings.TrimSpace(n.Content[i+1].Value)
			}
		}
	}
	w.subject = fmt.Sprintf("entity %q", e.ID)
	firstAlias := len(p.aliases)
	p.begin()
	p.pairs(w, n, func(key string, v *yaml.Node) bool {
		fw := where{file: w.file, line: v.Line, subject: w.subject, field: key}
		switch key {
		case "id":
			p.str(fw, v)
		case "kind":
			e.Kind = domain.EntityKind(p.str(fw, v))
		case "name":
			e.Name = p.str(fw, v)
		case "aliases":
			e.Aliases = p.strs(fw, v)
			if len(e.Aliases) == len(v.Content) {
				for i, a := range e.Aliases {
					p.aliases = append(p.aliases, aliasRef{where{w.file, v.Content[i].Line, w.subject, fmt.Sprintf("aliases[%d]", i)}, a, ""})
				}
			}
		case "summary":
			e.Summary = p.str(fw, v)
		case "citations":
			e.Citations = p.citations(fw, v)
		case "figures":
			e.Figures = p.figures(fw, v)
		case "category":
			e.Category = domain.Category(p.str(fw, v))
		case "iso3":
			e.ISO3 = p.str(fw, v)
		case "role":
			e.Role = p.str(fw, v)
		case "date":
			e.Date = p.date(fw, v)
		case "started":
			e.Started = p.date(fw, v)
		case "ended":
			e.Ended = p.date(fw, v)
		case "place":
			e.Place = p.str(fw, v)
		case "killed":
			e.Killed = p.count(fw, v)
		case "injured":
			e.Injured = p.count(fw, v)
		case "program":
			e.Program = p.str(fw, v)
		case "authority":
			e.Authority = p.str(fw, v)
		case "agency":
			e.Agency = p.str(fw, v)
		default:
			return false
		}
		return true
	})
	p.check(w, domain.ValidateEntity(e))
	if e.ID != "" {
		p.declare(w, e.ID)
	}
	for i := firstAlias; i < len(p.aliases); i++ {
		p.aliases[i].name = e.Name
	}
	p.graph.Entities = append(p.graph.Entities, e)
}

func (p *parser) figures(w where, n *yaml.Node) []domain.Figure {
	var out []domain.Figure
	for i, item := range p.sequence(w, n) {
		fw := w
		fw.line, fw.field = item.Line, fmt.Sprintf("%s[%d]", w.field, i)
		p.at(fw.field, item.Line)
		// The seed's defaults: an exact figure, plainly stated.
		f := domain.Figure{Qualifier: domain.QualifierExact, Certainty: domain.CertaintyStated}
		hasValue := false
		p.pairs(fw, item, func(key string, v *yaml.Node) bool {
			kw := fw
			kw.line, kw.field = v.Line, fw.field+"."+key
			switch key {
			case "measure":
				f.Measure = p.str(kw, v)
			case "value":
				f.Value, hasValue = p.number(kw, v), true
			case "low":
				low := p.number(kw, v)
				f.Low = &low
			case "high":
				high := p.number(kw, v)
				f.High = &high
			case "unit":
				f.Unit = p.str(kw, v)
			case "qualifier":
				f.Qualifier = domain.Qualifier(p.str(kw, v))
			case "period":
				f.Period = domain.Period(p.str(kw, v))
			case "certainty":
				f.Certainty = domain.Certainty(p.str(kw, v))
			case "attribution":
				f.Attribution = p.str(kw, v)
			case "date":
				f.Date = p.date(kw, v)
			case "citations":
				f.Citations = p.citations(kw, v)
			default:
				return false
			}
			return true
		})
		if !hasValue {
			p.fail(withField(fw, fw.field+".value"), "required field is missing")
		}
		out = append(out, f)
	}
	return out
}

func withField(w where, f string) where { w.field = f; return w }

func (p *parser) relationship(w where, n *yaml.Node) {
	// The seed's default certainty: a plain statement.
	r := &domain.Relationship{Certainty: domain.CertaintyStated}
	w.subject = "relationship"
	firstProblem, firstCite := len(p.probs.list), len(p.cites)
	var fromAt, toAt where
	idAt := w
	p.begin()
	p.pairs(w, n, func(key string, v *yaml.Node) bool {
		fw := where{file: w.file, line: v.Line, subject: w.subject, field: key}
		switch key {
		case "id":
			r.ID, idAt = p.str(fw, v), fw
		case "type":
			r.Type = domain.RelationType(p.str(fw, v))
		case "from":
			r.FromID, fromAt = p.str(fw, v), fw
		case "to":
			r.ToID, toAt = p.str(fw, v), fw
		case "validFrom":
			r.ValidFrom = p.date(fw, v)
		case "validTo":
			r.ValidTo = p.date(fw, v)
		case "amount":
			r.Amount = p.amount(fw, v)
		case "count":
			r.Count = p.count(fw, v)
		case "description":
			r.Description = p.str(fw, v)
		case "certainty":
			r.Certainty = domain.Certainty(p.str(fw, v))
		case "attribution":
			r.Attribution = p.str(fw, v)
		case "citations":
			r.Citations = p.citations(fw, v)
		default:
			return false
		}
		return true
	})
	if r.ID == "" && r.Type != "" && r.FromID != "" && r.ToID != "" {
		r.ID = domain.DeriveRelationshipID(r)
	}
	w.subject = fmt.Sprintf("relationship %q", r.ID)
	// The id is known only now: name the relationship in what was found
	// while reading it.
	for i := firstProblem; i < len(p.probs.list); i++ {
		p.probs.list[i].Subject = w.subject
	}
	for i := firstCite; i < len(p.cites); i++ {
		p.cites[i].subject, p.cites[i].sourceAt.subject = w.subject, w.subject
	}
	p.check(w, domain.ValidateRelationship(r))
	idAt.subject = w.subject
	if r.ID != "" {
		p.declare(idAt, r.ID)
	}
	if r.FromID != "" {
		fromAt.subject = w.subject
		p.refs = append(p.refs, refCheck{where: fromAt, id: r.FromID})
	}
	if r.ToID != "" {
		toAt.subject = w.subject
		p.refs = append(p.refs, refCheck{where: toAt, id: r.ToID})
	}
	p.graph.Relationships = append(p.graph.Relationships, r)
}

func (p *parser) amount(w where, n *yaml.Node) *domain.Money {
	m := &domain.Money{Qualifier: domain.QualifierExact}
	var value string
	var valueAt where
	type boundText struct {
		text string
		at   where
		dst  **int64
	}
	var bounds []boundText
	p.pairs(w, n, func(key string, v *yaml.Node) bool {
		fw := w
		fw.line, fw.field = v.Line, w.field+"."+key
		switch key {
		case "low":
			bounds = append(bounds, boundText{p.str(fw, v), fw, &m.Low})
		case "high":
			bounds = append(bounds, boundText{p.str(fw, v), fw, &m.High})
		case "period":
			m.Period = domain.Period(p.str(fw, v))
		case "value":
			value, valueAt = p.str(fw, v), fw
		case "currency":
			m.Currency = p.str(fw, v)
		case "qualifier":
			m.Qualifier = domain.Qualifier(p.str(fw, v))
		case "fiscalYear":
			m.FiscalYear = p.count(fw, v)
		default:
			return false
		}
		return true
	})
	if valueAt.file == "" {
		p.fail(withField(w, w.field+".value"), "required field is missing")
		return m
	}
	// The amount is read from the text as written, never through a float,
	// in the currency's minor units; without a known currency it cannot be
	// read (the domain reports the currency).
	if _, err := domain.CurrencyScale(m.Currency); err == nil {
		minor, err := domain.ParseAmount(value, m.Currency)
		if err != nil {
			p.fail(valueAt, "%v", err)
		}
		m.Minor = minor
		for _, b := range bounds {
			v, err := domain.ParseAmount(b.text, m.Currency)
			if err != nil {
				p.fail(b.at, "%v", err)
			}
			*b.dst = &v
		}
	}
	return m
}

// DeriveRelationshipID names a relationship from its content; it is
// domain.DeriveRelationshipID, kept here for the seed's readers.
func DeriveRelationshipID(r *domain.Relationship) string { return domain.DeriveRelationshipID(r) }

// resolve checks references once every file is read: relationship endpoints
// name entities, citations name sources.
func (p *parser) resolve() {
	entities := map[string]bool{}
	for _, e := range p.graph.Entities {
		entities[e.ID] = true
	}
	sources := map[string]bool{}
	for _, s := range p.graph.Sources {
		sources[s.ID] = true
	}
	for _, r := range p.refs {
		if !entities[r.id] {
			p.fail(r.where, "no entity has id %q", r.id)
		}
	}
	for _, c := range p.cites {
		if c.sourceID != "" && !sources[c.sourceID] {
			p.fail(c.sourceAt, "no source has id %q", c.sourceID)
		}
	}
}
