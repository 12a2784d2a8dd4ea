package ingest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Actor is an external name a record gives for an actor or a place
// (ACLED's actor1, UCDP's side_a, a country), to be resolved to an entity.
type Actor struct {
	// Field is the record's field that names it, for messages ("actor1").
	Field string
	// Name is the name as the record gives it.
	Name string
	// Alternatives are other forms of the name tried, in order, when Name
	// matches nothing (the "JNIM" and the long name of ACLED's
	// "JNIM: Jama'at Nusrat al-Islam wal-Muslimin"; a country's ISO code).
	Alternatives []string
	// Kinds are the kinds an existing entity may be of to match.
	Kinds []domain.EntityKind
	// New makes the entity, with the id given, when nothing matches.
	New func(id string) *domain.Entity
}

// ActorKinds are the kinds an existing entity may be of for a data set's
// actor (ACLED's actor1, UCDP's side_a) to match it: never an event, a
// sanction or a law that happens to share its name.
var ActorKinds = []domain.EntityKind{domain.KindArmedGroup, domain.KindOrganization, domain.KindPerson, domain.KindMission, domain.KindCountry}

// Thing is a record that is an entity of its own and keyed by its own id
// (an OpenSanctions Person, Organization or Sanction).
type Thing struct {
	Key   string              // the record's id
	Names []string            // its names and aliases, the name first
	Kinds []domain.EntityKind // the kinds an existing entity may be of to match
}

// resolver finds the entity an external name means: in the map, then by
// the folded name or alias of an entity of the graph (one, never a guess
// between several), else it makes one. Answers are remembered for the run.
type resolver struct {
	// store is the store once it holds every record added before (the
	// importer's Store).
	store   func(context.Context) (domain.Store, error)
	ds      *Dataset
	m       Map
	sum     *Summary
	names   map[string]resolved // kinds + folded name -> answer
	ids     map[string]bool     // ids made in this run
	matched map[string]bool     // entities counted as matched
}

type resolved struct {
	id  string
	err error
	amb *Ambiguity
}

func newResolver(store func(context.Context) (domain.Store, error), ds *Dataset, m Map, sum *Summary) *resolver {
	return &resolver{store: store, ds: ds, m: m, sum: sum, names: map[string]resolved{}, ids: map[string]bool{}, matched: map[string]bool{}}
}

// own reports whether e was made by an import of the data set: it cites it.
func (r *resolver) own(e *domain.Entity) bool {
	return slices.ContainsFunc(e.Citations, func(c domain.Citation) bool { return c.SourceID == r.ds.Source.ID })
}

func (r *resolver) count(id, how string) {
	if r.matched[id] {
		return
	}
	r.matched[id] = true
	switch how {
	case "map":
		r.sum.Matched.ByMap++
	default:
		r.sum.Matched.ByName++
	}
}

// Actor resolves an external name: INVALID (the record is to be rejected)
// when it matches several entities, or when the entity to make for it
// breaks a rule; another code when the store fails.
func (im *Importer) Actor(ctx context.Context, a Actor) (string, error) {
	r := im.res
	key := kindsKey(a.Kinds) + "\x00" + domain.Fold(a.Name)
	got, ok := r.names[key]
	if !ok {
		got = r.actor(ctx, im, a)
		if domain.ErrorCode(got.err) != domain.CodeInvalid && got.err != nil {
			return "", got.err // the store failed: not remembered
		}
		r.names[key] = got
	}
	if got.amb != nil {
		got.amb.Records++
	}
	return got.id, got.err
}

func kindsKey(kinds []domain.EntityKind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	slices.Sort(s)
	return strings.Join(s, ",")
}

func (r *resolver) actor(ctx context.Context, im *Importer, a Actor) resolved {
	names := append([]string{a.Name}, a.Alternatives...)
	for _, n := range names {
		if id, ok := r.m.Lookup(n); ok {
			r.count(id, "map")
			return resolved{id: id}
		}
	}
	for _, n := range names {
		ids, err := r.exact(ctx, n, a.Kinds, false)
		if err != nil {
			return resolved{err: err}
		}
		switch len(ids) {
		case 0:
			continue
		case 1:
			r.count(ids[0], "name")
			return resolved{id: ids[0]}
		}
		return r.ambiguous(a.Field, n, ids)
	}
	id, err := r.newID(ctx, Slug(a.Name), a.Name)
	if err != nil {
		return resolved{err: err}
	}
	e := a.New(id)
	if problems := domain.ValidateEntity(e); len(problems) > 0 {
		return resolved{err: domain.Invalidf("%s %q: the entity made for it would break a rule: %s", a.Field, a.Name, domain.InvalidProblems("", problems))}
	}
	if err := im.create(ctx, e); err != nil {
		return resolved{err: err}
	}
	r.sum.Created[e.Kind]++
	return resolved{id: id}
}

func (r *resolver) ambiguous(field, name string, ids []string) resolved {
	folded := domain.Fold(name)
	amb := r.sum.Ambiguous[folded]
	if amb == nil {
		amb = &Ambiguity{Name: name, Candidates: ids}
		r.sum.Ambiguous[folded] = amb
	}
	return resolved{amb: amb, err: domain.Invalidf("%s %q matches %d entities (%s): say which one it is in a --map file", field, name, len(ids), strings.Join(ids, ", "))}
}

// Thing resolves a record that is an entity of its own: to an entity the
// map or a name match finds (own is false: the import links it but never
// rewrites it), or to the record's own entity (own is true: the id is
// RecordID of its key, new or made by an earlier import, and the caller
// writes it whole). A name matches only entities the data set's imports did
// not make, so two records of the data set with one name stay two
// entities. INVALID when a name matches several entities, or when the
// record's id is taken by an entity the data set did not make.
func (im *Importer) Thing(ctx context.Context, t Thing) (id string, own bool, err error) {
	r := im.res
	for _, n := range append([]string{t.Key}, t.Names...) {
		if id, ok := r.m.Lookup(n); ok {
			r.count(id, "map")
			return id, false, nil
		}
	}
	id = im.RecordID(t.Key)
	st, err := r.store(ctx)
	if err != nil {
		return "", false, err
	}
	stored, err := st.EntitiesByIDs(ctx, []string{id})
	if err != nil {
		return "", false, err
	}
	if e := stored[0]; e != nil {
		if !r.own(e) {
			return "", false, domain.Invalidf("entity %q exists and was not made by this data set's imports; an import never replaces it", id)
		}
		return id, true, nil
	}
	for _, n := range t.Names {
		ids, err := r.exact(ctx, n, t.Kinds, true)
		if err != nil {
			return "", false, err
		}
		switch len(ids) {
		case 0:
			continue
		case 1:
			r.count(ids[0], "name")
			return ids[0], false, nil
		}
		res := r.ambiguous("name", n, ids)
		res.amb.Records++
		return "", false, res.err
	}
	return id, true, nil
}

// exact returns the ids of the entities of the kinds whose folded name,
// alias or country code is name folded, leaving out the data set's own
// entities when asked.
func (r *resolver) exact(ctx context.Context, name string, kinds []domain.EntityKind, skipOwn bool) ([]string, error) {
	folded := domain.Fold(name)
	if folded == "" {
		return nil, nil
	}
	st, err := r.store(ctx)
	if err != nil {
		return nil, err
	}
	found, err := st.Search(ctx, domain.SearchQuery{Text: name, Kinds: kinds, First: domain.MaxSearchResults})
	if err != nil {
		return nil, fmt.Errorf("look up %q: %w", name, err)
	}
	var ids []string
	for _, e := range found {
		if skipOwn && r.own(e) {
			continue
		}
		n := domain.FoldNames(e)
		if n.Name == folded || slices.Contains(n.Aliases, folded) || slices.Contains(n.Codes, folded) {
			ids = append(ids, e.ID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// newID returns base, or base with the data set's prefix and a counter
// when an entity of the graph or of this run has it: a new entity never
// takes an existing one's id.
func (r *resolver) newID(ctx context.Context, base, name string) (string, error) {
	if base == "" {
		base = r.ds.Prefix + "-" + hash(name)
	}
	for n := 1; ; n++ {
		id := base
		switch {
		case n == 2:
			id = cutSlug(base, domain.MaxIDLength-len(r.ds.Prefix)-1) + "-" + r.ds.Prefix
		case n > 2:
			suffix := fmt.Sprintf("-%s-%d", r.ds.Prefix, n-1)
			id = cutSlug(base, domain.MaxIDLength-len(suffix)) + suffix
		}
		if r.ids[id] {
			continue
		}
		st, err := r.store(ctx)
		if err != nil {
			return "", err
		}
		stored, err := st.EntitiesByIDs(ctx, []string{id})
		if err != nil {
			return "", err
		}
		if stored[0] == nil {
			r.ids[id] = true
			return id, nil
		}
	}
}

func asError(err error, target **domain.Error) bool { return errors.As(err, target) }
