package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// attackResult is what an overload or cache-attack run measured: its
// report, in Markdown, and what failed.
type attackResult struct {
	report   string
	failures []string
}

// finish stops the server the run started, then writes the report and
// returns an error when anything failed.
func finish(w io.Writer, srv *child, cfg config, res *attackResult) error {
	if srv != nil {
		if err := srv.stop(); err != nil {
			res.failures = append(res.failures, "the server did not stop cleanly: "+err.Error())
		}
		for _, line := range srv.errorLogs() {
			res.failures = append(res.failures, "server error log: "+line)
		}
	}
	fmt.Fprintf(w, "command: loadtest %s\n", strings.Join(cfg.args, " "))
	fmt.Fprintf(w, "machine: %s\n\n", machine())
	fmt.Fprint(w, res.report)
	if len(res.failures) > 0 {
		fmt.Fprintln(w, "\nFAILED:")
		for _, f := range res.failures {
			fmt.Fprintln(w, "- "+f)
		}
		return fmt.Errorf("the load test failed: %s", res.failures[len(res.failures)-1])
	}
	fmt.Fprintln(w, "\nPASSED")
	return nil
}

// heavyQueries are the heaviest queries the default limits allow, each
// just under the complexity limit: the deepest, largest neighbourhood of
// the graph's busiest entity, the longest and most paths between two
// entities, and the whole graph as an export.
func heavyQueries(data graphData, rng *rand.Rand) (query string, vars map[string]any, export bool) {
	pick := func() string { return data.ids[rng.IntN(len(data.ids))] }
	switch n := rng.IntN(10); {
	case n < 5:
		return `query Heavy($id: ID!) { neighborhood(id: $id, depth: 3, limit: 5000) { truncated
			nodes { id name kind aliases } relationships { id type } } }`, map[string]any{"id": data.hub}, false
	case n < 9:
		return `query HeavyPaths($from: ID!, $to: ID!) { paths(from: $from, to: $to, maxLength: 6, first: 50) { length
			nodes { id name kind aliases summary } relationships { id type certainty validFrom validTo description
			from { id name } to { id name } citations { quote source { id title } } } } }`,
			map[string]any{"from": pick(), "to": pick()}, false
	}
	return "", nil, true
}

// phase is the cheap query's latencies in one phase of an overload run.
type phase struct {
	name      string
	latencies []time.Duration
	errors    []string
}

// probe sends the cheap query back to back until the deadline: an entity
// looked up by id, as a researcher's browser does.
func probe(ctx context.Context, c *client, until time.Time) phase {
	var p phase
	for ctx.Err() == nil && time.Now().Before(until) {
		t0 := time.Now()
		err := c.graphQL(ctx, `query Cheap($id: ID!) { entity(id: $id) { id name kind } }`, map[string]any{"id": c.pick(c.data.ids)}, nil)
		if ctx.Err() != nil {
			break
		}
		p.latencies = append(p.latencies, time.Since(t0))
		if err != nil && len(p.errors) < 5 {
			p.errors = append(p.errors, err.Error())
		}
	}
	slices.Sort(p.latencies)
	return p
}

// overload measures a cheap query's latency on the idle server for the
// run's duration, then for as long again while cfg.clients clients send the
// heaviest queries the limits allow, back to back and ignoring Retry-After
// (the worst a client can do), and reports both, with what the heavy
// clients got and the server's memory high-water mark.
func overload(ctx context.Context, cfg config, base string, stderr io.Writer) (*attackResult, error) {
	transport := &http.Transport{MaxIdleConns: cfg.clients + 2, MaxIdleConnsPerHost: cfg.clients + 2, IdleConnTimeout: time.Minute}
	defer transport.CloseIdleConnections()
	hc := &http.Client{Transport: transport, Timeout: 60 * time.Second}
	setup := &client{http: hc, base: base, rng: rand.New(rand.NewPCG(1, 1))}
	data, err := discover(ctx, setup)
	if err != nil {
		return nil, err
	}
	prober := &client{http: hc, base: base, data: data, rng: rand.New(rand.NewPCG(2, 2))}
	watch := watchMemory(ctx, hc, base, cfg.sample)

	fmt.Fprintf(stderr, "loadtest: the cheap query alone for %s\n", cfg.duration)
	idle := probe(ctx, prober, time.Now().Add(cfg.duration))
	idle.name = "idle"

	fmt.Fprintf(stderr, "loadtest: the cheap query while %d clients send the heaviest queries, for %s\n", cfg.clients, cfg.duration)
	stop := make(chan struct{})
	var ok, refused, failed atomic.Int64
	var mu sync.Mutex
	var examples []string
	var wg sync.WaitGroup
	for i := range cfg.clients {
		wg.Go(func() {
			c := &client{http: hc, base: base, data: data, rng: rand.New(rand.NewPCG(uint64(i)+3, 9))}
			for {
				select {
				case <-stop:
					return
				default:
				}
				if ctx.Err() != nil {
					return
				}
				query, vars, export := heavyQueries(data, c.rng)
				var status int
				var err error
				if export {
					status, err = c.send(ctx, http.MethodGet, "/export?format=cytoscape", nil)
				} else {
					body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
					status, err = c.send(ctx, http.MethodPost, "/graphql", body)
				}
				switch {
				case ctx.Err() != nil:
					return
				case err == nil:
					ok.Add(1)
				case status == http.StatusServiceUnavailable && strings.Contains(err.Error(), "OVERLOADED"):
					refused.Add(1)
				default:
					failed.Add(1)
					mu.Lock()
					if len(examples) < 5 {
						examples = append(examples, err.Error())
					}
					mu.Unlock()
				}
			}
		})
	}
	warm := time.Now().Add(time.Second)
	for time.Now().Before(warm) && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	loaded := probe(ctx, prober, start.Add(cfg.duration))
	elapsed := time.Since(start)
	loaded.name = fmt.Sprintf("%d clients sending the heaviest queries", cfg.clients)
	close(stop)
	wg.Wait()
	mem := watch()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("interrupted: %w", ctx.Err())
	}

	var b strings.Builder
	fmt.Fprintf(&b, "the cheap query (`entity(id:) { id name kind }`, one client, back to back):\n\n")
	fmt.Fprintln(&b, "| phase | requests | errors | p50 | p95 | p99 | max |")
	fmt.Fprintln(&b, "|---|---:|---:|---:|---:|---:|---:|")
	res := &attackResult{}
	for _, p := range []phase{idle, loaded} {
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s | %s |\n", p.name, len(p.latencies), len(p.errors),
			ms(percentile(p.latencies, .5)), ms(percentile(p.latencies, .95)), ms(percentile(p.latencies, .99)), ms(percentile(p.latencies, 1)))
		for _, e := range p.errors {
			res.failures = append(res.failures, "the cheap query, "+p.name+": "+e)
		}
	}
	ratio := func(q float64) float64 {
		return float64(percentile(loaded.latencies, q)) / float64(max(percentile(idle.latencies, q), 1))
	}
	fmt.Fprintf(&b, "\nloaded / idle: p50 %.1f×, p99 %.1f×\n", ratio(.5), ratio(.99))
	secs := elapsed.Seconds()
	fmt.Fprintf(&b, "\nthe heavy clients: %d answered (%.0f/s), %d refused with 503 OVERLOADED (%.0f/s), %d other failures\n",
		ok.Load(), float64(ok.Load())/secs, refused.Load(), float64(refused.Load())/secs, failed.Load())
	fmt.Fprintf(&b, "server memory high-water mark: RSS %.1f MiB, heap in use %.1f MiB (before: %.1f, %.1f)\n",
		mem.maxRSS/mib, mem.maxHeap/mib, mem.first.rss/mib, mem.first.heap/mib)
	for _, e := range examples {
		res.failures = append(res.failures, "a heavy query: "+e)
	}
	res.report = b.String()
	return res, nil
}

// send makes one request with body (nil for none) and returns its status,
// and an error unless it was answered 200 without GraphQL errors.
func (c *client) send(ctx context.Context, method, path string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	var answer struct {
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		} `json:"errors"`
		Error *struct{ Code, Message string } `json:"error"`
	}
	_ = json.Unmarshal(raw, &answer)
	switch {
	case len(answer.Errors) > 0:
		return resp.StatusCode, fmt.Errorf("status %d, %s: %.200s", resp.StatusCode, answer.Errors[0].Extensions.Code, answer.Errors[0].Message)
	case answer.Error != nil:
		return resp.StatusCode, fmt.Errorf("status %d, %s: %.200s", resp.StatusCode, answer.Error.Code, answer.Error.Message)
	case resp.StatusCode != http.StatusOK:
		return resp.StatusCode, fmt.Errorf("status %d: %.200s", resp.StatusCode, raw)
	}
	return resp.StatusCode, nil
}

// cacheAttack sends cfg.maxRequests distinct documents, each carrying a
// 1 MB id, from cfg.clients clients (what made the parsed-query cache hold
// 1.2 GB), and reports the server's memory high-water mark, what it held
// after, and what its caches count.
func cacheAttack(ctx context.Context, cfg config, base string, stderr io.Writer) (*attackResult, error) {
	transport := &http.Transport{MaxIdleConns: cfg.clients + 2, MaxIdleConnsPerHost: cfg.clients + 2, IdleConnTimeout: time.Minute}
	defer transport.CloseIdleConnections()
	hc := &http.Client{Transport: transport, Timeout: 60 * time.Second}
	watch := watchMemory(ctx, hc, base, cfg.sample)
	fmt.Fprintf(stderr, "loadtest: %d distinct documents with 1 MB ids from %d clients\n", cfg.maxRequests, cfg.clients)
	id := strings.Repeat("x", 1_000_000)
	var next, ok atomic.Int64
	var mu sync.Mutex
	var failures []string
	start := time.Now()
	var wg sync.WaitGroup
	for range cfg.clients {
		wg.Go(func() {
			c := &client{http: hc, base: base}
			for ctx.Err() == nil {
				i := next.Add(1)
				if i > int64(cfg.maxRequests) {
					return
				}
				body, _ := json.Marshal(map[string]any{"query": fmt.Sprintf(`{ entity(id: "%d%s") { id } }`, i, id)})
				if _, err := c.send(ctx, http.MethodPost, "/graphql", body); err != nil {
					mu.Lock()
					if len(failures) < 5 {
						failures = append(failures, err.Error())
					}
					mu.Unlock()
					continue
				}
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	mem := watch()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("interrupted: %w", ctx.Err())
	}
	caches, err := readMetrics(ctx, hc, base, "conflictgraph_cache_")
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d requests answered in %s (%.0f/s), each a distinct document of 1 MB\n\n", ok.Load(), cfg.maxRequests,
		elapsed.Round(10*time.Millisecond), float64(ok.Load())/elapsed.Seconds())
	fmt.Fprintln(&b, "| server memory | before | high-water mark | after |")
	fmt.Fprintln(&b, "|---|---:|---:|---:|")
	fmt.Fprintf(&b, "| RSS | %.1f MiB | %.1f MiB | %.1f MiB |\n", mem.first.rss/mib, mem.maxRSS/mib, mem.last.rss/mib)
	fmt.Fprintf(&b, "| heap in use | %.1f MiB | %.1f MiB | %.1f MiB |\n", mem.first.heap/mib, mem.maxHeap/mib, mem.last.heap/mib)
	fmt.Fprintln(&b, "\nthe caches at the end (from /metrics):")
	fmt.Fprintln(&b)
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range caches {
			if !yield(k) {
				return
			}
		}
	}) {
		fmt.Fprintf(&b, "    %s %.0f\n", name, caches[name])
	}
	res := &attackResult{report: b.String()}
	for _, f := range failures {
		res.failures = append(res.failures, "a request: "+f)
	}
	return res, nil
}

// memoryWatch is the server's memory over a run: the first and last
// samples and the highest.
type memoryWatch struct {
	first, last     memSample
	maxRSS, maxHeap float64
}

// watchMemory samples the server's memory every interval until the
// function it returns is called, which returns what it saw.
func watchMemory(ctx context.Context, hc *http.Client, base string, every time.Duration) func() memoryWatch {
	var w memoryWatch
	var mu sync.Mutex
	add := func(m memSample) {
		mu.Lock()
		defer mu.Unlock()
		if w.first.rss == 0 {
			w.first = m
		}
		w.last = m
		w.maxRSS, w.maxHeap = max(w.maxRSS, m.rss), max(w.maxHeap, m.heap)
	}
	if m, err := sampleMemory(ctx, hc, base); err == nil {
		add(m)
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if m, err := sampleMemory(ctx, hc, base); err == nil {
					add(m)
				}
			}
		}
	}()
	return func() memoryWatch {
		close(done)
		<-stopped
		if m, err := sampleMemory(ctx, hc, base); err == nil {
			add(m)
		}
		mu.Lock()
		defer mu.Unlock()
		return w
	}
}
