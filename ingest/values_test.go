package ingest_test

import (
	"errors"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/ingest"
)

// TestParseYear takes a year column whole or not at all.
func TestParseYear(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2021", "2021"},
		{"1", "0001"},
		{"9999", "9999"},
		{"0", ""},
		{"10000", ""},
		{"70000", ""}, // beyond what a partial date holds
		{"-5", ""},
		{"", ""},
		{"2021-12", ""},
		{"twenty", ""},
	} {
		d, err := ingest.ParseYear(c.in)
		if c.want == "" {
			if !errors.Is(err, domain.ErrInvalid) {
				t.Errorf("ParseYear(%q) = %v, %v; want INVALID", c.in, d, err)
			}
		} else if err != nil || d.String() != c.want {
			t.Errorf("ParseYear(%q) = %v, %v; want %s", c.in, d, err, c.want)
		}
	}
}
