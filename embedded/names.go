package embedded

import (
	"slices"
	"strings"

	"github.com/google/btree"

	"github.com/conflictgraph/conflictgraph/domain"
)

// nameIndex finds the entities a search text can match: by exact folded
// name, alias, id or country code, by prefix of a name or alias, and by
// prefix of one of their words. domain.RankFolded then ranks the
// candidates with the names folded here once.
//
// An import of a million events gives many of them the same name ("Armed
// clash in Kidal") and nearly all of them the same few words, so names and
// words are inverted lists: each distinct key is held once, with the slots
// of the entities that have it, and an entity keeps its folded name as the
// list's own key. Entities come and go one at a time, so the keys are
// also kept sorted in a B-tree, for prefixes.
type nameIndex struct {
	slot func(id string) (int32, bool) // the index's slot of an entity: an id that folds to itself is found there
	name []string                      // by slot: the entity's folded name, the key of its list in names
	// more holds the rest of an entity's folded names when it has any:
	// aliases, codes, or an id that folding changes. Most imported
	// entities have none.
	more   map[int32]*moreNames
	exact  map[string][]int32 // folded ids that are not ids, and codes -> slots
	names  *postings          // folded names and aliases
	tokens *postings          // words of names and aliases
}

// moreNames are the folded names of an entity beyond its id and name.
type moreNames struct {
	id      string // the id folded, when folding changes it
	aliases []string
	codes   []string // codes that are not among its names
}

func newNameIndex(slot func(id string) (int32, bool)) *nameIndex {
	return &nameIndex{
		slot:   slot,
		more:   map[int32]*moreNames{},
		exact:  map[string][]int32{},
		names:  newPostings(),
		tokens: newPostings(),
	}
}

// foldedAt gives the folded names of the entity with id at slot.
func (n *nameIndex) foldedAt(slot int32, id string) domain.FoldedNames {
	f := domain.FoldedNames{ID: id}
	if int(slot) < len(n.name) {
		f.Name = n.name[slot]
	}
	if m := n.more[slot]; m != nil {
		if m.id != "" {
			f.ID = m.id
		}
		f.Aliases, f.Codes = m.aliases, m.codes
	}
	if f.Aliases == nil {
		f.Aliases = []string{}
	}
	return f
}

// searchKeys are the folded names and aliases an entity is found by
// prefix and by word, once each: its id is not among them (domain.MatchRank
// never matches an id by prefix or by word).
func searchKeys(f domain.FoldedNames) []string {
	keys := append([]string{f.Name}, f.Aliases...)
	slices.Sort(keys)
	return slices.Compact(keys)
}

// exactKeys are the keys of an entity in the exact map: its id folded when
// folding changes it, and its country codes that are not among its names
// (found whole, never by prefix: see domain.FoldedNames).
func exactKeys(f domain.FoldedNames, id string) []string {
	var out []string
	if f.ID != id {
		out = append(out, f.ID)
	}
	for _, c := range f.Codes {
		if c != f.Name && c != f.ID && !slices.Contains(f.Aliases, c) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// put indexes the names of e, at slot, in place of those it had.
func (n *nameIndex) put(slot int32, e *domain.Entity) {
	f := domain.FoldNames(e)
	if int(slot) < len(n.name) {
		old := n.foldedAt(slot, e.ID)
		if sameNames(old, f) {
			return
		}
		n.remove(slot, old, e.ID)
	} else {
		n.name = append(n.name, make([]string, int(slot)+1-len(n.name))...)
	}
	for _, k := range searchKeys(f) {
		k = n.names.add(k, slot)
		if k == f.Name {
			n.name[slot] = k // the list's key: the name held once
		}
		for _, t := range domain.Tokens(k) {
			n.tokens.add(t, slot)
		}
	}
	exact := exactKeys(f, e.ID)
	for _, k := range exact {
		n.exact[k] = append(n.exact[k], slot)
	}
	if f.ID != e.ID || len(f.Aliases) > 0 || len(f.Codes) > 0 {
		m := &moreNames{aliases: f.Aliases, codes: f.Codes}
		if f.ID != e.ID {
			m.id = f.ID
		}
		n.more[slot] = m
	}
}

// sameNames reports whether two entities' folded names are the same.
func sameNames(a, b domain.FoldedNames) bool {
	return a.ID == b.ID && a.Name == b.Name && slices.Equal(a.Aliases, b.Aliases) && slices.Equal(a.Codes, b.Codes)
}

// remove forgets the names f of the entity with id at slot.
func (n *nameIndex) remove(slot int32, f domain.FoldedNames, id string) {
	for _, k := range searchKeys(f) {
		n.names.remove(k, slot)
		for _, t := range domain.Tokens(k) {
			n.tokens.remove(t, slot)
		}
	}
	for _, k := range exactKeys(f, id) {
		if rest := slices.DeleteFunc(n.exact[k], func(x int32) bool { return x == slot }); len(rest) > 0 {
			n.exact[k] = rest
		} else {
			delete(n.exact, k)
		}
	}
	delete(n.more, slot)
	n.name[slot] = ""
}

// candidates returns, without duplicates, the slots of entities that may
// match the folded text: a superset of those domain.MatchRank accepts.
// seen marks the slots given, for a graph of its size.
func (n *nameIndex) candidates(folded string, seen *visits) []int32 {
	var out []int32
	add := func(slot int32) {
		if !seen.has(slot) {
			seen.set(slot, 0)
			out = append(out, slot)
		}
	}
	if slot, ok := n.slot(folded); ok {
		if m := n.more[slot]; m == nil || m.id == "" {
			add(slot) // an id that folds to itself
		}
	}
	for _, slot := range n.exact[folded] {
		add(slot)
	}
	n.names.prefix(folded, add)
	// A token match needs every word; the entities with the first word
	// are enough candidates.
	if words := domain.Tokens(folded); len(words) > 0 {
		n.tokens.prefix(words[0], add)
	}
	return out
}

// postings are inverted lists: for each distinct key, the slots that have
// it, in ascending order. The keys are kept in order, for prefix scans, in
// a B-tree that holds the lists too, and no map beside it: most keys of a
// curated graph (names, aliases, the rarer words) belong to one entity,
// and a map entry and a list of one for each of those cost more than the
// key itself (a heap profile of the scale benchmark's 100k entities put
// them at 130 bytes a key).
type postings struct {
	keys  *btree.BTreeG[posting]
	lists *sideTable[[]int32] // the lists of two slots or more
}

// posting is a key and its slots: the one slot that has it, or, with
// manyBit set, the number of its list in postings.lists.
type posting struct {
	key string
	v   uint32
}

// manyBit marks a posting whose key has a list of slots: slots are
// int32s, never negative, so a lone slot never sets it.
const manyBit = 1 << 31

func newPostings() *postings {
	return &postings{keys: btree.NewG(btreeDegree, func(a, b posting) bool { return a.key < b.key }), lists: newSideTable[[]int32]()}
}

// slots gives the slots of l, ascending, in one (which it may return).
func (p *postings) slots(l posting, one *[1]int32) []int32 {
	if l.v&manyBit != 0 {
		return p.lists.items[l.v&^manyBit]
	}
	one[0] = int32(l.v)
	return one[:]
}

// add puts slot in key's list and returns the key as the list holds it,
// for callers to share rather than keep a copy.
func (p *postings) add(key string, slot int32) string {
	l, ok := p.keys.Get(posting{key: key})
	switch {
	case !ok:
		key = strings.Clone(key)
		p.keys.ReplaceOrInsert(posting{key: key, v: uint32(slot)})
		return key
	case l.v&manyBit == 0:
		if int32(l.v) == slot {
			return l.key
		}
		pair := []int32{int32(l.v), slot}
		if pair[1] < pair[0] {
			pair[0], pair[1] = pair[1], pair[0]
		}
		l.v = manyBit | p.lists.add(pair)
		p.keys.ReplaceOrInsert(l)
	default:
		list := p.lists.items[l.v&^manyBit]
		// New entities take new, higher slots: the list mostly grows at its end.
		if n := len(list); list[n-1] < slot {
			list = append(list, slot)
		} else if i, found := slices.BinarySearch(list, slot); !found {
			list = slices.Insert(list, i, slot)
		}
		p.lists.items[l.v&^manyBit] = list
	}
	return l.key
}

// remove takes slot out of key's list, and the key when no slot is left.
func (p *postings) remove(key string, slot int32) {
	l, ok := p.keys.Get(posting{key: key})
	if !ok {
		return
	}
	if l.v&manyBit == 0 {
		if int32(l.v) == slot {
			p.keys.Delete(l)
		}
		return
	}
	n := l.v &^ manyBit
	list := p.lists.items[n]
	i, found := slices.BinarySearch(list, slot)
	if !found {
		return
	}
	list = slices.Delete(list, i, i+1)
	if len(list) > 1 {
		p.lists.items[n] = list
		return
	}
	// One slot left: it goes back in the posting.
	p.lists.release(n)
	l.v = uint32(list[0])
	p.keys.ReplaceOrInsert(l)
}

// prefix calls fn with every slot of every key that starts with prefix,
// key by key in key order.
func (p *postings) prefix(prefix string, fn func(slot int32)) {
	var one [1]int32
	p.keys.AscendGreaterOrEqual(posting{key: prefix}, func(l posting) bool {
		if !strings.HasPrefix(l.key, prefix) {
			return false
		}
		for _, s := range p.slots(l, &one) {
			fn(s)
		}
		return true
	})
}
