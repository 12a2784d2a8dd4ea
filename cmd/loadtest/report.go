package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// percentile is the q-th quantile (0 < q <= 1) of sorted latencies, by the
// nearest-rank method; 0 for none.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*q+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// trend says whether a series of memory samples grows steadily: after the
// warm-up (the first fifth), the medians of its thirds rise one after the
// other and the last is more than growth above the first. Garbage
// collection makes the heap saw up and down; a leak makes every third
// higher than the one before. It needs six samples after the warm-up to
// judge; with fewer it reports no growth.
func trend(series []float64, growth float64) (grows bool, first, last float64) {
	series = series[len(series)/5:]
	if len(series) < 6 {
		return false, 0, 0
	}
	n := len(series) / 3
	m1, m2, m3 := median(series[:n]), median(series[n:2*n]), median(series[len(series)-n:])
	return m1 < m2 && m2 < m3 && m3 > m1*(1+growth), m1, m3
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// machine describes where the test ran, for the report.
func machine() string {
	cpu := ""
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	mem := ""
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var kb int64
			if _, err := fmt.Sscanf(sc.Text(), "MemTotal: %d kB", &kb); err == nil {
				mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
				break
			}
		}
		f.Close()
	}
	if cpu != "" {
		cpu = " (" + cpu + ")"
	}
	return fmt.Sprintf("%d CPUs%s%s, %s/%s, %s", runtime.NumCPU(), cpu, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

const mib = 1 << 20

// report writes the run's numbers as Markdown and returns an error when the
// run failed: a request failed, the server logged errors or did not stop
// cleanly, or its memory grew.
func report(w io.Writer, cfg config, res *result) error {
	var all []time.Duration
	total, errors := 0, 0
	names := make([]string, 0, len(res.ops))
	for name, s := range res.ops {
		slices.Sort(s.latencies)
		all = append(all, s.latencies...)
		total += len(s.latencies)
		errors += s.errors
		names = append(names, name)
	}
	slices.Sort(all)
	slices.SortFunc(names, func(a, b string) int { return len(res.ops[b].latencies) - len(res.ops[a].latencies) })
	secs := res.elapsed.Seconds()

	fmt.Fprintf(w, "command: loadtest %s\n", strings.Join(cfg.args, " "))
	fmt.Fprintf(w, "machine: %s\n", machine())
	fmt.Fprintf(w, "load: %d clients for %s (%d requests at most), on loopback\n\n", res.clients, res.elapsed.Round(10*time.Millisecond), cfg.maxRequests)
	fmt.Fprintf(w, "%d requests, %.0f requests/s, %d errors\n\n", total, float64(total)/secs, errors)
	fmt.Fprintln(w, "| operation | requests | req/s | errors | p50 | p95 | p99 | max |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	row := func(name string, lat []time.Duration, errs int) {
		fmt.Fprintf(w, "| %s | %d | %.0f | %d | %s | %s | %s | %s |\n", name, len(lat), float64(len(lat))/secs, errs,
			ms(percentile(lat, .50)), ms(percentile(lat, .95)), ms(percentile(lat, .99)), ms(percentile(lat, 1)))
	}
	row("all", all, errors)
	for _, name := range names {
		s := res.ops[name]
		row(name, s.latencies, s.errors)
	}

	fmt.Fprintln(w, "\nserver memory (from /metrics):")
	fmt.Fprintln(w, "\n| at | RSS MiB | heap in use MiB | goroutines |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|")
	var rss, heap []float64
	for i, m := range res.samples {
		at := fmt.Sprintf("%.1f s", m.at.Seconds())
		switch {
		case i == 0:
			at = "before"
		case i == len(res.samples)-1:
			at = "after"
		default:
			rss, heap = append(rss, m.rss), append(heap, m.heap)
		}
		fmt.Fprintf(w, "| %s | %.1f | %.1f | %.0f |\n", at, m.rss/mib, m.heap/mib, m.goroutines)
	}

	failures := res.failures
	for _, name := range names {
		for _, e := range res.ops[name].examples {
			failures = append(failures, name+": "+e)
		}
	}
	if errors > 0 {
		failures = append(failures, fmt.Sprintf("%d of %d requests failed", errors, total))
	}
	for _, line := range res.serverErrorLogs {
		failures = append(failures, "server error log: "+line)
	}
	fmt.Fprintln(w)
	for _, s := range []struct {
		name   string
		series []float64
	}{{"RSS", rss}, {"heap in use", heap}} {
		grows, first, last := trend(s.series, cfg.growth)
		switch {
		case first == 0:
			fmt.Fprintf(w, "%s: too few samples to judge a trend\n", s.name)
		case grows:
			failures = append(failures, fmt.Sprintf("the server's %s grows steadily: %.1f MiB to %.1f MiB", s.name, first/mib, last/mib))
		default:
			fmt.Fprintf(w, "%s: flat (median %.1f MiB after warm-up, %.1f MiB at the end)\n", s.name, first/mib, last/mib)
		}
	}
	if len(failures) > 0 {
		fmt.Fprintln(w, "\nFAILED:")
		for _, f := range failures {
			fmt.Fprintln(w, "- "+f)
		}
		return fmt.Errorf("the load test failed: %s", failures[len(failures)-1])
	}
	fmt.Fprintln(w, "\nPASSED: no errors, memory flat")
	return nil
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
