"""Network exports of the projected graph: GraphML, GEXF, node-link JSON, CSV, Cypher."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any, BinaryIO, TextIO

import networkx as nx

from graphkit.export.flatten import PRIVATE_GRAPH_KEYS, flat_graph, scalar, sources_text
from graphkit.export.xml_lines import FORBIDDEN, safe

# Names that GEXF (and networkx's GEXF writer) give a meaning of their own:
# an edge "start" would turn Gephi's timeline on, a "type" would set the
# edge's direction. They are renamed on the way out.
_GEXF_NODE_RESERVED = {"id", "pid", "start", "end", "parents", "spells", "slices", "viz"}
_GEXF_EDGE_RESERVED = {"id", "label", "weight", "type", "start", "end", "spells", "slices", "viz", "key"}
_GEXF_RENAME = {"start": "start_date", "end": "end_date"}


def xml_text(value: str) -> str:
    r"""Text that XML 1.0 can carry (see :func:`graphkit.export.xml_lines.safe`).

    >>> xml_text("a\x01b\r\nc\ufffe") == "a\ufffdb\nc\ufffd"
    True
    """
    return safe(value)


def _xml_ready(value: Any) -> bool:
    """A text that :func:`xml_text` leaves as it is."""
    return type(value) is str and "\r" not in value and FORBIDDEN.search(value) is None


def _xml_value(value: Any) -> Any:
    return xml_text(value) if isinstance(value, str) else value


def xml_safe(flat: nx.MultiDiGraph) -> nx.MultiDiGraph:
    r"""A copy of a flat graph (see :func:`flat_graph`) whose text XML 1.0 can carry.

    >>> g = nx.MultiDiGraph(); g.add_node("a", label="bell\x07")
    >>> xml_safe(g).nodes["a"]["label"] == "bell\ufffd"
    True
    """
    ids = {node: xml_text(str(node)) for node in flat}
    safe = nx.MultiDiGraph()
    safe.graph.update({k: _xml_value(v) for k, v in flat.graph.items()})
    safe.add_nodes_from((ids[n], {k: _xml_value(v) for k, v in d.items()}) for n, d in flat.nodes(data=True))
    safe.add_edges_from(
        (ids[u], ids[v], xml_text(str(key)), {k: _xml_value(val) for k, val in d.items()})
        for u, v, key, d in flat.edges(keys=True, data=True)
    )
    return safe


def _xml_ready_ids(flat: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``flat``, or :func:`xml_safe` of it if an id must change: ids that become one merge, as in networkx."""
    if all(map(_xml_ready, flat)) and all(_xml_ready(k) for _, _, k in flat.edges(keys=True)):
        return flat
    return xml_safe(flat)


def write_graphml(graph: nx.MultiDiGraph, out: BinaryIO) -> None:
    """GraphML for Gephi, yEd, Cytoscape; lists become '; '-joined text.

    Numbers and booleans keep their GraphML types (``source_count`` is an
    int, ``date_approximate`` a boolean). Characters that XML 1.0 forbids
    (control characters from a hostile file) become U+FFFD, so every XML
    reader opens the file.

    >>> import io
    >>> g = nx.MultiDiGraph(); _ = g.add_edge("a", "b", key="k", sources=[], date_approximate=True)
    >>> buf = io.BytesIO(); write_graphml(g, buf); _ = buf.seek(0)
    >>> nx.read_graphml(buf, force_multigraph=True).edges["a", "b", "k"]["date_approximate"]
    True
    """
    from graphkit.export.graphml import write_graphml_lines

    write_graphml_lines(_xml_ready_ids(flat_graph(graph)), out)


def _gexf_name(key: str, reserved: set[str]) -> str:
    return _GEXF_RENAME.get(key, f"{key}_value") if key in reserved else key


def write_gexf(graph: nx.MultiDiGraph, out: BinaryIO) -> None:
    """GEXF for Gephi: node and edge labels set, edge ids are the statement IRIs.

    Attributes that GEXF reserves are renamed (an edge's ``start`` and
    ``end`` become ``start_date`` and ``end_date``), so Gephi does not read
    the dates as a timeline. Characters that XML 1.0 forbids become U+FFFD.

    >>> import io
    >>> g = nx.MultiDiGraph(); _ = g.add_edge("a", "b", key="k", relation="met", start="2023")
    >>> buf = io.BytesIO(); write_gexf(g, buf); _ = buf.seek(0)
    >>> edge = nx.read_gexf(buf).edges["a", "b"]
    >>> edge["start_date"], edge["id"], edge["label"]
    ('2023', 'k', 'met')
    """
    from graphkit.export.gexf import write_gexf_lines

    flat = _xml_ready_ids(flat_graph(graph))

    def nodes() -> Iterator[tuple]:
        for node, data in flat.nodes(data=True):
            yield node, {"label": node, **{_gexf_name(k, _GEXF_NODE_RESERVED): v for k, v in data.items()}}

    def edges() -> Iterator[tuple]:
        for u, v, key, data in flat.edges(keys=True, data=True):
            renamed = {_gexf_name(k, _GEXF_EDGE_RESERVED): val for k, val in data.items()}
            yield u, v, key, {**renamed, "label": str(data.get("relation") or ""), "id": key}

    write_gexf_lines(nodes, edges, out)


def node_link(graph: nx.MultiDiGraph) -> dict:
    """networkx node-link data (JSON-ready; lists and dicts kept).

    Read it back with ``networkx.node_link_graph(data, edges="edges")``.
    The store's path or URL is left out.

    >>> data = node_link(nx.MultiDiGraph(store="/home/me/leaks.ttl", as_of="2024"))
    >>> data["graph"]
    {'as_of': '2024'}
    """
    data = nx.node_link_data(graph, edges="edges")
    data["graph"] = {k: v for k, v in data["graph"].items() if k not in PRIVATE_GRAPH_KEYS}
    return data


def _finite(value):
    """Replace NaN and infinities (not valid JSON) by their text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def write_json(graph: nx.MultiDiGraph, out: TextIO) -> None:
    """networkx node-link JSON, sources kept as a list of objects per edge."""
    json.dump(_finite(node_link(graph)), out, ensure_ascii=False, indent=1, default=str, allow_nan=False)
    out.write("\n")


#: Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: every
#: character a line-based reader may split on (``str.splitlines``: U+000B, U+000C,
#: U+001C-U+001E, U+0085, U+2028, U+2029).
_BREAKS_OR_CONTROLS = (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)


def _escape_table() -> dict[int, str]:
    table = {code: f"\\u{code:04x}" for code in _BREAKS_OR_CONTROLS}
    table.update(str.maketrans({"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}))
    return table


#: What :func:`cypher_string` escapes, for ``str.translate`` (one pass in C, not a loop per character).
_CYPHER_ESCAPES = _escape_table()
#: What a backticked identifier cannot hold: control characters and line breaks become ``_``.
_IDENTIFIER_BREAKS = dict.fromkeys(_BREAKS_OR_CONTROLS, "_")


def cypher_string(value: object) -> str:
    r"""A Cypher string literal: quotes, backslashes, control characters and line breaks escaped.

    Every character a line-based reader could split on (U+0085, U+2028,
    U+2029, vertical tab...) becomes a ``\uXXXX`` escape, so a statement
    always stays on one line.

    >>> print(cypher_string('it\'s "x"\n'))
    'it\'s \"x\"\n'
    >>> print(cypher_string("a\u2028b\x0bc"))
    'a\u2028b\u000bc'
    """
    return "'" + str(value).translate(_CYPHER_ESCAPES) + "'"


def _identifier(name: str) -> str:
    """A Cypher label or relationship type in backticks (backticks doubled).

    Backticks allow no escapes: control characters and line breaks become ``_``.
    """
    return "`" + name.translate(_IDENTIFIER_BREAKS).replace("`", "``") + "`"


def cypher_literal(value: Any) -> str:
    """A Cypher literal for an attribute value (lists and None flattened first).

    >>> cypher_literal(True), cypher_literal(3), cypher_literal(None), cypher_literal(float("nan"))
    ('true', '3', "''", "'nan'")
    """
    flat = scalar(value)
    if isinstance(flat, bool):
        return "true" if flat else "false"
    if isinstance(flat, int):
        return str(flat)
    if isinstance(flat, float) and math.isfinite(flat):
        return repr(flat)
    return cypher_string(flat)


def _props(data: dict) -> str:
    items = [f"{_identifier(str(key))}: {cypher_literal(value)}" for key, value in data.items()]
    return "{" + ", ".join(items) + "}"


def write_cypher(graph: nx.MultiDiGraph, out: TextIO) -> None:
    """A Neo4j script: MERGE nodes (labelled by type), then relationships with properties.

    Run it with ``cypher-shell -f graph.cypher``. Every string is escaped,
    so each statement is exactly one line ending in ``;``.

    >>> import io
    >>> g = nx.MultiDiGraph(); g.add_node("x", label="it's", types=["Company"])
    >>> buf = io.StringIO(); write_cypher(g, buf)
    >>> buf.getvalue().splitlines()[2]
    "MERGE (n:`Entity`:`Company` {iri: 'x'}) SET n += {`label`: 'it\\\\'s'};"
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
