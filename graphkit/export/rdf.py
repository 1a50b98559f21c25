"""RDF export: the whole store, or the statements behind a projected subgraph."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

import networkx as nx
import pyoxigraph as ox

from graphkit.errors import GraphkitError
from graphkit.export.xml_lines import FORBIDDEN
from graphkit.model.graph import KnowledgeGraph
from graphkit.store.formats import format_by_name
from graphkit.vocab import PREFIXES

RDF_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "rdfxml")

_ABOUT = "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { #IRIS# } ?s ?p ?o }"
_CHUNK = 500


def xml_checked(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    r"""The triples, refused with a clear error at a literal that XML 1.0 cannot hold.

    RDF/XML would have to drop or alter such a character (a control
    character from a hostile file, U+FFFE...), and RDF exports give back
    the literals they were given: the other RDF formats keep it.

    >>> a, p = ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/p")
    >>> list(xml_checked([ox.Triple(a, p, ox.Literal("x\x01"))]))
    Traceback (most recent call last):
    ...
    graphkit.errors.GraphkitError: RDF/XML cannot hold the value of <https://example.org/a> ...
    """
    for triple in triples:
        value = triple.object
        if type(value) is ox.Literal and (found := FORBIDDEN.search(value.value)):
            raise GraphkitError(
                f"RDF/XML cannot hold the value of {triple.subject} {triple.predicate}: it contains "
                f"U+{ord(found.group()):04X} (character {found.start() + 1}), which XML 1.0 forbids. "
                "Export as Turtle, N-Triples or JSON-LD instead: they keep it"
            )
        yield triple


def _kept_links(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    """(subject, relation, object) of every edge in the view, with its inverse spelled out."""
    links: set[tuple[str, str, str]] = set()
    for u, v, data in graph.edges(data=True):
        relation = data.get("relation_iri")
        if not relation:
            continue
        links.add((u, relation, v))
        info = kg.schema.relations.get(relation)
        if info is not None and info.symmetric:
            links.add((v, relation, u))
        elif info is not None and info.inverse:
            links.add((v, info.inverse, u))
    return links


def subgraph_triples(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> list[ox.Triple]:
    """Every statement about the view's entities, relationships and sources.

    A direct relation triple between two entities is kept only when the
    view holds that relationship: one dropped by a filter (``--as-of``,
    ``--relation``, ``--type``, ``--focus``) leaves no trace. Documents that
    a kept statement cites (``gk:accordingTo``) come with their label and
    description, but not with their own relations to entities outside the view.

    >>> import graphkit
    >>> from graphkit.projection import project
    >>> with graphkit.open() as kg:
    ...     view = project(kg, focus="AWS", relations=["metWith"])
    ...     triples = subgraph_triples(kg, view)
    >>> sorted({t.predicate.value.rsplit("#")[-1] for t in triples if "metWith" in str(t)})
    ['metWith', 'predicate']
    """
    nodes = set(graph.nodes)
    subjects = set(nodes)
    for _, _, data in graph.edges(data=True):
        if data.get("statement"):
            subjects.add(data["statement"])
        subjects.update(s["iri"] for s in data.get("sources", []) if s.get("iri"))
        subjects.update(data.get("according_to", []))
    links = _kept_links(kg, graph)
    relation_iris = set(kg.schema.relations)
    out: list[ox.Triple] = []
    ordered = sorted(s for s in subjects if not s.startswith("_:"))
    for start in range(0, len(ordered), _CHUNK):
        values = " ".join(str(ox.NamedNode(i)) for i in ordered[start : start + _CHUNK])
        for triple in kg.query(_ABOUT.replace("#IRIS#", values)):
            s, p, o = triple.subject, triple.predicate, triple.object
            if (
                p.value in relation_iris
                and isinstance(o, ox.NamedNode)
                and (s.value, p.value, o.value) not in links
            ):
                continue
            out.append(triple)
    return out


class _CarriageReturns:
    """Writes RDF/XML with each carriage return as ``&#13;``, which XML readers keep.

    Raw, every XML reader would read it as a line feed. The writer never puts
    one in markup, so any one it writes is inside a literal.
    """

    def __init__(self, out: BinaryIO):
        self.out = out

    def write(self, data: bytes) -> int:
        self.out.write(bytes(data).replace(b"\r", b"&#13;"))
        return len(data)  # what the writer gave: it checks the count

    def flush(self) -> None:
        self.out.flush()


def write_rdf(
    kg: KnowledgeGraph, out: BinaryIO, fmt: str, graph: nx.MultiDiGraph | None = None
) -> int | None:
    """Serialise the store (or the statements behind the view ``graph``) in an RDF format.

    Returns the number of statements written for a view (None for the whole store).

    ``fmt`` is one of :data:`RDF_FORMATS`. The whole store keeps its named
    graphs in ``nq`` and ``trig``; the formats without graphs get the union
    of all graphs, as one document.

    >>> import graphkit, io
    >>> buf = io.BytesIO()
    >>> with graphkit.open() as kg:
    ...     write_rdf(kg, buf, "nt")
    >>> b"<https://w3id.org/graphkit/ontology#metWith>" in buf.getvalue()
    True
    """
    rdf_format = format_by_name(fmt)
    prefixes = {"prefixes": PREFIXES} if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}
    if graph is None:
        if rdf_format.supports_datasets:  # the store keeps its named graphs
            kg.backend.dump(out, rdf_format)
            return
        triples = kg.triples()
    else:
        triples = subgraph_triples(kg, graph)
    if rdf_format == ox.RdfFormat.RDF_XML:  # a view is checked before anything is written
        triples = list(xml_checked(triples)) if graph is not None else xml_checked(triples)
        out = _CarriageReturns(out)  # type: ignore[assignment]
    if rdf_format.supports_datasets:
        quads = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
        ox.serialize(quads, out, rdf_format, **prefixes)
    else:
        ox.serialize(triples, out, rdf_format, **prefixes)
    return len(triples) if graph is not None else None  # type: ignore[arg-type]
