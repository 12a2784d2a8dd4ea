package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/conflictgraph/conflictgraph/boltdb"
	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/gcpace"
	"github.com/conflictgraph/conflictgraph/seed"
	"github.com/conflictgraph/conflictgraph/server"
)

// defaultGCHeadroom is serve's --gc-headroom-bytes: 64 MiB. On Neo4j the
// server holds about 10 MB live, and Go's default pacing collected after
// every 10 MB of allocation; with this headroom it answered 3-28% more of
// the comparison's queries (docs/benchmarks.md) for about 70 MB more
// resident memory.
const defaultGCHeadroom = 64 << 20

// serveConfig is what serve reads from flags and the environment.
type serveConfig struct {
	addr                 string
	debugAddr            string
	backend              string
	corsOrigins          string
	logFormat            string
	logLevel             string
	limits               server.Limits
	admission            server.Admission
	disableIntrospection bool
	readTimeout          time.Duration
	writeTimeout         time.Duration
	idleTimeout          time.Duration
	shutdownTimeout      time.Duration
	dataDir              string
	requireKeyForReads   bool
	gcHeadroom           int64
	neo4j                neo4jFlags
}

// envFlags defines flags whose default comes from an environment variable
// when it is set, so a flag wins over its variable. A variable that does not
// parse is a usage error.
type envFlags struct {
	fs     *flag.FlagSet
	getenv func(string) string
	err    error
}

func (e *envFlags) lookup(env string, parse func(string) error) {
	v := e.getenv(env)
	if v == "" || e.err != nil {
		return
	}
	if err := parse(v); err != nil {
		e.err = usageError{msg: fmt.Sprintf("$%s=%q: %v", env, v, err)}
	}
}

func (e *envFlags) string(p *string, name, env, def, usage string) {
	e.fs.StringVar(p, name, def, usage+" ($"+env+")")
	e.lookup(env, func(v string) error { *p = v; return nil })
}

func (e *envFlags) int(p *int, name, env string, def int, usage string) {
	e.fs.IntVar(p, name, def, usage+" ($"+env+")")
	e.lookup(env, func(v string) (err error) { *p, err = strconv.Atoi(v); return err })
}

func (e *envFlags) int64(p *int64, name, env string, def int64, usage string) {
	e.fs.Int64Var(p, name, def, usage+" ($"+env+")")
	e.lookup(env, func(v string) (err error) { *p, err = strconv.ParseInt(v, 10, 64); return err })
}

func (e *envFlags) duration(p *time.Duration, name, env string, def time.Duration, usage string) {
	e.fs.DurationVar(p, name, def, usage+" ($"+env+")")
	e.lookup(env, func(v string) (err error) { *p, err = time.ParseDuration(v); return err })
}

func (e *envFlags) bool(p *bool, name, env string, def bool, usage string) {
	e.fs.BoolVar(p, name, def, usage+" ($"+env+")")
	e.lookup(env, func(v string) (err error) { *p, err = strconv.ParseBool(v); return err })
}

func parseServe(args []string, getenv func(string) string) (serveConfig, error) {
	var c serveConfig
	fs := newFlags("serve", "serve [flags]",
		"Serve the graph over GraphQL at /graphql (POST and GET), with the playground at /, the\n"+
			"Cytoscape.js export at /export, /healthz, /readyz and /metrics. Each flag can be set from\n"+
			"the environment variable named after it; a flag wins over its variable.")
	e := &envFlags{fs: fs, getenv: getenv}
	e.string(&c.addr, "addr", "CONFLICTGRAPH_ADDR", "localhost:8080", "`host:port` to listen on; port 0 picks a free one")
	e.string(&c.debugAddr, "debug-addr", "CONFLICTGRAPH_DEBUG_ADDR", "", "loopback `host:port` to serve Go's profiles (net/http/pprof) on, apart from the API; empty: off")
	e.string(&c.backend, "backend", "CONFLICTGRAPH_BACKEND", "embedded", "graph store: embedded (in memory, with the seed graph) or neo4j")
	e.string(&c.dataDir, "data-dir", "CONFLICTGRAPH_DATA_DIR", "", "`directory` the embedded graph and its API keys are kept in (graph.db, keys.db); empty: in memory, lost at exit")
	e.bool(&c.requireKeyForReads, "require-key-for-reads", "CONFLICTGRAPH_REQUIRE_KEY_FOR_READS", false, "refuse /graphql and /export requests without an API key (reads are open by default)")
	e.string(&c.corsOrigins, "cors-origins", "CONFLICTGRAPH_CORS_ORIGINS", strings.Join(server.DefaultCORSOrigins, ","), "comma-separated browser origins allowed to call the API, or * for any")
	e.string(&c.logFormat, "log-format", "CONFLICTGRAPH_LOG_FORMAT", "text", "log format: text or json")
	e.string(&c.logLevel, "log-level", "CONFLICTGRAPH_LOG_LEVEL", "info", "log level: debug, info, warn or error")

	l := &c.limits
	e.int(&l.MaxDepth, "max-depth", "CONFLICTGRAPH_MAX_DEPTH", server.DefaultMaxDepth, "how deep a query's fields may nest (QUERY_TOO_DEEP)")
	e.int(&l.MaxComplexity, "max-complexity", "CONFLICTGRAPH_MAX_COMPLEXITY", server.DefaultMaxComplexity, "a query's largest complexity, lists counted per item asked for (QUERY_TOO_COMPLEX)")
	e.int(&l.MaxAliases, "max-aliases", "CONFLICTGRAPH_MAX_ALIASES", server.DefaultMaxAliases, "aliased fields per query (TOO_MANY_ALIASES)")
	e.int(&l.MaxRootFields, "max-root-fields", "CONFLICTGRAPH_MAX_ROOT_FIELDS", server.DefaultMaxRootFields, "top-level fields per query (TOO_MANY_ROOT_FIELDS)")
	e.int(&l.MaxTokens, "max-tokens", "CONFLICTGRAPH_MAX_TOKENS", server.DefaultMaxTokens, "tokens per query document (QUERY_TOO_LARGE)")
	e.int(&l.MaxSelections, "max-selections", "CONFLICTGRAPH_MAX_SELECTIONS", server.DefaultMaxSelections, "fields and fragments a query document writes, counted before validation (TOO_MANY_SELECTIONS)")
	e.int64(&l.QueryCacheBytes, "query-cache-bytes", "CONFLICTGRAPH_QUERY_CACHE_BYTES", server.DefaultQueryCacheSize, "bytes of parsed query documents kept; persisted queries get a quarter of it besides")
	e.int64(&l.MaxBodyBytes, "max-body-bytes", "CONFLICTGRAPH_MAX_BODY_BYTES", server.DefaultMaxBodyBytes, "bytes per request body (HTTP 413)")
	e.duration(&l.RequestTimeout, "request-timeout", "CONFLICTGRAPH_REQUEST_TIMEOUT", server.DefaultRequestTimeout, "deadline of each /graphql and /export request, store calls included (TIMEOUT)")
	a := &c.admission
	e.int(&a.HeavyComplexity, "heavy-complexity", "CONFLICTGRAPH_HEAVY_COMPLEXITY", server.DefaultHeavyComplexity, "complexity from which a query runs in the heavy lane")
	e.int(&a.HeavyConcurrency, "heavy-concurrency", "CONFLICTGRAPH_HEAVY_CONCURRENCY", server.DefaultHeavyConcurrency(), "heavy requests run at once (default: half the cores)")
	e.int(&a.CheapConcurrency, "cheap-concurrency", "CONFLICTGRAPH_CHEAP_CONCURRENCY", server.DefaultCheapConcurrency(), "other requests run at once")
	e.duration(&a.QueueWait, "queue-wait", "CONFLICTGRAPH_QUEUE_WAIT", server.DefaultQueueWait, "longest a request waits for a slot in its lane before 503 OVERLOADED")
	e.bool(&c.disableIntrospection, "disable-introspection", "CONFLICTGRAPH_DISABLE_INTROSPECTION", false, "hide the schema from clients (the playground needs it)")
	e.duration(&c.readTimeout, "read-timeout", "CONFLICTGRAPH_READ_TIMEOUT", 30*time.Second, "longest time to read a request, headers and body")
	e.duration(&c.writeTimeout, "write-timeout", "CONFLICTGRAPH_WRITE_TIMEOUT", 60*time.Second, "longest time from the end of the request headers to the end of the response; longer than --request-timeout")
	e.duration(&c.idleTimeout, "idle-timeout", "CONFLICTGRAPH_IDLE_TIMEOUT", 120*time.Second, "how long a keep-alive connection may wait for its next request")
	e.int64(&c.gcHeadroom, "gc-headroom-bytes", "CONFLICTGRAPH_GC_HEADROOM_BYTES", defaultGCHeadroom, "bytes the heap may grow by before the next garbage collection, at least (gcpace); 0: Go's own pacing, GOGC")
	e.duration(&c.shutdownTimeout, "shutdown-timeout", "CONFLICTGRAPH_SHUTDOWN_TIMEOUT", 15*time.Second, "on SIGINT or SIGTERM, how long in-flight requests may take to finish")
	c.neo4j.register(fs, getenv)
	// Help first: a bad variable must not hide the page that explains it.
	if err := parseFlags(fs, args); err != nil {
		return c, err
	}
	if e.err != nil {
		return c, e.err
	}
	return c, c.check()
}

// check refuses limits and timeouts that cannot work.
func (c serveConfig) check() error {
	l := c.limits
	for name, v := range map[string]int64{
		"--max-depth": int64(l.MaxDepth), "--max-complexity": int64(l.MaxComplexity), "--max-aliases": int64(l.MaxAliases),
		"--max-root-fields": int64(l.MaxRootFields), "--max-tokens": int64(l.MaxTokens), "--max-body-bytes": l.MaxBodyBytes,
		"--max-selections": int64(l.MaxSelections), "--query-cache-bytes": l.QueryCacheBytes,
		"--heavy-complexity": int64(c.admission.HeavyComplexity), "--heavy-concurrency": int64(c.admission.HeavyConcurrency),
		"--cheap-concurrency": int64(c.admission.CheapConcurrency), "--queue-wait": int64(c.admission.QueueWait),
		"--request-timeout": int64(l.RequestTimeout), "--read-timeout": int64(c.readTimeout), "--write-timeout": int64(c.writeTimeout),
		"--idle-timeout": int64(c.idleTimeout), "--shutdown-timeout": int64(c.shutdownTimeout),
	} {
		if v <= 0 {
			return usageError{msg: fmt.Sprintf("%s must be positive", name)}
		}
	}
	if c.gcHeadroom < 0 {
		return usageError{msg: "--gc-headroom-bytes must be 0 or more"}
	}
	if c.debugAddr != "" {
		if err := checkDebugAddr(c.debugAddr); err != nil {
			return err
		}
	}
	if c.dataDir != "" && c.backend != "embedded" {
		return usageError{msg: fmt.Sprintf("--data-dir keeps the embedded backend on disk; the %s backend keeps its own data", c.backend)}
	}
	if l.RequestTimeout >= c.writeTimeout {
		return usageError{msg: fmt.Sprintf("--request-timeout (%s) must be shorter than --write-timeout (%s), or a slow request loses its TIMEOUT answer", l.RequestTimeout, c.writeTimeout)}
	}
	return nil
}

func newLogger(c serveConfig, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, usageError{msg: fmt.Sprintf("log level %q is not debug, info, warn or error", c.logLevel)}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError{msg: fmt.Sprintf("log format %q is not text or json", c.logFormat)}
}

// backend is what serve runs on: the store, its readiness check and its
// API keys (nil when the backend keeps none).
type backend struct {
	store domain.Store
	ready func(context.Context) error
	keys  domain.KeyStore
}

// openStore returns the configured backend.
func openStore(ctx context.Context, c serveConfig, log *slog.Logger) (*backend, error) {
	switch c.backend {
	case "embedded":
		return openEmbedded(ctx, c.dataDir, log)
	case "neo4j":
		return openNeo4j(ctx, c.neo4j, log)
	}
	return nil, usageError{msg: fmt.Sprintf("unknown backend %q; available: embedded, neo4j", c.backend)}
}

// openEmbedded opens the embedded store: in memory, or kept in dataDir. A
// graph never written (a new directory, or memory) starts from the seed
// graph, as revision 1; a kept one comes back as it was left, curators'
// changes included, and is not reseeded over them.
func openEmbedded(ctx context.Context, dataDir string, log *slog.Logger) (*backend, error) {
	start := time.Now()
	b := &backend{}
	var st *embedded.Store
	if dataDir == "" {
		st = embedded.New()
		log.Warn("no --data-dir: the graph is kept in memory, and changes made through the API are lost when the server stops; no API key can be made, so nothing can be written")
	} else {
		j, err := boltdb.OpenJournal(dataDir)
		if err != nil {
			return nil, err
		}
		if st, err = embedded.Open(j); err != nil {
			_ = j.Close()
			return nil, fmt.Errorf("open the graph in %s: %w", dataDir, err)
		}
		b.keys = boltdb.NewKeys(dataDir)
	}
	b.store, b.ready = st, st.Ping
	rev, err := st.Revision(ctx)
	if err != nil {
		return nil, errors.Join(err, st.Close(ctx))
	}
	if rev > 0 {
		log.Info("graph opened", "backend", "embedded", "data_dir", dataDir, "revision", rev, "took", time.Since(start))
		return b, nil
	}
	s, err := seed.Default()
	if err != nil {
		return nil, errors.Join(fmt.Errorf("load seed %s: %w", seed.DataRoot, err), st.Close(ctx))
	}
	if rev, err = domain.LoadGraph(ctx, st, s.Graph, domain.LoadOptions{Actor: "seed", Reason: "the seed graph built into the binary"}); err != nil {
		return nil, errors.Join(fmt.Errorf("load seed into the embedded store: %w", err), st.Close(ctx))
	}
	log.Info("seed graph loaded", "backend", "embedded", "data_dir", dataDir, "entities", len(s.Graph.Entities),
		"relationships", len(s.Graph.Relationships), "sources", len(s.Graph.Sources), "revision", rev, "took", time.Since(start))
	return b, nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	c, err := parseServe(args, getenv)
	if err != nil {
		return err
	}
	log, err := newLogger(c, stderr)
	if err != nil {
		return err
	}
	defer gcpace.Keep(uint64(c.gcHeadroom))()
	var origins []string
	for _, o := range strings.Split(c.corsOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	if err := server.ValidateOrigins(origins); err != nil {
		return usageError{msg: err.Error()}
	}
	b, err := openStore(ctx, c, log)
	if err != nil {
		return err
	}
	st := b.store
	h, err := server.New(server.Config{Store: st, Logger: log, CORSOrigins: origins, Ready: b.ready,
		Limits: c.limits, Admission: c.admission, DisableIntrospection: c.disableIntrospection,
		Keys: b.keys, RequireKeyForReads: c.requireKeyForReads})
	if err != nil {
		return errors.Join(err, st.Close(context.WithoutCancel(ctx)))
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return errors.Join(fmt.Errorf("listen on %s: %w", c.addr, err), st.Close(context.WithoutCancel(ctx)))
	}
	if c.debugAddr != "" {
		stop, err := startDebug(c.debugAddr, log)
		if err != nil {
			return errors.Join(err, ln.Close(), st.Close(context.WithoutCancel(ctx)))
		}
		defer stop()
	}
	log.Info("listening", "addr", ln.Addr().String(), "graphql", "http://"+ln.Addr().String()+"/graphql",
		"playground", "http://"+ln.Addr().String()+"/", "cors_origins", origins,
		"heavy_concurrency", c.admission.HeavyConcurrency, "cheap_concurrency", c.admission.CheapConcurrency)
	return serveUntilDone(ctx, c, h, st, ln, log)
}

// serveUntilDone serves h on ln until ctx ends (SIGINT or SIGTERM), then
// stops accepting connections, lets in-flight requests finish within the
// shutdown timeout, and closes the store. A drain cut short by the timeout
// is logged, not an error: the process still exits 0.
func serveUntilDone(ctx context.Context, c serveConfig, h http.Handler, st domain.Store, ln net.Listener, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(10*time.Second, c.readTimeout),
		ReadTimeout:       c.readTimeout,
		WriteTimeout:      c.writeTimeout,
		IdleTimeout:       c.idleTimeout,
		// Room for a GET URL up to twice the body limit, so that one past
		// the limit gets the handler's JSON answer (414, REQUEST_TOO_LARGE)
		// rather than net/http's plain-text 431.
		MaxHeaderBytes: int(2*c.limits.MaxBodyBytes) + 64<<10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// net/http runs shutdown hooks in goroutines of their own: drained is
	// awaited so that this line always comes before "stopped".
	drained := make(chan struct{})
	srv.RegisterOnShutdown(func() {
		log.Info("stopped accepting connections; draining in-flight requests")
		close(drained)
	})
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var serveErr error
	select {
	case err := <-errc:
		serveErr = fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
		log.Info("shutting down", "drain_timeout", c.shutdownTimeout)
		drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.shutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(drainCtx); err != nil {
			log.Warn("drain timeout passed; closing the connections still open", "err", err)
			_ = srv.Close()
		}
		<-drained
	}
	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := st.Close(closeCtx); err != nil {
		return errors.Join(serveErr, fmt.Errorf("close the store: %w", err))
	}
	if serveErr != nil {
		return serveErr
	}
	log.Info("stopped")
	return nil
}
