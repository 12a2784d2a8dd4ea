package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/conflictgraph/conflictgraph/neo4jstore"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/conflictgraph/conflictgraph/acled"
	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/ftm"
	"github.com/conflictgraph/conflictgraph/ingest"
	"github.com/conflictgraph/conflictgraph/ucdp"
)

// formats are the importers, by the name the command takes.
var formats = map[string]ingest.Format{"acled": acled.Format, "ucdp": ucdp.Format, "ftm": ftm.Format}

const importUsage = `Usage:
  conflictgraph import acled|ucdp|ftm [flags] FILE

Import a data set file into the graph that serve runs on (--data-dir DIR, or
--backend neo4j): every record becomes cited entities and links, written as
change sets by the actor import:FORMAT. FILE may be gzip-compressed; - reads
standard input.

  acled  ACLED event export, CSV
  ucdp   UCDP Georeferenced Event Dataset (GED), CSV
  ftm    FollowTheMoney entities as JSON lines (OpenSanctions' exports)

Importing the same file twice changes nothing; a newer export updates what
changed. The summary on standard output says what was created, updated,
found and rejected (with line numbers); progress goes to standard error.

Run "conflictgraph import acled -h" for the flags.
`

// importCommand runs `conflictgraph import FORMAT [flags] FILE`.
func importCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{msg: "import needs a format: acled, ucdp or ftm", usage: importUsage}
	}
	name, args := args[0], args[1:]
	if name == "-h" || name == "--help" || name == "-help" || name == "help" {
		return helpRequested{importUsage}
	}
	format, ok := formats[name]
	if !ok {
		return usageError{msg: fmt.Sprintf("unknown import format %q; use acled, ucdp or ftm", name), usage: importUsage}
	}
	fs := newFlags("import "+name, "import "+name+" [flags] FILE",
		"Import "+format.Dataset.Source.Title+" from FILE (gzip or not; - for standard input)\n"+
			"into the graph of --data-dir DIR or of --backend neo4j. Only one process may hold a data\n"+
			"directory: stop the server on it first, or import into Neo4j, where both can run.")
	var where keysFlags
	where.register(fs, getenv)
	mapFile := fs.String("map", "", "CSV (name,entity) or YAML (name: entity) `file` saying which entity an external name means")
	rejects := fs.String("rejects", "", "write every rejected record (line, record, reason) to this CSV `file`")
	reason := fs.String("reason", "", "why, recorded with every change set (default: the data set's title and FILE)")
	file, err := parseImportFlags(fs, args)
	if err != nil {
		return err
	}
	o := ingest.Options{Reason: *reason}
	if *mapFile != "" {
		if o.Map, err = ingest.ReadMap(*mapFile); err != nil {
			return err
		}
	}
	in, err := ingest.Open(file, stdin)
	if err != nil {
		return err
	}
	defer in.Close()
	if o.Reason == "" {
		o.Reason = fmt.Sprintf("import of %s from %s", format.Dataset.Source.Title, in.Name)
	}
	if *rejects != "" {
		f, err := os.Create(*rejects)
		if err != nil {
			return err
		}
		defer f.Close()
		o.Rejects = f
	}
	st, target, err := where.openStore(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))
	bar := newProgress(stderr, "import "+name, "records", in.Size, true)
	o.Progress = func(n int) { bar.update(n, in.Done()) }
	sum, err := ingest.Run(ctx, st, format, in, o)
	bar.finish()
	if sum != nil {
		fmt.Fprintf(stdout, "into %s from %s\n", target, in.Name)
		if werr := sum.Write(stdout); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return fmt.Errorf("import %s from %s: %w", name, in.Name, err)
	}
	return nil
}

// parseImportFlags parses flags before and after the one FILE argument.
func parseImportFlags(fs *flag.FlagSet, args []string) (string, error) {
	var file string
	var rest []string
	// FILE may stand before, between or after the flags.
	for i := 0; i < len(args); i++ {
		a := args[i]
		if file == "" && (a == "-" || !strings.HasPrefix(a, "-")) && (i == 0 || !needsValue(fs, args[i-1])) {
			file = a
			continue
		}
		rest = append(rest, a)
	}
	if err := parseFlags(fs, rest); err != nil {
		return "", err
	}
	if file == "" {
		var u usageError
		errors.As(parseFlags(fs, []string{"--no-such-flag-shows-usage"}), &u)
		return "", usageError{msg: "import needs the FILE to read (- for standard input)", usage: u.usage}
	}
	return file, nil
}

// needsValue reports whether arg is a flag of fs written without "=value"
// that takes a value (so the next argument is that value, not FILE).
func needsValue(fs *flag.FlagSet, arg string) bool {
	if !strings.HasPrefix(arg, "-") || arg == "-" || strings.Contains(arg, "=") {
		return false
	}
	f := fs.Lookup(strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-"))
	if f == nil {
		return false
	}
	type boolFlag interface{ IsBoolFlag() bool }
	b, ok := f.Value.(boolFlag)
	return !ok || !b.IsBoolFlag()
}

// openStore opens the graph a write command works on, as serve would:
// the embedded store of --data-dir (seeded when never written, as serve
// seeds it), or Neo4j, which must hold a graph already (conflictgraph
// seed). It returns the store and a name of it for messages.
func (k *keysFlags) openStore(ctx context.Context, stderr io.Writer) (domain.Store, string, error) {
	switch k.backend {
	case "embedded":
		if k.dataDir == "" {
			return nil, "", usageError{msg: "the embedded backend keeps what is imported in its data directory: give --data-dir DIR (the one the server runs with), or --backend neo4j"}
		}
		log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		b, err := openEmbedded(ctx, k.dataDir, log)
		if err != nil {
			return nil, "", err
		}
		return b.store, "the embedded graph in " + k.dataDir, nil
	case "neo4j":
		st, err := k.neo4j.open(neo4jstore.Config{})
		if err != nil {
			return nil, "", err
		}
		if err := st.Migrate(ctx); err != nil {
			_ = st.Close(ctx)
			return nil, "", err
		}
		rev, err := st.Revision(ctx)
		if err != nil {
			_ = st.Close(ctx)
			return nil, "", err
		}
		if rev == 0 {
			_ = st.Close(ctx)
			return nil, "", errors.New("the neo4j database holds no graph yet (revision 0): run conflictgraph seed first, so that imports link to the seed graph and serve finds a graph")
		}
		return st, "neo4j at " + k.neo4j.uri, nil
	}
	return nil, "", usageError{msg: fmt.Sprintf("unknown backend %q; available: embedded, neo4j", k.backend)}
}
