// Package graph is the GraphQL layer: gqlgen's generated executor and the
// resolvers, which turn arguments into validated domain queries and read the
// store through the request's loaders.
package graph

import "github.com/conflictgraph/conflictgraph/domain"

// Resolver is the root of the resolvers; it holds what they share.
type Resolver struct {
	Store domain.Store
}
