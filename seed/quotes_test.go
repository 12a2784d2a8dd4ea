package seed_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/seed"
)

// Every document is quoted in whole sentences: each quote begins where a
// sentence of the document, read in reading order, begins and ends where
// one ends, so it carries the sentence's hedges, dates and actors. A line of
// a single-column capture is a paragraph, a heading, a bullet or a table
// row, so its ends are boundaries too; in a two-column capture a line is
// only a line of a column, and its headings and page furniture are listed
// here.
var headings = map[string][]string{
	"003_b3f11462324cbeb8.txt": {
		"Updated January 17, 2020", "Conflict in Mali", "Figure 1. Mali at a Glance",
		"Background: Mali’s 2011-2013 Crisis", "A Stalled Peace Accord", "U.N. Peacekeeping Operation",
		"U.S. Policy and Aid", "Islamist Insurgency", "Alexis Arieff, Specialist in African Affairs",
	},
}

// fragments are the quotes allowed to be less than a sentence (a whole
// clause at least), each with the reason. There are none: a claim that
// needs only part of a sentence quotes the sentence.
var fragments = map[string]string{}

// A sentence begins after the end of one, a run-in label ("Overview:") or a
// bullet, and ends at its full stop, question or exclamation mark, or at a
// colon that introduces a list ("population centers:").
const (
	opensAfter = ".?!:•"
	closesWith = ".?!:"
)

// boundaryText normalizes as the quote check does, except that a dash stays
// a dash (it ends a clause; a hyphen does not).
var boundaryText = strings.NewReplacer("\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`, "\u2013", "—", "\u00a0", " ", `\$`, "$")

func squash(s string) string { return strings.Join(strings.Fields(boundaryText.Replace(s)), " ") }

// unitText is a document's text, squashed, with the offsets where a unit
// (a line that stands alone: a paragraph, heading, bullet or table row)
// starts and ends.
type unitText struct {
	text         string
	starts, ends map[int]bool
}

func readUnits(t *testing.T, document string) unitText {
	t.Helper()
	raw, err := seed.Text(seed.Documents(), document)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fs.Stat(seed.Documents(), strings.TrimSuffix(document, ".txt")+".columns")
	columns := err == nil
	u := unitText{starts: map[int]bool{}, ends: map[int]bool{}}
	var b strings.Builder
	found := map[string]bool{}
	for _, line := range strings.Split(raw, "\n") {
		l := squash(line)
		if l == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		start := b.Len()
		b.WriteString(l)
		unit := !columns
		for _, h := range headings[document] {
			if l == squash(h) {
				unit, found[h] = true, true
			}
		}
		if unit {
			u.starts[start], u.ends[b.Len()] = true, true
			u.starts[b.Len()+1], u.ends[start-1] = true, true // the text after and before it
		}
	}
	for _, h := range headings[document] {
		if !found[h] {
			t.Errorf("%s: heading %q is not a line of the document", document, h)
		}
	}
	u.text = b.String()
	return u
}

func TestQuotesAreWholeSentences(t *testing.T) {
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]unitText{}
	for _, src := range s.Graph.Sources {
		docs[src.ID] = readUnits(t, src.Document)
	}
	seen := map[string]int{}
	for what, c := range citations(s.Graph) {
		u, ok := docs[c.SourceID]
		if !ok {
			t.Fatalf("%s cites an unknown source %q", what, c.SourceID)
		}
		seen[c.SourceID]++
		if _, ok := fragments[c.Quote]; ok {
			continue
		}
		q := squash(c.Quote)
		if !strings.Contains(u.text, q) {
			t.Errorf("%s: quote not in %s read in reading order (is a dash written as a hyphen?): %q", what, c.SourceID, c.Quote)
			continue
		}
		if !occursWhole(u, q) {
			t.Errorf("%s: quote is not a whole sentence of %s: %q", what, c.SourceID, c.Quote)
		}
	}
	for _, src := range s.Graph.Sources {
		if seen[src.ID] == 0 {
			t.Errorf("no quote of %s: the test proves nothing for it", src.ID)
		}
	}
	for q, why := range fragments {
		if why == "" {
			t.Errorf("exception %q gives no reason", q)
		}
	}
}

// occursWhole reports whether q occurs in u at a boundary at both ends.
func occursWhole(u unitText, q string) bool {
	for i := 0; ; {
		j := strings.Index(u.text[i:], q)
		if j < 0 {
			return false
		}
		if at := i + j; opens(u, at) && closes(u, q, at+len(q)) {
			return true
		}
		i += j + 1
	}
}

func opens(u unitText, i int) bool {
	before := strings.TrimRight(u.text[:i], " ")
	if before == "" || u.starts[i] {
		return true
	}
	r, n := utf8.DecodeLastRuneInString(before)
	if r == '"' || r == '\'' { // a quotation closed after its sentence's punctuation
		r, _ = utf8.DecodeLastRuneInString(before[:len(before)-n])
	}
	return strings.ContainsRune(opensAfter, r)
}

func closes(u unitText, q string, j int) bool {
	if j == len(u.text) || u.ends[j] {
		return true
	}
	last, n := utf8.DecodeLastRuneInString(q)
	if last == '"' || last == '\'' { // a quotation closed after its sentence's punctuation
		last, _ = utf8.DecodeLastRuneInString(q[:len(q)-n])
	}
	return strings.ContainsRune(closesWith, last)
}

// citations lists every citation of the graph, named for messages.
func citations(g *domain.Graph) map[string]domain.Citation {
	out := map[string]domain.Citation{}
	add := func(what string, cs []domain.Citation) {
		for i, c := range cs {
			out[fmt.Sprintf("%s citation %d", what, i)] = c
		}
	}
	for _, e := range g.Entities {
		add("entity "+e.ID, e.Citations)
		for _, f := range e.Figures {
			add("entity "+e.ID+" figure "+f.Measure, f.Citations)
		}
	}
	for _, r := range g.Relationships {
		add("relationship "+r.ID, r.Citations)
	}
	return out
}
