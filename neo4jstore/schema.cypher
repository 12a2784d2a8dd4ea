// Constraints and indexes of the conflict graph, applied at start and by
// `conflictgraph migrate`. Every statement is idempotent (IF NOT EXISTS).
// One uniqueness constraint per relationship type is added from the
// domain's list of types.

CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE;

CREATE CONSTRAINT source_id IF NOT EXISTS FOR (s:Source) REQUIRE s.id IS UNIQUE;

CREATE INDEX entity_kind IF NOT EXISTS FOR (e:Entity) ON (e.kind);

// searchText holds the folded words of an entity's name, aliases and id,
// separated by spaces, so the whitespace analyzer sees the same words as the
// embedded store's index.
CREATE FULLTEXT INDEX entity_search IF NOT EXISTS FOR (e:Entity) ON EACH [e.searchText]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}};
