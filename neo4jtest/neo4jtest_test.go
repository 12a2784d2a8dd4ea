package neo4jtest_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/neo4jstore"
	"github.com/conflictgraph/conflictgraph/neo4jtest"
	"github.com/conflictgraph/conflictgraph/seed"
)

// count runs a counting statement on the Neo4j at uri.
func count(t *testing.T, uri, cypher string) int64 {
	t.Helper()
	n, err := neo4jtest.Count(context.Background(), uri, cypher)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// userGraph is what a seeded database holds, to tell whether anything
// touched it.
func userGraph(t *testing.T, uri string) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"MATCH (e:Entity) RETURN count(e) AS n",
		"MATCH ()-[r]->() RETURN count(r) AS n",
		"MATCH (s:Source) RETURN count(s) AS n",
		"MATCH (m:GraphLoaded) RETURN count(m) AS n",
		"MATCH (n) RETURN count(n) AS n",
	} {
		b.WriteString(strconv.FormatInt(count(t, uri, q), 10) + " ")
	}
	return b.String()
}

// environ is the test's environment without the variables named, plus
// the ones given.
func environ(drop []string, add ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		keep := true
		for _, d := range drop {
			keep = keep && name != d
		}
		if keep {
			out = append(out, kv)
		}
	}
	return append(out, add...)
}

// TestMakeTestLeavesAUsersDatabaseIntact seeds a database the way the
// README tells users to, exports its NEO4J_URI, and runs `make test` (a
// test of it that resets its database) in that environment: the user's
// graph must be untouched, and the tests must have run on a Neo4j of their
// own. Asked to reset the user's database directly, the tests' guard
// refuses.
func TestMakeTestLeavesAUsersDatabaseIntact(t *testing.T) {
	t.Parallel()
	user := neo4jtest.Start(t).URI
	ctx := context.Background()
	st, err := neo4jstore.New(neo4jstore.Config{URI: user})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.Load(ctx, s.Graph); err != nil {
		t.Fatal(err)
	}
	before := userGraph(t, user)

	if err := neo4jtest.Claim(ctx, user); !errors.Is(err, neo4jtest.ErrNotTheTests) {
		t.Errorf("claiming a user's seeded database: err = %v, want ErrNotTheTests", err)
	}

	var out bytes.Buffer
	cmd := exec.Command("make", "-C", "..", "test", "TEST_PKGS=./neo4jstore/", "TEST_FLAGS=-run ^TestReloadReplacesByID$$ -v")
	cmd.Env = environ([]string{neo4jtest.EnvURI, "MAKEFLAGS", "MAKELEVEL"}, "NEO4J_URI="+user, "REQUIRE_NEO4J=1")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("make test: %v\n%s", err, out.String())
	}
	log := out.String()
	if !strings.Contains(log, "--- PASS: TestReloadReplacesByID") || !strings.Contains(log, "starting a private Neo4j") {
		t.Errorf("make test did not run the test on a Neo4j of its own:\n%s", log)
	}
	if after := userGraph(t, user); after != before {
		t.Errorf("the user's database changed: entities, relationships, sources, markers, nodes were %s, are %s", before, after)
	}
}

// TestScriptRestartsACrashedNeo4jOnItsDataAndPort kills the Neo4j that
// `scripts/neo4j start` started, as a crash would, and starts it again: it
// comes back on the same port with the data it had.
func TestScriptRestartsACrashedNeo4jOnItsDataAndPort(t *testing.T) {
	t.Parallel()
	neo4jtest.URI(t) // only where Neo4j tests run at all
	state := t.TempDir()
	script := filepath.Join("..", "scripts", "neo4j")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(script, args...)
		cmd.Env = environ(nil, "NEO4J_STATE_DIR="+state)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("scripts/neo4j %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return strings.TrimSpace(string(out))
	}
	t.Cleanup(func() { run("stop") })
	line := run("start")
	uri, ok := strings.CutPrefix(line, "NEO4J_URI=")
	if !ok {
		t.Fatalf("start printed %q", line)
	}
	count(t, uri, "CREATE (c:Crash) RETURN count(c) AS n")

	pid, err := os.ReadFile(filepath.Join(state, "pid"))
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(pid)))
	if err != nil {
		t.Fatal(err)
	}
	proc, err := os.FindProcess(n)
	if err != nil {
		t.Fatal(err)
	}
	if err := proc.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// It is not this process's child: wait until it is gone (or a
	// zombie, whose command line is empty, as scripts/neo4j checks).
	deadline := time.Now().Add(time.Minute)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		if cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(n), "cmdline")); err != nil || len(cmdline) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pid %d still there a minute after SIGKILL", n)
		}
	}

	if again := run("start"); again != line {
		t.Errorf("after the crash, start printed %q, want %q (the same port)", again, line)
	}
	if got := count(t, uri, "MATCH (c:Crash) RETURN count(c) AS n"); got != 1 {
		t.Errorf("after the crash, %d nodes of the data written before, want 1", got)
	}
}
