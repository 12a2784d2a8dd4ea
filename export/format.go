package export

import (
	"io"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Format is a file format the export writes.
type Format string

// The export formats.
const (
	FormatCytoscape Format = "cytoscape" // Cytoscape.js elements JSON
	FormatGraphML   Format = "graphml"   // GraphML, for yEd, Gephi, networkx, igraph
	FormatGEXF      Format = "gexf"      // GEXF 1.2, Gephi's own format
	FormatCSV       Format = "csv"       // nodes.csv and edges.csv in a zip, for spreadsheets
)

// Formats lists every format, the default first.
var Formats = []Format{FormatCytoscape, FormatGraphML, FormatGEXF, FormatCSV}

// ParseFormat reads a format's name; "" is Cytoscape, the default.
func ParseFormat(s string) (Format, error) {
	if s == "" {
		return FormatCytoscape, nil
	}
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", domain.Invalidf("format %q is not supported; use cytoscape, graphml, gexf or csv", s)
}

// ContentType is the media type of the format's files.
func (f Format) ContentType() string {
	switch f {
	case FormatGraphML:
		return "application/graphml+xml"
	case FormatGEXF:
		return "application/gexf+xml"
	case FormatCSV:
		return "application/zip"
	}
	return "application/json"
}

// Extension is the file name extension of the format, without the dot.
func (f Format) Extension() string {
	switch f {
	case FormatCytoscape:
		return "json"
	case FormatCSV:
		return "zip"
	}
	return string(f)
}

// Write writes the subgraph to w in the format, element by element as it
// goes, so a large export is never held twice in memory, with the sources
// its citations name (CitedSources) so a reader can follow each to its
// document. Write returns the first error writing to w.
func Write(w io.Writer, f Format, g *domain.Subgraph, sources []*domain.Source) error {
	switch f {
	case FormatGraphML:
		return WriteGraphML(w, g, sources)
	case FormatGEXF:
		return WriteGEXF(w, g, sources)
	case FormatCSV:
		return WriteCSV(w, g, sources)
	}
	return WriteCytoscape(w, g, sources)
}
