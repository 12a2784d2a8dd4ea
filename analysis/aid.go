package analysis

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
)

// AidGrouping is a dimension aid totals can be broken down by. Totals are
// always kept apart by kind and by currency.
type AidGrouping string

// The aid groupings.
const (
	ByProgram    AidGrouping = "PROGRAM"
	ByDonor      AidGrouping = "DONOR"
	ByFiscalYear AidGrouping = "FISCAL_YEAR"
)

// AidQuery asks how much aid reached a recipient.
type AidQuery struct {
	Recipient   string
	Donor       string   // keep aid whose donor chain holds this entity ("" for any)
	Programs    []string // keep aid through these programs (empty for any)
	FiscalYears []int    // keep amounts of these fiscal years (empty for any)
	GroupBy     []AidGrouping
}

// Validate returns INVALID naming the first bad field.
func (q AidQuery) Validate() error {
	for _, g := range q.GroupBy {
		if g != ByProgram && g != ByDonor && g != ByFiscalYear {
			return domain.Invalidf("unknown grouping %q; use PROGRAM, DONOR or FISCAL_YEAR", g)
		}
	}
	for _, fy := range q.FiscalYears {
		if fy < 1900 || fy > 2100 {
			return domain.Invalidf("fiscal year %d is out of range", fy)
		}
	}
	return nil
}

// AidTotal is the sum of the amounts in one group. Program, Donor and
// FiscalYear are set when the totals are grouped by them.
type AidTotal struct {
	Program       *domain.Entity
	Donor         *domain.Entity
	FiscalYear    *int
	Kind          domain.AidKind
	Amount        domain.Money
	Relationships []*domain.Relationship
}

// aidItem is one amount with what it is grouped by.
type aidItem struct {
	rel     *domain.Relationship
	program *domain.Entity
	donor   *domain.Entity
	kind    domain.AidKind
}

// AidTotals sums the aid amounts that reached q.Recipient (relationships
// whose types carry aid, see domain.AidTypes). A program's donor is the top
// of the chain program ADMINISTERED_BY agency PART_OF government; aid given
// without a program is the giver's. Sums keep their qualifiers honest
// (domain.SumQualifier) and never mix kinds, currencies, or rates with totals.
func AidTotals(ctx context.Context, st domain.Store, q AidQuery) ([]*AidTotal, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if _, err := entity(ctx, st, q.Recipient); err != nil {
		return nil, err
	}
	types := make([]domain.RelationType, 0, len(domain.AidTypes))
	for t := range domain.AidTypes {
		types = append(types, t)
	}
	slices.Sort(types)
	rels, err := allRelationships(ctx, st, q.Recipient, domain.RelationshipFilter{Types: types, Direction: domain.DirectionIn})
	if err != nil {
		return nil, err
	}
	givers := []string{}
	for _, r := range rels {
		givers = append(givers, r.FromID)
	}
	from, err := entitiesByID(ctx, st, givers)
	if err != nil {
		return nil, err
	}
	var giverList []*domain.Entity
	for _, id := range givers {
		if e := from[id]; e != nil {
			giverList = append(giverList, e)
		}
	}
	chains, err := donorChains(ctx, st, giverList)
	if err != nil {
		return nil, err
	}
	var items []aidItem
	for _, r := range rels {
		if r.Amount == nil || r.ToID != q.Recipient {
			continue
		}
		if len(q.FiscalYears) > 0 && (r.Amount.FiscalYear == nil || !slices.Contains(q.FiscalYears, *r.Amount.FiscalYear)) {
			continue
		}
		giver := from[r.FromID]
		if giver == nil {
			return nil, fmt.Errorf("aid relationship %s names missing entity %q: %w", r.ID, r.FromID, domain.ErrInternal)
		}
		it := aidItem{rel: r, kind: domain.AidTypes[r.Type]}
		if giver.Kind == domain.KindAidProgram {
			it.program = giver
		}
		chain := chains[giver.ID]
		if len(q.Programs) > 0 && (it.program == nil || !slices.Contains(q.Programs, it.program.ID)) {
			continue
		}
		if q.Donor != "" && !slices.ContainsFunc(chain, func(e *domain.Entity) bool { return e.ID == q.Donor }) {
			continue
		}
		if len(chain) > 0 {
			it.donor = chain[len(chain)-1]
		}
		items = append(items, it)
	}
	return sumGroups(items, q.GroupBy)
}

// periodOrder lists totals first, then rates from the shortest period.
func periodOrder(p domain.Period) int { return slices.Index(domain.Periods, p) + 1 }

// sumGroups adds the amounts of each group exactly, in minor units. Totals
// and rates are summed apart (a rate per month and a rate per year too), and
// a range in any amount makes its sum a range.
func sumGroups(items []aidItem, groupBy []AidGrouping) ([]*AidTotal, error) {
	type key struct {
		kind           domain.AidKind
		currency       string
		period         domain.Period // a rate is never added to a total
		program, donor string
		fiscalYear     int // 0: none
	}
	groups := map[key]*AidTotal{}
	qualifiers := map[key][]domain.Qualifier{}
	var order []key
	for _, it := range items {
		m := it.rel.Amount
		k := key{kind: it.kind, currency: m.Currency, period: m.Period}
		if slices.Contains(groupBy, ByProgram) && it.program != nil {
			k.program = it.program.ID
		}
		if slices.Contains(groupBy, ByDonor) && it.donor != nil {
			k.donor = it.donor.ID
		}
		if slices.Contains(groupBy, ByFiscalYear) && m.FiscalYear != nil {
			k.fiscalYear = *m.FiscalYear
		}
		t := groups[k]
		if t == nil {
			t = &AidTotal{Kind: it.kind, Amount: domain.Money{Currency: m.Currency, FiscalYear: m.FiscalYear, Period: m.Period}}
			if k.program != "" {
				t.Program = it.program
			}
			if k.donor != "" {
				t.Donor = it.donor
			}
			if k.fiscalYear != 0 {
				fy := k.fiscalYear
				t.FiscalYear = &fy
			}
			groups[k] = t
			order = append(order, k)
		}
		sum, err := t.Amount.Add(*m)
		if err != nil {
			return nil, fmt.Errorf("aid total of %s %s: %w", it.kind, m.Currency, err)
		}
		t.Amount = sum
		if !sameYear(t.Amount.FiscalYear, m.FiscalYear) {
			t.Amount.FiscalYear = nil // a sum over years belongs to none
		}
		qualifiers[k] = append(qualifiers[k], m.Qualifier)
		t.Relationships = append(t.Relationships, it.rel)
	}
	kindOrder := []domain.AidKind{domain.AidAllocated, domain.AidWaived, domain.AidProhibitedOrDenied, domain.AidPledged, domain.AidProposed}
	slices.SortFunc(order, func(a, b key) int {
		return cmp.Or(cmp.Compare(slices.Index(kindOrder, a.kind), slices.Index(kindOrder, b.kind)),
			strings.Compare(a.currency, b.currency), cmp.Compare(periodOrder(a.period), periodOrder(b.period)), strings.Compare(a.program, b.program),
			strings.Compare(a.donor, b.donor), cmp.Compare(a.fiscalYear, b.fiscalYear))
	})
	out := make([]*AidTotal, len(order))
	for i, k := range order {
		t := groups[k]
		t.Amount.Qualifier = domain.SumQualifier(qualifiers[k]...)
		slices.SortFunc(t.Relationships, func(a, b *domain.Relationship) int { return strings.Compare(a.ID, b.ID) })
		out[i] = t
	}
	return out, nil
}

func sameYear(a, b *int) bool {
	return a != nil && b != nil && *a == *b
}

// donorChains returns, for each giver, the chain its aid comes down: for a
// program, the body that administers it (the first by relationship id) and
// what that body is PART_OF, up to the top; for any other giver, itself and
// what it is part of. A program with no administering body has no chain. It
// reads one level of every chain at a time, so the store calls grow with
// the chains' height, not with the number of givers.
func donorChains(ctx context.Context, st domain.Store, givers []*domain.Entity) (map[string][]*domain.Entity, error) {
	chains := map[string][]*domain.Entity{}
	var programs []string
	for _, g := range givers {
		if g.Kind == domain.KindAidProgram {
			programs = append(programs, g.ID)
		} else {
			chains[g.ID] = []*domain.Entity{g}
		}
	}
	admins, err := firstTargets(ctx, st, programs, domain.RelAdministeredBy)
	if err != nil {
		return nil, err
	}
	for _, p := range programs {
		if a := admins[p]; a != nil {
			chains[p] = []*domain.Entity{a}
		}
	}
	// Climb PART_OF one level for every chain at once.
	for range 16 {
		tops := map[string]bool{}
		for _, chain := range chains {
			tops[chain[len(chain)-1].ID] = true
		}
		ids := make([]string, 0, len(tops))
		for id := range tops {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		parents, err := firstTargets(ctx, st, ids, domain.RelPartOf)
		if err != nil {
			return nil, err
		}
		grew := false
		for giver, chain := range chains {
			parent := parents[chain[len(chain)-1].ID]
			if parent == nil || slices.ContainsFunc(chain, func(e *domain.Entity) bool { return e.ID == parent.ID }) {
				continue
			}
			chains[giver] = append(chain, parent)
			grew = true
		}
		if !grew {
			break
		}
	}
	return chains, nil
}

// firstTargets maps each id to the target of its first outgoing
// relationship of type t (by relationship id), in two store calls.
func firstTargets(ctx context.Context, st domain.Store, ids []string, t domain.RelationType) (map[string]*domain.Entity, error) {
	out := map[string]*domain.Entity{}
	if len(ids) == 0 {
		return out, nil
	}
	targetOf := map[string]string{}
	var targets []string
	for start := 0; start < len(ids); start += domain.MaxPageSize {
		batch := ids[start:min(start+domain.MaxPageSize, len(ids))]
		pages, err := st.RelationshipsOf(ctx, batch, domain.RelationshipFilter{Types: []domain.RelationType{t}, Direction: domain.DirectionOut, First: 1})
		if err != nil {
			return nil, err
		}
		for i, page := range pages {
			if len(page.Relationships) > 0 {
				targetOf[batch[i]] = page.Relationships[0].ToID
				targets = append(targets, page.Relationships[0].ToID)
			}
		}
	}
	found, err := entitiesByID(ctx, st, targets)
	if err != nil {
		return nil, err
	}
	for id, target := range targetOf {
		if found[target] == nil {
			return nil, fmt.Errorf("%s %s names missing entity %q: %w", id, t, target, domain.ErrInternal)
		}
		out[id] = found[target]
	}
	return out, nil
}
