package boltdb_test

import (
	"context"
	"testing"

	"github.com/conflictgraph/conflictgraph/storetest"
)

// BenchmarkWrites runs the shared write benchmarks on the embedded store
// kept on disk: every change set is a bbolt commit, fsynced before Apply
// returns, so this is what `serve --data-dir` costs per write.
//
//	go test -run '^$' -bench Writes -benchtime 1000x ./boltdb/
func BenchmarkWrites(b *testing.B) {
	st := open(b, b.TempDir())
	defer st.Close(context.Background())
	storetest.BenchWrites(b, st)
}
