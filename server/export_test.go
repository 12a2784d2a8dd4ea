package server_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/prereq"
	"github.com/conflictgraph/conflictgraph/storetest"
)

// element is a node or an edge read back from a file export: its id, and
// every attribute it carries by name (source and target included for edges).
type element struct {
	id    string
	attrs map[string]string
}

// fileExport is what a reader finds in an exported file: the attribute names
// it declares for nodes and for edges, in order, and the elements.
type fileExport struct {
	nodeKeys, edgeKeys []string
	nodes, edges       []element
}

func (f fileExport) byID(els []element, id string) map[string]string {
	for _, e := range els {
		if e.id == id {
			return e.attrs
		}
	}
	return nil
}

// readGraphML reads a GraphML export with encoding/xml.
func readGraphML(t *testing.T, body []byte) fileExport {
	t.Helper()
	var doc struct {
		Keys []struct {
			ID   string `xml:"id,attr"`
			For  string `xml:"for,attr"`
			Name string `xml:"attr.name,attr"`
			Type string `xml:"attr.type,attr"`
		} `xml:"key"`
		Graph struct {
			Nodes []struct {
				ID   string     `xml:"id,attr"`
				Data []xmlValue `xml:"data"`
			} `xml:"node"`
			Edges []struct {
				ID     string     `xml:"id,attr"`
				Source string     `xml:"source,attr"`
				Target string     `xml:"target,attr"`
				Data   []xmlValue `xml:"data"`
			} `xml:"edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("GraphML does not parse: %v", err)
	}
	var out fileExport
	names := map[string]string{}
	for _, k := range doc.Keys {
		if _, dup := names[k.ID]; dup {
			t.Errorf("key %q declared twice", k.ID)
		}
		names[k.ID] = k.Name
		switch k.For {
		case "node":
			out.nodeKeys = append(out.nodeKeys, k.Name)
		case "edge":
			out.edgeKeys = append(out.edgeKeys, k.Name)
		}
	}
	values := func(data []xmlValue) map[string]string {
		m := map[string]string{}
		for _, d := range data {
			if names[d.Key] == "" {
				t.Errorf("data for undeclared key %q", d.Key)
			}
			m[names[d.Key]] = d.Text
		}
		return m
	}
	for _, n := range doc.Graph.Nodes {
		out.nodes = append(out.nodes, element{n.ID, values(n.Data)})
	}
	for _, e := range doc.Graph.Edges {
		attrs := values(e.Data)
		attrs["source"], attrs["target"] = e.Source, e.Target
		out.edges = append(out.edges, element{e.ID, attrs})
	}
	return out
}

type xmlValue struct {
	Key  string `xml:"key,attr"`
	Text string `xml:",chardata"`
}

// readGEXF reads a GEXF export with encoding/xml.
func readGEXF(t *testing.T, body []byte) fileExport {
	t.Helper()
	type attvalues struct {
		Values []struct {
			For   string `xml:"for,attr"`
			Value string `xml:"value,attr"`
		} `xml:"attvalue"`
	}
	var doc struct {
		Graph struct {
			Attributes []struct {
				Class string `xml:"class,attr"`
				Attrs []struct {
					ID    string `xml:"id,attr"`
					Title string `xml:"title,attr"`
				} `xml:"attribute"`
			} `xml:"attributes"`
			Nodes []struct {
				ID     string    `xml:"id,attr"`
				Label  string    `xml:"label,attr"`
				Values attvalues `xml:"attvalues"`
			} `xml:"nodes>node"`
			Edges []struct {
				ID     string    `xml:"id,attr"`
				Source string    `xml:"source,attr"`
				Target string    `xml:"target,attr"`
				Values attvalues `xml:"attvalues"`
			} `xml:"edges>edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("GEXF does not parse: %v", err)
	}
	var out fileExport
	for _, a := range doc.Graph.Attributes {
		for _, attr := range a.Attrs {
			switch a.Class {
			case "node":
				out.nodeKeys = append(out.nodeKeys, attr.Title)
			case "edge":
				out.edgeKeys = append(out.edgeKeys, attr.Title)
			}
		}
	}
	values := func(v attvalues, declared []string) map[string]string {
		m := map[string]string{}
		for _, a := range v.Values {
			if !slices.Contains(declared, a.For) {
				t.Errorf("value for undeclared attribute %q", a.For)
			}
			m[a.For] = a.Value
		}
		return m
	}
	for _, n := range doc.Graph.Nodes {
		out.nodes = append(out.nodes, element{n.ID, values(n.Values, out.nodeKeys)})
	}
	for _, e := range doc.Graph.Edges {
		attrs := values(e.Values, out.edgeKeys)
		attrs["source"], attrs["target"] = e.Source, e.Target
		out.edges = append(out.edges, element{e.ID, attrs})
	}
	return out
}

// readCSVZip reads a CSV export: nodes.csv, edges.csv and sources.csv in a
// zip.
func readCSVZip(t *testing.T, body []byte) fileExport {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var names []string
	for _, f := range z.File {
		names = append(names, f.Name)
	}
	if !slices.Equal(names, []string{"nodes.csv", "edges.csv", "sources.csv"}) {
		t.Fatalf("zip holds %q, want nodes.csv, edges.csv and sources.csv", names)
	}
	read := func(name string, lead int) ([]string, []element) {
		f, err := z.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		header := rows[0]
		var els []element
		for _, row := range rows[1:] {
			m := map[string]string{}
			for i, cell := range row[1:] {
				if cell != "" {
					m[header[i+1]] = cell
				}
			}
			els = append(els, element{row[0], m})
		}
		return header[lead:], els
	}
	var out fileExport
	out.nodeKeys, out.nodes = read("nodes.csv", 1)
	out.edgeKeys, out.edges = read("edges.csv", 3)
	return out
}

func TestExportFileFormats(t *testing.T) {
	h := newAPI(t)
	fixture := storetest.Fixture()
	tests := []struct {
		format, contentType, file string
		read                      func(*testing.T, []byte) fileExport
	}{
		{"graphml", "application/graphml+xml", "conflictgraph.graphml", readGraphML},
		{"gexf", "application/gexf+xml", "conflictgraph.gexf", readGEXF},
		{"csv", "application/zip", "conflictgraph.zip", readCSVZip},
	}
	// The export lists entities and relationships in id order.
	slices.SortFunc(fixture.Entities, func(a, b *domain.Entity) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(fixture.Relationships, func(a, b *domain.Relationship) int { return strings.Compare(a.ID, b.ID) })
	var keys [][]string
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			rec := get(t, h, "/export?format="+tt.format)
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != tt.contentType ||
				rec.Header().Get("Content-Disposition") != `attachment; filename=`+tt.file || rec.Header().Get("X-Export-Truncated") != "false" {
				t.Fatalf("status %d, headers %v", rec.Code, rec.Header())
			}
			doc := tt.read(t, rec.Body.Bytes())
			keys = append(keys, append(slices.Clone(doc.nodeKeys), doc.edgeKeys...))
			if len(doc.nodes) != len(fixture.Entities) || len(doc.edges) != len(fixture.Relationships) {
				t.Fatalf("%d nodes and %d edges; the graph has %d and %d", len(doc.nodes), len(doc.edges), len(fixture.Entities), len(fixture.Relationships))
			}
			for i, e := range fixture.Entities {
				if doc.nodes[i].id != e.ID {
					t.Errorf("node %d is %q, want %q: nodes in id order", i, doc.nodes[i].id, e.ID)
				}
				var cites []map[string]string
				if err := json.Unmarshal([]byte(doc.nodes[i].attrs["citations"]), &cites); err != nil || len(cites) != len(e.Citations) {
					t.Errorf("node %s citations %q: %v", e.ID, doc.nodes[i].attrs["citations"], err)
				}
			}
			for i, r := range fixture.Relationships {
				got := doc.edges[i].attrs
				if doc.edges[i].id != r.ID || got["source"] != r.FromID || got["target"] != r.ToID || got["type"] != string(r.Type) {
					t.Errorf("edge %d = %s %v, want %s", i, doc.edges[i].id, got, r.ID)
				}
				var cites []map[string]string
				if err := json.Unmarshal([]byte(got["citations"]), &cites); err != nil || len(cites) != len(r.Citations) || cites[0]["quote"] != r.Citations[0].Quote {
					t.Errorf("edge %s citations %q: %v", r.ID, got["citations"], err)
				}
			}
			want := map[string]map[string]string{
				"ambush": {"kind": "EVENT", "name": "Border ambush", "date": "2021-12-25", "place": "Border post", "killed": "12", "injured": "5", "category": "AMBUSH"},
			}
			for id, attrs := range want {
				got := doc.byID(doc.nodes, id)
				for k, v := range attrs {
					if got[k] != v {
						t.Errorf("node %s %s = %q, want %q", id, k, got[k], v)
					}
				}
			}
			edges := map[string]map[string]string{
				"training-program.funded.atlantis.fy2019": {"amount": "2300000.00", "currency": "USD", "qualifier": "AT_LEAST", "fiscalYear": "2019"},
				"union.formed-from.front":                 {"validFrom": "2017-03", "certainty": "STATED"},
				"front.operates-in.lemuria":               {"validFrom": "2012", "validTo": "2015-06"},
				"東京-mission.deployed-to.atlantis":         {"count": "12", "validFrom": "2019-03-15"},
				"lemuria.supports.union":                  {"certainty": "ALLEGED"},
			}
			for id, attrs := range edges {
				got := doc.byID(doc.edges, id)
				for k, v := range attrs {
					if got[k] != v {
						t.Errorf("edge %s %s = %q, want %q", id, k, got[k], v)
					}
				}
				if id == "union.formed-from.front" && got["amount"] != "" {
					t.Errorf("an edge without an amount has amount %q", got["amount"])
				}
			}
			if again := get(t, h, "/export?format="+tt.format); tt.format != "csv" && !bytes.Equal(again.Body.Bytes(), rec.Body.Bytes()) {
				t.Error("two exports of the same graph differ")
			}
		})
	}
	// A frontend on another origin can read whether the file was cut and
	// its name.
	cross := get(t, h, "/export?format=graphml", "Origin", "http://localhost:5173")
	if exposed := cross.Header().Get("Access-Control-Expose-Headers"); !strings.Contains(exposed, "X-Export-Truncated") || !strings.Contains(exposed, "Content-Disposition") {
		t.Errorf("Access-Control-Expose-Headers %q", exposed)
	}
	for i := 1; i < len(keys); i++ {
		if !slices.Equal(keys[i], keys[0]) {
			t.Errorf("%s declares %q; %s declares %q", tests[i].format, keys[i], tests[0].format, keys[0])
		}
	}
}

func TestExportFilters(t *testing.T) {
	h := newAPI(t)
	fixture := storetest.Fixture()
	d := domain.MustPartialDate
	tests := []struct {
		name, target string
		nodes        int // -1: every entity
		keep         func(*domain.Relationship) bool
	}{
		{"asOf, whole graph", "/export?format=graphml&asOf=2016", -1, func(r *domain.Relationship) bool { return r.HoldsAt(d("2016")) }},
		{"types, whole graph", "/export?format=graphml&types=FIGHTS,ATTACKED", -1, func(r *domain.Relationship) bool {
			return r.Type == domain.RelFights || r.Type == domain.RelAttacked
		}},
		{"types repeated", "/export?format=graphml&types=FIGHTS&types=ATTACKED", -1, func(r *domain.Relationship) bool {
			return r.Type == domain.RelFights || r.Type == domain.RelAttacked
		}},
		{"both, whole graph", "/export?format=graphml&types=FIGHTS&asOf=2019", -1, func(r *domain.Relationship) bool {
			return r.Type == domain.RelFights && r.HoldsAt(d("2019"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, h, tt.target)
			if rec.Code != http.StatusOK {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			doc := readGraphML(t, rec.Body.Bytes())
			var want []string
			for _, r := range fixture.Relationships {
				if tt.keep(r) {
					want = append(want, r.ID)
				}
			}
			var got []string
			for _, e := range doc.edges {
				got = append(got, e.id)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) || len(want) == 0 || len(want) == len(fixture.Relationships) {
				t.Errorf("edges %q, want %q (of %d)", got, want, len(fixture.Relationships))
			}
			if len(doc.nodes) != len(fixture.Entities) {
				t.Errorf("%d nodes, want every entity (%d)", len(doc.nodes), len(fixture.Entities))
			}
		})
	}

	// A filtered neighbourhood is the GraphQL neighborhood with the same
	// arguments, in every format.
	var gql struct {
		Neighborhood struct {
			Nodes         []struct{ ID string }
			Relationships []struct{ ID string }
		}
	}
	post(t, h, `{ neighborhood(id: "atlantis", depth: 2, asOf: "2021", types: [FIGHTS, LED_BY, ATTACKED]) { nodes { id } relationships { id } } }`, nil).decode(t, &gql)
	for _, format := range []string{"cytoscape", "graphml", "gexf", "csv"} {
		rec := get(t, h, "/export?format="+format+"&id=atlantis&depth=2&asOf=2021&types=FIGHTS,LED_BY,ATTACKED")
		var nodes, edges []string
		switch format {
		case "cytoscape":
			var doc cytoscape
			if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			for _, n := range doc.Elements.Nodes {
				nodes = append(nodes, n.Data["id"].(string))
			}
			for _, e := range doc.Elements.Edges {
				edges = append(edges, e.Data["id"].(string))
			}
		default:
			read := map[string]func(*testing.T, []byte) fileExport{"graphml": readGraphML, "gexf": readGEXF, "csv": readCSVZip}[format]
			doc := read(t, rec.Body.Bytes())
			for _, n := range doc.nodes {
				nodes = append(nodes, n.id)
			}
			for _, e := range doc.edges {
				edges = append(edges, e.id)
			}
			if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, "conflictgraph-atlantis.") {
				t.Errorf("%s: Content-Disposition %q does not name the entity", format, cd)
			}
		}
		var wantNodes, wantEdges []string
		for _, n := range gql.Neighborhood.Nodes {
			wantNodes = append(wantNodes, n.ID)
		}
		for _, r := range gql.Neighborhood.Relationships {
			wantEdges = append(wantEdges, r.ID)
		}
		slices.Sort(nodes)
		slices.Sort(edges)
		slices.Sort(wantNodes)
		slices.Sort(wantEdges)
		if !slices.Equal(nodes, wantNodes) || !slices.Equal(edges, wantEdges) || len(edges) == 0 {
			t.Errorf("%s: nodes %q edges %q; GraphQL gives %q and %q", format, nodes, edges, wantNodes, wantEdges)
		}
	}
}

// networkxPython is a Python that can import networkx: $NETWORKX_PYTHON,
// the repository's .venv (make venv), or python3. The test skips, or fails
// under REQUIRE_NETWORKX=1 (as in CI), without one.
func networkxPython(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("NETWORKX_PYTHON"), filepath.Join("..", ".venv", "bin", "python"), "python3"}
	for _, py := range candidates {
		if py == "" {
			continue
		}
		if err := exec.Command(py, "-c", "import networkx").Run(); err == nil {
			return py
		}
	}
	prereq.Missing(t, "REQUIRE_NETWORKX", "no Python with networkx: run `make venv` (a .venv with networkx from PyPI) or set NETWORKX_PYTHON")
	return ""
}

// TestExportsReadByNetworkx has networkx, a reader written by others, read
// the GraphML and GEXF exports of the whole seed graph, and Python's csv
// module the CSV zip: they must find the nodes and edges the Cytoscape
// export has, and the attributes with their types.
func TestExportsReadByNetworkx(t *testing.T) {
	py := networkxPython(t)
	h := newSeedAPI(t)
	doc := exportOf(t, h, "/export?format=cytoscape")
	dir := t.TempDir()
	files := map[string]string{}
	for _, format := range []string{"graphml", "gexf", "csv"} {
		rec := get(t, h, "/export?format="+format)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", format, rec.Code, rec.Body)
		}
		files[format] = filepath.Join(dir, "seed."+format)
		if err := os.WriteFile(files[format], rec.Body.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	const node, edge = "wagner-group", "mali.funded.wagner-group.monthly-fee"
	cmd := exec.Command(py, filepath.Join("testdata", "read_exports.py"), files["graphml"], files["gexf"], files["csv"], node, edge)
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("read_exports.py: %v\n%s", err, exit.Stderr)
		}
		t.Fatal(err)
	}
	type typed [2]any // [Python type name, value]
	type graph struct {
		Nodes, Edges int
		Directed     bool
		Node, Edge   map[string]typed
	}
	var got struct {
		GraphML, GEXF graph
		CSV           map[string]struct {
			Rows int
			Row  map[string]string
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	nodes, edges := len(doc.Elements.Nodes), len(doc.Elements.Edges)
	if nodes < 100 || edges < 200 {
		t.Fatalf("the Cytoscape export has %d nodes and %d edges: not the seed graph", nodes, edges)
	}
	for name, g := range map[string]graph{"GraphML": got.GraphML, "GEXF": got.GEXF} {
		if g.Nodes != nodes || g.Edges != edges || !g.Directed {
			t.Errorf("networkx reads the %s as %d nodes and %d edges (directed %v); the Cytoscape export has %d and %d",
				name, g.Nodes, g.Edges, g.Directed, nodes, edges)
		}
		if g.Node["kind"] != (typed{"str", "ARMED_GROUP"}) || g.Node["ended"] != (typed{"str", "2023"}) {
			t.Errorf("%s: networkx reads %s as %v", name, node, g.Node)
		}
		if g.Edge["amount"] != (typed{"float", 1e7}) || g.Edge["currency"] != (typed{"str", "USD"}) ||
			g.Edge["certainty"] != (typed{"str", "REPORTED"}) || g.Edge["validFrom"] != (typed{"str", "2021"}) {
			t.Errorf("%s: networkx reads %s as %v", name, edge, g.Edge)
		}
		if cites, _ := g.Edge["citations"][1].(string); !strings.Contains(cites, "reportedly agreed to pay Wagner $10 million per month") {
			t.Errorf("%s: %s citations %q", name, edge, cites)
		}
	}
	if n, e := got.CSV["nodes.csv"], got.CSV["edges.csv"]; n.Rows != nodes || e.Rows != edges {
		t.Errorf("the csv module reads %d node rows and %d edge rows; the Cytoscape export has %d and %d", n.Rows, e.Rows, nodes, edges)
	}
	if row := got.CSV["edges.csv"].Row; row["source"] != "mali" || row["target"] != "wagner-group" || row["amount"] != "10000000.00" || row["qualifier"] != "EXACT" {
		t.Errorf("edges.csv row of %s: %v", edge, row)
	}
}
