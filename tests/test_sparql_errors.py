"""SPARQL mistakes: the line, a caret under the column and one sentence, never parser internals."""

from __future__ import annotations

import pytest

from tests.helpers import run

BOUND = "dcterms, foaf, gk, gkd, org, owl, prov, rdf, rdfs, schema, sh, skos, xsd"


def error_lines(*args: str) -> list[str]:
    result = run(*args)
    assert result.exit_code == 1, result.output
    lines = result.output.rstrip("\n").split("\n")
    assert lines[0].startswith("Error: "), result.output
    return lines


@pytest.mark.parametrize(
    ("sparql", "message", "caret_under"),
    [
        (
            "SELECT ?x WHERE { ?x foo:bar ?y }",
            f"line 1, column 22: unknown prefix 'foo:' (declare it with PREFIX foo: <...>). Bound prefixes: {BOUND}",
            "foo:bar",
        ),
        (
            "SELEC ?x WHERE { ?x ?p ?y }",
            "line 1, column 1: unknown keyword 'SELEC'; did you mean SELECT?",
            "SELEC",
        ),
        (
            "SELECT * WHERE { ?x ?y ?z } LIMT 3",
            "line 1, column 29: unknown keyword 'LIMT'; did you mean LIMIT?",
            "LIMT",
        ),
        ("SELECT ?x WHERE { ?x ?p ?y ", "line 1, column 17: '{' is never closed", "{ ?x"),
        ('SELECT * { ?x rdfs:label "a }', "line 1, column 26: this string is never closed", '"a }'),
        (
            'SELECT ?x WHERE { ?x rdfs:label "abc }',
            "line 1, column 33: this string is never closed",
            '"abc }',
        ),
        (
            "SELECT ?x WHERE { ?x a gk:Company . FILTR(?x) }",
            "line 1, column 37: unknown keyword 'FILTR'; did you mean FILTER?",
            "FILTR(",
        ),
        ("SELECT * WHERE { ?x ?y ?z ] }", "line 1, column 27: ']' closes nothing", "] }"),
    ],
)
def test_query_syntax_errors_point_at_the_mistake(sparql, message, caret_under):
    lines = error_lines("query", sparql)
    assert lines[0] == f"Error: SPARQL syntax error at {message}"
    assert lines[1] == f"  {sparql}"
    assert lines[2].strip() == "^"
    assert sparql[lines[2].index("^") - 2 :].startswith(caret_under)
    assert len(lines) == 3
    assert "\\u{" not in "\n".join(lines) and "expected one of" not in lines[0]


def test_error_on_a_later_line_shows_that_line_and_the_query_own_prefixes():
    sparql = "PREFIX ex: <http://example.org/>\nSELECT * WHERE {\n  ?x ex:a ?y .\n  ?x bogus:b ?z\n}"
    lines = error_lines("query", sparql)
    assert lines[0].startswith("Error: SPARQL syntax error at line 4, column 6: unknown prefix 'bogus:'")
    assert "Bound prefixes: dcterms, ex, foaf," in lines[0]
    assert lines[1:] == ["    ?x bogus:b ?z", "       ^"]


def test_a_long_line_is_shown_around_the_mistake():
    sparql = "SELECT ?x WHERE { " + "?x rdfs:label ?l . " * 10 + "?x nope:x ?z }"
    lines = error_lines("query", sparql)
    assert "unknown prefix 'nope:'" in lines[0]
    assert len(lines[1]) <= 80 and lines[1].startswith("  ...")
    assert lines[1][lines[2].index("^") :].startswith("nope:x")


def test_update_errors_are_explained_too(tmp_path):
    store = tmp_path / "store"
    ttl = tmp_path / "one.ttl"
    ttl.write_text(
        "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n", encoding="utf-8"
    )
    assert run("load", str(ttl), "--store", str(store)).exit_code == 0
    lines = error_lines("update", "--store", str(store), "INSER DATA { gkd:a gk:b gkd:c }")
    assert (
        lines[0]
        == "Error: SPARQL syntax error at line 1, column 1: unknown keyword 'INSER'; did you mean INSERT?"
    )
    lines = error_lines("update", "--store", str(store), "INSERT DATA { gkd:a foo:b gkd:c }")
    assert "unknown prefix 'foo:'" in lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["query"],
            "Error: no query given: write it as an argument (graphkit query 'SELECT ...') or read it from a file with -f/--file FILE",
        ),
        (["update", "--store", "x"], "Error: no update given"),
        (
            ["query", "SELECT * {}", "-f", "q.rq"],
            "-f/--file q.rq; keep one (the output format is -F/--format, capital F)",
        ),
        (
            ["query", "-f", "csv"],
            "Error: no such file: csv; -f/--file reads the query from a file, the output format is -F/--format csv",
        ),
    ],
)
def test_query_argument_mistakes_say_what_is_missing(args, expected):
    lines = error_lines(*args)
    assert expected in lines[0]
