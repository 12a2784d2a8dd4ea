// Command floor is the comparison benchmark's floor: what Neo4j itself needs
// for each answer. It sends each query's one Cypher statement (package
// bench) with neo4j.ExecuteQuery from -clients goroutines for -duration, no
// HTTP and no GraphQL, and prints the answers per second:
//
//	floor -uri bolt://127.0.0.1:7687 -query 0 -clients 32 -duration 10s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/conflictgraph/conflictgraph/bench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run() error {
	uri := flag.String("uri", os.Getenv("NEO4J_URI"), "Neo4j to ask (bolt://host:port)")
	index := flag.Int("query", 0, "which of bench.Queries to send (0-based)")
	clients := flag.Int("clients", 32, "concurrent clients")
	duration := flag.Duration("duration", 10*time.Second, "how long to send")
	flag.Parse()
	if *index < 0 || *index >= len(bench.Queries) {
		return fmt.Errorf("-query %d: there are %d queries", *index, len(bench.Queries))
	}
	if *uri == "" {
		return errors.New("no -uri (or NEO4J_URI)")
	}
	q := bench.Queries[*index]
	ctx := context.Background()
	driver, err := neo4j.NewDriverWithContext(*uri, neo4j.NoAuth(), func(c *neo4j.Config) { c.MaxConnectionPoolSize = *clients })
	if err != nil {
		return err
	}
	defer driver.Close(ctx)
	// One answer first: it must have a record, or the floor measures nothing.
	res, err := neo4j.ExecuteQuery(ctx, driver, q.Cypher, q.Params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		return err
	}
	if len(res.Records) == 0 {
		return fmt.Errorf("%s: the statement returned no record", q.Name)
	}
	var answers atomic.Int64
	var failed atomic.Pointer[error]
	deadline := time.Now().Add(*duration)
	start := time.Now()
	var wg sync.WaitGroup
	for range *clients {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				if _, err := neo4j.ExecuteQuery(ctx, driver, q.Cypher, q.Params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithReadersRouting()); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				answers.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := failed.Load(); err != nil {
		return *err
	}
	fmt.Printf("answers %d seconds %.3f rate %.1f\n", answers.Load(), elapsed.Seconds(), float64(answers.Load())/elapsed.Seconds())
	return nil
}
