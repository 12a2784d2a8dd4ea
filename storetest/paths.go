package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
)

// pathIDs renders each path as its relationship ids joined by " > ".
func pathIDs(paths []*domain.Path) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		ids := make([]string, len(p.Relationships))
		for j, r := range p.Relationships {
			ids[j] = r.ID
		}
		out[i] = strings.Join(ids, " > ")
	}
	return out
}

func testPaths(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	d := domain.MustPartialDate
	tests := []struct {
		name string
		q    domain.PathQuery
		want []string
	}{
		{"direct, then around the cycle", domain.PathQuery{From: "union", To: "lemuria", MaxLength: 4, First: 5},
			[]string{"lemuria.supports.union", "union.formed-from.front > front.operates-in.lemuria"}},
		{"parallel relationships are two paths", domain.PathQuery{From: "front", To: "atlantis", MaxLength: 1, First: 5},
			[]string{"front.attacked.atlantis", "front.fights.atlantis"}},
		{"first keeps the shortest", domain.PathQuery{From: "union", To: "lemuria", MaxLength: 4, First: 1},
			[]string{"lemuria.supports.union"}},
		{"types remove the only short path", domain.PathQuery{From: "union", To: "lemuria", MaxLength: 4, First: 5,
			Types: []domain.RelationType{domain.RelFormedFrom, domain.RelOperatesIn}},
			[]string{"union.formed-from.front > front.operates-in.lemuria"}},
		{"types remove every path", domain.PathQuery{From: "union", To: "lemuria", MaxLength: 4, First: 5,
			Types: []domain.RelationType{domain.RelFunded}}, nil},
		// lemuria.supports.union starts 2021-12; front.operates-in.lemuria ends 2015-06.
		{"asOf removes the only path", domain.PathQuery{From: "union", To: "lemuria", MaxLength: 4, First: 5, AsOf: d("2019")}, nil},
		{"asOf with a partial date keeps a link from its month", domain.PathQuery{From: "union", To: "lemuria", MaxLength: 1, First: 5, AsOf: d("2021")},
			[]string{"lemuria.supports.union"}},
		{"maxLength cuts longer paths", domain.PathQuery{From: "keita", To: "union", MaxLength: 2, First: 5}, nil},
		{"a longer chain", domain.PathQuery{From: "keita", To: "union", MaxLength: 3, First: 2},
			[]string{"atlantis.led-by.keita > front.attacked.atlantis > union.formed-from.front",
				"atlantis.led-by.keita > front.fights.atlantis > union.formed-from.front"}},
		{"no path", domain.PathQuery{From: "hermit", To: "atlantis", MaxLength: 6, First: 5}, nil},
		{"non-Latin ids", domain.PathQuery{From: "o-brien", To: "東京-mission", MaxLength: 2, First: 5},
			[]string{`o-brien.mediated.atlantis > 東京-mission.deployed-to.atlantis`}},
		{"first 0", domain.PathQuery{From: "union", To: "lemuria", MaxLength: 4, First: 0}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paths, err := st.Paths(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			wantIDs(t, "paths", pathIDs(paths), tt.want)
			for _, p := range paths {
				if len(p.Entities) != p.Length()+1 || p.Entities[0].ID != tt.q.From || p.Entities[len(p.Entities)-1].ID != tt.q.To {
					t.Errorf("path %v does not run from %s to %s", entityIDs(p.Entities), tt.q.From, tt.q.To)
				}
				for i, r := range p.Relationships {
					a, b := p.Entities[i].ID, p.Entities[i+1].ID
					if !(r.FromID == a && r.ToID == b) && !(r.FromID == b && r.ToID == a) {
						t.Errorf("hop %d (%s) does not link %s and %s", i, r.ID, a, b)
					}
					if len(r.Citations) == 0 {
						t.Errorf("hop %s lost its citations", r.ID)
					}
				}
			}
		})
	}
	self, err := st.Paths(ctx, domain.PathQuery{From: "front", To: "front", MaxLength: 3, First: 5})
	if err != nil || len(self) != 1 || self[0].Length() != 0 || len(self[0].Entities) != 1 {
		t.Errorf("from an entity to itself: %+v %v, want one path of length 0", self, err)
	}
	if _, err := st.Paths(ctx, domain.PathQuery{From: "union", To: "nowhere", MaxLength: 3, First: 5}); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("unknown end: err = %v, want NOT_FOUND", err)
	}
	for _, q := range []domain.PathQuery{
		{From: "union", To: "front", MaxLength: 0, First: 5},
		{From: "union", To: "front", MaxLength: domain.MaxPathLength + 1, First: 5},
		{From: "union", To: "front", MaxLength: 3, First: domain.MaxPaths + 1},
	} {
		if _, err := st.Paths(ctx, q); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("%+v: err = %v, want INVALID", q, err)
		}
	}
}

// testPathTies asks for the first k of five paths of one length, for
// every k: the first k by relationship id. The ties are written in the
// order of their ids between one pair of entities and in the reverse
// order between another, so that a store returning whichever paths its
// search meets first gets one of the two wrong, whatever order it meets
// them in.
func testPathTies(t *testing.T, st domain.Store) {
	loaded(t, st)
	ctx := context.Background()
	cs := &domain.ChangeSet{Actor: "test", Reason: "parallel links"}
	want := map[string][]string{}
	for _, to := range []string{"o-brien", "keita"} {
		for n := 1; n <= 5; n++ {
			i := n
			if to == "keita" {
				i = 6 - n
			}
			id := fmt.Sprintf("hermit.t%d.%s", i, to)
			cs.Relationships = append(cs.Relationships, &domain.Relationship{ID: id, Type: domain.RelSupports,
				FromID: "hermit", ToID: to, Certainty: domain.CertaintyStated, Citations: cites("The Hermit Society supports them.")})
			want[to] = append(want[to], id)
		}
		slices.Sort(want[to])
	}
	MustApply(t, st, cs)
	for _, to := range []string{"o-brien", "keita"} {
		for k := 1; k <= 6; k++ {
			paths, err := st.Paths(ctx, domain.PathQuery{From: "hermit", To: to, MaxLength: 1, First: k})
			if err != nil {
				t.Fatal(err)
			}
			wantIDs(t, fmt.Sprintf("first %d to %s", k, to), pathIDs(paths), want[to][:min(k, len(want[to]))])
		}
	}
}
