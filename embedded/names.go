package embedded

import (
	"slices"
	"strings"

	"github.com/google/btree"

	"github.com/conflictgraph/conflictgraph/domain"
)

// nameIndex finds the entities a search text can match: by exact folded
// name, alias, id or country code, by prefix of a name or alias, and by
// prefix of one of their words. domain.RankFolded then ranks the candidates with the names
// folded here once. Entities come and go one at a time, so the sorted keys
// live in B-trees. Entities are named by slot: a million imported events
// would otherwise hold their ids again in every entry.
type nameIndex struct {
	folded []domain.FoldedNames // by slot: the entity's names, folded
	exact  map[string][]int32   // folded name, alias, id or code -> slots
	names  *btree.BTreeG[keyed] // folded names and aliases
	tokens *btree.BTreeG[keyed] // words of names and aliases
}

type keyed struct {
	key  string
	slot int32
}

func lessKeyed(a, b keyed) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	return a.slot < b.slot
}

func newNameIndex() *nameIndex {
	return &nameIndex{
		exact:  map[string][]int32{},
		names:  btree.NewG(btreeDegree, lessKeyed),
		tokens: btree.NewG(btreeDegree, lessKeyed),
	}
}

// nameKeys are an entity's distinct folded names: id, name and aliases.
func nameKeys(f domain.FoldedNames) []string {
	keys := append([]string{f.ID, f.Name}, f.Aliases...)
	slices.Sort(keys)
	return slices.Compact(keys)
}

// codeKeys are an entity's country codes that are not already among its
// names: they match whole, never by prefix (see domain.FoldedNames).
func codeKeys(f domain.FoldedNames, names []string) []string {
	var out []string
	for _, c := range f.Codes {
		if !slices.Contains(names, c) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// add indexes e's names. The id is found whole only (domain.MatchRank
// never matches it by prefix or by word), so only the exact map holds it:
// an import of a million events would otherwise put each id's words in the
// B-trees for nothing.
func (n *nameIndex) add(slot int32, e *domain.Entity) {
	f := domain.FoldNames(e)
	if int(slot) >= len(n.folded) {
		n.folded = append(n.folded, make([]domain.FoldedNames, int(slot)+1-len(n.folded))...)
	}
	n.folded[slot] = f
	names := nameKeys(f)
	for _, k := range names {
		n.exact[k] = append(n.exact[k], slot)
	}
	for _, k := range searchKeys(f) {
		n.names.ReplaceOrInsert(keyed{k, slot})
		for _, t := range domain.Tokens(k) {
			n.tokens.ReplaceOrInsert(keyed{t, slot})
		}
	}
	for _, c := range codeKeys(f, names) {
		n.exact[c] = append(n.exact[c], slot)
	}
}

// searchKeys are the folded names and aliases an entity is found by
// prefix and by word: its id is not among them.
func searchKeys(f domain.FoldedNames) []string {
	keys := append([]string{f.Name}, f.Aliases...)
	slices.Sort(keys)
	return slices.Compact(keys)
}

// remove forgets the names of the entity at slot.
func (n *nameIndex) remove(slot int32) {
	if int(slot) >= len(n.folded) {
		return
	}
	f := n.folded[slot]
	n.folded[slot] = domain.FoldedNames{}
	unexact := func(k string) {
		if rest := slices.DeleteFunc(n.exact[k], func(x int32) bool { return x == slot }); len(rest) > 0 {
			n.exact[k] = rest
		} else {
			delete(n.exact, k)
		}
	}
	names := nameKeys(f)
	for _, k := range names {
		unexact(k)
	}
	for _, k := range searchKeys(f) {
		n.names.Delete(keyed{k, slot})
		for _, t := range domain.Tokens(k) {
			n.tokens.Delete(keyed{t, slot})
		}
	}
	for _, c := range codeKeys(f, names) {
		unexact(c)
	}
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
	for _, slot := range n.exact[folded] {
		add(slot)
	}
	prefixRange(n.names, folded, add)
	// A token match needs every word; the entities with the first word
	// are enough candidates.
	if words := domain.Tokens(folded); len(words) > 0 {
		prefixRange(n.tokens, words[0], add)
	}
	return out
}

// prefixRange calls fn with the slot of each entry whose key starts with
// prefix, in key order.
func prefixRange(t *btree.BTreeG[keyed], prefix string, fn func(slot int32)) {
	t.AscendGreaterOrEqual(keyed{key: prefix, slot: -1}, func(k keyed) bool {
		if !strings.HasPrefix(k.key, prefix) {
			return false
		}
		fn(k.slot)
		return true
	})
}
