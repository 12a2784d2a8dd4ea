package embedded

import (
	"sync"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Journal keeps an embedded store's history of changes: the change feed
// reads it, and a store opened on it replays it. A change is appended
// before the store applies it, so what a journal holds is what the store
// answered for.
type Journal interface {
	// Append records ch, the change after the last one recorded. A
	// persistent journal returns only once ch is durable.
	Append(ch *domain.Change) error
	// Replay calls fn with every recorded change, in revision order,
	// stopping at fn's first error.
	Replay(fn func(*domain.Change) error) error
	// Changes returns up to first changes after revision after, in
	// revision order.
	Changes(after int64, first int) ([]*domain.Change, error)
	// Close releases the journal.
	Close() error
}

// MemoryJournal keeps the history in memory: the default, for a server
// whose changes need not outlive it.
type MemoryJournal struct {
	mu      sync.RWMutex
	changes []*domain.Change // changes[i] is revision i+1
}

var _ Journal = (*MemoryJournal)(nil)

// NewMemoryJournal returns an empty journal.
func NewMemoryJournal() *MemoryJournal { return &MemoryJournal{} }

// Append implements Journal.
func (j *MemoryJournal) Append(ch *domain.Change) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.changes = append(j.changes, ch)
	return nil
}

// Replay implements Journal.
func (j *MemoryJournal) Replay(fn func(*domain.Change) error) error {
	j.mu.RLock()
	list := j.changes
	j.mu.RUnlock()
	for _, ch := range list {
		if err := fn(ch); err != nil {
			return err
		}
	}
	return nil
}

// Changes implements Journal.
func (j *MemoryJournal) Changes(after int64, first int) ([]*domain.Change, error) {
	j.mu.RLock()
	defer j.mu.RUnlock()
	start := int(min(max(after, 0), int64(len(j.changes))))
	end := min(start+max(first, 0), len(j.changes))
	return append([]*domain.Change(nil), j.changes[start:end]...), nil
}

// Close implements Journal; there is nothing to release.
func (j *MemoryJournal) Close() error { return nil }
