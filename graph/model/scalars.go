// Package model holds the GraphQL-only shapes: one generated object type per
// entity kind, the PartialDate scalar's marshalling, and the conversion from
// domain entities.
package model

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Node is any object with a global id: an Entity, a *domain.Relationship or a
// *domain.Source.
type Node interface {
	GetID() string
}

// MarshalPartialDate writes a date as "YYYY", "YYYY-MM" or "YYYY-MM-DD", and
// an unknown date as null.
func MarshalPartialDate(d domain.PartialDate) graphql.Marshaler {
	if d.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalPartialDate reads a date argument; a malformed one is an INVALID
// error that says what is wrong.
func UnmarshalPartialDate(v any) (domain.PartialDate, error) {
	s, ok := v.(string)
	if !ok {
		return domain.PartialDate{}, domain.Invalidf("a PartialDate is a string such as \"2021\", \"2021-12\" or \"2021-12-25\", got %s", describe(v))
	}
	return domain.ParsePartialDate(s)
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("the number %v", v)
}
