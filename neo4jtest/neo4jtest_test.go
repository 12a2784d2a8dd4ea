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

	"github.com/conflictgraph/conflictgraph/domain"
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

// TestAUsersNeo4jSurvivesMakeTestAndACrash follows the README as a user
// would: `make neo4j` (scripts/neo4j start), seed it, export its NEO4J_URI.
// Then `make test` (narrowed to a test that resets its database) runs in
// that environment: the user's graph must be untouched, the tests must have
// run on a Neo4j of their own, and asked to reset the user's database
// directly, the tests' guard refuses. Then the user's Neo4j is killed, as a
// crash would, and started again: it comes back on the same port with the
// graph it had.
func TestAUsersNeo4jSurvivesMakeTestAndACrash(t *testing.T) {
	neo4jtest.URI(t) // only where Neo4j tests run at all
	state := t.TempDir()
	script := filepath.Join("..", "scripts", "neo4j")
	neo4jScript := func(args ...string) string {
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
	t.Cleanup(func() { neo4jScript("stop") })
	line := neo4jScript("start")
	user, ok := strings.CutPrefix(line, "NEO4J_URI=")
	if !ok {
		t.Fatalf("start printed %q", line)
	}

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
	if _, err := domain.LoadGraph(ctx, st, s.Graph, domain.LoadOptions{Actor: "seed"}); err != nil {
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
		t.Errorf("make test changed the user's database: entities, relationships, sources, markers, nodes were %s, are %s", before, after)
	}

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

	if again := neo4jScript("start"); again != line {
		t.Errorf("after the crash, start printed %q, want %q (the same port)", again, line)
	}
	if after := userGraph(t, user); after != before {
		t.Errorf("after the crash and a restart, the database holds %s, not %s", after, before)
	}
}
