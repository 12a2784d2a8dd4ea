// Command gqlgen regenerates the GraphQL code (graph/generated.go, the
// models, the resolver stubs) from gqlgen.yml, as `gqlgen generate` does,
// with one change to what it generates: the fields of an object are
// resolved one after another, not each in a goroutine of its own.
//
// gqlgen runs every resolver field of an object that takes a context in a
// goroutine (graphql.FieldSet.Dispatch), so that two fields waiting on
// separate fetches wait at once. Here nothing waits: the fields either read
// the object they are on, or read an entity or a source from the request's
// loaders, which the resolver above has primed, or which fetch in batches
// gathered across the elements of a list (those are still marshalled
// concurrently, by gqlgen). The one object with two loaded fields,
// Relationship, loads both of its ends when either is asked for
// (graph.endpoint). A goroutine, its field context and the growth of its
// stack cost more than the field: without them the handler answers the
// bench-compare queries with lists 15-25% faster (BenchmarkHandler,
// docs/benchmarks.md).
// Root objects keep gqlgen's behaviour: Query's fields run concurrently,
// Mutation's in order, as the GraphQL specification asks.
//
// Run it with `go generate ./...` (graph/generate.go), from the repository
// root.
package main

import (
	"fmt"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

func main() {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gqlgen:", err)
		os.Exit(1)
	}
	if err := api.Generate(cfg, api.AddPlugin(sequentialFields{})); err != nil {
		fmt.Fprintln(os.Stderr, "gqlgen:", err)
		os.Exit(1)
	}
}

// sequentialFields is a gqlgen plugin that marks every object but the
// roots as resolving its fields in order. Plugins see the generator's data
// before the executable schema is written from it.
type sequentialFields struct{}

// Name implements plugin.Plugin.
func (sequentialFields) Name() string { return "sequentialfields" }

// GenerateCode implements plugin.CodeGenerator.
func (sequentialFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if !o.Root {
			o.DisableConcurrency = true
		}
	}
	return nil
}
