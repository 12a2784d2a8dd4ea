package embedded

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Keys is a domain.KeyStore in memory, for tests and for a server whose
// keys are given to it at start.
type Keys struct {
	mu     sync.RWMutex
	byName map[string]*domain.APIKey
}

var _ domain.KeyStore = (*Keys)(nil)

// NewKeys returns an empty key store.
func NewKeys() *Keys { return &Keys{byName: map[string]*domain.APIKey{}} }

// AddKey implements domain.KeyStore.
func (k *Keys) AddKey(ctx context.Context, key *domain.APIKey) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, taken := k.byName[key.Name]; taken {
		return domain.Conflictf("a key named %q exists already", key.Name)
	}
	c := *key
	k.byName[key.Name] = &c
	return nil
}

// KeyByHash implements domain.KeyStore.
func (k *Keys) KeyByHash(ctx context.Context, hash string) (*domain.APIKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	for _, key := range k.byName {
		if key.Hash == hash {
			c := *key
			return &c, nil
		}
	}
	return nil, domain.NotFoundf("no such key")
}

// Keys implements domain.KeyStore.
func (k *Keys) Keys(ctx context.Context) ([]*domain.APIKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := make([]*domain.APIKey, 0, len(k.byName))
	for _, key := range k.byName {
		c := *key
		out = append(out, &c)
	}
	slices.SortFunc(out, func(a, b *domain.APIKey) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// RevokeKey implements domain.KeyStore.
func (k *Keys) RevokeKey(ctx context.Context, name string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	key, ok := k.byName[name]
	if !ok {
		return domain.NotFoundf("no key is named %q", name)
	}
	if key.Active() {
		key.Revoked = at.UTC().Truncate(time.Microsecond)
	}
	return nil
}
