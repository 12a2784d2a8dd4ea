package main

// How gqlgen writes the execution context and its calls to collect an
// object's fields, and what documentFieldsOnce writes instead.
const (
	collectCall      = "graphql.CollectFields(ec.OperationContext, sel, "
	collectOnce      = "collectFields(ec.fields, ec.OperationContext, sel, "
	contextType      = "type executionContext struct {\n\t*graphql.ExecutionContextState[ResolverRoot, DirectiveRoot, ComplexityRoot]\n}"
	contextWithCache = "type executionContext struct {\n\t*graphql.ExecutionContextState[ResolverRoot, DirectiveRoot, ComplexityRoot]\n\t// fields are the document's collected fields (graph.fieldsOf).\n\tfields *documentFields\n}"
	execContext      = "ec := newExecutionContext(opCtx, e, make(chan graphql.DeferredResult))"
	execWithCache    = execContext + "\n\tec.fields = fieldsOf(opCtx)"
)

// documentFieldsOnce makes the executable schema in file collect an
// object's fields through graph's collectFields, which keeps them with the
// parsed document for every request that runs it, where gqlgen collects
// them again for each request (graph/fields.go says why). The execution
// context gains the document's fields, looked up once per operation. If
// gqlgen writes any of the three differently, regenerating fails here.
func documentFieldsOnce(file string) error {
	for _, r := range []struct{ old, new, what string }{
		{collectCall, collectOnce, "field collection"},
		{contextType, contextWithCache, "the execution context"},
		{execContext, execWithCache, "the operation's execution context"},
	} {
		if err := replaceAll(file, r.old, r.new, r.what, ""); err != nil {
			return err
		}
	}
	return nil
}
