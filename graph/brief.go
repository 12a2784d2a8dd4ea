package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/graph/model"
	"github.com/conflictgraph/conflictgraph/loaders"
)

// Brief reads: a path or a neighbourhood whose selection shows its
// entities by id, kind and name only, or its relationships by id, type and
// ends only (what a drawn graph shows), asks the store for them in brief
// (domain.Brief), so that Neo4j ships a fraction of the bytes. The entities
// a brief answer holds are primed apart from the whole ones
// (loaders.PrimeBrief): a relationship's from and to take them only where
// their own selection is brief too, and load the whole entity otherwise.
//
// The selections are read as written, every fragment included whatever its
// type condition or @skip and @include say: a fragment that might select
// more makes the read whole, which costs speed, never an answer.

// briefEntityField reports whether an entity in brief answers f.
func briefEntityField(f *ast.Field) bool {
	switch f.Name {
	case "id", "kind", "name", "__typename":
		return true
	}
	return false
}

// briefRead is what the selection of the field being resolved (a Path or a
// Subgraph, or a list of them) allows the store to answer in brief.
func briefRead(ctx context.Context) domain.Brief {
	if !graphql.HasOperationContext(ctx) || graphql.GetFieldContext(ctx) == nil {
		return domain.Brief{}
	}
	op := graphql.GetOperationContext(ctx)
	b := domain.Brief{Entities: true, Relationships: true}
	briefEntities := func(f *ast.Field) {
		b.Entities = b.Entities && selectsOnly(op, f.SelectionSet, briefEntityField)
	}
	eachField(op, graphql.GetFieldContext(ctx).Field.SelectionSet, func(f *ast.Field) {
		switch f.Name {
		case "nodes":
			briefEntities(f)
		case "relationships":
			eachField(op, f.SelectionSet, func(f *ast.Field) {
				switch f.Name {
				case "id", "type", "__typename":
				case "from", "to":
					briefEntities(f)
				default:
					b.Relationships = false
				}
			})
		}
	})
	return b
}

// selectsOnly reports whether every field of sel, those of its fragments
// included, satisfies ok.
func selectsOnly(op *graphql.OperationContext, sel ast.SelectionSet, ok func(*ast.Field) bool) bool {
	all := true
	eachField(op, sel, func(f *ast.Field) { all = all && ok(f) })
	return all
}

// eachField calls fn with every field of sel, those of its fragments
// included, in the order written.
func eachField(op *graphql.OperationContext, sel ast.SelectionSet, fn func(*ast.Field)) {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			fn(s)
		case *ast.InlineFragment:
			eachField(op, s.SelectionSet, fn)
		case *ast.FragmentSpread:
			if def := op.Doc.Fragments.ForName(s.Name); def != nil {
				eachField(op, def.SelectionSet, fn)
			}
		}
	}
}

// primeRead primes the request's loaders with the entities a read
// returned, apart when the store gave them in brief.
func primeRead(ctx context.Context, brief domain.Brief, entities []*domain.Entity) {
	if brief.Entities {
		loaders.PrimeBrief(ctx, entities...)
	} else {
		loaders.PrimeEntities(ctx, entities...)
	}
}

// briefEndpoint is the relationship endpoint id from a brief read of this
// request, shaped for GraphQL, when the field being resolved shows no more
// of it than a brief entity has; nil otherwise.
func briefEndpoint(ctx context.Context, id string) model.Entity {
	e := loaders.BriefEntity(ctx, id)
	if e == nil || !graphql.HasOperationContext(ctx) || graphql.GetFieldContext(ctx) == nil {
		return nil
	}
	if !selectsOnly(graphql.GetOperationContext(ctx), graphql.GetFieldContext(ctx).Field.SelectionSet, briefEntityField) {
		return nil
	}
	return loaders.Shaped(ctx, e, model.FromEntity)
}
