package seed

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A capture of a two-column page holds its lines in the order the page was
// read across: a line of the left column, then the line of the right column
// at the same height, then the next of each. A sentence of one column is
// then not contiguous in the file, and text that is contiguous in the file
// may join two columns into a sentence neither holds. Such a capture comes
// with a column layout beside it, <document without .txt>.columns, that says
// which column each line is in; the quote check reads the capture in reading
// order, each column of a page down to its end before the next.
//
// The layout is one entry per line, in order, covering every line of the
// capture once:
//
//	# comments and blank lines are ignored
//	1-4     full       # lines across the page: headers, footers, a disclaimer
//	5-6     alternate  # left, right, left, right: both columns, read across
//	7-23    left       # the left column alone (the right holds a figure)
//	91      right      # the right column alone
//
// A full line ends the columns above it: they are read, left then right,
// before it. A word broken at a column's line end ("multi-" above "year")
// is joined again, keeping its hyphen.

// Column is where a line of a capture sits on its page.
type column int

const (
	full column = iota
	left
	right
)

func (c column) String() string {
	switch c {
	case left:
		return "left column"
	case right:
		return "right column"
	}
	return "across the page"
}

// layoutSuffix names a capture's column layout: the document's name with
// this in place of ".txt".
const layoutSuffix = ".columns"

// layoutName is the file name of the column layout of a document.
func layoutName(document string) string {
	return strings.TrimSuffix(document, ".txt") + layoutSuffix
}

// line is one line of a capture: its number in the file (from 1), its
// column and its text.
type line struct {
	n    int
	col  column
	text string
}

// capture is a document read for the quote check: its lines as they are in
// the file and, when it has a column layout, in reading order.
type capture struct {
	raw     []line
	reading []line // nil for a document without a layout: it reads as it is
}

// readCapture reads a document and its column layout, if docs holds one.
func readCapture(docs fs.FS, document string) (*capture, error) {
	data, err := fs.ReadFile(docs, document)
	if err != nil {
		return nil, err
	}
	c := &capture{}
	for i, t := range strings.Split(string(data), "\n") {
		c.raw = append(c.raw, line{n: i + 1, text: strings.TrimSuffix(t, "\r")})
	}
	spec, err := fs.ReadFile(docs, layoutName(document))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return c, nil
		}
		return nil, err
	}
	cols, err := parseLayout(spec, len(c.raw))
	if err != nil {
		return nil, fmt.Errorf("column layout %s: %w", layoutName(document), err)
	}
	var l, r []line
	flush := func() {
		c.reading = append(append(c.reading, l...), r...)
		l, r = nil, nil
	}
	for i := range c.raw {
		c.raw[i].col = cols[i]
		switch cols[i] {
		case left:
			l = append(l, c.raw[i])
		case right:
			r = append(r, c.raw[i])
		default:
			flush()
			c.reading = append(c.reading, c.raw[i])
		}
	}
	flush()
	return c, nil
}

// parseLayout reads a column layout for a capture of n lines and returns
// the column of each line.
func parseLayout(spec []byte, n int) ([]column, error) {
	cols := make([]column, 0, n)
	sc := bufio.NewScanner(bytes.NewReader(spec))
	for ln := 1; sc.Scan(); ln++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return nil, fmt.Errorf("line %d: want a line range and a column (full, left, right or alternate), got %q", ln, strings.TrimSpace(text))
		}
		first, last, err := lineRange(f[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", ln, err)
		}
		if first != len(cols)+1 {
			return nil, fmt.Errorf("line %d: range %s should start at line %d of the capture: every line is placed once, in order", ln, f[0], len(cols)+1)
		}
		if last > n {
			return nil, fmt.Errorf("line %d: range %s runs past the capture's %d lines", ln, f[0], n)
		}
		for i := first; i <= last; i++ {
			switch f[1] {
			case "full":
				cols = append(cols, full)
			case "left":
				cols = append(cols, left)
			case "right":
				cols = append(cols, right)
			case "alternate":
				cols = append(cols, []column{left, right}[(i-first)%2])
			default:
				return nil, fmt.Errorf("line %d: column %q is not full, left, right or alternate", ln, f[1])
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(cols) != n {
		return nil, fmt.Errorf("places %d lines; the capture has %d", len(cols), n)
	}
	return cols, nil
}

// lineRange reads "7" or "7-23".
func lineRange(s string) (first, last int, err error) {
	a, b, isRange := strings.Cut(s, "-")
	first, err = strconv.Atoi(a)
	if err == nil && isRange {
		last, err = strconv.Atoi(b)
	} else {
		last = first
	}
	if err != nil || first < 1 || last < first {
		return 0, 0, fmt.Errorf("%q is not a line range such as 7 or 7-23", s)
	}
	return first, last, nil
}

// text is lines joined by line breaks; with joinBroken (lines in reading
// order), a word hyphenated at a line's end is joined to its rest on the
// next line instead.
func text(lines []line, joinBroken bool) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 && !(joinBroken && brokenWord(lines[i-1].text, l.text)) {
			b.WriteByte('\n')
		}
		b.WriteString(l.text)
	}
	return b.String()
}

// brokenWord reports whether a line ends in a word broken by a hyphen that
// the next line completes: "a multi-" above "year program".
func brokenWord(line, next string) bool {
	line = strings.TrimRight(line, " ")
	if !strings.HasSuffix(line, "-") || len(line) < 2 {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(line[:len(line)-1])
	after, _ := utf8.DecodeRuneInString(strings.TrimLeft(next, " "))
	return unicode.IsLetter(before) && unicode.IsLower(after)
}

// Text returns a document's text as the quote check reads it: a capture
// with a column layout in reading order, each column of a page down to its
// end before the next; any other document as it is. Lines are joined by
// line breaks.
func Text(docs fs.FS, document string) (string, error) {
	c, err := readCapture(docs, document)
	if err != nil {
		return "", err
	}
	if c.reading == nil {
		return text(c.raw, false), nil
	}
	return text(c.reading, true), nil
}

// normalized is a text normalized for comparing quotes (normalizeQuote),
// with the line each character came from. Lines in reading order have their
// broken words joined; the raw lines of a capture, read across its columns,
// do not (a line's end there is not its column's next line).
type normalized struct {
	text  string
	lines []line
	at    []int // at[i]: the index in lines of the line text[i] came from
}

func normalizeLines(lines []line, joinBroken bool) normalized {
	var nt normalized
	var b strings.Builder
	for i, l := range lines {
		t := normalizeQuote(l.text)
		if t == "" {
			continue
		}
		if n := len(nt.lines); n > 0 && !(joinBroken && brokenWord(lines[i-1].text, l.text)) {
			b.WriteByte(' ')
			nt.at = append(nt.at, n-1)
		}
		b.WriteString(t)
		for range len(t) {
			nt.at = append(nt.at, len(nt.lines))
		}
		nt.lines = append(nt.lines, l)
	}
	nt.text = b.String()
	return nt
}

// span returns the lines text[i:j] came from.
func (nt normalized) span(i, j int) []line {
	first, last := nt.at[i], nt.at[j-1]
	return nt.lines[first : last+1]
}
