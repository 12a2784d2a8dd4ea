package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// logWatch collects the server's log and hands over the address it listens
// on as soon as it is logged.
type logWatch struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	addr  chan string
	found bool
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

func (w *logWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := listening.FindStringSubmatch(w.buf.String()); m != nil && !w.found {
		w.found = true
		w.addr <- m[1]
	}
	return len(p), nil
}

func (w *logWatch) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// startServe runs `conflictgraph serve` with args in the background until the
// test ends, and returns the address it listens on, its log, and a function
// that stops it the way SIGTERM does and returns run's result.
func startServe(t *testing.T, args []string, vars map[string]string) (string, *logWatch, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &logWatch{addr: make(chan string, 1)}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), env(vars), io.Discard, logs)
	}()
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop after its context was cancelled")
			return nil
		}
	}
	t.Cleanup(func() { _ = stop() })
	select {
	case addr := <-logs.addr:
		return addr, logs, stop
	case err := <-done:
		t.Fatalf("serve stopped before listening: %v\n%s", err, logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start listening\n%s", logs)
	}
	return "", nil, nil
}

func TestServeEndToEnd(t *testing.T) {
	addr, logs, stop := startServe(t, nil, map[string]string{"CONFLICTGRAPH_LOG_LEVEL": "debug"})

	resp, err := http.Post("http://"+addr+"/graphql", "application/json",
		strings.NewReader(`{"query": "{ entity(id: \"mali\") { name ... on Country { iso3 } } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"name":"Mali"`) || !strings.Contains(string(body), `"iso3":"MLI"`) {
		t.Errorf("query the seed graph: %d %s", resp.StatusCode, body)
	}
	for _, path := range []string{"/healthz", "/readyz", "/", "/export?format=cytoscape"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}

	// A GET whose URL is past the body limit (1 MiB) is answered by the
	// handler, as JSON with a code, not cut off by net/http's plain 431.
	long := "http://" + addr + "/graphql?query=" + url.QueryEscape(`{ entity(id: "`+strings.Repeat("x", 1_200_000)+`") { id } }`)
	resp, err = http.Get(long)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestURITooLong || !strings.Contains(string(body), `"code":"REQUEST_TOO_LARGE"`) {
		t.Errorf("a 1.2 MB GET URL: %d %.300s", resp.StatusCode, body)
	}

	if err := stop(); err != nil { // what SIGTERM does through signal.NotifyContext
		t.Errorf("serve ended with %v", err)
	}
	for _, want := range []string{"seed graph loaded", "method=POST path=/graphql status=200", "stopped"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

func TestCommandLineMistakes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no command", nil, nil, "no command given"},
		{"unknown command", []string{"serf"}, nil, `unknown command "serf"`},
		{"unknown backend flag", []string{"serve", "--backend", "sqlite"}, nil, `unknown backend "sqlite"; available: embedded, neo4j`},
		{"unknown backend from the environment", []string{"serve"}, map[string]string{"CONFLICTGRAPH_BACKEND": "sqlite"}, `unknown backend "sqlite"`},
		{"flag wins over environment", []string{"serve", "--backend", "sqlite"}, map[string]string{"CONFLICTGRAPH_BACKEND": "embedded"}, `unknown backend "sqlite"`},
		{"bad origin", []string{"serve", "--cors-origins", "localhost:3000"}, nil, `CORS origin "localhost:3000"`},
		{"bad log format", []string{"serve", "--log-format", "xml"}, nil, `log format "xml"`},
		{"unknown flag", []string{"serve", "--port", "80"}, nil, "flag provided but not defined: -port"},
		{"neo4j without a URI", []string{"serve", "--backend", "neo4j"}, nil, "the neo4j backend needs --neo4j-uri or NEO4J_URI"},
		{"neo4j with a bad URI", []string{"migrate", "--neo4j-uri", "localhost:7687"}, nil, `NEO4J_URI "localhost:7687" is not a URI`},
		{"seed with a stray argument", []string{"seed", "now"}, nil, `seed takes no arguments, got ["now"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, env(tt.env), io.Discard, io.Discard)
			var u usageError
			if !errors.As(err, &u) || exitCode(err) != 2 {
				t.Fatalf("err = %v, want a usage error (exit 2)", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestSeedValidateCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"seed", "validate", "--docs", "../../../shared/seeds"}, env(nil), &out, &errOut); err != nil {
		t.Fatalf("seed validate: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"seed data is valid", "every quote found in ../../../shared/seeds", "entities by kind:", "relationships by type:", "citations by source:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	dir := t.TempDir()
	writeFile(t, dir+"/bad.yaml", "entities:\n  - id: x\n    kind: COUNTRY\n    name: X\n    citations: [{source: nowhere, quote: q}]\n")
	err := run(context.Background(), []string{"seed", "validate", "--data", dir, "--docs", "../../../shared/seeds"}, env(nil), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), dir+`/bad.yaml:5: entity "x": citations[0].source: no source has id "nowhere"`) {
		t.Errorf("seed validate on a bad file: %v", err)
	}
	if exitCode(err) != 1 {
		t.Errorf("exit code %d, want 1", exitCode(err))
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
