package ingest

import (
	"fmt"
	"hash/fnv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Ellipsis ends a text the importer had to cut to fit a limit: a quote
// longer than domain.MaxQuoteLength, a name longer than
// domain.MaxNameLength. What comes before it is verbatim.
const Ellipsis = "…"

// Slug makes an id from a name, the way the seed's ids read: folded
// (domain.Fold: lower case, no diacritics), words of letters and digits of
// any script joined by single hyphens, apostrophes dropped ("Jama'at"
// gives "jamaat"), at most domain.MaxIDLength bytes, cut at a hyphen
// where it can be. Empty when the name holds no letter or digit.
func Slug(name string) string {
	var b strings.Builder
	gap := false
	for _, r := range domain.Fold(name) {
		switch {
		case r == '\'' || r == '\u02bc':
			continue
		case unicode.Is(unicode.Ll, r) || unicode.Is(unicode.Lo, r) || unicode.Is(unicode.Nd, r):
			if gap && b.Len() > 0 {
				b.WriteByte('-')
			}
			gap = false
			b.WriteRune(r)
		default:
			gap = true
		}
	}
	return cutSlug(b.String(), domain.MaxIDLength)
}

// cutSlug shortens a slug to at most max bytes, at its last hyphen within
// the limit or else at a rune boundary, never ending on a hyphen.
func cutSlug(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := s[:max]
	if i := strings.LastIndexByte(cut, '-'); i > max/2 {
		return cut[:i]
	}
	for len(cut) > 0 && !utf8.ValidString(cut) {
		cut = cut[:len(cut)-1]
	}
	return strings.TrimRight(cut, "-")
}

// RecordID is the id of the entity a data set's record becomes: prefix,
// a hyphen and the record's key as a slug ("acled-mli12345" for ACLED's
// MLI12345). Where the slug loses something that tells two keys apart (the
// case of a case-sensitive key such as OpenSanctions' "NK-2Bqz", a
// character that is not a letter or digit, or length), eight hex digits of
// a hash of the whole key follow, so distinct keys keep distinct ids. The
// same key always gives the same id: re-imports find their entities by it.
func RecordID(prefix, key string, caseSensitive bool) string {
	canonical := key
	if !caseSensitive {
		canonical = strings.ToLower(key)
	}
	slug := Slug(key)
	id := prefix + "-" + slug
	if slug == canonical && len(id) <= domain.MaxIDLength {
		return id
	}
	suffix := "-" + hash(key)
	return cutSlug(prefix+"-"+slug, domain.MaxIDLength-len(suffix)) + suffix
}

// hash is eight hex digits of FNV-1a over s.
func hash(s string) string {
	h := fnv.New32a()
	h.Write([]byte(s))
	return fmt.Sprintf("%08x", h.Sum32())
}

// LinkID is the id of a link an import makes: from, type and to joined
// by dots (as domain.DeriveRelationshipID reads, without the date, so a
// newer export that corrects a date updates the link instead of adding
// one), and, for links a record of its own makes (an FtM Membership), a
// hash of that record's key.
func LinkID(from string, t domain.RelationType, to, record string) string {
	id := from + "." + t.Slug() + "." + to
	if record != "" {
		id += ".r" + hash(record)
	}
	return id
}

// Clean makes one line of text fit for a name, a place or a summary: every
// run of white space and control characters (line breaks, tabs) becomes
// one space, and the ends are trimmed. Invalid UTF-8 is replaced.
func Clean(s string) string {
	if clean(s) {
		// Most fields are: copied alone, without the rest of the line
		// a reader's field may share its memory with.
		return strings.Clone(s)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	gap := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteByte(' ')
		}
		gap = false
		b.WriteRune(r)
	}
	return b.String()
}

// clean reports whether Clean would return s as it is: printable ASCII
// with single inner spaces.
func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
		case c < ' ' || c >= 0x7f:
			return false
		}
	}
	return true
}

// Cut shortens cleaned text to at most max bytes, ending it with Ellipsis:
// at the end of the last sentence that fits when that keeps at least half
// the room, else after the last whole word, else at a character boundary.
// Text that fits comes back as it is.
func Cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	room := max - len(Ellipsis)
	cut := s[:room]
	for len(cut) > 0 && !utf8.ValidString(cut) {
		cut = cut[:len(cut)-1]
	}
	if i := lastSentenceEnd(cut); i >= room/2 {
		return cut[:i] + " " + Ellipsis
	}
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		return strings.TrimRight(cut[:i], " ,;:") + " " + Ellipsis
	}
	return cut + Ellipsis
}

// lastSentenceEnd is the index just past the last ".", "!" or "?" that is
// followed by a space in s, or -1.
func lastSentenceEnd(s string) int {
	for i := len(s) - 2; i > 0; i-- {
		if s[i+1] == ' ' && (s[i] == '.' || s[i] == '!' || s[i] == '?') {
			return i + 1
		}
	}
	return -1
}

// Quote is a record's own text made fit for a citation's quote: cleaned
// (one line) and cut to domain.MaxQuoteLength at a sentence or word
// boundary, marked with Ellipsis when cut.
func Quote(s string) string { return Cut(Clean(s), domain.MaxQuoteLength) }

// Name is an external name made fit for an entity's name: cleaned and cut
// to domain.MaxNameLength.
func Name(s string) string { return Cut(Clean(s), domain.MaxNameLength) }
