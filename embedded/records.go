package embedded

import (
	"cmp"
	"encoding/binary"
	"hash/maphash"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/conflictgraph/conflictgraph/domain"
)

// rec is a live relationship as the index holds it: its ends as slots, its
// type and certainty as small numbers, its dates packed, its id by its
// place in the index's textArena, its citations by their number in a table
// that holds each list once (an import's event and its links cite one
// record), and the fields most relationships leave empty in a side table.
// It is 32 bytes, an eighth of a domain.Relationship, and holds no pointer:
// the collector never scans the records, nor the adjacency lists that name
// them by number. Reads build the domain.Relationship they return from it
// (relationship).
type rec struct {
	from, to           int32 // slots
	validFrom, validTo packedDate
	citations          uint32 // index in index.cites
	extra              uint32 // index in index.extras, 0 when the relationship has none of its fields
	idLo               uint32 // the id's place in index.relIDs, its low 32 bits (idAt)
	typ                uint16 // index in index.types
	certainty          uint8  // index in index.certainties
	idHi               uint8  // and its high 8
}

// derivedID in a record's idHi says that its id is not stored: it is its
// ends' ids and its type's slug joined by dots, the id every link an
// import makes has (ingest.LinkID) and a dateless claim is given
// (domain.DeriveRelationshipID). Those are nearly all of a large graph's
// ids, some fifty bytes each: the arena would hold 125 MB of them for a
// million ACLED rows. Places never reach it: 0xFF<<32 is a terabyte in.
const derivedID = 0xFF

// idAt is the place of the record's id in the index's arena.
func (c *rec) idAt() arenaPos { return arenaPos(c.idHi)<<32 | arenaPos(c.idLo) }

// setIDAt records p as the place of the record's id.
func (c *rec) setIDAt(p arenaPos) { c.idLo, c.idHi = uint32(p), uint8(p>>32) }

// recExtra holds a relationship's rarely set fields.
type recExtra struct {
	amount      *domain.Money
	count       *int
	description string
	attribution string
	// dates a packedDate cannot hold, kept whole (never for a date
	// domain.ParsePartialDate accepts)
	validFrom, validTo *domain.PartialDate
}

// packedDate is a PartialDate in 32 bits: year, month and day in 14, 4 and
// 5 of them, 0 for an unknown date.
type packedDate uint32

// pack returns d packed, and false for a date outside what it can hold.
func pack(d domain.PartialDate) (packedDate, bool) {
	if d.Year < 0 || d.Year >= 1<<14 || d.Month < 0 || d.Month > 15 || d.Day < 0 || d.Day > 31 {
		return 0, false
	}
	return packedDate(uint32(d.Year)<<9 | uint32(d.Month)<<5 | uint32(d.Day)), true
}

func (p packedDate) unpack() domain.PartialDate {
	return domain.PartialDate{Year: int16(p >> 9), Month: int8(p>>5) & 15, Day: int8(p) & 31}
}

// record compacts r, whose ends are at slots from and to. Its id is
// derived from its ends and type when it can be (derivedID), else stored in
// the arena, or kept where old, the record r replaces, stored it.
func (x *index) record(r *domain.Relationship, from, to int32, old *rec) rec {
	out := rec{citations: x.cites.add(r.Citations), from: from, to: to,
		typ: x.typeNumber(r.Type), certainty: uint8(x.certainties.number(string(r.Certainty)))}
	switch {
	case joins(x.recIDs().derived(&out), r.ID):
		out.idHi = derivedID
	case old != nil && old.idHi != derivedID:
		out.setIDAt(old.idAt())
	default:
		out.setIDAt(x.relIDs.add(r.ID))
	}
	var ok bool
	var extra recExtra
	if out.validFrom, ok = pack(r.ValidFrom); !ok {
		extra.validFrom = &r.ValidFrom
	}
	if out.validTo, ok = pack(r.ValidTo); !ok {
		extra.validTo = &r.ValidTo
	}
	extra.amount, extra.count, extra.description, extra.attribution = r.Amount, r.Count, r.Description, r.Attribution
	if extra != (recExtra{}) {
		out.extra = x.extras.add(extra)
	}
	return out
}

// forget releases what the record at slot i holds in the side tables,
// before it is replaced or cleared.
func (x *index) forget(i int32) {
	x.cites.release(x.recs[i].citations)
	x.extras.release(x.recs[i].extra)
}

// relationship builds the domain value of the record at slot i.
func (x *index) relationship(i int32) *domain.Relationship {
	r := new(domain.Relationship)
	x.build(r, i, x.recIDs().id(i))
	return r
}

// build fills r with the record at slot i, whose id is rid.
func (x *index) build(r *domain.Relationship, i int32, rid string) {
	c := &x.recs[i]
	*r = domain.Relationship{ID: rid, FromID: x.ids[c.from], ToID: x.ids[c.to],
		Type: domain.RelationType(x.types.strings[c.typ]), Certainty: domain.Certainty(x.certainties.strings[c.certainty]),
		Citations: x.cites.read(c.citations)}
	r.ValidFrom, r.ValidTo = x.validity(c)
	if c.extra != 0 {
		e := &x.extras.items[c.extra]
		r.Amount, r.Count, r.Description, r.Attribution = e.amount, e.count, e.description, e.attribution
	}
}

// validity is c's dates, from the record or, for dates it cannot pack,
// from its side record.
func (x *index) validity(c *rec) (from, to domain.PartialDate) {
	from, to = c.validFrom.unpack(), c.validTo.unpack()
	if c.extra != 0 {
		e := &x.extras.items[c.extra]
		if e.validFrom != nil {
			from = *e.validFrom
		}
		if e.validTo != nil {
			to = *e.validTo
		}
	}
	return from, to
}

// relationshipsAt builds the domain values of the records at slots.
// They are built in one block and their derived ids in another: two
// allocations for a neighbourhood's thousand relationships, not two
// thousand.
func (x *index) relationshipsAt(slots []int32) []*domain.Relationship {
	out := make([]*domain.Relationship, len(slots))
	block := make([]domain.Relationship, len(slots))
	// The declared ids first, in a loop of their own: they lie scattered
	// over the arena, and these reads, independent of each other, wait
	// for memory together, where building each relationship in turn
	// waited for each. The derived ids' bytes are counted meanwhile.
	id, idBytes := x.recIDs(), 0
	for i, s := range slots {
		if c := &x.recs[s]; c.idHi == derivedID {
			idBytes += id.recPieces(c).len()
		} else {
			block[i].ID = id.id(s)
		}
	}
	ids := make([]byte, 0, idBytes) // never grown: the derived ids' strings are its bytes
	for i, s := range slots {
		rid := block[i].ID
		if c := &x.recs[s]; c.idHi == derivedID {
			start := len(ids)
			ids = id.recPieces(c).appendTo(ids)
			rid = unsafe.String(unsafe.SliceData(ids[start:]), len(ids)-start)
		}
		x.build(&block[i], s, rid)
		out[i] = &block[i]
	}
	return out
}

// holdsAt is domain.Relationship.HoldsAt for the record at slot i.
func (x *index) holdsAt(i int32, d domain.PartialDate) bool {
	if d.IsZero() {
		return true
	}
	from, to := x.validity(&x.recs[i])
	return domain.HoldsAt(from, to, d)
}

// compareRecs orders two record slots by their relationships' ids. Two
// derived ids are ordered by their first piece that differs when neither
// is a prefix of the other, as it is for nearly every pair; only what is
// left reads the ids in pieces. While the records' slots order as their
// ids do (recsInIDOrder: a load's, a generated graph's), the slots are
// compared instead.
func (x *index) compareRecs(a, b int32) int {
	if a == b || x.recsInIDOrder {
		return cmp.Compare(a, b)
	}
	ca, cb := &x.recs[a], &x.recs[b]
	switch da, db := ca.idHi == derivedID, cb.idHi == derivedID; {
	case !da && !db:
		return strings.Compare(x.relIDs.at(ca.idAt()), x.relIDs.at(cb.idAt()))
	case da && db && ca.from != cb.from:
		if c, ok := comparePrefixFree(x.ids[ca.from], x.ids[cb.from]); ok {
			return c
		}
	case da && db && ca.typ != cb.typ:
		if c, ok := comparePrefixFree(x.slugs[ca.typ], x.slugs[cb.typ]); ok {
			return c
		}
	case da && db:
		return strings.Compare(x.ids[ca.to], x.ids[cb.to])
	}
	ids := x.recIDs()
	pa, pb := ids.pieces(a), ids.pieces(b)
	return comparePieces(pa[:], pb[:])
}

// typeNumber numbers t for a record, with its slug for derived ids.
func (x *index) typeNumber(t domain.RelationType) uint16 {
	n := x.types.number(string(t))
	for int(n) >= len(x.slugs) {
		x.slugs = append(x.slugs, domain.RelationType(x.types.strings[len(x.slugs)]).Slug())
	}
	return n
}

// recIDs reads the ids of the records, stored in the arena or derived
// from their ends and type, for the relationships' slotTable and their
// order. Only id builds a string; the rest read the pieces in place.
type recIDs struct {
	recs  []rec
	arena *textArena
	ents  []string // the entities' ids by slot
	slugs []string // the types' slugs by number
}

func (x *index) recIDs() recIDs { return recIDs{x.recs, x.relIDs, x.ids, x.slugs} }

// idPieces are an id in the pieces whose concatenation it is: one for a
// stored id, five for a derived one.
type idPieces [5]string

// len is the length of the id p spells.
func (p idPieces) len() int {
	n := 0
	for _, piece := range p {
		n += len(piece)
	}
	return n
}

// appendTo appends the id p spells to b.
func (p idPieces) appendTo(b []byte) []byte {
	for _, piece := range p {
		b = append(b, piece...)
	}
	return b
}

// pieces is the id of record s in pieces.
func (r recIDs) pieces(s int32) idPieces { return r.recPieces(&r.recs[s]) }

// recPieces is c's id in pieces: derived when c says so, else the stored
// one.
func (r recIDs) recPieces(c *rec) idPieces {
	if c.idHi != derivedID {
		return idPieces{r.arena.at(c.idAt())}
	}
	return r.derived(c)
}

// derived is the id c's ends and type derive, in pieces, whether or not
// c's id is that one (domain.DeriveRelationshipID's form).
func (r recIDs) derived(c *rec) idPieces {
	return idPieces{r.ents[c.from], ".", r.slugs[c.typ], ".", r.ents[c.to]}
}

// joins reports whether id is the concatenation of p.
func joins(p idPieces, id string) bool {
	for _, piece := range p {
		if !strings.HasPrefix(id, piece) {
			return false
		}
		id = id[len(piece):]
	}
	return id == ""
}

// id is the id of record s; a derived one is built.
func (r recIDs) id(s int32) string {
	c := &r.recs[s]
	if c.idHi != derivedID {
		return r.arena.at(c.idAt())
	}
	p := r.recPieces(c)
	return strings.Join(p[:], "")
}

// is reports whether record s has id.
func (r recIDs) is(s int32, id string) bool { return joins(r.pieces(s), id) }

// hash is maphash.String of record s's id, hashed in pieces: maphash
// gives the same for the same bytes however they are written.
func (r recIDs) hash(seed maphash.Seed, s int32) uint64 {
	p := r.pieces(s)
	if p[1] == "" {
		return maphash.String(seed, p[0])
	}
	var h maphash.Hash
	h.SetSeed(seed)
	for _, piece := range p {
		h.WriteString(piece)
	}
	return h.Sum64()
}

// compareTo orders record s's id against id, as strings.Compare does.
func (r recIDs) compareTo(s int32, id string) int {
	p := r.pieces(s)
	return comparePieces(p[:], []string{id})
}

// comparePrefixFree orders a and b, and says whether that orders anything
// that begins with them: whether neither is a prefix of the other.
func comparePrefixFree(a, b string) (int, bool) {
	n := min(len(a), len(b))
	if c := strings.Compare(a[:n], b[:n]); c != 0 {
		return c, true
	}
	return 0, false
}

// comparePieces compares the concatenations of a and b, as strings.Compare
// compares strings, without making them.
func comparePieces(a, b []string) int {
	i, j, ai, bj := 0, 0, 0, 0 // the pieces, and the offsets in them
	for {
		for i < len(a) && ai == len(a[i]) {
			i, ai = i+1, 0
		}
		for j < len(b) && bj == len(b[j]) {
			j, bj = j+1, 0
		}
		switch {
		case i == len(a) && j == len(b):
			return 0
		case i == len(a):
			return -1
		case j == len(b):
			return 1
		}
		n := min(len(a[i])-ai, len(b[j])-bj)
		if c := strings.Compare(a[i][ai:ai+n], b[j][bj:bj+n]); c != 0 {
			return c
		}
		ai, bj = ai+n, bj+n
	}
}

// textArena holds texts end to end, each after its length as a uvarint,
// in blocks that are only ever appended to: the relationships' ids, and
// the encoded citation lists (citeTable). An element holds its text's
// place, five bytes, where a string would take a 16-byte header and an
// allocation of its own rounded up to a size class, with a pointer for the
// collector to follow. Reading a text copies nothing: the string is the
// block's bytes, which are never written again.
type textArena struct {
	blocks [][]byte
	size   int // bytes appended, lengths included
}

// arenaPos is a text's place in a textArena, in 40 bits: its block, then
// its offset there (arenaBlockBits). 2^20 blocks of up to 1 MiB hold up to
// a TiB of texts.
type arenaPos uint64

// arenaBlockBits is the log2 of a block's largest size, 1 MiB: one
// allocation for some thirty thousand ids.
const (
	arenaBlockBits = 20
	arenaBlock     = 1 << arenaBlockBits
)

// newTextArena returns an arena whose place 0 holds the empty text, the
// id of the empty record a retracted relationship leaves.
func newTextArena() *textArena {
	a := &textArena{}
	a.add("")
	return a
}

// add appends id and returns its place. A text longer than a block gets
// a block of its own, read from its start; validation bounds an id to
// domain.MaxRelIDLength bytes and a citation list to about a hundred
// kilobytes, below one.
func (a *textArena) add(id string) arenaPos {
	var head [binary.MaxVarintLen64]byte
	n := binary.PutUvarint(head[:], uint64(len(id)))
	last := len(a.blocks) - 1
	if last < 0 || len(a.blocks[last])+n+len(id) > cap(a.blocks[last]) {
		// Blocks start small, for a store of a few hundred
		// relationships, and double up to arenaBlock.
		size := 4 << 10
		if last >= 0 {
			size = min(2*cap(a.blocks[last]), arenaBlock)
		}
		a.blocks = append(a.blocks, make([]byte, 0, max(size, n+len(id))))
		last++
	}
	b := a.blocks[last]
	at := arenaPos(last)<<arenaBlockBits | arenaPos(len(b))
	a.blocks[last] = append(append(b, head[:n]...), id...)
	a.size += n + len(id)
	return at
}

// at is the text at p.
func (a *textArena) at(p arenaPos) string {
	b := a.blocks[p>>arenaBlockBits][p&(arenaBlock-1):]
	n, k := binary.Uvarint(b)
	if n == 0 {
		return ""
	}
	return unsafe.String(&b[k], int(n))
}

// interner numbers the few distinct strings of a field (relationship
// types, certainties) so a record holds a number in their place.
type interner struct {
	strings []string
	numbers map[string]uint16
}

func newInterner() *interner { return &interner{numbers: map[string]uint16{}} }

// number is s's number, given on first sight.
func (in *interner) number(s string) uint16 {
	n, ok := in.numbers[s]
	if !ok {
		n = uint16(len(in.strings))
		in.numbers[s] = n
		in.strings = append(in.strings, s)
	}
	return n
}

// slotIDs reads the ids of the elements at slots: what a slotTable needs
// to compare a cell's element with an id, and to hash it again when it
// grows.
type slotIDs interface {
	is(s int32, id string) bool
	hash(seed maphash.Seed, s int32) uint64
}

// slotTable finds an element's slot by its id: a live relationship's
// record slot (recIDs), an entity's (entIDs). It is an open-addressing hash
// table of slots, the ids read from the elements themselves: 7 to 20 bytes
// an element (it is a quarter to three quarters full, five bytes a cell)
// where a map from id to slot takes about 40 to 55, its keys' headers
// included.
//
// Each cell has a tag beside it, eight bits of its id's hash: a probe reads
// an element's id (an arena read, a cache miss) only where the tag agrees,
// one cell in 256 of those it passes. A load of a million relationships
// looks each new id up before it adds it, every probe a miss, and reading
// ids was a fifth of its time.
type slotTable[I slotIDs] struct {
	seed  maphash.Seed
	cells []int32 // a record slot, or emptyCell or deletedCell
	tags  []uint8 // by cell: tagOf its slot's id's hash
	used  int     // cells not empty: live ones and deleted ones
	live  int
}

// tagOf is the tag of an id with hash h: bits the cell's place (the low
// ones) does not use.
func tagOf(h uint64) uint8 { return uint8(h >> 56) }

const (
	emptyCell   int32 = -1
	deletedCell int32 = -2
)

func newSlotTable[I slotIDs]() *slotTable[I] {
	t := &slotTable[I]{seed: maphash.MakeSeed()}
	t.cells, t.tags = emptyCells(64), make([]uint8, 64)
	return t
}

func emptyCells(n int) []int32 {
	cells := make([]int32, n)
	for i := range cells {
		cells[i] = emptyCell
	}
	return cells
}

// probe returns the cell holding id's slot, or the cell where it would go
// (the first deleted one passed, else the empty one that ends the probe),
// and whether id was found.
func (t *slotTable[I]) probe(ids I, id string) (int, bool) {
	mask := len(t.cells) - 1
	free := -1
	h := maphash.String(t.seed, id)
	tag := tagOf(h)
	for i := int(h) & mask; ; i = (i + 1) & mask {
		switch c := t.cells[i]; {
		case c == emptyCell:
			if free < 0 {
				free = i
			}
			return free, false
		case c == deletedCell:
			if free < 0 {
				free = i
			}
		case t.tags[i] == tag && ids.is(c, id):
			return i, true
		}
	}
}

// find returns the slot of the element with id.
func (t *slotTable[I]) find(ids I, id string) (int32, bool) {
	i, ok := t.probe(ids, id)
	if !ok {
		return 0, false
	}
	return t.cells[i], true
}

// insert adds slot s, whose id the table does not hold.
func (t *slotTable[I]) insert(ids I, s int32) {
	if (t.used+1)*4 > len(t.cells)*3 {
		t.rehash(ids)
	}
	// The table does not hold s's id: it goes in the first cell free.
	mask := len(t.cells) - 1
	h := ids.hash(t.seed, s)
	i := int(h) & mask
	for t.cells[i] >= 0 {
		i = (i + 1) & mask
	}
	if t.cells[i] == emptyCell {
		t.used++
	}
	t.cells[i], t.tags[i] = s, tagOf(h)
	t.live++
}

// remove drops id, before its element is cleared.
func (t *slotTable[I]) remove(ids I, id string) {
	if i, ok := t.probe(ids, id); ok {
		t.cells[i] = deletedCell
		t.live--
	}
}

// rehash rebuilds the table, without its deleted cells, at the power of
// two that is twice the live count or more: half full at most. It hashes
// the elements' ids again in the order of their slots, which is the order
// the elements and their ids were stored in: read in the cells' order,
// each id was a cache miss (a third of a second for a million
// relationships' tables as they grew).
func (t *slotTable[I]) rehash(ids I) {
	n := 64
	for n < (t.live+1)*2 {
		n *= 2
	}
	held := t.slots()
	sortSlots(held)
	t.cells, t.tags, t.used = emptyCells(n), make([]uint8, n), 0
	mask := n - 1
	for _, s := range held {
		h := ids.hash(t.seed, s)
		i := int(h) & mask
		for t.cells[i] != emptyCell {
			i = (i + 1) & mask
		}
		t.cells[i], t.tags[i] = s, tagOf(h)
		t.used++
	}
}

// slots lists the slots held, in no order.
func (t *slotTable[I]) slots() []int32 {
	out := make([]int32, 0, t.live)
	for _, s := range t.cells {
		if s >= 0 {
			out = append(out, s)
		}
	}
	return out
}

// citeTable holds the citation lists of entities and relationships, each
// encoded once in an arena of its own: its length, then for each citation
// its source's number, its quote and its locator. A record holds its
// list's number. Where a list of domain.Citation values would take a slice,
// two string headers per citation and an allocation for each quote for the
// collector to follow, the table holds the texts' bytes and a place per
// list; a read decodes the list, its strings the arena's own bytes.
//
// Records citing the same slice in one change (an import's event and its
// links cite one record) share its number. A list is counted by the records
// holding it and dropped with the last; once the dropped lists' bytes
// outweigh the held ones, the arena is rewritten with only the held.
type citeTable struct {
	arena   *textArena
	places  []arenaPos // by number; 0 is the empty list
	holders []int32    // by number: how many records hold it
	// by number: the list a read decoded, shared by the reads after it
	// until the list is dropped (read)
	decoded []atomic.Pointer[[]domain.Citation]
	free    []uint32 // numbers dropped, to give again
	// numbers given in the change being applied, by list identity (shared)
	shared  map[citeKey]uint32
	dropped []uint32 // numbers whose last holder let go in the change being applied
	sources []string // by number
	sourceN map[string]uint64
	garbage int    // the arena's bytes that dropped lists hold
	scratch []byte // a list being encoded
}

// citeKey is a list by identity: its first element and its length.
type citeKey struct {
	first *domain.Citation
	n     int
}

func newCiteTable() *citeTable {
	return &citeTable{arena: newTextArena(), places: []arenaPos{0}, holders: []int32{0}, decoded: make([]atomic.Pointer[[]domain.Citation], 1),
		shared: map[citeKey]uint32{}, sourceN: map[string]uint64{}}
}

// add returns list's number for one more record.
func (t *citeTable) add(list []domain.Citation) uint32 {
	if len(list) == 0 {
		return 0
	}
	k := citeKey{&list[0], len(list)}
	n, ok := t.shared[k]
	if !ok {
		if last := len(t.free) - 1; last >= 0 {
			n, t.free = t.free[last], t.free[:last]
		} else {
			n = uint32(len(t.places))
			t.places, t.holders = append(t.places, 0), append(t.holders, 0)
			t.decoded = append(t.decoded, atomic.Pointer[[]domain.Citation]{})
		}
		t.places[n] = t.arena.add(t.encode(list))
		t.shared[k] = n
	}
	t.holders[n]++
	return n
}

// encode returns list encoded, in t's scratch buffer, as a string for the
// arena to copy.
func (t *citeTable) encode(list []domain.Citation) string {
	b := binary.AppendUvarint(t.scratch[:0], uint64(len(list)))
	for i := range list {
		c := &list[i]
		src, ok := t.sourceN[c.SourceID]
		if !ok {
			src = uint64(len(t.sources))
			t.sources = append(t.sources, c.SourceID)
			t.sourceN[c.SourceID] = src
		}
		b = binary.AppendUvarint(b, src)
		b = append(binary.AppendUvarint(b, uint64(len(c.Quote))), c.Quote...)
		b = append(binary.AppendUvarint(b, uint64(len(c.Locator))), c.Locator...)
	}
	t.scratch = b
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// release gives back one record's hold on list n. The list is dropped
// when the change being applied ends (settle), so that a slice the change
// cites again finds its number still holding it.
func (t *citeTable) release(n uint32) {
	if n == 0 {
		return
	}
	if t.holders[n]--; t.holders[n] == 0 {
		t.dropped = append(t.dropped, n)
	}
}

// settle ends a change: lists no record holds any more are dropped, and
// the arena rewritten once they hold most of it.
func (t *citeTable) settle() {
	clear(t.shared)
	for _, n := range t.dropped {
		if t.holders[n] == 0 && t.places[n] != 0 {
			t.garbage += textSize(t.arena.at(t.places[n]))
			t.places[n] = 0
			t.decoded[n].Store(nil)
			t.free = append(t.free, n)
		}
	}
	t.dropped = t.dropped[:0]
	if 2*t.garbage > t.arena.size {
		t.rewrite()
	}
}

// textSize is what a text takes in an arena, its length included.
func textSize(s string) int {
	var head [binary.MaxVarintLen64]byte
	return binary.PutUvarint(head[:], uint64(len(s))) + len(s)
}

// rewrite moves the held lists to a new arena. Lists read before keep the
// old blocks alive as long as they are used; nothing writes to them again.
func (t *citeTable) rewrite() {
	a := newTextArena()
	for n, p := range t.places {
		if p != 0 {
			t.places[n] = a.add(t.arena.at(p))
		}
	}
	t.arena, t.garbage = a, 0
}

// read is list n, decoded by the first read and shared by the reads
// after it, as the entities a read builds are (index.entityAt): a hub's
// links, read by every neighbourhood around it, are decoded once. Readers
// share the table under the read lock, so the list is published
// atomically. Callers must not change it.
func (t *citeTable) read(n uint32) []domain.Citation {
	if n == 0 {
		return nil
	}
	if l := t.decoded[n].Load(); l != nil {
		return *l
	}
	l := t.list(n)
	t.decoded[n].Store(&l)
	return l
}

// list decodes list n into a slice of its own. Its strings are the
// arena's bytes.
func (t *citeTable) list(n uint32) []domain.Citation {
	if n == 0 {
		return nil
	}
	blob := t.arena.at(t.places[n])
	b := unsafe.Slice(unsafe.StringData(blob), len(blob))
	count, k := binary.Uvarint(b)
	into := make([]domain.Citation, count)
	text := func() string {
		l, m := binary.Uvarint(b[k:])
		k += m
		if l == 0 {
			return ""
		}
		s := unsafe.String(&b[k], int(l))
		k += int(l)
		return s
	}
	for i := range into {
		src, m := binary.Uvarint(b[k:])
		k += m
		into[i].SourceID = t.sources[src]
		into[i].Quote = text()
		into[i].Locator = text()
	}
	return into
}

// sideTable holds the side records of the elements that have one (a
// relationship's rare fields, an entity's): an element holds its record's
// number, 0 for none.
type sideTable[T any] struct {
	items []T // by number; 0 is none
	free  []uint32
}

func newSideTable[T any]() *sideTable[T] { return &sideTable[T]{items: make([]T, 1)} }

func (t *sideTable[T]) add(e T) uint32 {
	if last := len(t.free) - 1; last >= 0 {
		n := t.free[last]
		t.free = t.free[:last]
		t.items[n] = e
		return n
	}
	t.items = append(t.items, e)
	return uint32(len(t.items) - 1)
}

func (t *sideTable[T]) release(n uint32) {
	if n != 0 {
		var zero T
		t.items[n] = zero
		t.free = append(t.free, n)
	}
}
