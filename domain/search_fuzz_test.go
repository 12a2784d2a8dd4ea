package domain_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/conflictgraph/conflictgraph/domain"
)

// FuzzFold checks that folding is stable (folding twice changes nothing),
// so that a name folded at index time and a query folded at search time
// meet whatever was folded first, and that no run of space survives.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"U.S.", "U..S", "Kéïta", "St. Louis", "a.-b", "É.-U.", "“Wagner”", "tab\tand\nnewline", " .x. ", "3.5", "ǅ.ǈ."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		once := domain.Fold(s)
		if twice := domain.Fold(once); twice != once {
			t.Fatalf("Fold(%q) = %q, but Fold(%q) = %q", s, once, once, twice)
		}
		if strings.Contains(once, "  ") || strings.HasPrefix(once, " ") || strings.HasSuffix(once, " ") {
			t.Fatalf("Fold(%q) = %q keeps runs of space", s, once)
		}
	})
}
