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

// The write history: one Change node per revision, the graph's revision on
// its one GraphState node, and relationships taken back kept as nodes of
// their own. The constraints make a doubled revision fail its transaction
// and let MERGE create the GraphState node safely under concurrent writes.
CREATE CONSTRAINT change_revision IF NOT EXISTS FOR (c:Change) REQUIRE c.revision IS UNIQUE;

CREATE CONSTRAINT graph_state_id IF NOT EXISTS FOR (g:GraphState) REQUIRE g.id IS UNIQUE;

CREATE CONSTRAINT retracted_relationship_id IF NOT EXISTS FOR (r:RetractedRelationship) REQUIRE r.id IS UNIQUE;

// API keys: one name per key (revoked ones too), found by the hash of the
// secret a request sends.
CREATE CONSTRAINT api_key_name IF NOT EXISTS FOR (k:APIKey) REQUIRE k.name IS UNIQUE;

CREATE CONSTRAINT api_key_hash IF NOT EXISTS FOR (k:APIKey) REQUIRE k.hash IS UNIQUE;
