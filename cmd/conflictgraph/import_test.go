package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/boltdb"
	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/ingesttest"
)

// fixture writes one of ingesttest's fixture files to a temporary file.
func fixture(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, ingesttest.Fixture(t, name), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func importRun(t *testing.T, stdin io.Reader, vars map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runIO(context.Background(), append([]string{"import"}, args...), env(vars), stdin, &out, &errOut)
	return out.String(), errOut.String(), err
}

// TestImportIntoDataDir imports ACLED data the ways a user does, into a
// data directory, and serves what it imported.
func TestImportIntoDataDir(t *testing.T) {
	dir := t.TempDir()
	file := fixture(t, "acled.csv")
	rejects := filepath.Join(t.TempDir(), "rejects.csv")
	mapFile := filepath.Join(t.TempDir(), "actors.yaml")
	if err := os.WriteFile(mapFile, []byte("# ACLED's names for the seed's actors\n\"Military Forces of Mali (2021-)\": fama\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, progress, err := importRun(t, nil, nil, "acled", "--data-dir", dir, "--map", mapFile, "--rejects", rejects, file)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, want := range []string{"13 records read", "revision 1 -> 2", "6 created", "line 7 (event_id_cnty MLI1005)", "line 15:"} {
		if !strings.Contains(out, want) {
			t.Errorf("the summary lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(progress, "import acled: 13 records") {
		t.Errorf("no progress line on stderr: %q", progress)
	}
	f, err := os.Open(rejects)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 8 || rows[0][0] != "line" || rows[1][0] != "7" {
		t.Errorf("rejects file: %v, %v; want a header and 7 rows from line 7", rows, err)
	}

	// The same file again, gzipped, from standard input: nothing changes.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(ingesttest.Fixture(t, "acled.csv"))
	zw.Close()
	out, _, err = importRun(t, &gz, nil, "acled", "-", "--data-dir", dir, "--map", mapFile)
	if err != nil || !strings.Contains(out, "revision 2 -> 2") || !strings.Contains(out, "0 created, 0 updated, 6 unchanged") {
		t.Errorf("the second import: %v\n%s", err, out)
	}

	// A server on the directory serves what was imported, with its citation.
	addr, _, stop := startServe(t, []string{"--data-dir", dir}, nil)
	body := postQuery(t, addr, `{ entity(id: "acled-mli1001") { name citations { source { id } locator } relationships(first: 10) { edges { node { id } } } } }`)
	for _, want := range []string{`"Armed clash in Tessit"`, `"locator":"event_id_cnty MLI1001"`, `"fama.participated-in.acled-mli1001"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the served event lacks %s:\n%s", want, body)
		}
	}
	// While it runs, an import into its directory is refused, and says why.
	_, _, err = importRun(t, nil, nil, "ucdp", "--data-dir", dir, fixture(t, "ucdp.csv"))
	if domain.ErrorCode(err) != domain.CodeUnavailable || !strings.Contains(err.Error(), "in use") {
		t.Errorf("import beside a running server: %v; want UNAVAILABLE, in use", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestImportHeldDataDir: the directory is held by another process (here, a
// journal the test holds open).
func TestImportHeldDataDir(t *testing.T) {
	dir := t.TempDir()
	j, err := boltdb.OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	_, _, err = importRun(t, nil, nil, "ftm", "--data-dir", dir, fixture(t, "ftm.jsonl"))
	if domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Errorf("err = %v, want UNAVAILABLE", err)
	}
}

func TestImportMistakes(t *testing.T) {
	dir := t.TempDir()
	badMap := filepath.Join(t.TempDir(), "map.csv")
	os.WriteFile(badMap, []byte("name,entity\nWagner,no-such-entity\n"), 0o644)
	noHeader := filepath.Join(t.TempDir(), "events.csv")
	os.WriteFile(noHeader, []byte("a,b\n1,2\n"), 0o644)
	tests := []struct {
		name  string
		args  []string
		usage bool
		code  domain.Code
	}{
		{"no format", nil, true, ""},
		{"unknown format", []string{"gdelt", "x.csv"}, true, ""},
		{"no file", []string{"acled", "--data-dir", dir}, true, ""},
		{"two files", []string{"acled", "--data-dir", dir, "a.csv", "b.csv"}, true, ""},
		{"no data dir", []string{"acled", fixture(t, "acled.csv")}, true, ""},
		{"missing file", []string{"acled", "--data-dir", dir, filepath.Join(dir, "none.csv")}, false, domain.CodeInternal},
		{"a map naming an entity that does not exist", []string{"acled", "--data-dir", dir, "--map", badMap, fixture(t, "acled.csv")}, false, domain.CodeInvalid},
		{"a file without ACLED's columns", []string{"acled", "--data-dir", dir, noHeader}, false, domain.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := importRun(t, nil, nil, tt.args...)
			var u usageError
			switch {
			case tt.usage && (!errors.As(err, &u) || exitCode(err) != 2):
				t.Errorf("err = %v, want a usage error (exit 2)", err)
			case !tt.usage && (err == nil || domain.ErrorCode(err) != tt.code):
				t.Errorf("err = %v (%s), want %s", err, domain.ErrorCode(err), tt.code)
			}
		})
	}
}

func TestImportHelp(t *testing.T) {
	for _, args := range [][]string{{"import", "--help"}, {"import", "acled", "-h"}, {"help", "import", "ftm"}} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, env(nil), &out, &errOut); err != nil || !strings.Contains(out.String(), "Usage:") || errOut.Len() > 0 {
			t.Errorf("%q: err %v, stdout %q, stderr %q", args, err, out.String(), errOut.String())
		}
	}
}

// importIntoNeo4j imports FtM data into the Neo4j at uri twice, the second
// import changing nothing. TestSeedIsIdempotent calls it on its own server,
// seeded, so that no test starts a Neo4j only for this.
func importIntoNeo4j(t *testing.T, uri string) {
	t.Helper()
	vars := map[string]string{"NEO4J_URI": uri}
	file := fixture(t, "ftm.jsonl")
	for i, want := range []string{"revision 1 -> 2", "revision 2 -> 2"} {
		out, _, err := importRun(t, nil, vars, "ftm", "--backend", "neo4j", file)
		if err != nil || !strings.Contains(out, want) || !strings.Contains(out, "line 13 (id NK-addr-1)") {
			t.Errorf("import %d: %v\n%s", i+1, err, out)
		}
	}
}

// importNeedsSeed checks that an import into a Neo4j holding no graph asks
// for conflictgraph seed first.
func importNeedsSeed(t *testing.T, uri string) {
	t.Helper()
	_, _, err := importRun(t, nil, map[string]string{"NEO4J_URI": uri}, "ftm", "--backend", "neo4j", fixture(t, "ftm.jsonl"))
	if err == nil || !strings.Contains(err.Error(), "conflictgraph seed") {
		t.Errorf("import into an empty Neo4j: %v; want it to ask for conflictgraph seed", err)
	}
}
