// Package export shapes subgraphs for visualization libraries.
package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/conflictgraph/conflictgraph/domain"
)

// Cytoscape is a graph as Cytoscape.js elements JSON:
// {"elements": {"nodes": [{"data": ...}], "edges": [{"data": ...}]}}, with
// the sources its citations name beside the elements, so that a reader can
// follow a citation to its document without a second request.
type Cytoscape struct {
	Elements CytoscapeElements `json:"elements"`
	// Sources are the documents the elements cite, ordered by id; each
	// citation names one by id.
	Sources []map[string]any `json:"sources"`
	// Truncated is true when a limit cut the graph short.
	Truncated bool `json:"truncated"`
}

// CytoscapeElements holds the nodes and edges.
type CytoscapeElements struct {
	Nodes []CytoscapeElement `json:"nodes"`
	Edges []CytoscapeElement `json:"edges"`
}

// CytoscapeElement is one node or edge; Cytoscape.js reads its data object.
type CytoscapeElement struct {
	Data map[string]any `json:"data"`
}

// CitedSources returns the ids of the sources g's entities, their figures
// and its relationships cite, sorted and without repeats: the sources an
// export of g lists.
func CitedSources(g *domain.Subgraph) []string {
	var ids []string
	add := func(cs []domain.Citation) {
		for _, c := range cs {
			ids = append(ids, c.SourceID)
		}
	}
	for _, e := range g.Entities {
		add(e.Citations)
		for _, f := range e.Figures {
			add(f.Citations)
		}
	}
	for _, r := range g.Relationships {
		add(r.Citations)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// ToCytoscape converts a subgraph: each node's data holds its id, kind,
// name (also as label), aliases, every attribute it has, its figures and
// citations; each edge's data its id, source, target, type, every property it
// has and its citations. sources are the documents the citations name
// (CitedSources), listed with their title, publisher, date and url where
// known; nil entries are left out.
func ToCytoscape(g *domain.Subgraph, sources []*domain.Source) *Cytoscape {
	out := &Cytoscape{
		Elements: CytoscapeElements{
			Nodes: make([]CytoscapeElement, 0, len(g.Entities)),
			Edges: make([]CytoscapeElement, 0, len(g.Relationships)),
		},
		Sources:   sourceList(sources),
		Truncated: g.Truncated,
	}
	for _, e := range g.Entities {
		out.Elements.Nodes = append(out.Elements.Nodes, CytoscapeElement{Data: nodeData(e)})
	}
	for _, r := range g.Relationships {
		out.Elements.Edges = append(out.Elements.Edges, CytoscapeElement{Data: edgeData(r)})
	}
	return out
}

// WriteCytoscape writes the document ToCytoscape describes, one element at
// a time, so a large export is never held whole in memory. Text is written
// as it is (no HTML escaping of <, > and &).
func WriteCytoscape(w io.Writer, g *domain.Subgraph, sources []*domain.Source) error {
	bw := bufio.NewWriter(w)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	element := func(i int, data map[string]any) error {
		buf.Reset()
		if err := enc.Encode(CytoscapeElement{Data: data}); err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		_, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return err
	}
	bw.WriteString(`{"elements":{"nodes":[`)
	for i, e := range g.Entities {
		if err := element(i, nodeData(e)); err != nil {
			return err
		}
	}
	bw.WriteString(`],"edges":[`)
	for i, r := range g.Relationships {
		if err := element(i, edgeData(r)); err != nil {
			return err
		}
	}
	buf.Reset()
	if err := enc.Encode(sourceList(sources)); err != nil {
		return err
	}
	fmt.Fprintf(bw, "]},\"sources\":%s,\"truncated\":%t}\n", bytes.TrimSuffix(buf.Bytes(), []byte("\n")), g.Truncated)
	return bw.Flush()
}

func nodeData(e *domain.Entity) map[string]any {
	aliases := e.Aliases
	if aliases == nil {
		aliases = []string{}
	}
	d := map[string]any{
		"id":        e.ID,
		"kind":      e.Kind,
		"name":      e.Name,
		"label":     e.Name,
		"aliases":   aliases,
		"citations": citations(e.Citations),
	}
	put(d, "summary", e.Summary)
	for f, v := range e.Attributes() {
		d[string(f)] = v
	}
	if len(e.Figures) > 0 {
		d["figures"] = figures(e.Figures)
	}
	return d
}

func edgeData(r *domain.Relationship) map[string]any {
	d := map[string]any{
		"id":        r.ID,
		"source":    r.FromID,
		"target":    r.ToID,
		"type":      r.Type,
		"certainty": r.Certainty,
		"citations": citations(r.Citations),
	}
	put(d, "validFrom", r.ValidFrom.String())
	put(d, "validTo", r.ValidTo.String())
	put(d, "description", r.Description)
	if r.Count != nil {
		d["count"] = *r.Count
	}
	put(d, "attribution", r.Attribution)
	if m := r.Amount; m != nil {
		// An exact decimal string, as in the API: never a float.
		d["amount"] = amountData(m)
	}
	return d
}

func citations(cs []domain.Citation) []map[string]string {
	out := make([]map[string]string, len(cs))
	for i, c := range cs {
		out[i] = map[string]string{"source": c.SourceID, "quote": c.Quote}
		if c.Locator != "" {
			out[i]["locator"] = c.Locator
		}
	}
	return out
}

// sourceList is the sources' data, nil entries left out: id, title,
// publisher, and the date and url where known.
func sourceList(sources []*domain.Source) []map[string]any {
	out := make([]map[string]any, 0, len(sources))
	for _, s := range sources {
		if s != nil {
			out = append(out, sourceData(s))
		}
	}
	return out
}

func sourceData(s *domain.Source) map[string]any {
	d := map[string]any{"id": s.ID, "title": s.Title, "publisher": s.Publisher}
	put(d, "published", s.Published.String())
	put(d, "url", s.URL)
	return d
}

// put sets a property only when it has a value, so absent stays absent.
func put(d map[string]any, key, value string) {
	if value != "" {
		d[key] = value
	}
}
