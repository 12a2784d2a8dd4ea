package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/conflictgraph/conflictgraph/loaders"
)

// marshalList marshals the elements of a list of objects, as gqlgen's
// graphql.MarshalSliceConcurrently does, which tools/gqlgen replaces with
// it in the generated code; the arguments are the same.
//
// gqlgen starts a goroutine for every element, so that the elements' loads
// of the same level join one batch. Most elements load nothing that is not
// already in the request's loaders (the resolver above primed them), and
// then a goroutine, its field context and the growth of its stack are most
// of an element's cost. marshalList resolves the elements in order on the
// calling goroutine while none waits. The first load that is about to wait
// for a fetch (loaders.WithWaitHook) starts every element after the one
// loading, each on a goroutine, before it blocks: their loads join its
// batch, as gqlgen's would, and the batches per level stay the same.
func marshalList(ctx context.Context, length int, workerLimit int64, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	if length == 0 {
		return ret
	}
	l := &list{ret: ret, omitPanicHandler: omitPanicHandler, marshalElement: marshalElement}
	if workerLimit > 0 {
		l.workers = make(chan struct{}, workerLimit)
	}
	if length > 1 {
		ctx = loaders.WithWaitHook(ctx, l.spread)
	}
	l.ctx = ctx
	for i := range length {
		l.mu.Lock()
		if l.spreading {
			l.mu.Unlock()
			break
		}
		l.next = i + 1
		l.mu.Unlock()
		l.marshal(i)
	}
	l.wg.Wait()
	return ret
}

// list is one marshalList call.
type list struct {
	ctx              context.Context
	ret              graphql.Array
	omitPanicHandler bool
	marshalElement   func(ctx context.Context, i int) graphql.Marshaler
	workers          chan struct{} // gqlgen's worker_limit, when set

	mu        sync.Mutex
	next      int  // the first element not yet started
	spreading bool // the elements from next on run on goroutines
	wg        sync.WaitGroup
}

// spread starts every element not yet started on a goroutine of its own;
// it is the list's wait hook, and does nothing after its first call.
func (l *list) spread() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.spreading {
		return
	}
	l.spreading = true
	for i := l.next; i < len(l.ret); i++ {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			if l.workers != nil {
				l.workers <- struct{}{}
				defer func() { <-l.workers }()
			}
			l.marshal(i)
		}()
	}
}

// marshal marshals element i into its place, turning a panic into the
// element's error as gqlgen does unless its omit_panic_handler is set.
func (l *list) marshal(i int) {
	ctx := graphql.WithFieldContext(l.ctx, &graphql.FieldContext{Index: &i})
	if !l.omitPanicHandler {
		defer func() {
			if r := recover(); r != nil {
				graphql.AddError(ctx, graphql.Recover(ctx, r))
				l.ret[i] = graphql.Null
			}
		}()
	}
	l.ret[i] = l.marshalElement(ctx, i)
}
