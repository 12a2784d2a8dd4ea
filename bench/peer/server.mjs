// @neo4j/graphql 7 with Apollo Server 5 over the graph conflictgraph
// stores in Neo4j, for `make bench-compare`: the peer the comparison
// measures this server against. NEO4J_URI names the database (no
// authentication, as scripts/neo4j starts it); PORT the port to listen on,
// on loopback.
import { readFile } from "node:fs/promises";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const uri = process.env.NEO4J_URI;
if (!uri) {
  console.error("NEO4J_URI is not set");
  process.exit(2);
}
const port = Number(process.env.PORT || 4000);
const typeDefs = await readFile(new URL("./typeDefs.graphql", import.meta.url), "utf8");
const driver = neo4j.driver(uri, neo4j.auth.basic("neo4j", "neo4j"), { disableLosslessIntegers: true });
const neoSchema = new Neo4jGraphQL({ typeDefs, driver });
const server = new ApolloServer({ schema: await neoSchema.getSchema() });
const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port } });
console.log(`peer listening at ${url}`);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await server.stop();
    await driver.close();
    process.exit(0);
  });
}
