// Command conflictgraph serves the conflict graph over GraphQL and manages
// its seed data and its Neo4j database.
//
//	conflictgraph serve [--addr HOST:PORT] [--backend embedded|neo4j] [--cors-origins LIST]
//	                    [--max-depth N] [--max-complexity N] [--request-timeout D] [--shutdown-timeout D] ...
//	conflictgraph seed validate [--data DIR] [--docs DIR]
//	conflictgraph seed [--reset] [--neo4j-uri URI]
//	conflictgraph migrate [--neo4j-uri URI]
//	conflictgraph keys add --name NAME --role ROLE [--data-dir DIR | --backend neo4j]
//	conflictgraph import acled|ucdp|ftm [--map FILE] [--data-dir DIR | --backend neo4j] FILE
//	conflictgraph version
//
// Every command and subcommand takes -h or --help, which prints its usage on
// standard output and exits 0; `conflictgraph help COMMAND` does the same.
//
// Neo4j settings come from --neo4j-* flags or NEO4J_URI, NEO4J_USER,
// NEO4J_PASSWORD and NEO4J_DATABASE.
//
// Every serve flag can also be set from the environment: --max-depth from
// CONFLICTGRAPH_MAX_DEPTH, --addr from CONFLICTGRAPH_ADDR and so on (serve -h
// names each); a flag wins over its variable.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runIO(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "conflictgraph:", err)
		os.Exit(exitCode(err))
	}
}

// usageError is a mistake on the command line: exit status 2. usage, when
// set, is the command's usage, printed on standard error before the message.
type usageError struct {
	msg   string
	usage string
}

func (e usageError) Error() string { return e.msg }

// helpRequested is what a command returns when asked for -h or --help: run
// prints usage on standard output and exits 0.
type helpRequested struct{ usage string }

func (helpRequested) Error() string { return "help requested" }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

const usage = `conflictgraph: a GraphQL knowledge graph of conflict actors and aid

Usage:
  conflictgraph serve [flags]          serve GraphQL at /graphql, the playground at /
  conflictgraph seed validate [flags]  check the seed data and its quotes
  conflictgraph seed [flags]           load the seed graph into Neo4j (idempotent)
  conflictgraph migrate [flags]        apply Neo4j constraints and indexes (idempotent)
  conflictgraph keys add|list|revoke   manage the API keys that authorise writes
  conflictgraph import acled|ucdp|ftm  import ACLED, UCDP GED or FollowTheMoney data
  conflictgraph version                print the version, commit and Go release it was built from
  conflictgraph help [command]         print this, or a command's usage

Every command takes -h or --help for its flags ("conflictgraph serve -h").
`

// run is the whole program, with its surroundings passed in so tests can
// drive it. Help goes to stdout and returns nil; a command-line mistake
// prints the usage on stderr and returns a usageError.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return runIO(ctx, args, getenv, strings.NewReader(""), stdout, stderr)
}

// runIO is run with standard input too, which `import FORMAT -` reads.
func runIO(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, getenv, stdin, stdout, stderr)
	var help helpRequested
	if errors.As(err, &help) {
		_, err = io.WriteString(stdout, help.usage)
		return err
	}
	var u usageError
	if errors.As(err, &u) && u.usage != "" {
		fmt.Fprint(stderr, u.usage)
	}
	return err
}

func dispatch(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{msg: "no command given", usage: usage}
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stderr)
	case "seed":
		if len(args) > 1 && args[1] == "validate" {
			return validateSeed(args[2:], stdout)
		}
		return loadSeed(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout)
	case "keys":
		return keysCommand(ctx, args[1:], getenv, stdout)
	case "import":
		return importCommand(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "version", "--version", "-version":
		return version(args[1:], stdout)
	case "help":
		if len(args) > 1 {
			// "help seed validate" is "seed validate --help".
			return dispatch(ctx, append(args[1:len(args):len(args)], "--help"), getenv, stdin, stdout, stderr)
		}
		return helpRequested{usage}
	case "-h", "--help", "-help":
		return helpRequested{usage}
	}
	return usageError{msg: fmt.Sprintf("unknown command %q", args[0]), usage: usage}
}

// newFlags returns the flag set of a command whose usage gives its synopsis
// (after "conflictgraph "), what it does, and its flags.
func newFlags(name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: conflictgraph %s\n\n%s\n", synopsis, about)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprint(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses and refuses stray arguments. -h and --help give a
// helpRequested with the usage; a mistake gives a usageError carrying it.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard) // the flag package's own messages: run prints ours
	err := fs.Parse(args)
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("%s takes no arguments, got %q", fs.Name(), fs.Args())
	}
	if err == nil {
		return nil
	}
	var text bytes.Buffer
	fs.SetOutput(&text)
	fs.Usage()
	if errors.Is(err, flag.ErrHelp) {
		return helpRequested{text.String()}
	}
	return usageError{msg: err.Error(), usage: text.String()}
}
