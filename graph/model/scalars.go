// Package model holds the GraphQL-only shapes: one generated object type per
// entity kind, the PartialDate and Decimal scalars' marshalling, and the
// conversion from domain entities.
package model

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

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

// MarshalFloatContext writes a Float the way encoding/json writes a
// float64, and so the exports: without an exponent between 1e-6 and 1e21
// (16800000 people, not gqlgen's %g 1.68e+07), in the fewest digits that
// read back to the same number. NaN and infinities, which JSON cannot hold,
// are an error, as in gqlgen.
func MarshalFloatContext(f float64) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(_ context.Context, w io.Writer) error {
		b, err := json.Marshal(f)
		if err != nil {
			return fmt.Errorf("cannot write the float %v as JSON: %w", f, err)
		}
		_, err = w.Write(b)
		return err
	})
}

// UnmarshalFloatContext reads a Float argument as gqlgen does.
func UnmarshalFloatContext(ctx context.Context, v any) (float64, error) {
	return graphql.UnmarshalFloatContext(ctx, v)
}

// MarshalDecimal writes an exact decimal (domain.Money.Decimal) as a JSON
// string, so that no client reads it as a float.
func MarshalDecimal(s string) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(s))
	})
}

// UnmarshalDecimal reads a Decimal argument: a string of digits with at most
// one decimal point ("10000000", "2.50"), or a whole number. A float literal
// is refused, since it may already have rounded; the error is INVALID and
// says how to write it.
func UnmarshalDecimal(v any) (string, error) {
	switch x := v.(type) {
	case string:
		whole, frac, point := strings.Cut(strings.TrimPrefix(x, "-"), ".")
		if whole != "" && digits(whole) && (!point || (frac != "" && digits(frac))) {
			return x, nil
		}
		return "", domain.Invalidf("a Decimal is a decimal number in a string such as \"10000000.00\", got %q", x)
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return string(x), nil
		}
		return "", domain.Invalidf("a Decimal is written as a string such as \"2.50\", not as the number %s, which may round", x)
	}
	return "", domain.Invalidf("a Decimal is a decimal number in a string such as \"10000000.00\", got %s", describe(v))
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
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
