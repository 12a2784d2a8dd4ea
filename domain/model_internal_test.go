package domain

import (
	"slices"
	"testing"
)

// TestAttributesInFieldOrder keeps the attribute table in field-name order
// (validation reports unexpected attributes in it) and complete: one entry
// per Field, none twice.
func TestAttributesInFieldOrder(t *testing.T) {
	var fields []Field
	for _, a := range attributes {
		fields = append(fields, a.field)
	}
	if !slices.IsSorted(fields) || len(slices.Compact(slices.Clone(fields))) != len(fields) {
		t.Fatalf("attributes are %v: want each field once, in order", fields)
	}
	all := map[Field]bool{}
	for _, fs := range KindFields {
		for _, f := range fs {
			all[f] = true
		}
	}
	for f := range all {
		if !slices.Contains(fields, f) {
			t.Errorf("field %q, which a kind carries, has no entry in attributes", f)
		}
	}
}
