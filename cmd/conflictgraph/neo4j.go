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
		return nil, usageError{"the neo4j backend needs --neo4j-uri or NEO4J_URI (e.g. bolt://localhost:7687; `make neo4j` starts one)"}
	}
	cfg.URI, cfg.User, cfg.Password, cfg.Database = n.uri, n.user, n.password, n.database
	st, err := neo4jstore.New(cfg)
	if errors.Is(err, domain.ErrInvalid) {
		return nil, usageError{err.Error()}
	}
	return st, err
}

// openNeo4j starts the Neo4j backend for serve without waiting for Neo4j:
// the server comes up and reports not ready until Neo4j answers, has its
// schema and holds a finished load (Store.Ready), and the store applies the
// schema in the background as soon as Neo4j answers, again after each
// outage, and whenever a query or a readiness check finds it missing.
func openNeo4j(_ context.Context, n neo4jFlags, log *slog.Logger) (domain.Store, func(context.Context) error, error) {
	st, err := n.open(neo4jstore.Config{ManageSchema: true, Logger: log})
	if err != nil {
		return nil, nil, err
	}
	log.Info("neo4j backend", "uri", n.uri, "database", n.database)
	return st, st.Ready, nil
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var n neo4jFlags
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
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

// loadSeed writes the seed graph into Neo4j, merging by id: running it again
// changes nothing.
func loadSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var n neo4jFlags
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n.register(fs, getenv)
	reset := fs.Bool("reset", false, "delete everything in the database before loading")
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
	err = st.LoadWithProgress(ctx, s.Graph, func(what string, done, total int) {
		fmt.Fprintf(stdout, "%-40s %6d/%d\n", what, done, total)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %s: %d sources, %d entities, %d relationships in %s\n", n.uri,
		len(s.Graph.Sources), len(s.Graph.Entities), len(s.Graph.Relationships), time.Since(start).Round(time.Millisecond))
	return nil
}

// parseFlags parses and refuses stray arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s takes no arguments, got %q", fs.Name(), fs.Args())}
	}
	return nil
}
