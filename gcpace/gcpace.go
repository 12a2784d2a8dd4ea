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
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// The runtime's metrics a pacer reads: collections finished, and the heap
// the last one left live.
const (
	cyclesMetric = "/gc/cycles/total:gc-cycles"
	liveMetric   = "/gc/heap/live:bytes"
)

// every is how often Keep looks for a finished collection. A collection
// is paced by the percentage set after the one before it, so what the
// heap can grow past the headroom's goal is what the process allocates in
// this time after a collection that found much more live.
const every = 50 * time.Millisecond

// Keep sets the collector's percentage after every collection so that the
// next starts once the heap has grown by headroom bytes past what is live,
// or by GOGC's percentage of it when that is more. GOGC=off stays off, a
// GOMEMLIMIT still bounds the heap, and a headroom of 0 changes nothing.
// The returned function stops it and restores the percentage Keep found.
func Keep(headroom uint64) (stop func()) {
	p := newPacer(headroom)
	if p == nil {
		return func() {}
	}
	p.poll()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				p.poll()
			}
		}
	})
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			wg.Wait()
			debug.SetGCPercent(p.base)
		})
	}
}

// pacer is one Keep call's state.
type pacer struct {
	base     int    // the percentage GOGC gave
	headroom uint64 // bytes the heap may grow by at least
	samples  []metrics.Sample
	cycles   uint64 // collections finished when it last set the percentage
	percent  int    // what it set then
}

// newPacer is a pacer for headroom, nil when there is nothing to do: no
// headroom, or GOGC=off.
func newPacer(headroom uint64) *pacer {
	base := debug.SetGCPercent(100)
	debug.SetGCPercent(base)
	if base < 0 || headroom == 0 {
		return nil
	}
	return &pacer{base: base, headroom: headroom, cycles: ^uint64(0),
		samples: []metrics.Sample{{Name: cyclesMetric}, {Name: liveMetric}}}
}

// poll sets the percentage for the live heap the last collection left,
// when a collection has finished since it last did; it reports whether it
// did.
func (p *pacer) poll() bool {
	metrics.Read(p.samples)
	cycles := p.samples[0].Value.Uint64()
	if cycles == p.cycles {
		return false
	}
	p.cycles = cycles
	p.percent = percentFor(p.base, p.headroom, p.samples[1].Value.Uint64())
	debug.SetGCPercent(p.percent)
	return true
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
