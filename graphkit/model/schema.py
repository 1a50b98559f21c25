"""The ontology as data: classes, relation types, labels and styles.

Everything here is read from ``data/ontology.ttl``; the code repeats none of it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox

from graphkit.vocab import GK, ONTOLOGY_FILE, data_dir, expand

ENTITY = GK + "Entity"
RELATIONSHIP = GK + "Relationship"
SOURCE = GK + "Source"
RELATION_TYPE = GK + "RelationType"

_FALLBACK_COLOR = "#999999"
_FALLBACK_SHAPE = "dot"


def local_name(iri: str) -> str:
    """The part of an IRI after the last ``#`` or ``/``.

    >>> local_name("https://w3id.org/graphkit/ontology#metWith")
    'metWith'
    """
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass(frozen=True)
class ClassInfo:
    iri: str
    name: str
    label: str
    comment: str = ""
    parents: tuple[str, ...] = ()
    color: str | None = None
    shape: str | None = None


@dataclass(frozen=True)
class RelationInfo:
    iri: str
    name: str
    label: str
    comment: str = ""
    domain: tuple[str, ...] = ()
    range: tuple[str, ...] = ()
    inverse: str | None = None
    symmetric: bool = False


@dataclass(eq=False)
class Schema:
    """Classes and relation types of the graphkit ontology."""

    classes: dict[str, ClassInfo] = field(default_factory=dict)
    relations: dict[str, RelationInfo] = field(default_factory=dict)

    # -- classes -----------------------------------------------------------

    @cache  # noqa: B019 - the schema is immutable and lives for the process
    def ancestors(self, iri: str) -> tuple[str, ...]:
        """The class and all its superclasses, nearest first."""
        seen: list[str] = []
        frontier = [iri]
        while frontier:
            current = frontier.pop(0)
            if current in seen:
                continue
            seen.append(current)
            info = self.classes.get(current)
            if info:
                frontier.extend(info.parents)
        return tuple(seen)

    @property
    def entity_classes(self) -> list[str]:
        """IRIs of every class under ``gk:Entity`` (itself included), sorted."""
        return sorted(iri for iri in self.classes if ENTITY in self.ancestors(iri))

    def is_entity_class(self, iri: str) -> bool:
        return ENTITY in self.ancestors(iri)

    def most_specific(self, types: list[str] | tuple[str, ...]) -> str | None:
        """Of an entity's types, the deepest graphkit class (ties: by name).

        >>> s = load_schema(); s.class_label(s.most_specific([ENTITY, GK + "Minister"]))
        'Minister'
        """
        known = [t for t in types if t in self.classes and self.is_entity_class(t)]
        if not known:
            return types[0] if types else None
        return max(sorted(known), key=lambda t: len(self.ancestors(t)))

    def class_label(self, iri: str | None) -> str:
        """Readable name of a class: its local name, e.g. ``GovernmentAgency``."""
        if iri is None:
            return "Unknown"
        info = self.classes.get(iri)
        return info.name if info else local_name(iri)

    def style(self, iri: str | None) -> tuple[str, str]:
        """(colour, vis-network shape) of a class, inherited from the nearest ancestor."""
        color = shape = None
        for ancestor in self.ancestors(iri) if iri else ():
            info = self.classes.get(ancestor)
            if info:
                color = color or info.color
                shape = shape or info.shape
        return color or _FALLBACK_COLOR, shape or _FALLBACK_SHAPE

    def find_class(self, name: str) -> str:
        """Class IRI from a readable name, label, CURIE or IRI (case-insensitive).

        >>> load_schema().find_class("governmentagency").endswith("#GovernmentAgency")
        True
        """
        return _find(name, self.classes, "entity type", self.entity_classes)

    def subclasses(self, iri: str) -> set[str]:
        """The class and every class below it."""
        return {c for c in self.classes if iri in self.ancestors(c)}

    # -- relations ---------------------------------------------------------

    def relation_label(self, iri: str) -> str:
        info = self.relations.get(iri)
        return info.label if info else local_name(iri)

    def find_relation(self, name: str) -> str:
        """Relation IRI from a readable name (``metWith``), label (``met with``) or IRI."""
        return _find(name, self.relations, "relation", sorted(self.relations))


def _find(name: str, table: dict, what: str, allowed: list[str]) -> str:
    from graphkit.errors import GraphkitError

    wanted = name.strip()
    iri = expand(wanted) or wanted
    if iri in table:
        return iri
    key = wanted.lower().replace(" ", "").replace("_", "").replace("-", "")
    for candidate, info in table.items():
        names = (info.name, info.label)
        if any(n.lower().replace(" ", "").replace("-", "") == key for n in names):
            return candidate
    readable = [table[i].name for i in allowed]
    close = difflib.get_close_matches(wanted, readable, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise GraphkitError(f"unknown {what} {name!r}.{hint} Allowed: {', '.join(readable)}")


_CLASSES = """
SELECT ?c ?label ?comment ?parent ?color ?shape WHERE {
  ?c a owl:Class .
  FILTER(isIRI(?c))
  OPTIONAL { ?c rdfs:label ?label }
  OPTIONAL { ?c rdfs:comment ?comment }
  OPTIONAL { ?c rdfs:subClassOf ?parent FILTER(isIRI(?parent)) }
  OPTIONAL { ?c gk:color ?color }
  OPTIONAL { ?c gk:shape ?shape }
}"""

_RELATIONS = """
SELECT ?p ?label ?comment ?domain ?range ?inverse ?symmetric WHERE {
  ?p a gk:RelationType .
  OPTIONAL { ?p rdfs:label ?label }
  OPTIONAL { ?p rdfs:comment ?comment }
  OPTIONAL { ?p rdfs:domain ?domain FILTER(isIRI(?domain)) }
  OPTIONAL { ?p rdfs:range ?range FILTER(isIRI(?range)) }
  OPTIONAL { { ?p owl:inverseOf ?inverse } UNION { ?inverse owl:inverseOf ?p } }
  BIND(EXISTS { ?p a owl:SymmetricProperty } AS ?symmetric)
}"""


def _text(solution, name: str) -> str | None:
    term = solution[name]
    return term.value if term is not None else None


@cache
def load_schema() -> Schema:
    """Read the bundled ontology once per process.

    >>> "https://w3id.org/graphkit/ontology#metWith" in load_schema().relations
    True
    """
    from graphkit.vocab import PREFIXES

    store = ox.Store()
    store.load(path=str(data_dir() / ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
    rows: dict[str, dict] = {}
    for s in store.query(_CLASSES, prefixes=PREFIXES):
        iri = s["c"].value
        row = rows.setdefault(iri, {"parents": [], "label": None})
        for key in ("label", "comment", "color", "shape"):
            row[key] = row.get(key) or _text(s, key)
        parent = _text(s, "parent")
        if parent and parent not in row["parents"]:
            row["parents"].append(parent)
    schema = Schema()
    for iri, row in rows.items():
        schema.classes[iri] = ClassInfo(
            iri=iri,
            name=local_name(iri),
            label=row["label"] or local_name(iri),
            comment=row.get("comment") or "",
            parents=tuple(row["parents"]),
            color=row.get("color"),
            shape=row.get("shape"),
        )
    rel_rows: dict[str, dict] = {}
    for s in store.query(_RELATIONS, prefixes=PREFIXES):
        iri = s["p"].value
        row = rel_rows.setdefault(iri, {"domain": [], "range": []})
        for key in ("label", "comment", "inverse"):
            row[key] = row.get(key) or _text(s, key)
        for key in ("domain", "range"):
            value = _text(s, key)
            if value and value not in row[key]:
                row[key].append(value)
        row["symmetric"] = s["symmetric"].value == "true"
    for iri, row in rel_rows.items():
        schema.relations[iri] = RelationInfo(
            iri=iri,
            name=local_name(iri),
            label=row.get("label") or local_name(iri),
            comment=row.get("comment") or "",
            domain=tuple(row["domain"]),
            range=tuple(row["range"]),
            inverse=row.get("inverse"),
            symmetric=row["symmetric"],
        )
    return schema
