package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReplaceAll(t *testing.T) {
	tests := []struct {
		name, code, want, err string
	}{
		{"every one replaced", "a(x) a(y)", "b(x) b(y)", ""},
		{"none to replace", "c(x)", "c(x)", `no "a(" to replace`},
		{"a use it would be wrong for", "a(x) &a", "a(x) &a", `"&a" is there`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "generated.go")
			if err := os.WriteFile(file, []byte(tt.code), 0o644); err != nil {
				t.Fatal(err)
			}
			err := replaceAll(file, "a(", "b(", "calls", "&a")
			if (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("error %v, want one saying %q", err, tt.err)
			}
			got, _ := os.ReadFile(file)
			if string(got) != tt.want {
				t.Errorf("file %q, want %q", got, tt.want)
			}
		})
	}
}
