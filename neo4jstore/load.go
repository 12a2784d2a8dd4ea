package neo4jstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/conflictgraph/conflictgraph/domain"
)

// BatchSize is how many rows one UNWIND statement merges.
const BatchSize = 1000

// Progress hears how a load advances: what is being written, how many done
// of how many.
type Progress func(what string, done, total int)

// Load implements domain.Store.
func (s *Store) Load(ctx context.Context, g *domain.Graph) error {
	return s.LoadWithProgress(ctx, g, nil)
}

// LoadWithProgress merges g in batches of BatchSize, sources first, then
// entities by kind, then relationships by type, each batch in its own
// managed write transaction, and last the marker Seeded reads. Merging by
// id makes it idempotent. It checks every relationship's endpoints before
// writing anything.
func (s *Store) LoadWithProgress(ctx context.Context, g *domain.Graph, progress Progress) error {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	if err := s.checkEndpoints(ctx, g); err != nil {
		return err
	}
	sources := make([]map[string]any, len(g.Sources))
	for i, src := range g.Sources {
		sources[i] = sourceProps(src)
	}
	if err := s.merge(ctx, "sources", cypherMergeSources, sources, progress); err != nil {
		return err
	}
	byKind := map[domain.EntityKind][]map[string]any{}
	for _, e := range g.Entities {
		props, err := entityProps(e)
		if err != nil {
			return err
		}
		byKind[e.Kind] = append(byKind[e.Kind], props)
	}
	for _, k := range domain.EntityKinds {
		cypher := fmt.Sprintf(cypherMergeEntities, allKindLabels, kindLabels[k])
		if err := s.merge(ctx, "entities ("+string(k)+")", cypher, byKind[k], progress); err != nil {
			return err
		}
	}
	rows := make([]map[string]any, len(g.Relationships))
	byType := map[domain.RelationType][]map[string]any{}
	for i, r := range g.Relationships {
		rows[i] = relationshipRow(r)
		byType[r.Type] = append(byType[r.Type], rows[i])
	}
	if err := s.merge(ctx, "relationships (replaced)", cypherDeleteStaleRelationships, rows, progress); err != nil {
		return err
	}
	for _, t := range domain.RelationTypes {
		cypher := fmt.Sprintf(cypherMergeRelationships, t)
		if err := s.merge(ctx, "relationships ("+string(t)+")", cypher, byType[t], progress); err != nil {
			return err
		}
	}
	// Last, the marker Seeded reads: a server is ready only once a load
	// has finished.
	counts := map[string]any{"sources": int64(len(g.Sources)), "entities": int64(len(g.Entities)), "relationships": int64(len(g.Relationships))}
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, cypherMarkLoaded, counts)
		return struct{}{}, err
	})
	if err != nil {
		return fmt.Errorf("load: mark the load finished: %w", err)
	}
	return nil
}

// checkEndpoints refuses, before any write, a graph that no store can hold
// (domain.Graph.CheckShape) or whose relationships name entities that are
// neither in it nor stored.
func (s *Store) checkEndpoints(ctx context.Context, g *domain.Graph) error {
	if err := g.CheckShape(); err != nil {
		return err
	}
	inGraph := map[string]bool{}
	for _, e := range g.Entities {
		inGraph[e.ID] = true
	}
	var elsewhere []string
	for _, r := range g.Relationships {
		for _, id := range []string{r.FromID, r.ToID} {
			if !inGraph[id] {
				elsewhere = append(elsewhere, id)
			}
		}
	}
	if len(elsewhere) == 0 {
		return nil
	}
	slices.Sort(elsewhere)
	missing, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]any, error) {
		records, err := run(ctx, tx, cypherMissingEndpoints, map[string]any{"ids": slices.Compact(elsewhere)})
		if err != nil {
			return nil, err
		}
		list, _, err := neo4j.GetRecordValue[[]any](records[0], "missing")
		return list, err
	})
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return domain.Invalidf("relationships name entities that do not exist: %v", missing)
	}
	return nil
}

// merge writes rows in batches, reporting progress after each.
func (s *Store) merge(ctx context.Context, what, cypher string, rows []map[string]any, progress Progress) error {
	for start := 0; start < len(rows); start += BatchSize {
		batch := rows[start:min(start+BatchSize, len(rows))]
		_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
			res, err := tx.Run(ctx, cypher, map[string]any{"rows": batch})
			if err != nil {
				return struct{}{}, err
			}
			_, err = res.Consume(ctx)
			return struct{}{}, err
		})
		if err != nil {
			return fmt.Errorf("load %s: %w", what, err)
		}
		progress(what, start+len(batch), len(rows))
	}
	return nil
}
