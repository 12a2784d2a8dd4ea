// Package graph is the GraphQL layer: gqlgen's generated executor and the
// resolvers, which turn arguments into validated domain queries and change
// sets, and read the store through the request's loaders.
package graph

import (
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/feed"
)

// Resolver is the root of the resolvers; it holds what they share.
type Resolver struct {
	Store domain.Store
	// Keys holds the API keys the key mutations manage; nil for a server
	// without a key store (the key mutations then say so).
	Keys domain.KeyStore
	// Feed wakes change subscriptions when this process writes; nil
	// leaves them to Poll alone.
	Feed *feed.Feed
	// Poll is how often a change subscription looks for changes written
	// by other processes; default DefaultPoll.
	Poll time.Duration
	// Now is the clock keys are stamped with; nil for time.Now.
	Now func() time.Time
}

// DefaultPoll is how often a change subscription looks for changes made by
// other processes (an importer, a second server on the same Neo4j).
const DefaultPoll = 2 * time.Second

func (r *Resolver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}
