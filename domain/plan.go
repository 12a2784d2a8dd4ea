package domain

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"time"
)

// WriteView is the graph as it stands, read by a backend inside its write
// transaction (or under its write lock), so that what Plan decides still
// holds when the change is written.
type WriteView interface {
	// EntitiesByIDs returns entities in the order asked, nil where none.
	EntitiesByIDs(ctx context.Context, ids []string) ([]*Entity, error)
	// RelationshipsByIDs returns relationships in the order asked, nil
	// where none; retracted ones included.
	RelationshipsByIDs(ctx context.Context, ids []string) ([]*Relationship, error)
	// SourcesByIDs returns sources in the order asked, nil where none.
	SourcesByIDs(ctx context.Context, ids []string) ([]*Source, error)
	// EntitiesExist reports, in the order asked, whether an entity has
	// each id: all Plan needs of a relationship's ends, which are most of
	// the entities a large change names.
	EntitiesExist(ctx context.Context, ids []string) ([]bool, error)
}

// MaxActorLength bounds a change's actor name.
const MaxActorLength = 100

// Plan decides what change set cs makes of the graph that view shows at
// revision current, without writing anything: it is the one place the
// rules of a write live, and every backend applies what it returns. The
// change is stamped with revision current+1 and time at; when cs changes
// nothing, the change is Unchanged and keeps revision current.
//
// Errors: CONFLICT when cs.ExpectedRevision is not current, or when a
// relationship to end, retract or replace was retracted; INVALID, with a
// Problem per fault located as "relationships[2].from", for an element that
// breaks a rule (Validate*), cites a source that does not exist, links an
// entity that does not exist, or names a relationship that does not exist.
func Plan(ctx context.Context, view WriteView, current int64, at time.Time, cs *ChangeSet) (*Change, error) {
	if cs.ExpectedRevision != nil && *cs.ExpectedRevision != current {
		return nil, Conflictf("expected revision %d, but the graph is at revision %d: read it again and retry", *cs.ExpectedRevision, current)
	}
	p := &planner{ctx: ctx, view: view, cs: cs, revision: current + 1, at: at.UTC().Truncate(time.Microsecond), ps: &problems{}}
	p.checkHeader()
	if len(p.ps.list) > 0 {
		return nil, InvalidProblems("change set", p.ps.list)
	}
	if err := p.read(); err != nil {
		return nil, err
	}
	ch := &Change{Revision: p.revision, At: p.at, Actor: cs.Actor, Reason: cs.Reason}
	if n := len(cs.Relationships) + len(cs.Ends) + len(cs.Retractions); n > 0 {
		ch.Relationships = make([]RelationshipChange, 0, n)
	}
	p.sources(ch)
	p.entities(ch)
	if err := p.relationships(ch); err != nil {
		return nil, err
	}
	if err := p.ends(ch); err != nil {
		return nil, err
	}
	if err := p.retractions(ch); err != nil {
		return nil, err
	}
	if len(p.ps.list) > 0 {
		return nil, InvalidProblems("", p.ps.list)
	}
	if len(ch.Relationships) == 0 {
		ch.Relationships = nil // as for the other kinds: none is nil
	}
	if ch.Unchanged() {
		ch.Revision = current
	}
	return ch, nil
}

// planner holds one Plan call's reads and what it has decided so far.
type planner struct {
	ctx      context.Context
	view     WriteView
	cs       *ChangeSet
	revision int64
	at       time.Time
	ps       *problems

	sourcesByID   map[string]*Source       // stored or written by cs
	entitiesByID  map[string]*Entity       // stored or written by cs, of those cs writes or patches
	endsStored    map[string]bool          // relationship ends cs does not write that the graph holds
	relsByID      map[string]*Relationship // stored (retracted too) or written by cs
	relsWritten   map[string]bool          // ids cs writes, to refuse two writes of one
	entityWritten map[string]bool
}

func (p *planner) checkHeader() {
	cs := p.cs
	switch {
	case cs.Actor == "":
		p.ps.add("actor", "required: who makes the change")
	default:
		checkText(p.ps, "actor", cs.Actor, MaxActorLength)
	}
	optionalText(p.ps, "reason", cs.Reason, MaxReasonLength)
	switch n := cs.Size(); {
	case n == 0:
		p.ps.add("", "a change set must write something")
	case n > MaxChangeSetSize:
		p.ps.add("", "a change set writes at most %d elements, this one %d: split it", MaxChangeSetSize, n)
	}
	if cs.ExpectedRevision != nil && *cs.ExpectedRevision < 0 {
		p.ps.add("expectedRevision", "must be 0 or more, got %d", *cs.ExpectedRevision)
	}
}

// read fetches, in one batched call per kind, every stored element the
// change set names or may collide with.
func (p *planner) read() error {
	cs := p.cs
	var sourceIDs, entityIDs, endIDs, relIDs []string
	cites := func(list []Citation) {
		for _, c := range list {
			sourceIDs = append(sourceIDs, c.SourceID)
		}
	}
	for _, s := range cs.Sources {
		sourceIDs = append(sourceIDs, s.ID)
	}
	for _, e := range cs.Entities {
		entityIDs = append(entityIDs, e.ID)
		cites(e.Citations)
		for _, f := range e.Figures {
			cites(f.Citations)
		}
	}
	for _, e := range cs.EntityPatches {
		entityIDs = append(entityIDs, e.ID)
		cites(e.Citations)
	}
	for _, r := range cs.Relationships {
		endIDs = append(endIDs, r.FromID, r.ToID)
		cites(r.Citations)
		if r.ID != "" {
			relIDs = append(relIDs, r.ID)
		} else {
			base := DeriveRelationshipID(r)
			relIDs = append(relIDs, base, base+p.claimSuffix())
		}
	}
	for _, e := range cs.Ends {
		relIDs = append(relIDs, e.ID)
		cites(e.Citations)
	}
	for _, r := range cs.Retractions {
		relIDs = append(relIDs, r.ID)
		cites(r.Citations)
	}
	var err error
	if p.sourcesByID, err = fetch(p.ctx, p.view.SourcesByIDs, sourceIDs, func(s *Source) string { return s.ID }); err != nil {
		return err
	}
	if p.entitiesByID, err = fetch(p.ctx, p.view.EntitiesByIDs, entityIDs, func(e *Entity) string { return e.ID }); err != nil {
		return err
	}
	if p.relsByID, err = fetch(p.ctx, p.view.RelationshipsByIDs, relIDs, func(r *Relationship) string { return r.ID }); err != nil {
		return err
	}
	if p.endsStored, err = p.stored(endIDs, entityIDs); err != nil {
		return err
	}
	p.relsWritten = make(map[string]bool, len(cs.Relationships))
	p.entityWritten = make(map[string]bool, len(cs.Entities)+len(cs.EntityPatches))
	return nil
}

// stored reads which of the distinct non-empty ids the graph holds,
// leaving out those read whole (read): what a change writes or patches.
func (p *planner) stored(ids, read []string) (map[string]bool, error) {
	skip := make(map[string]bool, len(read)+len(ids))
	for _, id := range read {
		skip[id] = true
	}
	var distinct []string
	for _, id := range ids {
		if id != "" && !skip[id] {
			skip[id] = true
			distinct = append(distinct, id)
		}
	}
	out := make(map[string]bool, len(distinct))
	if len(distinct) == 0 {
		return out, nil
	}
	exist, err := p.view.EntitiesExist(p.ctx, distinct)
	if err != nil {
		return nil, err
	}
	if len(exist) != len(distinct) {
		return nil, &Error{Code: CodeInternal, Message: fmt.Sprintf("store answered for %d of %d ids", len(exist), len(distinct))}
	}
	for i, id := range distinct {
		if exist[i] {
			out[id] = true
		}
	}
	return out, nil
}

// fetch reads the distinct non-empty ids through get, keyed by id.
func fetch[V any](ctx context.Context, get func(context.Context, []string) ([]*V, error), ids []string, id func(*V) string) (map[string]*V, error) {
	distinct := make([]string, 0, len(ids))
	for _, x := range ids {
		if x != "" {
			distinct = append(distinct, x)
		}
	}
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	out := make(map[string]*V, len(distinct))
	if len(distinct) == 0 {
		return out, nil
	}
	values, err := get(ctx, distinct)
	if err != nil {
		return nil, err
	}
	if len(values) != len(distinct) {
		return nil, &Error{Code: CodeInternal, Message: fmt.Sprintf("store returned %d values for %d ids", len(values), len(distinct))}
	}
	for _, v := range values {
		if v != nil {
			out[id(v)] = v
		}
	}
	return out, nil
}

// claimSuffix is what a new claim's id takes when its derived id is in use:
// the revision that adds it, so the id says when the claim came.
func (p *planner) claimSuffix() string { return ".r" + strconv.FormatInt(p.revision, 10) }

// cited reports each citation whose source neither exists nor is written
// by the change set.
func (p *planner) cited(ps *problems, field string, list []Citation) {
	for i, c := range list {
		if c.SourceID != "" && p.sourcesByID[c.SourceID] == nil {
			ps.add(fmt.Sprintf("%s[%d].source", field, i), "no source has id %q; create it first (createSource)", c.SourceID)
		}
	}
}

func (p *planner) sources(ch *Change) {
	seen := map[string]bool{}
	for i, s := range p.cs.Sources {
		ps := &problems{list: ValidateSource(s)}
		if seen[s.ID] {
			ps.add("id", "source %q is given twice in one change set", s.ID)
		}
		seen[s.ID] = true
		p.ps.mergeAt("sources", i, ps)
		if len(ps.list) > 0 {
			continue
		}
		before := p.sourcesByID[s.ID]
		p.sourcesByID[s.ID] = s
		switch {
		case before == nil:
			ch.Sources = append(ch.Sources, SourceChange{Op: OpCreated, After: s})
		case !reflect.DeepEqual(*before, *s):
			ch.Sources = append(ch.Sources, SourceChange{Op: OpUpdated, Before: before, After: s})
		}
	}
}

func (p *planner) entities(ch *Change) {
	// write records e, element at of the change set's list; added are the
	// citations to check for known sources (those it held before were
	// checked when they were written).
	write := func(list string, at int, ps *problems, e *Entity, added []Citation, figures bool) {
		ps.list = append(ps.list, ValidateEntity(e)...)
		if p.entityWritten[e.ID] {
			ps.add("id", "entity %q is written twice in one change set", e.ID)
		}
		p.entityWritten[e.ID] = true
		p.cited(ps, "citations", added)
		for i, f := range e.Figures {
			if figures {
				p.cited(ps, fmt.Sprintf("figures[%d].citations", i), f.Citations)
			}
		}
		p.ps.mergeAt(list, at, ps)
		if len(ps.list) > 0 {
			return
		}
		before := p.entitiesByID[e.ID]
		p.entitiesByID[e.ID] = e
		switch {
		case before == nil:
			ch.Entities = append(ch.Entities, EntityChange{Op: OpCreated, After: e})
		case !EqualEntities(before, e):
			ch.Entities = append(ch.Entities, EntityChange{Op: OpUpdated, Before: before, After: e})
		}
	}
	for i, e := range p.cs.Entities {
		write("entities", i, &problems{}, e, e.Citations, true)
	}
	for i, patch := range p.cs.EntityPatches {
		ps := &problems{}
		if len(patch.Citations) == 0 {
			ps.add("citations", "at least one citation is required: cite the source of the change")
		}
		write("entityPatches", i, ps, patch.Apply(p.entitiesByID[patch.ID]), patch.Citations, false)
	}
}

// EqualEntities reports whether two entities hold the same values, an
// empty list and no list alike.
func EqualEntities(a, b *Entity) bool {
	return reflect.DeepEqual(normalEntity(a), normalEntity(b))
}

func normalEntity(e *Entity) Entity {
	c := *e
	if len(c.Aliases) == 0 {
		c.Aliases = nil
	}
	if len(c.Figures) == 0 {
		c.Figures = nil
	}
	if len(c.Citations) == 0 {
		c.Citations = nil
	}
	return c
}

// EqualRelationships reports whether two relationships hold the same
// values, retraction included.
func EqualRelationships(a, b *Relationship) bool {
	x, y := *a, *b
	if len(x.Citations) == 0 {
		x.Citations = nil
	}
	if len(y.Citations) == 0 {
		y.Citations = nil
	}
	return reflect.DeepEqual(x, y)
}

func (p *planner) relationships(ch *Change) error {
	for i, r := range p.cs.Relationships {
		ps := &problems{list: ValidateRelationship(r)}
		for _, end := range []struct{ field, id string }{{"from", r.FromID}, {"to", r.ToID}} {
			if end.id != "" && p.entitiesByID[end.id] == nil && !p.endsStored[end.id] {
				ps.add(end.field, "no entity has id %q", end.id)
			}
		}
		p.cited(ps, "citations", r.Citations)
		if r.ID != "" && p.relsWritten[r.ID] {
			ps.add("id", "relationship %q is written twice in one change set", r.ID)
		}
		p.ps.mergeAt("relationships", i, ps)
		if len(ps.list) > 0 {
			continue
		}
		if r.ID == "" {
			claim := *r
			claim.ID = p.newClaimID(r)
			p.record(ch, RelationshipChange{Op: OpCreated, After: &claim})
			continue
		}
		before := p.relsByID[r.ID]
		switch {
		case before == nil:
			p.record(ch, RelationshipChange{Op: OpCreated, After: r})
		case before.Retraction != nil:
			retracted := *before
			retracted.Retraction = nil
			if !EqualRelationships(&retracted, r) {
				return Conflictf("relationships[%d]: relationship %q was retracted at revision %d; add a new claim instead of replacing it", i, r.ID, before.Retraction.Revision)
			}
		case !EqualRelationships(before, r):
			p.record(ch, RelationshipChange{Op: OpUpdated, Before: before, After: r})
		default:
			p.relsWritten[r.ID] = true
		}
	}
	return nil
}

// record adds one relationship change and makes it what later elements of
// the change set see.
func (p *planner) record(ch *Change, rc RelationshipChange) {
	p.relsByID[rc.After.ID] = rc.After
	p.relsWritten[rc.After.ID] = true
	ch.Relationships = append(ch.Relationships, rc)
}

// newClaimID gives a new claim DeriveRelationshipID's id when it is free,
// and otherwise that id with the revision's suffix (and a counter when one
// change set adds several claims of one link): a second claim never takes
// the first one's place.
func (p *planner) newClaimID(r *Relationship) string {
	base := DeriveRelationshipID(r)
	if p.relsByID[base] == nil {
		return base
	}
	id := base + p.claimSuffix()
	for n := 2; p.relsByID[id] != nil; n++ {
		id = base + p.claimSuffix() + "-" + strconv.Itoa(n)
	}
	return id
}

// current returns the relationship an end or retraction names, as the
// change set has left it so far, or a problem.
func (p *planner) current(ps *problems, id string) *Relationship {
	if id == "" {
		ps.add("id", "required field is missing")
		return nil
	}
	if p.relsWritten[id] {
		ps.add("id", "relationship %q is written twice in one change set", id)
		return nil
	}
	r := p.relsByID[id]
	if r == nil {
		ps.add("id", "no relationship has id %q", id)
	}
	return r
}

func (p *planner) ends(ch *Change) error {
	for i, e := range p.cs.Ends {
		ps := &problems{}
		r := p.current(ps, e.ID)
		checkCitations(ps, "citations", e.Citations)
		p.cited(ps, "citations", e.Citations)
		if e.ValidTo.IsZero() {
			ps.add("validTo", "required: the date the relationship stopped holding")
		} else if r != nil && !r.ValidFrom.IsZero() && e.ValidTo.Last() < r.ValidFrom.First() {
			ps.add("validTo", "ends (%s) before the relationship starts (%s)", e.ValidTo, r.ValidFrom)
		}
		p.ps.mergeAt("ends", i, ps)
		if len(ps.list) > 0 {
			continue
		}
		if r.Retraction != nil {
			return Conflictf("ends[%d]: relationship %q was retracted at revision %d", i, r.ID, r.Retraction.Revision)
		}
		ended := *r
		ended.ValidTo = e.ValidTo
		ended.Citations = AddCitations(r.Citations, e.Citations)
		if !EqualRelationships(r, &ended) {
			p.record(ch, RelationshipChange{Op: OpEnded, Before: r, After: &ended})
		}
	}
	return nil
}

func (p *planner) retractions(ch *Change) error {
	for i, x := range p.cs.Retractions {
		ps := &problems{}
		r := p.current(ps, x.ID)
		required(ps, "reason", x.Reason, MaxReasonLength)
		checkCitations(ps, "citations", x.Citations)
		p.cited(ps, "citations", x.Citations)
		p.ps.mergeAt("retractions", i, ps)
		if len(ps.list) > 0 {
			continue
		}
		if r.Retraction != nil {
			return Conflictf("retractions[%d]: relationship %q was already retracted at revision %d", i, r.ID, r.Retraction.Revision)
		}
		retracted := *r
		retracted.Retraction = &Retraction{Revision: p.revision, At: p.at, Actor: p.cs.Actor, Reason: x.Reason, Citations: x.Citations}
		p.record(ch, RelationshipChange{Op: OpRetracted, Before: r, After: &retracted})
	}
	return nil
}
