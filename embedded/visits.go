package embedded

import (
	"slices"
	"sync"

	"github.com/conflictgraph/conflictgraph/domain"
)

// visits marks entities by slot, each with a number (a distance, say), for
// one walk of the graph. A mark is valid while its stamp is the current
// generation, so starting a new walk clears nothing: it moves to the next
// generation. A mark's stamp and number sit side by side, one memory read
// for both. Walks take one from visitPool and give it back.
type visits struct {
	gen   uint32
	marks []mark
}

type mark struct {
	stamp uint32
	val   int32
}

var visitPool = sync.Pool{New: func() any { return new(visits) }}

// newVisits returns an empty set of marks for a graph of n slots; done
// gives it back to the pool.
func newVisits(n int) *visits {
	v := visitPool.Get().(*visits)
	if len(v.marks) < n {
		v.marks = slices.Grow(v.marks[:0], n)[:n]
		clear(v.marks)
	}
	v.gen++
	if v.gen == 0 { // after four billion walks the stamps wrap around
		clear(v.marks)
		v.gen = 1
	}
	return v
}

func (v *visits) done() { visitPool.Put(v) }

// has reports whether slot i is marked.
func (v *visits) has(i int32) bool { return v.marks[i].stamp == v.gen }

// get returns slot i's number and whether it is marked.
func (v *visits) get(i int32) (int32, bool) {
	m := v.marks[i]
	if m.stamp != v.gen {
		return 0, false
	}
	return m.val, true
}

// set marks slot i with n.
func (v *visits) set(i, n int32) { v.marks[i] = mark{v.gen, n} }

// unset removes slot i's mark.
func (v *visits) unset(i int32) { v.marks[i].stamp = v.gen - 1 }

// slotBits is a set of slots, a bit each: for a graph of 100k entities
// 12.5 KB, which stays in the processor's first-level cache while a walk
// asks it about every entry of hundreds of adjacency lists, where visits
// holds 8 bytes a slot and most of those questions are about a slot it
// does not hold, a read from far in memory. Sets come from a pool, and
// release clears only the bits that were set.
type slotBits struct{ words []uint64 }

var slotBitsPool = sync.Pool{New: func() any { return new(slotBits) }}

// newSlotBits returns an empty set for a graph of n slots.
func newSlotBits(n int) *slotBits {
	b := slotBitsPool.Get().(*slotBits)
	if w := (n + 63) / 64; len(b.words) < w {
		b.words = make([]uint64, w)
	}
	return b
}

// add puts slot i in the set.
func (b *slotBits) add(i int32) { b.words[uint32(i)/64] |= 1 << (uint32(i) % 64) }

// has reports whether slot i is in the set.
func (b *slotBits) has(i int32) bool { return b.words[uint32(i)/64]&(1<<(uint32(i)%64)) != 0 }

// release empties the set, whose slots are all among slots, and gives it
// back to the pool.
func (b *slotBits) release(slots []int32) {
	for _, i := range slots {
		b.words[uint32(i)/64] = 0
	}
	slotBitsPool.Put(b)
}

// matcher is domain.RelationshipFilter.Match for adjacency entries: the
// direction is read from the entry, and the relationship's record only
// when the filter has a type or date condition.
type matcher struct {
	x     *index
	ends  uint8    // the end the entity must be: endFrom, endTo, or either
	types []uint16 // the filter's types by their numbers in x.types
	typed bool     // the filter names types (none of which the graph may hold)
	asOf  domain.PartialDate
	plain bool // no type or date condition
}

func newMatcher(x *index, f domain.RelationshipFilter) matcher {
	m := matcher{x: x, ends: endFrom | endTo, typed: len(f.Types) > 0, asOf: f.AsOf, plain: len(f.Types) == 0 && f.AsOf.IsZero()}
	for _, t := range f.Types {
		if n, ok := x.types.numbers[string(t)]; ok {
			m.types = append(m.types, n)
		}
	}
	switch f.Direction {
	case domain.DirectionOut:
		m.ends = endFrom
	case domain.DirectionIn:
		m.ends = endTo
	}
	return m
}

func (m matcher) match(e edge) bool {
	if e.ends&m.ends == 0 {
		return false
	}
	if m.plain {
		return true
	}
	return (!m.typed || slices.Contains(m.types, m.x.recs[e.rel].typ)) && m.x.holdsAt(e.rel, m.asOf)
}

// sortSlots sorts slots, which are never negative, in increasing order. A
// neighbourhood gathers thousands of record slots and the whole graph's
// export a million: a radix sort reads each slot twice or three times
// (11 bits a pass), where a comparison sort reads it log n times.
func sortSlots(slots []int32) {
	if len(slots) < 256 {
		slices.Sort(slots)
		return
	}
	const bits, buckets = 11, 1 << 11
	top := slices.Max(slots)
	src, dst := slots, make([]int32, len(slots))
	for shift := 0; shift < 32 && top>>shift > 0; shift += bits {
		var at [buckets]int
		for _, v := range src {
			at[v>>shift&(buckets-1)]++
		}
		sum := 0
		for d, n := range at {
			at[d], sum = sum, sum+n
		}
		for _, v := range src {
			d := v >> shift & (buckets - 1)
			dst[at[d]] = v
			at[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &slots[0] { // an odd number of passes ended in the buffer
		copy(slots, src)
	}
}
