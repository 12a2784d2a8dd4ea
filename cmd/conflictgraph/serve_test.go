package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/server"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// heldStore holds every Search until release is closed (or the request's
// context ends), telling entered when the first one arrives, and records
// that it was closed.
type heldStore struct {
	domain.Store
	once    sync.Once
	entered chan struct{}
	release chan struct{}
	closed  atomic.Bool
}

func newHeldStore(t *testing.T) *heldStore {
	t.Helper()
	st := embedded.New()
	storetest.MustLoad(t, st, storetest.Fixture())
	return &heldStore{Store: st, entered: make(chan struct{}), release: make(chan struct{})}
}

func (h *heldStore) Search(ctx context.Context, q domain.SearchQuery) ([]*domain.Entity, error) {
	h.once.Do(func() { close(h.entered) })
	select {
	case <-h.release:
		return h.Store.Search(ctx, q)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (h *heldStore) Close(ctx context.Context) error {
	h.closed.Store(true)
	return h.Store.Close(ctx)
}

// logSignal is a log destination that closes seen once the log holds want.
type logSignal struct {
	mu   sync.Mutex
	buf  strings.Builder
	want string
	seen chan struct{}
}

func (l *logSignal) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if l.seen != nil && strings.Contains(l.buf.String(), l.want) {
		close(l.seen)
		l.seen = nil
	}
	return len(p), nil
}

func (l *logSignal) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// startDraining serves st the way serve does, with the flags given, and
// starts one search that the store holds. It returns what serveUntilDone
// returned, through done; the search's outcome, through answer; and the
// listener's address.
func startDraining(t *testing.T, st *heldStore, logs *logSignal, args ...string) (cancel func(), addr string, done chan error, answer chan string) {
	t.Helper()
	c, err := parseServe(args, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(logs, nil))
	h, err := server.New(server.Config{Store: st, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done = make(chan error, 1)
	go func() { done <- serveUntilDone(ctx, c, h, st, ln, log) }()

	answer = make(chan string, 1)
	go func() {
		client := &http.Client{Transport: &http.Transport{}}
		resp, err := client.Post("http://"+ln.Addr().String()+"/graphql", "application/json",
			strings.NewReader(`{"query": "{ search(text: \"front\") { id } }"}`))
		if err != nil {
			answer <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		answer <- resp.Status + " " + string(body)
	}()
	select { // the search is in flight, held in the store
	case <-st.entered:
	case <-time.After(30 * time.Second):
		t.Fatal("the search never reached the store")
	}
	return cancel, ln.Addr().String(), done, answer
}

func TestShutdownLetsAnInFlightRequestFinish(t *testing.T) {
	st := newHeldStore(t)
	logs := &logSignal{want: "stopped accepting connections", seen: make(chan struct{})}
	draining := logs.seen
	stop, addr, done, answer := startDraining(t, st, logs, "--shutdown-timeout", "1m")

	stop() // what SIGTERM does through signal.NotifyContext
	select {
	case <-draining:
	case <-time.After(30 * time.Second):
		t.Fatal("the server never logged that it stopped accepting connections")
	}
	if conn, err := net.Dial("tcp", addr); err == nil {
		conn.Close()
		t.Error("a new connection was accepted while draining")
	}
	select {
	case err := <-done:
		t.Fatalf("serve returned (%v) with a request in flight", err)
	default:
	}

	close(st.release)
	got := <-answer
	var resp struct {
		Data struct{ Search []struct{ ID string } }
	}
	if !strings.HasPrefix(got, "200 OK ") || json.Unmarshal([]byte(strings.TrimPrefix(got, "200 OK ")), &resp) != nil || len(resp.Data.Search) == 0 {
		t.Errorf("the in-flight request: %s", got)
	}
	if err := <-done; err != nil {
		t.Errorf("serve returned %v, want nil (exit 0)", err)
	}
	if !st.closed.Load() {
		t.Error("the store was not closed")
	}
	wantLogOrder(t, logs.String(), "msg=\"shutting down\"", "msg=\"stopped accepting connections", "msg=stopped\n")
}

// wantLogOrder checks that each of lines appears in the log, in that order.
func wantLogOrder(t *testing.T, log string, lines ...string) {
	t.Helper()
	at := 0
	for _, l := range lines {
		i := strings.Index(log[at:], l)
		if i < 0 {
			t.Errorf("log lacks %q after byte %d:\n%s", l, at, log)
			return
		}
		at += i + len(l)
	}
}

func TestShutdownCutsARequestPastTheDrainTimeout(t *testing.T) {
	st := newHeldStore(t)
	defer close(st.release)
	logs := &logSignal{}
	stop, _, done, answer := startDraining(t, st, logs, "--shutdown-timeout", "10ms")

	stop()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v, want nil (exit 0)", err)
	}
	if got := <-answer; !strings.HasPrefix(got, "error: ") {
		t.Errorf("the request past the drain timeout was answered: %s", got)
	}
	if !st.closed.Load() {
		t.Error("the store was not closed")
	}
	wantLogOrder(t, logs.String(), "msg=\"shutting down\"", "drain timeout passed", "msg=stopped\n")
	wantLogOrder(t, logs.String(), "msg=\"stopped accepting connections", "msg=stopped\n")
}

func TestServeFlagsAndEnvironment(t *testing.T) {
	c, err := parseServe([]string{"--max-depth", "7", "--request-timeout", "3s"},
		env(map[string]string{"CONFLICTGRAPH_MAX_DEPTH": "9", "CONFLICTGRAPH_MAX_ALIASES": "4", "CONFLICTGRAPH_SHUTDOWN_TIMEOUT": "2s",
			"CONFLICTGRAPH_DISABLE_INTROSPECTION": "true", "CONFLICTGRAPH_MAX_BODY_BYTES": "2048"}))
	if err != nil {
		t.Fatal(err)
	}
	want := server.Limits{MaxDepth: 7, MaxComplexity: server.DefaultMaxComplexity, MaxAliases: 4, MaxRootFields: server.DefaultMaxRootFields,
		MaxTokens: server.DefaultMaxTokens, MaxSelections: server.DefaultMaxSelections, QueryCacheBytes: server.DefaultQueryCacheSize,
		MaxBodyBytes: 2048, RequestTimeout: 3 * time.Second}
	if c.limits != want || c.shutdownTimeout != 2*time.Second || !c.disableIntrospection || c.writeTimeout != time.Minute {
		t.Errorf("parsed %+v", c)
	}
	if c.gcHeadroom != defaultGCHeadroom {
		t.Errorf("--gc-headroom-bytes defaults to %d, want %d", c.gcHeadroom, defaultGCHeadroom)
	}
	if c, err := parseServe(nil, env(map[string]string{"CONFLICTGRAPH_GC_HEADROOM_BYTES": "0"})); err != nil || c.gcHeadroom != 0 {
		t.Errorf("$CONFLICTGRAPH_GC_HEADROOM_BYTES=0: headroom %d, err %v; want 0 (Go's pacing)", c.gcHeadroom, err)
	}

	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--max-depth", "0"}, nil, "--max-depth must be positive"},
		{nil, map[string]string{"CONFLICTGRAPH_MAX_COMPLEXITY": "lots"}, `$CONFLICTGRAPH_MAX_COMPLEXITY="lots"`},
		{nil, map[string]string{"CONFLICTGRAPH_REQUEST_TIMEOUT": "15"}, `$CONFLICTGRAPH_REQUEST_TIMEOUT="15"`},
		{[]string{"--request-timeout", "2m"}, nil, "--request-timeout (2m0s) must be shorter than --write-timeout (1m0s)"},
		{[]string{"--shutdown-timeout", "-1s"}, nil, "--shutdown-timeout must be positive"},
		{[]string{"--gc-headroom-bytes", "-1"}, nil, "--gc-headroom-bytes must be 0 or more"},
	} {
		_, err := parseServe(tt.args, env(tt.env))
		var u usageError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q %v: err = %v, want a usage error saying %q", tt.args, tt.env, err, tt.want)
		}
	}
}

// TestShutdownWhileTheSchemaMigrationHangs stops a Neo4j server whose
// background schema migration is stuck on a host that accepts connections
// and never answers (a hung machine, a half-open firewall): the migration
// ends before the driver is closed, serve returns nil, and "stopped" is the
// last thing it logs.
func TestShutdownWhileTheSchemaMigrationHangs(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 16)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- conn // held open, never answered
		}
	}()
	defer func() {
		for len(accepted) > 0 {
			(<-accepted).Close()
		}
	}()

	_, logs, stop := startServe(t, []string{"--backend", "neo4j"},
		map[string]string{"NEO4J_URI": "bolt://" + ln.Addr().String()})
	select {
	case conn := <-accepted:
		accepted <- conn
	case <-time.After(30 * time.Second):
		t.Fatal("the schema migration never connected")
	}
	if err := stop(); err != nil {
		t.Errorf("serve returned %v, want nil", err)
	}
	log := logs.String()
	if !strings.HasSuffix(log, "msg=stopped\n") {
		t.Errorf("serve logged after it stopped:\n%s", log)
	}
	if strings.Contains(log, "schema not applied yet") {
		t.Errorf("a migration cut short by shutdown was logged as a failure:\n%s", log)
	}
}

// TestServeDebugAddr serves the profiles on their own loopback listener,
// and only there, and refuses an address beyond the machine.
func TestServeDebugAddr(t *testing.T) {
	addr, logs, _ := startServe(t, []string{"--debug-addr", "127.0.0.1:0"}, nil)
	m := regexp.MustCompile(`pprof=(http://\S+/debug/pprof/)`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no profiling endpoint logged:\n%s", logs)
	}
	for _, tt := range []struct {
		url  string
		want int
	}{
		{m[1], http.StatusOK},
		{m[1] + "goroutine?debug=1", http.StatusOK},
		{"http://" + addr + "/debug/pprof/", http.StatusNotFound}, // not on the API's listener
	} {
		resp, err := http.Get(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("GET %s: %d, want %d", tt.url, resp.StatusCode, tt.want)
		}
	}
	for _, bad := range []string{"0.0.0.0:6060", ":6060", "192.0.2.1:6060", "example.com:6060", "127.0.0.1"} {
		_, err := parseServe([]string{"--debug-addr", bad}, env(nil))
		var u usageError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), "--debug-addr") {
			t.Errorf("--debug-addr %s: err = %v, want a usage error", bad, err)
		}
	}
}
