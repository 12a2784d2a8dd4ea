package server_test

import (
	"encoding/json"
	"testing"
)

// TestFieldsFollowEachRequestsVariables runs each document again and again
// with variables that its @include or @skip turn: every answer shows the
// fields its own request asks for, though the server keeps a document's
// collected fields between requests where no directive can change them.
func TestFieldsFollowEachRequestsVariables(t *testing.T) {
	h := newAPI(t)
	tests := []struct {
		name     string
		query    string
		withName func(x bool) bool // whether the answer shows the entity's name
	}{
		{"a field's @include", `query($x: Boolean!) { entity(id: "union") { id name @include(if: $x) } }`,
			func(x bool) bool { return x }},
		{"an inline fragment's @include", `query($x: Boolean!) { entity(id: "union") { id ... @include(if: $x) { name } } }`,
			func(x bool) bool { return x }},
		{"a spread's @include", `query($x: Boolean!) { entity(id: "union") { id ...N @include(if: $x) } } fragment N on Entity { name }`,
			func(x bool) bool { return x }},
		{"a @skip inside a fragment", `query($x: Boolean!) { entity(id: "union") { id ...N } } fragment N on Entity { name @skip(if: $x) }`,
			func(x bool) bool { return !x }},
		{"no directive", `{ entity(id: "union") { id name } }`,
			func(bool) bool { return true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, x := range []bool{true, false, false, true, false, true} {
				resp := post(t, h, tt.query, map[string]any{"x": x})
				if len(resp.Errors) > 0 {
					t.Fatalf("x=%v: errors %v", x, resp.Errors)
				}
				var data struct {
					Entity map[string]any `json:"entity"`
				}
				if err := json.Unmarshal(resp.Data, &data); err != nil {
					t.Fatal(err)
				}
				_, got := data.Entity["name"]
				if data.Entity["id"] != "union" || got != tt.withName(x) {
					t.Errorf("x=%v: entity %v, want a name: %v", x, data.Entity, tt.withName(x))
				}
			}
		})
	}
}
