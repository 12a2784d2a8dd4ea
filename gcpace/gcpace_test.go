package gcpace

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
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

// TestKeepFollowsEachCollection: after a collection the percentage is the
// one the live heap it left calls for, and stop puts GOGC's back.
func TestKeepFollowsEachCollection(t *testing.T) {
	base := debug.SetGCPercent(100)
	debug.SetGCPercent(base)
	if base < 0 {
		t.Skip("GOGC=off")
	}
	const headroom = 512 << 20 // more than this test's heap, so never GOGC's
	set := make(chan int, 16)
	stop := keep(headroom, func(p int) { set <- p })
	defer stop()
	<-set // the first, set by keep itself
	for range 2 {
		runtime.GC()
		select {
		case got := <-set:
			live := []metrics.Sample{{Name: liveMetric}, {Name: "/gc/gogc:percent"}}
			metrics.Read(live)
			if want := percentFor(base, headroom, live[0].Value.Uint64()); got != want {
				t.Errorf("after a collection leaving %d bytes live: percentage %d, want %d", live[0].Value.Uint64(), got, want)
			}
			if now := int(live[1].Value.Uint64()); now != got {
				t.Errorf("the runtime's percentage is %d, want %d", now, got)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("no adjustment after a collection")
		}
	}
	stop()
	if now := debug.SetGCPercent(base); now != base {
		t.Errorf("after stop the percentage is %d, want GOGC's %d", now, base)
	}
}
