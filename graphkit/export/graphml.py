"""GraphML written line by line, byte for byte what networkx's writer gives, in a fraction of the time.

networkx builds the whole document as an ElementTree first (two million
elements for a 1M-triple store) and then indents and serialises it. Here
each node and edge becomes its lines at once: the same keys in the same
order, the same indentation, the same escaping (``tests/test_graphml.py``
compares the two). Characters that XML 1.0 forbids become U+FFFD on the way
(as :func:`graphkit.export.network.xml_text` makes them), so they never reach the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import networkx as nx

_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)
#: What XML 1.0 forbids (C0 controls but tab and line ends, surrogates, U+FFFE, U+FFFF) becomes
#: U+FFFD, as :func:`graphkit.export.network.xml_text` does; then ElementTree's escapes.
_FORBIDDEN = dict.fromkeys(
    [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF], "\ufffd"
)
_TEXT = str.maketrans({**_FORBIDDEN, ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"})
_ATTRIBUTE = str.maketrans(
    {
        **_FORBIDDEN,
        **{
            ord(k): v
            for k, v in {
                "&": "&amp;",
                "<": "&lt;",
                ">": "&gt;",
                '"': "&quot;",
                "\n": "&#10;",
                "\t": "&#09;",
            }.items()
        },
    }
)
#: Lines gathered before each write.
_CHUNK = 4096


def _xml_types() -> dict[type, str]:
    """GraphML's name for each Python (and numpy) type, as networkx declares it."""
    from networkx.readwrite.graphml import GraphML

    types = GraphML()
    types.construct_types()
    return types.xml_type


def _type_name(value: Any, types: dict[type, str]) -> str:
    try:
        return types[type(value)]
    except KeyError:
        raise nx.NetworkXError(f"GraphML writer does not support {type(value)} as data values.") from None


def _text(value: str) -> str:
    """Element text: line ends as every XML reader reads them, forbidden characters replaced, escaped."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.translate(_TEXT)


def _attribute(value: str) -> str:
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.translate(_ATTRIBUTE)


def _data_lines(attrs: Iterable[tuple[str, Any]], indent: str, keys: dict[str, str]) -> Iterator[str]:
    for name, value in attrs:
        key = keys.get(name) or keys.setdefault(name, _attribute(name))
        text = _text(str(value))
        yield f'{indent}<data key="{key}">{text}</data>\n' if text else f'{indent}<data key="{key}" />\n'


def _element(opening: str, data: list[str], indent: str) -> Iterator[str]:
    if data:
        yield f"{indent}{opening}>\n"
        yield from data
        yield f"{indent}</{opening[1 : opening.index(' ')]}>\n"
    else:
        yield f"{indent}{opening} />\n"


def graphml_lines(flat: nx.MultiDiGraph) -> Iterator[str]:
    """The lines of ``nx.write_graphml(xml_safe(flat), named_key_ids=True)`` for a flat directed multigraph.

    Ids that XML cannot carry must have been made safe first (see
    :func:`graphkit.export.network.write_graphml`): two that become one are
    one node for networkx.

    >>> g = nx.MultiDiGraph(); g.add_node("a", label="A & B")
    >>> print("".join(list(graphml_lines(g))[1:]), end="")
      <key id="label" for="node" attr.name="label" attr.type="string" />
      <graph edgedefault="directed">
        <node id="a">
          <data key="label">A &amp; B</data>
        </node>
      </graph>
    </graphml>
    """
    graph_attrs = {k: v for k, v in flat.graph.items() if k not in ("node_default", "edge_default")}
    graph_id = graph_attrs.pop("id", None)
    # networkx declares a key when it first meets a (name, type, scope), each new one first.
    keys: dict[tuple[str, str, str], None] = {}
    types = _xml_types()
    for scope, rows in (
        ("graph", [graph_attrs]),
        ("node", (d for _, d in flat.nodes(data=True))),
        ("edge", (d for _, _, d in flat.edges(data=True))),
    ):
        for row in rows:
            for name, value in row.items():
                keys.setdefault((str(name), _type_name(value, types), scope), None)
    yield _HEAD
    escaped: dict[str, str] = {}  # attribute name -> its key id, escaped once
    for name, kind, scope in reversed(keys):
        key = _attribute(name)
        yield f'  <key id="{key}" for="{scope}" attr.name="{key}" attr.type="{kind}" />\n'
    opening = '<graph edgedefault="directed"'
    if graph_id is not None:
        opening += f' id="{_attribute(str(graph_id))}"'
    graph_data = list(_data_lines(((str(k), v) for k, v in graph_attrs.items()), "    ", escaped))
    if flat.number_of_nodes() == 0 and not graph_data:
        yield f"  {opening} />\n</graphml>\n"
        return
    yield f"  {opening}>\n"
    for node, attrs in flat.nodes(data=True):
        data = list(_data_lines(((str(k), v) for k, v in attrs.items()), "      ", escaped))
        yield from _element(f'<node id="{_attribute(str(node))}"', data, "    ")
    for u, v, key, attrs in flat.edges(keys=True, data=True):
        ends = (_attribute(str(x)) for x in (u, v, key))
        data = list(_data_lines(((str(k), val) for k, val in attrs.items()), "      ", escaped))
        yield from _element('<edge source="{}" target="{}" id="{}"'.format(*ends), data, "    ")
    yield from graph_data
    yield "  </graph>\n</graphml>\n"


def write_graphml_lines(flat: nx.MultiDiGraph, out: BinaryIO) -> None:
    """Write :func:`graphml_lines` to a binary stream, in UTF-8, a chunk of lines at a time."""
    chunk: list[str] = []
    for line in graphml_lines(flat):
        chunk.append(line)
        if len(chunk) >= _CHUNK:
            out.write("".join(chunk).encode("utf-8"))
            chunk.clear()
    out.write("".join(chunk).encode("utf-8"))
