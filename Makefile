# Developer entry points. `make test` is what CI runs (through .ci/run).
GO ?= go

.PHONY: serve test test-embedded vet generate check fresh-clone neo4j neo4j-stop fuzz loadtest loadtest-neo4j \
	loadtest-overload loadtest-cache loadtest-build web web-check venv screenshots bench-compare bench-scale \
	bench-import bench-import-neo4j

## serve: run the server on the embedded graph at http://localhost:8080/
serve:
	$(GO) run ./cmd/conflictgraph serve

## test: vet, then every test with the race detector, on both backends, on a
## Neo4j of its own that it starts and stops (or the one
## CONFLICTGRAPH_TEST_NEO4J_URI names). NEO4J_URI is never used: it may be
## your own database. TEST_PKGS and TEST_FLAGS narrow it (e.g.
## TEST_PKGS=./neo4jstore/ TEST_FLAGS='-run TestConformance').
TEST_PKGS ?= ./...
# Each package's budget: the Neo4j packages start private servers and run
# thousands of transactions under -race; go test's default 10m is too close.
TEST_TIMEOUT ?= 30m
TEST_FLAGS ?=
test: vet
	scripts/neo4j run -- $(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) $(TEST_FLAGS) $(TEST_PKGS)

## test-embedded: the tests without Neo4j (its tests skip, saying how to run them)
test-embedded: vet
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...

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

## loadtest-neo4j: the same on the production backend: starts a Neo4j of its
## own (never NEO4J_URI's, which it would reset), seeds it, and runs the load
## test against a server on it. The memory watched is the server's, not Neo4j's.
loadtest-neo4j: loadtest-build
	scripts/neo4j run -- sh -c '$(LOADTEST_BIN)/conflictgraph seed --reset && \
	  $(LOADTEST_BIN)/loadtest -server $(LOADTEST_BIN)/conflictgraph -backend neo4j -clients $(LOADTEST_CLIENTS) -duration $(LOADTEST_DURATION)'

## loadtest-overload: a cheap query's latency on an idle server for
## LOADTEST_PHASE, then for as long again while LOADTEST_HEAVY_CLIENTS clients
## send the heaviest queries the limits allow, ignoring Retry-After.
LOADTEST_HEAVY_CLIENTS ?= 64
LOADTEST_PHASE ?= 20s
loadtest-overload: loadtest-build
	$(LOADTEST_BIN)/loadtest -mode overload -server $(LOADTEST_BIN)/conflictgraph -clients $(LOADTEST_HEAVY_CLIENTS) -duration $(LOADTEST_PHASE) -sample 250ms

## loadtest-cache: 1,400 distinct documents, each with a 1 MB id, from 8
## clients: the server's memory high-water mark and what its caches hold.
loadtest-cache: loadtest-build
	$(LOADTEST_BIN)/loadtest -mode cache-attack -server $(LOADTEST_BIN)/conflictgraph -clients 8 -sample 250ms

loadtest-build:
	mkdir -p $(LOADTEST_BIN)
	$(GO) build -o $(LOADTEST_BIN)/conflictgraph ./cmd/conflictgraph
	$(GO) build -o $(LOADTEST_BIN)/loadtest ./cmd/loadtest

## bench-compare: the side-by-side benchmark of docs/benchmarks.md. The
## queries of package bench against this server on the embedded store, the
## server on Neo4j, @neo4j/graphql on the same Neo4j (bench/peer, npm
## packages from its lock file) and the floor (bench/floor: the Go driver
## alone, one statement per answer), on a Neo4j of its own that it seeds
## (scripts/neo4j run). wrk, Debian's, is the load generator: written in C
## and event-driven, two threads drive 32 keep-alive connections for a
## fraction of a core, which matters where it shares two cores with the
## servers and Neo4j (hey spends a Go HTTP client's allocations per request;
## oha would be a Rust build of its own). BENCH_BASELINE names an older
## build of cmd/conflictgraph to measure in the same rounds, for a
## before/after table. BENCH_ONLY narrows the targets (neo4j,peer,floor),
## BENCH_QUERIES the queries by letter (C,D). BENCH_PIN=0 gives Neo4j CPU 0
## and everything else the other CPUs (taskset), so that the ratios to the
## floor show the work a target makes Neo4j do rather than the CPU it takes
## from it. Each target that asks Neo4j first runs each query for
## BENCH_WARMUP (5s), unmeasured, so that no round meets a cold JVM.
## Prints the table; takes about
## rounds x 5 queries x targets x BENCH_DURATION, plus 5 queries x the
## targets that ask Neo4j x BENCH_WARMUP (about 13 minutes in all).
BENCH_ROUNDS ?= 3
BENCH_DURATION ?= 10s
BENCH_CLIENTS ?= 32
BENCH_BASELINE ?=
BENCH_ONLY ?=
BENCH_QUERIES ?=
BENCH_PIN ?=
BENCH_WARMUP ?= 5s
BENCH_BIN ?= $(or $(TMPDIR),/tmp)/conflictgraph-bench
bench-compare:
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk (Debian)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk; }
	cd bench/peer && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	mkdir -p $(BENCH_BIN)
	$(GO) build -o $(BENCH_BIN)/conflictgraph ./cmd/conflictgraph
	$(GO) build -o $(BENCH_BIN)/floor ./bench/floor
	$(GO) build -o $(BENCH_BIN)/compare ./bench/compare
	scripts/neo4j run -- sh -c '$(BENCH_BIN)/compare -neo4j "$$NEO4J_URI" -server $(BENCH_BIN)/conflictgraph \
	  -floor $(BENCH_BIN)/floor -peer bench/peer -rounds $(BENCH_ROUNDS) -duration $(BENCH_DURATION) -warmup $(BENCH_WARMUP) \
	  -clients $(BENCH_CLIENTS) $(if $(BENCH_BASELINE),-baseline $(BENCH_BASELINE)) \
	  $(if $(BENCH_ONLY),-only $(BENCH_ONLY)) $(if $(BENCH_QUERIES),-queries $(BENCH_QUERIES)) $(if $(BENCH_PIN),-pin $(BENCH_PIN))'

## bench-scale: the embedded store with 100k entities and 1M relationships
## (embedded.BenchmarkScale): load time, bytes held per relationship, and
## the p50/p99 of a 2-hop neighbourhood and of 6-hop paths from random and
## from hub starts. About a minute and 1.5 GB of memory.
bench-scale:
	$(GO) test -run '^$$' -bench '^BenchmarkScale$$' -benchtime 1x -timeout 20m ./embedded/
## bench-import: import a generated ACLED export of BENCH_ROWS rows (one
## million) into the embedded store, in memory and then on disk as
## `import --data-dir` writes it, each test binary under GNU time
## (/usr/bin/time -v: "Maximum resident set size" is the peak memory), then
## the graph-query benchmarks on the grown graph. Not part of `make test`:
## it takes minutes and gigabytes (docs/benchmarks.md has the numbers).
BENCH_ROWS ?= 1000000
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
