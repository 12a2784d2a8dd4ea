// Package prereq handles a test's missing prerequisite (a Neo4j, a browser,
// a Python library) one way everywhere: the test skips with a message that
// says how to get it, or fails where an environment variable such as
// REQUIRE_NEO4J=1 says it must run (CI sets them), so a missing
// prerequisite never passes silently.
package prereq

import (
	"os"
	"testing"
)

// Missing skips t with how, or fails it when the environment variable
// require is "1".
func Missing(t testing.TB, require, how string) {
	t.Helper()
	if os.Getenv(require) == "1" {
		t.Fatal(how + " (" + require + "=1 makes this a failure)")
	}
	t.Skip(how)
}
