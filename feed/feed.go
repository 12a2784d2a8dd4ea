// Package feed wakes the readers of the change feed when the graph
// changes. The feed itself is the store's: every change is recorded by
// Store.Apply and read back with Store.Changes, so a subscriber never
// misses or repeats one. This package only says when to look: Notifying
// wraps the store's write door, and Wait returns when a later revision is
// written here, or after a poll interval, which covers writes by other
// processes (an importer, a second server on the same Neo4j).
package feed

import (
	"context"
	"sync"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Feed is a broadcast of the newest revision written through this process.
// The zero value is ready to use.
type Feed struct {
	mu       sync.Mutex
	revision int64
	changed  chan struct{} // closed and replaced at each new revision
}

func (f *Feed) wake() chan struct{} {
	if f.changed == nil {
		f.changed = make(chan struct{})
	}
	return f.changed
}

// Notify records that the graph reached revision rev and wakes every
// waiter.
func (f *Feed) Notify(rev int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if rev <= f.revision {
		return
	}
	f.revision = rev
	close(f.wake())
	f.changed = make(chan struct{})
}

// Wait blocks until a revision after after is notified, poll passes, or ctx
// ends (then it returns ctx's error).
func (f *Feed) Wait(ctx context.Context, after int64, poll time.Duration) error {
	f.mu.Lock()
	if f.revision > after {
		f.mu.Unlock()
		return nil
	}
	woken := f.wake()
	f.mu.Unlock()
	t := time.NewTimer(poll)
	defer t.Stop()
	select {
	case <-woken:
		return nil
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Notifying returns st telling f of every change it applies.
func Notifying(st domain.Store, f *Feed) domain.Store { return &notifying{Store: st, feed: f} }

type notifying struct {
	domain.Store
	feed *Feed
}

// Apply implements domain.Store, notifying the feed of a recorded change.
func (n *notifying) Apply(ctx context.Context, cs *domain.ChangeSet) (*domain.Change, error) {
	ch, err := n.Store.Apply(ctx, cs)
	if err == nil && !ch.Unchanged() {
		n.feed.Notify(ch.Revision)
	}
	return ch, err
}
