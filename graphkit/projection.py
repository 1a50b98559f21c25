"""Projection: the knowledge graph as a networkx MultiDiGraph, citations attached.

Nodes are entities keyed by IRI; edges are relationships keyed by the IRI of
their qualified statement (or ``"S P O"`` for a plain triple that has none).
The rows come from a few SELECTs run by the store's own engine; no Python
loop walks the triples, and the edges go into networkx with one
``add_edges_from`` call.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import networkx as nx
import pyoxigraph as ox

from graphkit.dates import covers, parse_period
from graphkit.errors import GraphkitError
from graphkit.model.column_reads import TooBig, count_two_rings, read_all, read_around, read_entities
from graphkit.model.columns import ALT_LABEL, LABEL, Columns, Edge
from graphkit.model.graph import KnowledgeGraph, to_python
from graphkit.model.relationships import Relationship
from graphkit.model.resolve import resolve
from graphkit.model.schema import local_name
from graphkit.vocab import shorten

#: Node attributes that projection sets itself; a literal property with one of
#: these names is stored under its prefixed name instead (``dcterms_type``).
#: ``id`` is reserved by networkx's node-link format.
RESERVED_NODE_KEYS = frozenset({"id", "label", "type", "types", "type_iri", "aliases"})


def _value_order(value: Any) -> tuple[str, str]:
    return type(value).__name__, str(value)


def _lang_rank(lang: str | None) -> int:
    """Labels without a language tag first, then English, then the rest."""
    if not lang:
        return 0
    return 1 if lang.lower().startswith("en") else 2


def _entity_nodes(kg: KnowledgeGraph, cols: Columns, iris: Iterable[str] | None = None) -> dict[str, dict]:
    """Every entity that ``cols`` holds (or those of ``iris``) with its attributes.

    The result does not depend on the engine's row order.
    """
    found = cols.entities(None if iris is None else set(iris))
    nodes: dict[str, dict[str, Any]] = {}
    schema = kg.schema
    kinds_of: dict[frozenset, tuple[str | None, str, list[str]]] = {}  # few distinct type sets
    literal = ox.Literal
    for iri, entity in found.items():
        labels: list[Any] = []
        props: dict[str, set[Any]] | None = None
        for predicate, term in entity["literals"]:
            if type(term) is not literal:
                continue
            if predicate == LABEL:
                labels.append(term)
                continue
            key = "aliases" if predicate == ALT_LABEL else local_name(predicate)
            if key in RESERVED_NODE_KEYS and key != "aliases":
                key = shorten(predicate).replace(":", "_")
            if props is None:
                props = {}
            props.setdefault(key, set()).add(to_python(term))
        kinds = entity["types"]
        known = kinds_of.get(kinds)
        if known is None:
            best = schema.most_specific(sorted(kinds))
            labels_ = sorted({schema.class_label(k) for k in kinds})
            known = kinds_of[kinds] = (best, schema.class_label(best), labels_)
        if len(labels) == 1:
            label = labels[0].value
        elif labels:
            label = min((_lang_rank(t.language), t.value) for t in labels)[1]
        else:
            label = local_name(iri)
        attrs: dict[str, Any] = {
            "types": list(known[2]),
            "label": label,
            "type": known[1],
            "type_iri": known[0],
            "aliases": [],
        }
        if props:
            aliases = props.pop("aliases", None)
            if aliases:
                attrs["aliases"] = sorted({str(a) for a in aliases})
            for key, values in sorted(props.items()):
                distinct = sorted(values, key=_value_order) if len(values) > 1 else list(values)
                attrs[key] = distinct[0] if len(distinct) == 1 else distinct
        nodes[iri] = attrs
    return nodes


def edge_attributes(kg: KnowledgeGraph, rel: Relationship) -> dict[str, Any]:
    """The attributes of one edge: relation, dates, description and sources.

    >>> import graphkit
    >>> from graphkit.model.relationships import relationships
    >>> with graphkit.open() as kg:
    ...     rel = relationships(kg)[0]
    ...     sorted(edge_attributes(kg, rel)["sources"][0])
    ['date', 'iri', 'publisher', 'title', 'url']
    """
    return {
        "relation": kg.schema.relation_label(rel.predicate),
        "relation_iri": rel.predicate,
        "relation_name": local_name(rel.predicate),
        "date": rel.date,
        "start": rel.start,
        "end": rel.end,
        "date_approximate": rel.approximate,
        "description": rel.description,
        "quote": rel.quote,
        "grounds": rel.grounds,
        "according_to": sorted(rel.according_to),
        "sources": [
            {"title": s.title, "publisher": s.publisher, "url": s.url, "date": s.date, "iri": s.iri}
            for s in rel.sources
        ],
        "statement": rel.iri,
    }


def _names(value: str | Iterable[str] | None) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def type_names(kg: KnowledgeGraph, names: str | Iterable[str] | None) -> set[str] | None:
    """The readable type names that ``names`` select, subtypes included (None: no filter).

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     "Minister" in type_names(kg, ["Person"])
    True
    """
    wanted: set[str] = set()
    for name in _names(names):
        wanted |= {kg.schema.class_label(c) for c in kg.schema.subclasses(kg.schema.find_class(name))}
    return wanted or None


def _relation_filter(kg: KnowledgeGraph, names: str | Iterable[str] | None) -> set[str] | None:
    return {kg.schema.find_relation(n) for n in _names(names)} or None


def project(
    kg: KnowledgeGraph,
    *,
    types: str | Iterable[str] | None = None,
    exclude_types: str | Iterable[str] | None = None,
    relations: str | Iterable[str] | None = None,
    exclude_relations: str | Iterable[str] | None = None,
    as_of: str | None = None,
    focus: str | None = None,
    depth: int = 1,
    undirected: bool = False,
    reify: bool = False,
) -> nx.MultiDiGraph | nx.MultiGraph:
    """Project the knowledge graph onto a networkx multigraph.

    ``types`` / ``exclude_types`` take entity type names (subtypes follow);
    ``relations`` / ``exclude_relations`` take relation names such as
    ``metWith``; ``as_of`` keeps relationships whose (fuzzy) dates include
    that date, and undated ones; ``focus`` (a label, alias or IRI) with
    ``depth`` keeps the ego network; ``undirected`` returns a MultiGraph;
    ``reify`` makes each qualified relationship and each source a node of its
    own (type ``Relationship`` / ``Source``), as they are in RDF.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     g = project(kg, focus="AWS", relations=["metWith"])
    ...     sorted(g.nodes[n]["label"] for n in g)
    ['Amazon Web Services', 'Judith Collins']
    """
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
        raise GraphkitError(f"--depth must be 0 or more, not {depth}")
    if as_of:
        parse_period(as_of)  # reject a malformed date before any work
    keep_types = type_names(kg, types)
    drop_types = type_names(kg, exclude_types) or set()
    keep_rel = _relation_filter(kg, relations)
    drop_rel = _relation_filter(kg, exclude_relations) or set()
    focus_iri = resolve(kg, focus).iri if focus else None

    def node_ok(iri: str, attrs: dict[str, Any]) -> bool:
        kinds = set(attrs["types"])
        if iri == focus_iri:
            return True
        return not ((keep_types is not None and not kinds & keep_types) or kinds & drop_types)

    def edge_ok(attrs: dict[str, Any]) -> bool:
        relation = attrs["relation_iri"]
        if (keep_rel is not None and relation not in keep_rel) or relation in drop_rel:
            return False
        return not as_of or covers(as_of, date_=attrs["date"], start=attrs["start"], end=attrs["end"])

    filtered = bool(keep_types or drop_types or keep_rel or drop_rel or as_of)
    with _gc_paused():  # millions of small objects: the collector would rescan them in vain
        if focus_iri is None:
            graph = full_graph(kg)
            if filtered:
                nodes = {iri: a for iri, a in graph.nodes(data=True) if node_ok(iri, a)}
                edges = [
                    e
                    for e in graph.edges(keys=True, data=True)
                    if e[0] in nodes and e[1] in nodes and edge_ok(e[3])
                ]
                graph = _build(nodes, edges)
        else:
            every_edge = not (keep_rel or drop_rel or as_of)
            graph = _ego(kg, focus_iri, depth, node_ok, edge_ok, every_edge)
    if reify:
        from graphkit.reify import reified

        graph = reified(kg, graph)
    graph.graph.update({"store": kg.backend.description, "as_of": as_of, "focus": focus_iri})
    return graph.to_undirected() if undirected else graph


@contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def full_graph(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """Every entity and every relationship edge, unfiltered: the full projection.

    Embedded stores keep it in a cache file beside the store (see
    :mod:`graphkit.projection_cache`), so an unchanged store is read once.
    """
    from graphkit.projection_cache import cached_table

    return cached_table(kg, _read_graph)


def _read_graph(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    cols = read_all(kg)
    nodes = _entity_nodes(kg, cols)
    return _build(nodes, cols.edges(between=nodes))


def _build(nodes: dict[str, dict[str, Any]], edges: list[Edge]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_nodes_from((iri, nodes[iri]) for iri in sorted(nodes))
    graph.add_edges_from(edges)
    return graph


def _ego(kg: KnowledgeGraph, focus: str, depth: int, node_ok, edge_ok, every_edge: bool) -> nx.MultiDiGraph:
    """Nodes within ``depth`` hops of ``focus`` and the relationships among them.

    Walks outwards one ring at a time, asking the store only for the
    statements around the current ring, in batches of entities per query
    (VALUES), so the cost follows the size of the neighbourhood; the last
    ring reads only the links among its own entities. When a ring would
    hold more than 1/:data:`RANDOM_READ_COST` of the store's statements (a
    hub and its ring; counted in the engine before any row is read),
    reading the whole store is cheaper: the walk then runs on the full
    projection when it is cached (or a relation or date filter needs every
    edge's attributes to walk), and otherwise on the whole store's columns,
    building only the neighbourhood's nodes and edges.
    """
    from graphkit import projection_cache

    try:
        return _build(*_ego_from_store(kg, focus, depth, node_ok, edge_ok, projection_cache.is_warm(kg)))
    except TooBig:
        if every_edge and not projection_cache.applies(kg):
            return _ego_in_columns(kg, read_all(kg), focus, depth, node_ok)
        return _ego_in(full_graph(kg), focus, depth, node_ok, edge_ok, every_edge)


def _ego_in_columns(kg: KnowledgeGraph, cols: Columns, focus: str, depth: int, node_ok) -> nx.MultiDiGraph:
    """The same walk as :func:`_ego_in` (every edge followed), on a whole-store read's columns.

    Only the entities reached get their attributes assembled and only the
    edges among them are built: a hub's two rings cost less than the full
    projection, not the full projection plus the walk.
    """
    nodes = _entity_nodes(kg, cols, [focus])
    frontier = set(nodes)
    for _ in range(depth):
        unseen = cols.neighbours(frontier) - nodes.keys() if frontier else set()
        ring = {iri: a for iri, a in _entity_nodes(kg, cols, unseen).items() if node_ok(iri, a)}
        nodes.update(ring)
        frontier = set(ring)
    return _build(nodes, cols.edges(between=nodes))


#: Below this many statements, a neighbourhood is always read ring by ring.
SMALL_NEIGHBOURHOOD = 500
#: Reading a statement by name (VALUES, with its sources and ends) costs about as much as
#: scanning this many in a full read (measured: 2x to 5x, by the shape of the data).
RANDOM_READ_COST = 5
#: ... and about as much as loading this many from a warm projection cache (measured: a hub's
#: ring at 1M, 670 µs per relationship read by name, against 5 µs per edge loaded).
CACHED_READ_COST = 20


class _Budget:
    """Whether a neighbourhood of so many statements is worth reading ring by ring (see :func:`_ego`)."""

    def __init__(self, kg: KnowledgeGraph, cost: int = RANDOM_READ_COST):
        self.kg = kg
        self.cost = cost
        self._total: int | None = None

    def limit(self) -> int:
        """The most statements worth reading this way (the store's are counted once, only if asked)."""
        if self._total is None:
            query = "SELECT (COUNT(*) AS ?n) WHERE { ?r a gk:Relationship }"
            self._total = int(self.kg.select(query)[0]["n"])
        return max(SMALL_NEIGHBOURHOOD, self._total // self.cost)

    def __call__(self, statements: int) -> bool:
        return statements <= SMALL_NEIGHBOURHOOD or statements <= self.limit()


def _two_rings_too_big(kg: KnowledgeGraph, focus: str, budget: _Budget) -> bool:
    # Counted up to the small size first: most entities need no count of the whole store.
    if count_two_rings(kg, focus, SMALL_NEIGHBOURHOOD + 1) <= SMALL_NEIGHBOURHOOD:
        return False
    limit = budget.limit()
    return count_two_rings(kg, focus, limit + 1) > limit


def _ego_in(
    graph: nx.MultiDiGraph, focus: str, depth: int, node_ok, edge_ok, every_edge: bool = False
) -> nx.MultiDiGraph:
    """The same walk as :func:`_ego`, on a full projection of its own (it may be changed in place).

    When ``every_edge`` (no relation or date filter) and the neighbourhood
    holds most of the graph, the others are removed from ``graph`` itself:
    cheaper than building the neighbourhood anew, and the same graph, in
    the same order (the full projection's edges are sorted as a new one's).
    """
    nodes = {focus: dict(graph.nodes[focus])} if focus in graph else {}
    succ, pred, attrs_of = graph.succ, graph.pred, graph.nodes
    frontier = set(nodes)
    for _ in range(depth):
        ring: dict[str, dict] = {}
        for n in frontier:
            for adjacent in (succ[n], pred[n]):  # neighbour -> {key: edge attributes}
                for other, keyed in adjacent.items():
                    if other in nodes or other in ring:
                        continue
                    if every_edge or any(edge_ok(d) for d in keyed.values()):
                        attrs = attrs_of[other]
                        if node_ok(other, attrs):
                            ring[other] = dict(attrs)
        nodes.update(ring)
        frontier = set(ring)
    if every_edge and 2 * len(nodes) > graph.number_of_nodes():
        graph.remove_nodes_from([n for n in graph if n not in nodes])
        graph.graph.clear()
        return graph
    edges = [
        (u, v, k, d)
        for u in nodes
        for v, keyed in succ[u].items()
        if v in nodes
        for k, d in keyed.items()
        if edge_ok(d)
    ]
    edges.sort(key=lambda e: (e[3]["relation_iri"], e[0], e[1], e[3]["statement"] or ""))
    return _build(nodes, edges)


def _ego_from_store(
    kg: KnowledgeGraph, focus: str, depth: int, node_ok, edge_ok, warm: bool = False
) -> tuple[dict, list[Edge]]:
    # With a warm cache (``warm``), a neighbourhood worth more than a small share of it is taken from there.
    budget = _Budget(kg, CACHED_READ_COST if warm else RANDOM_READ_COST)
    if (depth >= 2 or (warm and depth >= 1)) and _two_rings_too_big(kg, focus, budget):
        raise TooBig  # a hub's second ring: known before its first is read
    cols = Columns(kg)
    read_entities(kg, [focus], cols)
    nodes = _entity_nodes(kg, cols, [focus])
    kept: dict[str, Edge] = {}
    frontier = set(nodes)
    for ring_number in range(depth + 1):
        if not frontier:
            break
        read_around(kg, frontier, cols, budget, among=ring_number == depth)
        around = [e for e in cols.edges(around=frontier) if edge_ok(e[3])]
        ring: dict[str, dict] = {}
        if ring_number < depth:  # the last pass only collects links among the outer ring
            unseen = {end for e in around for end in e[:2]} - set(nodes)
            read_entities(kg, unseen, cols)
            ring = {iri: a for iri, a in _entity_nodes(kg, cols, unseen).items() if node_ok(iri, a)}
        nodes.update(ring)
        for edge in around:
            if edge[0] in nodes and edge[1] in nodes:
                kept[edge[2]] = edge
        frontier = set(ring)
    edges = sorted(kept.values(), key=lambda e: (e[3]["relation_iri"], e[0], e[1], e[3]["statement"] or ""))
    return nodes, edges


def entity_label(graph: nx.Graph, iri: str) -> str:
    """Label of a node, or the IRI's local name.

    >>> entity_label(nx.Graph(), "https://w3id.org/graphkit/id/aws")
    'aws'
    """
    return graph.nodes[iri].get("label", local_name(iri)) if iri in graph else local_name(iri)
