package boltdb_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/boltdb"
	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
	"github.com/conflictgraph/conflictgraph/ingesttest"
	"github.com/conflictgraph/conflictgraph/seed"
	"github.com/conflictgraph/conflictgraph/storetest"
)

func open(t testing.TB, dir string) *embedded.Store {
	t.Helper()
	j, err := boltdb.OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := embedded.Open(j)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestConformance runs the whole store suite on an embedded store whose
// journal is on disk: every write goes through bbolt.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) domain.Store {
		st := open(t, t.TempDir())
		t.Cleanup(func() { _ = st.Close(context.Background()) })
		return st
	})
}

// TestReopenReplaysEverything writes the seed graph and a few changes,
// closes the store, and finds the same graph and feed when it reopens.
func TestReopenReplaysEverything(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := open(t, dir)
	s, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	storetest.MustLoad(t, st, s.Graph)
	storetest.MustApply(t, st, &domain.ChangeSet{Actor: "alice", Reason: "retracted in error, on purpose",
		Retractions: []*domain.RelationshipRetraction{{ID: "wagner-group.deployed-to.mali.2021-12", Reason: "test", Citations: s.Graph.Relationships[0].Citations}}})
	before, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(ctx); err != nil {
		t.Fatal(err)
	}
	again := open(t, dir)
	defer again.Close(ctx)
	after, err := again.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Relationships) != len(s.Graph.Relationships)-1 || len(after.Entities) != len(before.Entities) {
		t.Errorf("reopened store holds %d entities and %d relationships, want %d and %d", len(after.Entities), len(after.Relationships), len(before.Entities), len(s.Graph.Relationships)-1)
	}
	for i := range before.Relationships {
		if !storetest.EqualRelationship(before.Relationships[i], after.Relationships[i]) {
			t.Errorf("relationship %s changed across the reopen", before.Relationships[i].ID)
		}
	}
	if rev, err := again.Revision(ctx); err != nil || rev != 2 {
		t.Errorf("revision after reopening = %d, %v; want 2", rev, err)
	}
	page, err := again.Changes(ctx, domain.ChangeQuery{First: 10})
	if err != nil || len(page.Changes) != 2 || page.Changes[1].Actor != "alice" || page.Changes[1].Relationships[0].Op != domain.OpRetracted {
		t.Fatalf("feed after reopening = %+v, %v", page, err)
	}
	got, err := again.RelationshipsByIDs(ctx, []string{"wagner-group.deployed-to.mali.2021-12"})
	if err != nil || got[0] == nil || got[0].Retraction == nil || got[0].Retraction.Actor != "alice" {
		t.Errorf("retracted relationship after reopening = %+v, %v", got[0], err)
	}
}

func TestASecondProcessIsToldTheDirectoryIsInUse(t *testing.T) {
	dir := t.TempDir()
	st := open(t, dir)
	defer st.Close(context.Background())
	// bbolt's lock is per open file description, so a second open in the
	// same process meets it as another process would.
	_, err := boltdb.OpenJournal(dir)
	if !errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("second open: err = %v, want UNAVAILABLE", err)
	}
}

func TestKeysShareTheFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cli, srv := boltdb.NewKeys(dir), boltdb.NewKeys(dir)
	if keys, err := srv.Keys(ctx); err != nil || len(keys) != 0 {
		t.Fatalf("keys of a new directory = %v, %v", keys, err)
	}
	key, secret, err := domain.NewAPIKey("alice", domain.RoleEditor, domainNow())
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.AddKey(ctx, key); err != nil {
		t.Fatal(err)
	}
	got, err := srv.KeyByHash(ctx, domain.KeyHash(secret))
	if err != nil || got.Name != "alice" || got.Role != domain.RoleEditor || !got.Active() {
		t.Fatalf("the server's lookup = %+v, %v", got, err)
	}
	if err := cli.AddKey(ctx, key); !errors.Is(err, domain.ErrConflict) {
		t.Errorf("a second key named alice: err = %v, want CONFLICT", err)
	}
	if err := cli.RevokeKey(ctx, "alice", domainNow()); err != nil {
		t.Fatal(err)
	}
	if got, err = srv.KeyByHash(ctx, domain.KeyHash(secret)); err != nil || got.Active() {
		t.Errorf("after revoking: %+v, %v", got, err)
	}
	if err := cli.RevokeKey(ctx, "bob", domainNow()); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("revoking an unknown key: err = %v, want NOT_FOUND", err)
	}
	keys, err := srv.Keys(ctx)
	if err != nil || !slices.Equal(names(keys), []string{"alice"}) {
		t.Errorf("keys = %v, %v", names(keys), err)
	}
}

func names(keys []*domain.APIKey) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k.Name)
	}
	return out
}

func domainNow() time.Time { return time.Now() }

// TestImports runs the importers' suite on the embedded store kept on
// disk, as `conflictgraph import --data-dir` writes it.
func TestImports(t *testing.T) {
	ingesttest.Run(t, func(t *testing.T) domain.Store {
		st := open(t, t.TempDir())
		t.Cleanup(func() { _ = st.Close(context.Background()) })
		return st
	})
}
