// Package server assembles the HTTP API: GraphQL, the playground and the
// graph explorer (package web), the export for visualization frontends and
// graph tools, health, readiness and metrics, CORS,
// request ids, request logs, and the limits every request is held to.
// cmd/conflictgraph and the tests use the same handler chain.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/conflictgraph/conflictgraph/auth"
	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/feed"
	"github.com/conflictgraph/conflictgraph/graph"
	"github.com/conflictgraph/conflictgraph/loaders"
	"github.com/conflictgraph/conflictgraph/metrics"
	"github.com/conflictgraph/conflictgraph/web"
)

// DefaultCORSOrigins are the origins a frontend dev server runs on: React and
// Next (3000), Angular (4200), Vite (5173) and webpack/Vue (8080), on
// localhost and 127.0.0.1.
var DefaultCORSOrigins = []string{
	"http://localhost:3000", "http://localhost:4200", "http://localhost:5173", "http://localhost:8080",
	"http://127.0.0.1:3000", "http://127.0.0.1:4200", "http://127.0.0.1:5173", "http://127.0.0.1:8080",
}

// Config is what the HTTP API needs.
type Config struct {
	Store  domain.Store
	Logger *slog.Logger
	// CORSOrigins may call the API from a browser; nil means
	// DefaultCORSOrigins. "*" allows any origin and must be asked for.
	CORSOrigins []string
	// DisableIntrospection hides the schema from clients (the playground
	// needs it, so it is on by default).
	DisableIntrospection bool
	// Loaders tunes the per-request dataloaders.
	Loaders loaders.Options
	// Ready reports whether the store can serve (reachable and seeded);
	// nil means Store.Ping. /readyz answers 503 with its error.
	Ready func(ctx context.Context) error
	// Limits bound what one request may ask; zero fields take defaults.
	Limits Limits
	// Admission bounds the work in progress (lanes for cheap and heavy
	// requests); zero fields take defaults sized to the machine.
	Admission Admission
	// Metrics counts requests and store calls and is served at /metrics;
	// nil gives the handler metrics of its own.
	Metrics *metrics.Metrics
	// Keys holds the API keys writes (and, with RequireKeyForReads, reads)
	// are authorised with; nil for none, so that no request can write.
	Keys domain.KeyStore
	// RequireKeyForReads refuses /graphql and /export requests without a
	// key (reads are open by default).
	RequireKeyForReads bool
	// FeedPoll is how often change subscriptions look for changes written
	// by other processes; zero for graph.DefaultPoll.
	FeedPoll time.Duration
}

// New returns the API's handler.
func New(cfg Config) (http.Handler, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("server: no store: %w", domain.ErrInvalid)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.New()
	}
	origins := cfg.CORSOrigins
	if origins == nil {
		origins = DefaultCORSOrigins
	}
	if err := ValidateOrigins(origins); err != nil {
		return nil, err
	}
	limits, err := cfg.Limits.withDefaults()
	if err != nil {
		return nil, err
	}
	cfg.Limits = limits
	if cfg.Admission, err = cfg.Admission.withDefaults(); err != nil {
		return nil, err
	}
	adm := newAdmission(cfg.Admission, cfg.Metrics)
	changes := &feed.Feed{}
	st := metrics.InstrumentStore(feed.Notifying(cfg.Store, changes), cfg.Metrics)
	authn := &auth.Authenticator{Keys: cfg.Keys, RequireForReads: cfg.RequireKeyForReads}

	mux := http.NewServeMux()
	gql := loaders.Middleware(st, cfg.Loaders, graphQL(cfg, st, adm, changes, authn, origins))
	// A key is checked before a request waits for a slot; a subscription
	// (Server-Sent Events, WebSocket) lives past any request deadline and
	// takes no slot (queryLimits).
	mux.Handle("/graphql", withAuth(authn, cfg.Logger, true, streaming(
		withAdmission(checkRequest(limits.MaxBodyBytes, gql)),
		withDeadline(limits.RequestTimeout, withAdmission(checkRequest(limits.MaxBodyBytes, gql))))))
	pages, err := web.New()
	if err != nil {
		return nil, err
	}
	mux.Handle("GET /{$}", pages.Playground())
	mux.Handle("GET /explore", pages.Explorer())
	mux.Handle("GET /assets/", pages.Assets("/assets/"))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("GET /export", withAuth(authn, cfg.Logger, false,
		withDeadline(limits.RequestTimeout, withAdmission(adm.admitExport(cfg.Logger, exportHandler(st, cfg.Logger))))))
	mux.Handle("GET /metrics", cfg.Metrics.Handler())
	ready := cfg.Ready
	if ready == nil {
		ready = st.Ping
	}
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			// Presented like any other error: the driver's cause (an
			// address, a port) stays in the log.
			p := graph.Present(r.Context(), cfg.Logger, RequestID, err, "path", r.URL.Path)
			setOutcome(r.Context(), p.Code)
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "code": p.Code, "reason": p.Message})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})

	c := cors.New(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders: []string{"Content-Type", "Accept", "Authorization", requestIDHeader},
		ExposedHeaders: []string{requestIDHeader, "X-Export-Truncated", "Content-Disposition"},
		MaxAge:         600,
	})
	return c.Handler(withRequestLog(cfg.Logger, cfg.Metrics, mux)), nil
}

// ValidateOrigins accepts "*" alone or absolute http(s) origins without a
// path, so a typo cannot silently open or close the API.
func ValidateOrigins(origins []string) error {
	if slices.Contains(origins, "*") {
		if len(origins) > 1 {
			return domain.Invalidf("CORS origins: \"*\" allows every origin; give it alone, not with %q", origins)
		}
		return nil
	}
	for _, o := range origins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return domain.Invalidf("CORS origin %q is not an origin like http://localhost:5173", o)
		}
	}
	return nil
}

func graphQL(cfg Config, st domain.Store, adm *admission, changes *feed.Feed, authn *auth.Authenticator, origins []string) http.Handler {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{
		Resolvers:  &graph.Resolver{Store: st, Keys: cfg.Keys, Feed: changes, Poll: cfg.FeedPoll},
		Directives: graph.DirectiveRoot{HasRole: graph.HasRole},
		Complexity: graph.Complexity(),
	}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	// Server-Sent Events before POST: both take a JSON POST, and SSE is
	// the one that asked for text/event-stream.
	srv.AddTransport(transport.SSE{KeepAlivePingInterval: 15 * time.Second})
	srv.AddTransport(jsonPOST{})
	srv.AddTransport(websocketTransport(authn, origins))
	// No field middleware here (AroundFields, an extension intercepting
	// fields): the generated code marshals plain scalar fields without
	// one (tools/gqlgen, plainScalars).
	docs := newByteCache(cfg.Limits.QueryCacheBytes, documentBytes)
	docs.register(cfg.Metrics, "documents")
	srv.SetQueryCache(docs)
	srv.SetParserTokenLimit(cfg.Limits.MaxTokens)
	if !cfg.DisableIntrospection {
		srv.Use(extension.Introspection{})
	}
	persisted := newByteCache(cfg.Limits.QueryCacheBytes/4, queryBytes)
	persisted.register(cfg.Metrics, "persisted")
	srv.Use(extension.AutomaticPersistedQuery{Cache: persisted})
	// After the persisted query is looked up, before gqlgen parses.
	srv.Use(&documentGuard{limits: cfg.Limits, cache: docs, admission: adm})
	srv.Use(&queryLimits{limits: cfg.Limits, noIntrospection: cfg.DisableIntrospection, admission: adm})
	presenter := graph.ErrorPresenter(cfg.Logger, RequestID)
	responses := responseRecorder{maxTokens: cfg.Limits.MaxTokens, retryAfter: adm.heavy.retryAfter}
	srv.AroundOperations(responses.endedBeforeRun(presenter))
	srv.AroundResponses(responses.record)
	srv.SetErrorPresenter(presenter)
	srv.SetRecoverFunc(graph.Recover())
	return withResponseStatus(srv)
}

// responseRecorder notes, for the request's log line, metrics and HTTP
// status, the operation's name and how it ended.
type responseRecorder struct {
	maxTokens  int
	retryAfter int // seconds, for OVERLOADED
}

// record is gqlgen's response middleware: it notes every response, and
// says how large a document refused for its tokens is.
func (rr responseRecorder) record(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	rr.note(ctx, resp)
	return resp
}

// endedBeforeRun answers an operation whose request ended (deadline passed,
// client gone) between validation and execution with TIMEOUT or CANCELED,
// where gqlgen would answer nothing at all (a body of null, status 200).
func (rr responseRecorder) endedBeforeRun(presenter graphql.ErrorPresenterFunc) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		run := next(ctx)
		if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Subscription {
			// A subscription's stream ends with a nil response when its
			// client leaves: that is its end, not an error to answer.
			return run
		}
		return func(ctx context.Context) *graphql.Response {
			resp := run(ctx)
			if resp == nil {
				if gerr := contextError(ctx); gerr != nil {
					resp = &graphql.Response{Errors: gqlerror.List{presenter(ctx, gerr)}}
					rr.note(ctx, resp)
				}
			}
			return resp
		}
	}
}

// note records resp's operation name, outcome and status. The outcome is
// the code of the error that decides the status (a timeout, a request
// cancelled, refused for overload or for want of a store: HTTP 504, 499,
// 503 and 503 with Retry-After), else the first error's code.
func (rr responseRecorder) note(ctx context.Context, resp *graphql.Response) {
	name, query := "", ""
	if graphql.HasOperationContext(ctx) {
		opCtx := graphql.GetOperationContext(ctx)
		query = opCtx.RawQuery
		if op := opCtx.Operation; op != nil {
			name = op.Name
			if name == "" {
				name = metrics.OperationAnonymous
			}
		}
	}
	setOperation(ctx, name)
	if resp == nil || len(resp.Errors) == 0 {
		setOutcome(ctx, metrics.OutcomeOK)
		return
	}
	tokenLimitError(resp.Errors[0], query, rr.maxTokens)
	outcome, _ := resp.Errors[0].Extensions["code"].(string)
	for _, severe := range []string{graph.CodeCanceled, graph.CodeTimeout, graph.CodeOverloaded, graph.CodeUnavailable} {
		if slices.ContainsFunc(resp.Errors, func(e *gqlerror.Error) bool { return e.Extensions["code"] == severe }) {
			outcome = severe
			break
		}
	}
	switch outcome {
	case "":
		outcome = graph.CodeBadUserInput
	case graph.CodeCanceled:
		setStatus(ctx, statusClientClosedRequest, 0)
	case graph.CodeTimeout:
		setStatus(ctx, http.StatusGatewayTimeout, 0)
	case graph.CodeOverloaded:
		setStatus(ctx, http.StatusServiceUnavailable, rr.retryAfter)
	case graph.CodeUnavailable:
		setStatus(ctx, http.StatusServiceUnavailable, 1)
	}
	setOutcome(ctx, outcome)
}
