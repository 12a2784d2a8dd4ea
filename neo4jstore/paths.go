package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Paths implements domain.Store in one statement (cypherPaths): the ends,
// and the first q.First simple paths ordered as the embedded store orders
// them, with their entities and relationships, in brief where q.Brief
// allows. Only the length groups the order needs are searched, and only the
// paths kept are returned.
func (s *Store) Paths(ctx context.Context, q domain.PathQuery) ([]*domain.Path, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	params := filterParams(q.Filter())
	params["from"], params["to"], params["first"] = q.From, q.To, int64(q.First)
	params["search"] = q.First > 0 && q.From != q.To
	cypher := pathsCypher(max(q.First, 1), q.MaxLength, q.Brief)
	return readStatement(ctx, s, cypher, params, func(records []*neo4j.Record) ([]*domain.Path, error) {
		var err error
		if len(records) != 1 {
			return nil, fmt.Errorf("paths: %d records, want one", len(records))
		}
		rec := records[0]
		var ends [2]*domain.Entity
		for i, key := range []string{"from", "to"} {
			v, _ := rec.Get(key)
			if v == nil {
				return nil, domain.NotFoundf("no entity has id %q", []string{q.From, q.To}[i])
			}
			if ends[i], err = scanValue(rec, key, scanEntity); err != nil {
				return nil, err
			}
		}
		if q.First == 0 {
			return []*domain.Path{}, nil
		}
		if q.From == q.To {
			return []*domain.Path{{Entities: []*domain.Entity{ends[0]}, Relationships: []*domain.Relationship{}, Brief: q.Brief}}, nil
		}
		explored, _, err := neo4j.GetRecordValue[int64](rec, "explored")
		if err != nil {
			return nil, err
		}
		if explored > domain.MaxPathsExplored {
			return nil, domain.Invalidf("more than %d paths join %q and %q: narrow the question with types, asOf or a smaller maxLength", domain.MaxPathsExplored, q.From, q.To)
		}
		raw, _, err := neo4j.GetRecordValue[[]any](rec, "paths")
		if err != nil {
			return nil, err
		}
		out := make([]*domain.Path, 0, len(raw))
		for _, item := range raw {
			m, ok := item.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("paths hold %T", item)
			}
			p := &domain.Path{Brief: q.Brief}
			if p.Entities, err = scanMaps(m["nodes"], scanEntity); err != nil {
				return nil, err
			}
			if p.Relationships, err = scanMaps(m["rels"], scanRelationship); err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		return out, nil
	})
}

// scanMaps reads a list of property maps with scan.
func scanMaps[T any](v any, scan func(map[string]any) (*T, error)) ([]*T, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want a list, got %T", v)
	}
	out := make([]*T, 0, len(list))
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("list holds %T", item)
		}
		x, err := scan(m)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}
