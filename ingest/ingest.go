// Package ingest is what the importers of the field's data sets (acled,
// ucdp, ftm) share: the file opened (gzip or not, a path or standard
// input), external names resolved to the graph's entities (a --map file
// first, then folded names and aliases, never guessing between several),
// records turned into change sets of at most domain.MaxChangeSetSize
// elements written through the store's one write door, progress, and the
// summary a run ends with. Every record is either imported or rejected with
// its line number and reason; nothing is dropped silently.
package ingest

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Dataset describes one external data set: the source every imported
// element cites, and how its records become ids.
type Dataset struct {
	// Name is the format's name ("acled"); the import's actor is
	// "import:" + Name.
	Name string
	// Source is the data set as a source of the graph.
	Source *domain.Source
	// Prefix starts the ids of the entities its records become
	// ("acled" for "acled-mli12345").
	Prefix string
	// CaseSensitiveKeys says that two record keys differing only by case
	// are two records (OpenSanctions' ids), so RecordID keeps them apart.
	CaseSensitiveKeys bool
}

// Format is one importer: its data set and the reader that streams a file
// of it into an Importer, calling Add or Reject once for every record.
type Format struct {
	Dataset Dataset
	Read    func(ctx context.Context, r io.Reader, im *Importer) error
}

// Options tune a run.
type Options struct {
	// Map settles names resolution cannot (ReadMap).
	Map Map
	// Reason is recorded with every change set; the default names the data set.
	Reason string
	// Rejects, when set, receives every rejected record as CSV (line,
	// record, reason), however many there are; the summary lists the
	// first MaxListedRejects.
	Rejects io.Writer
	// Progress, when set, hears how many records have been read, at
	// most every ProgressEvery records and after each change set.
	Progress func(records int)
	// BatchSize bounds the elements of one change set; 0 means
	// domain.MaxChangeSetSize.
	BatchSize int
}

// ProgressEvery is how many records pass between two progress reports.
const ProgressEvery = 1000

// MaxListedRejects bounds the rejected records a summary keeps; Rejects
// gets them all.
const MaxListedRejects = 50

// Row is what one record becomes: the record's own entity (an event, a
// sanction, an FtM entity), written whole, and the links it makes.
type Row struct {
	Line int
	// Key names the record for a citation's locator and for the
	// summary, e.g. "event_id_cnty MLI12345".
	Key    string
	Entity *domain.Entity
	Links  []*domain.Relationship
}

func (r *Row) size() int {
	n := len(r.Links)
	if r.Entity != nil {
		n++
	}
	return n
}

// Importer turns records into change sets. It is not safe for concurrent
// use: one reader feeds it.
type Importer struct {
	st      domain.Store
	ds      Dataset
	o       Options
	res     *resolver
	sum     *Summary
	rejects *csv.Writer

	sourceWritten bool
	batch         []*Row
	created       []*domain.Entity // entities made for names nothing matched, not yet written
	batchSize     int
	seen          map[string]int // record entity or key -> line it was first read on
	start         time.Time
	// writing is the change set being written while the next records are
	// read, nil when none is (settle).
	writing *write
}

// write is one change set written in the background: the store works on
// it while the reader parses, resolves and checks the records of the next
// one, on the other core. Only its goroutine sets ch and err, before
// closing done; the importer reads them after.
type write struct {
	done    chan struct{}
	ch      *domain.Change
	err     error
	records map[string]bool // the ids of the records' own entities
	links   int             // the links the rows gave
	first   int             // the rows' first and last lines
	last    int
}

// New prepares an import of ds into st: the map's entities must exist.
func New(ctx context.Context, st domain.Store, ds Dataset, o Options) (*Importer, error) {
	if err := o.Map.check(ctx, st); err != nil {
		return nil, err
	}
	if o.BatchSize <= 0 || o.BatchSize > domain.MaxChangeSetSize {
		o.BatchSize = domain.MaxChangeSetSize
	}
	if o.Reason == "" {
		o.Reason = "import of " + ds.Source.Title
	}
	rev, err := st.Revision(ctx)
	if err != nil {
		return nil, err
	}
	im := &Importer{st: st, ds: ds, o: o, seen: map[string]int{}, start: time.Now(),
		sum: &Summary{Dataset: ds.Name, Source: ds.Source.ID, FromRevision: rev, ToRevision: rev,
			Created: map[domain.EntityKind]int{}, Ambiguous: map[string]*Ambiguity{}, Notes: map[string]int{}}}
	im.res = newResolver(im.Store, &im.ds, o.Map, im.sum)
	if o.Rejects != nil {
		im.rejects = csv.NewWriter(o.Rejects)
		if err := im.rejects.Write([]string{"line", "record", "reason"}); err != nil {
			return nil, err
		}
	}
	return im, nil
}

// Run imports the file in through f into st and returns its summary. On
// an error that stops the import (a file that cannot be read, a store that
// fails) the summary says what was written before it; what was written
// stays, and running the import again after the fix changes only the rest.
func Run(ctx context.Context, st domain.Store, f Format, in io.Reader, o Options) (*Summary, error) {
	im, err := New(ctx, st, f.Dataset, o)
	if err != nil {
		return nil, err
	}
	readErr := f.Read(ctx, in, im)
	if readErr != nil {
		// Keep what was read before the fault.
		sum, err := im.Finish(ctx)
		if err != nil {
			return sum, err
		}
		return sum, readErr
	}
	return im.Finish(ctx)
}

// Cite returns the citation of the record key of the data set: its source,
// the key as locator, and text (the record's own words) as the quote, cut
// to domain.MaxQuoteLength (counted in the summary's notes).
func (im *Importer) Cite(key, text string) []domain.Citation {
	clean := Clean(text)
	q := Cut(clean, domain.MaxQuoteLength)
	if len(q) < len(clean) {
		im.Note(fmt.Sprintf("quotes cut to %d bytes at a sentence or word", domain.MaxQuoteLength))
	}
	return []domain.Citation{{SourceID: im.ds.Source.ID, Locator: Clean(key), Quote: q}}
}

// Note counts something trimmed to fit the graph's limits; the summary
// lists the counts.
func (im *Importer) Note(what string) { im.sum.Notes[what]++ }

// Matched records that the record on line is an entity the graph holds
// already, found by Thing: it is linked, not rewritten.
func (im *Importer) Matched(ctx context.Context, row *Row) error {
	im.sum.Records.Matched++
	return im.Add(ctx, row)
}

// Source returns the data set's source.
func (im *Importer) Source() *domain.Source { return im.ds.Source }

// RecordID is Dataset's id for the entity of the record key.
func (im *Importer) RecordID(key string) string {
	return RecordID(im.ds.Prefix, key, im.ds.CaseSensitiveKeys)
}

// Reject records that the record on line could not be imported, and why.
func (im *Importer) Reject(line int, key, reason string) error {
	im.sum.Records.Read++
	im.sum.Rejected++
	if len(im.sum.Rejects) < MaxListedRejects {
		im.sum.Rejects = append(im.sum.Rejects, Reject{Line: line, Record: key, Reason: reason})
	}
	if im.rejects != nil {
		if err := im.rejects.Write([]string{strconv.Itoa(line), key, reason}); err != nil {
			return fmt.Errorf("write the rejected records: %w", err)
		}
	}
	im.progress(false)
	return nil
}

// RejectErr rejects the record for err: an ambiguous name is also listed
// in the summary; other errors that are not INVALID stop the import.
func (im *Importer) RejectErr(line int, key string, err error) error {
	if domain.ErrorCode(err) != domain.CodeInvalid {
		return err
	}
	var e *domain.Error
	msg := err.Error()
	if ok := asError(err, &e); ok {
		msg = e.Message
	}
	return im.Reject(line, key, msg)
}

// Add checks a record's row against the graph's rules and queues it for
// the next change set; a row that breaks one is rejected instead, with the
// rule it breaks. A record whose entity or key was read before in the same
// file is rejected too, naming the line it was first read on.
func (im *Importer) Add(ctx context.Context, row *Row) error {
	if err := im.failed(ctx); err != nil {
		return err
	}
	seenKey := row.Key
	if row.Entity != nil {
		seenKey = row.Entity.ID
	}
	if first, ok := im.seen[seenKey]; ok {
		return im.Reject(row.Line, row.Key, fmt.Sprintf("the record appears twice in the file (first on line %d); the first is kept", first))
	}
	row.Links = dedupeLinks(row.Links)
	var problems []domain.Problem
	if row.Entity != nil {
		problems = append(problems, prefix("entity", domain.ValidateEntity(row.Entity))...)
	}
	for i, r := range row.Links {
		if ps := domain.ValidateRelationship(r); len(ps) > 0 {
			problems = append(problems, prefix(fmt.Sprintf("links[%d] (%s)", i, r.Type), ps)...)
		}
	}
	if len(problems) > 0 {
		return im.Reject(row.Line, row.Key, domain.InvalidProblems("", problems).Error())
	}
	im.seen[seenKey] = row.Line
	im.sum.Records.Read++
	if im.batchSize+row.size() > im.o.BatchSize {
		if err := im.flush(ctx); err != nil {
			return err
		}
	}
	im.batch = append(im.batch, row)
	im.batchSize += row.size()
	im.progress(false)
	return nil
}

func prefix(field string, list []domain.Problem) []domain.Problem {
	for i := range list {
		list[i].Field = field + "." + list[i].Field
	}
	return list
}

// dedupeLinks drops a link whose id an earlier link of the row has (an
// actor named both as actor1 and among its associates).
func dedupeLinks(links []*domain.Relationship) []*domain.Relationship {
	out := links[:0]
	for _, r := range links {
		if !slices.ContainsFunc(out, func(o *domain.Relationship) bool { return o.ID == r.ID }) {
			out = append(out, r)
		}
	}
	return out
}

// create queues an entity made for a name nothing matched; it goes out
// with the next change set, before the rows that link it.
func (im *Importer) create(ctx context.Context, e *domain.Entity) error {
	if im.batchSize+1 > im.o.BatchSize {
		if err := im.flush(ctx); err != nil {
			return err
		}
	}
	im.created = append(im.created, e)
	im.batchSize++
	return nil
}

func (im *Importer) progress(force bool) {
	if im.o.Progress != nil && (force || im.sum.Records.Read%ProgressEvery == 0) {
		im.o.Progress(im.sum.Records.Read)
	}
}

// flush starts writing the queued rows as one change set, once the one
// before is written (settle): the store writes it while the reader goes on
// with the next records. Every read of the store the import makes settles
// first, so what it reads is what it would read with no write running,
// and the same file gives the same graph however the two interleave.
func (im *Importer) flush(ctx context.Context) error {
	if err := im.settle(ctx); err != nil {
		return err
	}
	if len(im.batch) == 0 && len(im.created) == 0 {
		return nil
	}
	rows, err := im.keepOwnIDs(ctx, im.batch)
	if err != nil {
		return err
	}
	cs := &domain.ChangeSet{Actor: "import:" + im.ds.Name, Reason: im.o.Reason}
	if !im.sourceWritten {
		cs.Sources = []*domain.Source{im.ds.Source}
	}
	cs.Entities = append(cs.Entities, im.created...)
	w := &write{done: make(chan struct{}), records: map[string]bool{}}
	for _, r := range rows {
		if r.Entity != nil {
			cs.Entities = append(cs.Entities, r.Entity)
			w.records[r.Entity.ID] = true
		}
		cs.Relationships = append(cs.Relationships, r.Links...)
		w.links += len(r.Links)
	}
	if len(im.batch) > 0 {
		w.first, w.last = im.batch[0].Line, im.batch[len(im.batch)-1].Line
	}
	// The rows go with the change set: a new slice, not the old one's
	// array, which the store is reading.
	im.batch, im.created, im.batchSize = nil, nil, 0
	if cs.Size() == 0 {
		return nil
	}
	im.writing = w
	go func() {
		defer close(w.done)
		w.ch, w.err = im.st.Apply(ctx, cs)
	}()
	return nil
}

// settle waits for the change set being written, if one is, and counts
// what it changed in the summary; a write that failed stops the import.
func (im *Importer) settle(ctx context.Context) error {
	w := im.writing
	if w == nil {
		return nil
	}
	<-w.done
	im.writing = nil
	if w.err != nil {
		return fmt.Errorf("write the records of lines %d-%d: %w", w.first, w.last, w.err)
	}
	ch := w.ch
	im.sourceWritten = true
	im.sum.ChangeSets++
	if !ch.Unchanged() {
		im.sum.ToRevision = ch.Revision
		im.sum.Revisions++
	}
	changed := 0
	for _, ec := range ch.Entities {
		if !w.records[ec.After.ID] {
			continue
		}
		changed++
		if ec.Op == domain.OpCreated {
			im.sum.Records.Created++
		} else {
			im.sum.Records.Updated++
		}
	}
	im.sum.Records.Unchanged += len(w.records) - changed
	for _, rc := range ch.Relationships {
		if rc.Op == domain.OpCreated {
			im.sum.Links.Created++
		} else {
			im.sum.Links.Updated++
		}
	}
	im.sum.Links.Unchanged += w.links - len(ch.Relationships)
	im.progress(true)
	return nil
}

// failed returns the error of a background write that has ended in one,
// without waiting for a write still running: a store that fails stops the
// import at the next record, not a change set later.
func (im *Importer) failed(ctx context.Context) error {
	if im.writing == nil {
		return nil
	}
	select {
	case <-im.writing.done:
		return im.settle(ctx)
	default:
		return nil
	}
}

// keepOwnIDs rejects the rows whose entity would replace one the data set
// did not make (an id an import must not take over: it never merges or
// overwrites another's entity), and returns the others.
func (im *Importer) keepOwnIDs(ctx context.Context, rows []*Row) ([]*Row, error) {
	var ids []string
	for _, r := range rows {
		if r.Entity != nil {
			ids = append(ids, r.Entity.ID)
		}
	}
	if len(ids) == 0 {
		return rows, nil
	}
	stored, err := im.st.EntitiesByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, e := range stored {
		if e != nil && !im.res.own(e) {
			taken[e.ID] = true
		}
	}
	if len(taken) == 0 {
		return rows, nil
	}
	kept := make([]*Row, 0, len(rows))
	for _, r := range rows {
		if r.Entity != nil && taken[r.Entity.ID] {
			im.sum.Records.Read-- // counted again by Reject
			if err := im.Reject(r.Line, r.Key, fmt.Sprintf("entity %q exists and was not made by this data set's imports; an import never replaces it", r.Entity.ID)); err != nil {
				return nil, err
			}
			continue
		}
		kept = append(kept, r)
	}
	return kept, nil
}

// Finish writes what is queued and returns the summary.
func (im *Importer) Finish(ctx context.Context) (*Summary, error) {
	err := im.flush(ctx)
	if serr := im.settle(ctx); err == nil {
		err = serr
	}
	if im.rejects != nil {
		im.rejects.Flush()
		if werr := im.rejects.Error(); werr != nil && err == nil {
			err = fmt.Errorf("write the rejected records: %w", werr)
		}
	}
	im.sum.Took = time.Since(im.start)
	im.progress(true)
	return im.sum, err
}

func invalidf(format string, args ...any) error { return domain.Invalidf(format, args...) }

// Store returns the store the import writes to, once the change set
// being written is (settle): what a reader looks up there includes every
// record added before.
func (im *Importer) Store(ctx context.Context) (domain.Store, error) {
	if err := im.settle(ctx); err != nil {
		return nil, err
	}
	return im.st, nil
}
