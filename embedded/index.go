package embedded

import (
	"hash/maphash"
	"slices"
	"sort"
	"sync/atomic"
	"unique"

	"github.com/google/btree"

	"github.com/conflictgraph/conflictgraph/domain"
)

// index is the graph in memory with its lookup structures. Apply changes it
// in place under the store's write lock, one change at a time, so readers
// (under the read lock) see a change whole or not at all. Values it holds
// are never modified: a change replaces them.
//
// Each entity has a slot, a dense number given when it first arrives and
// kept for the life of the store (entities are never removed): walks of the
// graph mark what they reached in arrays indexed by slot (visits)
// and follow adjacency lists that name the other end by slot, so a
// breadth-first step over a hub's hundred thousand links hashes no string.
type index struct {
	sources map[string]*domain.Source
	slots   *slotTable[entIDs]                  // entity id -> slot (slot)
	ents    []ent                               // by slot
	built   []atomic.Pointer[domain.Entity]     // by slot: the domain value a read built, until the entity changes (entityAt)
	ids     []string                            // by slot: the entity's id, read without reaching the entity
	keys    []uint64                            // by slot: idKey of the entity's id
	adj     [][]edge                            // by slot: its relationships sorted by id; a self-loop once
	near    map[int32]*atomic.Pointer[hubOrder] // hubs' lists by the other end's id (byOther)
	recs    []rec                               // live relationships by record slot; a retracted one's is empty
	// recsInIDOrder: every record came after one with a smaller id, so
	// record slots order as ids do (sortByID)
	recsInIDOrder bool
	relSlots      *slotTable[recIDs]              // live relationship id -> record slot
	relIDs        *textArena                      // the records' ids
	lastRecID     string                          // the id of the record last given a slot
	retracted     map[string]*domain.Relationship // taken back: only RelationshipsByIDs sees them
	types         *interner                       // relationship types numbered for recs
	slugs         []string                        // types' slugs by number, for derived ids (typeNumber)
	cites         *citeTable                      // recs' citation lists
	extras        *sideTable[recExtra]            // recs' rarely set fields
	entExtras     *sideTable[entExtra]            // ents' rarely set fields
	aliases       *sideTable[[]string]            // ents' aliases
	categories    *interner                       // entity categories numbered for ents
	// certainties numbered for recs
	certainties *interner
	sourceIDs   *btree.BTreeG[string]
	entityIDs   *btree.BTreeG[string]
	byKind      map[domain.EntityKind]*btree.BTreeG[string] // entity ids per kind
	names       *nameIndex
}

// edge is one relationship in an entity's adjacency list.
type edge struct {
	rel   int32 // the relationship's record slot
	other int32 // the slot at the other end; the entity's own for a self-loop
	ends  uint8 // which ends of the relationship the entity is: endFrom, endTo or both
}

const (
	endFrom uint8 = 1 << iota
	endTo
)

// idKey is an id's first eight bytes, big-endian and zero-padded: keys
// order as their ids do wherever they differ, so most comparisons by id
// read an array instead of two strings (idLess).
func idKey(id string) uint64 {
	var k uint64
	for i := range 8 {
		k <<= 8
		if i < len(id) {
			k |= uint64(id[i])
		}
	}
	return k
}

// idLess orders two slots by their entities' ids.
func (x *index) idLess(a, b int32) bool {
	if ka, kb := x.keys[a], x.keys[b]; ka != kb {
		return ka < kb
	}
	return x.ids[a] < x.ids[b]
}

// compareIDs orders two slots by their entities' ids, as cmp.Compare does.
func (x *index) compareIDs(a, b int32) int {
	switch {
	case a == b:
		return 0
	case x.idLess(a, b):
		return -1
	}
	return 1
}

// entity is the entity with id, or nil.
func (x *index) entity(id string) *domain.Entity {
	if i, ok := x.slot(id); ok {
		return x.entityAt(i)
	}
	return nil
}

// entitiesAt are the entities at slots (entityAt).
func (x *index) entitiesAt(slots []int32) []*domain.Entity {
	out := make([]*domain.Entity, len(slots))
	for i, u := range slots {
		out[i] = x.entityAt(u)
	}
	return out
}

// entitiesOf looks ids up, nil where none has the id.
func (x *index) entitiesOf(ids []string) []*domain.Entity {
	out := make([]*domain.Entity, len(ids))
	for i, id := range ids {
		out[i] = x.entity(id)
	}
	return out
}

// hubList is the list length from which an entity is a hub: walks that
// want its neighbours in id order read them from byOther.
var hubList = 256

// byOther returns slot i's relationships ordered by the other end's id when
// i is a hub, nil otherwise (hubOrder).
func (x *index) byOther(i int32) []edge {
	if o := x.hubOrder(i); o != nil {
		return o.edges
	}
	return nil
}

// hubOrder is a hub's list ordered by the other end's id, with each other
// end's idKey beside it: a search of the list compares numbers the list
// holds, instead of reaching the key of every entity it probes, scattered
// over memory.
type hubOrder struct {
	edges []edge
	keys  []uint64 // keys[i] is the idKey of edges[i].other
}

// hubOrder returns slot i's hubOrder when i is a hub, nil otherwise. It
// is built on the first read after a change to the list, by whichever
// reader comes first (readers share the index under the store's read lock,
// so it is published atomically), and forgotten by the next change.
func (x *index) hubOrder(i int32) *hubOrder {
	p := x.near[i]
	if p == nil {
		return nil
	}
	if o := p.Load(); o != nil {
		return o
	}
	o := &hubOrder{edges: slices.Clone(x.adj[i])}
	slices.SortFunc(o.edges, func(a, b edge) int { return x.compareIDs(a.other, b.other) })
	o.keys = make([]uint64, len(o.edges))
	for j, e := range o.edges {
		o.keys[j] = x.keys[e.other]
	}
	p.Store(o)
	return o
}

// search returns where slot w's relationships begin in o: at the first
// edge whose other end's id is not less than w's.
func (o *hubOrder) search(x *index, w int32) int {
	k := x.keys[w]
	lo, _ := slices.BinarySearch(o.keys, k)
	// Ids that share their key (their first 8 bytes) are told apart by id.
	hi := lo
	for hi < len(o.keys) && o.keys[hi] == k {
		hi++
	}
	at, _ := slices.BinarySearchFunc(o.edges[lo:hi], w, func(e edge, w int32) int { return x.compareIDs(e.other, w) })
	return lo + at
}

// forgetOrder drops slot i's order by the other end after its list changed
// (under the write lock).
func (x *index) forgetOrder(i int32) {
	if len(x.adj[i]) < hubList {
		delete(x.near, i)
		return
	}
	if p := x.near[i]; p != nil {
		p.Store(nil)
	} else {
		x.near[i] = new(atomic.Pointer[hubOrder])
	}
}

// adjacency is the adjacency list of the entity with id (nil for none).
func (x *index) adjacency(id string) []edge {
	if i, ok := x.slot(id); ok {
		return x.adj[i]
	}
	return nil
}

// btreeDegree suits string keys: wide nodes, few levels.
const btreeDegree = 32

func newIDTree() *btree.BTreeG[string] {
	return btree.NewG(btreeDegree, func(a, b string) bool { return a < b })
}

func newIndex() *index {
	x := &index{
		sources:       map[string]*domain.Source{},
		slots:         newSlotTable[entIDs](),
		near:          map[int32]*atomic.Pointer[hubOrder]{},
		relSlots:      newSlotTable[recIDs](),
		relIDs:        newTextArena(),
		recsInIDOrder: true,
		retracted:     map[string]*domain.Relationship{},
		types:         newInterner(),
		cites:         newCiteTable(),
		extras:        newSideTable[recExtra](),
		entExtras:     newSideTable[entExtra](),
		aliases:       newSideTable[[]string](),
		categories:    newInterner(),
		certainties:   newInterner(),
		sourceIDs:     newIDTree(),
		entityIDs:     newIDTree(),
		byKind:        map[domain.EntityKind]*btree.BTreeG[string]{},
	}
	x.names = newNameIndex(x.slot)
	return x
}

// entIDs reads the entities' ids by slot, for the entities' slotTable.
type entIDs []string

func (e entIDs) is(s int32, id string) bool { return e[s] == id }

func (e entIDs) hash(seed maphash.Seed, s int32) uint64 { return maphash.String(seed, e[s]) }

// slot is the slot of the entity with id.
func (x *index) slot(id string) (int32, bool) { return x.slots.find(x.ids, id) }

// endSlot is the slot of a relationship's end, which Plan made sure exists.
func (x *index) endSlot(id string) int32 {
	s, _ := x.slot(id)
	return s
}

// keysAfter lists a tree's keys after after (all of them for ""), at most limit
// (no limit when negative).
func keysAfter(t *btree.BTreeG[string], after string, limit int) []string {
	var out []string
	t.AscendGreaterOrEqual(after, func(id string) bool {
		if id == after && after != "" {
			return true
		}
		if limit >= 0 && len(out) == limit {
			return false
		}
		out = append(out, id)
		return true
	})
	return out
}

// apply makes the index hold what ch says each element became.
func (x *index) apply(ch *domain.Change) {
	for _, sc := range ch.Sources {
		x.sources[sc.After.ID] = sc.After
		x.sourceIDs.ReplaceOrInsert(sc.After.ID)
	}
	for _, ec := range ch.Entities {
		x.putEntity(ec.After)
	}
	adj := newAdjacencyEdit(x)
	for _, rc := range ch.Relationships {
		r := rc.After
		i, live := x.relSlots.find(x.recIDs(), r.ID)
		if live {
			adj.remove(i) // from the lists of the ends it had
		}
		if r.Retraction != nil {
			if live {
				x.relSlots.remove(x.recIDs(), r.ID)
				x.forget(i)
				x.recs[i] = rec{}
			}
			x.retracted[r.ID] = r
			continue
		}
		delete(x.retracted, r.ID)
		if live {
			c := x.record(r, x.endSlot(r.FromID), x.endSlot(r.ToID), &x.recs[i])
			x.forget(i)
			x.recs[i] = c
		} else {
			i = int32(len(x.recs))
			x.recsInIDOrder = x.recsInIDOrder && (i == 0 || x.lastRecID < r.ID)
			x.lastRecID = r.ID
			x.recs = append(x.recs, x.record(r, x.endSlot(r.FromID), x.endSlot(r.ToID), nil))
			x.relSlots.insert(x.recIDs(), i)
		}
		adj.add(i)
	}
	adj.commit()
	x.cites.settle()
}

func (x *index) putEntity(e *domain.Entity) {
	c := x.compact(e)
	i, ok := x.slot(e.ID)
	if ok {
		if old := x.kindAt(i); old != e.Kind {
			x.byKind[old].Delete(e.ID)
		}
		x.forgetEntity(i)
		x.ents[i] = c
		x.built[i].Store(nil)
	} else {
		i = int32(len(x.ents))
		x.ents = append(x.ents, c)
		x.built = append(x.built, atomic.Pointer[domain.Entity]{})
		x.ids = append(x.ids, e.ID)
		x.slots.insert(x.ids, i)
		x.keys = append(x.keys, idKey(e.ID))
		x.adj = append(x.adj, nil)
	}
	x.entityIDs.ReplaceOrInsert(e.ID)
	kind := x.byKind[e.Kind]
	if kind == nil {
		kind = newIDTree()
		x.byKind[e.Kind] = kind
	}
	kind.ReplaceOrInsert(e.ID)
	x.names.put(i, e)
}

// shared is s held once for all equal strings (unique.Make): a million
// imported events share a few thousand names, places, summaries and
// categories ("Armed clash in Kidal", "Kidal, Tin-Essako, Kidal, Mali").
func shared(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
}

// adjacencyEdit gathers one change's edits to the adjacency lists and
// rewrites each touched list once: a hub that a change links a thousand
// times is sorted once, not a thousand times.
type adjacencyEdit struct {
	x       *index
	removed map[int32]map[int32]bool // slot -> record slots leaving its list
	added   map[int32][]edge
}

func newAdjacencyEdit(x *index) *adjacencyEdit {
	return &adjacencyEdit{x: x, removed: map[int32]map[int32]bool{}, added: map[int32][]edge{}}
}

// edges are the entries of the relationship at record slot rel in its
// ends' lists, with the slots they go in. domain.Plan admits a
// relationship only between entities the graph holds, and a change's
// entities are indexed before its relationships.
func (a *adjacencyEdit) edges(rel int32) (slots [2]int32, edges [2]edge, n int) {
	from, to := a.x.recs[rel].from, a.x.recs[rel].to
	if from == to {
		return [2]int32{from}, [2]edge{{rel: rel, other: from, ends: endFrom | endTo}}, 1
	}
	return [2]int32{from, to}, [2]edge{{rel: rel, other: to, ends: endFrom}, {rel: rel, other: from, ends: endTo}}, 2
}

// remove takes the relationship at record slot rel, as it stands, out of
// its ends' lists.
func (a *adjacencyEdit) remove(rel int32) {
	slots, _, n := a.edges(rel)
	for _, i := range slots[:n] {
		if a.removed[i] == nil {
			a.removed[i] = map[int32]bool{}
		}
		a.removed[i][rel] = true
		// A relationship added earlier in the same change and now
		// replaced leaves the pending additions too.
		a.added[i] = slices.DeleteFunc(a.added[i], func(e edge) bool { return e.rel == rel })
	}
}

// add puts the relationship at record slot rel into its ends' lists.
func (a *adjacencyEdit) add(rel int32) {
	slots, edges, n := a.edges(rel)
	for k, i := range slots[:n] {
		a.added[i] = append(a.added[i], edges[k])
	}
}

func (a *adjacencyEdit) commit() {
	for i := range a.added {
		a.rewrite(i)
	}
	for i := range a.removed {
		if _, done := a.added[i]; !done {
			a.rewrite(i)
		}
	}
}

// rewrite gives slot i's list what the change takes from it and adds to it.
func (a *adjacencyEdit) rewrite(i int32) {
	list := a.x.adj[i]
	if gone := a.removed[i]; len(gone) > 0 {
		list = slices.DeleteFunc(slices.Clone(list), func(e edge) bool { return gone[e.rel] })
	}
	if add := a.added[i]; len(add) > 0 {
		slices.SortFunc(add, func(e, f edge) int { return a.x.compareRecs(e.rel, f.rel) })
		list = a.x.mergeByID(list, add)
	}
	if len(list) == 0 {
		list = nil
	}
	a.x.adj[i] = list
	a.x.forgetOrder(i)
}

// mergeByID merges b, sorted by relationship id, into a, sorted the same
// way. A hub's list holds hundreds of thousands of relationships and every
// change set of an import adds to it, so the merge never compares a's ids
// one by one: when b's ids all follow a's (an import's ids mostly rise) b
// is appended to a in place, which readers cannot see as they read only
// under the store's read lock; otherwise each of b's places in a is found
// by binary search and a is copied between them.
func (x *index) mergeByID(a, b []edge) []edge {
	if len(a) == 0 || x.compareRecs(a[len(a)-1].rel, b[0].rel) <= 0 {
		return append(a, b...)
	}
	out := make([]edge, 0, len(a)+len(b))
	i := 0
	for _, e := range b {
		at := i + sort.Search(len(a)-i, func(k int) bool { return x.compareRecs(a[i+k].rel, e.rel) > 0 })
		out = append(out, a[i:at]...)
		out = append(out, e)
		i = at
	}
	return append(out, a[i:]...)
}
