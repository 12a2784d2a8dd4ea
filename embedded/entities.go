package embedded

import (
	"math"

	"github.com/conflictgraph/conflictgraph/domain"
)

// ent is an entity as the index holds it: the texts nearly every entity
// has (held once for all equal ones, shared), its kind and category as
// small numbers, its date packed, its citations by their number in the
// table the relationships' lists are in (an imported event and its links
// cite one list), and the fields few entities set in a side table. It is
// 72 bytes in the index's array where a domain.Entity is 288 and a pointer
// to it; a million imported events are most of a grown graph. Reads build
// the domain.Entity they return from it, and keep it for the next reads
// (entityAt).
type ent struct {
	name, summary, place string
	citations            uint32     // index in index.cites
	extra                uint32     // index in index.entExtras, 0 when the entity has none of its fields
	aliases              uint32     // index in index.aliases, 0 when it has none
	date                 packedDate // when the entity has a date a packedDate holds
	killed               int32      // when hasKilled says it has a count that fits
	category             uint16     // index in index.categories
	kind                 uint8      // index in domain.EntityKinds
	flags                uint8
}

// ent.flags
const (
	hasKilled uint8 = 1 << iota // killed holds the count of the killed
)

// entExtra holds an entity's rarely set fields. Aliases are not among
// them: most entities of a curated graph have some, and this record is
// large.
type entExtra struct {
	figures                    []domain.Figure
	iso3, role                 string
	program, authority, agency string
	started, ended             domain.PartialDate
	injured                    *int
	killed                     *int                // a count a packed int32 cannot hold
	date                       *domain.PartialDate // a date a packedDate cannot hold
}

// kindNumbers numbers the entity kinds in the order of domain.EntityKinds.
var kindNumbers = func() map[domain.EntityKind]uint8 {
	m := make(map[domain.EntityKind]uint8, len(domain.EntityKinds))
	for i, k := range domain.EntityKinds {
		m[k] = uint8(i)
	}
	return m
}()

// compact compacts e, with its texts shared, for the index's array.
func (x *index) compact(e *domain.Entity) ent {
	out := ent{name: shared(e.Name), summary: shared(e.Summary), place: shared(e.Place),
		citations: x.cites.add(e.Citations), kind: kindNumbers[e.Kind],
		category: x.categories.number(string(e.Category))}
	var extra entExtra
	var ok bool
	if out.date, ok = pack(e.Date); !ok {
		d := e.Date
		extra.date = &d
	}
	if e.Killed != nil {
		if k := *e.Killed; k >= 0 && k <= math.MaxInt32 {
			out.killed, out.flags = int32(k), out.flags|hasKilled
		} else {
			extra.killed = &k
		}
	}
	if e.Injured != nil {
		n := *e.Injured
		extra.injured = &n
	}
	if len(e.Aliases) > 0 {
		out.aliases = x.aliases.add(e.Aliases)
	}
	if len(e.Figures) > 0 {
		extra.figures = e.Figures
	}
	extra.iso3, extra.role, extra.program, extra.authority, extra.agency = e.ISO3, e.Role, e.Program, e.Authority, e.Agency
	extra.started, extra.ended = e.Started, e.Ended
	if !extra.none() {
		out.extra = x.entExtras.add(extra)
	}
	return out
}

// none reports whether the side record holds nothing.
func (e *entExtra) none() bool {
	return e.figures == nil && e.iso3 == "" && e.role == "" && e.program == "" && e.authority == "" &&
		e.agency == "" && e.started.IsZero() && e.ended.IsZero() && e.injured == nil && e.killed == nil && e.date == nil
}

// forgetEntity releases what the entity at slot i holds in the side
// tables, before it is replaced.
func (x *index) forgetEntity(i int32) {
	x.cites.release(x.ents[i].citations)
	x.entExtras.release(x.ents[i].extra)
	x.aliases.release(x.ents[i].aliases)
}

// kindAt is the kind of the entity at slot i, read without building it.
func (x *index) kindAt(i int32) domain.EntityKind { return domain.EntityKinds[x.ents[i].kind] }

// entityAt is the domain value of the entity at slot i: the one a read
// built before, else one built now and kept for the reads after it, so an
// entity read often (a hub, a search's answer) is built once per change.
// Readers share the index under the read lock, so the value is published
// atomically; whichever of two readers building it at once stores last
// wins, with an equal value.
func (x *index) entityAt(i int32) *domain.Entity {
	if e := x.built[i].Load(); e != nil {
		return e
	}
	e := new(domain.Entity)
	x.buildEntity(e, i, nil)
	x.built[i].Store(e)
	return e
}

// freshEntities builds the entities with ids, nil where none has the id,
// without keeping them: reads of the whole graph (a snapshot) or of a
// change's entities (Plan) would otherwise keep a value for every entity,
// what the compact records are there to save.
func (x *index) freshEntities(ids []string) []*domain.Entity {
	out := make([]*domain.Entity, len(ids))
	block := make([]domain.Entity, len(ids))
	var killed []int
	for k, id := range ids {
		i, ok := x.slot(id)
		if !ok {
			continue
		}
		if e := x.built[i].Load(); e != nil {
			out[k] = e
			continue
		}
		var n *int
		if x.ents[i].flags&hasKilled != 0 {
			if killed == nil {
				killed = make([]int, len(ids))
			}
			n = &killed[k]
		}
		x.buildEntity(&block[k], i, n)
		out[k] = &block[k]
	}
	return out
}

// buildEntity fills e with the entity at slot i; its count of the killed,
// when it has one, goes in *killed when killed is given (a block of them
// for many entities, freshEntities), in an int of its own otherwise.
func (x *index) buildEntity(e *domain.Entity, i int32, killed *int) {
	c := &x.ents[i]
	*e = domain.Entity{ID: x.ids[i], Kind: domain.EntityKinds[c.kind], Name: c.name, Summary: c.summary, Place: c.place,
		Category: domain.Category(x.categories.strings[c.category]), Date: c.date.unpack(), Citations: x.cites.read(c.citations)}
	if c.flags&hasKilled != 0 {
		if killed == nil {
			killed = new(int)
		}
		*killed = int(c.killed)
		e.Killed = killed
	}
	if c.aliases != 0 {
		e.Aliases = x.aliases.items[c.aliases]
	}
	if c.extra == 0 {
		return
	}
	ex := &x.entExtras.items[c.extra]
	e.Figures = ex.figures
	e.ISO3, e.Role, e.Program, e.Authority, e.Agency = ex.iso3, ex.role, ex.program, ex.authority, ex.agency
	e.Started, e.Ended = ex.started, ex.ended
	if ex.injured != nil {
		n := *ex.injured
		e.Injured = &n
	}
	if ex.killed != nil {
		k := *ex.killed
		e.Killed = &k
	}
	if ex.date != nil {
		e.Date = *ex.date
	}
}
