package gcpace

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

func TestPercentFor(t *testing.T) {
	const mb = 1 << 20
	for _, tc := range []struct {
		name           string
		base           int
		headroom, live uint64
		want           int
	}{
		{"small heap: the headroom decides", 100, 64 * mb, 8 * mb, 800},
		{"rounded up", 100, 64 * mb, 48 * mb, 134},
		{"large heap: GOGC decides", 100, 64 * mb, 256 * mb, 100},
		{"a GOGC above the headroom's", 400, 64 * mb, 32 * mb, 400},
		{"nothing live yet: counted as a megabyte", 100, 64 * mb, 0, 6400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := percentFor(tc.base, tc.headroom, tc.live); got != tc.want {
				t.Errorf("percentFor(%d, %d, %d) = %d, want %d", tc.base, tc.headroom, tc.live, got, tc.want)
			}
		})
	}
}

// TestPollFollowsEachCollection: after a collection the percentage is the
// one the live heap it left calls for, set once per collection.
func TestPollFollowsEachCollection(t *testing.T) {
	const headroom = 512 << 20 // more than this test's heap, so never GOGC's
	p := newPacer(headroom)
	if p == nil {
		t.Skip("GOGC=off")
	}
	defer debug.SetGCPercent(p.base)
	if !p.poll() {
		t.Fatal("the first poll set nothing")
	}
	for range 2 {
		runtime.GC()
		if !p.poll() {
			t.Fatal("no adjustment after a collection")
		}
		now := []metrics.Sample{{Name: liveMetric}, {Name: "/gc/gogc:percent"}}
		metrics.Read(now)
		if want := percentFor(p.base, headroom, now[0].Value.Uint64()); p.percent != want {
			t.Errorf("after a collection leaving %d bytes live: percentage %d, want %d", now[0].Value.Uint64(), p.percent, want)
		}
		if got := int(now[1].Value.Uint64()); got != p.percent {
			t.Errorf("the runtime's percentage is %d, want %d", got, p.percent)
		}
		if p.poll() {
			t.Error("a second poll after the same collection set the percentage again")
		}
	}
}

// TestKeepStopsAndRestores: Keep raises the percentage for this small heap
// at once, and stop puts GOGC's back.
func TestKeepStopsAndRestores(t *testing.T) {
	base := debug.SetGCPercent(100)
	debug.SetGCPercent(base)
	if base < 0 {
		t.Skip("GOGC=off")
	}
	percent := func() int {
		s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
		metrics.Read(s)
		return int(s[0].Value.Uint64())
	}
	stop := Keep(512 << 20)
	raised := percent()
	stop()
	stop() // a second stop does nothing
	if raised <= base {
		t.Errorf("Keep left the percentage at %d, want it above GOGC's %d for a heap this small", raised, base)
	}
	if now := percent(); now != base {
		t.Errorf("after stop the percentage is %d, want GOGC's %d", now, base)
	}
}
