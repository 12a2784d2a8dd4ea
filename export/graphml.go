package export

import (
	"encoding/xml"
	"io"
	"strconv"

	"github.com/conflictgraph/conflictgraph/domain"
)

var graphmlTypes = map[valueType]string{typeString: "string", typeInt: "int", typeDouble: "double"}

// WriteGraphML writes the subgraph as a directed GraphML document: every
// attribute declared once as a <key> (node keys "node.NAME", edge keys
// "edge.NAME", in the columns' order), then one <node> per entity and one
// <edge> per relationship, each carrying only the attributes it has. Dates
// are strings as precise as the source ("2021", "2021-12"), lists (aliases,
// figures, citations) JSON arrays. A graph-level "truncated" says whether a
// limit cut the graph short, and a graph-level "sources" lists (as JSON) the
// documents the citations name. Parallel edges keep their own ids.
func WriteGraphML(w io.Writer, g *domain.Subgraph, sources []*domain.Source) error {
	x := newXMLWriter(w)
	x.header()
	x.start("graphml", "xmlns", "http://graphml.graphdrawing.org/xmlns",
		"xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance",
		"xsi:schemaLocation", "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd")
	x.empty("key", "id", "graph.truncated", "for", "graph", "attr.name", "truncated", "attr.type", "boolean")
	x.empty("key", "id", "graph.sources", "for", "graph", "attr.name", "sources", "attr.type", "string")
	for _, c := range nodeColumns {
		x.empty("key", "id", "node."+c.name, "for", "node", "attr.name", c.name, "attr.type", graphmlTypes[c.typ])
	}
	for _, c := range edgeColumns {
		x.empty("key", "id", "edge."+c.name, "for", "edge", "attr.name", c.name, "attr.type", graphmlTypes[c.typ])
	}
	x.start("graph", "id", "conflictgraph", "edgedefault", "directed")
	x.text("data", strconv.FormatBool(g.Truncated), "key", "graph.truncated")
	x.text("data", jsonText(sourceList(sources)), "key", "graph.sources")
	for _, e := range g.Entities {
		x.start("node", "id", e.ID)
		dataValues(x, "node.", nodeColumns, nodeOf(e))
		x.end("node")
	}
	for _, r := range g.Relationships {
		x.start("edge", "id", r.ID, "source", r.FromID, "target", r.ToID)
		dataValues(x, "edge.", edgeColumns, r)
		x.end("edge")
	}
	x.end("graph")
	x.end("graphml")
	return x.close()
}

// dataValues writes the values an element has, one <data> per column, keyed
// by the column's key id (prefix and name).
func dataValues[T any](x *xmlWriter, prefix string, cols []column[T], el T) {
	for _, c := range cols {
		if v, ok := c.value(el); ok {
			x.text("data", v, "key", prefix+c.name)
		}
	}
}

// xmlWriter streams an XML document through encoding/xml, keeping the first
// error so writers can go on without checking each token.
type xmlWriter struct {
	enc *xml.Encoder
	err error
}

func newXMLWriter(w io.Writer) *xmlWriter {
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	return &xmlWriter{enc: enc}
}

func (x *xmlWriter) token(t xml.Token) {
	if x.err == nil {
		x.err = x.enc.EncodeToken(t)
	}
}

func (x *xmlWriter) header() {
	x.token(xml.ProcInst{Target: "xml", Inst: []byte(`version="1.0" encoding="UTF-8"`)})
	x.token(xml.CharData("\n"))
}

// start opens an element with attributes given as name, value pairs.
func (x *xmlWriter) start(name string, attrs ...string) {
	el := xml.StartElement{Name: xml.Name{Local: name}}
	for i := 0; i+1 < len(attrs); i += 2 {
		el.Attr = append(el.Attr, xml.Attr{Name: xml.Name{Local: attrs[i]}, Value: attrs[i+1]})
	}
	x.token(el)
}

func (x *xmlWriter) end(name string) { x.token(xml.EndElement{Name: xml.Name{Local: name}}) }

// empty writes an element without content.
func (x *xmlWriter) empty(name string, attrs ...string) {
	x.start(name, attrs...)
	x.end(name)
}

// text writes an element holding text.
func (x *xmlWriter) text(name, text string, attrs ...string) {
	x.start(name, attrs...)
	x.token(xml.CharData(text))
	x.end(name)
}

func (x *xmlWriter) close() error {
	if x.err == nil {
		x.err = x.enc.Close()
	}
	return x.err
}
