"""Reads the file exports as their users' tools do, for TestExportsReadByNetworkx.

Usage: read_exports.py GRAPHML GEXF CSVZIP NODE EDGE

Prints one JSON object: for GraphML and GEXF (read by networkx), the node
and edge counts and the attributes of node NODE and edge EDGE as networkx
typed them; for the CSV zip (read by the csv module), the row counts of
nodes.csv and edges.csv and the row of NODE and of EDGE.
"""

import csv
import io
import json
import sys
import zipfile

import networkx as nx


def edge_attrs(g, edge_id):
    # networkx keeps a file's edge id as the edge's key in a multigraph and
    # as its "id" attribute otherwise.
    if g.is_multigraph():
        edges = ((key, data) for _, _, key, data in g.edges(keys=True, data=True))
    else:
        edges = ((data.get("id"), data) for _, _, data in g.edges(data=True))
    for key, data in edges:
        if key == edge_id or data.get("id") == edge_id:
            return data
    return None


def describe(g, node_id, edge_id):
    node = dict(g.nodes[node_id]) if node_id in g else None
    edge = edge_attrs(g, edge_id)
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "directed": g.is_directed(),
        "node": {k: [type(v).__name__, v] for k, v in (node or {}).items()},
        "edge": {k: [type(v).__name__, v] for k, v in (edge or {}).items()},
    }


def read_csv(path, node_id, edge_id):
    out = {}
    with zipfile.ZipFile(path) as z:
        for name, key in (("nodes.csv", node_id), ("edges.csv", edge_id)):
            with z.open(name) as f:
                rows = list(csv.DictReader(io.TextIOWrapper(f, encoding="utf-8", newline="")))
            out[name] = {"rows": len(rows), "row": next((r for r in rows if r["id"] == key), None)}
    return out


def main():
    graphml, gexf, csvzip, node_id, edge_id = sys.argv[1:6]
    g = nx.read_graphml(graphml, force_multigraph=True)
    x = nx.read_gexf(gexf)
    print(json.dumps({
        "graphml": describe(g, node_id, edge_id),
        "gexf": describe(x, node_id, edge_id),
        "csv": read_csv(csvzip, node_id, edge_id),
    }))


if __name__ == "__main__":
    main()
