package domain

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// Fold prepares text for matching: lower case, diacritics removed ("Kéïta"
// becomes "keita"), typographic quotes made plain, runs of space joined, and
// the dots of abbreviations dropped, so that "U.S." and "U.N.-backed" fold
// to "us" and "un-backed" and are found by "US" and "UN". A dot is an
// abbreviation's when it follows a letter that starts a word ("U.", "S." of
// "U.S."); the dot of "St." or "Capt." is kept, and so are decimal points.
// Folding twice changes nothing.
func Fold(s string) string {
	if folded(s) {
		return s
	}
	// Only text beyond ASCII can hold diacritics to decompose.
	if !ascii(s) {
		s = norm.NFD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	// wordStart: the next letter starts a word. initial: the last rune
	// written is a letter that started one, so a dot after it is dropped
	// (and any dots that follow: "U..S" folds as "U.S" does).
	wordStart, initial := true, false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			wordStart, initial = true, false
			continue
		case r == '.' && initial:
			wordStart = true // "S" of "U.S." is an initial too
			continue
		case r == '\u2018' || r == '\u2019' || r == '`':
			r = '\''
		case r == '\u201c' || r == '\u201d':
			r = '"'
		case r == '\u2010' || r == '\u2011' || r == '\u2013' || r == '\u2014':
			r = '-'
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		letter := unicode.IsLetter(r)
		initial = letter && wordStart
		wordStart = !letter && !unicode.IsDigit(r)
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// folded reports whether Fold would return s as it is: ASCII with no
// upper case, no backtick, no dot and single inner spaces. Most names and
// every search text already folded are, and are returned without a copy.
func folded(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf, c >= 'A' && c <= 'Z', c == '`', c == '.':
			return false
		case c == ' ':
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
		case c < ' ' || c == 0x7f:
			// Control characters: tabs and newlines are spaces to
			// join, and the rest are left to the full path.
			return false
		}
	}
	return true
}

// Tokens splits folded text into words of letters and digits.
func Tokens(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// The ranks MatchRank gives, best first.
const (
	RankExact  = iota // the id or the name, folded, equals the text
	RankAlias         // an alias, or a country's ISO 3166 code, equals the text
	RankPrefix        // the name or an alias starts with the text
	RankTokens        // every word of the text starts a word of the name or an alias
)

// FoldedNames holds an entity's id, name, aliases and codes folded once, so
// that a store that keeps them need not fold them again for every search.
type FoldedNames struct {
	ID, Name string
	Aliases  []string
	// Codes are a country's ISO 3166-1 codes, alpha-3 and alpha-2 ("usa",
	// "us"): found only when the text is the whole code, so that "us"
	// finds the United States without every name starting "us" also
	// matching a code.
	Codes []string
}

// FoldNames folds e's id, name, aliases and country codes.
func FoldNames(e *Entity) FoldedNames {
	n := FoldedNames{ID: Fold(e.ID), Name: Fold(e.Name), Aliases: make([]string, len(e.Aliases))}
	for i, a := range e.Aliases {
		n.Aliases[i] = Fold(a)
	}
	for _, c := range CountryCodes(e) {
		n.Codes = append(n.Codes, Fold(c))
	}
	return n
}

// CountryCodes returns a country's ISO 3166-1 codes: its alpha-3 code (the
// iso3 attribute, "USA") and the alpha-2 code of the same country ("US"),
// from the ISO 3166 table of golang.org/x/text/language. An iso3 that is not
// a country's alpha-3 code yields itself alone; other kinds have none.
func CountryCodes(e *Entity) []string {
	if e.Kind != KindCountry || e.ISO3 == "" {
		return nil
	}
	codes := []string{e.ISO3}
	if r, err := language.ParseRegion(e.ISO3); err == nil && r.IsCountry() && r.ISO3() == strings.ToUpper(e.ISO3) {
		codes = append(codes, r.String())
	}
	return codes
}

// ValidISO3 reports whether code is the ISO 3166-1 alpha-3 code of a
// country, in capitals ("MLI", not "mli" or "XXX").
func ValidISO3(code string) bool {
	r, err := language.ParseRegion(code)
	return err == nil && r.IsCountry() && r.ISO3() == code
}

// MatchRank ranks how well entity e matches already-folded search text; ok
// is false when it does not match at all. Both backends rank with it, so a
// search gives the same order everywhere.
func MatchRank(e *Entity, folded string) (rank int, ok bool) {
	return FoldNames(e).Rank(folded)
}

// Rank is MatchRank over names already folded.
func (n FoldedNames) Rank(folded string) (rank int, ok bool) {
	if folded == "" {
		return 0, false
	}
	if n.Name == folded || n.ID == folded {
		return RankExact, true
	}
	if slices.Contains(n.Aliases, folded) || slices.Contains(n.Codes, folded) {
		return RankAlias, true
	}
	if strings.HasPrefix(n.Name, folded) || slices.ContainsFunc(n.Aliases, func(a string) bool { return strings.HasPrefix(a, folded) }) {
		return RankPrefix, true
	}
	if words := Tokens(folded); len(words) > 0 {
		if tokensPrefix(words, Tokens(n.Name)) || slices.ContainsFunc(n.Aliases, func(a string) bool { return tokensPrefix(words, Tokens(a)) }) {
			return RankTokens, true
		}
	}
	return 0, false
}

// tokensPrefix reports whether every query word starts some word of the name.
func tokensPrefix(query, name []string) bool {
	for _, q := range query {
		found := false
		for _, n := range name {
			if strings.HasPrefix(n, q) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// RankMatches keeps the candidates that match the folded text and are of
// the kinds asked (any kind when none), best first: by MatchRank, then
// folded name, then id. It returns at most first. Every backend ranks
// with it, whatever found its candidates.
func RankMatches(candidates []*Entity, folded string, kinds []EntityKind, first int) []*Entity {
	return RankFolded(candidates, func(e *Entity) Candidate { return Candidate{ID: e.ID, Kind: e.Kind, Names: FoldNames(e)} },
		folded, kinds, first)
}

// Candidate is what ranking needs to know of an entity: its id, its kind
// and its names folded.
type Candidate struct {
	ID    string
	Kind  EntityKind
	Names FoldedNames
}

// RankFolded is RankMatches for a store that keeps its entities' names
// folded and its candidates as it likes (slots of an array, say): describe
// tells what each candidate is, and only what the ranking keeps need be
// built into an Entity.
func RankFolded[T any](candidates []T, describe func(T) Candidate, folded string, kinds []EntityKind, first int) []T {
	type hit struct {
		c    T
		rank int
		name string
		id   string
	}
	var hits []hit
	for _, c := range candidates {
		d := describe(c)
		if len(kinds) > 0 && !slices.Contains(kinds, d.Kind) {
			continue
		}
		if rank, ok := d.Names.Rank(folded); ok {
			hits = append(hits, hit{c, rank, d.Names.Name, d.ID})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), strings.Compare(a.name, b.name), strings.Compare(a.id, b.id))
	})
	out := make([]T, 0, min(len(hits), first))
	for _, h := range hits[:min(len(hits), first)] {
		out = append(out, h.c)
	}
	return out
}
