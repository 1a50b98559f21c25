"""The load check of N-Triples beside the bulk loader parses only the lines that can fail it: same verdicts."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

import graphkit
from graphkit.errors import GraphkitError, ParseError
from graphkit.limits import MAX_LITERAL_BYTES
from graphkit.store.formats import check_file
from graphkit.store.line_check import check_lines

NT = ox.RdfFormat.N_TRIPLES
XSD = "http://www.w3.org/2001/XMLSchema#"
GOOD = "".join(f'<https://e.org/s{i}> <https://e.org/p> "v{i}" .\n' for i in range(50))

BAD = {
    "ill-typed integer": GOOD + f'<https://e.org/a> <https://e.org/n> "abc"^^<{XSD}integer> .\n',
    "a day that does not exist": f'<https://e.org/a> <https://e.org/d> "2024-02-30"^^<{XSD}date> .\n' + GOOD,
    "datatype written with an escape": GOOD
    + '<https://e.org/a> <https://e.org/n> "abc"^^<http://www.w3.org/2001/XMLSchema\\u0023integer> .\n',
    "a literal over the limit": GOOD
    + '<https://e.org/a> <https://e.org/t> "'
    + "x" * (MAX_LITERAL_BYTES + 10)
    + '" .\n',
    "only comments": "# nothing here\n\n   # still nothing\n",
    "empty": "",
    "only comments after a byte order mark": "\ufeff# nothing\n",
    "a relative IRI on a plain line": GOOD + '<a> <https://e.org/p> "x" .\n',
    "a bad language tag on a plain line": GOOD + '<https://e.org/a> <https://e.org/p> "x"@-- .\n',
    "a bad escape on a plain line": GOOD + '<https://e.org/a> <https://e.org/p> "x\\q" .\n',
    "a literal as subject": GOOD + '"x" <https://e.org/p> <https://e.org/b> .\n',
    "syntax error on a plain line": GOOD + "<https://e.org/a> <https://e.org/p> oops .\n" + GOOD,
    "syntax error on a typed line": GOOD + f'<https://e.org/a> <https://e.org/n> "1"^^<{XSD}integer .\n',
}


def bad_file(name: str, folder) -> tuple:
    """The bad file of that name, and the full check's message for it."""
    path = folder / "bad.nt"
    path.write_text(BAD[name], encoding="utf-8")
    with pytest.raises(ParseError) as full:
        check_file(path, NT, progress=False)
    return path, str(full.value)


@pytest.mark.parametrize("name", BAD)
def test_the_line_check_gives_the_full_check_s_verdict(name, tmp_path):
    path, full = bad_file(name, tmp_path)
    if "plain line" in name or name in ("a literal as subject", "only comments after a byte order mark"):
        check_lines(path, NT)  # left to the loader, which the full check then names (below)
        return
    with pytest.raises(ParseError) as quick:
        check_lines(path, NT)
    assert str(quick.value) == full


@pytest.mark.parametrize("name", BAD)
def test_a_new_store_refuses_each_bad_file_with_the_full_check_s_message(name, tmp_path):
    path, full = bad_file(name, tmp_path)
    with pytest.raises(GraphkitError) as loaded, graphkit.open(tmp_path / "store", create=True) as kg:
        kg.load([path])
    assert str(loaded.value) == full
    assert not (tmp_path / "store").exists()  # all or nothing


def test_good_lines_pass_and_load_whole(tmp_path):
    path = tmp_path / "good.nt"
    typed = "".join(
        f'<https://e.org/y{i}> <https://e.org/year> "{2000 + i}"^^<{XSD}gYear> .\n' for i in range(20)
    )
    path.write_text("# a comment first\n" + GOOD + typed, encoding="utf-8")
    check_lines(path, NT)
    with graphkit.open(tmp_path / "store", create=True) as kg:
        assert kg.load([path]) == 70
