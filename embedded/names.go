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
// live in B-trees.
type nameIndex struct {
	folded map[string]domain.FoldedNames // entity id -> its names, folded
	exact  map[string][]string           // folded name, alias, id or code -> entity ids
	names  *btree.BTreeG[keyed]          // folded names and aliases
	tokens *btree.BTreeG[keyed]          // words of names and aliases
}

type keyed struct {
	key string
	id  string
}

func lessKeyed(a, b keyed) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	return a.id < b.id
}

func newNameIndex() *nameIndex {
	return &nameIndex{
		folded: map[string]domain.FoldedNames{},
		exact:  map[string][]string{},
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
func (n *nameIndex) add(e *domain.Entity) {
	f := domain.FoldNames(e)
	n.folded[e.ID] = f
	names := nameKeys(f)
	for _, k := range names {
		n.exact[k] = append(n.exact[k], e.ID)
	}
	for _, k := range searchKeys(f) {
		n.names.ReplaceOrInsert(keyed{k, e.ID})
		for _, t := range domain.Tokens(k) {
			n.tokens.ReplaceOrInsert(keyed{t, e.ID})
		}
	}
	for _, c := range codeKeys(f, names) {
		n.exact[c] = append(n.exact[c], e.ID)
	}
}

// searchKeys are the folded names and aliases an entity is found by
// prefix and by word: its id is not among them.
func searchKeys(f domain.FoldedNames) []string {
	keys := append([]string{f.Name}, f.Aliases...)
	slices.Sort(keys)
	return slices.Compact(keys)
}

// remove forgets the names of the entity with id.
func (n *nameIndex) remove(id string) {
	f, ok := n.folded[id]
	if !ok {
		return
	}
	delete(n.folded, id)
	unexact := func(k string) {
		if rest := slices.DeleteFunc(n.exact[k], func(x string) bool { return x == id }); len(rest) > 0 {
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
		n.names.Delete(keyed{k, id})
		for _, t := range domain.Tokens(k) {
			n.tokens.Delete(keyed{t, id})
		}
	}
	for _, c := range codeKeys(f, names) {
		unexact(c)
	}
}

// foldedNames gives an indexed entity's folded names, for domain.RankFolded.
func (n *nameIndex) foldedNames(e *domain.Entity) domain.FoldedNames { return n.folded[e.ID] }

// candidates returns, without duplicates, the ids of entities that may match
// the folded text: a superset of those domain.MatchRank accepts.
func (n *nameIndex) candidates(folded string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, id := range n.exact[folded] {
		add(id)
	}
	prefixRange(n.names, folded, add)
	// A token match needs every word; the entities with the first word
	// are enough candidates.
	if words := domain.Tokens(folded); len(words) > 0 {
		prefixRange(n.tokens, words[0], add)
	}
	return out
}

// prefixRange calls fn with the id of each entry whose key starts with
// prefix, in key order.
func prefixRange(t *btree.BTreeG[keyed], prefix string, fn func(id string)) {
	t.AscendGreaterOrEqual(keyed{key: prefix}, func(k keyed) bool {
		if !strings.HasPrefix(k.key, prefix) {
			return false
		}
		fn(k.id)
		return true
	})
}
