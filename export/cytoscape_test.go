package export_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/export"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// TestWriteCytoscapeIsTheDocument holds the streamed Cytoscape.js JSON to
// the document ToCytoscape builds, byte for byte, text unescaped.
func TestWriteCytoscapeIsTheDocument(t *testing.T) {
	g := storetest.Fixture()
	sources := append(g.Sources, nil) // a source the store lacks is left out
	for _, sub := range []*domain.Subgraph{
		{Entities: g.Entities, Relationships: g.Relationships},
		{Entities: g.Entities[:1], Truncated: true},
		{},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(export.ToCytoscape(sub, sources)); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := export.WriteCytoscape(&got, sub, sources); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("streamed:\n%s\nbuilt:\n%s", got.String(), want.String())
		}
	}
}
