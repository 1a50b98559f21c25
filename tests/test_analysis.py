"""neighbors, path, centrality and communities: library and command line, with citations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.util import find_spec

import pytest
from helpers import run, run_ok

import graphkit
from graphkit.analysis import centrality, communities, neighbors, paths
from graphkit.analysis.paths import NoPathError
from graphkit.errors import GraphkitError
from graphkit.projection import project

GKD = "https://w3id.org/graphkit/id/"
COLLINS = GKD + "judith-collins"
AWS = GKD + "aws"
GOOGLE = GKD + "google"
GOOGLE_MOU = GKD + "singapore-google-mou"
RNZ_TITLE = "Spy agency minister Judith Collins refuses to release Pacific cyber security documents"

ISLANDS = """
@prefix gk: <https://w3id.org/graphkit/ontology#> .
@prefix ex: <https://example.org/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ex:one a gk:Company ; rdfs:label "Acme One" ; skos:altLabel "ACME" .
ex:two a gk:Company ; rdfs:label "Acme Two" ; skos:altLabel "ACME" .
ex:minister a gk:Minister ; rdfs:label "Minister X" .
ex:lonely a gk:Company ; rdfs:label "Lonely Corp" .
ex:minister gk:metWith ex:one .
ex:minister gk:metWith ex:two .
"""


@pytest.fixture(scope="module")
def graph():
    with graphkit.open() as kg:
        return project(kg)


@pytest.fixture(scope="module")
def islands(tmp_path_factory) -> str:
    """A store whose 'Lonely Corp' is connected to nothing, and where 'ACME' is ambiguous."""
    path = tmp_path_factory.mktemp("islands") / "islands.ttl"
    path.write_text(ISLANDS, encoding="utf-8")
    return str(path)


def run_json(*args: str):
    return json.loads(run_ok(*args, "--format", "json").stdout)


def assert_user_error(result, code: int, *fragments: str) -> None:
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Error:" in result.output
    for fragment in fragments:
        assert fragment in result.output


def assert_sourced(sources: list[dict]) -> None:
    assert sources
    for s in sources:
        assert s["title"] == RNZ_TITLE
        assert s["publisher"] == "RNZ (Radio New Zealand)"
        assert s["url"].startswith("https://rnz.co.nz/")
        assert s["date"] == "2025-03"


# -- neighbors -----------------------------------------------------------------


def test_neighbors_json(graph):
    rows = run_json("neighbors", "AWS")
    assert rows
    for row in rows:
        assert {"entity", "entity_iri", "relation", "direction", "date", "sources"} <= set(row)
        assert row["direction"] in ("out", "in")
        assert_sourced(row["sources"])
    met = [r for r in rows if r["relation"] == "met with"]
    assert met == [r for r in rows if r["entity"] == "Judith Collins" and r["relation"] == "met with"]
    assert met[0]["entity_iri"] == COLLINS and met[0]["direction"] == "in" and met[0]["date"] == "2024-10"
    based = next(r for r in rows if r["relation"] == "based in")
    assert based["entity"] == "United States" and based["direction"] == "out"
    assert {r["entity_iri"] for r in rows} == set(graph.to_undirected(as_view=True)[AWS])


def test_neighbors_table():
    out = run_ok("neighbors", "Amazon Web Services").output
    assert "Judith Collins" in out and "met with" in out and "2024-10" in out
    assert "[1]" in out and "Sources:" in out
    assert f"[1] {RNZ_TITLE}. RNZ (Radio New Zealand), 2025-03. https://rnz.co.nz/" in out


def test_neighbors_depth_two_and_as_of():
    rows = run_json("neighbors", "AWS", "--depth", "2")
    assert {r["distance"] for r in rows} == {1, 2}
    assert any(r["entity"] == "Google" and r["distance"] == 2 for r in rows)
    later = run_json("neighbors", "AWS", "--as-of", "2025")
    assert "met with" not in {r["relation"] for r in later}
    assert "based in" in {r["relation"] for r in later}  # undated: kept
    assert "met with" in {r["relation"] for r in run_json("neighbors", "AWS", "--as-of", "2024-10-15")}


def test_neighbors_bad_depth_and_entities(islands):
    assert_user_error(run("neighbors", "AWS", "--depth", "0"), 1, "--depth")
    assert_user_error(run("neighbors", "AWS", "--depth", "-1"), 1, "--depth")
    assert_user_error(run("neighbors", "Nobody Atall"), 2, "no entity")
    result = run("neighbors", "ACME", "--store", islands)
    assert_user_error(result, 2, "Candidates", "https://example.org/id/one", "https://example.org/id/two")
    assert_user_error(run("neighbors", "Amazon Web Servics"), 2, "Amazon Web Services")  # suggestion
    assert_user_error(run("neighbors", "AWS", "--as-of", "2024-13"), 1, "2024-13")


def test_unsourced_plain_triples_say_so(islands):
    out = run_ok("path", "Minister X", "Acme One", "--store", islands).output
    assert "Minister X --[met with]-> Acme One  (no source)" in out and "Sources:" not in out
    assert "(no source)" in run_ok("neighbors", "Minister X", "--store", islands).output
    assert run_json("path", "Minister X", "Acme One", "--store", islands)[0][0]["sources"] == []


def test_neighbors_of_a_lonely_entity(islands):
    assert "no relationships" in run_ok("neighbors", "Lonely Corp", "--store", islands).output
    assert run_json("neighbors", "Lonely Corp", "--store", islands) == []


def test_neighbors_library(graph):
    rows = neighbors(graph, COLLINS)
    assert len(rows) == len(list(graph.in_edges(COLLINS))) + len(list(graph.out_edges(COLLINS)))
    with pytest.raises(GraphkitError):
        neighbors(graph, GKD + "not-there")


# -- path ------------------------------------------------------------------------


def test_path_direct_link_is_one_hop_with_its_source():
    found = run_json("path", "Judith Collins", "Amazon Web Services")
    assert len(found) == 1 and len(found[0]) == 1
    step = found[0][0]
    assert {"from", "relation", "to", "direction", "date", "sources"} <= set(step)
    assert (step["from"], step["relation"], step["to"]) == (
        "Judith Collins",
        "met with",
        "Amazon Web Services",
    )
    assert step["direction"] == "out" and step["date"] == "2024-10"
    assert_sourced(step["sources"])


def test_path_through_an_agreement_is_two_hops():
    found = run_json("path", "Judith Collins", "Google")
    hops = found[0]
    assert len(hops) == 2
    assert hops[0]["from"] == "Judith Collins" and hops[0]["relation"] == "interested in"
    assert hops[0]["to_iri"] == GOOGLE_MOU and hops[0]["direction"] == "out"
    assert hops[1]["from_iri"] == GOOGLE_MOU and hops[1]["to"] == "Google"
    assert hops[1]["relation"] == "party to" and hops[1]["direction"] == "in"
    assert hops[1]["date"] == "2023/.."
    for step in hops:
        assert_sourced(step["sources"])
    table = run_ok("path", "Collins", "Google").output
    assert "2 hops" in table and "Singapore-Google memorandum" in table and "<-[party to]--" in table
    assert f"  [1] {RNZ_TITLE}. RNZ (Radio New Zealand), 2025-03. https://rnz.co.nz/" in table


def test_path_all_and_max_length():
    every = run_json("path", "Judith Collins", "Google", "--all")
    assert every and all(len(p) == 2 for p in every)
    assert every[0] == run_json("path", "Judith Collins", "Google")[0]
    result = run("path", "Judith Collins", "Google", "--max-length", "1")
    assert_user_error(result, 1, "more than --max-length 1")


def test_path_respects_as_of():
    later = run_json("path", "Collins", "AWS", "--as-of", "2025")[0]
    assert len(later) == 2 and "met with" not in {h["relation"] for h in later}
    early = run_json("path", "Collins", "Google", "--as-of", "2022")[0]
    assert all(h["date"] is None for h in early)  # every dated link is later than 2022
    assert GOOGLE_MOU not in {h["to_iri"] for h in early}


def test_no_path_is_a_clear_message_and_exit_1(islands):
    result = run("path", "Minister X", "Lonely Corp", "--store", islands)
    assert_user_error(result, 1, "no connection between Minister X and Lonely Corp")
    assert_user_error(run("path", "AWS", "Google", "--relation", "metWith"), 1, "no connection")
    assert_user_error(run("path", "Collins", "Collins"), 1, "same")
    assert_user_error(run("path", "Collins", "Nobody Atall"), 2, "no entity")
    assert_user_error(run("path", "ACME", "Minister X", "--store", islands), 2, "Candidates")
    assert_user_error(run("path", "Collins", "Google", "--type", "Company"), 1, "not in the projected graph")


def test_paths_library(graph):
    assert [h["relation"] for h in paths(graph, COLLINS, AWS)[0]] == ["met with"]
    with pytest.raises(NoPathError):
        paths(project_islands_free(graph), COLLINS, AWS)


def project_islands_free(graph):
    """The bundled graph without any edge at AWS: AWS becomes an island."""
    cut = graph.copy()
    cut.remove_edges_from(list(cut.in_edges(AWS, keys=True)) + list(cut.out_edges(AWS, keys=True)))
    return cut


# -- centrality --------------------------------------------------------------------


@pytest.mark.parametrize("measure", ["degree", "betweenness", "pagerank", "eigenvector"])
def test_centrality_json(measure, graph):
    rows = run_json("centrality", "--measure", measure, "--top", "5")
    assert len(rows) == 5
    for row in rows:
        assert set(row) == {"entity", "entity_iri", "type", "score"}
        assert row["entity_iri"] in graph and isinstance(row["score"], float)
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert rows[0]["entity"] == "Judith Collins" if measure != "eigenvector" else rows[0]["score"] > 0


def test_centrality_table_type_and_as_of():
    out = run_ok("centrality", "--top", "3").output
    assert "rank" in out and "Judith Collins" in out and "Minister" in out
    companies = run_json("centrality", "--type", "Company", "--top", "50")
    assert companies and {r["type"] for r in companies} == {"Company"}
    before = {r["entity"]: r["score"] for r in run_json("centrality", "--top", "100")}
    after = {r["entity"]: r["score"] for r in run_json("centrality", "--top", "100", "--as-of", "2025")}
    assert after["Judith Collins"] < before["Judith Collins"]
    focused = {r["entity_iri"] for r in run_json("centrality", "--focus", "AWS", "--top", "100")}
    assert focused == {AWS} | {r["entity_iri"] for r in run_json("neighbors", "AWS")}


def test_centrality_bad_input():
    assert_user_error(run("centrality", "--top", "0"), 1, "--top")
    assert run("centrality", "--measure", "closeness").exit_code == 2
    assert_user_error(run("centrality", "--type", "Compny"), 1, "unknown entity type")


@pytest.mark.skipif(find_spec("nx_parallel") is not None, reason="nx-parallel is installed")
def test_centrality_missing_backend_is_a_clear_error():
    result = run("centrality", "--measure", "betweenness", "--backend", "parallel")
    assert_user_error(result, 1, "not installed")


def test_centrality_library(graph):
    assert centrality(graph, "pagerank", top=None)[0]["entity"] == "Judith Collins"
    with pytest.raises(GraphkitError):
        centrality(graph, "closeness")


# -- communities -------------------------------------------------------------------


def test_communities_json_and_table(graph):
    groups = run_json("communities")
    assert len(groups) > 1
    members = [m["entity_iri"] for g in groups for m in g["members"]]
    assert sorted(members) == sorted(graph.nodes)
    for number, group in enumerate(groups, 1):
        assert group["community"] == number and group["size"] == len(group["members"])
        assert all(set(m) == {"entity", "entity_iri", "type"} for m in group["members"])
    out = run_ok("communities").output
    assert "Community 1" in out and "Judith Collins  [Minister]" in out


def test_communities_are_deterministic(graph):
    first = run_json("communities")
    assert run_json("communities") == first
    assert communities(graph) == communities(graph.copy())
    script = (
        "import json, graphkit; from graphkit.analysis import communities; "
        "from graphkit.projection import project; kg = graphkit.open(); "
        "print(json.dumps(communities(project(kg))))"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("GRAPHKIT_STORE", None)
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1 and json.loads(outputs.pop()) == first


def test_communities_on_the_remote_store_match(remote_store):
    assert run_json("communities", "--store", remote_store) == run_json("communities")
    assert run_json("path", "Collins", "Google", "--store", remote_store) == run_json(
        "path", "Collins", "Google"
    )


def test_communities_refuse_a_resolution_of_zero_or_less():
    for value in ("0", "-1"):
        result = run("communities", "--resolution", value)
        assert result.exit_code == 1 and "--resolution must be greater than 0" in result.output
