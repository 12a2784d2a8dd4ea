// Package seed holds the graph's seed data, the YAML files under data/ that
// every claim of the graph comes from, and the code that reads and checks
// them. The same parsed graph feeds the embedded store, the Neo4j loader and
// the tests.
package seed

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
)

//go:embed data
var embedded embed.FS

// The source documents travel with the data, so that every quote can be
// checked wherever the binary runs: the captures and the column layouts of
// the two-column ones (columns.go). docs/README.md is for people.
//
//go:embed docs/*.txt docs/*.columns
var documents embed.FS

// DataRoot is how the embedded seed tree is named in problems: its path in
// the repository.
const DataRoot = "seed/data"

// DocsRoot is how the embedded source documents are named in messages: their
// path in the repository.
const DocsRoot = "seed/docs"

// Files returns the seed files compiled into the binary.
func Files() fs.FS {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}

// Documents returns the plain-text captures of the source documents compiled
// into the binary (seed/docs), by file name, for CheckQuotes.
func Documents() fs.FS {
	sub, err := fs.Sub(documents, "docs")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}

// Default parses and checks the embedded seed graph.
func Default() (*Seed, error) {
	return Parse(Files(), DataRoot)
}

// CheckQuotes verifies that every citation's quote occurs in its source's
// document, found by file name in docs: Documents for the captures built in,
// or a directory of them. Whitespace, typographic quotes and dashes are
// normalized before comparing; nothing else is. A capture with a column
// layout (columns.go) is read in reading order, so a quote must be a run of
// one column's text: a quote that occurs only in the file's raw line order,
// stitched from lines of two columns, is refused and its lines named. It
// also verifies that every alias is a name one of the documents uses. The
// error is a *ValidationError naming the file and line of each quote or
// alias not found.
func (s *Seed) CheckQuotes(docs fs.FS) error {
	type document struct {
		reading normalized  // the text a quote must be in
		raw     *normalized // the file's line order, for a capture with a layout
	}
	texts := map[string]document{}
	var probs problems
	for _, src := range s.Graph.Sources {
		c, err := readCapture(docs, src.Document)
		if err != nil {
			return fmt.Errorf("read document %s of source %s: %w", src.Document, src.ID, err)
		}
		if c.reading == nil {
			texts[src.ID] = document{reading: normalizeLines(c.raw, false)}
			continue
		}
		raw := normalizeLines(c.raw, false)
		texts[src.ID] = document{reading: normalizeLines(c.reading, true), raw: &raw}
	}
	for _, c := range s.cites {
		doc, ok := texts[c.sourceID]
		if !ok {
			continue // an unknown source is reported by Parse
		}
		q := normalizeQuote(c.quote)
		if strings.Contains(doc.reading.text, q) {
			continue
		}
		if doc.raw != nil {
			if i := strings.Index(doc.raw.text, q); i >= 0 && q != "" {
				probs.add(c.file, c.line, c.subject, c.field, "quote is stitched across the columns of %s: it joins %s; quote a sentence as it reads down its column: %q",
					c.sourceID, describeLines(doc.raw.span(i, i+len(q))), c.quote)
				continue
			}
		}
		probs.add(c.file, c.line, c.subject, c.field, "quote not found in %s: %q", c.sourceID, c.quote)
	}
	// An alias is a name a source uses: its words, folded as search folds
	// them ("Goita" for "Goïta", "UN" for "U.N."), must occur in a row in
	// one of the documents, read in reading order. An alias that folds to
	// the name is the name's spelling without diacritics, for readers and
	// exports: the name needs no source.
	var words [][]string
	for _, src := range s.Graph.Sources {
		words = append(words, domain.Tokens(domain.Fold(texts[src.ID].reading.text)))
	}
	for _, a := range s.aliases {
		if domain.Fold(a.alias) == domain.Fold(a.name) {
			continue
		}
		want := domain.Tokens(domain.Fold(a.alias))
		if !slices.ContainsFunc(words, func(doc []string) bool { return containsRun(doc, want) }) {
			probs.add(a.file, a.line, a.subject, a.field, "alias %q occurs in none of the source documents; an alias must be a name a source uses", a.alias)
		}
	}
	return probs.err()
}

// describeLines names the lines a stitched quote joins and their columns:
// "line 174 (left column), line 175 (right column)".
func describeLines(lines []line) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprintf("line %d (%s)", l.n, l.col)
	}
	return strings.Join(parts, ", ")
}

// containsRun reports whether run occurs in words, in order and adjacent.
func containsRun(words, run []string) bool {
	if len(run) == 0 {
		return false
	}
	for i := 0; i+len(run) <= len(words); i++ {
		if slices.Equal(words[i:i+len(run)], run) {
			return true
		}
	}
	return false
}

// Citations returns how many citations the seed cites, by source id.
func (s *Seed) Citations() map[string]int {
	out := map[string]int{}
	for _, c := range s.cites {
		out[c.sourceID]++
	}
	return out
}

var quoteReplacer = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`,
	"\u2013", "-", "\u2014", "-", "\u00a0", " ", "\u00ad", "",
	`\$`, "$", // the captures escape dollar signs
)

// normalizeQuote makes a quote and a document comparable despite line
// breaks and typography.
func normalizeQuote(s string) string {
	return strings.Join(strings.Fields(quoteReplacer.Replace(s)), " ")
}
