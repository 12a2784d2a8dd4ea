// Package gcpace lets a process with a small live heap spend a bounded
// amount of memory on collecting less often.
//
// Go starts a collection when the heap has grown past what the last one
// left live by GOGC percent of it (100 by default). The server on Neo4j
// holds about 10 MB live and allocates half a megabyte for a large answer,
// so the collector ran every twenty answers and took an eighth of the
// server's CPU. Keep lets the heap grow by at least a fixed headroom
// before the next collection; once the live heap is large enough that
// GOGC allows more (the embedded store with a million relationships holds
// hundreds of megabytes), Go's pacing is left as it is.
package gcpace

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// liveMetric is the heap the last collection left live.
const liveMetric = "/gc/heap/live:bytes"

// Keep sets the collector's percentage after every collection so that the
// next starts once the heap has grown by headroom bytes past what is live,
// or by GOGC's percentage of it when that is more. GOGC=off stays off, a
// GOMEMLIMIT still bounds the heap, and a headroom of 0 changes nothing.
// The returned function stops it and restores the percentage Keep found.
func Keep(headroom uint64) (stop func()) { return keep(headroom, nil) }

// keep is Keep, calling adjusted with each percentage it sets.
func keep(headroom uint64, adjusted func(percent int)) (stop func()) {
	base := debug.SetGCPercent(100)
	debug.SetGCPercent(base)
	if base < 0 || headroom == 0 {
		return func() {}
	}
	p := &pacer{base: base, headroom: headroom, adjusted: adjusted,
		live: []metrics.Sample{{Name: liveMetric}}}
	p.adjust()
	return p.stop
}

// pacer is one Keep call.
type pacer struct {
	base     int    // the percentage GOGC gave
	headroom uint64 // bytes the heap may grow by at least
	adjusted func(percent int)

	mu      sync.Mutex
	stopped bool
	live    []metrics.Sample
}

// sentinel is the object whose cleanup tells a pacer that a collection
// ran: large enough not to share a tiny allocation's block.
type sentinel struct{ _ [32]byte }

// adjust sets the percentage for the live heap the last collection left,
// and asks to be called after the next one.
func (p *pacer) adjust() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	metrics.Read(p.live)
	percent := percentFor(p.base, p.headroom, p.live[0].Value.Uint64())
	debug.SetGCPercent(percent)
	if p.adjusted != nil {
		p.adjusted(percent)
	}
	runtime.AddCleanup(new(sentinel), (*pacer).adjust, p)
}

func (p *pacer) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.stopped {
		p.stopped = true
		debug.SetGCPercent(p.base)
	}
}

// minLive is the smallest live heap percentFor divides by: before the
// first collection the runtime reports none.
const minLive = 1 << 20

// percentFor is the percentage that lets a heap of live bytes grow by
// headroom before the next collection, or base when that lets it grow
// more.
func percentFor(base int, headroom, live uint64) int {
	live = max(live, minLive)
	want := (headroom*100 + live - 1) / live
	return max(base, int(want))
}
