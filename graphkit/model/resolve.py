"""Entity names: a label, an alias or an IRI, resolved case-insensitively.

The name travels into SPARQL only as a bound literal, never pasted into the
query text.
"""

from __future__ import annotations

import difflib
import unicodedata
import weakref
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graphkit.errors import AmbiguousEntityError, EntityNotFoundError
from graphkit.model.graph import KnowledgeGraph
from graphkit.model.schema import local_name
from graphkit.vocab import expand


@dataclass(frozen=True)
class EntityRef:
    """An entity that a name resolved to."""

    iri: str
    label: str
    type: str

    def __str__(self) -> str:
        return self.label


def normalise(text: str) -> str:
    """Case-fold and tidy a name for comparison.

    >>> normalise("  Amazon   Web Services ")
    'amazon web services'
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_BY_IRI = """
SELECT ?label ?type WHERE {
  ?e a ?type .
  OPTIONAL { ?e rdfs:label ?label }
}"""

_BY_NAME = """
SELECT DISTINCT ?e ?label ?type WHERE {
  ?e rdfs:label|skos:altLabel ?name .
  FILTER(LCASE(STR(?name)) = ?needle)
  ?e a ?type .
  OPTIONAL { ?e rdfs:label ?label }
}"""


def _entity_rows(kg: KnowledgeGraph, rows) -> dict[str, EntityRef]:
    found: dict[str, dict] = {}
    for row in rows:
        entry = found.setdefault(row["e"], {"label": None, "types": []})
        entry["label"] = entry["label"] or row.get("label")
        if row.get("type"):
            entry["types"].append(row["type"])
    refs = {}
    for iri, entry in found.items():
        types = entry["types"]
        if types and not any(kg.schema.is_entity_class(t) for t in types):
            continue  # sources, relationships, ontology terms
        best = kg.schema.most_specific(types)
        refs[iri] = EntityRef(iri, entry["label"] or local_name(iri), kg.schema.class_label(best))
    return refs


def resolve(kg: KnowledgeGraph, name: str) -> EntityRef:
    """Find the one entity that ``name`` denotes, by label, alias or IRI.

    Raises :class:`EntityNotFoundError` (with close suggestions) or
    :class:`AmbiguousEntityError` (with every candidate).

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     resolve(kg, "nzsis").label
    'New Zealand Security Intelligence Service'
    """
    text = name.strip()
    iri = expand(text) or (text[1:-1] if text.startswith("<") and text.endswith(">") else text)
    if ":" in iri and " " not in iri:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            node = None
        if node is not None:
            rows = kg.select(_BY_IRI, {"e": node})
            for row in rows:
                row["e"] = iri
            refs = _entity_rows(kg, rows)
            if iri in refs:
                return refs[iri]
    refs = _named(kg, text)
    if len(refs) == 1:
        return next(iter(refs.values()))
    if len(refs) > 1:
        candidates = sorted(refs.values(), key=lambda r: (r.label.lower(), r.iri))
        raise AmbiguousEntityError(
            f"{name!r} matches {len(candidates)} entities; use the IRI to pick one",
            [(c.label, c.type, c.iri) for c in candidates],
        )
    suggestions = suggest(kg, text)
    hint = "; closest: " + ", ".join(repr(s.label) for s in suggestions) if suggestions else ""
    raise EntityNotFoundError(
        f"no entity is called {name!r}{hint}",
        [(s.label, s.type, s.iri) for s in suggestions],
    )


def _named(kg: KnowledgeGraph, text: str) -> dict[str, EntityRef]:
    """IRI -> entity, for every entity with ``text`` as a label or alias (case and spacing aside)."""
    from graphkit import projection_cache

    needle = normalise(text)
    if projection_cache.applies(kg):  # an embedded store: its names are kept beside it
        return _refs(_all_names(kg).get(needle, []))
    refs = _entity_rows(kg, kg.select(_BY_NAME, {"needle": ox.Literal(needle)}))
    if not refs:
        # LCASE differs from casefold on a few scripts; compare in Python as a fallback.
        refs = _refs(_all_names(kg).get(needle, []))
    return refs


def _refs(entries: list[tuple[str, str, str]]) -> dict[str, EntityRef]:
    return {iri: EntityRef(iri, label, kind) for iri, label, kind in entries}


#: Per open store: (the store's state, its names), so that a command resolving two names reads them once.
_MEMO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _all_names(kg: KnowledgeGraph) -> dict[str, list[tuple[str, str, str]]]:
    """Normalised name -> (IRI, label, class) of each entity called so; kept beside an embedded store.

    Plain tuples: at 10M triples (318,000 names) they load in half the time of
    :class:`EntityRef` objects.
    """
    from graphkit import projection_cache

    if not projection_cache.applies(kg):
        return _read_names(kg)
    state = projection_cache.store_state(Path(kg.backend.path))
    memo = _MEMO.get(kg)
    if memo is None or memo[0] != state:
        memo = _MEMO[kg] = (
            state,
            projection_cache.cached_table(kg, _read_names, projection_cache.NAMES_FILE),
        )
    return memo[1]


def _read_names(kg: KnowledgeGraph) -> dict[str, list[tuple[str, str, str]]]:
    """Every entity's labels and aliases, from three single-pattern scans (no join in the engine)."""
    from graphkit.model.column_reads import engine_rows

    classes = " ".join(str(ox.NamedNode(c)) for c in kg.schema.entity_classes)
    types: dict[str, list[str]] = {}
    for e, t in engine_rows(kg, f"SELECT ?e ?t WHERE {{ VALUES ?t {{ {classes} }} ?e a ?t }}"):
        if type(e) is ox.NamedNode:  # ontology terms, sources and statements have no entity class
            types.setdefault(e.value, []).append(t.value)
    labels: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}
    for predicate, into in (("rdfs:label", labels), ("skos:altLabel", names)):
        for e, name in engine_rows(kg, f"SELECT ?e ?name WHERE {{ ?e {predicate} ?name }}"):
            if e.value in types and type(name) is ox.Literal:
                into.setdefault(e.value, set()).add(name.value)
    index: dict[str, list[tuple[str, str, str]]] = {}
    for iri, entity_types in sorted(types.items()):
        kind = kg.schema.class_label(kg.schema.most_specific(entity_types))
        own = labels.get(iri, set())
        # An entity with two labels is listed under each with each (as the engine's join gave them).
        pairs = {(n, label) for n in own | names.get(iri, set()) for label in (own or {n})}
        for name, label in sorted(pairs):
            index.setdefault(normalise(name), []).append((iri, label, kind))
    return index


_MINOR_WORDS = frozenset({"of", "the", "and", "for", "on", "in", "to", "a", "an", "&"})


def _initials(words: list[str], *, minor: bool) -> str:
    return "".join(w[0] for w in words if w and (minor or w not in _MINOR_WORDS))


def _match_rank(needle: str, name: str) -> int | None:
    """How well ``needle`` fits ``name`` (lower is better), or None.

    0 same initials ("nz" for "new zealand"), 1 the name starts with it,
    2 each word of it starts a word of the name, in order ("am web" for
    "amazon web services"), 3 the name's initials start with it, 4 it is
    inside the name.
    """
    words = name.replace("-", " ").split()
    compact = needle.replace(".", "").replace(" ", "")
    initials = {_initials(words, minor=False), _initials(words, minor=True)}
    if len(compact) > 1 and compact in initials:
        return 0
    if name.startswith(needle):
        return 1
    it = iter(words)
    if all(any(word.startswith(part) for word in it) for part in needle.split()):
        return 2
    if len(compact) > 1 and any(i.startswith(compact) for i in initials):
        return 3
    if needle in name:
        return 4
    return None


def suggest(kg: KnowledgeGraph, text: str, n: int = 5) -> list[EntityRef]:
    """Entities whose names are closest to ``text``, best first.

    Initials and word prefixes count ("NZ" finds New Zealand, "am web" Amazon Web
    Services), then substrings, then spelling mistakes; shorter names first.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     [ref.label for ref in suggest(kg, "NZ", n=3)]
    ['New Zealand', 'New Zealand Security Intelligence Service', 'NZSIS Minister']
    """
    index = _all_names(kg)
    needle = normalise(text)
    if not needle:
        return []
    ranked: list[tuple[int, int, str]] = []
    for key in index:
        rank = _match_rank(needle, key)
        if rank is not None:
            ranked.append((rank, len(key), key))
    fuzzy = difflib.get_close_matches(needle, list(index), n=n, cutoff=0.5)
    ranked += [(5, position, key) for position, key in enumerate(fuzzy)]
    found: dict[str, EntityRef] = {}
    for _, _, key in sorted(ranked):
        for iri, label, kind in index[key]:
            if iri not in found:  # an entity under two labels: the first, as ranked
                found[iri] = EntityRef(iri, label, kind)
    return list(found.values())[:n]
