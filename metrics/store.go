package metrics

import (
	"context"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
)

// InstrumentStore returns st counting every call, its duration and its
// errors (by domain code), and the ids of each batched read. It changes
// nothing else: every method passes straight through.
func InstrumentStore(st domain.Store, m *Metrics) domain.Store {
	return &store{next: st, m: m}
}

type store struct {
	next domain.Store
	m    *Metrics
}

var _ domain.Store = (*store)(nil)

// observe starts timing a call to method; the function it returns records
// the call's end and its error.
func (s *store) observe(method string) func(error) {
	start := time.Now()
	return func(err error) {
		s.m.storeCalls.WithLabelValues(method).Inc()
		s.m.storeDuration.WithLabelValues(method).Observe(time.Since(start).Seconds())
		if err != nil {
			s.m.storeErrors.WithLabelValues(method, string(domain.ErrorCode(err))).Inc()
		}
	}
}

func (s *store) batch(method string, ids []string) {
	s.m.batchSize.WithLabelValues(method).Observe(float64(len(ids)))
}

func (s *store) EntitiesByIDs(ctx context.Context, ids []string) (_ []*domain.Entity, err error) {
	s.batch("EntitiesByIDs", ids)
	defer func(done func(error)) { done(err) }(s.observe("EntitiesByIDs"))
	return s.next.EntitiesByIDs(ctx, ids)
}

func (s *store) RelationshipsByIDs(ctx context.Context, ids []string) (_ []*domain.Relationship, err error) {
	s.batch("RelationshipsByIDs", ids)
	defer func(done func(error)) { done(err) }(s.observe("RelationshipsByIDs"))
	return s.next.RelationshipsByIDs(ctx, ids)
}

func (s *store) SourcesByIDs(ctx context.Context, ids []string) (_ []*domain.Source, err error) {
	s.batch("SourcesByIDs", ids)
	defer func(done func(error)) { done(err) }(s.observe("SourcesByIDs"))
	return s.next.SourcesByIDs(ctx, ids)
}

func (s *store) Sources(ctx context.Context) (_ []*domain.Source, err error) {
	defer func(done func(error)) { done(err) }(s.observe("Sources"))
	return s.next.Sources(ctx)
}

func (s *store) Entities(ctx context.Context, f domain.EntityFilter) (_ *domain.EntityPage, err error) {
	defer func(done func(error)) { done(err) }(s.observe("Entities"))
	return s.next.Entities(ctx, f)
}

func (s *store) RelationshipsOf(ctx context.Context, ids []string, f domain.RelationshipFilter) (_ []*domain.RelationshipPage, err error) {
	s.batch("RelationshipsOf", ids)
	defer func(done func(error)) { done(err) }(s.observe("RelationshipsOf"))
	return s.next.RelationshipsOf(ctx, ids, f)
}

func (s *store) ReadEntity(ctx context.Context, q domain.EntityRead) (_ *domain.EntityView, err error) {
	defer func(done func(error)) { done(err) }(s.observe("ReadEntity"))
	return s.next.ReadEntity(ctx, q)
}

func (s *store) Search(ctx context.Context, q domain.SearchQuery) (_ []*domain.Entity, err error) {
	defer func(done func(error)) { done(err) }(s.observe("Search"))
	return s.next.Search(ctx, q)
}

func (s *store) Neighborhood(ctx context.Context, q domain.NeighborhoodQuery) (_ *domain.Subgraph, err error) {
	defer func(done func(error)) { done(err) }(s.observe("Neighborhood"))
	return s.next.Neighborhood(ctx, q)
}

func (s *store) Paths(ctx context.Context, q domain.PathQuery) (_ []*domain.Path, err error) {
	defer func(done func(error)) { done(err) }(s.observe("Paths"))
	return s.next.Paths(ctx, q)
}

func (s *store) Snapshot(ctx context.Context) (_ *domain.Graph, err error) {
	defer func(done func(error)) { done(err) }(s.observe("Snapshot"))
	return s.next.Snapshot(ctx)
}

func (s *store) Apply(ctx context.Context, cs *domain.ChangeSet) (_ *domain.Change, err error) {
	defer func(done func(error)) { done(err) }(s.observe("Apply"))
	return s.next.Apply(ctx, cs)
}

func (s *store) Changes(ctx context.Context, q domain.ChangeQuery) (_ *domain.ChangePage, err error) {
	defer func(done func(error)) { done(err) }(s.observe("Changes"))
	return s.next.Changes(ctx, q)
}

func (s *store) Revision(ctx context.Context) (_ int64, err error) {
	defer func(done func(error)) { done(err) }(s.observe("Revision"))
	return s.next.Revision(ctx)
}

func (s *store) Ping(ctx context.Context) (err error) {
	defer func(done func(error)) { done(err) }(s.observe("Ping"))
	return s.next.Ping(ctx)
}

func (s *store) Close(ctx context.Context) (err error) {
	defer func(done func(error)) { done(err) }(s.observe("Close"))
	return s.next.Close(ctx)
}
