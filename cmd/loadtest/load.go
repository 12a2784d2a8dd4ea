package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
)

// An operation is one kind of request in the mix, as the API's users send
// it: researchers search and read an entity's cited links, frontends page
// through entities and export neighbourhoods for Cytoscape.js.
type operation struct {
	name   string
	weight int // share of the mix, in percent
	send   func(ctx context.Context, c *client) error
}

// workload is the mix of operations; the weights add up to 100.
func workload() []operation {
	return []operation{
		{"search", 26, func(ctx context.Context, c *client) error {
			return c.graphQL(ctx, `query Search($t: String!) { search(text: $t, first: 10) { id kind name aliases } }`,
				map[string]any{"t": c.pick(c.data.terms)}, nil)
		}},
		{"entity", 26, func(ctx context.Context, c *client) error {
			return c.graphQL(ctx, `query Entity($id: ID!) { entity(id: $id) { id name kind aliases summary
			... on ArmedGroup { category started ended } ... on Country { iso3 }
			citations { quote source { title } }
			relationships(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { node {
				id type certainty validFrom validTo amount { value currency qualifier fiscalYear }
				from { id name } to { id name } citations { quote source { title publisher published } } } } } } }`,
				map[string]any{"id": c.pick(c.data.ids)}, nil)
		}},
		{"page", 14, func(ctx context.Context, c *client) error {
			var page struct {
				Entities struct {
					PageInfo struct {
						HasNextPage bool
						EndCursor   *string
					}
				}
			}
			err := c.graphQL(ctx, `query Page($after: String) { entities(first: 25, after: $after) { totalCount
			pageInfo { hasNextPage endCursor } edges { cursor node { id kind name } } } }`,
				map[string]any{"after": c.cursor}, &page)
			if err == nil {
				c.cursor = nil
				if page.Entities.PageInfo.HasNextPage {
					c.cursor = page.Entities.PageInfo.EndCursor
				}
			}
			return err
		}},
		{"neighborhood", 8, func(ctx context.Context, c *client) error {
			return c.graphQL(ctx, `query Hood($id: ID!) { neighborhood(id: $id, depth: 1, limit: 100) { truncated
			nodes { id name kind } relationships { id type from { id } to { id } } } }`,
				map[string]any{"id": c.pick(c.data.ids)}, nil)
		}},
		{"paths", 5, func(ctx context.Context, c *client) error {
			return c.graphQL(ctx, `query Paths($from: ID!, $to: ID!) { paths(from: $from, to: $to, maxLength: 3, first: 3) {
			length nodes { id name } relationships { type certainty } } }`,
				map[string]any{"from": c.pick(c.data.ids), "to": c.pick(c.data.ids)}, nil)
		}},
		{"timeline", 5, func(ctx context.Context, c *client) error {
			return c.graphQL(ctx, `query Timeline($id: ID!) { timeline(entity: $id) { date summary citations { source { id } } } }`,
				map[string]any{"id": c.pick(c.data.ids)}, nil)
		}},
		{"export-neighborhood", 14, func(ctx context.Context, c *client) error {
			return c.export(ctx, "/export?format=cytoscape&depth=1&id="+url.QueryEscape(c.pick(c.data.ids)))
		}},
		{"export-all", 2, func(ctx context.Context, c *client) error {
			return c.export(ctx, "/export?format=cytoscape")
		}},
	}
}

// graphData is what the clients ask about: the graph's entity ids, search
// terms drawn from its names, and its busiest entity (the most
// relationships).
type graphData struct {
	ids, terms []string
	hub        string
}

// client is one simulated user, with its own connection and random source.
type client struct {
	http   *http.Client
	base   string
	data   graphData
	rng    *rand.Rand
	cursor *string // where its paging through entities has got to
}

func (c *client) pick(list []string) string { return list[c.rng.IntN(len(list))] }

// graphQL posts a query; an HTTP status other than 200, an error in the
// answer or no data is a failure. The data is decoded into out when given.
func (c *client) graphQL(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("read the answer: %w", err)
	}
	var answer struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return fmt.Errorf("status %d, not JSON: %.200s", resp.StatusCode, raw)
	}
	switch {
	case len(answer.Errors) > 0:
		return fmt.Errorf("status %d, %s: %s", resp.StatusCode, answer.Errors[0].Extensions.Code, answer.Errors[0].Message)
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("status %d: %.200s", resp.StatusCode, raw)
	case len(answer.Data) == 0 || string(answer.Data) == "null":
		return fmt.Errorf("no data: %.200s", raw)
	case out != nil:
		return json.Unmarshal(answer.Data, out)
	}
	return nil
}

// export fetches a Cytoscape.js document and checks that it is one.
func (c *client) export(ctx context.Context, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var doc struct {
		Elements *struct {
			Nodes []json.RawMessage
		}
	}
	err = json.NewDecoder(resp.Body).Decode(&doc)
	switch {
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("status %d", resp.StatusCode)
	case err != nil:
		return fmt.Errorf("not JSON: %w", err)
	case doc.Elements == nil || len(doc.Elements.Nodes) == 0:
		return fmt.Errorf("no elements")
	}
	return nil
}

// discover reads the graph's entity ids and names by paging through them.
func discover(ctx context.Context, c *client) (graphData, error) {
	var data graphData
	most := -1
	terms := map[string]bool{}
	for pages := 0; pages < 100; pages++ {
		var page struct {
			Entities struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				}
				Edges []struct {
					Node struct {
						ID, Name      string
						Relationships struct{ TotalCount int }
					}
				}
			}
		}
		if err := c.graphQL(ctx, `query($after: String) { entities(first: 500, after: $after) {
			pageInfo { hasNextPage endCursor } edges { node { id name relationships(first: 0) { totalCount } } } } }`, map[string]any{"after": c.cursor}, &page); err != nil {
			return data, fmt.Errorf("list the entities: %w", err)
		}
		for _, e := range page.Entities.Edges {
			data.ids = append(data.ids, e.Node.ID)
			if e.Node.Relationships.TotalCount > most {
				data.hub, most = e.Node.ID, e.Node.Relationships.TotalCount
			}
			for _, w := range strings.FieldsFunc(e.Node.Name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
				if len([]rune(w)) >= 4 {
					terms[strings.ToLower(w)] = true
				}
			}
			terms[strings.ToLower(e.Node.Name)] = true
		}
		if !page.Entities.PageInfo.HasNextPage {
			break
		}
		c.cursor = page.Entities.PageInfo.EndCursor
	}
	c.cursor = nil
	for t := range terms {
		data.terms = append(data.terms, t)
	}
	if len(data.ids) == 0 {
		return data, fmt.Errorf("the graph has no entities")
	}
	return data, nil
}

// opStats are one operation's latencies and failures, from every client.
type opStats struct {
	latencies []time.Duration
	errors    int
	examples  []string // the first few failures
}

// memSample is the server's memory at one moment of the run.
type memSample struct {
	at         time.Duration // since the load started; negative before it
	rss, heap  float64       // process_resident_memory_bytes, go_memstats_heap_inuse_bytes
	goroutines float64
}

// result is what a run measured.
type result struct {
	clients         int
	elapsed         time.Duration
	ops             map[string]*opStats
	samples         []memSample
	failures        []string
	serverErrorLogs []string
}

// loadTest runs the clients against base until the duration or the request
// budget is spent, sampling the server's memory meanwhile.
func loadTest(ctx context.Context, cfg config, base string, stderr io.Writer) (*result, error) {
	transport := &http.Transport{MaxIdleConns: cfg.clients, MaxIdleConnsPerHost: cfg.clients, IdleConnTimeout: time.Minute}
	defer transport.CloseIdleConnections()
	httpClient := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	setup := &client{http: httpClient, base: base, rng: rand.New(rand.NewPCG(1, 1))}
	data, err := discover(ctx, setup)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "loadtest: %d entities, %d search terms; %d clients for %s\n", len(data.ids), len(data.terms), cfg.clients, cfg.duration)

	res := &result{clients: cfg.clients, ops: map[string]*opStats{}}
	before, err := sampleMemory(ctx, httpClient, base)
	if err != nil {
		return nil, err
	}
	before.at = -1
	res.samples = append(res.samples, before)

	start := time.Now()
	deadline := start.Add(cfg.duration)
	var sent atomic.Int64
	perClient := make([]map[string]*opStats, cfg.clients)
	mix := workload()
	var wg sync.WaitGroup
	for i := range cfg.clients {
		wg.Go(func() {
			c := &client{http: httpClient, base: base, data: data, rng: rand.New(rand.NewPCG(uint64(i)+2, 7))}
			stats := map[string]*opStats{}
			perClient[i] = stats
			for ctx.Err() == nil && time.Now().Before(deadline) && sent.Add(1) <= int64(cfg.maxRequests) {
				op := choose(mix, c.rng)
				s := stats[op.name]
				if s == nil {
					s = &opStats{}
					stats[op.name] = s
				}
				t0 := time.Now()
				err := op.send(ctx, c)
				if ctx.Err() != nil {
					return // interrupted: not the server's failure
				}
				s.latencies = append(s.latencies, time.Since(t0))
				if err != nil {
					s.errors++
					if len(s.examples) < 3 {
						s.examples = append(s.examples, err.Error())
					}
				}
			}
		})
	}

	stopSampling := make(chan struct{})
	sampled := make(chan []memSample, 1)
	go func() {
		var out []memSample
		tick := time.NewTicker(cfg.sample)
		defer tick.Stop()
		for {
			select {
			case <-stopSampling:
				sampled <- out
				return
			case <-tick.C:
				if m, err := sampleMemory(ctx, httpClient, base); err == nil {
					m.at = time.Since(start)
					out = append(out, m)
				}
			}
		}
	}()
	wg.Wait()
	res.elapsed = time.Since(start)
	close(stopSampling)
	res.samples = append(res.samples, <-sampled...)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("interrupted: %w", ctx.Err())
	}
	after, err := sampleMemory(ctx, httpClient, base)
	if err != nil {
		return nil, err
	}
	after.at = res.elapsed
	res.samples = append(res.samples, after)

	for _, stats := range perClient {
		for name, s := range stats {
			all := res.ops[name]
			if all == nil {
				all = &opStats{}
				res.ops[name] = all
			}
			all.latencies = append(all.latencies, s.latencies...)
			all.errors += s.errors
			for _, e := range s.examples {
				if len(all.examples) < 3 {
					all.examples = append(all.examples, e)
				}
			}
		}
	}
	return res, nil
}

// choose picks an operation by weight.
func choose(mix []operation, rng *rand.Rand) operation {
	n := rng.IntN(100)
	for _, op := range mix {
		if n < op.weight {
			return op
		}
		n -= op.weight
	}
	return mix[len(mix)-1]
}

// sampleMemory reads the server's resident memory, heap in use and
// goroutines from its /metrics.
func sampleMemory(ctx context.Context, hc *http.Client, base string) (memSample, error) {
	var m memSample
	values, err := readMetrics(ctx, hc, base, "")
	if err != nil {
		return m, err
	}
	for name, dst := range map[string]*float64{"process_resident_memory_bytes": &m.rss, "go_memstats_heap_inuse_bytes": &m.heap, "go_goroutines": &m.goroutines} {
		v, ok := values[name]
		if !ok {
			return m, fmt.Errorf("read /metrics: %s missing", name)
		}
		*dst = v
	}
	return m, nil
}

// readMetrics reads the /metrics series whose names start with prefix,
// by the name and labels each is written with.
func readMetrics(ctx context.Context, hc *http.Client, base, prefix string) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read /metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("read /metrics: status %d", resp.StatusCode)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || !strings.HasPrefix(line, prefix) {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(line[i+1:]), 64)
		if err != nil {
			return nil, fmt.Errorf("read /metrics: %q: %w", line, err)
		}
		out[line[:i]] = v
	}
	return out, sc.Err()
}
