"""Output for people: escaped control characters, tables that fit, one notation for dates and sources."""

from __future__ import annotations

import json

import pytest
from helpers import TTL_PREFIXES, run, run_ok

from graphkit.cli.output import fit_widths, visible, wrap

# Window title (OSC ... BEL), erase the line above, clear the screen, a C1 CSI, a
# right-to-left override: each would act on the reader's terminal if printed raw.
TITLE = "\x1b]0;pwned\x07"
ERASE = "\x1b[1A\x1b[2K"
CLEAR = "\x1b[2J"
C1 = "\x9b31m"
RLO = "\u202e"
RAW = [TITLE, ERASE, CLEAR, C1, RLO, "\x1b", "\x07", "\x9b", "\u202e"]

HOSTILE_TTL = (
    TTL_PREFIXES
    + r"""
gkd:evil a gk:Company ; rdfs:label "Evil\u001B]0;pwned\u0007 Corp" ;
    skos:altLabel "\u001B[2J" ; dcterms:description "about\u001B[1A\u001B[2K it" .
gkd:minister a gk:Minister ; rdfs:label "Minister \u009B31m\u202Eretsinim" .
gkd:evil gk:metWith gkd:minister .
gkd:rel a gk:Relationship ; rdf:subject gkd:evil ; rdf:predicate gk:metWith ; rdf:object gkd:minister ;
    dcterms:description "met\u001B[2J there" ; dcterms:date "2024-10"^^xsd:gYearMonth ;
    prov:wasDerivedFrom gkd:src .
gkd:src a gk:NewsReport ; dcterms:title "Title\u001B]0;x\u0007" ; dcterms:publisher "P" ;
    dcterms:issued "2025-03"^^xsd:gYearMonth .
"""
)


@pytest.fixture
def hostile(tmp_path):
    path = tmp_path / "hostile.ttl"
    path.write_text(HOSTILE_TTL, encoding="utf-8")
    return str(path)


def assert_inert(output: str) -> None:
    for raw in RAW:
        assert raw not in output, repr(raw)


@pytest.mark.parametrize("columns", [None, "60"])
@pytest.mark.parametrize(
    "args",
    [
        ["show", "gkd:evil"],
        ["show", "gkd:minister"],
        ["neighbors", "gkd:evil"],
        ["path", "gkd:evil", "gkd:minister"],
        ["timeline"],
        ["communities"],
        ["centrality"],
        ["query", "SELECT ?l WHERE { ?x rdfs:label ?l }"],
    ],
)
def test_control_characters_are_shown_not_obeyed(hostile, monkeypatch, args, columns):
    if columns:
        monkeypatch.setenv("COLUMNS", columns)
    result = run_ok(*args, "--store", hostile)
    assert_inert(result.output)


def test_show_prints_the_escapes_visibly(hostile):
    out = run_ok("show", "gkd:evil", "--store", hostile).output
    assert "Evil\\x1b]0;pwned\\x07 Corp" in out
    assert "Aliases: \\x1b[2J" in out
    assert "met\\x1b[2J there" in out
    assert "Title\\x1b]0;x\\x07. P, 2025-03." in out
    minister = run_ok("show", "gkd:minister", "--store", hostile).output
    assert "Minister \\x9b31m\\u202eretsinim" in minister


def test_error_messages_escape_what_they_echo(hostile):
    result = run("show", f"nobody{CLEAR}{TITLE}", "--store", hostile)
    assert result.exit_code == 2
    assert_inert(result.output)
    assert "nobody\\x1b[2J\\x1b]0;pwned\\x07" in result.output


def test_json_and_csv_keep_the_text_as_it_is(hostile):
    data = json.loads(run_ok("show", "gkd:evil", "-F", "json", "--store", hostile).output)
    assert data["label"] == "Evil\x1b]0;pwned\x07 Corp"
    csv_out = run_ok("query", "-F", "csv", "SELECT ?l WHERE { gkd:evil rdfs:label ?l }", "--store", hostile)
    assert "Evil\x1b]0;pwned\x07 Corp" in csv_out.output


def test_visible_escapes_controls_and_collapses_whitespace():
    assert visible("a\tb\n\nc\r") == "a b c"
    assert visible("\x00\x7f\x85\u2028\u2066") == "\\x00\\x7f\\x85\\u2028\\u2066"
    assert visible("é 中文 🙂") == "é 中文 🙂"
    assert visible("one\ntwo\x1b", multiline=True) == "one\ntwo\\x1b"


# -- width --------------------------------------------------------------------------------


def _table_lines(output: str) -> list[str]:
    """The lines of the relationship table of 'show' (from its header to the blank line)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("relation "))
    end = lines.index("", start)
    return lines[start:end]


@pytest.mark.parametrize("columns", [80, 100, 120])
def test_tables_fit_the_terminal_without_cutting_key_columns(monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    out = run_ok("show", "Microsoft").output
    table = _table_lines(out)
    assert max(len(line) for line in table) <= columns
    text = "\n".join(table)
    for key in ("← looked forward to engaging with", "→ submitted feedback on", "~2024-10", "2023–"):
        assert key in text  # whole, on one line
    _fits_but_for_whole_urls(out, columns)


def _fits_but_for_whole_urls(output: str, columns: int) -> None:
    """Every line fits, except one that holds only a URL, kept whole so that it can be clicked."""
    for line in output.splitlines():
        if not line.strip().startswith("https://"):
            assert len(line) <= columns, line
        else:
            assert " " not in line.strip(), line
    assert "https://rnz.co.nz/news/political/545922/spy-agency-minister" in output


@pytest.mark.parametrize(
    "args",
    [
        ("path", "Judith Collins", "Google"),
        ("neighbors", "Judith Collins"),
        ("timeline", "Judith Collins"),
        ("communities",),
    ],
)
def test_sources_path_hops_and_members_wrap_to_the_terminal(monkeypatch, args):
    monkeypatch.setenv("COLUMNS", "80")
    out = run_ok(*args).output
    if args[0] == "communities":
        assert all(len(line) <= 80 for line in out.splitlines())
    else:
        _fits_but_for_whole_urls(out, 80)


def test_when_key_columns_alone_are_too_wide_they_wrap_between_words(monkeypatch):
    """neighbors --depth 2 has seven columns; its relation column alone takes 34 of 80."""
    monkeypatch.setenv("COLUMNS", "80")
    out = run_ok("neighbors", "Judith Collins", "--depth", "2").output
    _fits_but_for_whole_urls(out, 80)
    table = out.split("\n\nSources:")[0]
    for word in ("looked", "forward", "engaging", "~2024-10"):
        assert word in table  # words are never cut


def test_piped_output_prints_every_cell_whole():
    out = run_ok("show", "AWS").output
    assert "to work together on shared security outcomes." in out
    assert "…" not in out
    assert all("  " not in line[:3] for line in _table_lines(out)[2:])  # one line per row


def test_narrow_terminal_wraps_query_tables(monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    out = run_ok("query", "SELECT ?s ?l WHERE { ?s rdfs:label ?l } LIMIT 5").output
    assert max(len(line) for line in out.splitlines()) <= 50


def test_wrap_and_fit_helpers():
    assert wrap("a bb ccc dddd", 6) == ["a bb", "ccc", "dddd"]
    assert wrap("中文中文", 4) == ["中文", "中文"]
    assert fit_widths([30, 50], flexible=[1], total=60) == [30, 28]
    assert fit_widths([70, 50], flexible=[1], total=60) == [70, 10]  # keys are never narrowed


# -- one notation ------------------------------------------------------------------------------


def _citations(output: str) -> list[str]:
    lines = output.splitlines()
    return lines[lines.index("Sources:") + 1 :]


def test_every_command_cites_the_same_way_numbered_once():
    show = run_ok("show", "Google").output
    near = run_ok("neighbors", "Google").output
    path = run_ok("path", "Judith Collins", "Google").output
    timeline = run_ok("timeline", "Judith Collins").output
    assert _citations(show) == _citations(near) == _citations(path) == _citations(timeline)
    assert len(_citations(path)) == 1 and _citations(path)[0].startswith("  [1] Spy agency minister")
    assert path.count("rnz.co.nz") == 1  # not repeated on every hop
    assert all(line.rstrip().endswith("[1]") for line in path.splitlines() if "--" in line)


def test_every_command_writes_dates_the_same_way():
    path = run_ok("path", "Judith Collins", "Google").output
    show = run_ok("show", "Google").output
    assert "(2023–)" in path and "2023/.." not in path
    assert "2023–" in show
    near = run_ok("neighbors", "AWS").output
    assert "~2024-10" in near
    data = json.loads(run_ok("path", "Judith Collins", "Google", "-F", "json").output)
    assert data[0][1]["date"] == "2023/.."  # JSON keeps the ISO 8601 interval


def test_on_a_real_terminal_tables_fit_its_width_and_escapes_stay_inert(hostile):
    """Run under a pseudo-terminal 90 columns wide, with no $COLUMNS: the window's width counts."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "GRAPHKIT_STORE")}
    env["PYTHONPATH"] = str(root)
    outputs = []
    for args in (["show", "Microsoft"], ["show", "gkd:evil", "--store", hostile]):
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 90, 0, 0))
        proc = subprocess.Popen(
            [sys.executable, "-c", "from graphkit.cli import main; main()", *args],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env=env,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closes when the command ends
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(60) == 0
        os.close(leader)
        outputs.append(b"".join(chunks).decode("utf-8").replace("\r\n", "\n"))
    table = _table_lines(outputs[0])
    assert len(table) > 12 and max(len(line) for line in table) <= 90
    assert_inert(outputs[1])
    assert "Evil\\x1b]0;pwned\\x07 Corp" in outputs[1]
