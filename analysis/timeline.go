package analysis

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
)

// TimelineEntry is one dated happening around an entity, readable on its
// own, with the sources that date it.
type TimelineEntry struct {
	Date         domain.PartialDate
	Summary      string
	Entity       *domain.Entity       // the entity the entry is about, if any
	Relationship *domain.Relationship // the relationship that starts or ends, if any
	Citations    []domain.Citation
}

// TimelineQuery asks for an entity's timeline.
type TimelineQuery struct {
	EntityID string
	From, To domain.PartialDate  // zero: open-ended
	Kinds    []domain.EntityKind // keep entries about entities of these kinds
}

// Validate returns INVALID naming the first bad field.
func (q TimelineQuery) Validate() error {
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Last() < q.From.First() {
		return domain.Invalidf("to (%s) is before from (%s)", q.To, q.From)
	}
	for _, k := range q.Kinds {
		if !k.Valid() {
			return domain.Invalidf("unknown entity kind %q", k)
		}
	}
	return nil
}

// Timeline lists, in chronological order (a year before its months), the
// entity's own dates, the dates of the events, coups, sanctions, agreements
// and laws linked to it, and the starts and ends of its relationships.
func Timeline(ctx context.Context, st domain.Store, q TimelineQuery) ([]*TimelineEntry, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	self, err := entity(ctx, st, q.EntityID)
	if err != nil {
		return nil, err
	}
	rels, err := allRelationships(ctx, st, self.ID, domain.RelationshipFilter{})
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for _, r := range rels {
		ids = append(ids, r.FromID, r.ToID)
	}
	linked, err := entitiesByID(ctx, st, ids)
	if err != nil {
		return nil, err
	}
	linked[self.ID] = self
	wanted := func(e *domain.Entity) bool { return len(q.Kinds) == 0 || slices.Contains(q.Kinds, e.Kind) }

	var entries []*TimelineEntry
	add := func(e *TimelineEntry) {
		if inRange(e.Date, q.From, q.To) {
			entries = append(entries, e)
		}
	}
	if wanted(self) {
		for _, e := range ownEntries(self) {
			add(e)
		}
	}
	seen := map[string]bool{self.ID: true}
	for _, r := range rels {
		from, to := linked[r.FromID], linked[r.ToID]
		if from == nil || to == nil {
			return nil, &domain.Error{Code: domain.CodeInternal, Message: "relationship " + r.ID + " names a missing entity"}
		}
		other := to
		if other.ID == self.ID {
			other = from
		}
		if !wanted(other) {
			continue
		}
		if !r.ValidFrom.IsZero() {
			add(&TimelineEntry{Date: r.ValidFrom, Summary: startSummary(r, from, to), Relationship: r, Citations: r.Citations})
		}
		if !r.ValidTo.IsZero() && r.ValidTo != r.ValidFrom {
			add(&TimelineEntry{Date: r.ValidTo, Summary: "Ends: " + link(r, from, to), Relationship: r, Citations: r.Citations})
		}
		if !seen[other.ID] && !other.Date.IsZero() {
			seen[other.ID] = true
			add(&TimelineEntry{Date: other.Date, Summary: happening(other), Entity: other, Citations: other.Citations})
		}
	}
	slices.SortFunc(entries, func(a, b *TimelineEntry) int {
		return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.Summary, b.Summary), strings.Compare(entryID(a), entryID(b)))
	})
	return entries, nil
}

func entryID(e *TimelineEntry) string {
	if e.Relationship != nil {
		return e.Relationship.ID
	}
	return e.Entity.ID
}

// inRange reports whether date's period meets [from, to]; open ends and
// unknown bounds do not exclude.
func inRange(date, from, to domain.PartialDate) bool {
	return (from.IsZero() || date.Last() >= from.First()) && (to.IsZero() || date.First() <= to.Last())
}

// ownEntries are an entity's own dates: when it happened, began or ended.
func ownEntries(e *domain.Entity) []*TimelineEntry {
	var out []*TimelineEntry
	if !e.Date.IsZero() {
		out = append(out, &TimelineEntry{Date: e.Date, Summary: happening(e), Entity: e, Citations: e.Citations})
	}
	if !e.Started.IsZero() {
		out = append(out, &TimelineEntry{Date: e.Started, Summary: e.Name + " " + startVerb[e.Kind], Entity: e, Citations: e.Citations})
	}
	if !e.Ended.IsZero() {
		out = append(out, &TimelineEntry{Date: e.Ended, Summary: e.Name + " " + endVerb[e.Kind], Entity: e, Citations: e.Citations})
	}
	return out
}

var startVerb = map[domain.EntityKind]string{
	domain.KindArmedGroup:   "is formed",
	domain.KindOrganization: "is established",
	domain.KindMission:      "begins",
	domain.KindAidProgram:   "begins",
}

var endVerb = map[domain.EntityKind]string{
	domain.KindArmedGroup:   "is dissolved",
	domain.KindOrganization: "ends",
	domain.KindMission:      "ends",
	domain.KindAidProgram:   "ends",
	domain.KindSanction:     "is lifted",
}

// happenings label dated entities by kind, and events by category.
var happenings = map[string]string{
	string(domain.KindCoup):        "Coup d'état",
	string(domain.KindSanction):    "Sanction imposed",
	string(domain.KindAgreement):   "Agreement signed",
	string(domain.KindLegislation): "Law enacted",
	string(domain.KindEvent):       "Event",
	"ATTACK":                       "Attack",
	"MASSACRE":                     "Massacre",
	"AMBUSH":                       "Ambush",
	"SIEGE":                        "Siege",
	"BOMBING":                      "Bombing",
	"KIDNAPPING":                   "Kidnapping",
	"ELECTION":                     "Election",
	"REFERENDUM":                   "Referendum",
	"POLITICAL":                    "Political event",
	"HUMANITARIAN":                 "Humanitarian event",
}

// happening reads "Coup d'état: <summary or name>".
func happening(e *domain.Entity) string {
	label := happenings[string(e.Category)]
	if label == "" {
		label = happenings[string(e.Kind)]
	}
	what := e.Summary
	if what == "" {
		what = e.Name
	}
	if label == "" {
		return what
	}
	return label + ": " + what
}

// startSummary reads the relationship's own description where it has one.
func startSummary(r *domain.Relationship, from, to *domain.Entity) string {
	if r.Description != "" {
		return r.Description
	}
	return link(r, from, to)
}

// link reads "<from> <verb> <to>", e.g. "Wagner Group deployed to Mali".
func link(r *domain.Relationship, from, to *domain.Entity) string {
	verb, ok := verbs[r.Type]
	if !ok {
		verb = strings.ToLower(strings.ReplaceAll(string(r.Type), "_", " "))
	}
	return from.Name + " " + verb + " " + to.Name
}

// verbs are the readings of the types whose name does not read as a verb.
var verbs = map[domain.RelationType]string{
	domain.RelAdministeredBy:    "is administered by",
	domain.RelAffiliatedWith:    "is affiliated with",
	domain.RelAlliedWith:        "is allied with",
	domain.RelAuthorizedBy:      "is authorized by",
	domain.RelBasedIn:           "is based in",
	domain.RelDenied:            "denied to",
	domain.RelImplementedBy:     "is implemented by",
	domain.RelLedBy:             "is led by",
	domain.RelListedUnder:       "is listed under",
	domain.RelMemberOf:          "is a member of",
	domain.RelPartOf:            "is part of",
	domain.RelPerpetrated:       "carried out",
	domain.RelPledged:           "pledged to",
	domain.RelProhibited:        "prohibited for",
	domain.RelProposed:          "proposed for",
	domain.RelRecruitedChildren: "recruited children in",
	domain.RelSeizedPower:       "seized power in",
	domain.RelSplinterOf:        "split from",
	domain.RelSucceededBy:       "was succeeded by",
	domain.RelSuspendedFrom:     "was suspended from",
	domain.RelWaived:            "waived for",
}
