// Package analysis answers the questions built from several store reads:
// an entity's timeline and the aid totals a recipient received. It reads
// only through domain.Store, so every backend gives the same answers.
package analysis

import (
	"context"
	"slices"

	"github.com/conflictgraph/conflictgraph/domain"
)

// allRelationships pages through every relationship of id that passes f.
func allRelationships(ctx context.Context, st domain.Store, id string, f domain.RelationshipFilter) ([]*domain.Relationship, error) {
	f.First, f.After = domain.MaxPageSize, ""
	var out []*domain.Relationship
	for {
		pages, err := st.RelationshipsOf(ctx, []string{id}, f)
		if err != nil {
			return nil, err
		}
		out = append(out, pages[0].Relationships...)
		if !pages[0].HasNext || len(pages[0].Relationships) == 0 {
			return out, nil
		}
		f.After = pages[0].Relationships[len(pages[0].Relationships)-1].ID
	}
}

// entitiesByID loads entities into a map; missing ids are left out.
func entitiesByID(ctx context.Context, st domain.Store, ids []string) (map[string]*domain.Entity, error) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	list, err := st.EntitiesByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*domain.Entity, len(list))
	for _, e := range list {
		if e != nil {
			out[e.ID] = e
		}
	}
	return out, nil
}

// entity loads one entity or returns NOT_FOUND.
func entity(ctx context.Context, st domain.Store, id string) (*domain.Entity, error) {
	list, err := st.EntitiesByIDs(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if list[0] == nil {
		return nil, domain.NotFoundf("no entity has id %q", id)
	}
	return list[0], nil
}
