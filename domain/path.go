package domain

import (
	"cmp"
	"slices"
	"strings"
)

// Path is a chain of relationships from one entity to another, as a reader
// follows it hop by hop. Relationships[i] links Entities[i] and
// Entities[i+1] and keeps its own direction, so a hop may run against it.
type Path struct {
	Entities      []*Entity
	Relationships []*Relationship
	// Brief says which of the two the store gave in brief (BriefEntity,
	// BriefRelationship), as the query allowed; the rest are whole.
	Brief Brief
}

// Length is the number of hops.
func (p *Path) Length() int { return len(p.Relationships) }

// Limits on path queries; the schema documents them.
const (
	MaxPathLength = 6  // maxLength of paths
	MaxPaths      = 50 // first of paths
)

// PathQuery asks for the shortest paths between two entities, following
// relationships either way.
type PathQuery struct {
	From, To  string
	MaxLength int            // 1..MaxPathLength hops
	Types     []RelationType // empty: every type
	AsOf      PartialDate    // zero: any time
	First     int            // 0..MaxPaths paths
	// Brief is what the caller needs only in brief: the store may give
	// it so (Path.Brief says when it did).
	Brief Brief
}

// Validate returns INVALID naming the first bad field.
func (q PathQuery) Validate() error {
	if q.MaxLength > MaxPathLength {
		return LimitExceeded("maxLength", 1, MaxPathLength, q.MaxLength)
	}
	if q.MaxLength < 1 {
		return Invalidf("maxLength must be between 1 and %d, got %d", MaxPathLength, q.MaxLength)
	}
	if err := validateFirst("first", q.First, MaxPaths); err != nil {
		return err
	}
	return validateTypes(q.Types)
}

// Filter is the relationship filter a path's hops must pass.
func (q PathQuery) Filter() RelationshipFilter {
	return RelationshipFilter{Types: q.Types, AsOf: q.AsOf}
}

// Simple reports whether the path visits no entity twice.
func (p *Path) Simple() bool {
	seen := make(map[string]bool, len(p.Entities))
	for _, e := range p.Entities {
		if seen[e.ID] {
			return false
		}
		seen[e.ID] = true
	}
	return true
}

// SortPaths orders paths shortest first, then by their relationship ids hop
// by hop, so both backends list equally short paths alike.
func SortPaths(paths []*Path) {
	slices.SortFunc(paths, func(a, b *Path) int {
		if c := cmp.Compare(a.Length(), b.Length()); c != 0 {
			return c
		}
		for i := range a.Relationships {
			if c := strings.Compare(a.Relationships[i].ID, b.Relationships[i].ID); c != 0 {
				return c
			}
		}
		return 0
	})
}
