package model_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/graph/model"
)

func TestMarshalDecimalIsAString(t *testing.T) {
	var b bytes.Buffer
	model.MarshalDecimal("441352000.00").MarshalGQL(&b)
	if b.String() != `"441352000.00"` {
		t.Errorf("MarshalDecimal = %s, want a JSON string", b.String())
	}
}

func TestUnmarshalDecimal(t *testing.T) {
	for _, tt := range []struct {
		in   any
		want string
	}{
		{"10000000.00", "10000000.00"},
		{"2.5", "2.5"},
		{"-3", "-3"},
		{int64(42), "42"},
		{42, "42"},
		{json.Number("7"), "7"},
	} {
		got, err := model.UnmarshalDecimal(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("UnmarshalDecimal(%#v) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []any{"1e6", "ten", "", ".5", "5.", "1.2.3", 2.5, json.Number("2.5"), nil, true, []any{"1"}} {
		if _, err := model.UnmarshalDecimal(in); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("UnmarshalDecimal(%#v): err = %v, want INVALID", in, err)
		}
	}
}
