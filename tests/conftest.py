"""Shared fixtures: the bundled graph, an embedded store, a real Oxigraph server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import graphkit
from graphkit.store import bundled_files
from tests.servers import OxigraphServer, VirtuosoServer, virtuoso_binaries

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_store_env(monkeypatch):
    """Tests choose their store and terminal width explicitly; a developer's must not leak in."""
    monkeypatch.delenv("GRAPHKIT_STORE", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)


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


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """A real `oxigraph serve` for the whole session."""
    try:
        server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-server"))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """A real Virtuoso 7 for the whole session (start-up takes seconds: share it)."""
    if virtuoso_binaries() is None:
        pytest.skip("virtuoso-opensource-7 is not installed (apt-get install -y virtuoso-opensource-7)")
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso-server"))
    yield server
    server.stop()


@pytest.fixture(params=["oxigraph", "virtuoso"])
def engine_server(request):
    """Each SPARQL engine the suite can run here, emptied of graphkit's data."""
    server = request.getfixturevalue(f"{request.param}_server")
    server.clear()
    return server


def _loaded(server, bundled_ttl) -> str:
    """``server`` emptied of graphkit's data and loaded with the bundled data through graphkit."""
    server.clear()
    with graphkit.open(server.url) as graph:
        graph.load([bundled_ttl])
    return server.url


@pytest.fixture
def engine_store(engine_server, bundled_ttl) -> str:
    """Each engine's plain endpoint URL, loaded with the bundled data through graphkit."""
    return _loaded(engine_server, bundled_ttl)


@pytest.fixture
def remote_store(oxigraph_server, bundled_ttl) -> str:
    """The Oxigraph server's URL, emptied and loaded with the bundled data through graphkit."""
    return _loaded(oxigraph_server, bundled_ttl)


@pytest.fixture
def virtuoso_store(virtuoso_server, bundled_ttl) -> str:
    """Virtuoso's plain endpoint, emptied and loaded with the bundled data through graphkit."""
    return _loaded(virtuoso_server, bundled_ttl)


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
