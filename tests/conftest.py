"""Shared fixtures: the bundled graph, an embedded store, a real Oxigraph server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import graphkit
from graphkit.store import bundled_files

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_store_env(monkeypatch):
    """Tests choose their store explicitly; a developer's GRAPHKIT_STORE must not leak in."""
    monkeypatch.delenv("GRAPHKIT_STORE", raising=False)


@pytest.fixture
def cli():
    """The graphkit command group, for CliRunner."""
    from graphkit.cli import main

    return main


@pytest.fixture
def kg():
    with graphkit.open() as graph:
        yield graph


@pytest.fixture
def bundled_ttl(tmp_path) -> Path:
    """The bundled ontology and dataset concatenated into one Turtle-compatible N-Triples file."""
    import pyoxigraph as ox

    store = ox.Store()
    for path in bundled_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    out = tmp_path / "bundled.nt"
    store.dump(str(out), ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return out


@pytest.fixture
def persistent_store(tmp_path, bundled_ttl) -> Path:
    """A new embedded store folder holding the bundled data."""
    path = tmp_path / "store"
    with graphkit.open(path, create=True, read_only=False) as graph:
        graph.load([bundled_ttl])
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not os.path.exists(found):
        pytest.fail("the 'oxigraph' server is missing: pip install '.[test]'")
    return found


class OxigraphServer:
    """A real `oxigraph serve` on 127.0.0.1, started and stopped by the test suite."""

    def __init__(self, location: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/query?query=ASK%7B%7D", timeout=1).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()) from None
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("oxigraph serve did not start within 20 s")

    def clear(self) -> None:
        request = urllib.request.Request(
            self.url + "/update",
            data=b"update=CLEAR%20ALL",
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        urllib.request.urlopen(request, timeout=10).read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-server"))
    yield server
    server.stop()


@pytest.fixture
def remote_store(oxigraph_server, bundled_ttl) -> str:
    """The server's URL, emptied and loaded with the bundled data through graphkit."""
    oxigraph_server.clear()
    with graphkit.open(oxigraph_server.url) as graph:
        graph.load([bundled_ttl])
    return oxigraph_server.url


@pytest.fixture(params=["memory", "files", "oxigraph", "remote"])
def any_store(request, tmp_path, bundled_ttl):
    """Each of the four store kinds, holding the same bundled data."""
    kind = request.param
    if kind == "memory":
        yield None
    elif kind == "files":
        folder = tmp_path / "rdf"
        folder.mkdir()
        for path in bundled_files():
            shutil.copy(path, folder / path.name)
        yield str(folder)
    elif kind == "oxigraph":
        yield str(request.getfixturevalue("persistent_store"))
    else:
        yield request.getfixturevalue("remote_store")
