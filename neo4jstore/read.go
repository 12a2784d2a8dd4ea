package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/conflictgraph/conflictgraph/domain"
)

// collect runs one statement in a read transaction and scans the map in
// column key of every record.
func collect[T any](ctx context.Context, s *Store, cypher string, params map[string]any, key string, scan func(map[string]any) (*T, error)) ([]*T, error) {
	return readStatement(ctx, s, cypher, params, func(records []*neo4j.Record) ([]*T, error) {
		return scanRecords(records, key, scan)
	})
}

// scanAll runs cypher in tx and scans the map in column key of every
// record.
func scanAll[T any](ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any, key string, scan func(map[string]any) (*T, error)) ([]*T, error) {
	records, err := run(ctx, tx, cypher, params)
	if err != nil {
		return nil, err
	}
	return scanRecords(records, key, scan)
}

// scanRecords reads the map under key of each record with scan.
func scanRecords[T any](records []*neo4j.Record, key string, scan func(map[string]any) (*T, error)) ([]*T, error) {
	maps, err := values[map[string]any](records, key)
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(maps))
	for _, m := range maps {
		v, err := scan(m)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// column runs cypher and reads one value of type T from each record.
func column[T neo4j.RecordValue](ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any, key string) ([]T, error) {
	records, err := run(ctx, tx, cypher, params)
	if err != nil {
		return nil, err
	}
	return values[T](records, key)
}

// values reads the value under key of each record.
func values[T neo4j.RecordValue](records []*neo4j.Record, key string) ([]T, error) {
	out := make([]T, 0, len(records))
	for _, rec := range records {
		v, _, err := neo4j.GetRecordValue[T](rec, key)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", key, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// inOrder arranges found values in the order of ids, nil where missing.
func inOrder[T any](ids []string, found []*T, id func(*T) string) []*T {
	byID := make(map[string]*T, len(found))
	for _, v := range found {
		byID[id(v)] = v
	}
	out := make([]*T, len(ids))
	for i, k := range ids {
		out[i] = byID[k]
	}
	return out
}

func distinct(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// EntitiesByIDs implements domain.Store.
func (s *Store) EntitiesByIDs(ctx context.Context, ids []string) ([]*domain.Entity, error) {
	if len(ids) == 0 {
		return []*domain.Entity{}, nil
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*domain.Entity, error) { return entitiesByIDs(ctx, tx, ids) })
}

// RelationshipsByIDs implements domain.Store: live relationships through
// the relationship_id index, retracted ones from their own nodes.
func (s *Store) RelationshipsByIDs(ctx context.Context, ids []string) ([]*domain.Relationship, error) {
	if len(ids) == 0 {
		return []*domain.Relationship{}, nil
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*domain.Relationship, error) {
		return relationshipsByIDs(ctx, tx, ids)
	})
}

// SourcesByIDs implements domain.Store.
func (s *Store) SourcesByIDs(ctx context.Context, ids []string) ([]*domain.Source, error) {
	if len(ids) == 0 {
		return []*domain.Source{}, nil
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*domain.Source, error) { return sourcesByIDs(ctx, tx, ids) })
}

// entitiesByIDs, relationshipsByIDs and sourcesByIDs read by id in tx: a
// read transaction for the Store's methods, Apply's write transaction for
// Plan's view. Each is one statement, whatever the number of ids.
func entitiesByIDs(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) ([]*domain.Entity, error) {
	if len(ids) == 0 {
		return []*domain.Entity{}, nil
	}
	found, err := scanAll(ctx, tx, cypherEntitiesByIDs, map[string]any{"ids": distinct(ids)}, "entity", scanEntity)
	if err != nil {
		return nil, err
	}
	return inOrder(ids, found, func(e *domain.Entity) string { return e.ID }), nil
}

func relationshipsByIDs(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) ([]*domain.Relationship, error) {
	if len(ids) == 0 {
		return []*domain.Relationship{}, nil
	}
	unique := distinct(ids)
	queries := make([]map[string]any, len(unique))
	for i, id := range unique {
		queries[i] = map[string]any{"id": id, "lucene": luceneTerm(id)}
	}
	found, err := scanAll(ctx, tx, cypherRelationshipsByIDs, map[string]any{"queries": queries}, "rel", scanRelationship)
	if err != nil {
		return nil, err
	}
	return inOrder(ids, found, func(r *domain.Relationship) string { return r.ID }), nil
}

func sourcesByIDs(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) ([]*domain.Source, error) {
	if len(ids) == 0 {
		return []*domain.Source{}, nil
	}
	found, err := scanAll(ctx, tx, cypherSourcesByIDs, map[string]any{"ids": distinct(ids)}, "source", scanSource)
	if err != nil {
		return nil, err
	}
	return inOrder(ids, found, func(src *domain.Source) string { return src.ID }), nil
}

// Sources implements domain.Store.
func (s *Store) Sources(ctx context.Context) ([]*domain.Source, error) {
	return collect(ctx, s, cypherAllSources, nil, "source", scanSource)
}

func kindParams(kinds []domain.EntityKind) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}

// Entities implements domain.Store.
func (s *Store) Entities(ctx context.Context, f domain.EntityFilter) (*domain.EntityPage, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	params := map[string]any{"kinds": kindParams(f.Kinds), "after": f.After, "limit": int64(f.First + 1)}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*domain.EntityPage, error) {
		list, err := scanAll(ctx, tx, cypherEntitiesPage, params, "entity", scanEntity)
		if err != nil {
			return nil, err
		}
		records, err := run(ctx, tx, cypherEntitiesCount, params)
		if err != nil {
			return nil, err
		}
		total, _, err := neo4j.GetRecordValue[int64](records[0], "total")
		if err != nil {
			return nil, err
		}
		page := &domain.EntityPage{Total: int(total), HasNext: len(list) > f.First}
		page.Entities = list[:min(len(list), f.First)]
		return page, nil
	})
}

func filterParams(f domain.RelationshipFilter) map[string]any {
	types := make([]string, len(f.Types))
	for i, t := range f.Types {
		types[i] = string(t)
	}
	p := map[string]any{"types": types, "asOfFirst": int64(0), "asOfLast": int64(0)}
	if !f.AsOf.IsZero() {
		p["asOfFirst"], p["asOfLast"] = int64(f.AsOf.First()), int64(f.AsOf.Last())
	}
	return p
}

func direction(d domain.Direction) domain.Direction {
	if d == "" {
		return domain.DirectionBoth
	}
	return d
}

// RelationshipsOf implements domain.Store.
func (s *Store) RelationshipsOf(ctx context.Context, ids []string, f domain.RelationshipFilter) ([]*domain.RelationshipPage, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return []*domain.RelationshipPage{}, nil
	}
	params := filterParams(f)
	params["ids"], params["after"], params["limit"] = ids, f.After, int64(f.First+1)
	cypher := fmt.Sprintf(cypherRelationshipsOf, relPatterns[direction(f.Direction)])
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*domain.RelationshipPage, error) {
		records, err := run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		if len(records) != len(ids) {
			return nil, fmt.Errorf("relationships of %d entities came back as %d pages", len(ids), len(records))
		}
		pages := make([]*domain.RelationshipPage, len(ids))
		for i, rec := range records {
			total, _, err := neo4j.GetRecordValue[int64](rec, "total")
			if err != nil {
				return nil, err
			}
			raw, _, err := neo4j.GetRecordValue[[]any](rec, "page")
			if err != nil {
				return nil, err
			}
			page := &domain.RelationshipPage{Total: int(total), HasNext: len(raw) > f.First, Relationships: []*domain.Relationship{}}
			for _, item := range raw[:min(len(raw), f.First)] {
				m, ok := item.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("relationship page holds %T", item)
				}
				r, err := scanRelationship(m)
				if err != nil {
					return nil, err
				}
				page.Relationships = append(page.Relationships, r)
			}
			pages[i] = page
		}
		return pages, nil
	})
}

// Search implements domain.Store: candidates through the full-text index,
// ranked by domain.MatchRank like the embedded store.
func (s *Store) Search(ctx context.Context, q domain.SearchQuery) ([]*domain.Entity, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	folded := domain.Fold(q.Text)
	params := map[string]any{"kinds": kindParams(q.Kinds), "folded": folded}
	cypher := cypherSearchScan
	if words := domain.Tokens(folded); len(words) > 0 {
		// Each word must start a word of the entity.
		params["lucene"] = luceneSearch(words)
		cypher = cypherSearchFulltext
	}
	candidates, err := collect(ctx, s, cypher, params, "entity", scanEntity)
	if err != nil {
		return nil, err
	}
	return domain.RankMatches(candidates, folded, q.Kinds, q.First), nil
}

// Neighborhood implements domain.Store with the embedded store's semantics:
// a breadth-first walk in one transaction, one statement per level (the
// first finds the centre too), keeping the closest q.Limit entities (ties
// by id), then one statement for the kept entities and the filtered
// relationships among them: two statements for a depth of one.
func (s *Store) Neighborhood(ctx context.Context, q domain.NeighborhoodQuery) (*domain.Subgraph, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	params := filterParams(q.Filter)
	pattern := relPatterns[direction(q.Filter.Direction)]
	if q.Depth == 1 && q.Limit >= 2 {
		return s.neighborhoodOne(ctx, q, params, pattern)
	}
	first, step, beyond := fmt.Sprintf(cypherFirstNeighbors, pattern), fmt.Sprintf(cypherNeighbors, pattern), fmt.Sprintf(cypherNeighborBeyond, pattern)
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*domain.Subgraph, error) {
		seen := []string{q.ID}
		levels := [][]string{{q.ID}}
		sub := &domain.Subgraph{}
		found := false
		for d := 1; d <= q.Depth && len(levels[d-1]) > 0; d++ {
			params["ids"], params["seen"], params["id"] = levels[d-1], seen, q.ID
			room := q.Limit - len(seen)
			if room <= 0 {
				// The closer levels fill the limit: a farther entity
				// could only be cut, so it is enough to learn whether
				// one exists.
				records, err := run(ctx, tx, beyond, params)
				if err != nil {
					return nil, err
				}
				sub.Truncated = len(records) > 0
				break
			}
			// One more than fits tells KeepClosest the level overflows.
			params["room"] = room + 1
			var next []string
			if d == 1 {
				records, err := run(ctx, tx, first, params)
				if err != nil {
					return nil, err
				}
				if len(records) == 0 {
					return nil, domain.NotFoundf("no entity has id %q", q.ID)
				}
				found = true
				ids, _, err := neo4j.GetRecordValue[[]any](records[0], "ids")
				if err != nil {
					return nil, err
				}
				next = idList(ids)
			} else {
				var err error
				if next, err = column[string](ctx, tx, step, params, "id"); err != nil {
					return nil, err
				}
			}
			levels = append(levels, next)
			if len(next) > room {
				break
			}
			seen = append(seen, next...)
		}
		if !found {
			records, err := run(ctx, tx, cypherEntityExists, map[string]any{"id": q.ID})
			if err != nil {
				return nil, err
			}
			if ok, _, _ := neo4j.GetRecordValue[bool](records[0], "found"); !ok {
				return nil, domain.NotFoundf("no entity has id %q", q.ID)
			}
		}
		ids, cut := domain.KeepClosest(levels, q.Limit)
		sub.Truncated = sub.Truncated || cut
		params["ids"] = ids
		records, err := run(ctx, tx, subgraphCypher(q.Brief), params)
		if err != nil {
			return nil, err
		}
		entities, err := scanList(records[0], "entities", scanEntity)
		if err != nil {
			return nil, err
		}
		sub.Entities = inOrder(ids, entities, func(e *domain.Entity) string { return e.ID })
		if sub.Relationships, err = scanList(records[0], "rels", scanRelationship); err != nil {
			return nil, err
		}
		sub.Brief = q.Brief
		return sub, nil
	})
}

// neighborhoodOne is Neighborhood at depth 1 with room for a neighbour:
// one statement, where the levels of a deeper one take a statement each.
func (s *Store) neighborhoodOne(ctx context.Context, q domain.NeighborhoodQuery, params map[string]any, pattern string) (*domain.Subgraph, error) {
	// The centre and Limit - 1 neighbours fit: one more tells a cut.
	params["id"], params["room"] = q.ID, q.Limit
	cypher := neighborhoodOneCypher(pattern, q.Brief)
	return readStatement(ctx, s, cypher, params, func(records []*neo4j.Record) (*domain.Subgraph, error) {
		var err error
		if len(records) == 0 {
			return nil, domain.NotFoundf("no entity has id %q", q.ID)
		}
		rec := records[0]
		sub := &domain.Subgraph{Brief: q.Brief}
		if sub.Entities, err = scanList(rec, "entities", scanEntity); err != nil {
			return nil, err
		}
		slices.SortFunc(sub.Entities, func(a, b *domain.Entity) int { return strings.Compare(a.ID, b.ID) })
		if sub.Relationships, err = scanList(rec, "rels", scanRelationship); err != nil {
			return nil, err
		}
		if sub.Truncated, _, err = neo4j.GetRecordValue[bool](rec, "truncated"); err != nil {
			return nil, err
		}
		return sub, nil
	})
}

func idList(list []any) []string {
	out := make([]string, 0, len(list))
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Snapshot implements domain.Store.
func (s *Store) Snapshot(ctx context.Context) (*domain.Graph, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*domain.Graph, error) {
		var g domain.Graph
		var err error
		if g.Sources, err = scanAll(ctx, tx, cypherAllSources, nil, "source", scanSource); err != nil {
			return nil, err
		}
		if g.Entities, err = scanAll(ctx, tx, cypherAllEntities, nil, "entity", scanEntity); err != nil {
			return nil, err
		}
		if g.Relationships, err = scanAll(ctx, tx, cypherAllRelationships, nil, "rel", scanRelationship); err != nil {
			return nil, err
		}
		return &g, nil
	})
}

// ReadEntity implements domain.Store in one statement (cypherReadEntity).
func (s *Store) ReadEntity(ctx context.Context, q domain.EntityRead) (*domain.EntityView, error) {
	f := domain.RelationshipFilter{}
	if q.Relationships != nil {
		if err := q.Relationships.Validate(); err != nil {
			return nil, err
		}
		f = *q.Relationships
	}
	params := filterParams(f)
	params["id"], params["page"], params["ends"], params["sources"] = q.ID, q.Relationships != nil, q.Ends, q.Sources
	params["after"], params["limit"] = f.After, int64(f.First+1)
	cypher := readEntityCypher(relPatterns[direction(f.Direction)], q.BriefEnds)
	return readStatement(ctx, s, cypher, params, func(records []*neo4j.Record) (*domain.EntityView, error) {
		var err error
		if len(records) == 0 {
			return &domain.EntityView{}, nil
		}
		rec := records[0]
		v := &domain.EntityView{BriefEnds: q.BriefEnds && q.Ends}
		if v.Entity, err = scanValue(rec, "entity", scanEntity); err != nil {
			return nil, err
		}
		if q.Relationships != nil {
			total, _, err := neo4j.GetRecordValue[int64](rec, "total")
			if err != nil {
				return nil, err
			}
			raw, err := scanList(rec, "page", scanRelationship)
			if err != nil {
				return nil, err
			}
			v.Page = &domain.RelationshipPage{Total: int(total), HasNext: len(raw) > f.First, Relationships: raw[:min(len(raw), f.First)]}
		}
		if v.Ends, err = scanList(rec, "ends", scanEntity); err != nil {
			return nil, err
		}
		if v.Sources, err = scanList(rec, "sources", scanSource); err != nil {
			return nil, err
		}
		return v, nil
	})
}

// scanValue reads the map under key of rec with scan.
func scanValue[T any](rec *neo4j.Record, key string, scan func(map[string]any) (*T, error)) (*T, error) {
	m, _, err := neo4j.GetRecordValue[map[string]any](rec, key)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	return scan(m)
}

// scanList reads the list of maps under key of rec with scan.
func scanList[T any](rec *neo4j.Record, key string, scan func(map[string]any) (*T, error)) ([]*T, error) {
	raw, _, err := neo4j.GetRecordValue[[]any](rec, key)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	out, err := scanMaps(raw, scan)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	return out, nil
}
