package embedded

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/conflictgraph/conflictgraph/domain"
)

// TestSlotTableAgreesWithAMap runs inserts and removals, many on ids
// removed before, through a slotTable and a map, and compares what each
// finds: growth and deleted cells must lose nothing.
func TestSlotTableAgreesWithAMap(t *testing.T) {
	for _, n := range []int{10, 1000, 50_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(n), 3))
			var recs []rec
			arena := newTextArena()
			ids := func() recIDs { return recIDs{recs, arena} }
			table, want := newSlotTable[recIDs](), map[string]int32{}
			for range 4 * n {
				id := fmt.Sprintf("r%d", rng.IntN(n))
				if s, ok := want[id]; ok && rng.IntN(3) == 0 {
					table.remove(ids(), id)
					recs[s] = rec{}
					delete(want, id)
				} else if !ok {
					var c rec
					c.setIDAt(arena.add(id))
					recs = append(recs, c)
					s := int32(len(recs) - 1)
					table.insert(ids(), s)
					want[id] = s
				}
			}
			for i := range n + 10 {
				id := fmt.Sprintf("r%d", i)
				got, ok := table.find(ids(), id)
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

// TestCiteTableSharesAndDrops holds lists by identity within a change:
// records citing one slice share its number, a list is dropped with its
// last holder when the change ends and its number given again, and an
// equal list that is another slice is another.
func TestCiteTableSharesAndDrops(t *testing.T) {
	a := []domain.Citation{{SourceID: "s", Quote: "a", Locator: "row 1"}, {SourceID: "t", Quote: "", Locator: "row 2"}}
	b := []domain.Citation{{SourceID: "s", Quote: "a", Locator: "row 1"}}
	tab := newCiteTable()
	na, na2, nb := tab.add(a), tab.add(a), tab.add(b)
	if na != na2 || na == nb || tab.add(nil) != 0 {
		t.Fatalf("numbers a %d, a again %d, b %d: want a shared, b its own, nil 0", na, na2, nb)
	}
	tab.settle()
	tab.release(na)
	tab.settle()
	if got := tab.list(na, nil); !slices.Equal(got, a) {
		t.Fatalf("a reads %v while a record still holds it, want %v", got, a)
	}
	// A change that cites a list and lets it go, then cites it again,
	// finds it still held.
	d := []domain.Citation{{SourceID: "s", Quote: "d"}}
	nd := tab.add(d)
	tab.release(nd)
	if again := tab.add(d); again != nd || !slices.Equal(tab.list(nd, nil), d) {
		t.Fatalf("d cited again in the change that let it go got %d holding %v, want %d", again, tab.list(again, nil), nd)
	}
	tab.settle()
	if !slices.Equal(tab.list(nd, nil), d) {
		t.Fatalf("d dropped though a record holds it")
	}
	tab.release(na)
	tab.settle()
	c := []domain.Citation{{SourceID: "s", Quote: "c"}}
	if nc := tab.add(c); nc != na || !slices.Equal(tab.list(nc, nil), c) {
		t.Fatalf("c got %d holding %v, want a's number %d given again", nc, tab.list(nc, nil), na)
	}
	tab.settle()
	if tab.add(a) == na {
		t.Fatalf("a found again after it was dropped")
	}
	if got := tab.list(0, nil); got != nil {
		t.Fatalf("list 0 reads %v, want none", got)
	}
}

// TestCiteTableTakesBackDroppedBytes replaces lists change after change:
// the arena is rewritten once dropped lists hold most of it, and every
// list held reads back whole, into a block or a slice of its own.
func TestCiteTableTakesBackDroppedBytes(t *testing.T) {
	tab := newCiteTable()
	held := map[uint32][]domain.Citation{}
	quote := strings.Repeat("q", domain.MaxQuoteLength)
	for round := range 50 {
		for n := range held {
			tab.release(n)
			delete(held, n)
		}
		for i := range 200 {
			list := []domain.Citation{{SourceID: fmt.Sprintf("src-%d", i%7), Quote: fmt.Sprintf("%d.%d %s", round, i, quote), Locator: fmt.Sprint(i)}}
			held[tab.add(list)] = list
		}
		tab.settle()
	}
	if max := 4 * 200 * (domain.MaxQuoteLength + 32); tab.arena.size > max {
		t.Errorf("the arena holds %d bytes for 200 lists, want at most %d", tab.arena.size, max)
	}
	for n, want := range held {
		block := make([]domain.Citation, tab.size(n))
		if got := tab.list(n, block); !slices.Equal(got, want) {
			t.Fatalf("list %d reads %v into a block, want %v", n, got, want)
		}
		if got := tab.list(n, nil); !slices.Equal(got, want) {
			t.Fatalf("list %d reads %v, want %v", n, got, want)
		}
	}
}

// TestIDArena reads back every id added, across blocks, with the lengths
// that take one and two bytes to say, and the empty id at place 0.
func TestIDArena(t *testing.T) {
	if got := unsafe.Sizeof(rec{}); got != 32 {
		t.Errorf("a record is %d bytes, want 32", got)
	}
	a := newTextArena()
	if got := a.at(0); got != "" {
		t.Fatalf("place 0 holds %q, want the empty id", got)
	}
	rng := rand.New(rand.NewPCG(5, 8))
	var ids []string
	var at []arenaPos
	for i := range 200_000 {
		id := fmt.Sprintf("r%d.%s", i, strings.Repeat("x", rng.IntN(domain.MaxRelIDLength-10)))
		ids, at = append(ids, id), append(at, a.add(id))
	}
	if len(a.blocks) < 10 {
		t.Fatalf("%d blocks; the test means to cross many", len(a.blocks))
	}
	for i, id := range ids {
		if got := a.at(at[i]); got != id {
			t.Fatalf("id %d reads back as %q, want %q", i, got, id)
		}
	}
	// A place past 32 bits survives a record's split fields.
	p := arenaPos(3)<<32 | 7
	var c rec
	if c.setIDAt(p); c.idAt() != p {
		t.Errorf("place %d comes back from a record as %d", p, c.idAt())
	}
}
