package export

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"time"

	"github.com/conflictgraph/conflictgraph/domain"
)

// WriteCSV writes the subgraph as a zip of CSV files (RFC 4180, UTF-8, a
// header row first): nodes.csv with one row per entity (id, then the node
// columns), edges.csv with one row per relationship (id, source, target,
// then the edge columns) and sources.csv with one row per document the
// citations name (id, title, publisher, published, url). An attribute an
// element lacks is an empty cell; dates are as precise as the source, lists
// JSON arrays.
func WriteCSV(w io.Writer, g *domain.Subgraph, sources []*domain.Source) error {
	z := zip.NewWriter(w)
	if err := csvFile(z, "nodes.csv", []string{"id"}, nodeColumns, g.Entities, nodeOf, func(e node) []string {
		return []string{e.ID}
	}); err != nil {
		return err
	}
	if err := csvFile(z, "edges.csv", []string{"id", "source", "target"}, edgeColumns, g.Relationships, itself, func(r *domain.Relationship) []string {
		return []string{r.ID, r.FromID, r.ToID}
	}); err != nil {
		return err
	}
	var cited []*domain.Source
	for _, s := range sources {
		if s != nil {
			cited = append(cited, s)
		}
	}
	if err := csvFile(z, "sources.csv", []string{"id", "title", "publisher", "published", "url"}, nil, cited, itself, func(s *domain.Source) []string {
		return []string{s.ID, s.Title, s.Publisher, s.Published.String(), s.URL}
	}); err != nil {
		return err
	}
	return z.Close()
}

// itself reads an element as it is, for a file whose columns take it so.
func itself[T any](x T) T { return x }

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
