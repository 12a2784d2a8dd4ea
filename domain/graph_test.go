package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
)

func TestGraphCheckShape(t *testing.T) {
	entity := &domain.Entity{ID: "mali", Kind: domain.KindCountry, Name: "Mali"}
	rel := &domain.Relationship{ID: "a.fights.b", Type: domain.RelFights, FromID: "a", ToID: "b"}
	tests := []struct {
		name string
		g    domain.Graph
		want string // "" for a graph of the right shape
	}{
		{"right shape", domain.Graph{Sources: []*domain.Source{{ID: "doc"}}, Entities: []*domain.Entity{entity}, Relationships: []*domain.Relationship{rel}}, ""},
		{"source without id", domain.Graph{Sources: []*domain.Source{{Title: "T"}}}, "a source has no id"},
		{"nil entity", domain.Graph{Entities: []*domain.Entity{nil}}, "an entity has no id"},
		{"unknown kind", domain.Graph{Entities: []*domain.Entity{{ID: "x", Kind: "PLANET"}}}, `entity "x" has unknown kind "PLANET"`},
		{"relationship without id", domain.Graph{Relationships: []*domain.Relationship{{Type: domain.RelFights}}}, "a relationship has no id"},
		{"unknown type", domain.Graph{Relationships: []*domain.Relationship{{ID: "r", Type: "LIKES"}}}, `relationship "r" has unknown type "LIKES"`},
		{"unknown currency", domain.Graph{Relationships: []*domain.Relationship{{ID: "r", Type: domain.RelFunded, Amount: &domain.Money{Minor: 1, Currency: "DOLLARS"}}}}, `relationship "r": amount: currency "DOLLARS" is not an ISO 4217 code`},
	}
	for _, tt := range tests {
		err := tt.g.CheckShape()
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want INVALID saying %q", tt.name, err, tt.want)
		}
	}
}
