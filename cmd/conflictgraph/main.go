// Command conflictgraph serves the conflict graph over GraphQL and manages
// its seed data and its Neo4j database.
//
//	conflictgraph serve [--addr HOST:PORT] [--backend embedded|neo4j] [--data-dir DIR] [--cors-origins LIST]
//	                    [--max-depth N] [--max-complexity N] [--request-timeout D] [--shutdown-timeout D] ...
//	conflictgraph seed validate [--data DIR] [--docs DIR]
//	conflictgraph seed [--reset] [--neo4j-uri URI]
//	conflictgraph migrate [--neo4j-uri URI]
//	conflictgraph keys add --name NAME --role ROLE [--data-dir DIR | --backend neo4j]
//
// Neo4j settings come from --neo4j-* flags or NEO4J_URI, NEO4J_USER,
// NEO4J_PASSWORD and NEO4J_DATABASE.
//
// Every serve flag can also be set from the environment: --max-depth from
// CONFLICTGRAPH_MAX_DEPTH, --addr from CONFLICTGRAPH_ADDR and so on (serve -h
// names each); a flag wins over its variable.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "conflictgraph:", err)
		}
		os.Exit(exitCode(err))
	}
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

const usage = `conflictgraph: a GraphQL knowledge graph of conflict actors and aid

Usage:
  conflictgraph serve [flags]          serve GraphQL at /graphql, the playground at /
  conflictgraph seed validate [flags]  check the seed data and its quotes
  conflictgraph seed [flags]           load the seed graph into Neo4j (idempotent)
  conflictgraph migrate [flags]        apply Neo4j constraints and indexes (idempotent)
  conflictgraph keys add|list|revoke   manage the API keys that authorise writes

Run "conflictgraph serve -h" or "conflictgraph seed validate -h" for flags.
`

// run is the whole program, with its surroundings passed in so tests can
// drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stderr)
	case "seed":
		if len(args) > 1 && args[1] == "validate" {
			return validateSeed(args[2:], stdout, stderr)
		}
		return loadSeed(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout, stderr)
	case "keys":
		return keysCommand(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}
