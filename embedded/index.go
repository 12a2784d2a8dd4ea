package embedded

import (
	"slices"
	"sort"
	"strings"

	"github.com/google/btree"

	"github.com/conflictgraph/conflictgraph/domain"
)

// index is the graph in memory with its lookup structures. Apply changes it
// in place under the store's write lock, one change at a time, so readers
// (under the read lock) see a change whole or not at all. Values it holds
// are never modified: a change replaces them.
type index struct {
	sources   map[string]*domain.Source
	entities  map[string]*domain.Entity
	rels      map[string]*domain.Relationship // live relationships
	retracted map[string]*domain.Relationship // taken back: only RelationshipsByIDs sees them
	sourceIDs *btree.BTreeG[string]
	entityIDs *btree.BTreeG[string]
	relIDs    *btree.BTreeG[string]                       // live relationships
	byKind    map[domain.EntityKind]*btree.BTreeG[string] // entity ids per kind
	adjacency map[string][]*domain.Relationship           // per entity, sorted by id; a self-loop once
	names     *nameIndex
}

// btreeDegree suits string keys: wide nodes, few levels.
const btreeDegree = 32

func newIDTree() *btree.BTreeG[string] {
	return btree.NewG(btreeDegree, func(a, b string) bool { return a < b })
}

func newIndex() *index {
	return &index{
		sources:   map[string]*domain.Source{},
		entities:  map[string]*domain.Entity{},
		rels:      map[string]*domain.Relationship{},
		retracted: map[string]*domain.Relationship{},
		sourceIDs: newIDTree(),
		entityIDs: newIDTree(),
		relIDs:    newIDTree(),
		byKind:    map[domain.EntityKind]*btree.BTreeG[string]{},
		adjacency: map[string][]*domain.Relationship{},
		names:     newNameIndex(),
	}
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
		if old := x.rels[r.ID]; old != nil {
			adj.remove(old)
		}
		if r.Retraction != nil {
			delete(x.rels, r.ID)
			x.relIDs.Delete(r.ID)
			x.retracted[r.ID] = r
			continue
		}
		x.rels[r.ID] = r
		x.relIDs.ReplaceOrInsert(r.ID)
		adj.add(r)
	}
	adj.commit()
}

func (x *index) putEntity(e *domain.Entity) {
	if old := x.entities[e.ID]; old != nil {
		if old.Kind != e.Kind {
			x.byKind[old.Kind].Delete(e.ID)
		}
		x.names.remove(e.ID)
	}
	x.entities[e.ID] = e
	x.entityIDs.ReplaceOrInsert(e.ID)
	kind := x.byKind[e.Kind]
	if kind == nil {
		kind = newIDTree()
		x.byKind[e.Kind] = kind
	}
	kind.ReplaceOrInsert(e.ID)
	x.names.add(e)
}

// adjacencyEdit gathers one change's edits to the adjacency lists and
// rewrites each touched list once: a hub that a change links a thousand
// times is sorted once, not a thousand times.
type adjacencyEdit struct {
	x       *index
	removed map[string]map[string]bool // entity id -> relationship ids leaving its list
	added   map[string][]*domain.Relationship
}

func newAdjacencyEdit(x *index) *adjacencyEdit {
	return &adjacencyEdit{x: x, removed: map[string]map[string]bool{}, added: map[string][]*domain.Relationship{}}
}

func (a *adjacencyEdit) ends(r *domain.Relationship) []string {
	if r.FromID == r.ToID {
		return []string{r.FromID}
	}
	return []string{r.FromID, r.ToID}
}

func (a *adjacencyEdit) remove(r *domain.Relationship) {
	for _, id := range a.ends(r) {
		if a.removed[id] == nil {
			a.removed[id] = map[string]bool{}
		}
		a.removed[id][r.ID] = true
		// A relationship added earlier in the same change and now
		// replaced leaves the pending additions too.
		a.added[id] = slices.DeleteFunc(a.added[id], func(x *domain.Relationship) bool { return x.ID == r.ID })
	}
}

func (a *adjacencyEdit) add(r *domain.Relationship) {
	for _, id := range a.ends(r) {
		a.added[id] = append(a.added[id], r)
	}
}

func (a *adjacencyEdit) commit() {
	touched := map[string]bool{}
	for id := range a.removed {
		touched[id] = true
	}
	for id := range a.added {
		touched[id] = true
	}
	for id := range touched {
		list := a.x.adjacency[id]
		if gone := a.removed[id]; len(gone) > 0 {
			list = slices.DeleteFunc(slices.Clone(list), func(r *domain.Relationship) bool { return gone[r.ID] })
		}
		if add := a.added[id]; len(add) > 0 {
			slices.SortFunc(add, byID)
			list = mergeByID(list, add)
		}
		if len(list) == 0 {
			delete(a.x.adjacency, id)
		} else {
			a.x.adjacency[id] = list
		}
	}
}

func byID(a, b *domain.Relationship) int { return strings.Compare(a.ID, b.ID) }

// mergeByID merges b, sorted by id, into a, sorted by id. A hub's list
// holds hundreds of thousands of relationships and every change set of an
// import adds to it, so the merge never compares a's ids one by one: when
// b's ids all follow a's (an import's ids mostly rise) b is appended to a
// in place, which readers cannot see as they read only under the store's
// read lock; otherwise each of b's places in a is found by binary search
// and a is copied between them.
func mergeByID(a, b []*domain.Relationship) []*domain.Relationship {
	if len(a) == 0 || a[len(a)-1].ID <= b[0].ID {
		return append(a, b...)
	}
	out := make([]*domain.Relationship, 0, len(a)+len(b))
	i := 0
	for _, r := range b {
		at := i + sort.Search(len(a)-i, func(k int) bool { return a[i+k].ID > r.ID })
		out = append(out, a[i:at]...)
		out = append(out, r)
		i = at
	}
	return append(out, a[i:]...)
}
