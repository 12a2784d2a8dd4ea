package embedded

import (
	"slices"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
)

// nameIndex finds the entities a search text can match: by exact folded
// name, alias, id or country code, by prefix of a name or alias, and by
// prefix of one of their words. domain.RankFolded then ranks the candidates with the names
// folded here once.
type nameIndex struct {
	folded map[string]domain.FoldedNames // entity id -> its names, folded
	exact  map[string][]string           // folded name, alias or id -> entity ids
	names  []keyed                       // folded names and aliases, sorted
	tokens []keyed                       // words of names and aliases, sorted
}

type keyed struct {
	key string
	id  string
}

func compareKeyed(a, b keyed) int {
	if c := strings.Compare(a.key, b.key); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

func newNameIndex(ids []string, entities map[string]*domain.Entity) *nameIndex {
	n := &nameIndex{folded: make(map[string]domain.FoldedNames, len(ids)), exact: map[string][]string{}}
	for _, id := range ids {
		f := domain.FoldNames(entities[id])
		n.folded[id] = f
		keys := append([]string{f.ID, f.Name}, f.Aliases...)
		slices.Sort(keys)
		for _, k := range slices.Compact(keys) {
			n.exact[k] = append(n.exact[k], id)
			n.names = append(n.names, keyed{k, id})
			for _, t := range domain.Tokens(k) {
				n.tokens = append(n.tokens, keyed{t, id})
			}
		}
		// Codes match whole, never by prefix (see domain.FoldedNames).
		for _, c := range f.Codes {
			if !slices.Contains(keys, c) {
				n.exact[c] = append(n.exact[c], id)
			}
		}
	}
	slices.SortFunc(n.names, compareKeyed)
	slices.SortFunc(n.tokens, compareKeyed)
	n.tokens = slices.Compact(n.tokens)
	return n
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
	for _, k := range prefixRange(n.names, folded) {
		add(k.id)
	}
	// A token match needs every word; the entities with the first word
	// are enough candidates.
	if words := domain.Tokens(folded); len(words) > 0 {
		for _, k := range prefixRange(n.tokens, words[0]) {
			add(k.id)
		}
	}
	return out
}

// prefixRange returns the entries of sorted whose key starts with prefix.
func prefixRange(sorted []keyed, prefix string) []keyed {
	start, _ := slices.BinarySearchFunc(sorted, prefix, func(k keyed, p string) int { return strings.Compare(k.key, p) })
	end := start
	for end < len(sorted) && strings.HasPrefix(sorted[end].key, prefix) {
		end++
	}
	return sorted[start:end]
}
