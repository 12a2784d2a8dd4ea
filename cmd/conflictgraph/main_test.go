package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime/debug"
	"slices"
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
	// What people type finds the United States: its codes, and "U.S." with
	// or without dots.
	for _, text := range []string{"US", "usa", "U.S."} {
		body := postQuery(t, addr, `{ search(text: "`+text+`", first: 1) { id } }`)
		if body != `{"data":{"search":[{"id":"united-states"}]}}` {
			t.Errorf("search %q: %s", text, body)
		}
	}
	// Amounts are exact decimal strings, sums included; sources carry the
	// address their document gives.
	if body := postQuery(t, addr, `{ aidTotals(recipient: "mali", programs: ["imet"]) { amount { value } } }`); body != `{"data":{"aidTotals":[{"amount":{"value":"2300000.00"}},{"amount":{"value":"850000.00"}}]}}` {
		t.Errorf("aidTotals of IMET: %s", body)
	}
	if body := postQuery(t, addr, `{ node(id: "crs-if10116-2020") { ... on Source { url } } }`); body != `{"data":{"node":{"url":"https://crsreports.congress.gov"}}}` {
		t.Errorf("source url: %s", body)
	}
	resp, err = http.Get("http://" + addr + "/export?format=cytoscape&id=wagner-group&depth=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`"amount":{"currency":"USD","period":"PER_MONTH","qualifier":"EXACT","value":"10000000.00"}`, `"url":"https://crsreports.congress.gov"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("export of wagner-group lacks %s", want)
		}
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

// postQuery posts a GraphQL query to the server at addr and returns the
// body of a 200 answer.
func postQuery(t *testing.T, addr, query string) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post("http://"+addr+"/graphql", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s %v", query, resp.StatusCode, body, err)
	}
	return string(body)
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

// TestHelpOnEveryCommand asks every command and subcommand for help the ways
// people do: the usage comes on stdout, nothing on stderr, and run returns
// nil (exit 0).
func TestHelpOnEveryCommand(t *testing.T) {
	tests := []struct {
		args []string
		want []string // in the usage
	}{
		{[]string{"--help"}, []string{"Usage:", "conflictgraph serve [flags]", "conflictgraph version"}},
		{[]string{"-h"}, []string{"conflictgraph seed validate [flags]"}},
		{[]string{"help"}, []string{"conflictgraph migrate [flags]"}},
		{[]string{"serve", "--help"}, []string{"Usage: conflictgraph serve [flags]", "-addr host:port", "$CONFLICTGRAPH_ADDR", "-neo4j-uri"}},
		{[]string{"serve", "-h"}, []string{"Usage: conflictgraph serve"}},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--help"}, []string{"Usage: conflictgraph serve"}},
		{[]string{"seed", "--help"}, []string{"Usage: conflictgraph seed [--reset]", "-reset", "seed validate"}},
		{[]string{"seed", "validate", "--help"}, []string{"Usage: conflictgraph seed validate", "-data directory", "-docs directory", "seed/docs"}},
		{[]string{"seed", "validate", "-h"}, []string{"Usage: conflictgraph seed validate"}},
		{[]string{"migrate", "--help"}, []string{"Usage: conflictgraph migrate", "-neo4j-uri"}},
		{[]string{"version", "--help"}, []string{"Usage: conflictgraph version"}},
		{[]string{"help", "serve"}, []string{"Usage: conflictgraph serve"}},
		{[]string{"help", "seed", "validate"}, []string{"Usage: conflictgraph seed validate"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			// A bad variable must not stand in the way of the help.
			err := run(context.Background(), tt.args, env(map[string]string{"CONFLICTGRAPH_MAX_DEPTH": "deep"}), &out, &errOut)
			if err != nil {
				t.Fatalf("err = %v (exit %d), want nil (exit 0)", err, exitCode(err))
			}
			for _, want := range tt.want {
				if !strings.Contains(out.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, out.String())
				}
			}
			if errOut.Len() > 0 {
				t.Errorf("stderr is not empty:\n%s", errOut.String())
			}
		})
	}
}

// TestMistakesPrintTheUsageOnStderr checks the other side of help: a
// mistake prints the command's usage on stderr, nothing on stdout.
func TestMistakesPrintTheUsageOnStderr(t *testing.T) {
	for _, args := range [][]string{{"serve", "--port", "80"}, {"seed", "validate", "extra"}, {"version", "--short"}, {"frobnicate"}, {}} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, env(nil), &out, &errOut)
		if exitCode(err) != 2 || out.Len() > 0 || !strings.Contains(errOut.String(), "Usage") {
			t.Errorf("%q: err %v (exit %d), stdout %q, stderr %q; want exit 2 and the usage on stderr only", args, err, exitCode(err), out.String(), errOut.String())
		}
	}
}

func TestVersionCommand(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, env(nil), &out, &errOut); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		// A test binary carries no version control stamp; the lines are there all the same.
		for _, want := range []string{"conflictgraph ", "\ncommit   ", "\ngo       go1."} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%q: output lacks %q:\n%s", args, want, out.String())
			}
		}
		if errOut.Len() > 0 {
			t.Errorf("%q: stderr %q", args, errOut.String())
		}
	}
}

func TestVersionText(t *testing.T) {
	stamped := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/conflictgraph/conflictgraph", Version: "v0.0.0-20261201180023-f04343c0cf46"},
		Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "f04343c0cf469c18abeb2deb26176d22eac21cb0"},
			{Key: "vcs.time", Value: "2026-12-01T18:00:23Z"}, {Key: "vcs.modified", Value: "false"}}}
	dirty := *stamped
	dirty.Settings = append(slices.Clone(stamped.Settings[:3]), debug.BuildSetting{Key: "vcs.modified", Value: "true"})
	installed := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/conflictgraph/conflictgraph", Version: "v1.2.0"}}
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"go build in a clean checkout", stamped, "conflictgraph v0.0.0-20261201180023-f04343c0cf46\n" +
			"commit   f04343c0cf469c18abeb2deb26176d22eac21cb0\n" +
			"date     2026-12-01T18:00:23Z (of the commit)\n" +
			"module   github.com/conflictgraph/conflictgraph\n" +
			"go       go1.26.8 linux/amd64\n"},
		{"uncommitted changes", &dirty, "conflictgraph v0.0.0-20261201180023-f04343c0cf46\n" +
			"commit   f04343c0cf469c18abeb2deb26176d22eac21cb0 (with uncommitted changes)\n" +
			"date     2026-12-01T18:00:23Z (of the commit)\n" +
			"module   github.com/conflictgraph/conflictgraph\n" +
			"go       go1.26.8 linux/amd64\n"},
		{"go install of a version", installed, "conflictgraph v1.2.0\n" +
			"commit   unknown (not built by go build from a git checkout; go run and go install ...@version record none)\n" +
			"module   github.com/conflictgraph/conflictgraph\n" +
			"go       go1.26.8 linux/amd64\n"},
		{"go run", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/conflictgraph/conflictgraph", Version: "(devel)"}}, "conflictgraph (devel)\n" +
			"commit   unknown (not built by go build from a git checkout; go run and go install ...@version record none)\n" +
			"module   github.com/conflictgraph/conflictgraph\n" +
			"go       go1.26.8 linux/amd64\n"},
	}
	for _, tt := range tests {
		if got := versionText(tt.info, "linux/amd64"); got != tt.want {
			t.Errorf("%s:\n got  %q\n want %q", tt.name, got, tt.want)
		}
	}
}

func TestSeedValidateCommand(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantDocs string
	}{
		{"built-in documents by default", nil, "every quote and alias found in seed/docs (built in)"},
		{"documents from a directory", []string{"--docs", "../../seed/docs"}, "every quote and alias found in ../../seed/docs"},
		{"seed files from a directory", []string{"--data", "../../seed/data"}, "every quote and alias found in seed/docs (built in)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if err := run(context.Background(), append([]string{"seed", "validate"}, tt.args...), env(nil), &out, &errOut); err != nil {
				t.Fatalf("seed validate: %v\n%s", err, errOut.String())
			}
			for _, want := range []string{"seed data is valid: 5 sources", tt.wantDocs, "entities by kind:", "relationships by type:", "citations by source:"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
			if errOut.Len() > 0 {
				t.Errorf("stderr is not empty: %s", errOut.String())
			}
		})
	}

	dir := t.TempDir()
	writeFile(t, dir+"/bad.yaml", "entities:\n  - id: x\n    kind: COUNTRY\n    name: X\n    citations: [{source: nowhere, quote: q}]\n")
	err := run(context.Background(), []string{"seed", "validate", "--data", dir}, env(nil), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), dir+`/bad.yaml:5: entity "x": citations[0].source: no source has id "nowhere"`) {
		t.Errorf("seed validate on a bad file: %v", err)
	}
	if exitCode(err) != 1 {
		t.Errorf("exit code %d, want 1", exitCode(err))
	}

	// A quote that is not in its document, checked against the built-in ones.
	writeFile(t, dir+"/bad.yaml", "sources:\n  - {id: doc, title: T, publisher: P, document: 002_2ffa815ff524ab2e.txt}\n"+
		"entities:\n  - id: x\n    kind: COUNTRY\n    name: X\n    citations: [{source: doc, quote: Mali is a rising democracy}]\n")
	err = run(context.Background(), []string{"seed", "validate", "--data", dir}, env(nil), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `quote not found in doc: "Mali is a rising democracy"`) || exitCode(err) != 1 {
		t.Errorf("seed validate with a misquote: %v (exit %d)", err, exitCode(err))
	}

	// A quote of the two-column 2020 brief that reads across its columns:
	// the file's line 56 (right column) runs on into line 57 (left column)
	// as if one sentence said so.
	writeFile(t, dir+"/bad.yaml", "sources:\n  - {id: doc, title: T, publisher: P, document: 003_b3f11462324cbeb8.txt}\n"+
		"entities:\n  - id: x\n    kind: COUNTRY\n    name: X\n    citations: [{source: doc, quote: 'in Mali under Operation Barkhane, a regional humanitarian emergency spurred by drought.'}]\n")
	err = run(context.Background(), []string{"seed", "validate", "--data", dir}, env(nil), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `quote is stitched across the columns of doc: it joins line 56 (right column), line 57 (left column)`) || exitCode(err) != 1 {
		t.Errorf("seed validate with a quote stitched across two columns: %v (exit %d)", err, exitCode(err))
	}

	// Documents missing from --docs are named, not skipped.
	err = run(context.Background(), []string{"seed", "validate", "--docs", t.TempDir()}, env(nil), io.Discard, io.Discard)
	if !errors.Is(err, fs.ErrNotExist) || exitCode(err) != 1 {
		t.Errorf("seed validate --docs of an empty directory: %v (exit %d)", err, exitCode(err))
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
