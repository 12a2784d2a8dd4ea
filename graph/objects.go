package graph

import (
	"io"

	"github.com/99designs/gqlgen/graphql"
)

// object is a resolved object's fields and their values, written as a JSON
// object: what graphql.FieldSet is for an object whose fields are resolved
// in order, in one allocation where a FieldSet takes two and, when
// written, a map and a copy of every field. The generated code makes one
// for every object but Query (tools/gqlgen, orderedObjects).
type object struct {
	fields []graphql.CollectedField
	// Values are the fields' values, set by the generated code.
	Values []graphql.Marshaler
	// Invalids counts the fields whose value makes the object null.
	Invalids uint32
	inline   [8]graphql.Marshaler
}

// newObject is the object of fields, its values still to be set.
func newObject(fields []graphql.CollectedField) *object {
	o := &object{fields: fields}
	if len(fields) <= len(o.inline) {
		o.Values = o.inline[:len(fields)]
	} else {
		o.Values = make([]graphql.Marshaler, len(fields))
	}
	return o
}

// manyFields is how many fields an object has before a map, rather than a
// look back, tells whether a response name was written already.
const manyFields = 32

// MarshalGQL writes the fields by their response names, in order, each
// name once, as graphql.FieldSet does. Response names are GraphQL names
// (letters, digits, underscores): they need no escaping.
func (o *object) MarshalGQL(w io.Writer) {
	var written map[string]bool
	if len(o.fields) > manyFields {
		written = make(map[string]bool, len(o.fields))
	}
	_, _ = io.WriteString(w, "{")
	first := true
	for i := range o.fields {
		alias := o.fields[i].Alias
		if o.repeats(i, written) {
			continue
		}
		if !first {
			_, _ = io.WriteString(w, ",")
		}
		first = false
		_, _ = io.WriteString(w, `"`)
		_, _ = io.WriteString(w, alias)
		_, _ = io.WriteString(w, `":`)
		o.Values[i].MarshalGQL(w)
	}
	_, _ = io.WriteString(w, "}")
}

// repeats tells whether field i's response name is one an earlier field
// has, noting it in written when there is a map.
func (o *object) repeats(i int, written map[string]bool) bool {
	alias := o.fields[i].Alias
	if written != nil {
		if written[alias] {
			return true
		}
		written[alias] = true
		return false
	}
	for j := range i {
		if o.fields[j].Alias == alias {
			return true
		}
	}
	return false
}
