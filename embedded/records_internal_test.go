package embedded

import (
	"fmt"
	"math"
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
			ids := func() recIDs { return recIDs{recs: recs, arena: arena} }
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
	if got := tab.list(na); !slices.Equal(got, a) {
		t.Fatalf("a reads %v while a record still holds it, want %v", got, a)
	}
	// A change that cites a list and lets it go, then cites it again,
	// finds it still held.
	d := []domain.Citation{{SourceID: "s", Quote: "d"}}
	nd := tab.add(d)
	tab.release(nd)
	if again := tab.add(d); again != nd || !slices.Equal(tab.list(nd), d) {
		t.Fatalf("d cited again in the change that let it go got %d holding %v, want %d", again, tab.list(again), nd)
	}
	tab.settle()
	if !slices.Equal(tab.list(nd), d) {
		t.Fatalf("d dropped though a record holds it")
	}
	if !slices.Equal(tab.read(na), a) { // a reading kept until a is dropped
		t.Fatalf("a reads %v, want %v", tab.read(na), a)
	}
	tab.release(na)
	tab.settle()
	c := []domain.Citation{{SourceID: "s", Quote: "c"}}
	if nc := tab.add(c); nc != na || !slices.Equal(tab.read(nc), c) {
		t.Fatalf("c got %d reading %v, want a's number %d given again, without a's reading", nc, tab.read(nc), na)
	}
	tab.settle()
	if tab.add(a) == na {
		t.Fatalf("a found again after it was dropped")
	}
	if got := tab.list(0); got != nil {
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
		if got := tab.read(n); !slices.Equal(got, want) {
			t.Fatalf("list %d reads %v, want %v", n, got, want)
		}
		if got := tab.read(n); !slices.Equal(got, want) {
			t.Fatalf("list %d reads %v the second time, want %v", n, got, want)
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

// TestDerivedIDs stores only the ids a record cannot derive from its ends
// and type, and reads every id back the same from each door: a lookup, a
// read alone or in a block, the order of two records and against a
// string.
func TestDerivedIDs(t *testing.T) {
	x := newIndex()
	ch := &domain.Change{}
	for _, id := range []string{"a", "b", "a.b", "c"} {
		ch.Entities = append(ch.Entities, domain.EntityChange{Op: domain.OpCreated, After: &domain.Entity{ID: id, Kind: domain.KindArmedGroup, Name: id}})
	}
	rels := []struct {
		id, from, to string
		typ          domain.RelationType
		derived      bool
	}{
		{"a.member-of.b", "a", "b", domain.RelMemberOf, true},
		{"a.allied-with.a", "a", "a", domain.RelAlliedWith, true}, // a self-loop
		{"a.b.member-of.c", "a.b", "c", domain.RelMemberOf, true}, // an end with a dot
		{"a.member-of.b.2024", "a", "b", domain.RelMemberOf, false},
		{"a.member-of.bb", "a", "b", domain.RelMemberOf, false},
		{"b.member-of.a", "a", "b", domain.RelMemberOf, false}, // the ends swapped
		{"claim-1", "b", "c", domain.RelFunded, false},
		{"a.funded.c", "a", "c", domain.RelMemberOf, false}, // another type's slug
	}
	for _, r := range rels {
		ch.Relationships = append(ch.Relationships, domain.RelationshipChange{Op: domain.OpCreated,
			After: &domain.Relationship{ID: r.id, FromID: r.from, ToID: r.to, Type: r.typ, Certainty: domain.CertaintyReported}})
	}
	x.apply(ch)
	stored := 0
	var slots []int32
	for _, r := range rels {
		s, ok := x.relSlots.find(x.recIDs(), r.id)
		if !ok {
			t.Fatalf("%s not found", r.id)
		}
		if got := x.recs[s].idHi == derivedID; got != r.derived {
			t.Errorf("%s derived %v, want %v", r.id, got, r.derived)
		}
		if !r.derived {
			stored += textSize(r.id)
		}
		if got := x.relationship(s).ID; got != r.id {
			t.Errorf("%s reads back as %q", r.id, got)
		}
		slots = append(slots, s)
	}
	if want := textSize("") + stored; x.relIDs.size != want {
		t.Errorf("the arena holds %d bytes, want %d: the stored ids alone", x.relIDs.size, want)
	}
	for i, got := range x.relationshipsAt(slots) {
		if got.ID != rels[i].id {
			t.Errorf("%s reads back in a block as %q", rels[i].id, got.ID)
		}
	}
	for i, a := range rels {
		for j, b := range rels {
			if got, want := x.compareRecs(slots[i], slots[j]), strings.Compare(a.id, b.id); got != want {
				t.Errorf("%s against %s orders %d, want %d", a.id, b.id, got, want)
			}
			if got, want := x.recIDs().compareTo(slots[i], b.id), strings.Compare(a.id, b.id); got != want {
				t.Errorf("%s against the string %s orders %d, want %d", a.id, b.id, got, want)
			}
		}
	}
	// A stored id replaced keeps its place; the table finds every id
	// after it grows.
	before := x.relIDs.size
	x.apply(&domain.Change{Relationships: []domain.RelationshipChange{{Op: domain.OpUpdated,
		After: &domain.Relationship{ID: "claim-1", FromID: "b", ToID: "c", Type: domain.RelFunded, Certainty: domain.CertaintyStated}}}})
	if x.relIDs.size != before {
		t.Errorf("replacing claim-1 stored its id again")
	}
	grow := &domain.Change{}
	for i := range 500 {
		id := fmt.Sprintf("e%d", i)
		grow.Entities = append(grow.Entities, domain.EntityChange{Op: domain.OpCreated, After: &domain.Entity{ID: id, Kind: domain.KindEvent, Name: id}})
		grow.Relationships = append(grow.Relationships, domain.RelationshipChange{Op: domain.OpCreated,
			After: &domain.Relationship{ID: id + ".perpetrated.a", FromID: id, ToID: "a", Type: domain.RelPerpetrated, Certainty: domain.CertaintyReported}})
	}
	x.apply(grow)
	for _, r := range rels {
		if _, ok := x.relSlots.find(x.recIDs(), r.id); !ok {
			t.Errorf("%s lost when the table grew", r.id)
		}
	}
	for i := range 500 {
		if _, ok := x.relSlots.find(x.recIDs(), fmt.Sprintf("e%d.perpetrated.a", i)); !ok {
			t.Fatalf("e%d's link not found", i)
		}
	}
}

// TestComparePieces compares random strings cut into random pieces as
// strings.Compare compares them whole.
func TestComparePieces(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 9))
	word := func() string {
		b := make([]byte, rng.IntN(6))
		for i := range b {
			b[i] = "ab."[rng.IntN(3)]
		}
		return string(b)
	}
	cut := func(s string) []string {
		var out []string
		for s != "" {
			n := rng.IntN(len(s) + 1)
			out, s = append(out, s[:n]), s[n:]
		}
		return append(out, "")
	}
	for range 20_000 {
		a, b := word(), word()
		if got, want := comparePieces(cut(a), cut(b)), strings.Compare(a, b); got != want {
			t.Fatalf("%q against %q: %d, want %d", a, b, got, want)
		}
	}
}

// TestSortSlots sorts lists of slots of every size around the radix
// sort's threshold, of small and of large slots, with repeats, as
// slices.Sort does.
func TestSortSlots(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 255, 256, 257, 3000} {
		for _, top := range []int32{1, 2047, 2048, 1 << 21, math.MaxInt32} {
			slots := make([]int32, n)
			for i := range slots {
				slots[i] = rng.Int32N(top)
			}
			want := slices.Sorted(slices.Values(slots))
			sortSlots(slots)
			if !slices.Equal(slots, want) {
				t.Errorf("%d slots below %d: not sorted as slices.Sort sorts them", n, top)
			}
		}
	}
}
