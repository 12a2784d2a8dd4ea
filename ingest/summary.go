package ingest

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Summary is what an import did: the records read, what became of them,
// the entities it made and found, the links it wrote, and every record it
// rejected (the first MaxListedRejects listed) with its line and reason.
type Summary struct {
	Dataset string // the format's name
	Source  string // the source every element cites
	// Records counts the records read and what became of their own
	// entities (events, sanctions, FtM entities): created, updated (a
	// newer export changed them) or unchanged.
	Records Counts
	// Links counts the links the records make.
	Links Counts
	// Created counts, by kind, the entities made for names that matched
	// nothing in the graph (actors, countries).
	Created map[domain.EntityKind]int
	// Matched counts the distinct entities of the graph that names were
	// resolved to.
	Matched Matches
	// Rejected is how many records were not imported; Rejects lists the
	// first of them.
	Rejected int
	Rejects  []Reject
	// Ambiguous lists, by folded name, the names that matched several
	// entities: the records naming them were rejected, and a --map line
	// settles them.
	Ambiguous map[string]*Ambiguity
	// FromRevision is the graph's revision before the import, ToRevision
	// after it; Revisions is how many change sets changed something, of
	// ChangeSets written.
	FromRevision, ToRevision int64
	ChangeSets, Revisions    int
	Took                     time.Duration
	// Notes counts what was trimmed to fit the graph's limits, by what
	// ("quotes cut to 600 bytes").
	Notes map[string]int
}

// Counts are how many records or links were read, and how many of those
// imported were created, updated or found unchanged.
type Counts struct {
	Read                        int
	Created, Updated, Unchanged int
	// Matched counts records that are an entity the graph holds already
	// (an FtM Person matched by name): linked, never rewritten.
	Matched int
}

// Matches counts entities found by the map and by name or alias.
type Matches struct{ ByMap, ByName int }

// Reject is one record that was not imported.
type Reject struct {
	Line   int
	Record string
	Reason string
}

// Ambiguity is a name that matched several entities.
type Ambiguity struct {
	Name       string
	Candidates []string
	Records    int // records rejected for it
}

// CreatedTotal is how many entities were made for names.
func (s *Summary) CreatedTotal() int {
	n := 0
	for _, c := range s.Created {
		n += c
	}
	return n
}

// Write prints the summary for a person.
func (s *Summary) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "import %s: %d records read in %s; revision %d -> %d (%d change sets, %d changed the graph)\n",
		s.Dataset, s.Records.Read, s.Took.Round(time.Millisecond), s.FromRevision, s.ToRevision, s.ChangeSets, s.Revisions)
	fmt.Fprintf(&b, "  records:  %d created, %d updated, %d unchanged", s.Records.Created, s.Records.Updated, s.Records.Unchanged)
	if s.Records.Matched > 0 {
		fmt.Fprintf(&b, ", %d found in the graph", s.Records.Matched)
	}
	fmt.Fprintf(&b, ", %d rejected\n", s.Rejected)
	fmt.Fprintf(&b, "  links:    %d created, %d updated, %d unchanged\n", s.Links.Created, s.Links.Updated, s.Links.Unchanged)
	fmt.Fprintf(&b, "  entities: %d created for names nothing matched", s.CreatedTotal())
	if len(s.Created) > 0 {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(s.Created)) {
			parts = append(parts, fmt.Sprintf("%s %d", k, s.Created[k]))
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, "; %d matched in the graph (%d by --map, %d by name or alias)\n",
		s.Matched.ByMap+s.Matched.ByName, s.Matched.ByMap, s.Matched.ByName)
	for _, k := range slices.Sorted(maps.Keys(s.Notes)) {
		fmt.Fprintf(&b, "  note: %s: %d\n", k, s.Notes[k])
	}
	if len(s.Ambiguous) > 0 {
		fmt.Fprintf(&b, "  ambiguous names (their records were rejected; say which entity each means in a --map file):\n")
		for _, k := range slices.Sorted(maps.Keys(s.Ambiguous)) {
			a := s.Ambiguous[k]
			fmt.Fprintf(&b, "    %q matches %s (%d records)\n", a.Name, strings.Join(a.Candidates, ", "), a.Records)
		}
	}
	if s.Rejected > 0 {
		fmt.Fprintf(&b, "  rejected records:\n")
		for _, r := range s.Rejects {
			rec := ""
			if r.Record != "" {
				rec = " (" + r.Record + ")"
			}
			fmt.Fprintf(&b, "    line %d%s: %s\n", r.Line, rec, r.Reason)
		}
		if more := s.Rejected - len(s.Rejects); more > 0 {
			fmt.Fprintf(&b, "    ... and %d more (--rejects FILE lists them all)\n", more)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
