package neo4jstore

import (
	"context"
	"errors"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/conflictgraph/conflictgraph/domain"
)

// The store keeps API keys beside the graph, one (:APIKey {name, role,
// hash, created, revoked}) node each, so a key made by `conflictgraph keys
// add` against a database works on every server that reads it. Only the
// hash of a secret is stored. Migrate creates the constraints that keep
// names and hashes unique.
var _ domain.KeyStore = (*Store)(nil)

// AddKey implements domain.KeyStore.
func (s *Store) AddKey(ctx context.Context, k *domain.APIKey) error {
	created, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		return count(ctx, tx, cypherAddKey, map[string]any{"props": keyProps(k)}, "created")
	})
	switch {
	case errors.Is(err, domain.ErrConflict):
		// The constraints refused a twin added at the same moment.
		return domain.Conflictf("a key named %q, or with the same secret, exists already", k.Name)
	case err != nil:
		return err
	case created == 0:
		return domain.Conflictf("a key named %q exists already", k.Name)
	}
	return nil
}

// KeyByHash implements domain.KeyStore.
func (s *Store) KeyByHash(ctx context.Context, hash string) (*domain.APIKey, error) {
	keys, err := collect(ctx, s, cypherKeyByHash, map[string]any{"hash": hash}, "key", scanKey)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, domain.NotFoundf("no such key")
	}
	return keys[0], nil
}

// Keys implements domain.KeyStore.
func (s *Store) Keys(ctx context.Context) ([]*domain.APIKey, error) {
	return collect(ctx, s, cypherKeys, nil, "key", scanKey)
}

// RevokeKey implements domain.KeyStore.
func (s *Store) RevokeKey(ctx context.Context, name string, at time.Time) error {
	found, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		return count(ctx, tx, cypherRevokeKey, map[string]any{"name": name, "at": at.UTC().Truncate(time.Microsecond)}, "found")
	})
	if err != nil {
		return err
	}
	if found == 0 {
		return domain.NotFoundf("no key is named %q", name)
	}
	return nil
}
