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
from graphkit.model.graph import KnowledgeGraph
from graphkit.model.relationships import Relationship, relationships, rows
from graphkit.model.resolve import resolve
from graphkit.model.schema import RELATIONSHIP, SOURCE, local_name
from graphkit.vocab import PROV, RDF, RDFS, SKOS, shorten

_NODES = """
SELECT ?e ?type WHERE { #ENTITIES# VALUES ?type { #TYPES# } ?e a ?type . FILTER(isIRI(?e)) }"""
# One row per (type, literal): an entity with two types repeats; Python de-duplicates.
_LITERALS = """
SELECT ?e ?p ?o (LANG(?o) AS ?lang) WHERE {
  #ENTITIES# VALUES ?type { #TYPES# } ?e a ?type . FILTER(isIRI(?e))
  ?e ?p ?o . FILTER(isLiteral(?o))
}"""

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


def _entity_nodes(kg: KnowledgeGraph, iris: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """Every entity (or those of ``iris`` that are entities) with its attributes.

    The result does not depend on the engine's row order.
    """
    types = " ".join(f"<{c}>" for c in kg.schema.entity_classes)
    only = ""
    if iris is not None:
        wanted = sorted(iris)
        if not wanted:
            return {}
        only = "VALUES ?e { " + " ".join(str(ox.NamedNode(i)) for i in wanted) + " }"
    nodes: dict[str, dict[str, Any]] = {}
    for iri, kind in rows(kg, _NODES.replace("#TYPES#", types).replace("#ENTITIES#", only)):
        nodes.setdefault(iri, {"types": set()})["types"].add(kind)
    labels: dict[str, list[tuple[int, str]]] = {}
    props: dict[str, dict[str, set[Any]]] = {}
    for row in kg.select(_LITERALS.replace("#TYPES#", types).replace("#ENTITIES#", only)):
        iri, p, o = row["e"], row["p"], row["o"]
        if iri not in nodes:
            continue
        if p == RDFS + "label":
            labels.setdefault(iri, []).append(
                (_lang_rank(row.get("lang")), str(o))
            )  # duplicates are harmless
            continue
        key = "aliases" if p == SKOS + "altLabel" else local_name(p)
        if key in RESERVED_NODE_KEYS and key != "aliases":
            key = shorten(p).replace(":", "_")
        props.setdefault(iri, {}).setdefault(key, set()).add(o)
    for iri, attrs in nodes.items():
        best = kg.schema.most_specific(sorted(attrs["types"]))
        entity_props = props.get(iri, {})
        attrs["label"] = min(labels[iri])[1] if iri in labels else local_name(iri)
        attrs["type"] = kg.schema.class_label(best)
        attrs["type_iri"] = best
        attrs["types"] = sorted({kg.schema.class_label(t) for t in attrs["types"]})
        attrs["aliases"] = sorted({str(a) for a in entity_props.pop("aliases", ())})
        for key, values in sorted(entity_props.items()):
            distinct = sorted(set(values), key=_value_order)
            attrs[key] = distinct[0] if len(distinct) == 1 else distinct
    return nodes


def edge_attributes(kg: KnowledgeGraph, rel: Relationship) -> dict[str, Any]:
    """The attributes of one edge: relation, dates, description and sources.

    >>> import graphkit
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

    def edge_ok(rel: Relationship) -> bool:
        if (keep_rel is not None and rel.predicate not in keep_rel) or rel.predicate in drop_rel:
            return False
        return not as_of or covers(as_of, date_=rel.date, start=rel.start, end=rel.end)

    with _gc_paused():  # millions of small objects: the collector would rescan them in vain
        if focus_iri is None:
            nodes = {iri: a for iri, a in _entity_nodes(kg).items() if node_ok(iri, a)}
            rels = [r for r in relationships(kg) if edge_ok(r)]
        else:
            nodes, rels = _ego(kg, focus_iri, depth, node_ok, edge_ok)
        graph = nx.MultiDiGraph()
        graph.add_nodes_from((iri, nodes[iri]) for iri in sorted(nodes))
        graph.add_edges_from(
            (r.subject, r.object, r.iri or f"{r.subject} {r.predicate} {r.object}", edge_attributes(kg, r))
            for r in rels
            if r.subject in nodes and r.object in nodes
        )
    if reify:
        graph = _reified(kg, graph)
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


def _ego(kg: KnowledgeGraph, focus: str, depth: int, node_ok, edge_ok) -> tuple[dict, list[Relationship]]:
    """Nodes within ``depth`` hops of ``focus`` and the relationships among them.

    Walks outwards one ring at a time, asking the store only for the
    statements around the current ring, so a small neighbourhood of a big
    store costs a few small queries rather than a full projection.
    """
    nodes = _entity_nodes(kg, [focus])
    kept: dict[tuple, Relationship] = {}
    frontier = set(nodes)
    for ring_number in range(depth + 1):
        if not frontier:
            break
        around = [r for r in relationships(kg, frontier) if edge_ok(r)]
        ring: dict[str, dict] = {}
        if ring_number < depth:  # the last pass only collects links among the outer ring
            unseen = {end for r in around for end in (r.subject, r.object)} - set(nodes)
            ring = {iri: a for iri, a in _entity_nodes(kg, unseen).items() if node_ok(iri, a)}
        nodes.update(ring)
        for r in around:
            if r.subject in nodes and r.object in nodes:
                kept[(r.iri, r.subject, r.predicate, r.object)] = r
        frontier = set(ring)
    return nodes, sorted(kept.values(), key=lambda r: (r.predicate, r.subject, r.object, r.iri or ""))


def _link(relation: str, relation_iri: str) -> dict[str, Any]:
    return {
        "relation": relation,
        "relation_iri": relation_iri,
        "relation_name": local_name(relation_iri),
        "sources": [],
        "statement": None,
    }


def _reified(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Replace each qualified edge S→O by S→statement→O, with statement→source edges."""
    out = nx.MultiDiGraph()
    out.add_nodes_from(graph.nodes(data=True))
    links = []
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[2]):
        stmt = data.get("statement")
        if not stmt:
            links.append((u, v, key, data))
            continue
        label = f"{entity_label(graph, u)} {data['relation']} {entity_label(graph, v)}"
        out.add_node(
            stmt,
            **{k: val for k, val in data.items() if k not in ("sources", "statement")},
            label=label,
            type="Relationship",
            type_iri=RELATIONSHIP,
            types=["Relationship"],
            aliases=[],
        )
        links.append((u, stmt, f"{stmt}#subject", _link("subject of", RDF + "subject")))
        links.append((stmt, v, f"{stmt}#object", _link("object", RDF + "object")))
        for src in data.get("sources", []):
            if src["iri"] not in out:
                out.add_node(
                    src["iri"],
                    **{k: val for k, val in src.items() if k not in ("iri", "title")},
                    label=src.get("title") or local_name(src["iri"]),
                    type="Source",
                    type_iri=SOURCE,
                    types=["Source"],
                    aliases=[],
                )
            cited = _link("derived from", PROV + "wasDerivedFrom")
            links.append((stmt, src["iri"], f"{stmt}#source-{src['iri']}", cited))
    out.add_edges_from(links)
    return out


def entity_label(graph: nx.Graph, iri: str) -> str:
    """Label of a node, or the IRI's local name.

    >>> entity_label(nx.Graph(), "https://w3id.org/graphkit/id/aws")
    'aws'
    """
    return graph.nodes[iri].get("label", local_name(iri)) if iri in graph else local_name(iri)
