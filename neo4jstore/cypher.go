package neo4jstore

import (
	"fmt"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
)

// All of the backend's Cypher. Values always travel as $parameters; labels
// and relationship types are spliced in only from the fixed tables below,
// which come from the domain's enums, never from input.

// kindLabels gives each entity kind its node label (beside :Entity), so
// Cypher users can write MATCH (g:ArmedGroup).
var kindLabels = map[domain.EntityKind]string{
	domain.KindCountry:      "Country",
	domain.KindArmedGroup:   "ArmedGroup",
	domain.KindPerson:       "Person",
	domain.KindOrganization: "Organization",
	domain.KindMission:      "Mission",
	domain.KindAidProgram:   "AidProgram",
	domain.KindSanction:     "Sanction",
	domain.KindCoup:         "Coup",
	domain.KindEvent:        "Event",
	domain.KindAgreement:    "Agreement",
	domain.KindLegislation:  "Legislation",
}

// allKindLabels is ":Country:ArmedGroup:...", to clear a node's kind label
// before setting its current one.
var allKindLabels = func() string {
	var b strings.Builder
	for _, k := range domain.EntityKinds {
		b.WriteString(":" + kindLabels[k])
	}
	return b.String()
}()

const (
	cypherPing = `RETURN 1`

	// cypherRevision reads the graph's revision, 0 before its first write.
	cypherRevision = `
OPTIONAL MATCH (g:GraphState {id: 'graph'})
RETURN coalesce(g.revision, 0) AS revision`

	// cypherResetRelationships and cypherResetNodes empty the database in
	// batches (the graph, its history, its revision and the API keys alike),
	// relationships first: a batch of nodes deleted with their
	// relationships can hold a hub's tens of thousands of links and exceed
	// the transaction memory pool.
	cypherResetRelationships = `
MATCH ()-[r]->()
CALL (r) { DELETE r } IN TRANSACTIONS OF 2000 ROWS`
	cypherResetNodes = `
MATCH (n)
CALL (n) { DELETE n } IN TRANSACTIONS OF 2000 ROWS`

	cypherSourcesByIDs = `
UNWIND $ids AS id
MATCH (s:Source {id: id})
RETURN s {.*} AS source`

	cypherAllSources = `
MATCH (s:Source)
RETURN s {.*} AS source
ORDER BY s.id`

	cypherEntitiesByIDs = `
UNWIND $ids AS id
MATCH (e:Entity {id: id})
RETURN e {.*} AS entity`

	// cypherEntitiesExist finds which ids entities have: Plan's check of
	// a change's relationship ends, the entity's id index and nothing else.
	cypherEntitiesExist = `
UNWIND $ids AS id
MATCH (e:Entity {id: id})
RETURN e.id AS id`

	cypherEntitiesPage = `
MATCH (e:Entity)
WHERE (size($kinds) = 0 OR e.kind IN $kinds) AND e.id > $after
RETURN e {.*} AS entity
ORDER BY e.id
LIMIT $limit`

	cypherEntitiesCount = `
MATCH (e:Entity)
WHERE size($kinds) = 0 OR e.kind IN $kinds
RETURN count(e) AS total`

	cypherAllEntities = `
MATCH (e:Entity)
RETURN e {.*} AS entity
ORDER BY e.id`

	cypherAllRelationships = `
MATCH (a:Entity)-[r]->(b:Entity)
RETURN r {.*, type: type(r), from: a.id, to: b.id} AS rel
ORDER BY r.id`

	// relFilter keeps relationships of the asked types that hold at the
	// asked period ($asOfFirst..$asOfLast as YYYYMMDD integers; 0 for no
	// date); stored bounds are validFromFirst and validToLast.
	relFilter = `(size($types) = 0 OR type(r) IN $types)
  AND ($asOfFirst = 0 OR r.validFromFirst IS NULL OR r.validFromFirst <= $asOfLast)
  AND ($asOfFirst = 0 OR r.validToLast IS NULL OR r.validToLast >= $asOfFirst)`

	// cypherRelationshipsOf pages the filtered relationships of many
	// entities at once; %s is the direction pattern from relPatterns. Only
	// the page is projected to maps: a hub's other relationships are counted
	// and skipped, not copied.
	cypherRelationshipsOf = `
UNWIND range(0, size($ids) - 1) AS i
CALL (i) {
  OPTIONAL MATCH (e:Entity {id: $ids[i]})%s(o:Entity)
  WHERE r IS NOT NULL AND ` + relFilter + `
  WITH DISTINCT r, e, o
  ORDER BY r.id
  WITH e, [x IN collect([r, o]) WHERE x[0] IS NOT NULL] AS rows
  WITH e, size(rows) AS total, [x IN rows WHERE x[0].id > $after][0..$limit] AS rows
  CALL (e, rows) {
    UNWIND rows AS x
    WITH e, x[0] AS r, x[1] AS o
    RETURN collect(CASE WHEN startNode(r) = e THEN r {.*, type: type(r), from: e.id, to: o.id}
                        ELSE r {.*, type: type(r), from: o.id, to: e.id} END) AS page
  }
  RETURN total, page
}
RETURN i, total, page
ORDER BY i`

	// cypherReadEntity reads an entity with, when $page, one page of its
	// relationships (as cypherRelationshipsOf pages them; the first %s is
	// the direction pattern), when $ends their other ends (projected with
	// the second, entityFields), and when $sources
	// the sources the entity and the page cite (not those only its figures
	// cite, which are in their JSON: a loader reads those): what one
	// GraphQL request reads of an entity, in one statement. No record: no
	// such entity.
	cypherReadEntity = `
MATCH (e:Entity {id: $id})
CALL (e) {
  OPTIONAL MATCH (e)%s(o:Entity)
  WHERE $page AND r IS NOT NULL AND ` + relFilter + `
  WITH DISTINCT r, o
  ORDER BY r.id
  WITH [x IN collect([r, o]) WHERE x[0] IS NOT NULL] AS rows
  RETURN size(rows) AS total, [x IN rows WHERE x[0].id > $after][0..$limit] AS rows
}
CALL (e, rows) {
  UNWIND rows AS x
  WITH e, x[0] AS r, x[1] AS o
  RETURN collect(CASE WHEN startNode(r) = e THEN r {.*, type: type(r), from: e.id, to: o.id}
                      ELSE r {.*, type: type(r), from: o.id, to: e.id} END) AS page
}
CALL (e, rows) {
  UNWIND CASE WHEN $ends THEN rows ELSE [] END AS x
  WITH DISTINCT x[1] AS o
  RETURN collect(o {%s}) AS ends
}
CALL (e, rows) {
  UNWIND CASE WHEN $sources THEN e.citationSources +
    reduce(ids = [], x IN rows | ids + x[0].citationSources) ELSE [] END AS sid
  WITH DISTINCT sid
  MATCH (s:Source {id: sid})
  RETURN collect(s {.*}) AS sources
}
RETURN e {.*} AS entity, total, page, ends, sources`

	// cypherNeighbors takes one breadth-first step from the frontier $ids:
	// the smallest $room ids not yet $seen. Only what the limit can keep
	// (and one more, to tell a cut) leaves the server, not a hub's every
	// neighbour.
	cypherNeighbors = `
UNWIND $ids AS id
MATCH (e:Entity {id: id})%s(o:Entity)
WHERE ` + relFilter + ` AND NOT o.id IN $seen
WITH DISTINCT o.id AS id
ORDER BY id
LIMIT $room
RETURN id`

	// cypherFirstNeighbors is cypherNeighbors's first step, from the
	// centre $id, which it finds: no record when no entity has the id.
	cypherFirstNeighbors = `
MATCH (c:Entity {id: $id})
CALL (c) {
  OPTIONAL MATCH (c)%s(o:Entity)
  WHERE ` + relFilter + ` AND o <> c
  WITH DISTINCT o.id AS id
  ORDER BY id
  LIMIT $room
  RETURN collect(id) AS ids
}
RETURN ids`

	// cypherSubgraph reads the kept entities of a neighbourhood and the
	// relationships among them, in one statement; subgraphCypher fills in
	// their projections.
	cypherSubgraph = `
CALL () {
  UNWIND $ids AS id
  MATCH (e:Entity {id: id})
  RETURN collect(e {%[1]s}) AS entities
}
CALL () {
  MATCH (a:Entity)-[r]->(b:Entity)
  WHERE a.id IN $ids AND b.id IN $ids AND ` + relFilter + `
  WITH a, r, b
  ORDER BY r.id
  RETURN collect(r {%[2]stype: type(r), from: a.id, to: b.id}) AS rels
}
RETURN entities, rels`

	// cypherNeighborhoodOne is a neighbourhood of depth 1 in one statement,
	// where Neighborhood otherwise finds the ids first and then reads them
	// and their relationships: the centre $id and its $room - 1 smallest
	// neighbours by id (one more is asked, to tell a cut), their entities and
	// the relationships among them, as cypherFirstNeighbors and
	// cypherSubgraph give them. No record when no entity has the id; %[1]s
	// is the direction pattern, %[2]s and %[3]s the projections.
	cypherNeighborhoodOne = `
MATCH (c:Entity {id: $id})
CALL (c) {
  OPTIONAL MATCH (c)%[1]s(o:Entity)
  WHERE ` + relFilter + ` AND o <> c
  WITH DISTINCT o
  ORDER BY o.id
  LIMIT $room
  RETURN collect(o) AS around
}
WITH [c] + around[0..$room - 1] AS kept, size(around) = $room AS truncated
CALL (kept) {
  UNWIND kept AS a
  MATCH (a)-[r]->(b:Entity)
  WHERE b IN kept AND ` + relFilter + `
  WITH a, r, b
  ORDER BY r.id
  RETURN collect(r {%[3]stype: type(r), from: a.id, to: b.id}) AS rels
}
RETURN [e IN kept | e {%[2]s}] AS entities, rels, truncated`

	// cypherNeighborBeyond tells whether one step from the frontier $ids
	// reaches an entity not yet $seen: once the limit is full, that is all
	// a farther level can change (truncated). It stops at the first.
	cypherNeighborBeyond = `
UNWIND $ids AS id
MATCH (e:Entity {id: id})%s(o:Entity)
WHERE ` + relFilter + ` AND NOT o.id IN $seen
RETURN o.id AS id
LIMIT 1`

	cypherEntityExists = `
MATCH (e:Entity {id: $id})
RETURN count(e) > 0 AS found`

	// cypherSearchFulltext finds candidates through the full-text index:
	// every word of the text must start a word of a name, alias or id.
	cypherSearchFulltext = `
CALL db.index.fulltext.queryNodes('entity_search', $lucene) YIELD node
WHERE size($kinds) = 0 OR node.kind IN $kinds
RETURN node {.*} AS entity`

	// cypherSearchScan finds candidates when the text has no words to look
	// up (only punctuation, say): names and aliases that start with it.
	cypherSearchScan = `
MATCH (e:Entity)
WHERE (size($kinds) = 0 OR e.kind IN $kinds) AND any(n IN e.searchNames WHERE n STARTS WITH $folded)
RETURN e {.*} AS entity`

	cypherMergeSources = `
UNWIND $rows AS row
MERGE (s:Source {id: row.id})
SET s = row`

	// cypherMergeEntities is formatted with one kind label.
	cypherMergeEntities = `
UNWIND $rows AS row
MERGE (e:Entity {id: row.id})
SET e = row
REMOVE e` + "%s" + `
SET e:%s`

	// cypherCreateRelationships is formatted with one relationship type: it
	// creates relationships Plan found free (no live or retracted one has
	// their id). It counts what it wrote, so that an end it could not find
	// fails the write instead of dropping a row.
	cypherCreateRelationships = `
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
CREATE (a)-[r:%s]->(b)
SET r = row.props
RETURN count(r) AS written`

	// cypherUpdateRelationships is formatted with one relationship type: it
	// replaces the properties of relationships that keep their type and
	// ends, found through the type's id constraint.
	cypherUpdateRelationships = `
UNWIND $rows AS row
MATCH ()-[r:%s {id: row.id}]->()
SET r = row.props
RETURN count(r) AS written`
)

// The write transaction of Apply: lock the graph's revision, read what the
// change set names (the ById statements), then write what Plan decided.
const (
	// cypherLockGraph takes the write lock on the graph's one GraphState
	// node, creating it at revision 0 on the first write, and reads the
	// revision under the lock: setting a property locks the node until the
	// transaction ends, so concurrent writers queue here and each reads the
	// revision the one before it committed (the pattern against lost
	// updates in the Operations Manual's "Concurrent data access"). The
	// uniqueness constraint on GraphState.id makes the MERGE safe when two
	// first writes race.
	cypherLockGraph = `
MERGE (g:GraphState {id: 'graph'})
ON CREATE SET g.revision = 0
SET g.writeLock = true
REMOVE g.writeLock
RETURN g.revision AS revision`

	// cypherDeleteRelationships removes live relationships by id: those a
	// change retracts, and those it replaces with another type or other
	// ends (recreated by cypherCreateRelationships).
	cypherDeleteRelationships = `
UNWIND $rows AS row
CALL db.index.fulltext.queryRelationships('relationship_id', row.lucene) YIELD relationship AS r
WITH row, r WHERE r.id = row.id
DELETE r
RETURN count(*) AS deleted`

	// cypherRetractRelationships keeps each retracted relationship as a
	// node of its own, apart from the graph: no read query matches it, and
	// RelationshipsByIDs finds it by id with who retracted it.
	cypherRetractRelationships = `
UNWIND $rows AS row
CREATE (x:RetractedRelationship)
SET x = row`

	// cypherRecordChange moves the graph to the change's revision and
	// records the change, in the transaction that writes it; it counts the
	// change recorded, none if the graph's state went missing (a Reset
	// racing the write).
	cypherRecordChange = `
MATCH (g:GraphState {id: 'graph'})
SET g.revision = $revision
CREATE (c:Change {revision: $revision, at: $at, actor: $actor, reason: $reason, payload: $payload})
RETURN count(c) AS recorded`

	// cypherChanges reads the recorded changes after a revision, up to the
	// revision read at the start of the same transaction.
	cypherChanges = `
MATCH (c:Change)
WHERE c.revision > $after AND c.revision <= $upto
RETURN c.revision AS revision, c.payload AS payload
ORDER BY c.revision
LIMIT $limit`
)

// The API keys: one node each, found by name or by the hash of its secret.
const (
	// cypherAddKey creates a key unless one has its name; the uniqueness
	// constraints on name and hash refuse a twin created concurrently.
	cypherAddKey = `
OPTIONAL MATCH (k:APIKey {name: $props.name})
WITH k WHERE k IS NULL
CREATE (n:APIKey)
SET n = $props
RETURN count(n) AS created`

	cypherKeyByHash = `
MATCH (k:APIKey {hash: $hash})
RETURN k {.*} AS key`

	cypherKeys = `
MATCH (k:APIKey)
RETURN k {.*} AS key
ORDER BY k.name`

	// cypherRevokeKey sets the revocation time once: revoking again keeps
	// the first.
	cypherRevokeKey = `
MATCH (k:APIKey {name: $name})
SET k.revoked = coalesce(k.revoked, $at)
RETURN count(k) AS found`
)

// The paths between two entities, in one statement: SHORTEST k (k =
// first) finds how many lengths the first k simple paths take, SHORTEST g
// GROUPS then gives every simple path of those g lengths (the last length
// whole, for the tie-break), and the statement orders them as SortPaths
// does, keeps the first k, and returns them with their entities and
// relationships, whole or in brief. No longer group is read, and no path
// past the first k leaves the server. SHORTEST takes its counts and Cypher
// its quantifier bounds only as literals, so the statement is formatted
// with validated integers (paths asked, the maximum length), one branch per
// possible number of groups and the projections of entityFields and
// relationshipFields, never with text from a request.
const (
	// simplePath keeps paths that visit no entity twice; inside a
	// SHORTEST pattern it is a predicate of the search, not a filter of
	// what it found.
	simplePath = `all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])`
	pathHops   = `(a)-[r WHERE ` + relFilter + `]-{1,%[2]d}(b)`

	cypherPaths = `
OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
CALL (a, b) {
  OPTIONAL MATCH p = SHORTEST %[1]d ` + pathHops + `
  WHERE $search AND ` + simplePath + `
  RETURN count(DISTINCT length(p)) AS groups
}
CALL (a, b, groups) {
  CALL (a, b, groups) {
%[3]s
  }
  WITH p ORDER BY length(p), [x IN relationships(p) | x.id]
  RETURN count(p) AS explored, collect(p)[0..$first] AS kept
}
RETURN a {%[4]s} AS from, b {%[4]s} AS to, explored,
  [p IN kept | {nodes: [n IN nodes(p) | n {%[4]s}],
                rels: [x IN relationships(p) | x {%[5]stype: type(x), from: startNode(x).id, to: endNode(x).id}]}] AS paths`

	// cypherPathGroups is one branch of cypherPaths: the simple paths of
	// the %[4]d shortest lengths, when that is how many groups it needs.
	cypherPathGroups = `    UNWIND CASE WHEN groups = %[4]d THEN [1] ELSE [] END AS branch
    MATCH p = SHORTEST %[4]d GROUPS ` + pathHops + `
    WHERE ` + simplePath + `
    RETURN p`
)

// pathsCypher formats cypherPaths for first paths of up to maxLength hops,
// their entities and relationships whole or as brief asks.
func pathsCypher(first, maxLength int, brief domain.Brief) string {
	branches := make([]string, 0, min(first, maxLength))
	for g := 1; g <= min(first, maxLength); g++ {
		branches = append(branches, fmt.Sprintf(cypherPathGroups, first, maxLength, "", g))
	}
	return fmt.Sprintf(cypherPaths, first, maxLength, strings.Join(branches, "\n    UNION ALL\n"),
		entityFields(brief.Entities), relationshipFields(brief.Relationships))
}

// neighborhoodOneCypher formats cypherNeighborhoodOne for the direction
// pattern and the projections brief asks for.
func neighborhoodOneCypher(pattern string, brief domain.Brief) string {
	return fmt.Sprintf(cypherNeighborhoodOne, pattern, entityFields(brief.Entities), relationshipFields(brief.Relationships))
}

// readEntityCypher formats cypherReadEntity for the direction pattern,
// its ends whole or in brief.
func readEntityCypher(pattern string, briefEnds bool) string {
	return fmt.Sprintf(cypherReadEntity, pattern, entityFields(briefEnds))
}

// subgraphCypher formats cypherSubgraph: the kept entities and the
// relationships among them, whole or as brief asks.
func subgraphCypher(brief domain.Brief) string {
	return fmt.Sprintf(cypherSubgraph, entityFields(brief.Entities), relationshipFields(brief.Relationships))
}

// entityFields is the map projection of an entity node: every property,
// or in brief only those domain.BriefEntity keeps (scanEntity reads either).
func entityFields(brief bool) string {
	if brief {
		return ".id, .kind, .name"
	}
	return ".*"
}

// relationshipFields opens the map projection of a relationship: every
// property, or in brief only the id (its type and ends follow in the
// statement), as domain.BriefRelationship keeps (scanRelationship reads
// either).
func relationshipFields(brief bool) string {
	if brief {
		return ".id, "
	}
	return ".*, "
}

// relPatterns are the match patterns for each direction, seen from e.
var relPatterns = map[domain.Direction]string{
	domain.DirectionOut:  "-[r]->",
	domain.DirectionIn:   "<-[r]-",
	domain.DirectionBoth: "-[r]-",
}

// cypherRelationshipsByIDs finds relationships by id whatever their type:
// live ones through the relationship_id full-text index ($queries holds
// each id as a Lucene term query), retracted ones by their node's id.
const cypherRelationshipsByIDs = `
UNWIND $queries AS q
CALL (q) {
  CALL db.index.fulltext.queryRelationships('relationship_id', q.lucene) YIELD relationship AS r
  WITH q, r WHERE r.id = q.id
  MATCH (a:Entity)-[r]->(b:Entity)
  RETURN r {.*, type: type(r), from: a.id, to: b.id} AS rel
  UNION ALL
  MATCH (x:RetractedRelationship {id: q.id})
  RETURN x {.*} AS rel
}
RETURN rel`

// cypherRelationshipIndexTypes reads which relationship types the
// relationship_id index covers, to rebuild it when the schema's list grows.
const cypherRelationshipIndexTypes = `
SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes
WHERE name = 'relationship_id'
RETURN labelsOrTypes`

const cypherDropRelationshipIndex = `DROP INDEX relationship_id IF EXISTS`

// cypherSearchIndexes counts the full-text indexes reads depend on (2 when
// the schema is in place).
const cypherSearchIndexes = `
SHOW FULLTEXT INDEXES YIELD name, state
WHERE name IN ['entity_search', 'relationship_id'] AND state = 'ONLINE'
RETURN count(*) AS n`

// relationshipIndex creates the full-text index over the id of every
// relationship type: Neo4j has no property index across types, and this
// one finds a relationship by id without knowing its type. The keyword
// analyzer keeps each id one term.
var relationshipIndex = func() string {
	types := make([]string, len(domain.RelationTypes))
	for i, t := range domain.RelationTypes {
		types[i] = string(t)
	}
	return "CREATE FULLTEXT INDEX relationship_id IF NOT EXISTS FOR ()-[r:" + strings.Join(types, "|") +
		"]-() ON EACH [r.id] OPTIONS {indexConfig: {`fulltext.analyzer`: 'keyword'}}"
}()

// luceneTerm quotes an id as an exact Lucene phrase for the keyword
// analyzer: every character Lucene's query syntax gives meaning to is
// escaped, so any id, quotes and all, is looked up as itself.
func luceneTerm(id string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range id {
		if strings.ContainsRune(`\"`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// maxLucenePrefix is the longest prefix, in characters, one search word is
// looked up by. A prefix query is an automaton with a state per byte, and
// Lucene refuses one of a thousand states ("input automaton is too large");
// a longer word only widens the candidates, which domain.RankMatches then
// checks in full.
const maxLucenePrefix = 64

// luceneSearch is the full-text query for a search's folded words: each
// distinct word once, cut to maxLucenePrefix characters, as a required
// prefix clause, and at most domain.MaxSearchWords of them (Lucene allows
// 1,024 clauses). Words are letters and digits only (domain.Tokens), and
// folded to lower case, so none holds Lucene syntax or an AND, OR or NOT:
// no text a user sends can make this query fail.
func luceneSearch(words []string) string {
	seen := map[string]bool{}
	clauses := make([]string, 0, min(len(words), domain.MaxSearchWords))
	for _, w := range words {
		if len(clauses) == domain.MaxSearchWords {
			break
		}
		if r := []rune(w); len(r) > maxLucenePrefix {
			w = string(r[:maxLucenePrefix])
		}
		if w == "" || seen[w] {
			continue
		}
		seen[w] = true
		clauses = append(clauses, "+"+w+"*")
	}
	return strings.Join(clauses, " ")
}

// schemaStatements are the constraints and indexes, applied idempotently:
// the fixed ones from schema.cypher, then one id constraint per
// relationship type.
func schemaStatements(fixed string) []string {
	var out []string
	for _, stmt := range strings.Split(fixed, ";") {
		lines := []string{}
		for _, line := range strings.Split(stmt, "\n") {
			if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "//") {
				lines = append(lines, line)
			}
		}
		if len(lines) > 0 {
			out = append(out, strings.Join(lines, "\n"))
		}
	}
	for _, t := range domain.RelationTypes {
		out = append(out, fmt.Sprintf("CREATE CONSTRAINT rel_%s_id IF NOT EXISTS FOR ()-[r:%s]-() REQUIRE r.id IS UNIQUE", strings.ToLower(string(t)), t))
	}
	return append(out, relationshipIndex)
}
