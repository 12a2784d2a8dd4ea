package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/neo4jstore"
	"github.com/conflictgraph/conflictgraph/seed"
)

// neo4jFlags are the connection settings every Neo4j command takes, from
// flags or the standard NEO4J_* variables. The password comes only from the
// environment, so it never shows in a process list.
type neo4jFlags struct {
	uri, user, database string
	password            string
}

func (n *neo4jFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&n.uri, "neo4j-uri", getenv("NEO4J_URI"), "Neo4j `URI`: bolt://HOST:PORT, neo4j://HOST:PORT for a cluster, neo4j+s://... for Aura ($NEO4J_URI)")
	fs.StringVar(&n.user, "neo4j-user", getenv("NEO4J_USER"), "Neo4j user; empty for no authentication ($NEO4J_USER; the password is read from $NEO4J_PASSWORD)")
	fs.StringVar(&n.database, "neo4j-database", getenv("NEO4J_DATABASE"), "Neo4j database; empty for the server's default ($NEO4J_DATABASE)")
	n.password = getenv("NEO4J_PASSWORD")
}

func (n *neo4jFlags) open(cfg neo4jstore.Config) (*neo4jstore.Store, error) {
	if n.uri == "" {
		return nil, usageError{msg: "the neo4j backend needs --neo4j-uri or NEO4J_URI (e.g. bolt://localhost:7687; `make neo4j` starts one)"}
	}
	cfg.URI, cfg.User, cfg.Password, cfg.Database = n.uri, n.user, n.password, n.database
	st, err := neo4jstore.New(cfg)
	if errors.Is(err, domain.ErrInvalid) {
		return nil, usageError{msg: err.Error()}
	}
	return st, err
}

// openNeo4j starts the Neo4j backend for serve without waiting for Neo4j:
// the server comes up and reports not ready until Neo4j answers, has its
// schema and holds a graph (Store.Ready), and the store applies the schema
// in the background as soon as Neo4j answers, again after each outage, and
// whenever a query or a readiness check finds it missing. Its API keys live
// in the same database.
func openNeo4j(_ context.Context, n neo4jFlags, log *slog.Logger) (*backend, error) {
	st, err := n.open(neo4jstore.Config{ManageSchema: true, Logger: log})
	if err != nil {
		return nil, err
	}
	log.Info("neo4j backend", "uri", n.uri, "database", n.database)
	return &backend{store: st, ready: st.Ready, keys: st}, nil
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	var n neo4jFlags
	fs := newFlags("migrate", "migrate [flags]",
		"Apply the Neo4j schema: uniqueness constraints on ids, lookup indexes and the full-text\n"+
			"indexes search uses. Every statement is idempotent; serve applies them too.")
	n.register(fs, getenv)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	st, err := n.open(neo4jstore.Config{})
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))
	start := time.Now()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema applied to %s in %s\n", n.uri, time.Since(start).Round(time.Millisecond))
	return nil
}

// loadSeed writes the seed graph into Neo4j through the store's write door
// (domain.LoadGraph), as one change set by the actor "seed": the graph is
// revision 1, written whole or not at all. Running it again changes nothing
// and records no revision.
func loadSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var n neo4jFlags
	fs := newFlags("seed", "seed [--reset] [flags]\n       conflictgraph seed validate [--data DIR] [--docs DIR]",
		"Load the seed graph built into the binary into Neo4j as one change set (revision 1), merging\n"+
			"by id: running it twice changes nothing and records no revision. \"seed validate\" checks the seed files and their quotes instead\n"+
			"(conflictgraph seed validate -h).")
	n.register(fs, getenv)
	reset := fs.Bool("reset", false, "delete everything in the database (graph, history and API keys) before loading")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := seed.Default()
	if err != nil {
		return fmt.Errorf("load seed %s: %w", seed.DataRoot, err)
	}
	st, err := n.open(neo4jstore.Config{})
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))
	start := time.Now()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	if *reset {
		if err := st.Reset(ctx); err != nil {
			return fmt.Errorf("reset: %w", err)
		}
		fmt.Fprintln(stdout, "database emptied")
	}
	before, err := st.Revision(ctx)
	if err != nil {
		return err
	}
	total := len(s.Graph.Sources) + len(s.Graph.Entities) + len(s.Graph.Relationships)
	bar := newProgress(stderr, "seed", "elements", int64(total), false)
	rev, err := domain.LoadGraph(ctx, st, s.Graph, domain.LoadOptions{Actor: "seed", Reason: "the seed graph",
		Progress: func(done, total int) { bar.update(done, int64(done)) }})
	bar.finish()
	if err != nil {
		return err
	}
	outcome := fmt.Sprintf("revision %d", rev)
	if rev == before {
		outcome = fmt.Sprintf("unchanged at revision %d", rev)
	}
	fmt.Fprintf(stdout, "seeded %s: %d sources, %d entities, %d relationships, %s, in %s\n", n.uri,
		len(s.Graph.Sources), len(s.Graph.Entities), len(s.Graph.Relationships), outcome, time.Since(start).Round(time.Millisecond))
	return nil
}
