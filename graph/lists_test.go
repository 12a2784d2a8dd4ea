package graph

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/loaders"
)

// entityFetches counts a store's entity fetches and the ids they asked for.
type entityFetches struct {
	domain.Store
	mu    sync.Mutex
	calls [][]string
}

func (c *entityFetches) EntitiesByIDs(ctx context.Context, ids []string) ([]*domain.Entity, error) {
	c.mu.Lock()
	c.calls = append(c.calls, append([]string(nil), ids...))
	c.mu.Unlock()
	return c.Store.EntitiesByIDs(ctx, ids)
}

// TestMarshalListBatchesWhatItWaitsFor marshals lists whose elements each
// load one entity, some already in the request's loaders and some not: the
// elements read from the loaders in order, and the first that waits for a
// fetch brings every later one into its batch, so a list costs at most one
// fetch whatever the mix, and each element gets its own entity.
func TestMarshalListBatchesWhatItWaitsFor(t *testing.T) {
	g := &domain.Graph{Sources: []*domain.Source{{ID: "s", Title: "S", Publisher: "P"}}}
	for i := range 8 {
		g.Entities = append(g.Entities, &domain.Entity{ID: "e" + strconv.Itoa(i), Kind: domain.KindCountry,
			Name: "Country " + strconv.Itoa(i), Citations: []domain.Citation{{SourceID: "s", Quote: "q"}}})
	}
	mem := embedded.New()
	if _, err := domain.LoadGraph(context.Background(), mem, g, domain.LoadOptions{Actor: "test", Reason: "test fixture"}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name    string
		primed  string // per element: p primed, m missing from the loaders, x panics
		fetches int
	}{
		{"all primed", "pppppp", 0},
		{"all missing", "mmmmmm", 1},
		{"first missing", "mppppp", 1},
		{"missing after primed ones", "ppmpmm", 1},
		{"last missing", "pppppm", 1},
		{"one element", "m", 1},
		{"a panic among them", "pxmpmp", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &entityFetches{Store: mem}
			// A long batching window: a second fetch would mean an element
			// missed its batch, not that it arrived late.
			l := loaders.New(st, loaders.Options{Wait: 200 * time.Millisecond})
			ctx := graphql.WithResponseContext(loaders.With(context.Background(), l), graphql.DefaultErrorPresenter,
				func(_ context.Context, r any) error { return errors.New("internal error") }) // quiet, unlike gqlgen's default
			ids := make([]string, len(tc.primed))
			for i, c := range tc.primed {
				ids[i] = "e" + strconv.Itoa(i)
				if c == 'p' {
					e, err := mem.EntitiesByIDs(ctx, ids[i:i+1])
					if err != nil {
						t.Fatal(err)
					}
					loaders.PrimeEntities(ctx, e...)
				}
			}
			got := marshalList(ctx, len(ids), 0, false, func(ctx context.Context, i int) graphql.Marshaler {
				if tc.primed[i] == 'x' {
					panic("element " + strconv.Itoa(i))
				}
				if fc := graphql.GetFieldContext(ctx); fc == nil || fc.Index == nil || *fc.Index != i {
					t.Errorf("element %d has field context %+v", i, fc)
				}
				e, err := loaders.Entity(ctx, ids[i])
				if err != nil || e == nil {
					t.Errorf("element %d: %v, %v", i, e, err)
					return graphql.Null
				}
				return graphql.MarshalString(e.Name)
			})
			for i, m := range got {
				want := `"Country ` + strconv.Itoa(i) + `"`
				if tc.primed[i] == 'x' {
					want = "null"
				}
				if s := marshalled(m); s != want {
					t.Errorf("element %d is %s, want %s", i, s, want)
				}
			}
			if len(st.calls) != tc.fetches {
				t.Errorf("%d fetches %v, want %d", len(st.calls), st.calls, tc.fetches)
			}
			if n := len(graphql.GetErrors(ctx)); n != strings.Count(tc.primed, "x") {
				t.Errorf("%d errors, want one per panic: %v", n, graphql.GetErrors(ctx))
			}
		})
	}
}

func marshalled(m graphql.Marshaler) string {
	if m == nil {
		return "<nil>"
	}
	var b bytes.Buffer
	m.MarshalGQL(&b)
	return b.String()
}
