package ingest

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Table reads a CSV data set record by record (encoding/csv, streaming),
// finding its columns by header name, whatever their order and case.
type Table struct {
	r    *csv.Reader
	cols map[string]int
	n    int // fields in the header
}

// NewTable reads the header of r and checks that it names every required
// column; INVALID naming the missing ones otherwise. A UTF-8 byte order
// mark before the header is ignored.
func NewTable(r io.Reader, required ...string) (*Table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, invalidf("the file is empty: want a CSV header naming the columns (%s)", strings.Join(required, ", "))
	}
	if err != nil {
		return nil, invalidf("the header does not read as CSV: %v", err)
	}
	t := &Table{r: cr, cols: map[string]int{}, n: len(header)}
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		t.cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var missing []string
	for _, c := range required {
		if !t.Has(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, invalidf("the header lacks the column(s) %s (it has %s)", strings.Join(missing, ", "), strings.Join(slices.Clone(header), ", "))
	}
	return t, nil
}

// Has reports whether the header names the column.
func (t *Table) Has(col string) bool { _, ok := t.cols[col]; return ok }

// Fields is one record, read by column name.
type Fields struct {
	t   *Table
	rec []string
}

// Get returns the column's value, trimmed; "" when the header lacks it.
func (f Fields) Get(col string) string {
	i, ok := f.t.cols[col]
	if !ok || i >= len(f.rec) {
		return ""
	}
	return strings.TrimSpace(f.rec[i])
}

// Next returns the next record and the line it starts on. A record that
// cannot be used as it stands (it does not parse as CSV, has another number
// of fields than the header, or is not UTF-8) comes back with bad saying
// why, for the caller to reject. err is io.EOF at the end, and anything
// else when the file cannot be read.
func (t *Table) Next() (f Fields, line int, bad string, err error) {
	rec, err := t.r.Read()
	var pe *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		return Fields{}, 0, "", io.EOF
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
		line, _ = t.r.FieldPos(0)
		return Fields{}, line, fmt.Sprintf("has %d fields; the header has %d", len(rec), t.n), nil
	case errors.As(err, &pe):
		return Fields{}, pe.StartLine, "does not read as CSV: " + pe.Err.Error(), nil
	case err != nil:
		return Fields{}, 0, "", err
	}
	line, _ = t.r.FieldPos(0)
	if len(rec) != t.n {
		return Fields{}, line, fmt.Sprintf("has %d fields; the header has %d", len(rec), t.n), nil
	}
	for _, v := range rec {
		if !utf8.ValidString(v) {
			return Fields{}, line, "is not valid UTF-8", nil
		}
	}
	return Fields{t: t, rec: rec}, line, "", nil
}

// ReadTable streams the CSV table r into im: it checks the header for
// the required columns, rejects the rows Next finds unusable, and calls row
// with every other one, which must Add or Reject it. It stops at the end
// of the file, when ctx ends, or on an error of row's or of the file's.
func ReadTable(ctx context.Context, r io.Reader, im *Importer, required []string, row func(f Fields, line int) error) error {
	t, err := NewTable(r, required...)
	if err != nil {
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, line, bad, err := t.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", line, err)
		}
		if bad != "" {
			if err := im.Reject(line, "", "the row "+bad); err != nil {
				return err
			}
			continue
		}
		if err := row(f, line); err != nil {
			return err
		}
	}
}
