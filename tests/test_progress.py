"""The progress bar shown while big files load on a terminal."""

from __future__ import annotations

import io

import pyoxigraph as ox

from graphkit.store.formats import ProgressReader, tty_progress


def test_progress_reader_passes_every_byte_and_reports_to_the_end():
    data = b"".join(
        f'<http://example.org/e{i}> <http://example.org/p> "v{i}" .\n'.encode() for i in range(5000)
    )
    seen: list[tuple[int, int]] = []
    reader = io.BufferedReader(
        ProgressReader(io.BytesIO(data), len(data), lambda d, t: seen.append((d, t))), buffer_size=4096
    )
    quads = list(ox.parse(reader, ox.RdfFormat.N_TRIPLES))
    assert len(quads) == 5000
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[-1] == len(data) and len(done) > 10


def test_no_progress_bar_without_a_terminal(monkeypatch):
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert tty_progress("loading") is None
