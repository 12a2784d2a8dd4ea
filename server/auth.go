package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"

	"github.com/conflictgraph/conflictgraph/auth"
	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/graph"
)

// withAuth resolves the request's API key before anything else runs: a
// request acting as a key carries its principal; an unknown, revoked or
// malformed key, or none where reads need one, is refused with 401 (and
// the key store failing with 503), in the route's own error format. A
// WebSocket's browser cannot send the header: its key is checked at
// connection_init instead (websocketInit).
func withAuth(a *auth.Authenticator, log *slog.Logger, graphQLShape bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" && isWebsocket(r) {
			next.ServeHTTP(w, r)
			return
		}
		p, err := a.Authenticate(r.Context(), header)
		if err != nil {
			refuse(w, r, log, graphQLShape, err)
			return
		}
		if p != nil {
			r = r.WithContext(auth.With(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

// refuse answers a request whose credentials do not pass, in the route's
// error format, presented as every error is (graph.Present): a key store
// that cannot answer shows no cause.
func refuse(w http.ResponseWriter, r *http.Request, log *slog.Logger, graphQLShape bool, err error) {
	code := domain.ErrorCode(err)
	if code == domain.CodeUnauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="conflictgraph"`)
	}
	if !graphQLShape {
		writeError(w, r, log, err)
		return
	}
	p := graph.Present(r.Context(), log, RequestID, err, "path", r.URL.Path)
	if code == domain.CodeUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(err)))
	}
	writeRequestError(w, r, httpStatus[code], p.Code, nil, p.Message)
}

// websocketInit authenticates a WebSocket at connection_init, from the
// payload's Authorization (the same "Bearer KEY"), or from the upgrade
// request's header when it had one.
func websocketInit(a *auth.Authenticator) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		if auth.For(ctx) != nil {
			return ctx, &payload, nil
		}
		p, err := a.Authenticate(ctx, payload.Authorization())
		if err != nil {
			return ctx, nil, err
		}
		if p != nil {
			ctx = auth.With(ctx, p)
		}
		return ctx, &payload, nil
	}
}

func isWebsocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

func isEventStream(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// streaming sends subscriptions (a WebSocket, or Server-Sent Events) to
// stream, without the request deadline or the server's write timeout they
// would outlive, and every other request to next.
func streaming(stream, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isWebsocket(r) && !isEventStream(r) {
			next.ServeHTTP(w, r)
			return
		}
		_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		stream.ServeHTTP(w, r)
	})
}

// websocketOrigins are the host patterns coder/websocket accepts an
// upgrade from: the CORS origins' hosts ("*" for any).
func websocketOrigins(origins []string) []string {
	var out []string
	for _, o := range origins {
		if o == "*" {
			return []string{"*"}
		}
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			out = append(out, u.Host)
		}
	}
	return out
}

// websocketTransport is the graphql-transport-ws and graphql-ws transport:
// origins as CORS allows them, keys at connection_init, a keep-alive ping.
func websocketTransport(a *auth.Authenticator, origins []string) transport.Websocket {
	return transport.Websocket{
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{
			OriginPatterns: websocketOrigins(origins),
		}},
		InitFunc:              websocketInit(a),
		InitTimeout:           10 * time.Second,
		KeepAlivePingInterval: 15 * time.Second,
	}
}
