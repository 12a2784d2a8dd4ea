package metrics_test

import (
	"context"
	"errors"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/metrics"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// series returns the value of each series of the family name, keyed by
// its labels joined as name=value pairs.
func series(t *testing.T, m *metrics.Metrics, name string, value func(count uint64, sum, plain float64) float64) map[string]float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			key := ""
			for _, l := range s.GetLabel() {
				key += l.GetName() + "=" + l.GetValue() + " "
			}
			out[key] = value(s.GetHistogram().GetSampleCount(), s.GetHistogram().GetSampleSum(), s.GetCounter().GetValue())
		}
	}
	return out
}

func TestInstrumentStorePassesEveryCallThroughAndCountsIt(t *testing.T) {
	ctx := context.Background()
	m := metrics.New()
	mem := embedded.New()
	st := metrics.InstrumentStore(mem, m)
	storetest.MustLoad(t, st, storetest.Fixture())
	ents, err := st.EntitiesByIDs(ctx, []string{"union", "front", "nothing"})
	if err != nil || len(ents) != 3 || ents[0].ID != "union" || ents[2] != nil {
		t.Fatalf("EntitiesByIDs: %v, %v", ents, err)
	}
	_, _ = st.RelationshipsByIDs(ctx, []string{"front.fights.front"})
	_, _ = st.SourcesByIDs(ctx, []string{"doc-a", "doc-b"})
	_, _ = st.Sources(ctx)
	_, _ = st.Entities(ctx, domain.EntityFilter{First: 2})
	pages, err := st.RelationshipsOf(ctx, []string{"union", "front", "atlantis", "lemuria"}, domain.RelationshipFilter{First: 5})
	if err != nil || len(pages) != 4 {
		t.Fatalf("RelationshipsOf: %v, %v", pages, err)
	}
	_, _ = st.Search(ctx, domain.SearchQuery{Text: "front", First: 5})
	if _, err := st.Neighborhood(ctx, domain.NeighborhoodQuery{ID: "nothing", Depth: 1, Limit: 5}); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("Neighborhood of a missing id: %v", err)
	}
	_, _ = st.Paths(ctx, domain.PathQuery{From: "union", To: "front", MaxLength: 2, First: 1})
	_, _ = st.Snapshot(ctx)
	_, _ = st.Changes(ctx, domain.ChangeQuery{First: 5})
	_, _ = st.Revision(ctx)
	_ = st.Ping(ctx)
	_ = st.Close(ctx)

	calls := series(t, m, "conflictgraph_store_calls_total", func(_ uint64, _, v float64) float64 { return v })
	for _, method := range []string{"Apply", "Changes", "Revision", "EntitiesByIDs", "RelationshipsByIDs", "SourcesByIDs", "Sources", "Entities",
		"RelationshipsOf", "Search", "Neighborhood", "Paths", "Snapshot", "Ping", "Close"} {
		if calls["method="+method+" "] != 1 {
			t.Errorf("%s counted %v times, want 1", method, calls["method="+method+" "])
		}
	}
	errs := series(t, m, "conflictgraph_store_errors_total", func(_ uint64, _, v float64) float64 { return v })
	if len(errs) != 1 || errs["code=NOT_FOUND method=Neighborhood "] != 1 {
		t.Errorf("errors = %v, want one NOT_FOUND from Neighborhood", errs)
	}
	batches := series(t, m, "conflictgraph_dataloader_batch_size", func(_ uint64, sum, _ float64) float64 { return sum })
	for method, want := range map[string]float64{"EntitiesByIDs": 3, "RelationshipsByIDs": 1, "SourcesByIDs": 2, "RelationshipsOf": 4} {
		if batches["method="+method+" "] != want {
			t.Errorf("%s batch ids = %v, want %v", method, batches["method="+method+" "], want)
		}
	}
}
