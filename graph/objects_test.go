package graph

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

func TestObjectWritesEachResponseNameOnce(t *testing.T) {
	many := make([]string, 0, 2*manyFields)
	var want []string
	for i := range manyFields + 5 {
		many = append(many, fmt.Sprintf("f%d", i))
		want = append(want, fmt.Sprintf(`"f%d":%d`, i, i))
	}
	many = append(many, "f0", "f3")
	tests := []struct {
		name    string
		aliases []string
		want    string
	}{
		{"no fields", nil, `{}`},
		{"a few, one repeated", []string{"id", "name", "id"}, `{"id":0,"name":1}`},
		{"more than fit inline", []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}, `{"a":0,"b":1,"c":2,"d":3,"e":4,"f":5,"g":6,"h":7,"i":8,"j":9}`},
		{"more than a look back", many, "{" + strings.Join(want, ",") + "}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := make([]graphql.CollectedField, len(tt.aliases))
			for i, a := range tt.aliases {
				fields[i].Field = &ast.Field{Alias: a, Name: a}
			}
			o := newObject(fields)
			for i := range o.Values {
				o.Values[i] = graphql.MarshalInt(i)
			}
			var b bytes.Buffer
			o.MarshalGQL(&b)
			if b.String() != tt.want {
				t.Errorf("got  %s\nwant %s", b.String(), tt.want)
			}
		})
	}
}
