// Package boltdb keeps the embedded store on disk, in bbolt files (one file
// each, ACID, fsync on every commit) in a data directory: graph.db holds
// the journal of changes the store replays at start, keys.db the API keys.
// bbolt is etcd's well-kept fork of BoltDB; a home-made file format would
// have to earn the crash safety it has.
package boltdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/conflictgraph/conflictgraph/changelog"
	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/embedded"
)

// The files of a data directory.
const (
	GraphFile = "graph.db"
	KeysFile  = "keys.db"
)

// lockTimeout is how long opening a file waits for another process that
// holds it (a server on the same directory) before saying so.
const lockTimeout = 2 * time.Second

var changesBucket = []byte("changes")

// Journal is an embedded.Journal in DIR/graph.db: one bbolt key per
// revision (big-endian, so keys sort by revision), its value the change in
// the changelog format. Append returns once the change is on disk.
type Journal struct {
	db   *bolt.DB
	path string
}

var _ embedded.Journal = (*Journal)(nil)

// OpenJournal opens (creating it and dir when missing) the journal of the
// data directory dir. Only one process may hold it: a second one gets
// UNAVAILABLE naming the file.
func OpenJournal(dir string) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, GraphFile)
	db, err := bolt.Open(path, 0o640, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return nil, openError(path, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(changesBucket)
		return err
	}); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("prepare %s: %w", path, err)
	}
	return &Journal{db: db, path: path}, nil
}

// openError explains a file that will not open.
func openError(path string, err error) error {
	if errors.Is(err, bolterrors.ErrTimeout) {
		return &domain.Error{Code: domain.CodeUnavailable, Message: fmt.Sprintf("%s is in use by another process (a server on the same --data-dir?)", path), Err: err}
	}
	return fmt.Errorf("open %s: %w", path, err)
}

func revisionKey(rev int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(rev))
}

// Append implements embedded.Journal: one bbolt transaction, committed
// (and fsynced) before it returns.
func (j *Journal) Append(ch *domain.Change) error {
	data, err := changelog.Encode(ch)
	if err != nil {
		return err
	}
	err = j.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(changesBucket)
		if k, _ := b.Cursor().Last(); k != nil && int64(binary.BigEndian.Uint64(k)) != ch.Revision-1 {
			return fmt.Errorf("revision %d does not follow the last one recorded, %d", ch.Revision, binary.BigEndian.Uint64(k))
		}
		return b.Put(revisionKey(ch.Revision), data)
	})
	if err != nil {
		return &domain.Error{Code: domain.CodeUnavailable, Message: "the change could not be written to " + j.path, Err: err}
	}
	return nil
}

// Replay implements embedded.Journal.
func (j *Journal) Replay(fn func(*domain.Change) error) error {
	return j.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(changesBucket).ForEach(func(k, v []byte) error {
			ch, err := changelog.Decode(v)
			if err != nil {
				return fmt.Errorf("%s, revision %d: %w", j.path, binary.BigEndian.Uint64(k), err)
			}
			return fn(ch)
		})
	})
}

// Changes implements embedded.Journal.
func (j *Journal) Changes(after int64, first int) ([]*domain.Change, error) {
	var out []*domain.Change
	err := j.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(changesBucket).Cursor()
		for k, v := c.Seek(revisionKey(after + 1)); k != nil && len(out) < first; k, v = c.Next() {
			ch, err := changelog.Decode(v)
			if err != nil {
				return fmt.Errorf("%s, revision %d: %w", j.path, binary.BigEndian.Uint64(k), err)
			}
			out = append(out, ch)
		}
		return nil
	})
	return out, err
}

// Close implements embedded.Journal.
func (j *Journal) Close() error { return j.db.Close() }
