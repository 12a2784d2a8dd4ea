package export

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
)

// WriteCSV writes the subgraph as a zip of two CSV files (RFC 4180, UTF-8,
// a header row first): nodes.csv with one row per entity (id, then the node
// columns) and edges.csv with one row per relationship (id, source, target,
// then the edge columns). An attribute an element lacks is an empty cell;
// dates are as precise as the source, lists JSON arrays.
func WriteCSV(w io.Writer, g *domain.Subgraph) error {
	z := zip.NewWriter(w)
	if err := csvFile(z, "nodes.csv", []string{"id"}, nodeColumns, g.Entities, nodeOf, func(e node) []string {
		return []string{e.ID}
	}); err != nil {
		return err
	}
	same := func(r *domain.Relationship) *domain.Relationship { return r }
	if err := csvFile(z, "edges.csv", []string{"id", "source", "target"}, edgeColumns, g.Relationships, same, func(r *domain.Relationship) []string {
		return []string{r.ID, r.FromID, r.ToID}
	}); err != nil {
		return err
	}
	return z.Close()
}

// csvFile writes one CSV file of the zip: for each element, read as the
// columns read it, the fixed leading cells, then its columns.
func csvFile[E, T any](z *zip.Writer, name string, lead []string, cols []column[T], elements []E, read func(E) T, leading func(T) []string) error {
	f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now().UTC()})
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	header := append([]string{}, lead...)
	for _, c := range cols {
		header = append(header, c.name)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, el := range elements {
		row := read(el)
		cells := leading(row)
		for _, c := range cols {
			v, _ := c.value(row)
			cells = append(cells, v)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
