package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/metrics"
	"github.com/conflictgraph/conflictgraph/server"
)

// syncBuffer is a log destination tests can read while handlers write.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestASlowStoreEndsInTimeout(t *testing.T) {
	st := newStallingStore(t)
	// The store waits for the deadline, so the test takes as long as the
	// deadline and asserts nothing about time.
	h := mustHandler(t, server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Limits: server.Limits{RequestTimeout: 20 * time.Millisecond}})
	resp := post(t, h, `{ search(text: "front") { id } }`, nil)
	resp.wantError(t, "TIMEOUT", "the request took longer than its deadline")

	rec := get(t, h, "/export?format=cytoscape")
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	if rec.Code != http.StatusGatewayTimeout || body.Error.Code != "TIMEOUT" {
		t.Errorf("export: %d %+v, want 504 TIMEOUT", rec.Code, body.Error)
	}
}

func TestEveryStoreCallHasTheRequestDeadline(t *testing.T) {
	st := newCountingStore(t)
	h := mustHandler(t, server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var got json.RawMessage
	post(t, h, `{
		search(text: "front") { id }
		entity(id: "union") { relationships { edges { node { from { id } citations { source { title } } } } } }
		entities(first: 3) { totalCount }
		sources { id }
		node(id: "front.fights.front") { id }
		neighborhood(id: "union") { truncated }
		paths(from: "union", to: "front") { length }
		timeline(entity: "atlantis") { date }
		aidTotals(recipient: "atlantis") { kind }
	}`, nil).decode(t, &got)
	if rec := get(t, h, "/export?format=cytoscape"); rec.Code != http.StatusOK {
		t.Errorf("export: %d", rec.Code)
	}
	if st.calls.Load() < 10 {
		t.Errorf("only %d store calls: the query did not reach the store", st.calls.Load())
	}
	if n := st.noDeadline.Load(); n != 0 {
		t.Errorf("%d of %d store calls had no deadline", n, st.calls.Load())
	}
}

func TestPanicsAreInternalErrorsWithTheRequestID(t *testing.T) {
	tests := []struct {
		name, target, query string
	}{
		{"in a resolver's store call", "/graphql", `{ search(text: "front") { id } }`},
		{"in a dataloader's batch", "/graphql", `{ node(id: "front") { id } }`},
		{"outside GraphQL", "/export?format=cytoscape", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &syncBuffer{}
			h := mustHandler(t, server.Config{Store: panickingStore{Store: newCountingStore(t)}, Logger: slog.New(slog.NewTextHandler(logs, nil))})
			var req *http.Request
			if tt.query != "" {
				req = httptest.NewRequest(http.MethodPost, tt.target, bytes.NewReader(queryBody(t, tt.query, nil)))
				req.Header.Set("Content-Type", "application/json")
			} else {
				req = httptest.NewRequest(http.MethodGet, tt.target, nil)
			}
			req.Header.Set("X-Request-ID", "req-42")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			body := rec.Body.String()

			if !strings.Contains(body, `"INTERNAL_SERVER_ERROR"`) || !strings.Contains(body, "internal error; quote request id req-42 when reporting it") {
				t.Errorf("response: %d %s", rec.Code, body)
			}
			for _, leak := range []string{"goroutine", ".go:", "secret cypher", "corrupted", "panic"} {
				if strings.Contains(body, leak) {
					t.Errorf("the response shows %q: %s", leak, body)
				}
			}
			if tt.query == "" && rec.Code != http.StatusInternalServerError {
				t.Errorf("status %d, want 500", rec.Code)
			}
			log := logs.String()
			if n := strings.Count(log, `msg="internal error"`); n != 1 {
				t.Errorf("the error is logged %d times, want once:\n%s", n, log)
			}
			if !strings.Contains(log, "request_id=req-42") || !strings.Contains(log, "secret cypher") {
				t.Errorf("the log lacks the request id or the panic:\n%s", log)
			}
		})
	}
	// A panic in a resolver's own goroutine leaves its stack in the log.
	logs := &syncBuffer{}
	h := mustHandler(t, server.Config{Store: panickingStore{Store: newCountingStore(t)}, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	post(t, h, `{ search(text: "front") { id } }`, nil).wantError(t, "INTERNAL_SERVER_ERROR", "quote request id")
	if !strings.Contains(logs.String(), "stack=") || !strings.Contains(logs.String(), "goroutine") {
		t.Errorf("no stack in the log:\n%s", logs)
	}
}

func TestMetrics(t *testing.T) {
	logs := &syncBuffer{}
	m := metrics.New()
	h := mustHandler(t, server.Config{Store: newCountingStore(t), Logger: slog.New(slog.NewTextHandler(logs, nil)), Metrics: m})
	var got json.RawMessage
	post(t, h, `query Find { search(text: "front") { id relationships { edges { node { from { name } to { name } } } } } }`, nil).decode(t, &got)
	post(t, h, `query Find { search(text: "front") { id } }`, nil).decode(t, &got)
	post(t, h, `query TooBig { entities(first: 501) { totalCount } }`, nil).wantError(t, "BAD_USER_INPUT", "first")
	post(t, h, `{ sources { id } }`, nil).decode(t, &got)
	get(t, h, "/export?id=atlantiss")

	rec := get(t, h, "/metrics")
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	text := rec.Body.String()
	for _, want := range []string{
		`conflictgraph_http_requests_total{operation="Find",outcome="ok",route="/graphql"} 2`,
		`conflictgraph_http_requests_total{operation="TooBig",outcome="BAD_USER_INPUT",route="/graphql"} 1`,
		`conflictgraph_http_requests_total{operation="anonymous",outcome="ok",route="/graphql"} 1`,
		`conflictgraph_http_requests_total{operation="",outcome="NOT_FOUND",route="/export"} 1`,
		`conflictgraph_http_request_duration_seconds_count{operation="Find",outcome="ok",route="/graphql"} 2`,
		`conflictgraph_store_calls_total{method="Search"} 2`,
		`conflictgraph_store_calls_total{method="Neighborhood"} 1`,
		`conflictgraph_store_errors_total{code="NOT_FOUND",method="Neighborhood"} 1`,
		`conflictgraph_dataloader_batch_size_sum{method="RelationshipsOf"} 2`, // front and union, in one batch
		`conflictgraph_dataloader_batch_size_count{method="EntitiesByIDs"} `,
		"go_goroutines ",
		"go_memstats_heap_inuse_bytes ",
		"process_resident_memory_bytes ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if !strings.Contains(logs.String(), "path=/graphql status=200 operation=Find outcome=ok") {
		t.Errorf("the request log lacks the operation:\n%s", logs)
	}
}

func TestMetricsKeepOperationNamesBounded(t *testing.T) {
	m := metrics.New()
	for i := range metrics.MaxOperationNames + 50 {
		m.ObserveRequest("/graphql", "Op"+strings.Repeat("x", i%70)+string(rune('a'+i%26)), metrics.OutcomeOK, time.Millisecond)
	}
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "conflictgraph_http_requests_total" && len(f.GetMetric()) > metrics.MaxOperationNames+1 {
			t.Errorf("%d series for request counts, want at most %d", len(f.GetMetric()), metrics.MaxOperationNames+1)
		}
	}
}
