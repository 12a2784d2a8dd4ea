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
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"

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
	changes := &feed.Feed{}
	st := metrics.InstrumentStore(feed.Notifying(cfg.Store, changes), cfg.Metrics)
	authn := &auth.Authenticator{Keys: cfg.Keys, RequireForReads: cfg.RequireKeyForReads}

	mux := http.NewServeMux()
	gql := loaders.Middleware(st, cfg.Loaders, graphQL(cfg, st, changes, authn, origins))
	mux.Handle("/graphql", withAuth(authn, cfg.Logger, true, streaming(
		limitBody(limits.MaxBodyBytes, gql),
		withDeadline(limits.RequestTimeout, limitBody(limits.MaxBodyBytes, gql)))))
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
	mux.Handle("GET /export", withAuth(authn, cfg.Logger, false, withDeadline(limits.RequestTimeout, exportHandler(st, cfg.Logger))))
	mux.Handle("GET /metrics", cfg.Metrics.Handler())
	ready := cfg.Ready
	if ready == nil {
		ready = st.Ping
	}
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": err.Error()})
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

func graphQL(cfg Config, st domain.Store, changes *feed.Feed, authn *auth.Authenticator, origins []string) http.Handler {
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
	srv.AddTransport(transport.POST{})
	srv.AddTransport(websocketTransport(authn, origins))
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(cfg.Limits.MaxTokens)
	if !cfg.DisableIntrospection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(&queryLimits{limits: cfg.Limits, noIntrospection: cfg.DisableIntrospection})
	srv.AroundResponses(recordOperation(cfg.Limits.MaxTokens))
	srv.SetErrorPresenter(graph.ErrorPresenter(cfg.Logger, RequestID))
	srv.SetRecoverFunc(graph.Recover())
	return srv
}

// recordOperation notes the operation's name and how it ended (its first
// error's code) for the request's log line and metrics, and says how large a
// document refused for its tokens is.
func recordOperation(maxTokens int) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
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
		outcome := metrics.OutcomeOK
		if resp != nil && len(resp.Errors) > 0 {
			tokenLimitError(resp.Errors[0], query, maxTokens)
			outcome, _ = resp.Errors[0].Extensions["code"].(string)
			if outcome == "" {
				outcome = graph.CodeBadUserInput
			}
		}
		setOutcome(ctx, outcome)
		return resp
	}
}
