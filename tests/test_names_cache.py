"""Resolving names on an embedded store: from a names cache beside it, never stale, same answers."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

import graphkit
from graphkit import projection_cache
from graphkit.errors import AmbiguousEntityError, EntityNotFoundError
from graphkit.model.resolve import resolve, suggest
from graphkit.projection_cache import NAMES_FILE
from graphkit.store import bundled_files
from graphkit.vocab import GK, GKD

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")

# Labels, aliases, other case and spacing, initials, a typo, a name two entities share, an IRI.
NAMES = [
    "Amazon Web Services",
    "amazon   web SERVICES",
    "AWS",
    "nzsis",
    "NZ",
    "Amazon Web Servces",
    "Microsoft",
    "Minister",
    "https://w3id.org/graphkit/id/aws",
    "nothing like any entity at all",
]


@pytest.fixture
def embedded(tmp_path, monkeypatch):
    """The bundled data in an embedded store, with the caches on and a private signing key."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.delenv(projection_cache.ENV_VAR, raising=False)
    folder = tmp_path / "store"
    with graphkit.open(folder, create=True) as kg:
        kg.load(bundled_files())
    return folder


def answer(kg, name: str):
    try:
        return ("one", resolve(kg, name))
    except AmbiguousEntityError as exc:
        return ("several", exc.candidates)
    except EntityNotFoundError as exc:
        return ("none", exc.candidates)


def test_answers_match_the_sparql_path_of_a_store_in_memory(embedded):
    with graphkit.open() as memory, graphkit.open(embedded, read_only=True) as kg:
        assert projection_cache.applies(kg) and not projection_cache.applies(memory)
        for name in NAMES:
            assert answer(kg, name) == answer(memory, name), name
        for text in ("NZ", "am web", "Amazn", "min"):
            assert suggest(kg, text) == suggest(memory, text), text
    assert (embedded / NAMES_FILE).exists()


def test_a_name_written_by_another_program_is_found(embedded):
    with graphkit.open(embedded, read_only=True) as kg:
        assert answer(kg, "Acme Cloud")[0] == "none"
    saved = (embedded / NAMES_FILE).read_bytes()
    raw = ox.Store(str(embedded))  # not graphkit: only the store's own files change
    acme = ox.NamedNode(GKD + "acme")
    raw.add(
        ox.Quad(
            acme,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(GK + "Company"),
        )
    )
    raw.add(ox.Quad(acme, RDFS_LABEL, ox.Literal("Acme Cloud")))
    aws = ox.NamedNode(GKD + "aws")
    raw.remove(ox.Quad(aws, RDFS_LABEL, ox.Literal("Amazon Web Services")))
    raw.add(ox.Quad(aws, RDFS_LABEL, ox.Literal("AWS Renamed")))
    del raw
    with graphkit.open(embedded, read_only=True) as kg:
        assert answer(kg, "acme cloud") == ("one", graphkit.EntityRef(GKD + "acme", "Acme Cloud", "Company"))
        assert answer(kg, "AWS Renamed")[1].iri == GKD + "aws"
        assert answer(kg, "Amazon Web Services")[0] == "none"
    assert (embedded / NAMES_FILE).read_bytes() != saved  # rebuilt for the new state


def test_a_write_through_the_same_open_store_is_seen(embedded):
    with graphkit.open(embedded) as kg:
        assert answer(kg, "Acme Cloud")[0] == "none"  # the names are now held for this store
        kg.update(
            "INSERT DATA { <https://w3id.org/graphkit/id/acme> a <https://w3id.org/graphkit/ontology#Company> ; "
            '<http://www.w3.org/2000/01/rdf-schema#label> "Acme Cloud" }'
        )
        assert resolve(kg, "Acme Cloud").iri == GKD + "acme"


def test_with_the_caches_off_nothing_is_written(embedded, monkeypatch):
    monkeypatch.setenv(projection_cache.ENV_VAR, "off")
    with graphkit.open(embedded, read_only=True) as kg:
        assert resolve(kg, "aws").iri == GKD + "aws"
        assert GKD + "aws" in [ref.iri for ref in suggest(kg, "Amazon Web Servces")]
    assert not (embedded / NAMES_FILE).exists()


def test_a_foreign_names_file_is_never_unpickled(embedded, tmp_path, monkeypatch):
    with graphkit.open(embedded, read_only=True) as kg:
        resolve(kg, "aws")
    # Another user's key: the file in the folder is not theirs to trust.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    (embedded / NAMES_FILE).write_bytes(b"graphkit-projection\n" + b"\0" * 200)
    with graphkit.open(embedded, read_only=True) as kg:
        assert resolve(kg, "aws").iri == GKD + "aws"
