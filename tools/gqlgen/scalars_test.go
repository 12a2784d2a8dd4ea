package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// field is gqlgen's resolution of a field named name, reading value, with
// middleware (nil for none) and marshaler.
func field(name, value, middleware, vType, marshaler string) string {
	return `
func (ec *executionContext) _T_` + name + `(ctx context.Context, field graphql.CollectedField, obj *model.T) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_T_` + name + `(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return ` + value + `, nil
		},
		` + middleware + `,
		func(ctx context.Context, selections ast.SelectionSet, v ` + vType + `) graphql.Marshaler {
			return ec.` + marshaler + `(ctx, selections, v)
		},
		true,
		true,
	)
}
`
}

// marshaler is a generated marshaler named name, marshalling its value with call.
func marshaler(name, vType, call string) string {
	return `
func (ec *executionContext) ` + name + `(ctx context.Context, sel ast.SelectionSet, v ` + vType + `) graphql.Marshaler {
	_ = sel
	res := ` + call + `
	if res == graphql.Null {
		graphql.AddInvalidNullFromMarshaler(ctx, "X!")
	}
	return res
}
`
}

func TestPlainScalars(t *testing.T) {
	tests := []struct {
		name  string
		field string
		plain bool
	}{
		{"a string", field("name", "obj.Name", "nil", "string", "marshalNString2string"), true},
		{"an enum through an embedded struct", field("kind", "obj.Entity.Kind", "nil", "domain.EntityKind", "marshalNEntityKindᚐKind"), true},
		{"a date, null when zero", field("date", "obj.Date", "nil", "domain.PartialDate", "marshalNPartialDate2"), false},
		{"a directive's middleware", field("secret", "obj.Secret", "func(ctx context.Context, next graphql.Resolver) graphql.Resolver { return next }", "string", "marshalNString2string"), false},
		{"a resolver", field("total", "ec.resolvers.T().Total(ctx, obj)", "nil", "string", "marshalNString2string"), false},
	}
	code := "package graph\n" +
		marshaler("marshalNString2string", "string", "graphql.MarshalString(v)") +
		marshaler("marshalNEntityKindᚐKind", "domain.EntityKind", "graphql.MarshalString(string(v))") +
		marshaler("marshalNPartialDate2", "domain.PartialDate", "model.MarshalPartialDate(v)")
	for _, tt := range tests {
		code += tt.field
	}
	file := filepath.Join(t.TempDir(), "generated.go")
	if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := plainScalars(file); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := strings.TrimPrefix(tt.field[strings.Index(tt.field, "_T_"):], "_T_")
			name = name[:strings.Index(name, "(")]
			start := strings.Index(string(out), "func (ec *executionContext) _T_"+name+"(")
			body := string(out[start:])
			body = body[:strings.Index(body, "\n}\n")]
			if direct := !strings.Contains(body, "graphql.ResolveField("); direct != tt.plain {
				t.Errorf("marshalled directly: %v, want %v:\n%s", direct, tt.plain, body)
			}
		})
	}
}
