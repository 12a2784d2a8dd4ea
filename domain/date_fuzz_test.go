package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
)

// FuzzParsePartialDate holds ParsePartialDate to its contract on any input:
// it never panics; what it accepts is a real date written canonically, that
// it reads back the same; what it refuses is INVALID.
func FuzzParsePartialDate(f *testing.F) {
	for _, s := range []string{
		"2021", "2021-12", "2021-12-25", "2024-02-29", "9999-12-31", "0001-01-01",
		"", "0000", "2021-02-30", "2023-02-29", "2021-13", "2021-00", "2021-1", "21", "2021-12-25-1",
		"+021", "-001", "2021--1", "2021-+1", " 2021", "2021\n", "２０２１", "2021-1a", "\xff\xfe\xfd\xfc",
		"99999", "2021-12-250", strings.Repeat("-", 10000), strings.Repeat("2021-", 1000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := domain.ParsePartialDate(s)
		if err != nil {
			if !errors.Is(err, domain.ErrInvalid) {
				t.Fatalf("ParsePartialDate(%q): %v, want INVALID", s, err)
			}
			return
		}
		if d.String() != s {
			t.Fatalf("ParsePartialDate(%q) = %+v, written %q", s, d, d.String())
		}
		if d.Year < 1 || d.Year > 9999 || d.Month < 0 || d.Month > 12 || d.Day < 0 || d.Day > 31 || (d.Day > 0 && d.Month == 0) {
			t.Fatalf("ParsePartialDate(%q) = %+v, not a date", s, d)
		}
		if d.First() > d.Last() || d.Compare(d) != 0 || d.IsZero() {
			t.Fatalf("%q: first %d, last %d, compare %d", s, d.First(), d.Last(), d.Compare(d))
		}
		again, err := domain.ParsePartialDate(d.String())
		if err != nil || again != d {
			t.Fatalf("%q reads back as %+v, %v", s, again, err)
		}
	})
}
