package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/conflictgraph/conflictgraph/changelog"
	"github.com/conflictgraph/conflictgraph/domain"
)

// Apply implements domain.Store in one managed write transaction: it locks
// the graph's revision (so concurrent writers queue and revisions stay
// gapless), reads what the change set names through Plan's view, asks
// domain.Plan what changes, writes that, and records the change as a
// :Change node at the next revision. A change set that changes nothing, or
// that Plan refuses, rolls the transaction back and writes nothing.
//
// A change costs a handful of statements whatever its size: the lock, one
// read per kind of element it names (sources, entities, relationships),
// one UNWIND for its sources, one per entity kind and per relationship type
// it creates or updates, one for the relationships it removes, one for
// those it retracts, and one for the change itself. One new relationship
// is 6 statements and 8 round trips (TestApplyCost counts them).
func (s *Store) Apply(ctx context.Context, cs *domain.ChangeSet) (*domain.Change, error) {
	ch, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (*domain.Change, error) {
		records, err := run(ctx, tx, cypherLockGraph, nil)
		if err != nil {
			return nil, err
		}
		current, _, err := neo4j.GetRecordValue[int64](records[0], "revision")
		if err != nil {
			return nil, fmt.Errorf("read the graph's revision: %w", err)
		}
		// The time is read under the lock, so revisions and times rise
		// together.
		ch, err := domain.Plan(ctx, txView{tx}, current, time.Now(), cs)
		if err != nil {
			return nil, err
		}
		if ch.Unchanged() {
			return nil, &unchanged{ch}
		}
		if err := writeChange(ctx, tx, ch); err != nil {
			return nil, fmt.Errorf("write revision %d: %w", ch.Revision, err)
		}
		return ch, nil
	})
	var same *unchanged
	if errors.As(err, &same) {
		return same.ch, nil
	}
	if err != nil {
		return nil, err
	}
	return ch, nil
}

// unchanged carries a change that changes nothing out of Apply's
// transaction function: returning it as an error is how a managed
// transaction is rolled back instead of committed.
type unchanged struct{ ch *domain.Change }

func (u *unchanged) Error() string { return "the change set changes nothing" }

// txView shows Plan the graph as Apply's transaction sees it, under the
// graph's write lock.
type txView struct{ tx neo4j.ManagedTransaction }

func (v txView) EntitiesByIDs(ctx context.Context, ids []string) ([]*domain.Entity, error) {
	return entitiesByIDs(ctx, v.tx, ids)
}

func (v txView) RelationshipsByIDs(ctx context.Context, ids []string) ([]*domain.Relationship, error) {
	return relationshipsByIDs(ctx, v.tx, ids)
}

func (v txView) EntitiesExist(ctx context.Context, ids []string) ([]bool, error) {
	records, err := run(ctx, v.tx, cypherEntitiesExist, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	found := make(map[string]bool, len(records))
	for _, rec := range records {
		id, _, err := neo4j.GetRecordValue[string](rec, "id")
		if err != nil {
			return nil, fmt.Errorf("read an entity's id: %w", err)
		}
		found[id] = true
	}
	out := make([]bool, len(ids))
	for i, id := range ids {
		out[i] = found[id]
	}
	return out, nil
}

func (v txView) SourcesByIDs(ctx context.Context, ids []string) ([]*domain.Source, error) {
	return sourcesByIDs(ctx, v.tx, ids)
}

// writeChange writes what ch says each element became: sources, then
// entities by kind, then relationships (removed, written by type,
// retracted), then the change itself.
func writeChange(ctx context.Context, tx neo4j.ManagedTransaction, ch *domain.Change) error {
	if len(ch.Sources) > 0 {
		rows := make([]map[string]any, len(ch.Sources))
		for i, sc := range ch.Sources {
			rows[i] = sourceProps(sc.After)
		}
		if _, err := run(ctx, tx, cypherMergeSources, map[string]any{"rows": rows}); err != nil {
			return fmt.Errorf("sources: %w", err)
		}
	}
	byKind := map[domain.EntityKind][]map[string]any{}
	for _, ec := range ch.Entities {
		props, err := entityProps(ec.After)
		if err != nil {
			return err
		}
		byKind[ec.After.Kind] = append(byKind[ec.After.Kind], props)
	}
	for _, k := range domain.EntityKinds {
		if rows := byKind[k]; len(rows) > 0 {
			cypher := fmt.Sprintf(cypherMergeEntities, allKindLabels, kindLabels[k])
			if _, err := run(ctx, tx, cypher, map[string]any{"rows": rows}); err != nil {
				return fmt.Errorf("entities (%s): %w", k, err)
			}
		}
	}
	if err := writeRelationships(ctx, tx, ch.Relationships); err != nil {
		return err
	}
	payload, err := changelog.Encode(ch)
	if err != nil {
		return err
	}
	var reason any
	if ch.Reason != "" {
		reason = ch.Reason
	}
	n, err := count(ctx, tx, cypherRecordChange, map[string]any{
		"revision": ch.Revision, "at": ch.At.UTC(), "actor": ch.Actor, "reason": reason, "payload": string(payload)}, "recorded")
	if err != nil {
		return fmt.Errorf("record the change: %w", err)
	}
	if n != 1 {
		return fmt.Errorf("the graph's revision went missing while revision %d was written", ch.Revision)
	}
	return nil
}

// writeRelationships removes the live relationships a change retracts or
// moves to another type or other ends, creates the new and moved ones and
// updates the others in place, by type, and keeps the retracted ones as
// nodes of their own. Each statement counts what it did, so a row that
// matched nothing fails the transaction.
func writeRelationships(ctx context.Context, tx neo4j.ManagedTransaction, changes []domain.RelationshipChange) error {
	var gone, retracted []map[string]any
	created := map[domain.RelationType][]map[string]any{}
	updated := map[domain.RelationType][]map[string]any{}
	for _, rc := range changes {
		r, before := rc.After, rc.Before
		moved := before != nil && (before.Type != r.Type || before.FromID != r.FromID || before.ToID != r.ToID)
		switch {
		case r.Retraction != nil:
			gone = append(gone, map[string]any{"id": before.ID, "lucene": luceneTerm(before.ID)})
			retracted = append(retracted, retractedProps(r))
		case moved:
			gone = append(gone, map[string]any{"id": before.ID, "lucene": luceneTerm(before.ID)})
			created[r.Type] = append(created[r.Type], relationshipRow(r))
		case before == nil:
			created[r.Type] = append(created[r.Type], relationshipRow(r))
		default:
			updated[r.Type] = append(updated[r.Type], relationshipRow(r))
		}
	}
	if len(gone) > 0 {
		n, err := count(ctx, tx, cypherDeleteRelationships, map[string]any{"rows": gone}, "deleted")
		if err != nil {
			return fmt.Errorf("remove relationships: %w", err)
		}
		if n != len(gone) {
			return fmt.Errorf("removed %d of the %d relationships to remove", n, len(gone))
		}
	}
	for _, step := range []struct {
		cypher string
		rows   map[domain.RelationType][]map[string]any
	}{{cypherUpdateRelationships, updated}, {cypherCreateRelationships, created}} {
		for _, t := range domain.RelationTypes {
			rows := step.rows[t]
			if len(rows) == 0 {
				continue
			}
			n, err := count(ctx, tx, fmt.Sprintf(step.cypher, t), map[string]any{"rows": rows}, "written")
			if err != nil {
				return fmt.Errorf("relationships (%s): %w", t, err)
			}
			if n != len(rows) {
				return fmt.Errorf("wrote %d of %d relationships (%s): one is missing, or one of its ends", n, len(rows), t)
			}
		}
	}
	if len(retracted) > 0 {
		if _, err := run(ctx, tx, cypherRetractRelationships, map[string]any{"rows": retracted}); err != nil {
			return fmt.Errorf("keep retracted relationships: %w", err)
		}
	}
	return nil
}

// count runs a statement that returns one integer in column key.
func count(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any, key string) (int, error) {
	records, err := run(ctx, tx, cypher, params)
	if err != nil {
		return 0, err
	}
	if len(records) != 1 {
		return 0, fmt.Errorf("%d records, want one", len(records))
	}
	n, _, err := neo4j.GetRecordValue[int64](records[0], key)
	return int(n), err
}

// Changes implements domain.Store, reading the :Change nodes after q.After
// in revision order, up to the revision read first in the same
// transaction, so that the page and its Revision agree.
func (s *Store) Changes(ctx context.Context, q domain.ChangeQuery) (*domain.ChangePage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*domain.ChangePage, error) {
		rev, err := revision(ctx, tx)
		if err != nil {
			return nil, err
		}
		page := &domain.ChangePage{Revision: rev}
		last := q.After
		if q.First > 0 && q.After < rev {
			records, err := run(ctx, tx, cypherChanges, map[string]any{"after": q.After, "upto": rev, "limit": int64(q.First)})
			if err != nil {
				return nil, err
			}
			for _, rec := range records {
				payload, _, err := neo4j.GetRecordValue[string](rec, "payload")
				if err != nil {
					return nil, fmt.Errorf("read the change after revision %d: %w", last, err)
				}
				ch, err := changelog.Decode([]byte(payload))
				if err != nil {
					return nil, err
				}
				if ch.Revision != last+1 {
					return nil, &domain.Error{Code: domain.CodeInternal, Message: fmt.Sprintf("the change history holds revision %d after %d: a revision is missing", ch.Revision, last)}
				}
				page.Changes = append(page.Changes, ch)
				last = ch.Revision
			}
		}
		page.HasNext = last < rev
		return page, nil
	})
}

// Revision implements domain.Store.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) { return revision(ctx, tx) })
}

func revision(ctx context.Context, tx neo4j.ManagedTransaction) (int64, error) {
	records, err := run(ctx, tx, cypherRevision, nil)
	if err != nil {
		return 0, err
	}
	rev, _, err := neo4j.GetRecordValue[int64](records[0], "revision")
	return rev, err
}
