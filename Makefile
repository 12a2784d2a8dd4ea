# Developer entry points. `make test` is what CI runs (through .ci/run).
GO ?= go

.PHONY: serve test test-embedded vet generate check fresh-clone neo4j neo4j-stop fuzz loadtest loadtest-neo4j loadtest-build \
	web web-check venv screenshots bench-import bench-import-neo4j

## serve: run the server on the embedded graph at http://localhost:8080/
serve:
	$(GO) run ./cmd/conflictgraph serve

## test: vet, then every test with the race detector, on both backends. Uses
## the Neo4j of NEO4J_URI, or starts one (and stops it afterwards).
test: vet
	scripts/neo4j run -- $(GO) test -race -count=1 ./...

## test-embedded: the tests without Neo4j (its tests skip, saying how to run them)
test-embedded: vet
	$(GO) test -race -count=1 ./...

## fresh-clone: clone HEAD alone into an empty temporary directory, serve it
## with the README's first command and query it, then run test-embedded
## there: what CI checks so that nothing depends on files outside the repo
fresh-clone:
	scripts/fresh-clone

## neo4j: start a Neo4j 5 in the background and print its NEO4J_URI
neo4j:
	@scripts/neo4j start

## neo4j-stop: stop it and delete its data
neo4j-stop:
	@scripts/neo4j stop

vet:
	$(GO) vet ./...

## fuzz: run each fuzz target for a fixed number of executions, about ten
## seconds each on two cores: hostile documents, variables and bodies against
## the HTTP handler, the PartialDate and cursor parsers, and search folding. A crasher is saved
## under the package's testdata/fuzz/ and then replayed by every `go test`.
## Budgets are counts, not durations: with a duration, Go 1.26's fuzz
## coordinator can fail a clean run with "context deadline exceeded" as the
## time runs out (golang/go#75804, fixed in Go 1.27). FUZZTIME, when set,
## overrides every target's budget (e.g. FUZZTIME=1000000x, or 5m locally).
FUZZTIME ?=
FUZZ_TARGETS = server:FuzzGraphQL:10000x server:FuzzRequestBody:40000x \
	domain:FuzzParsePartialDate:500000x domain:FuzzFold:400000x graph:FuzzDecodeCursor:200000x
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; rest=$${t#*:}; fn=$${rest%%:*}; budget=$${rest#*:}; \
	  fz='$(FUZZTIME)'; budget=$${fz:-$$budget}; echo "fuzz $$fn (./$$pkg) for $$budget"; \
	  $(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $$budget -fuzzminimizetime 500x ./$$pkg; \
	done

## loadtest: build the server and the load test, start the server (embedded
## backend) on a free loopback port, run LOADTEST_CLIENTS clients for
## LOADTEST_DURATION, stop the server. Fails on any error or growing memory.
LOADTEST_CLIENTS ?= 48
LOADTEST_DURATION ?= 45s
LOADTEST_BIN ?= $(or $(TMPDIR),/tmp)/conflictgraph-loadtest
loadtest: loadtest-build
	$(LOADTEST_BIN)/loadtest -server $(LOADTEST_BIN)/conflictgraph -clients $(LOADTEST_CLIENTS) -duration $(LOADTEST_DURATION)

## loadtest-neo4j: the same on the production backend: starts a Neo4j (or
## uses NEO4J_URI's), seeds it, and runs the load test against a server on it.
## The memory watched is the server's, not Neo4j's.
loadtest-neo4j: loadtest-build
	scripts/neo4j run -- sh -c '$(LOADTEST_BIN)/conflictgraph seed --reset && \
	  $(LOADTEST_BIN)/loadtest -server $(LOADTEST_BIN)/conflictgraph -backend neo4j -clients $(LOADTEST_CLIENTS) -duration $(LOADTEST_DURATION)'

loadtest-build:
	mkdir -p $(LOADTEST_BIN)
	$(GO) build -o $(LOADTEST_BIN)/conflictgraph ./cmd/conflictgraph
	$(GO) build -o $(LOADTEST_BIN)/loadtest ./cmd/loadtest

## bench-import: import a generated ACLED export of BENCH_ROWS rows (one
## million) into the embedded store, in memory and then on disk as
## `import --data-dir` writes it, each test binary under GNU time
## (/usr/bin/time -v: "Maximum resident set size" is the peak memory), then
## the graph-query benchmarks on the grown graph. Not part of `make test`:
## it takes minutes and gigabytes (docs/benchmarks.md has the numbers).
BENCH_ROWS ?= 1000000
BENCH_BIN ?= $(or $(TMPDIR),/tmp)/conflictgraph-bench
bench-import:
	mkdir -p $(BENCH_BIN)
	$(GO) test -c -o $(BENCH_BIN)/embedded.test ./embedded/
	$(GO) test -c -o $(BENCH_BIN)/boltdb.test ./boltdb/
	cd embedded && CONFLICTGRAPH_BENCH_ROWS=$(BENCH_ROWS) /usr/bin/time -v $(BENCH_BIN)/embedded.test \
	  -test.run '^$$' -test.bench 'ImportACLED$$' -test.benchtime 1x -test.timeout 60m -test.v
	cd boltdb && CONFLICTGRAPH_BENCH_ROWS=$(BENCH_ROWS) /usr/bin/time -v $(BENCH_BIN)/boltdb.test \
	  -test.run '^$$' -test.bench 'ImportACLED$$' -test.benchtime 1x -test.timeout 60m -test.v
	cd embedded && CONFLICTGRAPH_BENCH_ROWS=$(BENCH_ROWS) $(BENCH_BIN)/embedded.test \
	  -test.run '^$$' -test.bench 'ImportedGraphQueries' -test.benchtime 20x -test.timeout 60m

## bench-import-neo4j: the same import into Neo4j (NEO4J_URI's, or one it
## starts), 100,000 rows unless BENCH_ROWS_NEO4J says otherwise, then the
## graph queries on the grown graph.
BENCH_ROWS_NEO4J ?= 100000
bench-import-neo4j:
	scripts/neo4j run -- env CONFLICTGRAPH_BENCH_ROWS=$(BENCH_ROWS_NEO4J) $(GO) test -run '^$$' \
	  -bench 'ImportACLED$$' -benchtime 1x -timeout 180m -v ./neo4jstore/
	scripts/neo4j run -- env CONFLICTGRAPH_BENCH_ROWS=$(BENCH_ROWS_NEO4J) $(GO) test -run '^$$' \
	  -bench 'ImportedGraphQueries' -benchtime 20x -timeout 180m ./neo4jstore/

## generate: regenerate the gqlgen code after editing schema.graphqls or gqlgen.yml
generate:
	$(GO) generate ./...

## check: what CI adds to the tests: formatting and generated code in step
check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) generate ./...
	@git diff --exit-code -- graph || { echo "generated code is stale: run make generate and commit"; exit 1; }

## web: refresh web/vendor/ (the playground's and explorer's libraries, with
## their licences) from web/package-lock.json. Needs Node 20 and npm; the
## server never does. To upgrade a library, change its version in
## web/package.json, run `npm install` in web/, then this.
web:
	cd web && npm ci --no-audit --no-fund --ignore-scripts && node vendor.mjs

## web-check: what CI adds for the front end: the vendored files are the
## ones the lock file gives.
web-check: web
	@git diff --exit-code -- web/vendor && test -z "$$(git status --porcelain -- web/vendor)" || { echo "web/vendor is not what web/package-lock.json gives: run make web and commit"; exit 1; }

## venv: a Python venv in .venv with networkx (pinned in
## server/testdata/requirements.txt), the reader the export tests use.
VENV ?= .venv
venv:
	test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r server/testdata/requirements.txt

## screenshots: regenerate the README's screenshots (docs/screenshots/) with
## the browser tests (needs Debian's chromium).
screenshots:
	UPDATE_SCREENSHOTS=1 REQUIRE_BROWSER=1 $(GO) test -count=1 -run 'InBrowser|LargeNeighbourhood' -v ./web/
