"""graphkit timeline: dated relationships in order, with sources, as a table, JSON or an HTML page."""

from __future__ import annotations

import json

import networkx as nx
from click.testing import CliRunner
from test_render import EVIL_LABEL, EVIL_SOURCE, IMG, RNZ_TITLE, payload_ttl

from graphkit.analysis.timeline import timeline
from graphkit.cli import main
from graphkit.dates import data_period


def run(*args: str):
    return CliRunner().invoke(main, ["timeline", *args])


def test_bundled_timeline_is_in_date_order_with_sources():
    result = run("--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) >= 10
    firsts = [r["first"] or "0000" for r in rows]
    assert firsts == sorted(firsts)
    assert all(r["sources"] and r["sources"][0]["title"] == RNZ_TITLE for r in rows)
    met = next(r for r in rows if r["from"] == "Judith Collins" and r["to"] == "Amazon Web Services")
    assert (met["when"], met["approximate"], met["first"], met["last"]) == (
        "~2024-10",
        True,
        "2024-10-01",
        "2024-10-31",
    )


def test_table_for_one_entity_lists_only_its_relationships_and_counts_the_undated():
    result = run("AWS")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["date", "from", "relation", "to"]
    assert "~2024-10  Judith Collins  met with  Amazon Web Services  [1]" in result.output
    assert "1 dated relationship(s) involving Amazon Web Services; 4 undated not listed." in result.output
    assert f"[1] {RNZ_TITLE}" in result.output


def test_unknown_entity_is_a_clean_error_with_suggestions():
    result = run("Amazn Web Services")
    assert result.exit_code != 0
    assert "Traceback" not in result.output and "Amazon Web Services" in result.output


def test_same_rule_as_as_of_for_ranges_and_open_ends():
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="open", relation="partner of", start="2023", sources=[])
    g.add_edge("a", "b", key="closed", relation="member of", start="2021-05", end="2022", sources=[])
    g.add_edge("a", "b", key="day", relation="met with", date="2022-03-04T10:00:00Z", sources=[])
    rows = timeline(g)
    assert [r["statement"] for r in rows] == ["closed", "day", "open"]
    assert rows[0]["first"] == "2021-05-01" and rows[0]["last"] == "2022-12-31"
    assert rows[2]["last"] is None and rows[2]["when"] == "2023–"
    assert data_period(rows[1]["first"]) == data_period("2022-03-04")


def test_html_page_is_escaped_and_self_contained(tmp_path):
    store = payload_ttl(tmp_path)
    result = run("--store", str(store), "--format", "html")
    assert result.exit_code == 0, result.output
    page = result.output
    assert page.startswith("<!DOCTYPE html>") and "default-src 'none'" in page
    assert IMG not in page and "<script" not in page and "javascript:" not in page
    assert "&lt;img src=x" in page
    assert EVIL_SOURCE not in page and EVIL_LABEL not in page
    assert 'href="https://example.org/report?a=1&amp;b=2"' in page
