package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// config is what the command line asks for.
type config struct {
	server      string        // conflictgraph binary to start; "" to use url
	backend     string        // the started server's store: embedded or neo4j
	url         string        // base URL of a running server, on loopback
	clients     int           // concurrent clients
	duration    time.Duration // how long they send requests
	maxRequests int           // stop earlier once this many were sent
	sample      time.Duration // how often the server's memory is sampled
	growth      float64       // memory may end at most this fraction above where it started
	mode        string        // mix, overload or cache-attack
	args        []string      // the command line, for the report
}

// The load test's modes.
const (
	modeMix         = "mix"          // the realistic mix of operations
	modeOverload    = "overload"     // a cheap query idle, then while clients send the heaviest queries
	modeCacheAttack = "cache-attack" // distinct documents carrying 1 MB ids, for the memory they leave
)

// The bounds of a run: the load test must stop by itself.
const (
	maxClients     = 256
	maxDuration    = 10 * time.Minute
	maxRequestsCap = 20_000_000
)

func parseConfig(args []string, stderr io.Writer) (config, error) {
	c := config{args: args}
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.server, "server", "", "conflictgraph `binary` to start on a free loopback port (and stop at the end)")
	fs.StringVar(&c.backend, "backend", "embedded", "the started server's store: embedded, or neo4j (the Neo4j of NEO4J_URI, seeded beforehand)")
	fs.StringVar(&c.url, "url", "", "base `URL` of a server already running on loopback, e.g. http://127.0.0.1:8080")
	fs.IntVar(&c.clients, "clients", 48, fmt.Sprintf("concurrent clients (1..%d)", maxClients))
	fs.DurationVar(&c.duration, "duration", 45*time.Second, fmt.Sprintf("how long the clients send requests (at most %s)", maxDuration))
	fs.IntVar(&c.maxRequests, "max-requests", 5_000_000, fmt.Sprintf("stop once this many requests were sent (at most %d)", maxRequestsCap))
	fs.DurationVar(&c.sample, "sample", 2*time.Second, "how often to sample the server's memory from /metrics")
	fs.Float64Var(&c.growth, "memory-growth", 0.5, "fail when the server's memory grows steadily and ends more than this fraction above where it started")
	fs.StringVar(&c.mode, "mode", modeMix, "mix (the realistic mix), overload (a cheap query's latency idle, then while -clients send the heaviest queries the limits allow) or cache-attack (-max-requests distinct documents with 1 MB ids, for the server's memory high-water mark)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, usageError{err.Error()}
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if c.mode == modeCacheAttack && !given["max-requests"] {
		c.maxRequests = 1400 // the attack's size in issue 14
	}
	switch {
	case fs.NArg() > 0:
		return c, usageError{fmt.Sprintf("loadtest takes no arguments, got %q", fs.Args())}
	case (c.server == "") == (c.url == ""):
		return c, usageError{"give -server (a conflictgraph binary to start) or -url (a server running on loopback), not both"}
	case c.backend != "embedded" && c.backend != "neo4j":
		return c, usageError{fmt.Sprintf("-backend must be embedded or neo4j, got %q", c.backend)}
	case c.backend != "embedded" && c.server == "":
		return c, usageError{"-backend is for the server -server starts; a server given by -url runs on its own backend"}
	case c.clients < 1 || c.clients > maxClients:
		return c, usageError{fmt.Sprintf("-clients must be between 1 and %d", maxClients)}
	case c.duration <= 0 || c.duration > maxDuration:
		return c, usageError{fmt.Sprintf("-duration must be positive and at most %s", maxDuration)}
	case c.maxRequests < 1 || c.maxRequests > maxRequestsCap:
		return c, usageError{fmt.Sprintf("-max-requests must be between 1 and %d", maxRequestsCap)}
	case c.sample <= 0:
		return c, usageError{"-sample must be positive"}
	case c.mode != modeMix && c.mode != modeOverload && c.mode != modeCacheAttack:
		return c, usageError{fmt.Sprintf("-mode must be mix, overload or cache-attack, got %q", c.mode)}
	}
	if c.url != "" {
		if err := checkLoopback(c.url); err != nil {
			return c, err
		}
	}
	return c, nil
}

// checkLoopback refuses any target but this machine's loopback.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError{fmt.Sprintf("-url %q is not an http URL", raw)}
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); (ip == nil || !ip.IsLoopback()) && host != "localhost" {
		return usageError{fmt.Sprintf("-url %q: the load test sends traffic to loopback only (127.0.0.0/8, ::1, localhost)", raw)}
	}
	return nil
}

// child is a conflictgraph server the load test started.
type child struct {
	url  string
	cmd  *exec.Cmd
	done chan struct{} // closed when its log ends
	mu   sync.Mutex
	errs []string // the server's error log lines

	stopOnce sync.Once
	stopErr  error
}

// startServer runs `bin serve` with the backend on a free loopback port and
// returns once it listens. A neo4j server takes NEO4J_URI and the rest of
// its settings from the environment.
func startServer(ctx context.Context, bin, backend string, stderr io.Writer) (*child, error) {
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--backend", backend, "--log-format", "json")
	logs, err := cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	c := &child{cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	go c.readLog(logs, addr)
	select {
	case a := <-addr:
		c.url = "http://" + a
		fmt.Fprintf(stderr, "loadtest: started %s serve --backend %s on %s (pid %d)\n", bin, backend, a, cmd.Process.Pid)
		return c, nil
	case <-c.done:
		err = errors.New("it stopped before listening")
	case <-time.After(time.Minute):
		err = errors.New("it did not listen within a minute")
	case <-ctx.Done():
		err = ctx.Err()
	}
	_ = c.stop()
	return nil, fmt.Errorf("start %s serve: %w (its errors: %q)", bin, err, c.errorLogs())
}

// readLog hands over the address the server logs it listens on, keeps its
// error lines and drops the rest (one line per request).
func (c *child) readLog(r io.Reader, addr chan<- string) {
	defer close(c.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var entry struct {
			Level, Msg, Addr string
		}
		if json.Unmarshal(line, &entry) != nil {
			continue
		}
		switch {
		case entry.Msg == "listening" && entry.Addr != "":
			addr <- entry.Addr
		case entry.Level == "ERROR":
			c.mu.Lock()
			if len(c.errs) < 20 {
				c.errs = append(c.errs, string(line))
			}
			c.mu.Unlock()
		}
	}
	_, _ = io.Copy(io.Discard, r)
}

func (c *child) errorLogs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errs...)
}

// stop sends SIGTERM, as an orchestrator would, and waits for the server to
// drain and exit; it kills the server if that takes more than a minute. An
// exit status other than 0 is an error.
func (c *child) stop() error {
	c.stopOnce.Do(func() {
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		exited := make(chan error, 1)
		go func() {
			<-c.done
			exited <- c.cmd.Wait()
		}()
		select {
		case err := <-exited:
			if err != nil {
				c.stopErr = fmt.Errorf("after SIGTERM: %w", err)
			}
		case <-time.After(time.Minute):
			_ = c.cmd.Process.Kill()
			c.stopErr = errors.New("it did not exit within a minute of SIGTERM; killed")
		}
	})
	return c.stopErr
}
