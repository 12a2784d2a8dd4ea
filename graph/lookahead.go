package graph

import (
	"context"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/loaders"
)

// The look-ahead: a resolver that reads an entity looks at what the query
// selects below it (gqlgen's field collection) and asks the store for it in
// the same read (domain.Store.ReadEntity): the relationships page, their
// other ends and the sources cited. It primes the request's loaders with
// what it read, so the resolvers below find it there and make no store call
// of their own: one read, one Neo4j statement, where a level at a time took
// a transaction per level and waited out the loaders' batching window at
// each.

// entityTypes are the GraphQL types an entity's selection can be narrowed
// to: a fragment on any of them may select what the look-ahead reads.
var entityTypes = func() []string {
	out := []string{"Entity", "Node"}
	for _, k := range domain.EntityKinds {
		out = append(out, kindTypeNames[k])
	}
	return out
}()

// kindTypeNames are the GraphQL object types of the entity kinds.
var kindTypeNames = map[domain.EntityKind]string{
	domain.KindCountry: "Country", domain.KindArmedGroup: "ArmedGroup", domain.KindPerson: "Person",
	domain.KindOrganization: "Organization", domain.KindMission: "Mission", domain.KindAidProgram: "AidProgram",
	domain.KindSanction: "Sanction", domain.KindCoup: "Coup", domain.KindEvent: "Event",
	domain.KindAgreement: "Agreement", domain.KindLegislation: "Legislation",
}

// readEntity reads the entity with id and what the field being resolved
// selects of it, and primes the loaders with all of it.
func readEntity(ctx context.Context, st domain.Store, id string) (*domain.Entity, error) {
	q := entityLookahead(ctx, id)
	v, err := st.ReadEntity(ctx, q)
	if err != nil {
		return nil, err
	}
	if v.Entity == nil {
		return nil, nil
	}
	loaders.PrimeEntities(ctx, v.Entity)
	primeRead(ctx, domain.Brief{Entities: v.BriefEnds}, v.Ends)
	loaders.PrimeSources(ctx, v.Sources...)
	if q.Relationships != nil {
		loaders.PrimeRelationships(ctx, id, *q.Relationships, v.Page)
	}
	return v.Entity, nil
}

// entityLookahead is what the selection of the field being resolved (an
// entity) asks of the store. Arguments it cannot read (a bad cursor) leave
// the page out: the resolver below reports them.
func entityLookahead(ctx context.Context, id string) domain.EntityRead {
	q := domain.EntityRead{ID: id}
	if !graphql.HasOperationContext(ctx) || graphql.GetFieldContext(ctx) == nil {
		return q
	}
	op := graphql.GetOperationContext(ctx)
	for _, f := range graphql.CollectFieldsCtx(ctx, entityTypes) {
		switch f.Name {
		case "citations", "figures":
			q.Sources = q.Sources || selectsSource(op, f.Selections)
		case "relationships":
			if q.Relationships != nil {
				// A second page (an alias): its resolver loads it, and
				// its ends may be those of the first, whole.
				q.BriefEnds = false
				continue
			}
			filter, ok := lookaheadFilter(f.ArgumentMap(op.Variables))
			if !ok {
				continue
			}
			q.Relationships = &filter
			q.BriefEnds = true
			for _, node := range nodes(op, f.Selections) {
				switch node.Name {
				case "from", "to":
					q.Ends = true
					q.BriefEnds = q.BriefEnds && selectsOnly(op, node.Selections, briefEntityField)
				case "citations":
					q.Sources = q.Sources || selectsSource(op, node.Selections)
				}
			}
		}
	}
	q.BriefEnds = q.BriefEnds && q.Ends
	return q
}

// nodes are the fields a connection's selection asks of its nodes
// (edges { node { ... } }).
func nodes(op *graphql.OperationContext, conn ast.SelectionSet) []graphql.CollectedField {
	var out []graphql.CollectedField
	for _, edges := range graphql.CollectFields(op, conn, []string{"RelationshipConnection"}) {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range graphql.CollectFields(op, edges.Selections, []string{"RelationshipEdge"}) {
			if node.Name == "node" {
				out = append(out, graphql.CollectFields(op, node.Selections, []string{"Relationship", "Node"})...)
			}
		}
	}
	return out
}

// selectsSource reports whether a selection of citations (or of figures,
// whose citations it looks into) asks for their source.
func selectsSource(op *graphql.OperationContext, sel ast.SelectionSet) bool {
	for _, f := range graphql.CollectFields(op, sel, []string{"Citation", "Figure"}) {
		switch f.Name {
		case "source":
			return true
		case "citations":
			if selectsSource(op, f.Selections) {
				return true
			}
		}
	}
	return false
}

// lookaheadFilter turns Entity.relationships's arguments, as the query
// gives them (defaults applied, variables replaced), into the filter its
// resolver will build; false when one does not read.
func lookaheadFilter(args map[string]any) (domain.RelationshipFilter, bool) {
	var (
		types     []domain.RelationType
		direction *domain.Direction
		asOf      *domain.PartialDate
		first     *int
		after     *string
	)
	if list, ok := args["types"].([]any); ok {
		for _, t := range list {
			s, ok := t.(string)
			if !ok {
				return domain.RelationshipFilter{}, false
			}
			types = append(types, domain.RelationType(s))
		}
	} else if args["types"] != nil {
		return domain.RelationshipFilter{}, false
	}
	if s, ok := args["direction"].(string); ok {
		d := domain.Direction(s)
		direction = &d
	}
	if s, ok := args["asOf"].(string); ok {
		d, err := domain.ParsePartialDate(s)
		if err != nil {
			return domain.RelationshipFilter{}, false
		}
		asOf = &d
	}
	if v, present := args["first"]; present && v != nil {
		n, ok := intValue(v)
		if !ok {
			return domain.RelationshipFilter{}, false
		}
		first = &n
	}
	if s, ok := args["after"].(string); ok {
		after = &s
	}
	f, err := relationshipFilter(types, direction, asOf, first, after)
	return f, err == nil
}

// intValue reads an integer argument in the forms gqlgen hands them over:
// int64 from a literal, json.Number or float64 from variables.
func intValue(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), int64(int(n)) == n
	case float64:
		return int(n), float64(int(n)) == n
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil && int64(int(i)) == i
	}
	return 0, false
}
