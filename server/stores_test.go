package server_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// countingStore counts every call to the store it wraps, whatever the
// method, so a test can say that a request did no store work at all.
type countingStore struct {
	next       domain.Store
	calls      atomic.Int64
	noDeadline atomic.Int64 // calls whose context had no deadline
}

var _ domain.Store = (*countingStore)(nil)

// newCountingStore wraps an embedded store loaded with the fixture graph.
func newCountingStore(t *testing.T) *countingStore {
	t.Helper()
	st := embedded.New()
	storetest.MustLoad(t, st, storetest.Fixture())
	return &countingStore{next: st}
}

func (c *countingStore) count(ctx context.Context) {
	c.calls.Add(1)
	if _, ok := ctx.Deadline(); !ok {
		c.noDeadline.Add(1)
	}
}

func (c *countingStore) EntitiesByIDs(ctx context.Context, ids []string) ([]*domain.Entity, error) {
	c.count(ctx)
	return c.next.EntitiesByIDs(ctx, ids)
}

func (c *countingStore) RelationshipsByIDs(ctx context.Context, ids []string) ([]*domain.Relationship, error) {
	c.count(ctx)
	return c.next.RelationshipsByIDs(ctx, ids)
}

func (c *countingStore) SourcesByIDs(ctx context.Context, ids []string) ([]*domain.Source, error) {
	c.count(ctx)
	return c.next.SourcesByIDs(ctx, ids)
}

func (c *countingStore) Sources(ctx context.Context) ([]*domain.Source, error) {
	c.count(ctx)
	return c.next.Sources(ctx)
}

func (c *countingStore) Entities(ctx context.Context, f domain.EntityFilter) (*domain.EntityPage, error) {
	c.count(ctx)
	return c.next.Entities(ctx, f)
}

func (c *countingStore) RelationshipsOf(ctx context.Context, ids []string, f domain.RelationshipFilter) ([]*domain.RelationshipPage, error) {
	c.count(ctx)
	return c.next.RelationshipsOf(ctx, ids, f)
}

func (c *countingStore) ReadEntity(ctx context.Context, q domain.EntityRead) (*domain.EntityView, error) {
	c.count(ctx)
	return c.next.ReadEntity(ctx, q)
}

func (c *countingStore) Search(ctx context.Context, q domain.SearchQuery) ([]*domain.Entity, error) {
	c.count(ctx)
	return c.next.Search(ctx, q)
}

func (c *countingStore) Neighborhood(ctx context.Context, q domain.NeighborhoodQuery) (*domain.Subgraph, error) {
	c.count(ctx)
	return c.next.Neighborhood(ctx, q)
}

func (c *countingStore) Paths(ctx context.Context, q domain.PathQuery) ([]*domain.Path, error) {
	c.count(ctx)
	return c.next.Paths(ctx, q)
}

func (c *countingStore) Snapshot(ctx context.Context) (*domain.Graph, error) {
	c.count(ctx)
	return c.next.Snapshot(ctx)
}

func (c *countingStore) Apply(ctx context.Context, cs *domain.ChangeSet) (*domain.Change, error) {
	c.count(ctx)
	return c.next.Apply(ctx, cs)
}

func (c *countingStore) Changes(ctx context.Context, q domain.ChangeQuery) (*domain.ChangePage, error) {
	c.count(ctx)
	return c.next.Changes(ctx, q)
}

func (c *countingStore) Revision(ctx context.Context) (int64, error) {
	c.count(ctx)
	return c.next.Revision(ctx)
}

func (c *countingStore) Ping(ctx context.Context) error {
	c.count(ctx)
	return c.next.Ping(ctx)
}

func (c *countingStore) Close(ctx context.Context) error {
	c.count(ctx)
	return c.next.Close(ctx)
}

// stallingStore answers like the fixture store, except that Search and
// Snapshot wait for their context to end, the way a store stuck on a slow
// query does, and then return its error. entered is closed on the first
// stalled call.
type stallingStore struct {
	domain.Store
	once    sync.Once
	entered chan struct{}
}

func newStallingStore(t *testing.T) *stallingStore {
	t.Helper()
	st := embedded.New()
	storetest.MustLoad(t, st, storetest.Fixture())
	return &stallingStore{Store: st, entered: make(chan struct{})}
}

func (s *stallingStore) stall(ctx context.Context) error {
	s.once.Do(func() { close(s.entered) })
	<-ctx.Done()
	return ctx.Err()
}

func (s *stallingStore) Search(ctx context.Context, _ domain.SearchQuery) ([]*domain.Entity, error) {
	return nil, s.stall(ctx)
}

func (s *stallingStore) Snapshot(ctx context.Context) (*domain.Graph, error) {
	return nil, s.stall(ctx)
}

// panickingStore panics in the reads named, as a bug in a backend would.
type panickingStore struct {
	domain.Store
}

func (panickingStore) Search(context.Context, domain.SearchQuery) ([]*domain.Entity, error) {
	panic("search index corrupted: MATCH (e:Entity) secret cypher")
}

func (panickingStore) EntitiesByIDs(context.Context, []string) ([]*domain.Entity, error) {
	panic("entity cache corrupted: MATCH (e:Entity) secret cypher")
}

func (panickingStore) Snapshot(context.Context) (*domain.Graph, error) {
	panic("snapshot corrupted: MATCH (e:Entity) secret cypher")
}
