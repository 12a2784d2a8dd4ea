package domain

import (
	"context"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Store is where the graph lives. The embedded in-memory backend and the
// Neo4j backend implement it and must give the same answers; the conformance
// suite in storetest holds them to that.
//
// Every method takes the request's context and stops when it is done.
// Inputs are validated by the caller with the Validate methods below; a store
// may still return INVALID for input it cannot serve. Backends return
// UNAVAILABLE when they cannot be reached and INTERNAL for anything
// unexpected; no read method returns NOT_FOUND: missing ids come back nil.
type Store interface {
	// EntitiesByIDs returns the entities with the given ids, in the order
	// asked, with nil where no entity has that id. Loaders batch through it.
	EntitiesByIDs(ctx context.Context, ids []string) ([]*Entity, error)
	// RelationshipsByIDs returns relationships by id, in the order asked,
	// nil where none exists. Retracted relationships are returned too,
	// with their Retraction: node(id) shows who took them back.
	RelationshipsByIDs(ctx context.Context, ids []string) ([]*Relationship, error)
	// SourcesByIDs returns sources by id, in the order asked, nil where none
	// exists.
	SourcesByIDs(ctx context.Context, ids []string) ([]*Source, error)
	// Sources returns every source, ordered by id.
	Sources(ctx context.Context) ([]*Source, error)
	// Entities returns one page of entities ordered by id.
	Entities(ctx context.Context, f EntityFilter) (*EntityPage, error)
	// RelationshipsOf returns, for each entity id asked, one page of the
	// relationships it takes part in that pass the filter, ordered by
	// relationship id; pages are in the order of ids. Loaders batch through it.
	RelationshipsOf(ctx context.Context, ids []string, f RelationshipFilter) ([]*RelationshipPage, error)
	// ReadEntity returns an entity together with what a request reads of
	// it next (one page of its relationships, their other ends, the sources
	// cited), in one read: what a GraphQL query asking for an entity and
	// its links needs, without a round trip per level. Entity is nil when
	// no entity has the id. The filter must be valid.
	ReadEntity(ctx context.Context, q EntityRead) (*EntityView, error)
	// Search returns the entities whose name, alias or id match the text,
	// best match first (see MatchRank).
	Search(ctx context.Context, q SearchQuery) ([]*Entity, error)
	// Neighborhood returns the entities within q.Depth hops of q.ID and the
	// relationships between them that pass the filter; NOT_FOUND when q.ID
	// is not an entity.
	Neighborhood(ctx context.Context, q NeighborhoodQuery) (*Subgraph, error)
	// Paths returns up to q.First paths between q.From and q.To that visit
	// no entity twice and follow relationships passing q's filter either
	// way, shortest first and ordered as SortPaths orders them; NOT_FOUND
	// when either end is not an entity, INVALID when a length has more
	// paths than MaxPathsExplored.
	Paths(ctx context.Context, q PathQuery) ([]*Path, error)
	// Snapshot returns the whole graph: every source, entity and
	// relationship (retracted ones left out), each list ordered by id.
	Snapshot(ctx context.Context) (*Graph, error)
	// Apply writes a change set atomically: every read sees all of it or
	// none of it. It asks Plan what cs changes of the graph as it stands,
	// and unless nothing changes records the change at the next revision
	// (one gapless, increasing sequence per graph, the first write being
	// revision 1), durably, before it returns. Concurrent Apply calls are
	// serialised. Errors are Plan's (INVALID, CONFLICT), UNAVAILABLE, and
	// INTERNAL.
	Apply(ctx context.Context, cs *ChangeSet) (*Change, error)
	// Changes returns the recorded changes after q.After, in revision
	// order: the audit trail and the change feed.
	Changes(ctx context.Context, q ChangeQuery) (*ChangePage, error)
	// Revision returns the revision of the last change recorded, 0 for a
	// graph never written.
	Revision(ctx context.Context) (int64, error)
	// Ping returns nil when the store can serve reads.
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close(ctx context.Context) error
}

// Graph is a set of sources, entities and relationships: what the seed files
// hold, what LoadGraph writes and what Snapshot returns.
type Graph struct {
	Sources       []*Source
	Entities      []*Entity
	Relationships []*Relationship
}

// Subgraph is part of the graph: entities and the relationships among them.
// Truncated is true when a limit cut it short.
type Subgraph struct {
	Entities      []*Entity
	Relationships []*Relationship
	Truncated     bool
	// Brief says which of the two the store gave in brief (BriefEntity,
	// BriefRelationship), as the query allowed; the rest are whole.
	Brief Brief
}

// Limits on what one request may ask for; the schema documents them.
const (
	MaxPageSize      = 500 // first on entities and relationships
	MaxSearchResults = 100 // first on search
	// MaxSearchText and MaxSearchWords bound a search's text, in
	// characters and in words: well above the longest name in the graph
	// (93 characters, 14 words), far below what costs a backend more than
	// an ordinary lookup (a full-text index turns each word into a clause).
	MaxSearchText   = 256
	MaxSearchWords  = 32
	MaxDepth        = 3 // depth of a neighborhood or export
	MaxSubgraphSize = 5000
	// MaxPathsExplored bounds the paths of one length a search will list
	// before asking for a narrower question.
	MaxPathsExplored = 100000
)

// Direction picks which of an entity's relationships to follow.
type Direction string

// The directions: outgoing from the entity, incoming to it, or both.
const (
	DirectionOut  Direction = "OUT"
	DirectionIn   Direction = "IN"
	DirectionBoth Direction = "BOTH"
)

// Valid reports whether d is OUT, IN or BOTH.
func (d Direction) Valid() bool {
	return d == DirectionOut || d == DirectionIn || d == DirectionBoth
}

// Follows reports whether a relationship r, seen from entity id, goes the
// way d asks.
func (d Direction) Follows(r *Relationship, id string) bool {
	switch d {
	case DirectionOut:
		return r.FromID == id
	case DirectionIn:
		return r.ToID == id
	}
	return r.FromID == id || r.ToID == id
}

// EntityFilter selects a page of entities.
type EntityFilter struct {
	Kinds []EntityKind // empty: every kind
	First int          // page size, 0..MaxPageSize
	After string       // id of the last entity of the previous page; "" for the first page
}

// Validate returns INVALID naming the first bad field.
func (f EntityFilter) Validate() error {
	if err := validateFirst("first", f.First, MaxPageSize); err != nil {
		return err
	}
	return validateKinds(f.Kinds)
}

// EntityPage is one page of entities.
type EntityPage struct {
	Entities []*Entity
	HasNext  bool
	Total    int // entities passing the filter, over all pages
}

// RelationshipFilter selects the relationships of an entity.
type RelationshipFilter struct {
	Types     []RelationType // empty: every type
	Direction Direction      // "" counts as BOTH
	AsOf      PartialDate    // zero: any time
	First     int            // page size, 0..MaxPageSize
	After     string         // id of the last relationship of the previous page
}

// Validate returns INVALID naming the first bad field.
func (f RelationshipFilter) Validate() error {
	if err := validateFirst("first", f.First, MaxPageSize); err != nil {
		return err
	}
	if f.Direction != "" && !f.Direction.Valid() {
		return Invalidf("direction %q is not OUT, IN or BOTH", f.Direction)
	}
	return validateTypes(f.Types)
}

// Match reports whether r, seen from entity id, passes the filter's type,
// direction and date conditions (not its paging).
func (f RelationshipFilter) Match(r *Relationship, id string) bool {
	dir := f.Direction
	if dir == "" {
		dir = DirectionBoth
	}
	return dir.Follows(r, id) &&
		(len(f.Types) == 0 || slices.Contains(f.Types, r.Type)) &&
		r.HoldsAt(f.AsOf)
}

// RelationshipPage is one page of an entity's relationships.
type RelationshipPage struct {
	Relationships []*Relationship
	HasNext       bool
	Total         int
}

// EntityRead asks for an entity and what will be read of it next.
type EntityRead struct {
	ID string
	// Relationships, when set, asks for one page of the entity's
	// relationships, as RelationshipsOf would give it.
	Relationships *RelationshipFilter
	// Ends asks for the entities at the other end of the page's
	// relationships.
	Ends bool
	// BriefEnds says the ends are needed only in brief (BriefEntity): a
	// store may then leave the rest of them out.
	BriefEnds bool
	// Sources asks for the sources the entity's citations and the page's
	// name.
	Sources bool
}

// EntityView is what an EntityRead found: the entity (nil when none has
// the id), the page asked for (nil when none was), and the ends and
// sources asked for, each once, in no particular order.
type EntityView struct {
	Entity  *Entity
	Page    *RelationshipPage
	Ends    []*Entity
	Sources []*Source
	// BriefEnds says the ends are in brief, as the read allowed.
	BriefEnds bool
}

// CitedSources lists, once each and in order of first citation, the
// source ids the entity (its figures too) and the relationships cite.
func CitedSources(e *Entity, rels []*Relationship) []string {
	var out []string
	seen := map[string]bool{}
	add := func(cs []Citation) {
		for _, c := range cs {
			if !seen[c.SourceID] {
				seen[c.SourceID] = true
				out = append(out, c.SourceID)
			}
		}
	}
	if e != nil {
		add(e.Citations)
		for _, f := range e.Figures {
			add(f.Citations)
		}
	}
	for _, r := range rels {
		add(r.Citations)
	}
	return out
}

// SearchQuery asks for entities by name.
type SearchQuery struct {
	Text  string
	Kinds []EntityKind
	First int // 0..MaxSearchResults
}

// Validate returns INVALID naming the first bad field. A text longer than
// MaxSearchText characters or MaxSearchWords words is refused before it is
// folded, as an argument past its maximum (Error.Limit is set).
func (q SearchQuery) Validate() error {
	if err := validateFirst("first", q.First, MaxSearchResults); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(q.Text); n > MaxSearchText {
		return &Error{Code: CodeInvalid, Limit: &Limit{Argument: "text", Max: MaxSearchText, Value: n},
			Message: fmt.Sprintf("search text is %d characters long; the limit is %d", n, MaxSearchText)}
	}
	folded := Fold(q.Text)
	if folded == "" {
		return Invalidf("search text is empty: give a name, alias or id")
	}
	if n := len(Tokens(folded)); n > MaxSearchWords {
		return &Error{Code: CodeInvalid, Limit: &Limit{Argument: "text", Max: MaxSearchWords, Value: n},
			Message: fmt.Sprintf("search text has %d words; the limit is %d", n, MaxSearchWords)}
	}
	return validateKinds(q.Kinds)
}

// NeighborhoodQuery asks for the entities around one.
type NeighborhoodQuery struct {
	ID     string
	Depth  int // 0..MaxDepth hops
	Filter RelationshipFilter
	Limit  int // at most this many entities; 0..MaxSubgraphSize
	// Brief is what the caller needs only in brief: the store may give
	// it so (Subgraph.Brief says when it did).
	Brief Brief
}

// Validate returns INVALID naming the first bad field.
func (q NeighborhoodQuery) Validate() error {
	if q.Depth > MaxDepth {
		return LimitExceeded("depth", 0, MaxDepth, q.Depth)
	}
	if q.Depth < 0 {
		return Invalidf("depth must be between 0 and %d, got %d", MaxDepth, q.Depth)
	}
	if err := validateFirst("limit", q.Limit, MaxSubgraphSize); err != nil {
		return err
	}
	if q.Filter.Direction != "" && !q.Filter.Direction.Valid() {
		return Invalidf("direction %q is not OUT, IN or BOTH", q.Filter.Direction)
	}
	return validateTypes(q.Filter.Types)
}

func validateFirst(name string, n, max int) error {
	if n > max {
		return LimitExceeded(name, 0, max, n)
	}
	if n < 0 {
		return Invalidf("%s must be between 0 and %d, got %d", name, max, n)
	}
	return nil
}

func validateKinds(kinds []EntityKind) error {
	for _, k := range kinds {
		if !k.Valid() {
			return Invalidf("unknown entity kind %q", k)
		}
	}
	return nil
}

func validateTypes(types []RelationType) error {
	for _, t := range types {
		if !t.Valid() {
			return Invalidf("unknown relationship type %q", t)
		}
	}
	return nil
}
