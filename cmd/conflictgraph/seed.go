package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/conflictgraph/conflictgraph/seed"
)

// defaultDocs is where the seed documents sit in a checkout: shared/ beside
// the repository.
const defaultDocs = "../shared/seeds"

func validateSeed(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "directory of seed YAML files (default: the files built into the binary, seed/data)")
	docs := fs.String("docs", "", "directory of the source documents the quotes must occur in (default "+defaultDocs+"; skipped with a warning when absent)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var s *seed.Seed
	var err error
	if *data == "" {
		s, err = seed.Default()
	} else {
		s, err = seed.Parse(os.DirFS(*data), *data)
	}
	if err != nil {
		return err
	}
	docsDir := *docs
	if docsDir == "" {
		docsDir = defaultDocs
		if _, statErr := os.Stat(docsDir); statErr != nil {
			fmt.Fprintf(stderr, "warning: quotes not checked: no documents at %s (give --docs DIR)\n", docsDir)
			docsDir = ""
		}
	}
	if docsDir != "" {
		if err := s.CheckQuotes(os.DirFS(docsDir)); err != nil {
			return err
		}
	}
	report(stdout, s, docsDir)
	return nil
}

// report prints what the seed holds: the counts a reviewer checks.
func report(w io.Writer, s *seed.Seed, docsDir string) {
	g := s.Graph
	fmt.Fprintf(w, "seed data is valid: %d sources, %d entities, %d relationships", len(g.Sources), len(g.Entities), len(g.Relationships))
	if docsDir != "" {
		fmt.Fprintf(w, "; every quote found in %s", docsDir)
	}
	fmt.Fprintln(w)
	kinds := map[string]int{}
	for _, e := range g.Entities {
		kinds[string(e.Kind)]++
	}
	types := map[string]int{}
	for _, r := range g.Relationships {
		types[string(r.Type)]++
	}
	printCounts(w, "entities by kind", kinds)
	printCounts(w, "relationships by type", types)
	printCounts(w, "citations by source", s.Citations())
	certainty := map[string]int{}
	for _, r := range g.Relationships {
		certainty[string(r.Certainty)]++
	}
	printCounts(w, "relationships by certainty", certainty)
}

func printCounts(w io.Writer, title string, counts map[string]int) {
	fmt.Fprintf(w, "\n%s:\n", title)
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(w, "  %-28s %5d\n", k, counts[k])
	}
}
