"""The graph steps: projection to networkx, PageRank, betweenness (nx-parallel)."""

from __future__ import annotations

import gc
import importlib
import os
from typing import Any

import networkx as nx
import pyoxigraph as ox

import graphkit

from .model import Row
from .steps_query import PREFIX_TEXT
from .timing import best, race, timed

# -- the fast-path sketch: raw engine rows -> dicts -> networkx ----------------------

_SKETCH_NODES = (
    PREFIX_TEXT
    + """SELECT ?e ?type ?label WHERE { VALUES ?type { #TYPES# } ?e a ?type . OPTIONAL { ?e rdfs:label ?label } }"""
)
_SKETCH_EDGES = (
    PREFIX_TEXT
    + """SELECT ?rel ?s ?p ?o ?date ?description WHERE {
  ?rel a gk:Relationship ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?rel dcterms:date ?date } OPTIONAL { ?rel dcterms:description ?description } }"""
)
_SKETCH_SOURCES = (
    PREFIX_TEXT
    + """SELECT ?rel ?src ?title ?publisher ?url ?issued WHERE {
  ?rel a gk:Relationship ; prov:wasDerivedFrom ?src .
  OPTIONAL { ?src dcterms:title ?title } OPTIONAL { ?src dcterms:publisher ?publisher }
  OPTIONAL { ?src schema:url ?url } OPTIONAL { ?src dcterms:issued ?issued } }"""
)


def term_value(term: Any) -> str | None:
    return None if term is None else term.value


def sketch_projection(store: ox.Store) -> nx.MultiDiGraph:
    """What projection costs when rows go straight from the engine into networkx.

    Not graphkit's output (fewer attributes, no plain triples, no sorting):
    a reference for how much of the time is the engine and networkx.
    """
    schema = graphkit.load_schema()
    types = " ".join(f"<{c}>" for c in schema.entity_classes)
    nodes: dict[str, dict[str, Any]] = {}
    for e, typ, label in store.query(_SKETCH_NODES.replace("#TYPES#", types)):
        nodes[e.value] = {"label": term_value(label), "type": schema.class_label(typ.value)}
    sources: dict[str, list[dict[str, Any]]] = {}
    for rel, src, title, publisher, url, issued in store.query(_SKETCH_SOURCES):
        sources.setdefault(rel.value, []).append(
            {
                "iri": src.value,
                "title": term_value(title),
                "publisher": term_value(publisher),
                "url": term_value(url),
                "date": term_value(issued),
            }
        )
    labels = {iri: info.label for iri, info in schema.relations.items()}
    edges = []
    for rel, s, p, o, date, description in store.query(_SKETCH_EDGES):
        key, pred = rel.value, p.value
        edges.append(
            (
                s.value,
                o.value,
                key,
                {
                    "relation": labels.get(pred, pred),
                    "relation_iri": pred,
                    "date": term_value(date),
                    "description": term_value(description),
                    "sources": sources.get(key, []),
                    "statement": key,
                },
            )
        )
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(nodes.items())
    graph.add_edges_from(edges)
    return graph


def simple_graph(graph: nx.Graph) -> nx.Graph:
    simple = nx.Graph()
    simple.add_nodes_from(graph)
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    return simple


class GraphSteps:
    """``projection``, ``centrality`` and ``betweenness``, mixed into ``Bench``."""

    def projection(self) -> None:
        kg = self.ensure_kg()
        self.rdf = None  # rdflib's copy is not needed any more: free it
        gc.collect()
        # A first projection in a fresh process: its peak RSS, and a guard, since a
        # projection that takes many minutes cannot be stopped inside this process.
        probe = self.child("projection", "graphkit")
        self.projection_timed_out = probe.timed_out
        edge_list: list[tuple] = []

        def gk() -> float:
            self.graph = None
            gc.collect()
            seconds, self.graph = timed(lambda: graphkit.project(kg))
            return seconds

        def floor() -> float:
            if not edge_list:
                edge_list.extend(self.graph.edges(keys=True, data=True))
            seconds, _ = timed(lambda: nx.MultiDiGraph().add_edges_from(edge_list))
            return seconds

        def sketch() -> float:
            seconds, graph = timed(lambda: sketch_projection(kg.backend.store))
            if self.projection_timed_out:
                self.graph = graph  # the floor and centrality use its edges instead
            return seconds

        if self.projection_timed_out:
            contenders = [("sketch", sketch), ("networkx", floor)]
        else:
            contenders = [("graphkit", gk), ("networkx", floor), ("sketch", sketch)]
        times = race(contenders, self.repeat, self.budget)
        info = {"nodes": self.graph.number_of_nodes(), "edges": self.graph.number_of_edges()}
        note = ""
        if self.projection_timed_out:
            times["graphkit"] = []
            note = (
                f"graphkit.project() did not finish in {self.args.child_timeout:.0f}s (child process); "
                "floor measured on the sketch's edges"
            )
        elif probe.seconds:
            info["child_seconds"] = probe.seconds
        row = Row(
            "projection", "networkx", best(times["graphkit"]), best(times["networkx"]), runs=times, info=info
        )
        row.note = note
        self.add(row)
        if self.projection_timed_out:
            row.status = "MISS"
        self.add(
            Row(
                "projection",
                "engine rows+nx",
                best(times["graphkit"]),
                best(times["sketch"]),
                runs=times,
                note="reference: raw SELECT rows -> dicts -> networkx, fewer attributes",
            )
        )

    def ensure_graph(self) -> nx.MultiDiGraph:
        if self.graph is None:
            if self.projection_timed_out:
                self.graph = sketch_projection(self.ensure_kg().backend.store)
            else:
                self.graph = graphkit.project(self.ensure_kg())
        return self.graph

    def centrality(self) -> None:
        graph = self.ensure_graph()
        simple = simple_graph(graph)
        nx.pagerank(nx.path_graph(3))  # import SciPy before the clock starts, for both sides

        def gk() -> float:
            return timed(lambda: graphkit.centrality(graph, "pagerank", top=10))[0]

        def bare() -> float:
            return timed(lambda: nx.pagerank(simple))[0]

        times = race([("graphkit", gk), ("networkx", bare)], self.repeat, self.budget)
        self.add(
            Row(
                "centrality",
                "networkx",
                best(times["graphkit"]),
                best(times["networkx"]),
                runs=times,
                note="pagerank; baseline on a simple graph made beforehand"
                + ("; on the sketch's graph (projection timed out)" if self.projection_timed_out else ""),
            )
        )

    def betweenness(self) -> None:
        if self.triples_wanted > 100_000:
            self.add(
                Row(
                    "betweenness",
                    "networkx",
                    note="skipped above 100k (exact betweenness is O(VE))",
                    status="skipped",
                )
            )
            return
        try:
            importlib.import_module("nx_parallel")
            backends = nx.utils.backends.backends
            if "parallel" not in backends:
                raise ImportError("nx-parallel is installed but not registered with networkx")
        except Exception as exc:  # ImportError, or nx-parallel built for another networkx
            reason = "not installed" if isinstance(exc, ModuleNotFoundError) else f"not usable: {exc}"
            print(
                f"nx-parallel {reason}; pip install 'graphkit[parallel]' (needs Python >= 3.12 for nx-parallel 0.4)"
            )
            self.add(Row("betweenness", "networkx", note=f"nx-parallel {reason}", status="skipped"))
            return
        graph = self.ensure_graph()

        def par() -> float:
            return timed(lambda: graphkit.centrality(graph, "betweenness", top=10, backend="parallel"))[0]

        def default() -> float:
            return timed(lambda: graphkit.centrality(graph, "betweenness", top=10))[0]

        times = race([("graphkit", par), ("networkx", default)], self.repeat, self.budget)
        self.add(
            Row(
                "betweenness",
                "networkx",
                best(times["graphkit"]),
                best(times["networkx"]),
                runs=times,
                note=f"backend=parallel vs default, {os.cpu_count()} cores",
            )
        )
