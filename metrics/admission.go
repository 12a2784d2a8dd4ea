package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// admissionMetrics are the collectors of the server's admission control:
// how many requests of each lane run and wait, how long they waited, and
// how many were refused.
type admissionMetrics struct {
	wait    *prometheus.HistogramVec
	refused *prometheus.CounterVec
}

func newAdmissionMetrics() admissionMetrics {
	return admissionMetrics{
		wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "conflictgraph_admission_wait_seconds",
			Help:    "Time a request waited for a slot in its lane (cheap or heavy) before it ran, or before it was refused.",
			Buckets: []float64{.0001, .001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"lane"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "conflictgraph_admission_refused_total",
			Help: "Requests refused with 503 OVERLOADED, by lane and why: at_once (the line was too long to wait in) or waited (no slot came free within the queue wait).",
		}, []string{"lane", "reason"}),
	}
}

// Lane describes one admission lane to the metrics: its name, its number
// of slots, and functions that read how many requests hold a slot and how
// many wait for one.
type Lane struct {
	Name             string
	Slots            int
	Running, Waiting func() int64
}

// RegisterLane exports a lane's slots, running and waiting requests as
// conflictgraph_admission_slots, _running and _waiting. A lane already
// registered under the name (a second handler on the same Metrics) keeps
// the first one's gauges.
func (m *Metrics) RegisterLane(l Lane) {
	labels := prometheus.Labels{"lane": l.Name}
	for _, g := range []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "conflictgraph_admission_slots", ConstLabels: labels,
			Help: "Requests a lane runs at once."}, func() float64 { return float64(l.Slots) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "conflictgraph_admission_running", ConstLabels: labels,
			Help: "Requests holding a slot of the lane."}, func() float64 { return float64(l.Running()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "conflictgraph_admission_waiting", ConstLabels: labels,
			Help: "Requests waiting for a slot of the lane."}, func() float64 { return float64(l.Waiting()) }),
	} {
		_ = m.registry.Register(g)
	}
}

// AdmissionWaited records how long a request waited for a slot in lane.
func (m *Metrics) AdmissionWaited(lane string, d time.Duration) {
	m.admission.wait.WithLabelValues(lane).Observe(d.Seconds())
}

// AdmissionRefused counts a request the lane refused, and why.
func (m *Metrics) AdmissionRefused(lane, reason string) {
	m.admission.refused.WithLabelValues(lane, reason).Inc()
}

// Cache describes a bounded cache to the metrics: functions that read its
// entries and the bytes they are counted as.
type Cache struct {
	Name           string
	Entries, Bytes func() int64
	MaxBytes       int64
}

// RegisterCache exports a cache's entries, bytes and byte budget as
// conflictgraph_cache_entries, _bytes and _max_bytes.
func (m *Metrics) RegisterCache(c Cache) {
	labels := prometheus.Labels{"cache": c.Name}
	for _, g := range []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "conflictgraph_cache_entries", ConstLabels: labels,
			Help: "Entries in a server cache (documents: parsed queries; persisted: automatic persisted queries)."}, func() float64 { return float64(c.Entries()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "conflictgraph_cache_bytes", ConstLabels: labels,
			Help: "Estimated bytes a server cache holds; never above conflictgraph_cache_max_bytes."}, func() float64 { return float64(c.Bytes()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "conflictgraph_cache_max_bytes", ConstLabels: labels,
			Help: "The byte budget of a server cache."}, func() float64 { return float64(c.MaxBytes) }),
	} {
		_ = m.registry.Register(g)
	}
}
