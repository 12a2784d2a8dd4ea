// Package metrics is what the server tells Prometheus: requests and their
// latency by route, GraphQL operation and outcome, store calls and their
// errors by method and code, the ids per batched store call (what the
// dataloaders achieve), and the Go runtime and process collectors. Each
// Metrics has a registry of its own, so two servers in one process (or two
// tests) never share counters.
package metrics

import (
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Label values for what is not a named GraphQL operation, and for names past
// the cap on distinct operation names.
const (
	OperationAnonymous = "anonymous" // a GraphQL operation without a name
	OperationOther     = "other"     // a name past MaxOperationNames or too long
	// MaxOperationNames caps the distinct operation names the request
	// metrics keep: names come from clients, and each is a time series.
	MaxOperationNames = 200
	maxOperationName  = 64
)

// OutcomeOK is the outcome of a request that ended without an error; any
// other outcome is an error code (e.g. BAD_USER_INPUT, TIMEOUT).
const OutcomeOK = "ok"

// Metrics holds the server's collectors and the registry they are in.
type Metrics struct {
	registry *prometheus.Registry

	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	storeCalls      *prometheus.CounterVec
	storeErrors     *prometheus.CounterVec
	storeDuration   *prometheus.HistogramVec
	batchSize       *prometheus.HistogramVec
	admission       admissionMetrics

	mu         sync.Mutex
	operations map[string]bool
}

// New returns metrics in a registry of their own, with the Go runtime and
// process collectors (go_*, process_*) registered beside them.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "conflictgraph_http_requests_total",
			Help: "HTTP requests by route, GraphQL operation name (empty outside /graphql) and outcome (ok or the error code).",
		}, []string{"route", "operation", "outcome"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "conflictgraph_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route, GraphQL operation name and outcome.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "operation", "outcome"}),
		storeCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "conflictgraph_store_calls_total",
			Help: "Calls to the graph store, by method.",
		}, []string{"method"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "conflictgraph_store_errors_total",
			Help: "Store calls that failed, by method and error code (INVALID, NOT_FOUND, UNAVAILABLE, TIMEOUT, INTERNAL, ...).",
		}, []string{"method", "code"}),
		storeDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "conflictgraph_store_call_duration_seconds",
			Help:    "Time a store call took, by method.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method"}),
		batchSize: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "conflictgraph_dataloader_batch_size",
			Help:    "Ids per batched store call (EntitiesByIDs, RelationshipsByIDs, SourcesByIDs, RelationshipsOf), by method: what the per-request dataloaders gather.",
			Buckets: []float64{1, 2, 5, 10, 20, 50, 100, 200, 500},
		}, []string{"method"}),
		admission:  newAdmissionMetrics(),
		operations: map[string]bool{},
	}
	m.registry.MustRegister(
		m.requests, m.requestDuration, m.storeCalls, m.storeErrors, m.storeDuration, m.batchSize,
		m.admission.wait, m.admission.refused,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Registry is where the metrics are registered, for tests and for adding
// collectors of one's own.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// ObserveRequest counts one HTTP request and its duration. operation is the
// GraphQL operation's name ("" outside /graphql); outcome is OutcomeOK or
// an error code.
func (m *Metrics) ObserveRequest(route, operation, outcome string, d time.Duration) {
	operation = m.operationLabel(operation)
	m.requests.WithLabelValues(route, operation, outcome).Inc()
	m.requestDuration.WithLabelValues(route, operation, outcome).Observe(d.Seconds())
}

// operationLabel keeps the first MaxOperationNames names clients use and
// folds the rest into OperationOther, so clients cannot grow the series
// without bound.
func (m *Metrics) operationLabel(name string) string {
	if name == "" || name == OperationAnonymous {
		return name
	}
	if len(name) > maxOperationName {
		return OperationOther
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.operations[name] {
		return name
	}
	if len(m.operations) >= MaxOperationNames {
		return OperationOther
	}
	m.operations[name] = true
	return name
}
