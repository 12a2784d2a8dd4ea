package boltdb_test

import (
	"context"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/ingesttest"
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

// BenchmarkImportACLED imports a generated ACLED export of 1,000,000 rows
// (CONFLICTGRAPH_BENCH_ROWS to change it) into the embedded store kept on
// disk, as `conflictgraph import acled --data-dir DIR` does: each change
// set is encoded and fsynced, and the history is not held in memory.
//
//	go test -run '^$' -bench 'ImportACLED$' -benchtime 1x -timeout 60m ./boltdb/
func BenchmarkImportACLED(b *testing.B) {
	ingesttest.BenchImport(b, func(tb testing.TB) domain.Store { return open(tb, tb.TempDir()) }, ingesttest.BenchRows(1_000_000))
}
