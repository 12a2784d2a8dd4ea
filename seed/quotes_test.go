package seed_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/seed"
)

// The 2020 brief is quoted in whole sentences or whole clauses: each quote
// begins and ends where a sentence or a clause of the text, read down its
// column, does. Its headings and page furniture end where they end.
var headings2020 = []string{
	"Updated January 17, 2020", "Conflict in Mali", "Figure 1. Mali at a Glance",
	"Background: Mali’s 2011-2013 Crisis", "A Stalled Peace Accord", "U.N. Peacekeeping Operation",
	"U.S. Policy and Aid", "Islamist Insurgency", "Alexis Arieff, Specialist in African Affairs",
}

// fragments2020 are the quotes of the 2020 brief allowed to be less than a
// clause, each with the reason.
var fragments2020 = map[string]string{}

// A quote begins after the end of a sentence or clause, or at an opening
// bracket or dash; it ends at the end of one, or before a closing bracket or
// dash.
const (
	opensAfter = ".;:,?!(—"
	closesAt   = ".;:,?!)—"
)

// boundaryText normalizes as the quote check does, except that a dash stays
// a dash (it ends a clause; a hyphen does not).
var boundaryText = strings.NewReplacer("\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`, "\u2013", "—", "\u00a0", " ", `\$`, "$")

func squash(s string) string { return strings.Join(strings.Fields(boundaryText.Replace(s)), " ") }

func TestQuotesOf2020BriefAreWholeClauses(t *testing.T) {
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := seed.Text(seed.Documents(), "003_b3f11462324cbeb8.txt")
	if err != nil {
		t.Fatal(err)
	}
	text := squash(raw)
	var heads []string
	for _, h := range headings2020 {
		if !strings.Contains(text, squash(h)) {
			t.Errorf("heading %q is not in the brief", h)
		}
		heads = append(heads, squash(h))
	}
	seen := 0
	for what, c := range citations(s.Graph) {
		if c.SourceID != "crs-if10116-2020" {
			continue
		}
		seen++
		q := squash(c.Quote)
		if _, ok := fragments2020[c.Quote]; ok {
			continue
		}
		if !strings.Contains(text, q) {
			t.Errorf("%s: quote not in the brief read down its columns (is a dash written as a hyphen?): %q", what, c.Quote)
			continue
		}
		if !slicesAny(text, q, func(i int) bool { return opensClause(text, i, heads) && closesClause(text, i+len(q), heads) }) {
			t.Errorf("%s: quote is not a whole sentence or clause of the brief: %q", what, c.Quote)
		}
	}
	if seen == 0 {
		t.Fatal("no quote of the 2020 brief: the test proves nothing")
	}
	for q, why := range fragments2020 {
		if why == "" || !strings.Contains(text, squash(q)) {
			t.Errorf("exception %q: no reason given, or not in the brief", q)
		}
	}
}

// slicesAny reports whether ok holds at any index where q occurs in text.
func slicesAny(text, q string, ok func(int) bool) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], q)
		if j < 0 {
			return false
		}
		if ok(i + j) {
			return true
		}
		i += j + 1
	}
}

func opensClause(text string, i int, heads []string) bool {
	before := strings.TrimRight(text[:i], " ")
	if before == "" {
		return true
	}
	for _, h := range heads {
		if strings.HasSuffix(before, h) {
			return true
		}
	}
	r, n := utf8.DecodeLastRuneInString(before)
	if r == '"' || r == '\'' { // a quotation closed: after its last word's punctuation
		r, _ = utf8.DecodeLastRuneInString(before[:len(before)-n])
	}
	return strings.ContainsRune(opensAfter, r)
}

func closesClause(text string, j int, heads []string) bool {
	quote, after := text[:j], strings.TrimLeft(text[j:], " ")
	if after == "" {
		return true
	}
	for _, h := range heads {
		if strings.HasPrefix(after, h) && strings.HasSuffix(quote, ".") {
			return true
		}
	}
	last, _ := utf8.DecodeLastRuneInString(quote)
	if last == '"' || last == '\'' {
		r, _ := utf8.DecodeLastRuneInString(quote[:len(quote)-1])
		last = r
	}
	if strings.ContainsRune(".;:,?!)—", last) && !unicode.IsLetter(last) {
		return true
	}
	next, _ := utf8.DecodeRuneInString(after)
	return strings.ContainsRune(closesAt, next)
}

// citations lists every citation of the graph, named for messages.
func citations(g *domain.Graph) map[string]domain.Citation {
	out := map[string]domain.Citation{}
	add := func(what string, cs []domain.Citation) {
		for i, c := range cs {
			out[what+" citation "+string(rune('0'+i))] = c
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
