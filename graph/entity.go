package graph

import (
	"context"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/graph/model"
	"github.com/conflictgraph/conflictgraph/loaders"
)

// toEntity shapes a stored entity for GraphQL; nil stays nil.
func toEntity(e *domain.Entity) (model.Entity, error) {
	if e == nil {
		return nil, nil
	}
	m := model.FromEntity(e)
	if m == nil {
		return nil, &domain.Error{Code: domain.CodeInternal, Message: "entity " + e.ID + " has unknown kind " + string(e.Kind)}
	}
	return m, nil
}

// endpoint loads a relationship's endpoint id, which must exist, and puts
// the other end in the same batch (loaders.Entity). The ends of a hub's
// relationships are the same few entities many times over: each whole
// entity is shaped for GraphQL once per request and found again by its id
// (loaders.EndShape). A brief read's entity serves a selection that shows
// no more of it (briefEndpoint).
func endpoint(ctx context.Context, id, other string) (model.Entity, error) {
	if m, ok := loaders.EndShape[model.Entity](ctx, id); ok {
		return m, nil
	}
	if m := briefEndpoint(ctx, id); m != nil {
		return m, nil
	}
	e, err := loaders.Entity(ctx, id, other)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, &domain.Error{Code: domain.CodeInternal, Message: "relationship endpoint " + id + " does not exist"}
	}
	m, err := toEntity(e)
	if err != nil {
		return nil, err
	}
	loaders.KeepEndShape(ctx, id, m)
	return m, nil
}

// relationshipFilter is the filter Entity.relationships's arguments ask
// for, validated: the resolver and the look-ahead that reads it ahead of
// the resolver (lookahead.go) build it here alike, so the page read ahead is
// the one the resolver asks its loader for.
func relationshipFilter(types []domain.RelationType, direction *domain.Direction, asOf *domain.PartialDate, first *int, after *string) (domain.RelationshipFilter, error) {
	f := domain.RelationshipFilter{Types: types, Direction: domain.DirectionBoth, First: 50}
	if direction != nil {
		f.Direction = *direction
	}
	if asOf != nil {
		f.AsOf = *asOf
	}
	if first != nil {
		f.First = *first
	}
	var err error
	if f.After, err = decodeCursor(relationshipCursor, after); err != nil {
		return f, err
	}
	return f, f.Validate()
}

// entityRelationships resolves Entity.relationships for every kind.
func entityRelationships(ctx context.Context, entityID string, types []domain.RelationType, direction *domain.Direction, asOf *domain.PartialDate, first *int, after *string) (*model.RelationshipConnection, error) {
	f, err := relationshipFilter(types, direction, asOf, first, after)
	if err != nil {
		return nil, err
	}
	page, err := loaders.Relationships(ctx, entityID, f)
	if err != nil {
		return nil, err
	}
	conn := &model.RelationshipConnection{
		Edges:      make([]*model.RelationshipEdge, len(page.Relationships)),
		PageInfo:   &model.PageInfo{HasNextPage: page.HasNext},
		TotalCount: page.Total,
	}
	for i, r := range page.Relationships {
		conn.Edges[i] = &model.RelationshipEdge{Cursor: encodeCursor(relationshipCursor, r.ID), Node: r}
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn, nil
}

// period is a rate's period, nil for a total.
func period(p domain.Period) *domain.Period {
	if p == domain.PeriodTotal {
		return nil
	}
	return &p
}

// bound writes a range's bound of m exactly, nil when there is none.
func bound(m domain.Money, b *int64) *string {
	if b == nil {
		return nil
	}
	s := m.DecimalOf(*b)
	return &s
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// toEntities shapes a list of stored entities for GraphQL.
func toEntities(list []*domain.Entity) ([]model.Entity, error) {
	out := make([]model.Entity, len(list))
	for i, e := range list {
		m, err := toEntity(e)
		if err != nil {
			return nil, err
		}
		if m == nil {
			return nil, &domain.Error{Code: domain.CodeInternal, Message: "a result lists a missing entity"}
		}
		out[i] = m
	}
	return out, nil
}

// intArg returns *p, or def when the argument was not given.
func intArg(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// dateArg returns *p, or the zero (unknown) date when not given.
func dateArg(p *domain.PartialDate) domain.PartialDate {
	if p == nil {
		return domain.PartialDate{}
	}
	return *p
}

// node finds any object by its global id: an entity, a relationship
// (retracted ones too), a source or a change.
func (r *queryResolver) node(ctx context.Context, id string) (model.Node, error) {
	e, err := loaders.Entity(ctx, id)
	if err != nil {
		return nil, err
	}
	if e != nil {
		return toEntity(e)
	}
	rels, err := r.Store.RelationshipsByIDs(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if rels[0] != nil {
		return rels[0], nil
	}
	s, err := loaders.Source(ctx, id)
	if err != nil {
		return nil, err
	}
	if s != nil {
		return s, nil
	}
	if rev, ok := domain.ParseChangeID(id); ok {
		page, err := r.Store.Changes(ctx, domain.ChangeQuery{After: rev - 1, First: 1})
		if err != nil {
			return nil, err
		}
		if len(page.Changes) == 1 && page.Changes[0].Revision == rev {
			return page.Changes[0], nil
		}
	}
	return nil, nil
}
