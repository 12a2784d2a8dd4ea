package graph

import (
	"encoding/base64"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Cursors are opaque to clients but keyed on the sort key (the id), so a page
// stays right when the graph changes between requests.
const (
	entityCursor       = "entity:"
	relationshipCursor = "relationship:"
)

func encodeCursor(prefix, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(prefix + id))
}

// decodeCursor returns the id a cursor was made from, "" for no cursor, and
// INVALID for anything this API did not hand out for that list.
func decodeCursor(prefix string, after *string) (string, error) {
	if after == nil || *after == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*after)
	if err != nil || !strings.HasPrefix(string(raw), prefix) || len(raw) == len(prefix) {
		return "", domain.Invalidf("after: %q is not a cursor of this list; pass a pageInfo.endCursor or edge cursor from a previous page", *after)
	}
	return strings.TrimPrefix(string(raw), prefix), nil
}
