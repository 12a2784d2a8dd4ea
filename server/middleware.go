package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/conflictgraph/conflictgraph/graph"
	"github.com/conflictgraph/conflictgraph/metrics"
)

const requestIDHeader = "X-Request-ID"

// statusClientClosedRequest is the status logged for a request whose client
// hung up before it was answered (nginx's 499): nobody reads it, but the
// log and the metrics tell it from a failure of the server.
const statusClientClosedRequest = 499

// a client's own request id is kept when it looks like one.
var clientRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to ("" outside one).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// statusRecorder remembers what a handler wrote, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush sends what is buffered, for streamed answers (Server-Sent Events);
// gqlgen's SSE transport asks the writer itself for http.Flusher.
func (s *statusRecorder) Flush() {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	_ = http.NewResponseController(s.ResponseWriter).Flush()
}

// requestInfo is what the handlers learn about a request that its log line
// and metrics need: the GraphQL operation and how the request ended. A
// WebSocket connection's operations run in goroutines of their own, which
// may still be writing it as the connection's handler returns, so mu guards
// every field.
type requestInfo struct {
	mu         sync.Mutex
	operation  string // the GraphQL operation's name, metrics.OperationAnonymous, or ""
	outcome    string // metrics.OutcomeOK or an error code; "" until known
	status     int    // the HTTP status the outcome calls for; 0 for the handler's own
	retryAfter int    // seconds for a Retry-After header; 0 for none
}

type requestInfoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return info
}

// setOutcome records how the request ended, keeping the first error code.
func setOutcome(ctx context.Context, outcome string) {
	if info := infoFrom(ctx); info != nil {
		info.mu.Lock()
		defer info.mu.Unlock()
		if info.outcome == "" || info.outcome == metrics.OutcomeOK {
			info.outcome = outcome
		}
	}
}

// setStatus records the HTTP status (and Retry-After, in seconds, unless 0)
// the request's outcome calls for, which withResponseStatus applies.
func setStatus(ctx context.Context, status, retryAfter int) {
	if info := infoFrom(ctx); info != nil {
		info.mu.Lock()
		defer info.mu.Unlock()
		if info.status == 0 {
			info.status, info.retryAfter = status, retryAfter
		}
	}
}

// withResponseStatus gives a GraphQL response the status its outcome calls
// for (setStatus): gqlgen writes 200 for any executed operation, and
// decides a refused one's status before its errors are presented.
func withResponseStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isWebsocket(r) {
			// The connection is hijacked: there is no status to set.
			next.ServeHTTP(w, r)
			return
		}
		sw := &statusWriter{ResponseWriter: w, info: infoFrom(r.Context())}
		next.ServeHTTP(sw, r)
		sw.flush()
	})
}

// statusWriter holds back the status a handler sets until its first write,
// when the outcome is known.
type statusWriter struct {
	http.ResponseWriter
	info   *requestInfo
	status int
	done   bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.done && s.status == 0 {
		s.status = code
	}
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.flush()
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) flush() {
	if s.done {
		return
	}
	s.done = true
	status := s.status
	if s.info != nil {
		s.info.mu.Lock()
		infoStatus, retryAfter := s.info.status, s.info.retryAfter
		s.info.mu.Unlock()
		if infoStatus != 0 {
			status = infoStatus
			if retryAfter > 0 {
				s.Header().Set("Retry-After", strconv.Itoa(retryAfter))
			}
		}
	}
	if status == 0 {
		status = http.StatusOK
	}
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush sends the status and what is buffered, for streamed answers
// (Server-Sent Events); gqlgen's SSE transport asks the writer itself for
// http.Flusher.
func (s *statusWriter) Flush() {
	s.flush()
	_ = http.NewResponseController(s.ResponseWriter).Flush()
}

// maxLoggedOperation is how much of an operation's name a log line shows:
// names come from clients and may be as long as the body.
const maxLoggedOperation = 64

// loggedOperation is name cut to maxLoggedOperation bytes (at a character
// boundary), saying how long it was when it is cut.
func loggedOperation(name string) string {
	if len(name) <= maxLoggedOperation {
		return name
	}
	cut := maxLoggedOperation
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes)", name[:cut], len(name))
}

// setOperation records the request's GraphQL operation name.
func setOperation(ctx context.Context, name string) {
	if info := infoFrom(ctx); info != nil {
		info.mu.Lock()
		info.operation = name
		info.mu.Unlock()
	}
}

// withRequestLog gives each request an id (the client's X-Request-ID when
// sane), returns it in the response, turns a panic into a 500 that names the
// id, and when the request ends logs it and counts it in m.
func withRequestLog(log *slog.Logger, m *metrics.Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestIDHeader)
		if !clientRequestID.MatchString(id) {
			id = newRequestID()
		}
		w.Header().Set(requestIDHeader, id)
		rec := &statusRecorder{ResponseWriter: w}
		start := time.Now()
		info := &requestInfo{}
		ctx := context.WithValue(context.WithValue(r.Context(), requestIDKey{}, id), requestInfoKey{}, info)
		inner := r.WithContext(ctx)
		serveRecovering(log, rec, inner, next)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		info.mu.Lock()
		operation, outcome := info.operation, info.outcome
		info.mu.Unlock()
		switch {
		case outcome != "":
		case rec.status < 400:
			outcome = metrics.OutcomeOK
		default:
			outcome = "HTTP_" + strconv.Itoa(rec.status)
		}
		d := time.Since(start)
		m.ObserveRequest(route(inner.Pattern), operation, outcome, d)
		attrs := []slog.Attr{
			slog.String("request_id", id),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
		}
		if operation != "" {
			attrs = append(attrs, slog.String("operation", loggedOperation(operation)))
		}
		attrs = append(attrs,
			slog.String("outcome", outcome),
			slog.Int("bytes", rec.bytes),
			slog.Duration("duration", d),
		)
		log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}

// route is the metrics label of the mux pattern a request matched: its path
// ("/" for the playground), or "unmatched".
func route(pattern string) string {
	if _, path, ok := strings.Cut(pattern, " "); ok {
		pattern = path
	}
	switch pattern {
	case "":
		return "unmatched"
	case "/{$}":
		return "/"
	}
	return pattern
}

// serveRecovering serves r, turning a panic outside the GraphQL executor
// (which recovers its own) into a logged internal error and a 500.
func serveRecovering(log *slog.Logger, w *statusRecorder, r *http.Request, next http.Handler) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if p == http.ErrAbortHandler {
			panic(p)
		}
		id := RequestID(r.Context())
		log.ErrorContext(r.Context(), "internal error", "request_id", id, "path", r.URL.Path,
			"err", fmt.Sprintf("panic: %v", p), "stack", string(debug.Stack()))
		setOutcome(r.Context(), graph.CodeInternal)
		if w.status == 0 {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"error": map[string]string{
				"code": graph.CodeInternal, "message": "internal error; quote request id " + id + " when reporting it"}})
		}
	}()
	next.ServeHTTP(w, r)
}

// writeJSON writes v as the response body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
