package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/conflictgraph/conflictgraph/boltdb"
	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/neo4jstore"
)

const keysUsage = `Usage:
  conflictgraph keys add --name NAME --role reader|editor|admin [--data-dir DIR | --backend neo4j ...]
  conflictgraph keys list [--data-dir DIR | --backend neo4j ...]
  conflictgraph keys revoke NAME [--data-dir DIR | --backend neo4j ...]

API keys authorise writes (editor), key management (admin) and, on a server
run with --require-key-for-reads, reads (reader). They live beside the graph:
in the data directory of the embedded backend (the --data-dir a server uses),
or in Neo4j. A new key is printed once, as the last line; only its hash is
kept. Send it as the header Authorization: Bearer KEY.

Run "conflictgraph keys add -h" for the flags.
`

// keysAbout says what each keys subcommand does, for its -h.
var keysAbout = map[string][2]string{
	"add": {"keys add --name NAME --role reader|editor|admin [flags]",
		"Make an API key and print it once, as the last line (only its hash is kept). Its writes are\n" +
			"recorded under NAME."},
	"list":   {"keys list [flags]", "List the API keys: name, role, when made and when revoked."},
	"revoke": {"keys revoke NAME [flags]", "Stop the key NAME working; requests with it are refused from then on."},
}

// keysCommand runs `conflictgraph keys add|list|revoke`.
func keysCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{msg: "keys needs a subcommand: add, list or revoke", usage: keysUsage}
	}
	sub, args := args[0], args[1:]
	if sub == "-h" || sub == "--help" || sub == "-help" || sub == "help" {
		return helpRequested{keysUsage}
	}
	about, ok := keysAbout[sub]
	if !ok {
		return usageError{msg: fmt.Sprintf("unknown keys subcommand %q; use add, list or revoke", sub), usage: keysUsage}
	}
	fs := newFlags("keys "+sub, about[0], about[1])
	var where keysFlags
	where.register(fs, getenv)
	var name, role *string
	if sub == "add" {
		name = fs.String("name", "", "the key's name, a slug such as alice: the actor its changes are recorded under")
		role = fs.String("role", "", "reader, editor or admin")
	}
	var target string
	if sub == "revoke" && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		target, args = args[0], args[1:] // keys revoke alice [flags]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	keys, closeKeys, err := where.open()
	if err != nil {
		return err
	}
	defer closeKeys()
	switch sub {
	case "add":
		return addKey(ctx, keys, *name, *role, stdout)
	case "list":
		return listKeys(ctx, keys, stdout)
	}
	if target == "" {
		return usageError{msg: "keys revoke needs the key's name: conflictgraph keys revoke NAME"}
	}
	if err := keys.RevokeKey(ctx, target, time.Now()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "revoked key %q: requests with it are refused from now on\n", target)
	return nil
}

// keysFlags say where the keys are: the same --data-dir, --backend and
// Neo4j flags as serve.
type keysFlags struct {
	dataDir, backend string
	neo4j            neo4jFlags
}

func (k *keysFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&k.dataDir, "data-dir", getenv("CONFLICTGRAPH_DATA_DIR"), "data `directory` of the embedded backend ($CONFLICTGRAPH_DATA_DIR)")
	fs.StringVar(&k.backend, "backend", or(getenv("CONFLICTGRAPH_BACKEND"), "embedded"), "embedded (with --data-dir) or neo4j ($CONFLICTGRAPH_BACKEND)")
	k.neo4j.register(fs, getenv)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// open returns the key store and what closes it.
func (k *keysFlags) open() (domain.KeyStore, func(), error) {
	switch k.backend {
	case "embedded":
		if k.dataDir == "" {
			return nil, nil, usageError{msg: "the embedded backend keeps keys in its data directory: give --data-dir DIR (the one the server runs with); a server without one keeps no keys"}
		}
		return boltdb.NewKeys(k.dataDir), func() {}, nil
	case "neo4j":
		st, err := k.neo4j.open(neo4jstore.Config{})
		if err != nil {
			return nil, nil, err
		}
		closeStore := func() { _ = st.Close(context.Background()) }
		// The keys' uniqueness constraints must be in place first.
		if err := st.Migrate(context.Background()); err != nil {
			closeStore()
			return nil, nil, err
		}
		return st, closeStore, nil
	}
	return nil, nil, usageError{msg: fmt.Sprintf("unknown backend %q; available: embedded, neo4j", k.backend)}
}

func addKey(ctx context.Context, keys domain.KeyStore, name, role string, stdout io.Writer) error {
	if name == "" || role == "" {
		return usageError{msg: "keys add needs --name NAME and --role reader|editor|admin"}
	}
	key, secret, err := domain.NewAPIKey(name, domain.Role(strings.ToLower(role)), time.Now())
	if err != nil {
		return usageError{msg: err.Error()}
	}
	if err := keys.AddKey(ctx, key); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created key %q with role %s; it is shown this once (only its hash is kept):\n%s\n", key.Name, key.Role, secret)
	return nil
}

func listKeys(ctx context.Context, keys domain.KeyStore, stdout io.Writer) error {
	list, err := keys.Keys(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "no keys yet: conflictgraph keys add --name NAME --role ROLE")
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tROLE\tCREATED\tREVOKED")
	for _, k := range list {
		revoked := "-"
		if !k.Active() {
			revoked = k.Revoked.Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", k.Name, k.Role, k.Created.Format(time.RFC3339), revoked)
	}
	return w.Flush()
}
