package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/seed"
	"github.com/conflictgraph/conflictgraph/server"
	"github.com/conflictgraph/conflictgraph/storetest"
)

func TestTrend(t *testing.T) {
	sawtooth := []float64{10, 20, 12, 22, 11, 21, 13, 20, 12, 22, 10, 21, 12, 20, 11}
	var leak, slow []float64
	for i := range 20 {
		leak = append(leak, 10+float64(i)*2+float64(i%2)*3)
		slow = append(slow, 100+float64(i))
	}
	tests := []struct {
		name   string
		series []float64
		want   bool
	}{
		{"garbage collection's sawtooth", sawtooth, false},
		{"a leak", leak, true},
		{"growth under the tolerance", slow, false},
		{"too few samples", []float64{1, 2, 3, 4, 5, 6}, false},
		{"falling", []float64{50, 40, 30, 20, 10, 9, 8, 7, 6, 5}, false},
	}
	for _, tt := range tests {
		if got, first, last := trend(tt.series, 0.25); got != tt.want {
			t.Errorf("%s: grows = %v (%.1f to %.1f), want %v", tt.name, got, first, last, tt.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]time.Duration{.5: 50 * time.Millisecond, .95: 95 * time.Millisecond, .99: 99 * time.Millisecond, 1: 100 * time.Millisecond} {
		if got := percentile(lat, q); got != want {
			t.Errorf("p%v = %v, want %v", q*100, got, want)
		}
	}
	if percentile(nil, .5) != 0 {
		t.Error("no latencies")
	}
}

func TestWorkloadWeightsAddUpTo100(t *testing.T) {
	sum := 0
	for _, op := range workload() {
		sum += op.weight
	}
	if sum != 100 {
		t.Errorf("weights add up to %d", sum)
	}
}

func TestTrafficGoesToLoopbackOnly(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:80", "http://127.3.2.1"} {
		if err := checkLoopback(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1:8080", "http://192.168.1.2", "http://example.com", "ftp://127.0.0.1", "127.0.0.1:8080"} {
		if err := checkLoopback(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	for _, args := range [][]string{{"-url", "http://127.0.0.1:1", "-clients", "1000"}, {"-url", "http://127.0.0.1:1", "-duration", "1h"}, {}, {"-url", "http://10.1.1.1"},
		{"-server", "bin", "-backend", "mysql"}, {"-url", "http://127.0.0.1:1", "-backend", "neo4j"}, {"-url", "http://127.0.0.1:1", "-mode", "stampede"}} {
		if _, err := parseConfig(args, io.Discard); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

// seedServer serves the API over the seed graph on loopback until the test
// ends.
func seedServer(t *testing.T) *httptest.Server {
	t.Helper()
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	st := embedded.New()
	storetest.MustLoad(t, st, s.Graph)
	h, err := server.New(server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// TestTheWorkloadRunsCleanlyOnTheSeedGraph runs every operation of the mix
// against the API over the seed graph, briefly, on loopback.
func TestTheWorkloadRunsCleanlyOnTheSeedGraph(t *testing.T) {
	srv := seedServer(t)

	c := &client{http: srv.Client(), base: srv.URL, rng: rand.New(rand.NewPCG(1, 2))}
	data, err := discover(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	c.data = data
	for _, op := range workload() {
		for range 5 {
			if err := op.send(context.Background(), c); err != nil {
				t.Errorf("%s: %v", op.name, err)
			}
		}
	}

	var out bytes.Buffer
	err = run(context.Background(), []string{"-url", srv.URL, "-clients", "4", "-duration", "1s", "-sample", "250ms"}, &out, io.Discard)
	if err != nil || !strings.Contains(out.String(), "PASSED") {
		t.Fatalf("%v\n%s", err, out.String())
	}
}

// TestTheAttackModesRunOnTheSeedGraph runs the overload and cache-attack
// modes briefly against the API over the seed graph.
func TestTheAttackModesRunOnTheSeedGraph(t *testing.T) {
	srv := seedServer(t)
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"-mode", "overload", "-clients", "4", "-duration", "300ms", "-sample", "100ms"},
			[]string{"| idle |", "| 4 clients sending the heaviest queries |", "loaded / idle: p50", "the heavy clients:", "high-water mark"}},
		{[]string{"-mode", "cache-attack", "-clients", "2", "-max-requests", "6", "-sample", "100ms"},
			[]string{"6 of 6 requests answered", "| RSS |", `conflictgraph_cache_max_bytes{cache="documents"} 33554432`}},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"-url", srv.URL}, tt.args...), &out, io.Discard); err != nil {
			t.Fatalf("%q: %v\n%s", tt.args, err, out.String())
		}
		for _, w := range append(tt.want, "PASSED") {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%q: the report lacks %q:\n%s", tt.args, w, out.String())
			}
		}
	}
}
