package embedded

import (
	"slices"
	"sync"

	"github.com/conflictgraph/conflictgraph/domain"
)

// visits marks entities by slot, each with a number (a distance, say), for
// one walk of the graph. A mark is valid while its stamp is the current
// generation, so starting a new walk clears nothing: it moves to the next
// generation. Walks take one from visitPool and give it back.
type visits struct {
	gen   uint32
	stamp []uint32
	val   []int32
}

var visitPool = sync.Pool{New: func() any { return new(visits) }}

// newVisits returns an empty set of marks for a graph of n slots; done
// gives it back to the pool.
func newVisits(n int) *visits {
	v := visitPool.Get().(*visits)
	if len(v.stamp) < n {
		v.stamp = slices.Grow(v.stamp[:0], n)[:n]
		v.val = slices.Grow(v.val[:0], n)[:n]
		clear(v.stamp)
	}
	v.gen++
	if v.gen == 0 { // after four billion walks the stamps wrap around
		clear(v.stamp)
		v.gen = 1
	}
	return v
}

func (v *visits) done() { visitPool.Put(v) }

// has reports whether slot i is marked.
func (v *visits) has(i int32) bool { return v.stamp[i] == v.gen }

// get returns slot i's number and whether it is marked.
func (v *visits) get(i int32) (int32, bool) {
	if v.stamp[i] != v.gen {
		return 0, false
	}
	return v.val[i], true
}

// set marks slot i with n.
func (v *visits) set(i, n int32) { v.stamp[i], v.val[i] = v.gen, n }

// unset removes slot i's mark.
func (v *visits) unset(i int32) { v.stamp[i] = v.gen - 1 }

// matcher is domain.RelationshipFilter.Match for adjacency entries: the
// direction is read from the entry, and the relationship itself only when
// the filter has a type or date condition.
type matcher struct {
	ends  uint8 // the end the entity must be: endFrom, endTo, or either
	types []domain.RelationType
	asOf  domain.PartialDate
	plain bool // no type or date condition
}

func newMatcher(f domain.RelationshipFilter) matcher {
	m := matcher{ends: endFrom | endTo, types: f.Types, asOf: f.AsOf, plain: len(f.Types) == 0 && f.AsOf.IsZero()}
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
	return m.plain || (len(m.types) == 0 || slices.Contains(m.types, e.r.Type)) && e.r.HoldsAt(m.asOf)
}
