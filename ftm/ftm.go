// Package ftm imports FollowTheMoney entities as JSON lines, the format of
// OpenSanctions' exports: one {"id", "schema", "properties"} object per
// line. People, organizations and companies become entities (or are found
// in the graph by name or alias, and linked without being rewritten);
// sanctions become SANCTION entities with their authority and programme,
// linked to their target; memberships, directorships, ownerships, family
// ties, associations and representations become links. Every element
// cites its record: the OpenSanctions source, "id ID" as the locator, and
// as the quote the record's summary or, without one, a readable line of
// its properties.
package ftm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/ingest"
)

// Source is OpenSanctions' FollowTheMoney data as a source of the graph.
var Source = &domain.Source{
	ID:        "opensanctions",
	Title:     "OpenSanctions: sanctions lists, politically exposed persons and entities of interest (FollowTheMoney)",
	Publisher: "OpenSanctions",
	URL:       "https://www.opensanctions.org/docs/bulk/",
}

// Format is the FollowTheMoney importer.
var Format = ingest.Format{
	Dataset: ingest.Dataset{Name: "ftm", Source: Source, Prefix: "ftm", CaseSensitiveKeys: true},
	Read:    Read,
}

// entitySchema is what an FtM schema of a thing becomes.
type entitySchema struct {
	kind     domain.EntityKind
	category domain.Category
	// matches are the kinds an existing entity may be of to match.
	matches []domain.EntityKind
}

var orgKinds = []domain.EntityKind{domain.KindOrganization, domain.KindArmedGroup, domain.KindMission}

// EntitySchemas are the FtM schemas imported as entities.
var EntitySchemas = map[string]entitySchema{
	"Person":       {domain.KindPerson, "", []domain.EntityKind{domain.KindPerson}},
	"Organization": {domain.KindOrganization, "", orgKinds},
	"Company":      {domain.KindOrganization, "COMPANY", orgKinds},
	"LegalEntity":  {domain.KindOrganization, "", orgKinds},
	"PublicBody":   {domain.KindOrganization, "GOVERNMENT_AGENCY", orgKinds},
}

// linkSchema is what an FtM schema of a tie between two entities becomes.
type linkSchema struct {
	from, to string // the properties naming the two ends
	relation domain.RelationType
	detail   string // the property that says more (a role, a kinship)
}

// LinkSchemas are the FtM schemas imported as links.
var LinkSchemas = map[string]linkSchema{
	"Membership":     {"member", "organization", domain.RelMemberOf, "role"},
	"Directorship":   {"director", "organization", domain.RelDirectorOf, "role"},
	"Ownership":      {"owner", "asset", domain.RelOwns, "percentage"},
	"Family":         {"person", "relative", domain.RelFamilyOf, "relationship"},
	"Associate":      {"person", "associate", domain.RelAssociateOf, "relationship"},
	"Representation": {"agent", "client", domain.RelRepresents, "role"},
	"Sanction":       {"", "entity", domain.RelSanctioned, ""},
}

// Schemas lists every schema imported, for messages.
var Schemas = func() []string {
	out := slices.Collect(maps.Keys(EntitySchemas))
	out = append(out, slices.Collect(maps.Keys(LinkSchemas))...)
	slices.Sort(out)
	return out
}()

// record is one line of the file.
type record struct {
	ID         string                       `json:"id"`
	Schema     string                       `json:"schema"`
	Caption    string                       `json:"caption"`
	Datasets   []string                     `json:"datasets"`
	Properties map[string][]json.RawMessage `json:"properties"`
	line       int
	props      map[string][]string
}

// values returns a property's values as text: strings as they are, a
// nested entity by its id, numbers as written.
func (r *record) values(prop string) []string {
	if v, ok := r.props[prop]; ok {
		return v
	}
	var out []string
	for _, raw := range r.Properties[prop] {
		var s string
		var nested struct {
			ID string `json:"id"`
		}
		switch {
		case json.Unmarshal(raw, &s) == nil:
		case json.Unmarshal(raw, &nested) == nil && nested.ID != "":
			s = nested.ID
		default:
			s = string(bytes.TrimSpace(raw))
		}
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if r.props == nil {
		r.props = map[string][]string{}
	}
	r.props[prop] = out
	return out
}

func (r *record) first(prop string) string {
	if v := r.values(prop); len(v) > 0 {
		return v[0]
	}
	return ""
}

func (r *record) key() string { return "id " + r.ID }

// reader is one run's state: the entities the file's ids stand for, their
// names, and the ties waiting for an end the file holds further on.
type reader struct {
	im       *ingest.Importer
	ids      map[string]string // FtM id -> entity id
	captions map[string]string // FtM id -> its name, for readable quotes
	waiting  []*record
}

// Read streams FtM JSON lines into im. A tie (a sanction, a membership)
// whose ends come later in the file waits for them until the end; one whose
// end neither the file nor an earlier import holds is rejected.
func Read(ctx context.Context, r io.Reader, im *ingest.Importer) error {
	rd := &reader{im: im, ids: map[string]string{}, captions: map[string]string{}}
	br := bufio.NewReaderSize(r, 1<<16)
	for line := 1; ; line++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		text, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(text)) > 0 {
			if rerr := rd.line(ctx, line, text); rerr != nil {
				return rerr
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", line, err)
		}
	}
	for _, rec := range rd.waiting {
		if err := rd.tie(ctx, rec, true); err != nil {
			return err
		}
	}
	return nil
}

func (rd *reader) line(ctx context.Context, line int, text []byte) error {
	rec := &record{line: line}
	if err := json.Unmarshal(text, rec); err != nil {
		return rd.im.Reject(line, "", "not a FollowTheMoney JSON object: "+err.Error())
	}
	switch {
	case rec.ID == "":
		return rd.im.Reject(line, "", "the record has no id")
	case rec.Schema == "":
		return rd.im.Reject(line, rec.key(), "the record has no schema")
	}
	if _, ok := EntitySchemas[rec.Schema]; ok {
		return rd.entity(ctx, rec)
	}
	if _, ok := LinkSchemas[rec.Schema]; ok {
		return rd.tie(ctx, rec, false)
	}
	return rd.im.Reject(line, rec.key(), fmt.Sprintf("schema %s is not imported (only %s)", rec.Schema, strings.Join(Schemas, ", ")))
}

// names are the record's name (its first name, else its caption) and its
// aliases: the other names, alias, then weakAlias, each once.
func (rd *reader) names(rec *record) (string, []string) {
	all := append(append(append([]string(nil), rec.values("name")...), rec.values("alias")...), rec.values("weakAlias")...)
	if len(all) == 0 && rec.Caption != "" {
		all = []string{rec.Caption}
	}
	var name string
	var aliases []string
	seen := map[string]bool{}
	for _, n := range all {
		n = ingest.Name(n)
		if n == "" || seen[strings.ToLower(n)] {
			continue
		}
		seen[strings.ToLower(n)] = true
		if name == "" {
			name = n
			continue
		}
		aliases = append(aliases, n)
	}
	if len(aliases) > domain.MaxAliases {
		rd.im.Note(fmt.Sprintf("entities with more than %d names and aliases: the first %d kept", domain.MaxAliases, domain.MaxAliases))
		aliases = aliases[:domain.MaxAliases]
	}
	return name, aliases
}

func (rd *reader) entity(ctx context.Context, rec *record) error {
	im := rd.im
	s := EntitySchemas[rec.Schema]
	name, aliases := rd.names(rec)
	if name == "" {
		return im.Reject(rec.line, rec.key(), "the record has no name nor caption")
	}
	rd.captions[rec.ID] = name
	// Names to match by: its names and aliases, not its weak aliases.
	strong := append(append([]string{name}, rec.values("name")...), rec.values("alias")...)
	id, own, err := im.Thing(ctx, ingest.Thing{Key: rec.ID, Names: strong, Kinds: s.matches})
	if err != nil {
		return im.RejectErr(rec.line, rec.key(), err)
	}
	if !own {
		rd.ids[rec.ID] = id
		return im.Matched(ctx, &ingest.Row{Line: rec.line, Key: rec.key()})
	}
	e := &domain.Entity{ID: id, Kind: s.kind, Category: s.category, Name: name, Aliases: aliases,
		Summary:   ingest.Cut(ingest.Join(" ", rec.values("summary")...)+" "+ingest.Join(" ", rec.values("description")...), domain.MaxSummaryLength),
		Citations: im.Cite(rec.key(), rd.quote(rec))}
	e.Summary = strings.TrimSpace(e.Summary)
	if s.kind == domain.KindPerson {
		e.Role = ingest.Cut(ingest.Clean(rec.first("position")), domain.MaxNameLength)
	} else {
		if e.Started, err = date(rec, "incorporationDate"); err != nil {
			return im.RejectErr(rec.line, rec.key(), err)
		}
		if e.Ended, err = date(rec, "dissolutionDate"); err != nil {
			return im.RejectErr(rec.line, rec.key(), err)
		}
	}
	rd.ids[rec.ID] = id
	return im.Add(ctx, &ingest.Row{Line: rec.line, Key: rec.key(), Entity: e})
}

// date reads the first value of a date property.
func date(rec *record, prop string) (domain.PartialDate, error) {
	v := rec.first(prop)
	if v == "" {
		return domain.PartialDate{}, nil
	}
	d, err := ingest.ParseDate(v)
	if err != nil {
		return d, domain.Invalidf("%s: %s", prop, err)
	}
	return d, nil
}

// end resolves the FtM id one end of a tie names: an entity of this file,
// else (last, at the end of the file) the entity an earlier import of the
// data set made for it.
func (rd *reader) end(ctx context.Context, ftmID string, last bool) (string, bool, error) {
	if id, ok := rd.ids[ftmID]; ok {
		return id, true, nil
	}
	if !last {
		return "", false, nil
	}
	id := rd.im.RecordID(ftmID)
	st, err := rd.im.Store(ctx)
	if err != nil {
		return "", false, err
	}
	stored, err := st.EntitiesByIDs(ctx, []string{id})
	if err != nil {
		return "", false, err
	}
	if stored[0] != nil {
		rd.ids[ftmID] = id
		return id, true, nil
	}
	return "", false, nil
}

// tie imports a record that links two entities (a sanction, a
// membership). Before the end of the file (last false), one whose ends are
// not read yet waits.
func (rd *reader) tie(ctx context.Context, rec *record, last bool) error {
	im := rd.im
	s := LinkSchemas[rec.Schema]
	var fromFtM string
	if s.from != "" {
		if fromFtM = rec.first(s.from); fromFtM == "" {
			return im.Reject(rec.line, rec.key(), fmt.Sprintf("%s has no %s", rec.Schema, s.from))
		}
	}
	toFtM := rec.first(s.to)
	if toFtM == "" {
		return im.Reject(rec.line, rec.key(), fmt.Sprintf("%s has no %s", rec.Schema, s.to))
	}
	var from string
	if fromFtM != "" {
		id, ok, err := rd.end(ctx, fromFtM, last)
		if err != nil {
			return err
		}
		if !ok {
			return rd.wait(rec, last, s.from, fromFtM)
		}
		from = id
	}
	to, ok, err := rd.end(ctx, toFtM, last)
	if err != nil {
		return err
	}
	if !ok {
		return rd.wait(rec, last, s.to, toFtM)
	}
	cite := im.Cite(rec.key(), rd.quote(rec))
	validFrom, err := date(rec, "startDate")
	if err != nil {
		return im.RejectErr(rec.line, rec.key(), err)
	}
	validTo, err := date(rec, "endDate")
	if err != nil {
		return im.RejectErr(rec.line, rec.key(), err)
	}
	row := &ingest.Row{Line: rec.line, Key: rec.key()}
	if rec.Schema == "Sanction" {
		id, own, err := im.Thing(ctx, ingest.Thing{Key: rec.ID})
		if err != nil {
			return im.RejectErr(rec.line, rec.key(), err)
		}
		if !own {
			return im.Reject(rec.line, rec.key(), fmt.Sprintf("the --map file maps this sanction to %s: a sanction's record is imported as its own entity", id))
		}
		if validFrom.IsZero() {
			if validFrom, err = date(rec, "listingDate"); err != nil {
				return im.RejectErr(rec.line, rec.key(), err)
			}
		}
		row.Entity = rd.sanction(rec, id, validFrom, validTo, cite)
		from, validTo = id, domain.PartialDate{}
	}
	desc := ingest.Clean(strings.Join(rec.values(s.detail), "; "))
	if s.relation == domain.RelOwns && desc != "" {
		desc = "owns " + strings.TrimSuffix(desc, "%") + "%"
	}
	if desc != "" {
		desc = ingest.Cut(desc, domain.MaxDescriptionLength)
	}
	row.Links = []*domain.Relationship{{ID: ingest.LinkID(from, s.relation, to, rec.ID), Type: s.relation, FromID: from, ToID: to,
		ValidFrom: validFrom, ValidTo: validTo, Description: desc, Certainty: domain.CertaintyStated, Citations: cite}}
	return im.Add(ctx, row)
}

func (rd *reader) wait(rec *record, last bool, prop, ftmID string) error {
	if last {
		return rd.im.Reject(rec.line, rec.key(), fmt.Sprintf("%s names %s, which neither this file nor an earlier import of it holds", prop, ftmID))
	}
	rd.waiting = append(rd.waiting, rec)
	return nil
}

// sanction is the SANCTION entity of a Sanction record.
func (rd *reader) sanction(rec *record, id string, date, ended domain.PartialDate, cite []domain.Citation) *domain.Entity {
	authority := ingest.Cut(ingest.Clean(strings.Join(rec.values("authority"), "; ")), domain.MaxNameLength)
	program := ingest.Cut(ingest.Clean(ingest.Join("; ", append(rec.values("program"), rec.values("programId")...)...)), domain.MaxNameLength)
	target := rd.captions[rec.first("entity")]
	name := ingest.Join(" ", firstOf(program, authority, "Sanction"))
	if authority != "" && program != "" {
		name = program + " (" + authority + ")"
	}
	if target != "" {
		name += ": " + target
	}
	summary := ingest.Join(" ", ingest.Join("; ", rec.values("reason")...), ingest.Join("; ", rec.values("provisions")...),
		ingest.Join("; ", rec.values("summary")...))
	return &domain.Entity{ID: id, Kind: domain.KindSanction, Name: ingest.Name(name), Program: program, Authority: authority,
		Date: date, Ended: ended, Summary: ingest.Cut(summary, domain.MaxSummaryLength), Citations: cite}
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// quote is the record's own text: its summary, description, notes or (a
// sanction's) reason, else a readable line of its properties ("Membership:
// member: Yevgeny Prigozhin; organization: Wagner Group; role: founder"),
// with the names of the entities it refers to where the file gave them.
func (rd *reader) quote(rec *record) string {
	for _, p := range []string{"summary", "description", "notes", "reason"} {
		if v := rec.values(p); len(v) > 0 {
			return strings.Join(v, " ")
		}
	}
	props := slices.Sorted(maps.Keys(rec.Properties))
	parts := make([]string, 0, len(props))
	for _, p := range props {
		vals := rec.values(p)
		if len(vals) == 0 {
			continue
		}
		shown := make([]string, len(vals))
		for i, v := range vals {
			if c, ok := rd.captions[v]; ok {
				v = c
			}
			shown[i] = v
		}
		parts = append(parts, p+": "+strings.Join(shown, ", "))
	}
	head := rec.Schema
	if rec.Caption != "" {
		head += " " + rec.Caption
	}
	return head + ": " + strings.Join(parts, "; ")
}
