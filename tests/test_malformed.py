"""Malformed RDF in every format, and exports that cannot be written: clear errors, nothing lost."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import graphkit
from graphkit.cli import main

INT = "http://www.w3.org/2001/XMLSchema#integer"
GOOD = {
    "ttl": '<http://example.org/a> <http://example.org/p> "ok" .\n',
    "nt": '<http://example.org/a> <http://example.org/p> "ok" .\n',
    "nq": '<http://example.org/a> <http://example.org/p> "ok" <http://example.org/g> .\n',
    "trig": '<http://example.org/g> { <http://example.org/a> <http://example.org/p> "ok" . }\n',
    "jsonld": '{"@id": "http://example.org/a", "http://example.org/p": "ok"}',
    "rdf": '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
    '<rdf:Description rdf:about="http://example.org/a"><ex:p>ok</ex:p></rdf:Description></rdf:RDF>\n',
}
BAD = {
    "ttl": {
        "truncated": '<http://example.org/a> <http://example.org/p> "unterminated\n',
        "bad iri": "<http://example.org/a> <http://example.org/p> <not an iri> .\n",
        "bad literal": f'<http://example.org/a> <http://example.org/p> "abc"^^<{INT}> .\n',
    },
    "nt": {
        "truncated": "<http://example.org/a> <http://example.org/p>",
        "bad iri": "<http://example.org/a> <http://example.org/p> <a b> .\n",
        "bad literal": f'<http://example.org/a> <http://example.org/p> "1.5"^^<{INT}> .\n',
    },
    "nq": {
        "truncated": '<http://example.org/a> <http://example.org/p> "x" <http://example.org/g',
        "bad iri": "<http://example.org/a> <http://example.org/p> <a b> <http://example.org/g> .\n",
        "bad literal": f'<http://example.org/a> <http://example.org/p> "x"^^<{INT}> <http://example.org/g> .\n',
    },
    "trig": {
        "truncated": '<http://example.org/g> { <http://example.org/a> <http://example.org/p> "x" .',
        "bad iri": "<http://example.org/g> { <http://example.org/a> <http://example.org/p> <a b> . }\n",
        "bad literal": f'<http://example.org/g> {{ <http://example.org/a> <http://example.org/p> "x"^^<{INT}> . }}\n',
    },
    "jsonld": {
        "truncated": '{"@id": "http://example.org/a", "http://example.org/p": [{"@value": "x"',
        "bad literal": f'{{"@id": "http://example.org/a", "http://example.org/p": {{"@value": "x", "@type": "{INT}"}}}}',
    },
    "rdf": {
        "truncated": GOOD["rdf"][:120],
        "bad literal": GOOD["rdf"].replace("<ex:p>ok</ex:p>", f'<ex:p rdf:datatype="{INT}">x</ex:p>'),
    },
}
CASES = [(ext, kind, text) for ext, kinds in BAD.items() for kind, text in kinds.items()]
CASES += [(ext, "invalid utf-8", None) for ext in GOOD] + [(ext, "empty", "") for ext in GOOD]


def _write(path: Path, kind: str, text: str | None, ext: str) -> None:
    if kind == "invalid utf-8":
        path.write_bytes(
            GOOD[ext]
            .replace("ok", "o\udcff")
            .encode("utf-8", "surrogateescape")
            .replace(b"o\xff", b"\xff\xfe")
        )
    else:
        path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("malformed")
    seed = folder / "seed.nt"
    seed.write_text(GOOD["nt"])
    path = folder / "kg"
    with graphkit.open(path, create=True) as graph:
        graph.load([seed])
    return path


@pytest.mark.parametrize(("ext", "kind", "text"), CASES, ids=[f"{e}-{k}" for e, k, _ in CASES])
def test_malformed_file_loads_nothing(store, tmp_path, ext, kind, text):
    good = tmp_path / f"good.{ext}"
    good.write_text(GOOD[ext], encoding="utf-8")
    bad = tmp_path / f"bad.{ext}"
    _write(bad, kind, text, ext)
    with graphkit.open(store, read_only=True) as graph:
        before = graph.triple_count()
    for target in (store, tmp_path / "new-store"):
        result = CliRunner().invoke(main, ["load", str(good), str(bad), "--store", str(target)])
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert f"Error: {bad}" in result.output  # the message starts with the file (and its line where known)
    assert not (tmp_path / "new-store").exists()
    with graphkit.open(store, read_only=True) as graph:
        assert graph.triple_count() == before
    # The same file given as a read-only store is refused just as clearly.
    result = CliRunner().invoke(main, ["stats", "--store", str(bad)])
    assert result.exit_code == 1 and f"Error: {bad}" in result.output


def test_line_and_column_are_given_for_text_formats(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        '<http://example.org/a> <http://example.org/p> "x" .\n<http://example.org/a> <http://example.org/p> <a b> .\n'
    )
    result = CliRunner().invoke(main, ["stats", "--store", str(bad)])
    assert f"Error: {bad}:2:" in result.output


def _export_with_file_size_limit(limit: int, out: Path) -> subprocess.CompletedProcess:
    def limit_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from graphkit.cli import main; main()",
            "export",
            "-F",
            "ttl",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        preexec_fn=limit_size,
        timeout=120,
    )


def test_export_on_a_full_disk_keeps_the_old_file(tmp_path):
    out = tmp_path / "graph.ttl"
    out.write_text("previous export\n")
    result = _export_with_file_size_limit(4096, out)  # the disk "fills up" after 4 KB
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and f"cannot write {out}" in result.stderr
    assert out.read_text() == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]  # no temporary file left


def test_export_to_an_unwritable_path(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["export", "-F", "nt", "-o", str(blocker / "out.nt")])
    assert result.exit_code == 1 and "Traceback" not in result.output and "cannot write" in result.output
    assert os.listdir(tmp_path) == ["a-file"]
