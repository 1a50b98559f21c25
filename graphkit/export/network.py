"""Network exports of the projected graph: GraphML, GEXF, node-link JSON, CSV, Cypher."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import BinaryIO, TextIO

import networkx as nx

from graphkit.export.flatten import flat_graph, scalar, sources_text

NODE_COLUMNS = ["id", "label", "type", "types", "aliases", "description"]
EDGE_COLUMNS = [
    "id",
    "source",
    "source_label",
    "relation",
    "relation_iri",
    "target",
    "target_label",
    "date",
    "start",
    "end",
    "date_approximate",
    "description",
    "sources",
    "source_count",
]


def write_graphml(graph: nx.MultiDiGraph, out: BinaryIO) -> None:
    """GraphML for Gephi, yEd, Cytoscape; lists become '; '-joined text."""
    nx.write_graphml(flat_graph(graph), out, named_key_ids=True)


def write_gexf(graph: nx.MultiDiGraph, out: BinaryIO) -> None:
    """GEXF for Gephi."""
    flat = flat_graph(graph)
    for node, data in flat.nodes(data=True):
        data.setdefault("label", node)
    nx.write_gexf(flat, out)


def node_link(graph: nx.MultiDiGraph) -> dict:
    """networkx node-link data (JSON-ready; lists and dicts kept)."""
    return nx.node_link_data(graph, edges="edges")


def write_json(graph: nx.MultiDiGraph, out: TextIO) -> None:
    json.dump(node_link(graph), out, ensure_ascii=False, indent=1, default=str)
    out.write("\n")


def write_csv_folder(graph: nx.MultiDiGraph, folder: Path) -> None:
    """``nodes.csv`` and ``edges.csv``; sources in one column, with a count."""
    with (folder / "nodes.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(NODE_COLUMNS)
        for node, data in sorted(graph.nodes(data=True)):
            writer.writerow([node, *(scalar(data.get(c)) for c in NODE_COLUMNS[1:])])
    with (folder / "edges.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(EDGE_COLUMNS)
        for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[2]):
            writer.writerow(
                [
                    key,
                    u,
                    graph.nodes[u].get("label"),
                    data.get("relation"),
                    data.get("relation_iri"),
                    v,
                    graph.nodes[v].get("label"),
                    scalar(data.get("date")),
                    scalar(data.get("start")),
                    scalar(data.get("end")),
                    scalar(data.get("date_approximate")),
                    scalar(data.get("description")),
                    sources_text(data.get("sources", [])),
                    len(data.get("sources", [])),
                ]
            )


def cypher_string(value: object) -> str:
    """A Cypher string literal: quotes, backslashes and control characters escaped.

    >>> cypher_string("it's \\"x\\"\\n")
    "'it\\\\'s \\\\"x\\\\"\\\\n'"
    """
    text = str(value)
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def _identifier(name: str) -> str:
    """A Cypher label or relationship type in backticks (backticks doubled)."""
    return "`" + name.replace("`", "``") + "`"


def _props(data: dict) -> str:
    items = []
    for key, value in data.items():
        flat = scalar(value)
        literal = (
            cypher_string(flat)
            if isinstance(flat, str)
            else str(flat).lower()
            if isinstance(flat, bool)
            else repr(flat)
        )
        items.append(f"{_identifier(key)}: {literal}")
    return "{" + ", ".join(items) + "}"


def write_cypher(graph: nx.MultiDiGraph, out: TextIO) -> None:
    """A Neo4j script: MERGE nodes (labelled by type), then relationships with properties.

    Run it with ``cypher-shell < graph.cypher``. Every string is escaped.
    """
    out.write("// graphkit export for Neo4j. Run: cypher-shell -f graph.cypher\n")
    out.write("CREATE CONSTRAINT graphkit_iri IF NOT EXISTS FOR (n:Entity) REQUIRE n.iri IS UNIQUE;\n")
    for node, data in sorted(graph.nodes(data=True)):
        labels = ":".join(
            _identifier(t) for t in ["Entity", *sorted(set(data.get("types", [])) - {"Entity"})]
        )
        props = {k: v for k, v in data.items() if k not in ("types",)}
        out.write(f"MERGE (n:{labels} {{iri: {cypher_string(node)}}}) SET n += {_props(props)};\n")
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[2]):
        rel_type = _identifier(data.get("relation_name") or "RELATED_TO")
        props = {k: val for k, val in data.items() if k != "sources"}
        props["sources"] = sources_text(data.get("sources", []))
        props["sources_json"] = data.get("sources", [])
        out.write(
            f"MATCH (a:Entity {{iri: {cypher_string(u)}}}), (b:Entity {{iri: {cypher_string(v)}}}) "
            f"MERGE (a)-[r:{rel_type} {{key: {cypher_string(key)}}}]->(b) SET r += {_props(props)};\n"
        )
