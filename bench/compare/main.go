// Command compare runs the side-by-side benchmark of `make bench-compare`:
// the queries of package bench against this server on the embedded store,
// the same server on Neo4j, @neo4j/graphql (bench/peer) on the same Neo4j,
// and the floor (bench/floor: the driver alone, one statement per answer).
// HTTP load comes from wrk, with -clients keep-alive connections. Rounds
// are interleaved (every query on every target, then again) so that the
// machine's load, shared with other work, falls on all alike; the table
// gives each cell's median.
//
//	compare -neo4j bolt://127.0.0.1:7687 -server ./conflictgraph -floor ./floor -peer bench/peer
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/conflictgraph/conflictgraph/bench"
)

type config struct {
	neo4jURI, server, floor, peer, wrk string
	baseline                           string
	rounds, clients, threads           int
	duration, warmup                   time.Duration
	warming                            bool // a warm-up run: its errors are the cold database's, not measured
	serverFlags                        []string
	only                               string
	queries                            string
	pin                                string
}

// wantQuery reports whether the -queries flag keeps q: it names queries by
// the letter before the colon of their names, so "A" keeps both of A's.
func (c config) wantQuery(q bench.Query) bool {
	letter, _, _ := strings.Cut(q.Name, ":")
	return c.queries == "" || slices.Contains(strings.Split(c.queries, ","), letter)
}

func main() {
	var c config
	flag.StringVar(&c.neo4jURI, "neo4j", os.Getenv("NEO4J_URI"), "the Neo4j to seed and query (it is reset: never your own database)")
	flag.StringVar(&c.server, "server", "", "the conflictgraph binary")
	flag.StringVar(&c.baseline, "baseline", "", "another conflictgraph binary (an older build) measured in the same rounds, for a before/after table")
	flag.StringVar(&c.floor, "floor", "", "the floor binary (bench/floor)")
	flag.StringVar(&c.peer, "peer", "bench/peer", "the @neo4j/graphql server's folder (npm ci done)")
	flag.StringVar(&c.wrk, "wrk", "wrk", "the wrk binary")
	flag.IntVar(&c.rounds, "rounds", 3, "interleaved rounds; each cell is their median")
	flag.IntVar(&c.clients, "clients", 32, "concurrent keep-alive connections (floor: goroutines)")
	flag.IntVar(&c.threads, "threads", 2, "wrk threads")
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "length of one measurement")
	flag.DurationVar(&c.warmup, "warmup", 5*time.Second, "how long each target that asks Neo4j runs each query before the rounds, unmeasured")
	// Admission control's heavy lane runs one request per core at a time
	// and refuses what waits too long: measured at 32 clients, it would
	// measure the lane, not the server, so every query goes to the other.
	extra := flag.String("server-flags", "--log-level=warn --heavy-complexity=1000000", "flags for both conflictgraph servers, space-separated")
	flag.StringVar(&c.only, "only", "", "measure only these targets, comma-separated (embedded,neo4j,peer,floor)")
	flag.StringVar(&c.queries, "queries", "", "measure only these queries, by their letters, comma-separated (C,D)")
	flag.StringVar(&c.pin, "pin", "", "give Neo4j (the process NEO4J_PID names) these CPUs, a taskset list (\"0\"), and every other process the rest")
	flag.Parse()
	c.serverFlags = strings.Fields(*extra)
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

// target is one column of the table.
type target struct {
	name    string
	url     string // "" for the floor
	peer    bool
	neo4j   bool // asks Neo4j, so warms up first
	measure func(ctx context.Context, c config, qi int) (float64, error)
}

func run(ctx context.Context, c config) error {
	if c.neo4jURI == "" || c.server == "" || c.floor == "" {
		return errors.New("-neo4j, -server and -floor are required")
	}
	if c.pin != "" {
		if err := pin(ctx, c.pin); err != nil {
			return err
		}
	}
	tmp, err := os.MkdirTemp("", "bench-compare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	env := append(os.Environ(), "NEO4J_URI="+c.neo4jURI)
	seed := exec.CommandContext(ctx, c.server, "seed", "--reset")
	seed.Env, seed.Stdout, seed.Stderr = env, io.Discard, os.Stderr
	if err := seed.Run(); err != nil {
		return fmt.Errorf("seed %s: %w", c.neo4jURI, err)
	}
	var procs []*exec.Cmd
	defer func() {
		for _, p := range procs {
			_ = p.Process.Signal(os.Interrupt)
			_ = p.Wait()
		}
	}()
	start := func(name string, cmd *exec.Cmd) error {
		log, err := os.Create(filepath.Join(tmp, name+".log"))
		if err != nil {
			return err
		}
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("start %s: %w", name, err)
		}
		procs = append(procs, cmd)
		return nil
	}
	want := func(name string) bool { return c.only == "" || slices.Contains(strings.Split(c.only, ","), name) }
	var targets []*target
	builds := []struct{ prefix, binary string }{{"", c.server}}
	if c.baseline != "" {
		builds = append(builds, struct{ prefix, binary string }{"baseline ", c.baseline})
	}
	for _, b := range builds {
		for _, backend := range []string{"embedded", "neo4j"} {
			if !want(backend) {
				continue
			}
			addr, err := freeAddr()
			if err != nil {
				return err
			}
			args := append([]string{"serve", "--backend", backend, "--addr", addr}, c.serverFlags...)
			cmd := exec.CommandContext(ctx, b.binary, args...)
			cmd.Env = env
			name := b.prefix + backend
			if err := start(strings.ReplaceAll(name, " ", "-"), cmd); err != nil {
				return err
			}
			targets = append(targets, &target{name: name, url: "http://" + addr + "/graphql", neo4j: backend == "neo4j"})
		}
	}
	if want("peer") {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		_, port, _ := net.SplitHostPort(addr)
		cmd := exec.CommandContext(ctx, "node", "server.mjs")
		cmd.Dir, cmd.Env = c.peer, append(env, "PORT="+port)
		if err := start("peer", cmd); err != nil {
			return err
		}
		targets = append(targets, &target{name: "peer", url: "http://" + addr + "/", peer: true, neo4j: true})
	}
	for _, t := range targets {
		if err := waitAnswers(ctx, t); err != nil {
			return fmt.Errorf("%s: %w (log in %s)", t.name, err, tmp)
		}
		t.measure = func(ctx context.Context, c config, qi int) (float64, error) { return wrk(ctx, c, tmp, t, qi) }
	}
	if want("floor") {
		targets = append(targets, &target{name: "floor", neo4j: true, measure: func(ctx context.Context, c config, qi int) (float64, error) {
			out, err := exec.CommandContext(ctx, c.floor, "-uri", c.neo4jURI, "-query", strconv.Itoa(qi),
				"-clients", strconv.Itoa(c.clients), "-duration", c.duration.String()).CombinedOutput()
			if err != nil {
				return 0, fmt.Errorf("floor: %w: %s", err, out)
			}
			return parseRate(`rate ([0-9.]+)`, out)
		}})
	}
	// rates[target][query] over the rounds.
	rates := map[string][][]float64{}
	for _, t := range targets {
		rates[t.name] = make([][]float64, len(bench.Queries))
	}
	// A Neo4j just started compiles its plans and its JIT warms up over
	// the first minutes: measured cold, the first round's floor was a
	// third of the last's. Every target that asks it runs every query
	// for -warmup before the rounds, so that no round meets a cold
	// database. A cold database answers slowly enough for a server to
	// refuse some of those requests (OVERLOADED after the queue's wait):
	// the warm-up measures nothing, so that is no error.
	if c.warmup > 0 {
		warm := c
		warm.duration, warm.warming = c.warmup, true
		for qi, q := range bench.Queries {
			if !c.wantQuery(q) {
				continue
			}
			for _, t := range targets {
				if !t.neo4j {
					continue
				}
				if _, err := t.measure(ctx, warm, qi); err != nil {
					return fmt.Errorf("warming up %s, %s: %w", t.name, q.Name, err)
				}
			}
		}
	}
	fmt.Fprintf(os.Stderr, "load average at the start: %s\n", loadAverage())
	for round := 1; round <= c.rounds; round++ {
		for qi, q := range bench.Queries {
			if !c.wantQuery(q) {
				continue
			}
			for _, t := range targets {
				r, err := t.measure(ctx, c, qi)
				if err != nil {
					return fmt.Errorf("%s, %s: %w", t.name, q.Name, err)
				}
				rates[t.name][qi] = append(rates[t.name][qi], r)
				fmt.Fprintf(os.Stderr, "round %d  %-17s %8.1f /s  %s\n", round, t.name, r, q.Name)
			}
		}
	}
	fmt.Fprintf(os.Stderr, "load average at the end: %s\n", loadAverage())
	printTable(os.Stdout, c, rates)
	return nil
}

// pin gives Neo4j the CPUs the list names and this process, whose
// children inherit it (the servers, the peer, the floor, wrk), the others.
// On two shared cores, what a server and wrk spend is taken from Neo4j,
// which the floor, one Go program, takes much less of: pinned, each target
// meets a database of the same size, and a ratio to the floor says what a
// target makes Neo4j do per answer, not how much CPU it takes from it.
func pin(ctx context.Context, list string) error {
	pid := os.Getenv("NEO4J_PID")
	if pid == "" {
		return errors.New("-pin: no NEO4J_PID (scripts/neo4j run sets it for the Neo4j it starts)")
	}
	cpus, err := cpuList(list)
	if err != nil {
		return fmt.Errorf("-pin %q: %w", list, err)
	}
	var rest []string
	for i := range runtime.NumCPU() {
		if !cpus[i] {
			rest = append(rest, strconv.Itoa(i))
		}
	}
	if len(rest) == 0 {
		return fmt.Errorf("-pin %q leaves no CPU for the servers and wrk", list)
	}
	for _, args := range [][]string{{"-a", "-p", "-c", list, pid}, {"-a", "-p", "-c", strings.Join(rest, ","), strconv.Itoa(os.Getpid())}} {
		if out, err := exec.CommandContext(ctx, "taskset", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("taskset %s: %w: %s", strings.Join(args, " "), err, out)
		}
	}
	fmt.Fprintf(os.Stderr, "Neo4j (pid %s) on CPUs %s, everything else on %s\n", pid, list, strings.Join(rest, ","))
	return nil
}

// cpuList reads a CPU list as taskset writes one: numbers and ranges,
// comma-separated ("0", "0-1,3").
func cpuList(list string) (map[int]bool, error) {
	cpus := map[int]bool{}
	for part := range strings.SplitSeq(list, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			hi = lo
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || a < 0 || b < a || b >= runtime.NumCPU() {
			return nil, fmt.Errorf("%q is not a CPU or a range of CPUs of the %d here", part, runtime.NumCPU())
		}
		for i := a; i <= b; i++ {
			cpus[i] = true
		}
	}
	return cpus, nil
}

// waitAnswers waits until the target answers the first query without
// errors, and checks every query does.
func waitAnswers(ctx context.Context, t *target) error {
	deadline := time.Now().Add(90 * time.Second)
	for {
		err := checkAll(ctx, t)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func checkAll(ctx context.Context, t *target) error {
	for qi := range bench.Queries {
		for _, body := range bodies(t, qi) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(body))
			if err != nil {
				return err
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || bytes.Contains(got, []byte(`"errors"`)) || !bytes.Contains(got, []byte(`"data"`)) {
				return fmt.Errorf("%s: status %d: %.300s", bench.Queries[qi].Name, resp.StatusCode, got)
			}
		}
	}
	return nil
}

// bodies are the request bodies one answer of query qi takes on t.
func bodies(t *target, qi int) [][]byte {
	q := bench.Queries[qi]
	docs, vars := []string{q.GraphQL}, q.Variables
	if t.peer {
		docs, vars = []string{q.Peer}, q.PeerVariables
		if q.Peer2 != "" {
			docs = append(docs, q.Peer2)
		}
	}
	var out [][]byte
	for _, d := range docs {
		b, _ := json.Marshal(map[string]any{"query": d, "variables": vars})
		out = append(out, b)
	}
	return out
}

// wrk measures answers per second of query qi on t: requests per second,
// divided by the requests one answer takes.
func wrk(ctx context.Context, c config, tmp string, t *target, qi int) (float64, error) {
	bs := bodies(t, qi)
	var script strings.Builder
	script.WriteString("wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nlocal bodies = {\n")
	for _, b := range bs {
		fmt.Fprintf(&script, "  %s,\n", luaString(b))
	}
	script.WriteString("}\nlocal i = 0\nrequest = function()\n  i = i % #bodies + 1\n  return wrk.format(nil, nil, nil, bodies[i])\nend\n")
	path := filepath.Join(tmp, fmt.Sprintf("%s-%d.lua", strings.ReplaceAll(t.name, " ", "-"), qi))
	if err := os.WriteFile(path, []byte(script.String()), 0o644); err != nil {
		return 0, err
	}
	out, err := exec.CommandContext(ctx, c.wrk, "-t", strconv.Itoa(c.threads), "-c", strconv.Itoa(c.clients),
		"-d", c.duration.String(), "--latency", "-s", path, t.url).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("wrk: %w: %s", err, out)
	}
	if m := regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`).FindSubmatch(out); m != nil && !c.warming {
		return 0, fmt.Errorf("wrk: %s non-2xx responses:\n%s", m[1], out)
	}
	r, err := parseRate(`Requests/sec:\s+([0-9.]+)`, out)
	return r / float64(len(bs)), err
}

// luaString quotes b as a Lua long string.
func luaString(b []byte) string {
	eq := ""
	for bytes.Contains(b, []byte("]"+eq+"]")) {
		eq += "="
	}
	return "[" + eq + "[" + string(b) + "]" + eq + "]"
}

func parseRate(pattern string, out []byte) (float64, error) {
	m := regexp.MustCompile(pattern).FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no rate in:\n%s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// printTable writes the table: answers per second, medians of the
// rounds, and the ratios the goals are stated in.
func printTable(w io.Writer, c config, rates map[string][][]float64) {
	cell := func(name string, qi int) (float64, bool) {
		r, ok := rates[name]
		if !ok {
			return 0, false
		}
		return median(r[qi]), true
	}
	num := func(v float64, ok bool) string {
		switch {
		case !ok:
			return "–"
		case v >= 100:
			return fmt.Sprintf("%s", commas(int64(v+0.5)))
		default:
			return fmt.Sprintf("%.1f", v)
		}
	}
	ratio := func(a float64, aok bool, b float64, bok bool) string {
		if !aok || !bok || b == 0 {
			return "–"
		}
		return fmt.Sprintf("%.2f", a/b)
	}
	fmt.Fprintf(w, "Answers per second, median of %d interleaved rounds of %s, %d keep-alive clients (wrk -t%d), load average %s at the end.\n",
		c.rounds, c.duration, c.clients, c.threads, loadAverage())
	if c.pin != "" {
		fmt.Fprintf(w, "Neo4j pinned to CPUs %s, the servers, the floor and wrk to the others.\n", c.pin)
	}
	fmt.Fprintln(w)
	prefixes := []string{""}
	if _, ok := rates["baseline embedded"]; ok {
		prefixes = append(prefixes, "baseline ")
	} else if _, ok := rates["baseline neo4j"]; ok {
		prefixes = append(prefixes, "baseline ")
	}
	for _, prefix := range prefixes {
		if prefix != "" {
			fmt.Fprintf(w, "\nThe baseline build (%s), measured in the same rounds:\n\n", c.baseline)
		}
		fmt.Fprintln(w, "| query | embedded | ours on Neo4j | @neo4j/graphql | floor | ours / floor | ours / @neo4j/graphql | embedded / floor |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
		for qi, q := range bench.Queries {
			if !c.wantQuery(q) {
				continue
			}
			e, eok := cell(prefix+"embedded", qi)
			n, nok := cell(prefix+"neo4j", qi)
			p, pok := cell("peer", qi)
			f, fok := cell("floor", qi)
			peer := num(p, pok)
			if q.Peer2 != "" && pok {
				peer += " (two requests)"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", q.Name, num(e, eok), num(n, nok), peer, num(f, fok),
				ratio(n, nok, f, fok), ratio(n, nok, p, pok), ratio(e, eok, f, fok))
		}
	}
}

func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
