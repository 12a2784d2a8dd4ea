package ingest_test

import (
	"testing"

	"github.com/conflictgraph/conflictgraph/ingest"
)

// TestClean covers text Clean returns as it is and text it mends, on both
// sides of the fast path for printable ASCII.
func TestClean(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Armed clash in Kidal", "Armed clash in Kidal"},
		{"a", "a"},
		{" lead", "lead"},
		{"trail ", "trail"},
		{"two  spaces", "two spaces"},
		{"tab\there", "tab here"},
		{"line\r\nbreak", "line break"},
		{"\x00nul\x7fdel", "nul del"},
		{"  \t ", ""},
		{"Kéïta  Goïta", "Kéïta Goïta"},
		{"no\u00a0break", "no break"},
		{"bad \xff byte", "bad \ufffd byte"},
		{"quotes \"as\" written", "quotes \"as\" written"},
	} {
		if got := ingest.Clean(c.in); got != c.want {
			t.Errorf("Clean(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
