// Package neo4jstore keeps the conflict graph in Neo4j 5, for production and
// for graphs that outgrow one machine (a Neo4j cluster or Aura). It answers
// every domain.Store question exactly as the embedded store does; the
// conformance suite in storetest runs against a real Neo4j to prove it.
package neo4jstore

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/log"

	"github.com/conflictgraph/conflictgraph/domain"
)

//go:embed schema.cypher
var schemaCypher string

// Config says how to reach Neo4j. URI takes bolt://, neo4j:// (routing, for
// clusters) and their +s / +ssc TLS forms (neo4j+s:// for Aura).
type Config struct {
	URI      string
	User     string // empty: no authentication
	Password string
	Database string // empty: the server's default database
	// QueryTimeout bounds each read transaction, on the server too;
	// default 30s.
	QueryTimeout time.Duration
	// WriteTimeout bounds each write transaction, on the server too;
	// default 5m. A change set of thousands of elements (the seed graph, an
	// import's batch) is one transaction, whose statements a cold Neo4j
	// plans one by one; an API request's own deadline bounds a mutation
	// sooner.
	WriteTimeout time.Duration
	// ConnectTimeout bounds connecting and retrying when Neo4j is away, so
	// requests fail with UNAVAILABLE instead of hanging; default 5s.
	ConnectTimeout time.Duration
	// BoltLogger, when set, hears every Bolt message the store exchanges
	// with Neo4j: to see what a request costs in statements and round
	// trips (a test counts them), not for production logs.
	BoltLogger log.BoltLogger
	// ProbeInterval is how often a store that found Neo4j unreachable
	// tries it again, in the background; default 1s. Until a probe
	// answers, every call fails at once with UNAVAILABLE instead of
	// waiting out the driver's timeouts and retries.
	ProbeInterval time.Duration
	// ManageSchema keeps the schema applied from the background: as soon
	// as Neo4j first answers, whenever it answers again after an outage
	// (it may be another, empty server), and whenever a query finds an
	// index missing. serve sets it; seed and migrate apply it themselves.
	ManageSchema bool
	// Logger hears what the background work finds (Neo4j lost and back,
	// the schema applied); nil discards it.
	Logger *slog.Logger
}

// Store is a domain.Store over a Neo4j database. It is safe for concurrent
// use; create one per process.
type Store struct {
	driver neo4j.DriverWithContext
	cfg    Config
	// bookmarks chains every session the store opens, so that on a
	// cluster a read follows the writes this process has committed: a
	// query after a mutation sees it.
	bookmarks neo4j.BookmarkManager
	log       *slog.Logger

	// down is set while Neo4j is known to be unreachable: calls fail fast
	// and the keeper probes until it answers.
	down       atomic.Bool
	needSchema atomic.Bool   // the keeper is to apply the schema
	wake       chan struct{} // tells the keeper there is work (capacity 1)
	stopKeeper context.CancelFunc
	kept       chan struct{} // closed when the keeper has ended
}

var _ domain.Store = (*Store)(nil)

// New creates the driver. It does not connect: Neo4j may come up later, and
// Ping says when it is reachable.
func New(cfg Config) (*Store, error) {
	u, err := url.Parse(cfg.URI)
	if err != nil || u.Host == "" {
		return nil, domain.Invalidf("NEO4J_URI %q is not a URI like bolt://localhost:7687", cfg.URI)
	}
	switch u.Scheme {
	case "bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc":
	default:
		return nil, domain.Invalidf("NEO4J_URI scheme %q is not bolt, neo4j or their +s/+ssc forms", u.Scheme)
	}
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = 30 * time.Second
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = 5 * time.Second
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 5 * time.Minute
	}
	if cfg.ProbeInterval <= 0 {
		cfg.ProbeInterval = time.Second
	}
	auth := neo4j.NoAuth()
	if cfg.User != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.SocketConnectTimeout = cfg.ConnectTimeout
		c.ConnectionAcquisitionTimeout = cfg.ConnectTimeout
		c.MaxTransactionRetryTime = cfg.ConnectTimeout
	})
	if err != nil {
		return nil, fmt.Errorf("create neo4j driver for %s: %w", cfg.URI, translate(err))
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	keeperCtx, stop := context.WithCancel(context.Background())
	s := &Store{driver: driver, cfg: cfg, log: log, wake: make(chan struct{}, 1), stopKeeper: stop, kept: make(chan struct{}),
		bookmarks: neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{})}
	s.needSchema.Store(cfg.ManageSchema)
	go s.keep(keeperCtx)
	s.signal()
	return s, nil
}

// Close implements domain.Store: it ends the background work (a schema
// migration in progress is cancelled: the next start applies the schema),
// then closes the driver's connections, which must not be closed under a
// running transaction.
func (s *Store) Close(ctx context.Context) error {
	s.stopKeeper()
	select {
	case <-s.kept:
	case <-ctx.Done():
		return fmt.Errorf("stop the neo4j store's background work: %w", ctx.Err())
	}
	return s.driver.Close(ctx)
}

// Ping implements domain.Store: a round trip to the database, or
// UNAVAILABLE at once while Neo4j is known to be unreachable.
func (s *Store) Ping(ctx context.Context) error {
	_, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, cypherPing, nil)
		return struct{}{}, err
	})
	return err
}

// signal wakes the keeper.
func (s *Store) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// keep is the store's background work, one goroutine per store until
// Close: while Neo4j is known to be unreachable it probes it every
// ProbeInterval, and when it answers again (perhaps another, empty server)
// it applies the schema anew; with ManageSchema it applies the schema
// whenever it is asked to, retrying with backoff.
func (s *Store) keep(ctx context.Context) {
	defer close(s.kept)
	backoff := time.Second
	for {
		switch {
		case ctx.Err() != nil:
			return
		case s.down.Load():
			if err := s.probe(ctx); err == nil {
				s.down.Store(false)
				s.log.Info("neo4j answers again", "uri", s.cfg.URI)
				s.needSchema.Store(s.cfg.ManageSchema)
				continue
			}
			if !sleep(ctx, s.cfg.ProbeInterval) {
				return
			}
		case s.needSchema.Load():
			err := s.Migrate(ctx)
			switch {
			case err == nil:
				s.needSchema.Store(false)
				backoff = time.Second
				s.log.Info("neo4j schema is in place")
			case ctx.Err() != nil:
				return // shutting down: the next start applies the schema
			case s.down.Load():
				// Neo4j went away meanwhile: probe, then apply it.
			default:
				s.log.Warn("neo4j schema not applied yet; retrying", "err", err, "retry_in", backoff)
				if !sleep(ctx, backoff) {
					return
				}
				backoff = min(2*backoff, 30*time.Second)
			}
		default:
			select {
			case <-ctx.Done():
				return
			case <-s.wake:
			}
		}
	}
}

// sleep waits d, or less if ctx ends first (then it returns false).
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// probe asks Neo4j for one answer, without retries, bounded by the connect
// timeout: how the keeper learns that Neo4j is back.
func (s *Store) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ConnectTimeout)
	defer cancel()
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: s.cfg.Database})
	defer session.Close(context.WithoutCancel(ctx))
	res, err := session.Run(ctx, cypherPing, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	return err
}

// errUnreachable is what every call gets while Neo4j is known to be down.
var errUnreachable = &domain.Error{Code: domain.CodeUnavailable, Message: "the graph store is unreachable; retry shortly",
	Err: errors.New("neo4j did not answer its last call; calls fail fast until a background probe gets an answer")}

// available fails fast while Neo4j is known to be unreachable.
func (s *Store) available() error {
	if s.down.Load() {
		return errUnreachable
	}
	return nil
}

// failed turns an error of a call made with ctx into the domain's codes,
// and acts on what it shows: Neo4j unreachable (calls fail fast until a
// probe answers) or the schema missing (the keeper applies it again). A
// call that ran out of time or was cancelled is TIMEOUT or CANCELED,
// whatever the driver made of it.
func (s *Store) failed(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if unreachable(err) && (ctx.Err() == nil || refused(err)) {
		if s.down.CompareAndSwap(false, true) {
			s.log.Warn("neo4j is unreachable; calls fail fast while it is probed in the background",
				"uri", s.cfg.URI, "err", err, "probe_every", s.cfg.ProbeInterval)
			s.signal()
		}
	}
	if cerr := domain.ContextError(ctx, "the neo4j query"); cerr != nil {
		var derr *domain.Error
		if errors.As(cerr, &derr) {
			derr.Err = err // the driver's account, for the log
		}
		return cerr
	}
	if schemaMissing(err) {
		s.needSchema.Store(true)
		s.signal()
		return &domain.Error{Code: domain.CodeUnavailable, Message: "the graph store's indexes are being set up; retry shortly", Err: err}
	}
	return translate(err)
}

// unreachable reports whether err shows Neo4j (or its database) not
// answering, as opposed to a query that failed or ran out of time.
func unreachable(err error) bool {
	var limit *neo4j.TransactionExecutionLimit
	if errors.As(err, &limit) {
		return slices.ContainsFunc(limit.Errors, unreachable)
	}
	var conn *neo4j.ConnectivityError
	if errors.As(err, &conn) {
		return conn.Inner == nil || !(errors.Is(conn.Inner, context.Canceled) || errors.Is(conn.Inner, context.DeadlineExceeded))
	}
	var neoErr *neo4j.Neo4jError
	if errors.As(err, &neoErr) {
		return neoErr.Code == "Neo.TransientError.General.DatabaseUnavailable" || neoErr.Code == "Neo.ClientError.Database.DatabaseNotFound"
	}
	var netErr *net.OpError
	return errors.As(err, &netErr)
}

// refused reports whether err holds a refused connection: Neo4j is down
// even when the caller's deadline passed while the driver was retrying.
func refused(err error) bool {
	var limit *neo4j.TransactionExecutionLimit
	if errors.As(err, &limit) {
		return slices.ContainsFunc(limit.Errors, refused)
	}
	var netErr *net.OpError
	return errors.As(err, &netErr) && netErr.Op == "dial"
}

// schemaMissing reports whether a query failed for want of an index the
// schema creates: the database was replaced or its schema dropped.
func schemaMissing(err error) bool {
	var neoErr *neo4j.Neo4jError
	return errors.As(err, &neoErr) && strings.Contains(strings.ToLower(neoErr.Msg), "no such fulltext schema index")
}

// Migrate applies the constraints and indexes, idempotently, and waits until
// the indexes are online.
func (s *Store) Migrate(ctx context.Context) error {
	if err := s.dropOutdatedRelationshipIndex(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, stmt := range schemaStatements(schemaCypher) {
		if _, err := s.exec(ctx, stmt, nil); err != nil && !createdConcurrently(err) {
			return fmt.Errorf("migrate: %s: %w", firstLine(stmt), err)
		}
	}
	if _, err := s.exec(ctx, "CALL db.awaitIndexes(300)", nil); err != nil {
		return fmt.Errorf("migrate: wait for indexes: %w", err)
	}
	return nil
}

// createdConcurrently reports whether a CREATE ... IF NOT EXISTS failed only
// because another migration created the same rule between the statement's
// check and its commit, as happens when servers start together: the rule is
// in place, which is all the statement asks.
func createdConcurrently(err error) bool {
	var neoErr *neo4j.Neo4jError
	return errors.As(err, &neoErr) && neoErr.Code == "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"
}

// dropOutdatedRelationshipIndex drops the relationship_id index when it
// does not cover exactly the schema's relationship types, so that the
// migration recreates it over the current list.
func (s *Store) dropOutdatedRelationshipIndex(ctx context.Context) error {
	res, err := s.exec(ctx, cypherRelationshipIndexTypes, nil)
	if err != nil || len(res.Records) == 0 {
		return err
	}
	indexed, _, err := neo4j.GetRecordValue[[]any](res.Records[0], "labelsOrTypes")
	if err != nil {
		return err
	}
	have := make([]string, 0, len(indexed))
	for _, t := range indexed {
		if name, ok := t.(string); ok {
			have = append(have, name)
		}
	}
	slices.Sort(have)
	want := make([]string, len(domain.RelationTypes))
	for i, t := range domain.RelationTypes {
		want[i] = string(t)
	}
	if slices.Equal(have, want) {
		return nil
	}
	_, err = s.exec(ctx, cypherDropRelationshipIndex, nil)
	return err
}

// exec runs one schema or administrative statement in its own
// auto-committed transaction (schema changes cannot share one).
func (s *Store) exec(ctx context.Context, cypher string, params map[string]any) (*neo4j.EagerResult, error) {
	if err := s.available(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout+s.cfg.ConnectTimeout)
	defer cancel()
	res, err := neo4j.ExecuteQuery(ctx, s.driver, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.cfg.Database), neo4j.ExecuteQueryWithWritersRouting(),
		neo4j.ExecuteQueryWithTransactionConfig(neo4j.WithTxTimeout(s.cfg.QueryTimeout)), neo4j.ExecuteQueryWithBoltLogger(s.cfg.BoltLogger))
	return res, s.failed(ctx, err)
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

// read runs work in a managed read transaction (retried on transient errors,
// routed to a cluster's secondaries), bounded by the query timeout.
func read[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	return transact(ctx, s, neo4j.AccessModeRead, s.cfg.QueryTimeout, work)
}

// readStatement runs one read statement as neo4j.ExecuteQuery does, in a
// managed read transaction (retried, routed and bounded as read's) whose
// BEGIN goes to Neo4j with the statement; ExecuteRead sends BEGIN first and
// waits for its answer, a round trip more. scan reads the records.
func readStatement[T any](ctx context.Context, s *Store, cypher string, params map[string]any, scan func([]*neo4j.Record) (T, error)) (T, error) {
	var zero T
	if err := s.available(); err != nil {
		return zero, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout+s.cfg.ConnectTimeout)
	defer cancel()
	res, err := neo4j.ExecuteQuery(ctx, s.driver, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithReadersRouting(), neo4j.ExecuteQueryWithDatabase(s.cfg.Database),
		neo4j.ExecuteQueryWithBookmarkManager(s.bookmarks), neo4j.ExecuteQueryWithBoltLogger(s.cfg.BoltLogger),
		neo4j.ExecuteQueryWithTransactionConfig(neo4j.WithTxTimeout(s.cfg.QueryTimeout)))
	if err != nil {
		return zero, s.failed(ctx, err)
	}
	out, err := scan(res.Records)
	if err != nil {
		return zero, s.failed(ctx, err)
	}
	return out, nil
}

// write runs work in a managed write transaction, bounded by the write
// timeout.
func write[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	return transact(ctx, s, neo4j.AccessModeWrite, s.cfg.WriteTimeout, work)
}

func transact[T any](ctx context.Context, s *Store, mode neo4j.AccessMode, timeout time.Duration, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	var zero T
	if err := s.available(); err != nil {
		return zero, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout+s.cfg.ConnectTimeout)
	defer cancel()
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: mode, DatabaseName: s.cfg.Database,
		BookmarkManager: s.bookmarks, BoltLogger: s.cfg.BoltLogger})
	defer session.Close(context.WithoutCancel(ctx))
	do := neo4j.ExecuteRead[T]
	if mode == neo4j.AccessModeWrite {
		do = neo4j.ExecuteWrite[T]
	}
	out, err := do(ctx, session, work, neo4j.WithTxTimeout(timeout))
	if err != nil {
		return zero, s.failed(ctx, err)
	}
	return out, nil
}

// run executes one statement in tx and collects its records.
func run(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// translate turns driver errors into the domain's codes, keeping the cause
// for the logs. Its messages are what clients read (graph.Present shows
// them, never the cause).
func translate(err error) error {
	if err == nil {
		return nil
	}
	var derr *domain.Error
	if errors.As(err, &derr) {
		return err
	}
	var neoErr *neo4j.Neo4jError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return &domain.Error{Code: domain.CodeTimeout, Message: "neo4j did not answer in time", Err: err}
	case errors.Is(err, context.Canceled):
		return &domain.Error{Code: domain.CodeCanceled, Message: "the neo4j query was cancelled", Err: err}
	case errors.As(err, &neoErr):
		switch {
		case neoErr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
			return &domain.Error{Code: domain.CodeConflict, Message: "neo4j refused a duplicate id", Err: err}
		case neoErr.Code == "Neo.ClientError.Transaction.TransactionTimedOut" ||
			neoErr.Code == "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration":
			return &domain.Error{Code: domain.CodeTimeout, Message: "the neo4j transaction timed out", Err: err}
		case neoErr.Code == "Neo.TransientError.General.DatabaseUnavailable" ||
			neoErr.Code == "Neo.ClientError.Database.DatabaseNotFound":
			return &domain.Error{Code: domain.CodeUnavailable, Message: "the graph store's database is unavailable; retry shortly", Err: err}
		}
	case neo4j.IsConnectivityError(err) || neo4j.IsTransactionExecutionLimit(err):
		return &domain.Error{Code: domain.CodeUnavailable, Message: "the graph store is unreachable; retry shortly", Err: err}
	}
	return &domain.Error{Code: domain.CodeInternal, Message: "neo4j", Err: err}
}

// Reset deletes everything the database holds, in batches: entities,
// relationships and sources, the change history and revision, retracted
// relationships and API keys. For tests, and for reseeding from scratch.
func (s *Store) Reset(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*s.cfg.QueryTimeout)
	defer cancel()
	// CALL ... IN TRANSACTIONS needs an auto-commit transaction, which
	// only a session's Run gives.
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite, DatabaseName: s.cfg.Database})
	defer session.Close(context.WithoutCancel(ctx))
	if err := s.available(); err != nil {
		return err
	}
	for _, cypher := range []string{cypherResetRelationships, cypherResetNodes} {
		res, err := session.Run(ctx, cypher, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return s.failed(ctx, err)
		}
	}
	return nil
}

// errNotSeeded is Ready's answer on a database never written.
var errNotSeeded = &domain.Error{Code: domain.CodeUnavailable,
	Message: "the neo4j database holds no graph yet (revision 0): run conflictgraph seed (with --reset for a database loaded by a release before revisions)"}

// Ready returns nil when the store can serve: Neo4j answers, the schema's
// full-text indexes are in place, and a load has finished (Seeded).
// Otherwise UNAVAILABLE, saying which; indexes found missing (Neo4j was
// replaced by an empty server, or they were dropped) are applied again in
// the background when the store manages its schema.
func (s *Store) Ready(ctx context.Context) error {
	res, err := s.exec(ctx, cypherSearchIndexes, nil)
	if err != nil {
		return err
	}
	if n, _, _ := neo4j.GetRecordValue[int64](res.Records[0], "n"); n < 2 {
		if s.cfg.ManageSchema {
			s.needSchema.Store(true)
			s.signal()
		}
		return &domain.Error{Code: domain.CodeUnavailable, Message: "the neo4j database lacks the schema's indexes: they are being applied (or run conflictgraph migrate)"}
	}
	seeded, err := s.Seeded(ctx)
	if err != nil {
		return err
	}
	if !seeded {
		return errNotSeeded
	}
	return nil
}

// Seeded reports whether a graph has been written (the revision is 1 or
// more): a server on a database never written is up but not ready. The
// seed graph is one change set, written whole or not at all, so a seeded
// database holds all of it; one loaded before changes were recorded has
// data but revision 0, and needs `conflictgraph seed --reset`.
func (s *Store) Seeded(ctx context.Context) (bool, error) {
	rev, err := s.Revision(ctx)
	return rev >= 1, err
}
