package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary be the real program: run with
// CONFLICTGRAPH_TEST_MAIN=1 it is conflictgraph itself, so a test can start
// the server as a process of its own and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("CONFLICTGRAPH_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// newKey runs `conflictgraph keys add` and returns the key it printed last.
func newKey(t *testing.T, dir, name, role string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"keys", "add", "--data-dir", dir, "--name", name, "--role", role}, env(nil), &out, io.Discard); err != nil {
		t.Fatalf("keys add: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	key := lines[len(lines)-1]
	if !strings.HasPrefix(key, "cgk_") {
		t.Fatalf("keys add printed %q, its last line is not a key", out.String())
	}
	return key
}

// gql posts a GraphQL request with the key (none for "").
func gql(t *testing.T, addr, key, query string, vars map[string]any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

const claimMutation = `mutation($quote: String!) { addRelationship(input: {type: COOPERATES_WITH, from: "mali", to: "niger", certainty: STATED,
  citations: [{source: "crs-if10116-2024", quote: $quote}]}) { relationship { id } change { revision } } }`

func revisionOf(t *testing.T, out map[string]any) int {
	t.Helper()
	data, _ := out["data"].(map[string]any)
	payload, _ := data["addRelationship"].(map[string]any)
	change, _ := payload["change"].(map[string]any)
	rev, ok := change["revision"].(float64)
	if !ok {
		t.Fatalf("no revision in %v", out)
	}
	return int(rev)
}

func TestKeysCommandAndADataDirectory(t *testing.T) {
	dir := t.TempDir()
	editor := newKey(t, dir, "alice", "editor")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"keys", "list", "--data-dir", dir}, env(nil), &out, io.Discard); err != nil || !strings.Contains(out.String(), "alice") || !strings.Contains(out.String(), "editor") {
		t.Fatalf("keys list: %v\n%s", err, out.String())
	}
	addr, logs, stop := startServe(t, []string{"--data-dir", dir}, nil)
	status, resp := gql(t, addr, editor, claimMutation, map[string]any{"quote": "Mali and Niger cooperate."})
	if status != 200 || revisionOf(t, resp) != 2 {
		t.Fatalf("a write with the key: %d %v", status, resp)
	}
	if err := run(context.Background(), []string{"keys", "revoke", "alice", "--data-dir", dir}, env(nil), io.Discard, io.Discard); err != nil {
		t.Fatalf("keys revoke while the server runs: %v", err)
	}
	if status, resp = gql(t, addr, editor, claimMutation, map[string]any{"quote": "Again."}); status != 401 {
		t.Errorf("a write with the revoked key: %d %v", status, resp)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "seed graph loaded") || !strings.Contains(logs.String(), "revision=1") {
		t.Errorf("the first start does not say it seeded revision 1:\n%s", logs)
	}
	// A restart finds the graph as it was left, without reseeding.
	addr, logs, _ = startServe(t, []string{"--data-dir", dir}, nil)
	_, resp = gql(t, addr, "", `{ changes { revision edges { node { revision actor } } } }`, nil)
	if got := fmt.Sprint(resp["data"]); !strings.Contains(got, "revision:2") || !strings.Contains(got, "actor:alice") {
		t.Errorf("the feed after a restart: %v", resp)
	}
	if !strings.Contains(logs.String(), "graph opened") || strings.Contains(logs.String(), "seed graph loaded") {
		t.Errorf("the restart reseeded instead of opening the graph:\n%s", logs)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"keys", "add", "--name", "bob", "--role", "editor"}, "give --data-dir DIR"},
		{[]string{"keys", "add", "--data-dir", dir, "--name", "Bob Smith", "--role", "editor"}, "key names are lower-case"},
		{[]string{"keys", "add", "--data-dir", dir, "--name", "bob", "--role", "owner"}, `role "owner" is not one of`},
		{[]string{"keys", "revoke", "--data-dir", dir}, "needs the key's name"},
		{[]string{"keys", "rotate"}, `unknown keys subcommand "rotate"`},
		{[]string{"serve", "--backend", "neo4j", "--data-dir", dir}, "--data-dir keeps the embedded backend on disk"},
	} {
		err := run(context.Background(), tt.args, env(nil), io.Discard, io.Discard)
		if exitCode(err) != 2 || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want a usage error saying %q", tt.args, err, tt.want)
		}
	}
	if err := run(context.Background(), []string{"keys", "add", "--data-dir", dir, "--name", "alice", "--role", "admin"}, env(nil), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("a second key named alice: %v", err)
	}
}

// process is the real server, a process of its own, on a data directory.
type process struct {
	cmd  *exec.Cmd
	addr string
	log  *bytes.Buffer
}

func startProcess(t *testing.T, dir string) *process {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "serve", "--addr", "127.0.0.1:0", "--data-dir", dir)
	cmd.Env = append(os.Environ(), "CONFLICTGRAPH_TEST_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, log: &bytes.Buffer{}}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stderr)
		for lines.Scan() {
			p.log.WriteString(lines.Text() + "\n")
			if m := listening.FindStringSubmatch(lines.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case addr, ok := <-found:
		if !ok {
			t.Fatalf("the server stopped before listening")
		}
		p.addr = addr
	case <-time.After(60 * time.Second):
		t.Fatal("the server did not start listening")
	}
	return p
}

// kill ends the process with SIGKILL: no shutdown, no flush, no close.
func (p *process) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
}

// TestAnAnsweredWriteSurvivesSIGKILL kills the server right after it
// answers a mutation and finds the change after a restart.
func TestAnAnsweredWriteSurvivesSIGKILL(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t, dir, "alice", "editor")
	p := startProcess(t, dir)
	status, resp := gql(t, p.addr, key, claimMutation, map[string]any{"quote": "Mali and Niger signed a defence pact."})
	if status != 200 {
		t.Fatalf("mutation: %d %v", status, resp)
	}
	rev := revisionOf(t, resp)
	p.kill(t)

	p = startProcess(t, dir)
	_, resp = gql(t, p.addr, "", `query($id: ID!) { node(id: $id) { ... on Change { revision actor relationships { relationship { citations { quote } } } } } }`,
		map[string]any{"id": fmt.Sprintf("change:%d", rev)})
	if got := fmt.Sprint(resp); !strings.Contains(got, "signed a defence pact") || !strings.Contains(got, "actor:alice") {
		t.Errorf("after SIGKILL and a restart, change %d = %v", rev, resp)
	}
}

// TestSIGKILLDuringConcurrentWritesCorruptsNothing kills the server while
// 100 writes are under way: after a restart every answered write is there,
// the revisions run without a gap, and every change is whole.
func TestSIGKILLDuringConcurrentWritesCorruptsNothing(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t, dir, "alice", "editor")
	p := startProcess(t, dir)
	const writes = 100
	var (
		mu       sync.Mutex
		answered []int
		wg       sync.WaitGroup
		killed   = make(chan struct{})
		once     sync.Once
	)
	client := &http.Client{Timeout: 30 * time.Second}
	for i := range writes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, _ := json.Marshal(map[string]any{"query": claimMutation, "variables": map[string]any{"quote": fmt.Sprintf("Write %d.", i)}})
			req, _ := http.NewRequest(http.MethodPost, "http://"+p.addr+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+key)
			resp, err := client.Do(req)
			if err != nil {
				return // cut off by the kill
			}
			defer resp.Body.Close()
			var out map[string]any
			if json.NewDecoder(resp.Body).Decode(&out) != nil {
				return
			}
			data, _ := out["data"].(map[string]any)
			if payload, ok := data["addRelationship"].(map[string]any); ok {
				rev := int(payload["change"].(map[string]any)["revision"].(float64))
				mu.Lock()
				answered = append(answered, rev)
				n := len(answered)
				mu.Unlock()
				// Kill once a third are answered: the rest are in flight.
				if n == writes/3 {
					once.Do(func() { p.kill(t); close(killed) })
				}
			}
		}()
	}
	wg.Wait()
	once.Do(func() { p.kill(t); close(killed) })
	<-killed
	mu.Lock()
	slices.Sort(answered)
	mu.Unlock()
	if len(answered) < writes/3 {
		t.Fatalf("only %d writes were answered before the kill", len(answered))
	}

	p = startProcess(t, dir)
	var feed []int
	quotes := map[int]string{}
	after := ""
	for {
		_, resp := gql(t, p.addr, "", `query($after: String) { changes(after: $after, first: 100) { pageInfo { hasNextPage endCursor }
		  edges { node { revision relationshipCount relationships(first: 1) { operation relationship { citations { quote } } } } } } }`, map[string]any{"after": after})
		data, ok := resp["data"].(map[string]any)
		if !ok {
			t.Fatalf("the feed after the kill: %v", resp)
		}
		changes := data["changes"].(map[string]any)
		for _, e := range changes["edges"].([]any) {
			node := e.(map[string]any)["node"].(map[string]any)
			rev := int(node["revision"].(float64))
			feed = append(feed, rev)
			if rev > 1 {
				rels := node["relationships"].([]any)
				if len(rels) != 1 || node["relationshipCount"].(float64) != 1 {
					t.Errorf("change %d holds %d relationships, want its one", rev, len(rels))
					continue
				}
				quotes[rev] = fmt.Sprint(rels[0])
			}
		}
		info := changes["pageInfo"].(map[string]any)
		if !info["hasNextPage"].(bool) {
			break
		}
		after = info["endCursor"].(string)
	}
	for i, rev := range feed {
		if rev != i+1 {
			t.Fatalf("the feed after the kill has a gap or a repeat at position %d: %v", i, feed)
		}
	}
	for _, rev := range answered {
		if rev > len(feed) {
			t.Errorf("answered write at revision %d is missing after the restart (the feed ends at %d)", rev, len(feed))
		}
	}
	_, resp := gql(t, p.addr, "", `{ entity(id: "mali") { relationships(types: [COOPERATES_WITH], first: 0) { totalCount } } }`, nil)
	total := int(resp["data"].(map[string]any)["entity"].(map[string]any)["relationships"].(map[string]any)["totalCount"].(float64))
	var before int
	for _, q := range quotes {
		if strings.Contains(q, "Write ") {
			before++
		}
	}
	if total-seedCooperation(t) != len(feed)-1 || before != len(feed)-1 {
		t.Errorf("the graph holds %d new links and the feed %d written ones; %d changes after the seed", total-seedCooperation(t), before, len(feed)-1)
	}
	t.Logf("%d writes answered before the kill, %d recorded in all", len(answered), len(feed)-1)
}

// seedCooperation is how many COOPERATES_WITH links Mali has in the seed.
func seedCooperation(t *testing.T) int {
	t.Helper()
	addr, _, stop := startServe(t, nil, nil)
	defer stop()
	_, resp := gql(t, addr, "", `{ entity(id: "mali") { relationships(types: [COOPERATES_WITH], first: 0) { totalCount } } }`, nil)
	return int(resp["data"].(map[string]any)["entity"].(map[string]any)["relationships"].(map[string]any)["totalCount"].(float64))
}
