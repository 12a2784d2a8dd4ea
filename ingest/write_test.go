package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/acled"
	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/ingest"
	"github.com/conflictgraph/conflictgraph/ingesttest"
)

// failingStore is an embedded store whose writes fail from the nth on, as
// a database that goes away in the middle of an import.
type failingStore struct {
	*embedded.Store
	writes, failFrom int
}

var errGone = errors.New("the database went away")

func (s *failingStore) Apply(ctx context.Context, cs *domain.ChangeSet) (*domain.Change, error) {
	if s.writes++; s.writes >= s.failFrom {
		return nil, errGone
	}
	return s.Store.Apply(ctx, cs)
}

// TestWriteFailureStopsTheImport: a change set the store fails to write
// stops the import with the lines it held, while later records are being
// read; the summary counts only what was written, and importing again
// into a store that works writes the rest.
func TestWriteFailureStopsTheImport(t *testing.T) {
	for _, failFrom := range []int{1, 2, 3} {
		inner := embedded.New()
		ingesttest.Prepare(t, inner)
		st := &failingStore{Store: inner, failFrom: failFrom}
		small := ingest.Options{BatchSize: 2}
		sum, err := ingest.Run(context.Background(), st, acled.Format, bytes.NewReader(ingesttest.Fixture(t, "acled.csv")), small)
		if !errors.Is(err, errGone) || !strings.Contains(err.Error(), "write the records of lines") {
			t.Fatalf("failing from write %d: the import returned %v, want the store's error with the lines", failFrom, err)
		}
		if sum == nil || sum.ChangeSets != failFrom-1 {
			t.Fatalf("failing from write %d: summary %+v, want %d change sets written", failFrom, sum, failFrom-1)
		}
		written := sum.Records.Created
		again := ingesttest.Import(t, inner, acled.Format, "acled.csv", small)
		if again.Records.Unchanged != written || again.Records.Created+written != 5 {
			t.Errorf("failing from write %d: %d records written, then %d created and %d unchanged; want the rest of the 5 created",
				failFrom, written, again.Records.Created, again.Records.Unchanged)
		}
	}
}
