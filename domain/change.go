package domain

import (
	"strconv"
	"strings"
	"time"
)

// ChangeSet is one write to the graph, applied whole or not at all by
// Store.Apply: who makes it and why, and the sources, entities and
// relationships it creates, replaces, ends or retracts. Every element it
// writes cites its sources; Plan checks it against the graph as it stands.
type ChangeSet struct {
	// Actor is who makes the change: an API key's name, "seed", an
	// importer's name. Required.
	Actor string
	// Reason says why, for the audit trail; optional.
	Reason string
	// ExpectedRevision, when set, makes the change set fail with CONFLICT
	// (and change nothing) unless the graph is at that revision: a client
	// that read revision N writes only over what it read.
	ExpectedRevision *int64

	// Sources are added or replaced by id.
	Sources []*Source
	// Entities are added, or replaced whole by id: the loader's and the
	// importers' write, where the input is the entity as it should be.
	Entities []*Entity
	// EntityPatches set some fields of an entity, creating it when it does
	// not exist (then kind and name are required); its citations are
	// added to those the entity has. A curator's upsert.
	EntityPatches []*EntityPatch
	// Relationships with an ID are added or replaced by id (loads and
	// imports, whose record ids are keys). Without an ID each is a new
	// claim, kept beside any other claim of the same link: Plan gives it
	// DeriveRelationshipID's id, with a suffix when that is taken.
	Relationships []*Relationship
	// Ends set the date a relationship stopped holding.
	Ends []*RelationshipEnd
	// Retractions take relationships out of every read; they stay in the
	// change feed and in RelationshipsByIDs with who retracted them, when
	// and why.
	Retractions []*RelationshipRetraction
}

// Size is how many elements the change set writes.
func (cs *ChangeSet) Size() int {
	return len(cs.Sources) + len(cs.Entities) + len(cs.EntityPatches) + len(cs.Relationships) + len(cs.Ends) + len(cs.Retractions)
}

// MaxChangeSetSize bounds the elements of one change set, so one write
// stays one reasonable transaction on every backend; larger graphs load in
// several (see LoadGraph).
const MaxChangeSetSize = 10000

// EntityPatch sets the fields that are not nil of the entity with ID. A
// pointer to a zero value clears the field. Citations are added to the
// entity's own (those it already has are not repeated); at least one is
// required, as every change needs a source.
type EntityPatch struct {
	ID        string
	Kind      *EntityKind
	Name      *string
	Aliases   *[]string
	Summary   *string
	Category  *Category
	ISO3      *string
	Role      *string
	Date      *PartialDate
	Started   *PartialDate
	Ended     *PartialDate
	Place     *string
	Killed    **int
	Injured   **int
	Program   *string
	Authority *string
	Agency    *string
	Citations []Citation
}

// Apply returns a copy of e (or of a new entity with the patch's id when e
// is nil) with the patch's fields set and its citations added.
func (p *EntityPatch) Apply(e *Entity) *Entity {
	var out Entity
	if e != nil {
		out = *e
		out.Aliases = append([]string(nil), e.Aliases...)
		out.Citations = append([]Citation(nil), e.Citations...)
	}
	out.ID = p.ID
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	setDate := func(dst *PartialDate, src *PartialDate) {
		if src != nil {
			*dst = *src
		}
	}
	if p.Kind != nil {
		out.Kind = *p.Kind
	}
	if p.Category != nil {
		out.Category = *p.Category
	}
	if p.Aliases != nil {
		out.Aliases = append([]string(nil), (*p.Aliases)...)
	}
	if p.Killed != nil {
		out.Killed = *p.Killed
	}
	if p.Injured != nil {
		out.Injured = *p.Injured
	}
	set(&out.Name, p.Name)
	set(&out.Summary, p.Summary)
	set(&out.ISO3, p.ISO3)
	set(&out.Role, p.Role)
	set(&out.Place, p.Place)
	set(&out.Program, p.Program)
	set(&out.Authority, p.Authority)
	set(&out.Agency, p.Agency)
	setDate(&out.Date, p.Date)
	setDate(&out.Started, p.Started)
	setDate(&out.Ended, p.Ended)
	out.Citations = AddCitations(out.Citations, p.Citations)
	return &out
}

// AddCitations returns have with the citations of add it does not hold yet
// appended, in order.
func AddCitations(have, add []Citation) []Citation {
	out := append([]Citation(nil), have...)
	for _, c := range add {
		if !containsCitation(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func containsCitation(list []Citation, c Citation) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

// RelationshipEnd says that relationship ID stopped holding at ValidTo,
// citing the sources that say so.
type RelationshipEnd struct {
	ID        string
	ValidTo   PartialDate
	Citations []Citation
}

// RelationshipRetraction takes relationship ID back: a source walked it
// back, or it was entered in error. Reason and citations are required.
type RelationshipRetraction struct {
	ID        string
	Reason    string
	Citations []Citation
}

// Retraction records who took a relationship back, when, why and on what
// authority. A retracted relationship leaves every read of the graph but
// RelationshipsByIDs and the change feed.
type Retraction struct {
	Revision  int64
	At        time.Time
	Actor     string
	Reason    string
	Citations []Citation
}

// Operation is what a change did to one element.
type Operation string

// The operations a change records.
const (
	OpCreated   Operation = "CREATED"
	OpUpdated   Operation = "UPDATED"
	OpEnded     Operation = "ENDED"
	OpRetracted Operation = "RETRACTED"
)

// Change is an applied change set: its place in the graph's history (the
// revision), when it was applied, by whom and why, and for each element
// it touched, what it did and the element before and after.
type Change struct {
	Revision      int64
	At            time.Time
	Actor         string
	Reason        string
	Sources       []SourceChange
	Entities      []EntityChange
	Relationships []RelationshipChange
}

// SourceChange is one source a change created or replaced.
type SourceChange struct {
	Op     Operation
	Before *Source // nil when created
	After  *Source
}

// EntityChange is one entity a change created or updated.
type EntityChange struct {
	Op     Operation
	Before *Entity // nil when created
	After  *Entity
}

// RelationshipChange is one relationship a change created, updated, ended
// or retracted. A retracted one's After carries its Retraction.
type RelationshipChange struct {
	Op     Operation
	Before *Relationship // nil when created
	After  *Relationship
}

// Unchanged reports whether the change set changed nothing (every element
// already as asked): Apply then records no revision, and Revision is the
// graph's current one.
func (c *Change) Unchanged() bool {
	return len(c.Sources) == 0 && len(c.Entities) == 0 && len(c.Relationships) == 0
}

// ID is the change's global id, "change:REVISION"; the colon keeps it apart
// from every entity, relationship and source id.
func (c *Change) ID() string { return ChangeID(c.Revision) }

// GetID returns the change's global id, for transports that treat every
// identified object alike (GraphQL's Node).
func (c *Change) GetID() string { return c.ID() }

// ChangeID is the global id of the change at revision rev.
func ChangeID(rev int64) string { return "change:" + strconv.FormatInt(rev, 10) }

// ParseChangeID returns the revision a change id names; ok is false for any
// other id.
func ParseChangeID(id string) (rev int64, ok bool) {
	s, found := strings.CutPrefix(id, "change:")
	if !found {
		return 0, false
	}
	rev, err := strconv.ParseInt(s, 10, 64)
	if err != nil || rev < 1 || strconv.FormatInt(rev, 10) != s {
		return 0, false
	}
	return rev, true
}

// ChangeQuery asks for the changes after a revision, in revision order.
type ChangeQuery struct {
	After int64 // revision; 0 for the start of the history
	First int   // 0..MaxPageSize
}

// Validate returns INVALID naming the first bad field.
func (q ChangeQuery) Validate() error {
	if q.After < 0 {
		return Invalidf("after must name a revision of 0 or more, got %d", q.After)
	}
	return validateFirst("first", q.First, MaxPageSize)
}

// ChangePage is one page of the change feed.
type ChangePage struct {
	Changes []*Change
	HasNext bool
	// Revision is the graph's revision when the page was read.
	Revision int64
}

// SourceCount is how many sources the change wrote.
func (c *Change) SourceCount() int { return len(c.Sources) }

// EntityCount is how many entities the change wrote.
func (c *Change) EntityCount() int { return len(c.Entities) }

// RelationshipCount is how many relationships the change wrote, ended or
// retracted.
func (c *Change) RelationshipCount() int { return len(c.Relationships) }
