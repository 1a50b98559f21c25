"""The projection cache beside an embedded store: made on first use, never stale."""

from __future__ import annotations

import os

import pyoxigraph as ox
import pytest

import graphkit
from graphkit import projection_cache
from graphkit.projection import project
from graphkit.projection_cache import CACHE_FILE
from graphkit.vocab import GK, GKD

BASE = """
@prefix gk: <https://w3id.org/graphkit/ontology#> .
@prefix gkd: <https://w3id.org/graphkit/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
gkd:a a gk:Company ; rdfs:label "A" .
gkd:b a gk:Company ; rdfs:label "B" .
gkd:c a gk:Company ; rdfs:label "C" .
gkd:a gk:partnerOf gkd:b .
"""


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.delenv(projection_cache.ENV_VAR, raising=False)
    source = tmp_path / "base.ttl"
    source.write_text(BASE, encoding="utf-8")
    folder = tmp_path / "store"
    with graphkit.open(folder, create=True) as kg:
        kg.load([source])
    return folder


def edges(folder) -> set[tuple[str, str]]:
    with graphkit.open(folder, read_only=True) as kg:
        return {(u.rsplit("/", 1)[1], v.rsplit("/", 1)[1]) for u, v in project(kg).edges()}


def warm(folder) -> bool:
    with graphkit.open(folder, read_only=True) as kg:
        return projection_cache.is_warm(kg)


def test_made_on_first_use_and_reused(store):
    assert not (store / CACHE_FILE).exists()
    assert edges(store) == {("a", "b")}
    saved = (store / CACHE_FILE).read_bytes()
    assert edges(store) == {("a", "b")}
    assert (store / CACHE_FILE).read_bytes() == saved  # read, not rebuilt


def test_a_direct_pyoxigraph_write_is_seen(store):
    assert edges(store) == {("a", "b")}
    saved = (store / CACHE_FILE).read_bytes()
    assert warm(store)
    raw = ox.Store(str(store))  # another program, not graphkit
    raw.add(ox.Quad(ox.NamedNode(GKD + "b"), ox.NamedNode(GK + "partnerOf"), ox.NamedNode(GKD + "c")))
    del raw
    assert not warm(store)  # what a focused projection asks before it takes the cache
    assert edges(store) == {("a", "b"), ("b", "c")}
    assert warm(store)
    assert (store / CACHE_FILE).read_bytes() != saved  # rebuilt for the new state
    raw = ox.Store(str(store))
    raw.remove(ox.Quad(ox.NamedNode(GKD + "a"), ox.NamedNode(GK + "partnerOf"), ox.NamedNode(GKD + "b")))
    del raw
    assert edges(store) == {("b", "c")}


def test_a_graphkit_update_in_the_same_session_is_seen(store):
    with graphkit.open(store) as kg:
        assert project(kg).number_of_edges() == 1
        kg.update("INSERT DATA { gkd:c gk:partnerOf gkd:a }")
        assert project(kg).number_of_edges() == 2


def test_a_forged_or_damaged_file_is_ignored(store, tmp_path):
    edges(store)
    path = store / CACHE_FILE
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF  # the signature no longer matches: never unpickled
    path.write_bytes(bytes(data))
    assert edges(store) == {("a", "b")}
    path.write_bytes(b"junk")
    assert edges(store) == {("a", "b")}


def test_turned_off(store, monkeypatch):
    monkeypatch.setenv(projection_cache.ENV_VAR, "off")
    assert edges(store) == {("a", "b")}
    assert not (store / CACHE_FILE).exists()


def test_filters_apply_on_top_of_the_cache(store):
    edges(store)
    with graphkit.open(store, read_only=True) as kg:
        assert project(kg, exclude_relations=["partnerOf"]).number_of_edges() == 0
        assert project(kg).number_of_edges() == 1


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero", "link to a real cache"])
def test_a_cache_name_that_is_not_a_regular_file_is_never_read(store, tmp_path, kind):
    """A store folder from someone else may hold a FIFO or a link under the cache's name."""
    import os
    import subprocess
    import sys

    path = store / CACHE_FILE
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    else:
        edges(store)
        real = tmp_path / "elsewhere.cache"
        path.rename(real)
        path.symlink_to(real)
        before = real.read_bytes()
    code = (
        "import sys, graphkit\n"
        "from graphkit.projection import project\n"
        "with graphkit.open(sys.argv[1], read_only=True) as kg:\n"
        "    print(project(kg).number_of_edges())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(store)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"
    # The entry was replaced by a cache of its own; what a link pointed to was never written.
    assert path.is_file() and not path.is_symlink()
    if kind == "link to a real cache":
        assert real.read_bytes() == before


def test_the_state_is_read_while_the_engine_removes_files(tmp_path):
    # A compaction deletes table files while the folder is listed: the state skips them.
    import threading

    folder = tmp_path / "store"
    folder.mkdir()
    for number in range(300):
        (folder / f"{number:06}.sst").write_bytes(b"x")
    stop = threading.Event()

    def churn() -> None:
        number = 300
        while not stop.is_set():
            (folder / f"{number:06}.sst").write_bytes(b"x")
            (folder / f"{number - 300:06}.sst").unlink()
            number += 1

    thread = threading.Thread(target=churn, daemon=True)
    thread.start()
    try:
        states = {projection_cache.store_state(folder) for _ in range(300)}
    finally:
        stop.set()
        thread.join()
    assert len(states) > 1  # the files did change meanwhile


def test_a_cache_file_of_another_user_is_neither_warm_nor_read(store, monkeypatch):
    # Signed with another key: a focused projection must not take the whole-store path for it each time.
    assert edges(store) == {("a", "b")} and warm(store)
    monkeypatch.setattr(projection_cache.os, "getuid", lambda: os.stat(store / CACHE_FILE).st_uid + 1)
    assert not warm(store)
    assert projection_cache._read_own_file(store / CACHE_FILE) is None
    assert edges(store) == {("a", "b")}  # read from the store instead
