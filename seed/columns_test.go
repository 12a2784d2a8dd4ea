package seed_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/conflictgraph/conflictgraph/seed"
)

// twoColumns is a capture of a page in two columns, read across: a line of
// the left column, then the right column's line beside it.
const twoColumns = `Title
Mali is a country in
JNIM operates in
West Africa. It has a multi-
the Sahel and beyond.
year plan.
Footer
`

const twoColumnsLayout = `# a comment
1    full
2-6  alternate   # left, right, ...
7-8  full        # the footer and the empty last line
`

func citing(quotes ...string) string {
	var b strings.Builder
	b.WriteString(goodSources + "entities:\n")
	for i, q := range quotes {
		b.WriteString("  - id: e" + string(rune('a'+i)) + "\n    kind: COUNTRY\n    name: E\n    citations: [{source: doc, quote: \"" + q + "\"}]\n")
	}
	return b.String()
}

func TestCheckQuotesReadsColumnsInReadingOrder(t *testing.T) {
	tests := []struct {
		name  string
		quote string
		want  string // a fragment of the problem; "" for none
	}{
		{"a sentence down the left column", "Mali is a country in West Africa.", ""},
		{"a sentence down the right column", "JNIM operates in the Sahel and beyond.", ""},
		{"one line", "JNIM operates in", ""},
		{"a word broken at a line's end", "It has a multi-year plan.", ""},
		{"a full line", "Footer", ""},
		{"stitched across the columns", "JNIM operates in West Africa.",
			`quote is stitched across the columns of doc: it joins line 3 (right column), line 4 (left column)`},
		{"stitched across three lines", "Mali is a country in JNIM operates in West Africa.",
			`it joins line 2 (left column), line 3 (right column), line 4 (left column)`},
		{"in neither order", "Mali is in Asia.", `quote not found in doc: "Mali is in Asia."`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := seed.Parse(fstest.MapFS{"a.yaml": {Data: []byte(citing(tt.quote))}}, "seed")
			if err != nil {
				t.Fatal(err)
			}
			docs := fstest.MapFS{"doc.txt": {Data: []byte(twoColumns)}, "doc.columns": {Data: []byte(twoColumnsLayout)}}
			err = s.CheckQuotes(docs)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("CheckQuotes refused a quote of one column: %v", err)
				}
				return
			}
			var verr *seed.ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) != 1 {
				t.Fatalf("CheckQuotes = %v, want one problem", err)
			}
			if p := verr.Problems[0]; p.Field != "citations[0].quote" || !strings.Contains(p.Message, tt.want) {
				t.Errorf("problem = %+v, want %q", p, tt.want)
			}
		})
	}

	// Without its layout the same capture is read line by line, as a
	// single-column document is: the stitched quote is found there.
	s, err := seed.Parse(fstest.MapFS{"a.yaml": {Data: []byte(citing("JNIM operates in West Africa."))}}, "seed")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckQuotes(fstest.MapFS{"doc.txt": {Data: []byte(twoColumns)}}); err != nil {
		t.Errorf("a capture without a layout is not read as it is: %v", err)
	}
}

func TestTextRebuildsTheColumns(t *testing.T) {
	docs := fstest.MapFS{"doc.txt": {Data: []byte(twoColumns)}, "doc.columns": {Data: []byte(twoColumnsLayout)}}
	got, err := seed.Text(docs, "doc.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := "Title\nMali is a country in\nWest Africa. It has a multi-year plan.\nJNIM operates in\nthe Sahel and beyond.\nFooter\n"
	if got != want {
		t.Errorf("Text = %q\nwant   %q", got, want)
	}
}

func TestColumnLayoutMustPlaceEveryLineOnce(t *testing.T) {
	tests := []struct{ name, layout, want string }{
		{"a gap", "1 full\n3-8 full\n", "range 3-8 should start at line 2"},
		{"an overlap", "1-2 full\n2-8 left\n", "range 2-8 should start at line 3"},
		{"past the end", "1-9 full\n", "runs past the capture's 8 lines"},
		{"too few lines", "1-7 full\n", "places 7 lines; the capture has 8"},
		{"an unknown column", "1-8 middle\n", `column "middle" is not full, left, right or alternate`},
		{"not a range", "one full\n", `"one" is not a line range`},
		{"no column", "1-8\n", "want a line range and a column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := seed.Parse(fstest.MapFS{"a.yaml": {Data: []byte(citing("Footer"))}}, "seed")
			if err != nil {
				t.Fatal(err)
			}
			err = s.CheckQuotes(fstest.MapFS{"doc.txt": {Data: []byte(twoColumns)}, "doc.columns": {Data: []byte(tt.layout)}})
			var verr *seed.ValidationError
			if err == nil || errors.As(err, &verr) || !strings.Contains(err.Error(), "column layout doc.columns") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("CheckQuotes = %v, want an error with the layout's problem %q", err, tt.want)
			}
		})
	}
}
