package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
)

// NewKeyStore returns an empty key store for one subtest; the backend
// arranges its cleanup with t.Cleanup.
type NewKeyStore func(t *testing.T) domain.KeyStore

// RunKeys runs the key store behaviours against the backend newKeys makes:
// adding keys, refusing a taken name, finding a key by the hash of its
// secret, listing by name, and revoking. Each subtest gets a fresh store.
func RunKeys(t *testing.T, newKeys NewKeyStore) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, ks domain.KeyStore)
	}{
		{"AddAndFindByHash", testAddAndFindKey},
		{"TakenNameConflicts", testTakenKeyName},
		{"ListedByName", testKeysByName},
		{"Revoke", testRevokeKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newKeys(t))
		})
	}
}

// keyCreated is when the suite's keys are made: microseconds and UTC, as
// domain.NewAPIKey makes them, so they must come back exactly.
var keyCreated = time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.UTC)

func mustAddKey(t *testing.T, ks domain.KeyStore, name string, role domain.Role) (*domain.APIKey, string) {
	t.Helper()
	k, secret, err := domain.NewAPIKey(name, role, keyCreated)
	if err != nil {
		t.Fatal(err)
	}
	if err := ks.AddKey(context.Background(), k); err != nil {
		t.Fatalf("add key %s: %v", name, err)
	}
	return k, secret
}

func wantCode(t *testing.T, what string, err error, code domain.Code) {
	t.Helper()
	var derr *domain.Error
	if !errors.As(err, &derr) || derr.Code != code {
		t.Errorf("%s: err = %v, want %s", what, err, code)
	}
}

func testAddAndFindKey(t *testing.T, ks domain.KeyStore) {
	ctx := context.Background()
	added, secret := mustAddKey(t, ks, "alice", domain.RoleEditor)
	mustAddKey(t, ks, "bob", domain.RoleReader)
	got, err := ks.KeyByHash(ctx, domain.KeyHash(secret))
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != added.Name || got.Role != added.Role || got.Hash != added.Hash || !got.Active() {
		t.Errorf("key by hash = %+v, want %+v", got, added)
	}
	if !got.Created.Equal(keyCreated) || got.Created.Location() != time.UTC {
		t.Errorf("created %v, want %v in UTC", got.Created, keyCreated)
	}
	_, err = ks.KeyByHash(ctx, domain.KeyHash("cgk_not-a-key"))
	wantCode(t, "an unknown secret", err, domain.CodeNotFound)
}

func testTakenKeyName(t *testing.T, ks domain.KeyStore) {
	ctx := context.Background()
	first, _ := mustAddKey(t, ks, "alice", domain.RoleEditor)
	twin, secret, err := domain.NewAPIKey("alice", domain.RoleAdmin, keyCreated)
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, "a taken name", ks.AddKey(ctx, twin), domain.CodeConflict)
	if _, err := ks.KeyByHash(ctx, domain.KeyHash(secret)); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("the refused key's secret: err = %v, want NOT_FOUND", err)
	}
	// A revoked key keeps its name: the audit trail names one key.
	if err := ks.RevokeKey(ctx, "alice", keyCreated.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "the name of a revoked key", ks.AddKey(ctx, twin), domain.CodeConflict)
	keys, err := ks.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].Hash != first.Hash || keys[0].Role != domain.RoleEditor {
		t.Errorf("keys after the refused twin = %+v", keys)
	}
}

func testKeysByName(t *testing.T, ks domain.KeyStore) {
	ctx := context.Background()
	keys, err := ks.Keys(ctx)
	if err != nil || len(keys) != 0 {
		t.Fatalf("keys of an empty store = %v, %v", keys, err)
	}
	for _, k := range []struct {
		name string
		role domain.Role
	}{{"carol", domain.RoleAdmin}, {"alice", domain.RoleEditor}, {"acled-importer", domain.RoleEditor}, {"bob", domain.RoleReader}} {
		mustAddKey(t, ks, k.name, k.role)
	}
	keys, err = ks.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	roles := map[string]domain.Role{}
	for _, k := range keys {
		names = append(names, k.Name)
		roles[k.Name] = k.Role
	}
	wantIDs(t, "keys by name", names, []string{"acled-importer", "alice", "bob", "carol"})
	if roles["carol"] != domain.RoleAdmin || roles["bob"] != domain.RoleReader {
		t.Errorf("roles = %v", roles)
	}
}

func testRevokeKey(t *testing.T, ks domain.KeyStore) {
	ctx := context.Background()
	_, secret := mustAddKey(t, ks, "alice", domain.RoleEditor)
	mustAddKey(t, ks, "bob", domain.RoleEditor)
	revoked := time.Date(2025, 6, 1, 12, 0, 0, 123456789, time.FixedZone("CEST", 2*3600))
	if err := ks.RevokeKey(ctx, "alice", revoked); err != nil {
		t.Fatal(err)
	}
	// Revoking again changes nothing: the first revocation stands.
	if err := ks.RevokeKey(ctx, "alice", revoked.Add(24*time.Hour)); err != nil {
		t.Fatalf("revoking twice: %v", err)
	}
	got, err := ks.KeyByHash(ctx, domain.KeyHash(secret))
	if err != nil {
		t.Fatal(err)
	}
	if want := revoked.UTC().Truncate(time.Microsecond); got.Active() || !got.Revoked.Equal(want) || got.Revoked.Location() != time.UTC {
		t.Errorf("revoked key = %+v, want revoked at %v in UTC", got, want)
	}
	keys, err := ks.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	active := map[string]bool{}
	for _, k := range keys {
		active[k.Name] = k.Active()
	}
	if !slices.Equal([]bool{active["alice"], active["bob"]}, []bool{false, true}) || len(keys) != 2 {
		t.Errorf("active after revoking alice: %v", active)
	}
	wantCode(t, "revoking an unknown key", ks.RevokeKey(ctx, "nobody", revoked), domain.CodeNotFound)
}
