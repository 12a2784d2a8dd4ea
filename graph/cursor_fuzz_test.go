package graph

import (
	"errors"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
)

// FuzzDecodeCursor holds decodeCursor to its contract on any input: it never
// panics; what it accepts gives a non-empty id whose own cursor reads back as
// that id (base64 lets a cursor carry line breaks, so a cursor is not always
// the one the id encodes to); what it refuses is INVALID.
func FuzzDecodeCursor(f *testing.F) {
	for _, s := range []string{
		encodeCursor(entityCursor, "mali"), encodeCursor(relationshipCursor, "mali.funded.wagner-group"),
		encodeCursor(entityCursor, "東京-mission"), encodeCursor(entityCursor, ""), encodeCursor(entityCursor, "\xff"),
		"", "%%%", "bm90IGEgY3Vyc29y", "ZW50aXR5Og", "ZW50aXR5Om1hbGk=", "ZW50aXR5Om1hbGk", "ZW50aXR5Om1hbGk\n",
		"\xff\xfe", strings.Repeat("A", 100000), strings.Repeat("=", 1000),
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, cursor string, relationships bool) {
		prefix := entityCursor
		if relationships {
			prefix = relationshipCursor
		}
		id, err := decodeCursor(prefix, &cursor)
		switch {
		case err != nil:
			if !errors.Is(err, domain.ErrInvalid) {
				t.Fatalf("decodeCursor(%q): %v, want INVALID", cursor, err)
			}
		case cursor == "":
			if id != "" {
				t.Fatalf("no cursor gave id %q", id)
			}
		case id == "":
			t.Fatalf("cursor %q accepted with an empty id", cursor)
		default:
			canonical := encodeCursor(prefix, id)
			if again, err := decodeCursor(prefix, &canonical); err != nil || again != id {
				t.Fatalf("cursor %q gives id %q, whose cursor %q gives %q, %v", cursor, id, canonical, again, err)
			}
		}
	})
}
