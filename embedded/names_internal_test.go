package embedded

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
)

// TestNameIndexAgreesWithRank renames random entities again and again and
// checks, for texts built from the same words, that the index's candidates
// hold every entity domain.MatchRank accepts, that they are those of an
// index built afresh from the final names, and that the folded names it
// keeps are domain.FoldNames's.
func TestNameIndexAgreesWithRank(t *testing.T) {
	words := []string{"Kidal", "kid", "Mopti", "Front", "front", "U.S.", "us", "USA", "Sahel", "Libération", "liberation", "in", "armed clash", "MLI"}
	rng := rand.New(rand.NewPCG(11, 13))
	pick := func() string {
		s := words[rng.IntN(len(words))]
		for rng.IntN(2) == 0 {
			s += " " + words[rng.IntN(len(words))]
		}
		return s
	}
	entity := func(id string) *domain.Entity {
		e := &domain.Entity{ID: id, Kind: domain.KindArmedGroup, Name: pick()}
		for range rng.IntN(3) {
			e.Aliases = append(e.Aliases, pick())
		}
		if rng.IntN(4) == 0 {
			e.Kind, e.ISO3 = domain.KindCountry, []string{"MLI", "USA", "XXX"}[rng.IntN(3)]
		}
		return e
	}
	ids := []string{"kidal", "us", "MLI", "front", "U.S.", "e1", "e2", "mopti", "Sahel", "liberation"}
	for i := range 40 {
		ids = append(ids, fmt.Sprintf("e%d", i+3))
	}
	slots := map[string]int32{}
	lookup := func(m map[string]int32) func(string) (int32, bool) {
		return func(id string) (int32, bool) { s, ok := m[id]; return s, ok }
	}
	idx := newNameIndex(lookup(slots))
	ents := map[string]*domain.Entity{}
	for range 600 {
		id := ids[rng.IntN(len(ids))]
		slot, ok := slots[id]
		if !ok {
			slot = int32(len(slots))
			slots[id] = slot
		}
		e := entity(id)
		if old := ents[id]; old != nil && rng.IntN(3) == 0 {
			e.Name, e.Aliases = old.Name, old.Aliases // unchanged names
		}
		ents[id] = e
		idx.put(slot, e)
	}
	freshSlots := map[string]int32{}
	fresh := newNameIndex(lookup(freshSlots))
	for id, slot := range slots {
		freshSlots[id] = slot
		fresh.put(slot, ents[id])
	}
	for id, e := range ents {
		if got, want := idx.foldedAt(slots[id], id), domain.FoldNames(e); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: folded names %+v, want %+v", id, got, want)
		}
	}
	texts := append(slices.Clone(ids), words...)
	for range 200 {
		texts = append(texts, pick())
	}
	for _, text := range texts {
		folded := domain.Fold(text)
		got := candidateIDs(idx, slots, folded)
		if want := candidateIDs(fresh, freshSlots, folded); !slices.Equal(got, want) {
			t.Fatalf("%q: candidates %v, an index built afresh gives %v", text, got, want)
		}
		for id, e := range ents {
			if _, ok := domain.MatchRank(e, folded); ok && !slices.Contains(got, id) {
				t.Fatalf("%q matches %s (%q, aliases %q), not among the candidates %v", text, id, e.Name, e.Aliases, got)
			}
		}
	}
}

// candidateIDs are the ids of the index's candidates for folded, sorted.
func candidateIDs(n *nameIndex, slots map[string]int32, folded string) []string {
	byslot := map[int32]string{}
	for id, s := range slots {
		byslot[s] = id
	}
	seen := newVisits(len(slots))
	defer seen.done()
	var out []string
	for _, s := range n.candidates(folded, seen) {
		out = append(out, byslot[s])
	}
	slices.Sort(out)
	return out
}

// TestPostingsMatchReference adds and removes random slots under keys
// that share prefixes, and checks every prefix scan against a plain map:
// keys of one slot, of many, and lists that shrink back to one and are
// reused.
func TestPostingsMatchReference(t *testing.T) {
	keys := []string{"a", "ab", "abc", "abd", "b", "ba", "kid", "kidal", "x"}
	prefixes := append([]string{"", "z", "k", "ki", "kidals"}, keys...)
	rng := rand.New(rand.NewPCG(3, 5))
	p := newPostings()
	want := map[string]map[int32]bool{}
	for step := range 5000 {
		k, slot := keys[rng.IntN(len(keys))], int32(rng.IntN(6))
		if rng.IntN(3) == 0 {
			p.remove(k, slot)
			delete(want[k], slot)
		} else {
			if got := p.add(k, slot); got != k {
				t.Fatalf("step %d: add(%q) gave the key as %q", step, k, got)
			}
			if want[k] == nil {
				want[k] = map[int32]bool{}
			}
			want[k][slot] = true
		}
		for _, pre := range prefixes {
			var got, exp []int32
			p.prefix(pre, func(s int32) { got = append(got, s) })
			for _, key := range keys { // keys is in order
				if len(key) >= len(pre) && key[:len(pre)] == pre {
					var list []int32
					for s := range want[key] {
						list = append(list, s)
					}
					slices.Sort(list)
					exp = append(exp, list...)
				}
			}
			if !slices.Equal(got, exp) {
				t.Fatalf("step %d: prefix %q gave %v, want %v", step, pre, got, exp)
			}
		}
	}
	if inUse := len(p.lists.items) - 1 - len(p.lists.free); p.keys.Len() > len(keys) || inUse > len(keys) {
		t.Errorf("%d keys and %d lists in use for %d keys", p.keys.Len(), inUse, len(keys))
	}
}
