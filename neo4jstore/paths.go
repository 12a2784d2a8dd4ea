package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Paths implements domain.Store. SHORTEST k GROUPS returns every shortest
// trail of the k shortest lengths, as ids; trails that visit an entity twice
// are dropped, k grows until q.First paths are found or no longer length
// exists, and the paths kept, ordered as the embedded store orders them, are
// read in full.
func (s *Store) Paths(ctx context.Context, q domain.PathQuery) ([]*domain.Path, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	ends, err := s.EntitiesByIDs(ctx, []string{q.From, q.To})
	if err != nil {
		return nil, err
	}
	for i, id := range []string{q.From, q.To} {
		if ends[i] == nil {
			return nil, domain.NotFoundf("no entity has id %q", id)
		}
	}
	if q.First == 0 {
		return []*domain.Path{}, nil
	}
	if q.From == q.To {
		return []*domain.Path{{Entities: []*domain.Entity{ends[0]}, Relationships: []*domain.Relationship{}}}, nil
	}
	params := filterParams(q.Filter())
	params["from"], params["to"] = q.From, q.To
	var kept []idPath
	for groups := min(q.First, q.MaxLength); ; groups = min(groups+q.First, q.MaxLength) {
		paths, lengths, err := s.shortest(ctx, groups, q.MaxLength, params)
		if err != nil {
			return nil, err
		}
		if len(paths) >= q.First || lengths < groups || groups == q.MaxLength {
			slices.SortFunc(paths, func(a, b idPath) int {
				return cmp.Or(cmp.Compare(len(a.rels), len(b.rels)), slices.Compare(a.rels, b.rels))
			})
			kept = paths[:min(len(paths), q.First)]
			break
		}
	}
	return s.readPaths(ctx, kept)
}

// idPath is a path as ids, before it is read in full.
type idPath struct {
	nodes, rels []string
}

// shortest runs one SHORTEST query and returns its simple paths and how many
// distinct lengths it found.
func (s *Store) shortest(ctx context.Context, groups, maxLength int, params map[string]any) ([]idPath, int, error) {
	cypher := fmt.Sprintf(cypherPaths, groups, maxLength)
	type result struct {
		paths   []idPath
		lengths int
	}
	res, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (result, error) {
		records, err := run(ctx, tx, cypher, params)
		if err != nil {
			return result{}, err
		}
		if len(records) > domain.MaxPathsExplored {
			return result{}, domain.Invalidf("more than %d paths join %q and %q: narrow the question with types, asOf or a smaller maxLength", domain.MaxPathsExplored, params["from"], params["to"])
		}
		lengths := map[int]bool{}
		var out []idPath
		for _, rec := range records {
			nodes, _, err := neo4j.GetRecordValue[[]any](rec, "nodes")
			if err != nil {
				return result{}, err
			}
			rels, _, err := neo4j.GetRecordValue[[]any](rec, "rels")
			if err != nil {
				return result{}, err
			}
			p := idPath{nodes: idList(nodes), rels: idList(rels)}
			lengths[len(p.rels)] = true
			if simple(p.nodes) {
				out = append(out, p)
			}
		}
		return result{out, len(lengths)}, nil
	})
	return res.paths, res.lengths, err
}

// readPaths reads the entities and relationships of the kept paths.
func (s *Store) readPaths(ctx context.Context, paths []idPath) ([]*domain.Path, error) {
	var nodeIDs, relIDs []string
	for _, p := range paths {
		nodeIDs, relIDs = append(nodeIDs, p.nodes...), append(relIDs, p.rels...)
	}
	entities, err := s.EntitiesByIDs(ctx, nodeIDs)
	if err != nil {
		return nil, err
	}
	rels, err := s.RelationshipsByIDs(ctx, relIDs)
	if err != nil {
		return nil, err
	}
	out := make([]*domain.Path, len(paths))
	for i, p := range paths {
		path := &domain.Path{}
		for range p.nodes {
			path.Entities, entities = append(path.Entities, entities[0]), entities[1:]
		}
		for range p.rels {
			path.Relationships, rels = append(path.Relationships, rels[0]), rels[1:]
		}
		if slices.Contains(path.Entities, nil) || slices.Contains(path.Relationships, nil) {
			return nil, fmt.Errorf("a path changed while it was read: %w", domain.ErrUnavailable)
		}
		out[i] = path
	}
	return out, nil
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

func simple(ids []string) bool {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return false
		}
		seen[id] = true
	}
	return true
}
