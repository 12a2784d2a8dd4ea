package boltdb

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/conflictgraph/conflictgraph/domain"
)

var (
	keysBucket   = []byte("keys")    // name -> key record
	hashesBucket = []byte("by-hash") // hash -> name
)

// Keys is a domain.KeyStore in DIR/keys.db. It opens the file for each
// call and closes it after, so `conflictgraph keys add` and a running
// server share it (bbolt locks the file for the length of one call), and a
// revoked key stops working at the server's next request.
type Keys struct {
	path string
}

var _ domain.KeyStore = (*Keys)(nil)

// NewKeys returns the key store of the data directory dir; the file is
// made at the first key added.
func NewKeys(dir string) *Keys { return &Keys{path: filepath.Join(dir, KeysFile)} }

// keyRecord is a key as stored.
type keyRecord struct {
	Name    string      `json:"name"`
	Role    domain.Role `json:"role"`
	Hash    string      `json:"hash"`
	Created time.Time   `json:"created"`
	Revoked time.Time   `json:"revoked,omitzero"`
}

func (k *Keys) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(k.path), 0o750); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	db, err := bolt.Open(k.path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return openError(k.path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{keysBucket, hashesBucket} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return fn(tx)
	})
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close %s: %w", k.path, cerr)
	}
	return err
}

// view reads the file; a file not made yet holds no keys.
func (k *Keys) view(ctx context.Context, fn func(keys, hashes *bolt.Bucket) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := os.Stat(k.path); os.IsNotExist(err) {
		return fn(nil, nil)
	}
	db, err := bolt.Open(k.path, 0o600, &bolt.Options{Timeout: lockTimeout, ReadOnly: true})
	if err != nil {
		return openError(k.path, err)
	}
	defer db.Close()
	return db.View(func(tx *bolt.Tx) error { return fn(tx.Bucket(keysBucket), tx.Bucket(hashesBucket)) })
}

func decodeKey(data []byte) (*domain.APIKey, error) {
	var r keyRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("decode a key record: %w", err)
	}
	return &domain.APIKey{Name: r.Name, Role: r.Role, Hash: r.Hash, Created: r.Created.UTC(), Revoked: r.Revoked.UTC()}, nil
}

func encodeKey(key *domain.APIKey) ([]byte, error) {
	return json.Marshal(keyRecord{Name: key.Name, Role: key.Role, Hash: key.Hash, Created: key.Created.UTC(), Revoked: key.Revoked})
}

// AddKey implements domain.KeyStore.
func (k *Keys) AddKey(ctx context.Context, key *domain.APIKey) error {
	return k.update(ctx, func(tx *bolt.Tx) error {
		keys, hashes := tx.Bucket(keysBucket), tx.Bucket(hashesBucket)
		if keys.Get([]byte(key.Name)) != nil {
			return domain.Conflictf("a key named %q exists already", key.Name)
		}
		data, err := encodeKey(key)
		if err != nil {
			return err
		}
		if err := keys.Put([]byte(key.Name), data); err != nil {
			return err
		}
		return hashes.Put([]byte(key.Hash), []byte(key.Name))
	})
}

// KeyByHash implements domain.KeyStore.
func (k *Keys) KeyByHash(ctx context.Context, hash string) (*domain.APIKey, error) {
	var out *domain.APIKey
	err := k.view(ctx, func(keys, hashes *bolt.Bucket) error {
		if hashes == nil {
			return nil
		}
		name := hashes.Get([]byte(hash))
		if name == nil {
			return nil
		}
		var err error
		out, err = decodeKey(keys.Get(name))
		return err
	})
	if err == nil && out == nil {
		err = domain.NotFoundf("no such key")
	}
	return out, err
}

// Keys implements domain.KeyStore: bbolt keeps keys sorted, so by name.
func (k *Keys) Keys(ctx context.Context) ([]*domain.APIKey, error) {
	out := []*domain.APIKey{}
	err := k.view(ctx, func(keys, _ *bolt.Bucket) error {
		if keys == nil {
			return nil
		}
		return keys.ForEach(func(_, v []byte) error {
			key, err := decodeKey(v)
			if err == nil {
				out = append(out, key)
			}
			return err
		})
	})
	return out, err
}

// RevokeKey implements domain.KeyStore.
func (k *Keys) RevokeKey(ctx context.Context, name string, at time.Time) error {
	return k.update(ctx, func(tx *bolt.Tx) error {
		keys := tx.Bucket(keysBucket)
		data := keys.Get([]byte(name))
		if data == nil {
			return domain.NotFoundf("no key is named %q", name)
		}
		key, err := decodeKey(data)
		if err != nil || !key.Active() {
			return err
		}
		key.Revoked = at.UTC().Truncate(time.Microsecond)
		if data, err = encodeKey(key); err != nil {
			return err
		}
		return keys.Put([]byte(name), data)
	})
}
