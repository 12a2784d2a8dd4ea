package model_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
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

func TestMarshalFloatWritesNoExponent(t *testing.T) {
	for f, want := range map[float64]string{16800000: "16800000", 7e6: "7000000", 1.5: "1.5", 0: "0", -2.25: "-2.25", 1e21: "1e+21", 1e-7: "1e-7", 15209: "15209"} {
		var b bytes.Buffer
		if err := model.MarshalFloatContext(f).MarshalGQLContext(context.Background(), &b); err != nil || b.String() != want {
			t.Errorf("MarshalFloatContext(%v) = %q, %v; want %q", f, b.String(), err, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1)} {
		if err := model.MarshalFloatContext(f).MarshalGQLContext(context.Background(), io.Discard); err == nil {
			t.Errorf("MarshalFloatContext(%v) wrote JSON that cannot hold it", f)
		}
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
