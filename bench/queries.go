// Package bench holds the queries of the side-by-side comparison (`make
// bench-compare`, docs/benchmarks.md): the same questions asked of this
// server on the embedded store and on Neo4j, of @neo4j/graphql on the same
// Neo4j (bench/peer), and of Neo4j through the Go driver alone, one
// statement per answer (bench/floor). The Neo4j store's test that counts
// transactions per request asks them too.
package bench

// Query is one row of the comparison.
type Query struct {
	// Name is the row's label in the table.
	Name string
	// GraphQL and Variables are what this server is asked.
	GraphQL   string
	Variables map[string]any
	// Peer and PeerVariables are what @neo4j/graphql is asked for the
	// same answer, with bench/peer's typeDefs; Peer2, when set, is a
	// second request the peer needs for it (the answer is both).
	Peer, Peer2   string
	PeerVariables map[string]any
	// Cypher and Params are the floor: the one statement that gives the
	// answer, run with neo4j.ExecuteQuery.
	Cypher string
	Params map[string]any
}

// entityQuery asks for an entity with a page of its relationships, both
// ends of each, and each citation's quote and source.
const entityQuery = `query A($id: ID!, $first: Int!) {
  entity(id: $id) {
    id name kind
    relationships(first: $first) {
      totalCount
      edges { node {
        id type validFrom certainty
        from { id name } to { id name }
        citations { quote source { id title } }
      } }
    }
  }
}`

// peerEntityQuery is entityQuery in @neo4j/graphql's terms: an entities
// query filtered by id, the links a @cypher field (see bench/peer).
const peerEntityQuery = `query A($id: ID!, $first: Int!) {
  entities(where: { id: { eq: $id } }) {
    id name kind
    linkCount
    links(first: $first) {
      id type validFrom certainty
      from { id name } to { id name }
      citations { quote source { id title } }
    }
  }
}`

// cypherEntity is the floor's statement for entityQuery's answer.
const cypherEntity = `
MATCH (e:Entity {id: $id})
CALL (e) {
  MATCH (e)-[r]-(o:Entity)
  WITH DISTINCT r
  RETURN count(r) AS total
}
CALL (e) {
  MATCH (e)-[r]-(o:Entity)
  WITH DISTINCT r
  ORDER BY r.id
  LIMIT $first
  WITH r, startNode(r) AS a, endNode(r) AS b
  RETURN collect({id: r.id, type: type(r), validFrom: r.validFrom, certainty: r.certainty,
    from: {id: a.id, name: a.name}, to: {id: b.id, name: b.name},
    citations: [i IN range(0, size(r.citationQuotes) - 1) |
      {quote: r.citationQuotes[i], source: COLLECT { MATCH (s:Source {id: r.citationSources[i]}) RETURN {id: s.id, title: s.title} }[0]}]}) AS links
}
RETURN e.id AS id, e.name AS name, e.kind AS kind, total, links`

// Queries are the comparison's rows, in the table's order.
var Queries = []Query{
	{
		Name:    `A: entity(id: "wagner-group") with 20 links, their ends and quotes`,
		GraphQL: entityQuery, Variables: map[string]any{"id": "wagner-group", "first": 20},
		Peer: peerEntityQuery, PeerVariables: map[string]any{"id": "wagner-group", "first": 20},
		Cypher: cypherEntity, Params: map[string]any{"id": "wagner-group", "first": 20},
	},
	{
		Name:    `A: the same for mali, all its links`,
		GraphQL: entityQuery, Variables: map[string]any{"id": "mali", "first": 200},
		Peer: peerEntityQuery, PeerVariables: map[string]any{"id": "mali", "first": 200},
		Cypher: cypherEntity, Params: map[string]any{"id": "mali", "first": 200},
	},
	{
		Name:    `B: search(text: "wagner")`,
		GraphQL: `query B($text: String!) { search(text: $text) { id kind name aliases } }`, Variables: map[string]any{"text": "wagner"},
		Peer:          `query B($text: String!) { search(text: $text) { id kind name aliases } }`,
		PeerVariables: map[string]any{"text": "wagner"},
		Cypher: `
CALL db.index.fulltext.queryNodes('entity_search', $lucene) YIELD node
RETURN node.id AS id, node.kind AS kind, node.name AS name, node.aliases AS aliases
LIMIT 10`,
		Params: map[string]any{"lucene": "+wagner*"},
	},
	{
		Name: `C: neighborhood(id: "mali", depth: 1), ids and links`,
		GraphQL: `query C($id: ID!) { neighborhood(id: $id, depth: 1) {
  truncated nodes { id kind name } relationships { id type from { id } to { id } } } }`,
		Variables: map[string]any{"id": "mali"},
		// The peer has no neighbourhood: the nodes, then the links among them.
		Peer:          `query C($id: ID!) { entities(where: { id: { eq: $id } }) { id kind name neighbours { id kind name } } }`,
		Peer2:         `query C2($id: ID!) { entities(where: { id: { eq: $id } }) { id neighbourhoodLinks { id type from { id } to { id } } } }`,
		PeerVariables: map[string]any{"id": "mali"},
		Cypher: `
MATCH (c:Entity {id: $id})
CALL (c) {
  MATCH (c)-[]-(o:Entity) WHERE o <> c
  WITH DISTINCT o ORDER BY o.id LIMIT 499
  RETURN collect(o) AS around
}
WITH [c] + around AS kept
CALL (kept) {
  UNWIND kept AS a
  MATCH (a)-[r]->(b:Entity) WHERE b IN kept
  WITH r, a, b ORDER BY r.id
  RETURN collect({id: r.id, type: type(r), from: a.id, to: b.id}) AS links
}
RETURN [n IN kept | {id: n.id, kind: n.kind, name: n.name}] AS nodes, links`,
		Params: map[string]any{"id": "mali"},
	},
	{
		Name: `D: paths(wagner-group → 2023 Russia-related sanctions, first: 3)`,
		GraphQL: `query D($from: ID!, $to: ID!) { paths(from: $from, to: $to, first: 3) {
  length nodes { id name } relationships { id type from { id } to { id } } } }`,
		Variables: map[string]any{"from": "wagner-group", "to": "us-russia-related-sanctions-mali-2023"},
		Peer: `query D($from: ID!, $to: ID!) { paths(from: $from, to: $to, first: 3) {
  length nodes { id name } relationships { id type from { id } to { id } } } }`,
		PeerVariables: map[string]any{"from": "wagner-group", "to": "us-russia-related-sanctions-mali-2023"},
		Cypher: `
MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
MATCH p = SHORTEST 2 GROUPS (a)-[]-{1,4}(b)
WHERE all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
WITH p ORDER BY length(p), [x IN relationships(p) | x.id]
LIMIT $first
RETURN length(p) AS length, [n IN nodes(p) | {id: n.id, name: n.name}] AS nodes,
  [x IN relationships(p) | {id: x.id, type: type(x), from: startNode(x).id, to: endNode(x).id}] AS relationships`,
		Params: map[string]any{"from": "wagner-group", "to": "us-russia-related-sanctions-mali-2023", "first": 3},
	},
}
