"""The HTML view's data and page: colours by type, escaping, sources, determinism, errors.

The helpers at the top (hostile Turtle, synthetic graphs, reading the page's
JSON) are shared with tests/test_render_browser.py.
"""

from __future__ import annotations

import hashlib
import html
import importlib
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import graphkit
from graphkit.cli.render import render as render_command
from graphkit.errors import GraphkitError
from graphkit.projection import project
from graphkit.render import RenderedView, render
from graphkit.render.data import safe_url, view_data
from graphkit.render.html import script_json
from graphkit.render.layout import positions

GK = "https://w3id.org/graphkit/ontology#"
GKD = "https://w3id.org/graphkit/id/"
AWS = GKD + "aws"
COLLINS = GKD + "judith-collins"
COLLINS_MET_AWS = GKD + "rel/collins-met-aws"
RNZ_TITLE = "Spy agency minister Judith Collins refuses to release Pacific cyber security documents"

IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "</script><script>window.__pwned=1</script>"
PAYLOAD_TITLE = IMG + SCRIPT
EVIL_LABEL = IMG + " Evil Corp"
AGENCY_LABEL = "Agency " + SCRIPT
EVIL_SOURCE = IMG + " Source title"

# ---------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------


def _ttl(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def payload_ttl(folder: Path) -> Path:
    """Two entities and one sourced relationship whose strings try to run script."""
    path = folder / "payload.ttl"
    path.write_text(
        f"""@prefix gk: <{GK}> .
@prefix gkd: <{GKD}> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

gkd:evil a gk:Company ; rdfs:label {_ttl(EVIL_LABEL)} ; skos:altLabel "EvilCorp" ;
    dcterms:description {_ttl(SCRIPT)} .
gkd:agency a gk:GovernmentAgency ; rdfs:label {_ttl(AGENCY_LABEL)} ; skos:altLabel "AGENCY" .
gkd:agency gk:metWith gkd:evil .
gkd:rel-agency-evil a gk:Relationship ;
    rdf:subject gkd:agency ; rdf:predicate gk:metWith ; rdf:object gkd:evil ;
    dcterms:date "2024-10"^^xsd:gYearMonth ;
    dcterms:description {_ttl("They met. " + IMG)} ;
    prov:wasDerivedFrom gkd:src-evil, gkd:src-safe .
gkd:src-evil a gk:NewsReport ; dcterms:title {_ttl(EVIL_SOURCE)} ;
    dcterms:publisher "Publisher <b>bold</b>" ; schema:url <javascript:window.__pwned=1> ;
    dcterms:issued "2024-10-02"^^xsd:date .
gkd:src-safe a gk:NewsReport ; dcterms:title "Safe source" ; dcterms:publisher "RNZ" ;
    schema:url <https://example.org/report?a=1&b=2> ; dcterms:issued "2024-11"^^xsd:gYearMonth .
""",
        encoding="utf-8",
    )
    return path


TYPES = [
    "Company",
    "GovernmentAgency",
    "Minister",
    "Country",
    "Document",
    "Initiative",
    "Summit",
    "TechnologySystem",
]
RELATIONS = [
    ("met with", "metWith"),
    ("partner of", "partnerOf"),
    ("supports", "supports"),
    ("based in", "basedIn"),
]


def synthetic_graph(nodes: int, edges_per_node: int = 2, seed: int = 1) -> nx.MultiDiGraph:
    """A projection-shaped graph of ``nodes`` entities with about ``edges_per_node`` sourced edges each."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    for i in range(nodes):
        kind = TYPES[rng.randrange(len(TYPES))]
        graph.add_node(f"{GKD}synthetic/{i}", label=f"Entity {i}", type=kind, types=[kind], aliases=[f"E{i}"])
    base = nx.barabasi_albert_graph(nodes, edges_per_node, seed=seed)
    for j, (u, v) in enumerate(base.edges()):
        relation, name = RELATIONS[rng.randrange(len(RELATIONS))]
        graph.add_edge(
            f"{GKD}synthetic/{u}",
            f"{GKD}synthetic/{v}",
            key=f"{GKD}rel/synthetic/{j}",
            relation=relation,
            relation_name=name,
            date=str(2020 + j % 5),
            sources=[
                {
                    "title": f"Report {j}",
                    "publisher": "Example News",
                    "url": f"https://example.org/{j}",
                    "date": "2024",
                }
            ],
        )
    return graph


def page_data(document: str) -> dict:
    """The JSON embedded in a rendered page."""
    found = re.search(r'<script type="application/json" id="graphkit-data">(.*?)</script>', document, re.S)
    assert found, "no data block"
    return json.loads(found.group(1))


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled_view() -> RenderedView:
    with graphkit.open() as kg:
        return render(kg)


@pytest.fixture
def payload(tmp_path) -> Path:
    return payload_ttl(tmp_path)


def _node(view: RenderedView, iri: str) -> dict:
    return next(n for n in view.nodes if n["id"] == iri)


def _edge(view: RenderedView, statement: str) -> dict:
    return next(e for e in view.edges if e["statement"] == statement)


# ---------------------------------------------------------------------------
# node and edge data
# ---------------------------------------------------------------------------


def test_every_projected_node_and_edge_is_drawn(kg, bundled_view):
    graph = project(kg)
    assert len(bundled_view.nodes) == graph.number_of_nodes()
    assert len(bundled_view.edges) == graph.number_of_edges()
    assert {n["id"] for n in bundled_view.nodes} == set(graph.nodes)
    assert page_data(bundled_view.html)["nodes"] == bundled_view.nodes


def test_colour_and_shape_come_from_the_view_styles(bundled_view):
    aws, collins = _node(bundled_view, AWS), _node(bundled_view, COLLINS)
    assert (aws["type"], aws["type_label"], aws["family"]) == ("Company", "Company", "Company")
    assert (aws["color"]["background"], aws["shape"]) == ("#d55e00", "diamond")
    assert (collins["type_label"], collins["family"]) == ("Minister", "Person and post")
    assert (collins["color"]["background"], collins["shape"]) == ("#e69f00", "star")
    # every class drawn has its own (colour, shape, fill); a hollow shape is white with a family-coloured border
    pairs = {}
    for node in bundled_view.nodes:
        hollow = node["color"]["background"] == "#ffffff"
        colour = node["color"]["border"] if hollow else node["color"]["background"]
        pairs.setdefault((colour, node["shape"], hollow), set()).add(node["type"])
    assert all(len(types) == 1 for types in pairs.values()), pairs
    assert len(pairs) == len({n["type"] for n in bundled_view.nodes})


def test_classes_without_a_style_get_a_free_slot_of_their_family(kg):
    from graphkit.render.style import assign_styles

    styles = assign_styles(kg.schema, ["Briefing", "Document", "NoSuchClass", "Minister", "Person"])
    keys = [s.key for s in styles.values()]
    assert len(set(keys)) == len(keys)
    assert styles["NoSuchClass"].family_label == "Other"
    assert styles["Document"].filled is False and styles["Briefing"].filled is True


def test_legend_lists_each_type_with_its_style_and_count(bundled_view):
    data = page_data(bundled_view.html)
    legend = {t["type"]: t for t in data["types"]}
    assert legend["Company"]["color"] == "#d55e00" and legend["Company"]["shape"] == "diamond"
    assert legend["GovernmentDepartment"]["label"] == "Government department"
    assert legend["OIARequest"]["label"] == "OIA request"
    assert legend["Document"]["filled"] is False
    assert sum(t["count"] for t in data["types"]) == len(bundled_view.nodes)
    assert sum(r["count"] for r in data["relations"]) == len(bundled_view.edges)
    assert "met with" in {r["relation"] for r in data["relations"]}
    families = [t["family"] for t in data["types"]]
    assert families.index("Government") < families.index("Company") < families.index("Document")


def test_long_labels_are_cut_for_the_drawing_only(tmp_path):
    graph = nx.MultiDiGraph()
    graph.add_node("x", label="word " * 20_000, type="Company")
    graph.add_node("y", label="y" * 1_000_000, type="Company")
    view = render(graph)
    for node in view.nodes:
        assert len(node["label"]) < 80 and node["label"].endswith("…")
        assert len(node["name"]) >= 100_000  # the details panel and search keep the full text


def test_entity_details_carry_label_type_and_aliases(bundled_view):
    aws = _node(bundled_view, AWS)
    assert aws["label"] == "Amazon Web Services" and aws["name"] == "Amazon Web Services"
    assert aws["aliases"] == ["AWS"]
    assert aws["description"]


def test_edge_details_carry_relation_date_and_every_source(bundled_view):
    met = _edge(bundled_view, COLLINS_MET_AWS)
    assert (met["from"], met["to"], met["label"], met["relation"]) == (COLLINS, AWS, "met with", "met with")
    assert met["date"] == "~2024-10" and met["approximate"] and met["description"]
    assert met["period"] == ["2024-10-01", "2024-10-31"]
    assert met["arrows"] == "" and met["symmetric"]  # metWith is symmetric: no arrowhead
    [source] = met["sources"]
    assert source["title"] == RNZ_TITLE
    assert source["publisher"] == "RNZ (Radio New Zealand)"
    assert source["date"] == "2025-03"
    assert source["url"].startswith("https://rnz.co.nz/")
    directed = next(e for e in bundled_view.edges if e["relation_name"] == "basedIn")
    assert directed["arrows"] == "to"


def test_size_grows_with_degree_and_other_measures(kg):
    graph = project(kg)
    by_degree = {n["id"]: n["size"] for n in render(graph, size_by="degree").nodes}
    assert by_degree[COLLINS] == max(by_degree.values())  # the best-connected entity
    assert min(by_degree.values()) >= 9
    pagerank = {n["id"]: n["size"] for n in render(graph, size_by="pagerank").nodes}
    assert pagerank[COLLINS] == max(pagerank.values())
    assert page_data(render(graph, size_by="betweenness").html)["size_by"] == "betweenness"


def test_source_links_only_for_http_urls():
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("http://example.org") == "http://example.org"
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "//evil",
        "",
        None,
        5,
    ):
        assert safe_url(bad) is None


# ---------------------------------------------------------------------------
# escaping
# ---------------------------------------------------------------------------


def test_hostile_strings_are_escaped_everywhere(payload):
    with graphkit.open(payload) as kg:
        view = render(kg, title=PAYLOAD_TITLE)
    document = view.html
    for raw in (IMG, SCRIPT, "<b>bold</b>", "window.__pwned=1</script>"):
        assert raw not in document
    # the page has exactly its own three script elements: data, vis-network, view
    assert document.count("</script>") == 3
    assert len(re.findall(r"^<script\b", document, re.M)) == 3
    for pattern in (r"<title>(.*?)</title>", r'<h1 id="gk-title">(.*?)</h1>'):
        shown = re.search(pattern, document).group(1)
        assert "<" not in shown and html.unescape(shown) == PAYLOAD_TITLE
    # ... and the data round-trips unchanged
    data = page_data(document)
    labels = {n["name"] for n in data["nodes"]}
    assert labels == {EVIL_LABEL, AGENCY_LABEL}
    [edge] = data["edges"]
    assert [s["title"] for s in edge["sources"]] == [EVIL_SOURCE, "Safe source"]
    assert edge["sources"][0]["url"] is None  # javascript: is never a link
    assert edge["sources"][1]["url"] == "https://example.org/report?a=1&b=2"


def test_script_json_escapes_html_and_line_separators():
    text = script_json({"a": "</script>&<!--\u2028\u2029"})
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"a": "</script>&<!--\u2028\u2029"}


def test_page_is_self_contained(bundled_view):
    document = bundled_view.html
    assert not re.search(r"<(link|iframe|img|object|embed)\b", document, re.I)
    assert not re.search(r"<script[^>]*\bsrc=", document, re.I)
    assert all(u.strip("'\" ").startswith("data:") for u in re.findall(r"url\(([^)]*)\)", document))
    assert "bootstrap" not in document.lower()
    assert "default-src &#39;none&#39;" in document  # CSP: no requests at all
    view_js = Path(importlib.import_module("graphkit.render.html").__file__).with_name("view.js")
    assert "innerHTML" not in view_js.read_text(encoding="utf-8")


def test_repr_html_is_an_escaped_srcdoc_iframe(bundled_view):
    shown = bundled_view._repr_html_()
    assert shown.startswith('<iframe srcdoc="')
    assert 'sandbox="allow-scripts' in shown
    body = shown.split('srcdoc="', 1)[1].split('" sandbox=', 1)[0]
    assert "<" not in body and '"' not in body
    assert html.unescape(body) == bundled_view.html


# ---------------------------------------------------------------------------
# determinism, layout, options
# ---------------------------------------------------------------------------


def test_same_input_gives_identical_html(kg):
    first, second = render(kg, layout="static"), render(kg, layout="static")
    assert first.html == second.html
    assert render(kg).html == render(kg).html
    other_seed = render(kg, layout="static", seed=7)
    assert [(n["x"], n["y"]) for n in other_seed.nodes] != [(n["x"], n["y"]) for n in first.nodes]


def test_same_html_in_other_processes(kg):
    """String hashing is randomised per process: the page must not depend on it."""
    code = (
        "import hashlib, sys, graphkit\n"
        "from graphkit.render import render\n"
        "with graphkit.open() as kg:\n"
        "    sys.stdout.write(hashlib.sha256(render(kg, layout='static').html.encode()).hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert digests == {hashlib.sha256(render(kg, layout="static").html.encode()).hexdigest()}


def test_nodes_and_edges_are_sorted(bundled_view):
    ids = [n["id"] for n in bundled_view.nodes]
    assert ids == sorted(ids)
    keys = [(e["from"], e["to"]) for e in bundled_view.edges]
    assert keys == sorted(keys)
    assert [e["id"] for e in bundled_view.edges] == [f"e{i}" for i in range(len(keys))]


def test_default_layout_is_precomputed_and_physics_stays_available(bundled_view, kg):
    small = page_data(bundled_view.html)
    assert small["layout"] == "static"
    assert small["options"]["physics"]["enabled"] is False
    physics = view_data(project(kg), layout="physics")
    assert (
        physics["options"]["physics"]["enabled"]
        and physics["options"]["physics"]["stabilization"]["iterations"] == 200
    )
    large = view_data(synthetic_graph(800))
    assert large["layout"] == "static" and large["large"]
    assert large["options"]["layout"]["improvedLayout"] is False
    assert large["options"]["edges"]["smooth"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in large["nodes"])
    # level of detail: the most central nodes keep a label big enough for the first, zoomed-out view
    big = sorted(large["nodes"], key=lambda n: -n.get("font", {}).get("size", 0))
    assert big[0].get("font", {}).get("size", 0) > small["options"]["nodes"]["font"]["size"]
    assert sum(1 for n in large["nodes"] if "font" in n) <= 25


def test_small_graph_labels_do_not_overlap_in_the_precomputed_layout(bundled_view):
    from graphkit.render.data import _node_box
    from graphkit.render.placement import overlapping

    boxes = {n["id"]: _node_box(n, True) for n in bundled_view.nodes}
    assert overlapping({n["id"]: (n["x"], n["y"]) for n in bundled_view.nodes}, boxes) == []


def test_timeline_spans_the_dated_relationships(bundled_view):
    data = page_data(bundled_view.html)
    span = data["timeline"]
    periods = [e["period"] for e in data["edges"] if e["period"]]
    assert span["dated"] == len(periods) and span["undated"] == len(data["edges"]) - len(periods)
    assert span["first"] == min(p[0] for p in periods if p[0])[:7]
    assert span["first"] <= "2024-10" <= span["last"]


def test_layout_is_seeded_and_spreads_nodes():
    graph = synthetic_graph(400)
    first = positions(graph, seed=3)
    assert first == positions(graph, seed=3)
    assert len(set(first.values())) == len(first)  # no two nodes on the same spot
    assert positions(nx.MultiDiGraph()) == {}


def test_plain_networkx_graph_and_empty_graph():
    graph = nx.MultiDiGraph()
    graph.add_node("x", label="X", type="NotAType")
    graph.add_edge("x", "x", relation="self")
    view = render(graph)
    assert view.nodes[0]["family"] == "Other" and view.nodes[0]["type_label"] == "Not AType"
    assert view.edges[0]["sources"] == []
    assert render(nx.MultiDiGraph()).nodes == []


def test_focus_and_filters_follow_the_projection(kg):
    view = render(kg, focus="AWS", depth=1)
    assert {n["id"] for n in view.nodes} == set(project(kg, focus="AWS", depth=1).nodes)
    assert "around Amazon Web Services" in view.title
    companies = render(kg, types=["Company"])
    assert {n["type"] for n in companies.nodes} == {"Company"}
    met = render(kg, relations=["metWith"])
    assert {e["relation_name"] for e in met.edges} == {"metWith"}


def test_writes_file_atomically(kg, tmp_path):
    out = tmp_path / "view.html"
    view = render(kg, out)
    assert view.path == out and out.read_text(encoding="utf-8") == view.html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.html"]


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"types": ["Compny"]}, "unknown entity type 'Compny'"),
        ({"relations": ["metwth"]}, "unknown relation"),
        ({"focus": "AWS", "depth": -1}, "--depth must be 0 or more"),
        ({"layout": "spring"}, "unknown layout"),
        ({"size_by": "closeness"}, "unknown size measure"),
        ({"as_of": "2024-13"}, "impossible date"),
    ],
)
def test_bad_options_raise_clear_errors(kg, kwargs, message):
    with pytest.raises(GraphkitError, match=re.escape(message)):
        render(kg, **kwargs)


def test_filters_need_a_knowledge_graph(kg):
    with pytest.raises(GraphkitError, match="filters apply to a knowledge graph"):
        render(project(kg), types=["Company"])
    with pytest.raises(GraphkitError, match="takes a KnowledgeGraph or a networkx graph"):
        render("graph.ttl")


# ---------------------------------------------------------------------------
# the command
# ---------------------------------------------------------------------------


def test_command_writes_the_page_and_prints_a_summary(tmp_path, kg):
    out = tmp_path / "collins.html"
    result = CliRunner().invoke(render_command, ["-o", str(out), "--focus", "Judith Collins", "--depth", "1"])
    assert result.exit_code == 0, result.output
    graph = project(kg, focus="Judith Collins", depth=1)
    assert f"Wrote {out}" in result.output
    assert f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges" in result.output
    assert len(page_data(out.read_text(encoding="utf-8"))["nodes"]) == graph.number_of_nodes()


def test_command_default_output_is_graph_html(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(render_command, ["--layout", "static", "--title", PAYLOAD_TITLE])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "graph.html").is_file()
    assert IMG not in (tmp_path / "graph.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--type", "Compny"], 1, "unknown entity type 'Compny'. Did you mean Company"),
        (["--focus", "AWS", "--depth", "-1"], 1, "--depth must be 0 or more"),
        (["--focus", "Nobody At All"], 2, "no entity is called"),
        (["--layout", "spring"], 2, "Invalid value for '--layout'"),
        (["--size-by", "closeness"], 2, "Invalid value for '--size-by'"),
        (["-o", "/no/such/folder/graph.html"], 1, "the folder /no/such/folder does not exist"),
    ],
)
def test_command_user_errors_are_clean(tmp_path, monkeypatch, args, code, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(render_command, args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and "Error" in result.output
    assert message in result.output
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_crowded_maps_get_shorter_labels_so_that_they_stay_readable(bundled_view):
    assert max(n["label"].count("\n") + 1 for n in bundled_view.nodes) == 3  # room for three lines
    graph = synthetic_graph(150)
    for i, node in enumerate(graph.nodes):
        graph.nodes[node]["label"] = f"Department of long descriptive names number {i}"
    view = view_data(graph)
    assert max(n["label"].count("\n") + 1 for n in view["nodes"]) < 3
    assert all(n["name"].startswith("Department of long") for n in view["nodes"])  # full text kept
