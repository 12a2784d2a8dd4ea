// Package neo4jtest connects tests to a real Neo4j that belongs to the
// tests: the one named by CONFLICTGRAPH_TEST_NEO4J_URI (`make test` starts
// one and sets it), or a private one a test starts itself when it must stop
// and restart the server. NEO4J_URI is never read: it names the database a
// user seeds and serves, which tests must not touch.
package neo4jtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/conflictgraph/conflictgraph/prereq"
)

// EnvURI is the variable that names the tests' own Neo4j.
const EnvURI = "CONFLICTGRAPH_TEST_NEO4J_URI"

// URI returns CONFLICTGRAPH_TEST_NEO4J_URI. Without it the test is skipped
// with a message that says how to run it, or fails when REQUIRE_NEO4J=1 (as
// in CI), so a missing Neo4j can never pass silently.
func URI(t testing.TB) string {
	t.Helper()
	uri := os.Getenv(EnvURI)
	if uri != "" {
		return uri
	}
	prereq.Missing(t, "REQUIRE_NEO4J", EnvURI+" is not set: run `make test` (it starts a Neo4j of its own), or `scripts/neo4j run -- go test ...`"+
		" (NEO4J_URI is never used by tests: it may be your own database)")
	return ""
}

// markerLabel labels the node that says a database belongs to the tests.
const markerLabel = "ConflictgraphTestDatabase"

// ErrNotTheTests is Claim's answer for a database that holds data the tests
// did not write.
var ErrNotTheTests = errors.New("the database holds data the tests did not write")

// Claim makes sure the tests may empty the database at uri: it is empty (it
// is then marked as the tests'), or it carries the tests' mark. A database
// holding anything else, say a user's seeded graph, is refused with
// ErrNotTheTests, and nothing in it is touched. A store's Reset deletes the
// mark with everything else: claim the database again after it.
func Claim(ctx context.Context, uri string) error {
	driver, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		return err
	}
	defer driver.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, driver, `
OPTIONAL MATCH (m:`+markerLabel+`)
WITH count(m) > 0 AS marked
OPTIONAL MATCH (n) WHERE NOT n:`+markerLabel+`
WITH marked, n LIMIT 1
RETURN marked, n IS NOT NULL AS data`, nil, neo4j.EagerResultTransformer)
	if err != nil {
		return fmt.Errorf("claim %s for the tests: %w", uri, err)
	}
	marked, _, _ := neo4j.GetRecordValue[bool](res.Records[0], "marked")
	data, _, _ := neo4j.GetRecordValue[bool](res.Records[0], "data")
	switch {
	case marked:
		return nil
	case data:
		return fmt.Errorf("%w: %s holds nodes and no :%s node, so it is not a database the tests made; "+
			"refusing to reset it (point %s at a database for tests, or let `make test` start one)",
			ErrNotTheTests, uri, markerLabel, EnvURI)
	}
	_, err = neo4j.ExecuteQuery(ctx, driver, `MERGE (:`+markerLabel+` {note: 'made by the conflictgraph tests, which may empty it'})`, nil, neo4j.EagerResultTransformer)
	return err
}

// Run runs one statement on the Neo4j at uri, outside any store: for tests
// that look at or change the database behind a store's back.
func Run(ctx context.Context, uri, cypher string) ([]*neo4j.Record, error) {
	driver, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		return nil, err
	}
	defer driver.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, driver, cypher, nil, neo4j.EagerResultTransformer)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cypher, err)
	}
	return res.Records, nil
}

// Count runs a statement that returns one integer n, such as
// MATCH (e:Entity) RETURN count(e) AS n, and returns it.
func Count(ctx context.Context, uri, cypher string) (int64, error) {
	records, err := Run(ctx, uri, cypher)
	if err != nil {
		return 0, err
	}
	if len(records) != 1 {
		return 0, fmt.Errorf("%s: %d records, want one", cypher, len(records))
	}
	n, _, err := neo4j.GetRecordValue[int64](records[0], "n")
	return n, err
}

// Own claims the database at uri for the test (Claim), or fails the test.
func Own(t testing.TB, uri string) {
	t.Helper()
	if err := Claim(context.Background(), uri); err != nil {
		t.Fatal(err)
	}
}

// Server is a Neo4j started by a test, from the project's launcher, on its
// own port and data directory.
type Server struct {
	URI     string
	port    int
	dir     string
	options []string
	// log collects the launcher's output across restarts; a failed test
	// shows its end, a passing one keeps the test output quiet.
	log string
	cmd *exec.Cmd
	// stdin is the launcher's; closing it stops the server even if the
	// test binary dies.
	stdin io.WriteCloser
	// drained closes when the launcher's stdout has closed.
	drained chan struct{}
	mu      sync.Mutex
}

// Start launches a private Neo4j and stops it when the test ends; the first
// start builds the launcher with Maven if it is not built yet. Options go to
// the launcher as they are (say "--tx-memory", "64m"), for tests that need a
// server set up unlike the shared one.
func Start(t testing.TB, options ...string) *Server {
	t.Helper()
	URI(t) // the same skip-or-fail rule: no Neo4j wanted, none started
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &Server{port: port, dir: t.TempDir(), options: options, URI: fmt.Sprintf("bolt://127.0.0.1:%d", port),
		log: filepath.Join(t.TempDir(), "launcher.log")}
	t.Cleanup(func() {
		_ = s.Stop()
		if t.Failed() {
			t.Logf("end of the private neo4j's log (%s):\n%s", s.URI, tail(s.log, 30))
		}
	})
	if err := s.start(t); err != nil {
		t.Fatal(err)
	}
	return s
}

// tail returns the last n lines of the file at path, or why it cannot.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// launcherCommand runs the project's launcher through scripts/neo4j, which
// builds it first if needed and then becomes the java process.
func launcherCommand(dir string, port int, options []string) ([]string, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	args := []string{filepath.Join(root, "scripts", "neo4j"), "exec",
		"--data-dir", dir, "--port", fmt.Sprint(port), "--exit-on-stdin-close"}
	return append(args, options...), nil
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

func (s *Server) start(t testing.TB) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	args, err := launcherCommand(s.dir, s.port, s.options)
	if err != nil {
		return err
	}
	logFile, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close() // the launcher has its own copy
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stderr = logFile
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start neo4j: %w", err)
	}
	// The launcher prints its URI when ready; stdout is then drained until
	// it closes, and Wait comes only after that, as os/exec requires.
	ready := make(chan struct{})
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "NEO4J_URI=") {
				close(ready)
				io.Copy(io.Discard, stdout)
				return
			}
		}
	}()
	select {
	case <-ready:
	case <-drained:
		_ = cmd.Wait()
		stdin.Close()
		return fmt.Errorf("neo4j exited before it was ready")
	case <-time.After(10 * time.Minute):
		_ = cmd.Process.Kill()
		<-drained
		_ = cmd.Wait()
		stdin.Close()
		return fmt.Errorf("neo4j was not ready after 10 minutes")
	}
	t.Logf("private neo4j on %s ready in %s", s.URI, time.Since(begin).Round(time.Millisecond))
	s.cmd, s.stdin, s.drained = cmd, stdin, drained
	return nil
}

// Stop shuts the server down and waits for it; its data stays, so Restart
// brings the same database back.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.drained:
	case <-time.After(time.Minute):
		_ = s.cmd.Process.Kill()
		<-s.drained
	}
	_ = s.cmd.Wait()
	s.stdin.Close()
	s.cmd = nil
	return nil
}

// Restart starts the server again on the same port with the same data.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	if err := s.start(t); err != nil {
		t.Fatal(err)
	}
}

// Replace stops the server and starts a new, empty one on the same port:
// what a client sees when its Neo4j is swapped for a fresh instance.
func (s *Server) Replace(t testing.TB) {
	t.Helper()
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.dir = t.TempDir()
	s.mu.Unlock()
	s.Restart(t)
}
