package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows how far a long command has got: a progress bar
// (schollz/progressbar) when w is a terminal, and otherwise plain lines,
// at most one every progressLineEvery and one at the end, for logs and CI.
type progress struct {
	w     io.Writer
	label string
	unit  string // what count counts: "records", "elements"
	total int64  // of done; -1 when unknown
	bytes bool   // done counts bytes
	bar   *progressbar.ProgressBar
	start time.Time
	last  time.Time
	count int
	done  int64
}

// progressLineEvery is how often a plain progress line is written.
const progressLineEvery = 5 * time.Second

// isTerminal reports whether w is a terminal (golang.org/x/term).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newProgress returns a reporter of a job of total (bytes when bytes is
// set, else units; -1 when unknown) writing to w.
func newProgress(w io.Writer, label, unit string, total int64, bytes bool) *progress {
	p := &progress{w: w, label: label, unit: unit, total: total, bytes: bytes, start: time.Now()}
	p.last = p.start
	if isTerminal(w) {
		opts := []progressbar.Option{progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(label),
			progressbar.OptionThrottle(100 * time.Millisecond), progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionSetRenderBlankState(true), progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) })}
		if bytes {
			opts = append(opts, progressbar.OptionShowBytes(true))
		} else {
			opts = append(opts, progressbar.OptionShowCount(), progressbar.OptionSetItsString(unit), progressbar.OptionShowIts())
		}
		p.bar = progressbar.NewOptions64(total, opts...)
	}
	return p
}

// update reports count units handled and done of the total.
func (p *progress) update(count int, done int64) {
	p.count, p.done = count, done
	if p.bar != nil {
		if p.bytes {
			p.bar.Describe(fmt.Sprintf("%s: %d %s", p.label, count, p.unit))
		}
		// The file is read ahead of the records: the bar completes (and
		// ends its line) only in finish.
		if p.total > 0 && done >= p.total {
			done = p.total - 1
		}
		_ = p.bar.Set64(done)
		return
	}
	if now := time.Now(); now.Sub(p.last) >= progressLineEvery {
		p.last = now
		p.line()
	}
}

// finish writes the last line (or completes the bar).
func (p *progress) finish() {
	if p.bar != nil {
		if p.total < 0 {
			_ = p.bar.Finish()
		} else {
			_ = p.bar.Set64(p.total)
		}
		return
	}
	p.line()
}

func (p *progress) line() {
	elapsed := time.Since(p.start).Round(100 * time.Millisecond)
	if p.bytes {
		of := ""
		if p.total > 0 {
			of = fmt.Sprintf(" (%.0f%% of %s)", 100*float64(p.done)/float64(p.total), megabytes(p.total))
		}
		fmt.Fprintf(p.w, "%s: %d %s, %s read%s, %s\n", p.label, p.count, p.unit, megabytes(p.done), of, elapsed)
		return
	}
	fmt.Fprintf(p.w, "%s: %d/%d %s, %s\n", p.label, p.done, p.total, p.unit, elapsed)
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
