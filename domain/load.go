package domain

import (
	"context"
	"fmt"
)

// LoadOptions say who loads a graph and how its progress is heard.
type LoadOptions struct {
	Actor  string // required: "seed", an importer's name
	Reason string
	// Progress, when set, hears after each change set how many of the
	// graph's elements are written.
	Progress func(done, total int)
}

// LoadGraph writes g through the store's one write door, Apply: sources,
// then entities, then relationships, each replaced by id, in change sets
// of at most MaxChangeSetSize elements. A graph that fits in one (the seed
// graph does) is one revision; loading the same graph again changes
// nothing and records no revision. It returns the revision the graph is
// at afterwards.
func LoadGraph(ctx context.Context, st Store, g *Graph, o LoadOptions) (int64, error) {
	total := len(g.Sources) + len(g.Entities) + len(g.Relationships)
	done := 0
	var rev int64
	var batch ChangeSet
	flush := func() error {
		if batch.Size() == 0 {
			return nil
		}
		batch.Actor, batch.Reason = o.Actor, o.Reason
		ch, err := st.Apply(ctx, &batch)
		if err != nil {
			return fmt.Errorf("load graph: elements %d-%d of %d: %w", done+1, done+batch.Size(), total, err)
		}
		rev = ch.Revision
		done += batch.Size()
		batch = ChangeSet{}
		if o.Progress != nil {
			o.Progress(done, total)
		}
		return nil
	}
	for _, s := range g.Sources {
		batch.Sources = append(batch.Sources, s)
		if batch.Size() == MaxChangeSetSize {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	for _, e := range g.Entities {
		batch.Entities = append(batch.Entities, e)
		if batch.Size() == MaxChangeSetSize {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	for _, r := range g.Relationships {
		batch.Relationships = append(batch.Relationships, r)
		if batch.Size() == MaxChangeSetSize {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	if total == 0 {
		return st.Revision(ctx)
	}
	return rev, nil
}
