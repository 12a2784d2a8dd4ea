package embedded

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRecTableAgreesWithAMap runs inserts and removals, many on ids
// removed before, through a recTable and a map, and compares what each
// finds: growth and deleted cells must lose nothing.
func TestRecTableAgreesWithAMap(t *testing.T) {
	for _, n := range []int{10, 1000, 50_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(n), 3))
			var recs []rec
			table, want := newRecTable(), map[string]int32{}
			for range 4 * n {
				id := fmt.Sprintf("r%d", rng.IntN(n))
				if s, ok := want[id]; ok && rng.IntN(3) == 0 {
					table.remove(recs, id)
					recs[s] = rec{}
					delete(want, id)
				} else if !ok {
					recs = append(recs, rec{id: id})
					s := int32(len(recs) - 1)
					table.insert(recs, s)
					want[id] = s
				}
			}
			for i := range n + 10 {
				id := fmt.Sprintf("r%d", i)
				got, ok := table.find(recs, id)
				if w, wok := want[id]; ok != wok || got != w && ok {
					t.Fatalf("%s: found %d %v, want %d %v", id, got, ok, w, wok)
				}
			}
			live := table.slots()
			slices.Sort(live)
			var wantLive []int32
			for _, s := range want {
				wantLive = append(wantLive, s)
			}
			slices.Sort(wantLive)
			if !slices.Equal(live, wantLive) || table.live != len(want) {
				t.Fatalf("live slots %v (count %d), want %v", live, table.live, wantLive)
			}
		})
	}
}
