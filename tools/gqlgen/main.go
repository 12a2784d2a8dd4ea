// Command gqlgen regenerates the GraphQL code (graph/generated.go, the
// models, the resolver stubs) from gqlgen.yml, as `gqlgen generate` does,
// with these changes to what it generates: the fields of an object are
// resolved one after another, not each in a goroutine of its own, and so
// are the elements of a list until one waits for a fetch; an object makes
// no group for deferred fields it cannot have (noDeferredGroups); a plain
// scalar field is marshalled without the machinery of a resolver
// (plainScalars); an object is written without gqlgen's field set
// (orderedObjects); and an object's fields are collected once per parsed
// document, not once per request (documentFieldsOnce).
//
// gqlgen runs every resolver field of an object that takes a context in a
// goroutine (graphql.FieldSet.Dispatch), so that two fields waiting on
// separate fetches wait at once. Here nothing waits: the fields either read
// the object they are on, or read an entity or a source from the request's
// loaders, which the resolver above has primed, or which fetch in batches
// gathered across the elements of a list. The one object with two loaded
// fields, Relationship, loads both of its ends when either is asked for
// (graph.endpoint).
//
// gqlgen also starts a goroutine for every element of a list of objects
// (graphql.MarshalSliceConcurrently), so that the elements' loads join one
// batch. Here the list is graph's marshalList, which resolves the elements
// in order and starts the rest on goroutines only when one is about to wait
// for a fetch (loaders.WithWaitHook): the batches stay what they were.
//
// A goroutine, its field context and the growth of its stack cost more
// than most fields: without them the handler answers the bench-compare
// queries 1.1-1.7x as fast (BenchmarkHandler, docs/benchmarks.md).
// Root objects keep gqlgen's behaviour: Query's fields run concurrently,
// Mutation's in order, as the GraphQL specification asks.
//
// Run it with `go generate ./...` (graph/generate.go), from the repository
// root.
package main

import (
	"bytes"
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
	for _, rewrite := range []func(string) error{listsInOrder, noDeferredGroups, plainScalars, orderedObjects, documentFieldsOnce} {
		if err := rewrite(cfg.Exec.Filename); err != nil {
			fmt.Fprintln(os.Stderr, "gqlgen:", err)
			os.Exit(1)
		}
	}
}

// sliceMarshaller is the call gqlgen writes to marshal a list of objects,
// and listMarshaller the function of the graph package that replaces it,
// with the same arguments.
const (
	sliceMarshaller = "graphql.MarshalSliceConcurrently("
	listMarshaller  = "marshalList("
)

// listsInOrder makes the executable schema in file marshal its lists of
// objects with graph's marshalList, which resolves their elements in order
// until one waits for a fetch, where gqlgen starts a goroutine for each.
// No setting or plugin reaches that call: it is written by gqlgen's
// templates as it is. If gqlgen stops writing it, regenerating fails here,
// so that the change is seen.
func listsInOrder(file string) error {
	return replaceAll(file, sliceMarshaller, listMarshaller, "lists", "")
}

// replaceAll replaces every old in file with new, failing with a message
// naming what (how gqlgen writes it changed) when there is no old, or when
// the file holds refuse (a use the replacement would be wrong for).
func replaceAll(file, old, new, what, refuse string) error {
	code, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if refuse != "" && bytes.Contains(code, []byte(refuse)) {
		return fmt.Errorf("%s: %q is there: %s can no longer be replaced with %q; see tools/gqlgen", file, refuse, what, new)
	}
	if !bytes.Contains(code, []byte(old)) {
		return fmt.Errorf("%s: no %q to replace with %q: gqlgen writes %s differently now; see tools/gqlgen", file, old, new, what)
	}
	code = bytes.ReplaceAll(code, []byte(old), []byte(new))
	return os.WriteFile(file, code, 0o644)
}

// newDeferredGroup is the group gqlgen makes for every object it marshals,
// to gather the object's @defer'red fields; emptyDeferredGroup replaces it;
// deferredGroupUse is how a field would add to the group.
const (
	newDeferredGroup   = "deferred := graphql.NewDeferredGroup(ctx)"
	emptyDeferredGroup = "var deferred graphql.DeferredGroup"
	deferredGroupUse   = "&deferred"
)

// noDeferredGroups makes the executable schema in file give each object an
// empty deferred group where gqlgen makes one with the object's path, a
// field set and a map. Only a field resolved concurrently can be deferred
// (graphql.FieldSet.ResolveConcurrently takes the group), and
// sequentialFields leaves none but the roots', whose concurrent fields do
// not take it: no group is ever added to, and computing the path of every
// object for it took 8% of the handler's time on a large answer. If gqlgen
// starts passing the group elsewhere, regenerating fails here.
func noDeferredGroups(file string) error {
	return replaceAll(file, newDeferredGroup, emptyDeferredGroup, "deferred groups", deferredGroupUse)
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
