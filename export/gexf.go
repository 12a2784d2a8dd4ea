package export

import (
	"io"

	"github.com/conflictgraph/conflictgraph/domain"
)

// attvalues writes the values an element has, one <attvalue> per column.
func attvalues[T any](x *xmlWriter, cols []column[T], el T) {
	x.start("attvalues")
	for _, c := range cols {
		if v, ok := c.value(el); ok {
			x.empty("attvalue", "for", c.name, "value", v)
		}
	}
	x.end("attvalues")
}

var gexfTypes = map[valueType]string{typeString: "string", typeInt: "integer", typeDouble: "double"}

// WriteGEXF writes the subgraph as a static, directed GEXF 1.2 document,
// Gephi's own format: node and edge attributes declared once (ids and titles
// are the column names, in the columns' order), nodes labelled with their
// names, edges with their relationship type, and each element's attribute
// values. Dates are strings as precise as the source, lists JSON arrays.
// Whether a limit cut the graph short, and the documents the citations
// name, are in the meta description.
func WriteGEXF(w io.Writer, g *domain.Subgraph, sources []*domain.Source) error {
	x := newXMLWriter(w)
	x.header()
	x.start("gexf", "xmlns", "http://www.gexf.net/1.2draft",
		"xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance",
		"xsi:schemaLocation", "http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd",
		"version", "1.2")
	x.start("meta")
	x.text("creator", "conflictgraph")
	desc := "The conflict graph: entities and their dated, cited relationships."
	if g.Truncated {
		desc += " Truncated: a limit cut this graph short."
	}
	if list := sourceList(sources); len(list) > 0 {
		desc += " Sources the citations name: " + jsonText(list)
	}
	x.text("description", desc)
	x.end("meta")
	x.start("graph", "mode", "static", "defaultedgetype", "directed")
	x.start("attributes", "class", "node")
	for _, c := range nodeColumns {
		x.empty("attribute", "id", c.name, "title", c.name, "type", gexfTypes[c.typ])
	}
	x.end("attributes")
	x.start("attributes", "class", "edge")
	for _, c := range edgeColumns {
		x.empty("attribute", "id", c.name, "title", c.name, "type", gexfTypes[c.typ])
	}
	x.end("attributes")
	x.start("nodes")
	for _, e := range g.Entities {
		x.start("node", "id", e.ID, "label", e.Name)
		attvalues(x, nodeColumns, nodeOf(e))
		x.end("node")
	}
	x.end("nodes")
	x.start("edges")
	for _, r := range g.Relationships {
		x.start("edge", "id", r.ID, "source", r.FromID, "target", r.ToID, "label", string(r.Type))
		attvalues(x, edgeColumns, r)
		x.end("edge")
	}
	x.end("edges")
	x.end("graph")
	x.end("gexf")
	return x.close()
}
