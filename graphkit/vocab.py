"""Namespaces and the location of the bundled data files.

Only IRIs live here; what the classes and relation types *are* is read from
``data/ontology.ttl`` by :mod:`graphkit.schema`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

GK = "https://w3id.org/graphkit/ontology#"
GKD = "https://w3id.org/graphkit/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
SH = "http://www.w3.org/ns/shacl#"

#: Prefixes pre-bound in every query and used when printing IRIs.
PREFIXES: dict[str, str] = {
    "gk": GK,
    "gkd": GKD,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "org": ORG,
    "foaf": FOAF,
    "schema": SCHEMA,
    "sh": SH,
}

#: Skolem IRIs for blank nodes sent to remote endpoints.
GENID = "https://w3id.org/graphkit/.well-known/genid/"

ONTOLOGY_FILE = "ontology.ttl"
SHAPES_FILE = "shapes.ttl"
SCHEMA_FILES = (ONTOLOGY_FILE, SHAPES_FILE)


@cache
def data_dir() -> Path:
    """Folder of the bundled Turtle files, installed or in a checkout.

    >>> (data_dir() / "ontology.ttl").is_file()
    True
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parent / "data"):
        if (candidate / ONTOLOGY_FILE).is_file():
            return candidate
    raise FileNotFoundError("graphkit's bundled data folder is missing; reinstall graphkit")


def dataset_files() -> list[Path]:
    """The bundled dataset: every Turtle file in ``data/`` except the schema files."""
    return sorted(p for p in data_dir().glob("*.ttl") if p.name not in SCHEMA_FILES)


def shorten(iri: str) -> str:
    """Write an IRI with a known prefix, or return it unchanged.

    >>> shorten("https://w3id.org/graphkit/ontology#metWith")
    'gk:metWith'
    """
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def expand(curie: str) -> str | None:
    """Expand ``prefix:local`` with a known prefix, or return None.

    >>> expand("gkd:nzsis")
    'https://w3id.org/graphkit/id/nzsis'
    """
    prefix, sep, local = curie.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return None
