"""The networkx projection: nodes, edges, citations, filters, and the same graph from every store."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import graphkit
from graphkit.errors import EntityNotFoundError, GraphkitError
from graphkit.projection import project, type_names

GKD = "https://w3id.org/graphkit/id/"
GK = "https://w3id.org/graphkit/ontology#"
EX = "https://example.org/id/"
COLLINS = GKD + "judith-collins"
AWS = GKD + "aws"

TINY = r"""
@prefix gk: <https://w3id.org/graphkit/ontology#> .
@prefix ex: <https://example.org/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .

ex:minister a gk:Minister ; rdfs:label "Minister X"@fr, "Minister X" , "Minister X (en)"@en .
ex:acme a gk:Company ; rdfs:label "Acme" ; skos:altLabel "ACME", "Acme Ltd" ;
    schema:numberOfEmployees "42"^^xsd:integer ; dcterms:type "private" ;
    schema:keywords "b", "a" .
ex:globex a gk:Company ; rdfs:label "Globex" .
ex:lonely a gk:Company ; rdfs:label "Lonely Corp" .

# A plain triple with no qualified statement behind it.
ex:minister gk:metWith ex:acme .

# A qualified statement, and its inverse asserted as a direct triple too.
ex:minister gk:partnerOf ex:globex .
ex:globex gk:partnerOf ex:minister .
ex:rel-partner a gk:Relationship ;
    rdf:subject ex:minister ; rdf:predicate gk:partnerOf ; rdf:object ex:globex ;
    dcterms:date "2024-10-05T09:30:00Z"^^xsd:dateTime ;
    prov:wasDerivedFrom ex:src .

# A date no one can read must not break the as-of filter.
ex:acme gk:partnerOf ex:globex .
ex:rel-odd a gk:Relationship ;
    rdf:subject ex:acme ; rdf:predicate gk:partnerOf ; rdf:object ex:globex ;
    dcterms:date "sometime" ;
    prov:wasDerivedFrom ex:src .

ex:src a gk:NewsReport ; dcterms:title "A report" ; dcterms:publisher "A paper" ;
    schema:url <https://example.org/report> ; dcterms:issued "2024-11"^^xsd:gYearMonth .
"""


@pytest.fixture(scope="module")
def bundled():
    with graphkit.open() as kg:
        yield kg


@pytest.fixture(scope="module")
def graph(bundled):
    return project(bundled)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny") / "tiny.ttl"
    path.write_text(TINY, encoding="utf-8")
    with graphkit.open(str(path)) as kg:
        yield kg


def count(kg, query: str) -> int:
    return int(kg.select(query)[0]["n"])


def snapshot(g: nx.MultiDiGraph) -> tuple[dict, dict]:
    """Nodes and edges with their attributes, comparable across projections."""
    nodes = {n: dict(d) for n, d in g.nodes(data=True)}
    edges = {(u, v, k): dict(d) for u, v, k, d in g.edges(keys=True, data=True)}
    return nodes, edges


def edge_keys(g: nx.MultiDiGraph, relation: str) -> set[tuple[str, str]]:
    return {(u, v) for u, v, d in g.edges(data=True) if d["relation_iri"] == GK + relation}


# -- counts against SPARQL -----------------------------------------------------


def test_node_count_is_the_sparql_count_of_entities(bundled, graph):
    entities = count(
        bundled,
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE "
        "{ ?e a ?t . ?t rdfs:subClassOf* gk:Entity . FILTER(isIRI(?e)) }",
    )
    assert entities > 40
    assert graph.number_of_nodes() == entities
    assert isinstance(graph, nx.MultiDiGraph)


def test_edge_count_is_statements_plus_plain_triples(bundled, graph):
    statements = count(bundled, "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a gk:Relationship }")
    plain = count(
        bundled,
        """SELECT (COUNT(*) AS ?n) WHERE {
          ?s ?p ?o . ?p a gk:RelationType . FILTER(isIRI(?o))
          FILTER NOT EXISTS { ?r rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }
          FILTER NOT EXISTS { ?p owl:inverseOf|^owl:inverseOf ?i .
                              ?r2 rdf:subject ?o ; rdf:predicate ?i ; rdf:object ?s }
          FILTER NOT EXISTS { ?p a owl:SymmetricProperty .
                              ?r3 rdf:subject ?o ; rdf:predicate ?p ; rdf:object ?s } }""",
    )
    assert graph.number_of_edges() == statements + plain
    keys = {k for _, _, k in graph.edges(keys=True)}
    expected = {row["r"] for row in bundled.select("SELECT ?r WHERE { ?r a gk:Relationship }")}
    assert expected <= keys


def test_literals_sources_and_statements_are_not_nodes(bundled, graph):
    sources = {r["s"] for r in bundled.select("SELECT ?s WHERE { ?r prov:wasDerivedFrom ?s }")}
    assert sources and not sources & set(graph.nodes)
    assert not any(n.startswith(GKD + "rel/") for n in graph)
    assert all(n.startswith("http") for n in graph)


# -- attributes ----------------------------------------------------------------


def test_every_qualified_edge_carries_full_sources(graph):
    qualified = [d for _, _, d in graph.edges(data=True) if d["statement"]]
    assert len(qualified) == graph.number_of_edges()
    for data in qualified:
        assert data["sources"], data["statement"]
        for source in data["sources"]:
            assert source["title"].startswith("Spy agency minister")
            assert source["publisher"] == "RNZ (Radio New Zealand)"
            assert source["url"].startswith("https://rnz.co.nz/")
            assert source["date"] == "2025-03"


def test_edge_attributes(graph):
    met = graph.edges[COLLINS, AWS, GKD + "rel/collins-met-aws"]
    assert met["relation"] == "met with"
    assert met["relation_iri"] == GK + "metWith"
    assert met["relation_name"] == "metWith"
    assert met["date"] == "2024-10"
    assert met["date_approximate"] is True
    assert met["description"]
    mou = graph.edges[GKD + "google", GKD + "singapore-google-mou", GKD + "rel/google-party-to-singapore-mou"]
    assert mou["start"] == "2023" and mou["date"] is None and mou["end"] is None


def test_node_attributes(graph):
    collins = graph.nodes[COLLINS]
    assert collins["label"] == "Judith Collins"
    assert collins["type"] == "Minister"
    assert collins["type_iri"] == GK + "Minister"
    assert collins["types"] == ["Minister"]
    assert collins["aliases"] == ["Collins"]
    assert "spy agency" in collins["description"]
    assert graph.nodes[AWS]["aliases"] == ["AWS"]
    assert graph.nodes[GKD + "amazon"]["aliases"] == []
    for _, data in graph.nodes(data=True):
        assert {"label", "type", "types", "aliases"} <= set(data)


def test_plain_triple_becomes_an_edge_with_empty_sources(tiny):
    g = project(tiny)
    key = f"{EX}minister {GK}metWith {EX}acme"
    data = g.edges[EX + "minister", EX + "acme", key]
    assert data["sources"] == [] and data["statement"] is None
    assert data["relation"] == "met with"


def test_inverse_direct_triple_is_not_a_second_edge(tiny):
    g = project(tiny)
    between = g.get_edge_data(EX + "minister", EX + "globex", default={})
    back = g.get_edge_data(EX + "globex", EX + "minister", default={})
    assert list(between) == [EX + "rel-partner"] and not back
    assert between[EX + "rel-partner"]["sources"] == [
        {
            "title": "A report",
            "publisher": "A paper",
            "url": "https://example.org/report",
            "date": "2024-11",
            "iri": EX + "src",
        }
    ]


def test_literal_properties_keep_types_and_never_clobber(tiny):
    g = project(tiny)
    acme = g.nodes[EX + "acme"]
    assert acme["numberOfEmployees"] == 42
    assert acme["keywords"] == ["a", "b"]
    assert acme["aliases"] == ["ACME", "Acme Ltd"]
    assert acme["type"] == "Company"  # dcterms:type does not overwrite it
    assert acme["dcterms_type"] == "private"
    assert g.nodes[EX + "minister"]["label"] == "Minister X"  # untagged label first


def test_properties_of_statements_and_sources_stay_off_the_nodes(tmp_path):
    """A predicate outside the known columns is read for every subject; only entities keep it."""
    path = tmp_path / "amounts.ttl"
    path.write_text(
        TINY
        + """
ex:rel-partner gk:amount "5000"^^xsd:integer ; schema:keywords "statement keyword" .
ex:src schema:keywords "source keyword" .
ex:globex gk:amount "12"^^xsd:integer .
""",
        encoding="utf-8",
    )
    with graphkit.open(str(path)) as kg:
        g = project(kg)
    assert g.nodes[EX + "globex"]["amount"] == 12
    assert "amount" not in g.nodes[EX + "minister"]
    assert g.nodes[EX + "acme"]["keywords"] == ["a", "b"]
    assert EX + "rel-partner" not in g and EX + "src" not in g
    assert "amount" not in g.edges[EX + "minister", EX + "globex", EX + "rel-partner"]


# -- filters -------------------------------------------------------------------


def test_include_types_follows_subtypes(bundled):
    g = project(bundled, types=["Organisation"])
    kinds = {d["type"] for _, d in g.nodes(data=True)}
    assert {"Company", "GovernmentAgency", "Government"} <= kinds
    assert "Minister" not in kinds and "Country" not in kinds
    assert all(u in g and v in g for u, v in g.edges())
    assert "Minister" in type_names(bundled, ["Person"])


def test_exclude_types(bundled, graph):
    g = project(bundled, exclude_types=["Document"])
    kinds = {d["type"] for _, d in g.nodes(data=True)}
    assert not kinds & {"Document", "Briefing", "OIARequest", "OIAResponse", "Strategy"}
    assert 0 < len(g) < len(graph)


def test_include_and_exclude_relations(bundled, graph):
    met = project(bundled, relations=["metWith"])
    assert {d["relation_name"] for _, _, d in met.edges(data=True)} == {"metWith"}
    assert met.number_of_edges() == 3
    assert len(met) == len(graph)  # relation filters drop edges, not nodes
    rest = project(bundled, exclude_relations=["met with"])
    assert rest.number_of_edges() == graph.number_of_edges() - 3
    assert "metWith" not in {d["relation_name"] for _, _, d in rest.edges(data=True)}


def test_unknown_type_or_relation_lists_the_allowed_names(bundled):
    with pytest.raises(GraphkitError, match=r"Allowed: .*Company"):
        project(bundled, types=["Compnay"])
    with pytest.raises(GraphkitError, match="metWith"):
        project(bundled, relations=["meetWith"])


@pytest.mark.parametrize(
    ("as_of", "meeting", "mou", "announced_2025"),
    [
        ("2024-10-15", True, True, False),
        ("2024-10", True, True, False),
        ("2024", True, True, False),
        ("2025", False, True, True),
        ("2025-03-31", False, True, True),
        ("2022", False, False, False),
    ],
)
def test_as_of_with_fuzzy_dates(bundled, graph, as_of, meeting, mou, announced_2025):
    g = project(bundled, as_of=as_of)
    assert g.has_edge(COLLINS, AWS) is meeting
    assert g.has_edge(GKD + "google", GKD + "singapore-google-mou") is mou
    assert g.has_edge(GKD + "singapore", GKD + "singapore-military-ai-initiatives") is announced_2025
    undated = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if not (d["date"] or d["start"])]
    assert undated and all(g.has_edge(*e) for e in undated)
    assert g.graph["as_of"] == as_of
    assert len(g) == len(graph)


def test_as_of_reads_datetimes_and_keeps_unreadable_dates(tiny):
    assert project(tiny, as_of="2024-10-05").has_edge(EX + "minister", EX + "globex")
    assert not project(tiny, as_of="2024-10-06").has_edge(EX + "minister", EX + "globex")
    assert project(tiny, as_of="1990").has_edge(EX + "acme", EX + "globex")  # "sometime"


@pytest.mark.parametrize("bad", ["2024-13", "2024-02-30", "10/2024", "yesterday", "2024-1"])
def test_malformed_as_of_is_refused(bundled, bad):
    with pytest.raises(GraphkitError, match="date"):
        project(bundled, as_of=bad)


def test_focus_and_depth(bundled, graph):
    undirected = graph.to_undirected(as_view=True)
    one = project(bundled, focus="AWS", depth=1)
    assert set(one) == {AWS, *undirected[AWS]}
    assert one.graph["focus"] == AWS
    two = project(bundled, focus="Amazon Web Services", depth=2)
    assert set(one) < set(two)
    assert set(two) == set(nx.single_source_shortest_path_length(undirected, AWS, cutoff=2))
    assert set(project(bundled, focus=AWS, depth=0)) == {AWS}
    # the ego network is taken after the filters
    met = project(bundled, focus="AWS", relations=["metWith"], as_of="2025")
    assert set(met) == {AWS}


def test_focus_survives_its_own_type_filter(bundled):
    g = project(bundled, focus="Judith Collins", types=["Company"])
    assert COLLINS in g and AWS in g
    assert {d["type"] for n, d in g.nodes(data=True) if n != COLLINS} == {"Company"}


def test_bad_focus_and_depth(bundled):
    with pytest.raises(EntityNotFoundError):
        project(bundled, focus="Nobody At All")
    with pytest.raises(GraphkitError, match="depth"):
        project(bundled, focus="AWS", depth=-1)


def test_undirected_view(bundled, graph):
    g = project(bundled, undirected=True)
    assert isinstance(g, nx.MultiGraph) and not g.is_directed()
    assert len(g) == len(graph) and g.number_of_edges() == graph.number_of_edges()
    assert g.has_edge(AWS, COLLINS)


def test_reified_view_makes_statements_and_sources_nodes(bundled, graph):
    g = project(bundled, reify=True)
    stmt = GKD + "rel/collins-met-aws"
    source = GKD + "source/rnz-2025-03-spy-agency-minister"
    assert g.nodes[stmt]["type"] == "Relationship"
    assert g.nodes[stmt]["date"] == "2024-10"
    assert g.nodes[source]["type"] == "Source"
    assert g.nodes[source]["label"].startswith("Spy agency minister")
    assert g.has_edge(COLLINS, stmt) and g.has_edge(stmt, AWS) and g.has_edge(stmt, source)
    assert not g.has_edge(COLLINS, AWS)
    assert len(g) == len(graph) + graph.number_of_edges() + 1


# -- every store kind ------------------------------------------------------------


def test_same_projection_from_every_store(any_store, graph):
    with graphkit.open(any_store) as kg:
        other = project(kg)
        filtered = project(kg, as_of="2025", focus="Judith Collins", depth=2)
    assert snapshot(other) == snapshot(graph)
    with graphkit.open() as kg:
        expected = project(kg, as_of="2025", focus="Judith Collins", depth=2)
    assert snapshot(filtered) == snapshot(expected)


def test_same_projection_from_the_remote_store(remote_store, graph):
    with graphkit.open(remote_store) as kg:
        assert kg.backend.kind == "remote"
        nodes, edges = snapshot(project(kg))
    expected_nodes, expected_edges = snapshot(graph)
    assert set(nodes) == set(expected_nodes) and set(edges) == set(expected_edges)
    assert nodes == expected_nodes and edges == expected_edges


def test_tiny_file_store_projects(tiny, tmp_path):
    path = Path(tmp_path) / "copy.ttl"
    path.write_text(TINY, encoding="utf-8")
    with graphkit.open(str(path)) as kg:
        assert snapshot(project(kg)) == snapshot(project(tiny))


# -- scale -----------------------------------------------------------------------------


def synthetic_turtle(entities: int, links: int) -> tuple[str, int]:
    """A store where a third of the links are plain triples and a third also assert their inverse."""
    inverse = {"partnerOf": "partnerOf", "about": "subjectOf", "operates": "operatedBy"}
    lines = [
        "@prefix gk: <https://w3id.org/graphkit/ontology#> . @prefix ex: <https://example.org/id/> .",
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix prov: <http://www.w3.org/ns/prov#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        'ex:src a gk:NewsReport ; dcterms:title "T" ; dcterms:publisher "P" .',
    ]
    lines += [f'ex:e{i} a gk:Company ; rdfs:label "E {i}" .' for i in range(entities)]
    for j in range(links):
        a, b, pred = j % entities, (j * 7 + 3) % entities, list(inverse)[j % 3]
        lines.append(f"ex:e{a} gk:{pred} ex:e{b} .")
        if j % 3 == 0:
            continue
        lines.append(
            f"ex:r{j} a gk:Relationship ; rdf:subject ex:e{a} ; rdf:predicate gk:{pred} ; "
            f'rdf:object ex:e{b} ; dcterms:date "2024-10" ; prov:wasDerivedFrom ex:src .'
        )
        if j % 3 == 1:
            lines.append(f"ex:e{b} gk:{inverse[pred]} ex:e{a} .")
    return "\n".join(lines), links


def test_projection_of_a_synthetic_graph_with_plain_and_inverse_triples(tmp_path):
    """Speed is measured in benchmarks/; this checks the shape on a larger graph."""
    text, links = synthetic_turtle(1000, 3000)
    path = tmp_path / "synthetic.ttl"
    path.write_text(text, encoding="utf-8")
    with graphkit.open(str(path)) as kg:
        g = project(kg)
    assert len(g) == 1000 and g.number_of_edges() == links
    plain = [d for _, _, d in g.edges(data=True) if d["statement"] is None]
    assert len(plain) == links // 3 and all(d["sources"] == [] for d in plain)


def test_focused_relationships_equal_the_filtered_full_set(bundled):
    from graphkit.model.relationships import relationships

    everything = relationships(bundled)
    for iri in ("https://w3id.org/graphkit/id/aws", "https://w3id.org/graphkit/id/judith-collins"):
        assert relationships(bundled, iri) == [r for r in everything if iri in (r.subject, r.object)]


def test_focus_projection_equals_the_ego_graph_of_the_full_projection(bundled):
    full = project(bundled, exclude_types=["Document"], as_of="2024")
    for name, iri in (
        ("Judith Collins", "https://w3id.org/graphkit/id/judith-collins"),
        ("AWS", "https://w3id.org/graphkit/id/aws"),
    ):
        for depth in (0, 1, 2):
            ego = nx.ego_graph(full.to_undirected(as_view=True), iri, radius=depth)
            focused = project(bundled, focus=name, depth=depth, exclude_types=["Document"], as_of="2024")
            assert set(focused.nodes) == set(ego.nodes)
            assert set(focused.edges(keys=True)) == set(full.subgraph(ego.nodes).edges(keys=True))
