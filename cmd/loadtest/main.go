// Command loadtest puts the conflictgraph API under a realistic mix of
// queries from concurrent clients, on loopback only, for a bounded time and
// number of requests, and reports throughput, latency percentiles, errors
// and the server's memory over time (sampled from its /metrics).
//
//	loadtest -server PATH [-clients 48] [-duration 45s]   start PATH serve on a free loopback port, then stop it
//	loadtest -server PATH -backend neo4j [...]            the same on the Neo4j of NEO4J_URI (seed it first)
//	loadtest -url http://127.0.0.1:8080 [...]             use a server already running on loopback
//	loadtest -mode overload -server PATH [-clients 64]    a cheap query's latency idle, then under the heaviest queries
//	loadtest -mode cache-attack -server PATH              distinct 1 MB documents: the server's memory high-water mark
//
// It exits 1 when any request fails, when the server's memory grows
// steadily, or when the server it started does not stop cleanly; 2 on a
// usage mistake. `make loadtest` builds both programs and runs it; `make
// loadtest-neo4j` does so on a Neo4j it starts and seeds.
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
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
		}
		var u usageError
		if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// run is the whole program, with its surroundings passed in so tests can
// drive it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return err
	}
	base := cfg.url
	var srv *child
	if cfg.server != "" {
		if srv, err = startServer(ctx, cfg.server, cfg.backend, stderr); err != nil {
			return err
		}
		defer srv.stop() // on an early return; stop is idempotent
		base = srv.url
	}
	switch cfg.mode {
	case modeOverload:
		out, err := overload(ctx, cfg, base, stderr)
		if err != nil {
			return err
		}
		return finish(stdout, srv, cfg, out)
	case modeCacheAttack:
		out, err := cacheAttack(ctx, cfg, base, stderr)
		if err != nil {
			return err
		}
		return finish(stdout, srv, cfg, out)
	}
	res, err := loadTest(ctx, cfg, base, stderr)
	if err != nil {
		return err
	}
	if srv != nil {
		if err := srv.stop(); err != nil {
			res.failures = append(res.failures, "the server did not stop cleanly: "+err.Error())
		}
		res.serverErrorLogs = srv.errorLogs()
	}
	return report(stdout, cfg, res)
}
