// Package domain is the conflict graph's model: entities, dated and cited
// relationships, sources, partial dates, amounts, the store interface every
// backend implements, and the coded errors they return.
//
// It imports nothing else of the project, so storage (embedded, Neo4j) and
// transport (GraphQL, export) depend on it and never the other way round.
package domain
