package seed

import (
	"fmt"
	"strings"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Problem is one thing wrong in a seed file, located for the person who
// fixes it.
type Problem struct {
	File    string // path as shown to people, e.g. seed/data/jnim.yaml
	Line    int
	Subject string // the record, e.g. `entity "jnim"`
	Field   string // the field inside the record, e.g. citations[0].quote
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: ", p.File, p.Line)
	if p.Subject != "" {
		b.WriteString(p.Subject + ": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError lists every problem found in the seed files. It matches
// domain.ErrInvalid.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	lines = append(lines, fmt.Sprintf("seed data has %d problem(s):", len(e.Problems)))
	for _, p := range e.Problems {
		lines = append(lines, "  "+p.String())
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.Is(err, domain.ErrInvalid) hold.
func (e *ValidationError) Unwrap() error { return domain.ErrInvalid }

// problems collects problems while a file is read.
type problems struct {
	list []Problem
}

func (ps *problems) add(file string, line int, subject, field, format string, args ...any) {
	ps.list = append(ps.list, Problem{File: file, Line: line, Subject: subject, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps.list}
}
