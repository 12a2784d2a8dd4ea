package graph

import (
	"github.com/conflictgraph/conflictgraph/domain"
)

// Complexity prices the fields that return many items, for the server's
// complexity limit and its admission control: a list costs the items it
// may return times the cost of each, plus one for the field itself, and a
// neighbourhood or a set of paths adds the cost of the walk that finds it
// (walkCost). Every other field keeps gqlgen's default (one, plus its
// selection). A page size past its maximum is priced
// at the maximum, so the argument itself is refused by validation with
// BAD_USER_INPUT rather than by the complexity limit.
//
// New list fields belong here, priced by the argument that bounds them.
func Complexity() ComplexityRoot {
	var c ComplexityRoot

	c.Query.Search = func(child int, _ string, _ []domain.EntityKind, first *int) int {
		return listCost(intArg(first, 10), domain.MaxSearchResults, child)
	}
	c.Query.Entities = func(child int, _ []domain.EntityKind, first *int, _ *string) int {
		return listCost(intArg(first, 50), domain.MaxPageSize, child)
	}
	c.Query.Neighborhood = func(child int, _ string, depth *int, _ []domain.RelationType, _ *domain.Direction, _ *domain.PartialDate, limit *int) int {
		levels := min(max(intArg(depth, 1), 0), domain.MaxDepth)
		return add(listCost(intArg(limit, 500), domain.MaxSubgraphSize, child), walkCost(levels, 4))
	}
	c.Query.Paths = func(child int, _, _ string, maxLength *int, _ []domain.RelationType, _ *domain.PartialDate, first *int) int {
		hops := min(max(intArg(maxLength, 4), 1), domain.MaxPathLength)
		return add(listCost(intArg(first, 5), domain.MaxPaths, mul(hops, child)), walkCost(hops, 2))
	}

	c.Query.Changes = func(child int, _ *string, first *int) int {
		return listCost(intArg(first, 50), domain.MaxPageSize, child)
	}
	// A change's lists: an import's change holds thousands of elements.
	changeList := func(child int, first *int) int {
		return listCost(intArg(first, 100), domain.MaxChangeSetSize, child)
	}
	c.Change.Sources = changeList
	c.Change.Entities = changeList
	c.Change.Relationships = changeList

	// Entity.relationships, on every type that implements Entity.
	relationships := func(child int, _ []domain.RelationType, _ *domain.Direction, _ *domain.PartialDate, first *int, _ *string) int {
		return listCost(intArg(first, 50), domain.MaxPageSize, child)
	}
	c.Agreement.Relationships = relationships
	c.AidProgram.Relationships = relationships
	c.ArmedGroup.Relationships = relationships
	c.Country.Relationships = relationships
	c.Coup.Relationships = relationships
	c.Event.Relationships = relationships
	c.Legislation.Relationships = relationships
	c.Mission.Relationships = relationships
	c.Organization.Relationships = relationships
	c.Person.Relationships = relationships
	c.Sanction.Relationships = relationships
	return c
}

// Bound is the range the domain allows an argument of a field, so the server
// can refuse a value past its maximum before the query runs, with the error
// the resolver would return (domain.LimitExceeded).
type Bound struct {
	Argument string
	Min, Max int
}

// ArgumentBounds returns the bounded arguments of field on the type (or
// interface) named object: first, limit, depth and maxLength, with the
// domain's maxima. Keep it in step with Complexity and the resolvers.
func ArgumentBounds(object, field string) []Bound {
	first := func(max int) []Bound { return []Bound{{"first", 0, max}} }
	if object == "Change" && (field == "sources" || field == "entities" || field == "relationships") {
		return first(domain.MaxChangeSetSize)
	}
	if field == "relationships" && object != "Subgraph" && object != "Path" {
		return first(domain.MaxPageSize) // Entity.relationships, on every entity type
	}
	if object != "Query" {
		return nil
	}
	switch field {
	case "search":
		return first(domain.MaxSearchResults)
	case "entities", "changes":
		return first(domain.MaxPageSize)
	case "neighborhood":
		return []Bound{{"depth", 0, domain.MaxDepth}, {"limit", 0, domain.MaxSubgraphSize}}
	case "paths":
		return []Bound{{"maxLength", 1, domain.MaxPathLength}, {"first", 0, domain.MaxPaths}}
	}
	return nil
}

// walkCost prices the search behind a neighbourhood or a set of paths,
// which costs the same whatever is selected of its answer: SearchCost for
// one level (one hop), times growth for each level further, as the entities
// a walk reaches multiply with each hop (a neighbourhood's levels four
// times, paths, which stop at the shortest, twice). Depth 0 costs nothing.
func walkCost(levels, growth int) int {
	if levels <= 0 {
		return 0
	}
	c := SearchCost
	for range levels - 1 {
		c = mul(c, growth)
	}
	return c
}

// SearchCost is what walkCost charges for a walk of one level.
const SearchCost = 250

// listCost is n items (clamped to 0..limit) of child each, plus one.
func listCost(n, limit, child int) int {
	n = min(max(n, 0), limit)
	return add(mul(n, child), 1)
}

const maxCost = int(^uint(0) >> 1)

// mul and add saturate, so no document can wrap a cost around to a small one.
func mul(a, b int) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > maxCost/b {
		return maxCost
	}
	return a * b
}

func add(a, b int) int {
	if a > maxCost-b {
		return maxCost
	}
	return a + b
}
