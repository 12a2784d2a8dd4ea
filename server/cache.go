package server

import (
	"context"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/conflictgraph/conflictgraph/metrics"
)

// byteCache is a least-recently-used cache bounded in bytes, not entries,
// for gqlgen's caches of parsed documents and persisted queries: whatever
// requests arrive, it holds at most max bytes (as size counts them), and
// an entry larger than maxEntry is not kept at all, so one huge document
// cannot push out a thousand ordinary ones. It implements graphql.Cache.
type byteCache[T any] struct {
	size     func(key string, value T) int64
	max      int64
	maxEntry int64

	mu    sync.Mutex
	lru   *simplelru.LRU[string, sized[T]]
	bytes int64
}

type sized[T any] struct {
	value T
	bytes int64
}

// maxCacheEntries only sizes the LRU's bookkeeping; the byte budget is what
// bounds the cache.
const maxCacheEntries = 1 << 20

func newByteCache[T any](max int64, size func(string, T) int64) *byteCache[T] {
	c := &byteCache[T]{size: size, max: max, maxEntry: max / 64}
	c.lru, _ = simplelru.NewLRU[string, sized[T]](maxCacheEntries, func(_ string, v sized[T]) { c.bytes -= v.bytes })
	return c
}

// Get implements graphql.Cache.
func (c *byteCache[T]) Get(_ context.Context, key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.lru.Get(key)
	return v.value, ok
}

// Add implements graphql.Cache: it keeps value unless it is larger than
// the cache's largest entry, evicting the least recently used entries
// until the cache is within its budget.
func (c *byteCache[T]) Add(_ context.Context, key string, value T) {
	n := c.size(key, value)
	if n > c.maxEntry {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Remove(key)
	c.lru.Add(key, sized[T]{value, n})
	c.bytes += n
	for c.bytes > c.max {
		c.lru.RemoveOldest()
	}
}

func (c *byteCache[T]) entries() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return int64(c.lru.Len())
}

func (c *byteCache[T]) used() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// register exports the cache's entries and bytes to m.
func (c *byteCache[T]) register(m *metrics.Metrics, name string) {
	m.RegisterCache(metrics.Cache{Name: name, Entries: c.entries, Bytes: c.used, MaxBytes: c.max})
}

// bytesPerNode is what one node of a parsed document (a selection, an
// argument, a value, a directive, a variable definition) is counted as: a
// field's AST node with its position and slices is about 230 bytes, a
// value or an argument less (TestDocumentSizeEstimate measures it).
const bytesPerNode = 256

// documentBytes estimates what a parsed document holds in memory: its text
// twice (the source, and the strings and names cut from it or unescaped)
// and bytesPerNode per node.
func documentBytes(query string, doc *ast.QueryDocument) int64 {
	n := int64(0)
	var value func(v *ast.Value)
	value = func(v *ast.Value) {
		if v == nil {
			return
		}
		n++
		for _, c := range v.Children {
			value(c.Value)
		}
	}
	directives := func(ds ast.DirectiveList) {
		for _, d := range ds {
			n++
			for _, a := range d.Arguments {
				n++
				value(a.Value)
			}
		}
	}
	var selections func(set ast.SelectionSet)
	selections = func(set ast.SelectionSet) {
		for _, sel := range set {
			n++
			switch sel := sel.(type) {
			case *ast.Field:
				for _, a := range sel.Arguments {
					n++
					value(a.Value)
				}
				directives(sel.Directives)
				selections(sel.SelectionSet)
			case *ast.InlineFragment:
				directives(sel.Directives)
				selections(sel.SelectionSet)
			case *ast.FragmentSpread:
				directives(sel.Directives)
			}
		}
	}
	for _, op := range doc.Operations {
		n++
		for _, v := range op.VariableDefinitions {
			n++
			value(v.DefaultValue)
			directives(v.Directives)
		}
		directives(op.Directives)
		selections(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		n++
		directives(f.Directives)
		selections(f.SelectionSet)
	}
	return 2*int64(len(query)) + bytesPerNode*n
}

// queryBytes is what a persisted query holds: its hash and its text.
func queryBytes(hash, query string) int64 { return int64(len(hash)+len(query)) + 64 }
