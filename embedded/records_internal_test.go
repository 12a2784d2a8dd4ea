package embedded

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
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

// TestCiteTableSharesAndDrops holds lists by identity: records citing one
// slice share its number, a list is dropped with its last holder and its
// number given again, and an equal list that is another slice is another.
func TestCiteTableSharesAndDrops(t *testing.T) {
	a := []domain.Citation{{SourceID: "s", Quote: "a"}}
	b := []domain.Citation{{SourceID: "s", Quote: "a"}}
	tab := newCiteTable()
	na, na2, nb := tab.add(a), tab.add(a), tab.add(b)
	if na != na2 || na == nb || tab.add(nil) != 0 {
		t.Fatalf("numbers a %d, a again %d, b %d: want a shared, b its own, nil 0", na, na2, nb)
	}
	tab.release(na)
	if !slices.Equal(tab.lists[na], a) {
		t.Fatalf("a dropped while a record still holds it")
	}
	tab.release(na)
	if tab.lists[na] != nil {
		t.Fatalf("a kept after its last holder")
	}
	c := []domain.Citation{{SourceID: "s", Quote: "c"}}
	if nc := tab.add(c); nc != na || !slices.Equal(tab.lists[nc], c) {
		t.Fatalf("c got %d holding %v, want a's number %d given again", nc, tab.lists[nc], na)
	}
	if tab.add(a) == na {
		t.Fatalf("a found again after it was dropped")
	}
}
