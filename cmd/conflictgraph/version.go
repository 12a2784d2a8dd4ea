package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

func version(args []string, stdout io.Writer) error {
	fs := newFlags("version", "version",
		"Print the module version, the commit and commit date the binary was built from, and the Go\n"+
			"release that built it, as the Go toolchain recorded them in the binary.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	info, _ := debug.ReadBuildInfo()
	_, err := io.WriteString(stdout, versionText(info, runtime.GOOS+"/"+runtime.GOARCH))
	return err
}

// versionText describes a build from what the Go toolchain stamped into it:
// the module version ("(devel)" when built from a checkout without a
// version), and, when built from a git checkout by go build or go install,
// the commit, whether it had uncommitted changes, and the commit's date. Go
// records no build time (builds are reproducible); the date is the commit's.
func versionText(info *debug.BuildInfo, platform string) string {
	if info == nil {
		return "conflictgraph (no build information: the binary was built without module support)\n"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	out := fmt.Sprintf("conflictgraph %s\n", v)
	if rev := settings["vcs.revision"]; rev != "" {
		if settings["vcs.modified"] == "true" {
			rev += " (with uncommitted changes)"
		}
		out += fmt.Sprintf("commit   %s\n", rev)
		if t := settings["vcs.time"]; t != "" {
			out += fmt.Sprintf("date     %s (of the commit)\n", t)
		}
	} else {
		out += "commit   unknown (not built by go build from a git checkout; go run and go install ...@version record none)\n"
	}
	out += fmt.Sprintf("module   %s\n", info.Main.Path)
	out += fmt.Sprintf("go       %s %s\n", info.GoVersion, platform)
	return out
}
