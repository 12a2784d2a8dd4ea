package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/conflictgraph/conflictgraph/seed"
)

func validateSeed(args []string, stdout io.Writer) error {
	fs := newFlags("seed validate", "seed validate [--data DIR] [--docs DIR]",
		"Check the seed data: ids, references, dates, amounts, and that every quote occurs in its\n"+
			"source document. Each problem names its file, line and field.")
	data := fs.String("data", "", "`directory` of seed YAML files (default: the files built into the binary, "+seed.DataRoot+")")
	docs := fs.String("docs", "", "`directory` of the source documents the quotes must occur in (default: the documents built into the binary, "+seed.DocsRoot+")")
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
	documents, docsName := seed.Documents(), seed.DocsRoot+" (built in)"
	if *docs != "" {
		documents, docsName = os.DirFS(*docs), *docs
	}
	if err := s.CheckQuotes(documents); err != nil {
		var problems *seed.ValidationError
		if errors.As(err, &problems) {
			return err // each problem names its file and line already
		}
		return fmt.Errorf("check the quotes against %s: %w", docsName, err)
	}
	report(stdout, s, docsName)
	return nil
}

// report prints what the seed holds: the counts a reviewer checks.
func report(w io.Writer, s *seed.Seed, docs string) {
	g := s.Graph
	fmt.Fprintf(w, "seed data is valid: %d sources, %d entities, %d relationships; every quote and alias found in %s\n",
		len(g.Sources), len(g.Entities), len(g.Relationships), docs)
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
