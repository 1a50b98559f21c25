"""Entities and relationships assembled from columns: one dict per predicate, subject -> value.

The readers in :mod:`graphkit.model.column_reads` fill a :class:`Columns`
(single-pattern scans of the whole store, or VALUES batches around a set of
entities); this module joins the columns in Python dicts into entity
attributes and relationship edges, whatever order the rows came in.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from graphkit.model.graph import KnowledgeGraph
from graphkit.model.relationships import Relationship, SourceRef, inverses
from graphkit.model.schema import local_name
from graphkit.vocab import DCTERMS, GK, PROV, RDF, RDFS, SCHEMA, SKOS

TYPE, SUBJECT, PREDICATE, OBJECT = RDF + "type", RDF + "subject", RDF + "predicate", RDF + "object"
LABEL, ALT_LABEL = RDFS + "label", SKOS + "altLabel"
DERIVED = PROV + "wasDerivedFrom"
RELATIONSHIP = GK + "Relationship"
_DATES = {DCTERMS + "date": "date", SCHEMA + "startDate": "start", SCHEMA + "endDate": "end"}
_APPROX = GK + "dateApproximate"
_TEXTS = {
    GK + "quote": "quote",
    DCTERMS + "description": "description",
    GK + "grounds": "grounds",
    GK + "accordingTo": "according_to",
}
_SOURCE_META = {
    DCTERMS + "title": "title",
    DCTERMS + "publisher": "publisher",
    SCHEMA + "url": "url",
    DCTERMS + "issued": "date",
}
#: The qualifiers of a statement, under the names edges use, in edge attribute order.
_FIELDS = (*_DATES.items(), (_APPROX, "date_approximate"), *_TEXTS.items())
_SINGLE = ("date", "start", "end")
#: What a plain triple has for them.
_PLAIN = {
    "date": None,
    "start": None,
    "end": None,
    "date_approximate": False,
    "description": None,
    "quote": None,
    "grounds": None,
}
Edge = tuple[str, str, str, dict[str, Any]]


def _sort_key(keyed: tuple) -> str:
    return f"{keyed[0]}\0{keyed[1]}\0{keyed[2]}\0{keyed[3]}"


def _common(small: dict[str, Any], other: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(key, value in ``small``) for the keys of ``small`` that ``other`` holds, walking the smaller."""
    if len(small) <= len(other):
        return ((k, v) for k, v in small.items() if k in other)
    return ((k, small[k]) for k in other if k in small)


#: Every predicate a whole-store read scans, besides the relation types.
SCANNED = (
    TYPE,
    SUBJECT,
    PREDICATE,
    OBJECT,
    *_DATES,
    _APPROX,
    *_TEXTS,
    DERIVED,
    *_SOURCE_META,
    LABEL,
    ALT_LABEL,
)


def lexical(term: Any) -> str:
    """A term's value as graphkit keys it: blank nodes with their ``_:`` prefix.

    >>> lexical(ox.BlankNode("b1")), lexical(ox.NamedNode("https://example.org/a"))
    ('_:b1', 'https://example.org/a')
    """
    return "_:" + term.value if type(term) is ox.BlankNode else term.value


#: The columns whose values are resources, kept as lexical strings (the others keep their terms).
RESOURCE_COLUMNS = frozenset({TYPE, SUBJECT, PREDICATE, OBJECT, DERIVED})


class Columns:
    """What a read has gathered, one dict per predicate: subject -> first value.

    Further values of the same subject and predicate go to ``more``. Rows go
    in as (subject, object) pairs per predicate, or as triples; the
    assembling methods give the same result whatever order the rows came in.
    """

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self.entity_classes = frozenset(kg.schema.entity_classes)
        self.inverse = inverses(kg)
        self.columns: dict[str, dict[str, Any]] = {}
        self.more: dict[tuple[str, str], list[Any]] = {}
        self.statements: set[str] = set()
        self.direct: set[tuple[str, str, str]] = set()
        self.described: set[str] = set()  # subjects whose every property has been read
        self._relation_names: dict[str, tuple[str, str]] = {}

    # -- rows in ----------------------------------------------------------------------

    def scan(self, predicate: str, rows: Iterable) -> None:
        """Take the (subject term, object term) rows of one predicate."""
        blank = ox.BlankNode
        if predicate in RESOURCE_COLUMNS:
            pairs = [
                (
                    "_:" + s.value if type(s) is blank else s.value,
                    "_:" + o.value if type(o) is blank else o.value,
                )
                for s, o in rows
            ]
        else:
            pairs = [("_:" + s.value if type(s) is blank else s.value, o) for s, o in rows]
        self.take(predicate, pairs)

    def take(self, predicate: str, pairs: list[tuple[str, Any]]) -> None:
        """Take one predicate's (subject, value) pairs, as :meth:`scan` makes them.

        Subjects are lexical (see :func:`lexical`), and so are the values of
        :data:`RESOURCE_COLUMNS`; other values are terms.
        """
        col = self.columns.get(predicate)
        if col is None:  # the usual case: one scan per predicate, one value per subject
            col = self.columns[predicate] = dict(pairs)
            if len(col) == len(pairs):
                return
            col.clear()
        more = self.more
        for key, value in pairs:
            if key in col:
                more.setdefault((predicate, key), []).append(value)
            else:
                col[key] = value

    def triples(self, rows: Iterable) -> None:
        """Take (subject, predicate, object) rows of any predicates."""
        by_predicate: dict[str, list[tuple[Any, Any]]] = {}
        relations = self.inverse
        for s, p, o in rows:
            p_iri = p.value
            if p_iri in relations:
                if type(o) is not ox.Literal:
                    self.direct.add((lexical(s), p_iri, lexical(o)))
                continue
            by_predicate.setdefault(p_iri, []).append((s, o))
        for p_iri, pairs in by_predicate.items():
            self.scan(p_iri, pairs)

    def links(self, predicate: str, rows: Iterable) -> None:
        """Take the (subject term, object term) rows of one relation type: plain relation triples."""
        blank, literal = ox.BlankNode, ox.Literal
        self.direct.update(
            (
                "_:" + s.value if type(s) is blank else s.value,
                predicate,
                "_:" + o.value if type(o) is blank else o.value,
            )
            for s, o in rows
            if type(o) is not literal
        )

    def values(self, predicate: str, subject: str) -> list[Any]:
        """Every value of one subject's predicate."""
        col = self.columns.get(predicate)
        if col is None or subject not in col:
            return []
        extra = self.more.get((predicate, subject))
        return [col[subject], *extra] if extra else [col[subject]]

    # -- results out ---------------------------------------------------------------

    def _multi(self) -> set[str]:
        """The predicates that have a second value for some subject (the rest are read directly)."""
        return {p for p, _ in self.more}

    def _statements(self) -> list[str]:
        types = self.columns.get(TYPE, {})
        extra = self.more
        return [i for i, t in types.items() if t == RELATIONSHIP or RELATIONSHIP in extra.get((TYPE, i), ())]

    def edges(self, around: set[str] | None = None, between: Container[str] | None = None) -> list[Edge]:
        """(subject, object, key, attributes) of each relationship, sorted, as projections want them.

        Those touching ``around`` if given, those whose both ends are in
        ``between`` if given. A field given twice keeps its smallest value
        (the earliest date); text fields with several values are sorted and
        joined with ``"; "``. A source cited by many relationships gets one
        attribute dict, shared by their edges. Plain relation triples that no
        statement describes come with ``statement: None`` and no sources.
        """
        cols, multi = self.columns, self._multi()
        # Each field: (attribute, predicate, column, has several values somewhere).
        fields = [(name, p, cols[p], p in multi) for p, name in _FIELDS if cols.get(p)]
        ends = [(cols.get(p, {}), p, p in multi) for p in (SUBJECT, PREDICATE, OBJECT)]
        (subjects, _, s_multi), (predicates, _, p_multi), (objects, _, o_multi) = ends
        cited, cited_multi = cols.get(DERIVED, {}), DERIVED in multi
        names = self._relation_names
        keyed: list[tuple[str, str, str, str, Edge]] = []
        attrs_of: dict[str, dict[str, Any]] = {}
        qualified = set()
        for iri in self._statements():
            s, p, o = subjects.get(iri), predicates.get(iri), objects.get(iri)
            if s is None or p is None or o is None:
                continue
            if s_multi or p_multi or o_multi:
                # A statement naming two subjects is a data error: the smallest, whatever the order.
                s, p, o = (
                    min(self.values(pred, iri)) if several else v
                    for v, (_, pred, several) in zip((s, p, o), ends, strict=True)
                )
            qualified.add((s, p, o))
            if around is not None and s not in around and o not in around:
                continue
            if between is not None and (s not in between or o not in between):
                continue
            relation = names.get(p) or self._name(p)
            attrs = attrs_of[iri] = {
                "relation": relation[0],
                "relation_iri": p,
                "relation_name": relation[1],
                **_PLAIN,
                "according_to": [],
                "sources": [],
                "statement": iri,
            }
            keyed.append((p, s, o, iri, (s, o, iri, attrs)))
        # Then column by column (a column may also hold other subjects: entity descriptions).
        more = self.more
        for name, predicate, col, several in fields:
            if not several:  # the usual case: one value per statement, no branching per row
                if name == "date_approximate":
                    for iri, attrs in _common(attrs_of, col):
                        attrs[name] = col[iri].value in ("true", "1")
                elif name == "according_to":
                    for iri, attrs in _common(attrs_of, col):
                        attrs[name] = [col[iri].value]
                else:
                    for iri, attrs in _common(attrs_of, col):
                        attrs[name] = col[iri].value
                continue
            for iri, attrs in _common(attrs_of, col):
                extra = more.get((predicate, iri))
                if extra is None:
                    value = col[iri].value
                    found = [value]
                else:
                    found = sorted({v.value for v in (col[iri], *extra)})
                    value = found[0]  # a date given twice keeps the earliest
                if name in _SINGLE:
                    attrs[name] = value
                elif name == "date_approximate":
                    attrs[name] = any(v in ("true", "1") for v in found)
                elif name == "according_to":
                    attrs[name] = found
                else:
                    attrs[name] = value if extra is None else "; ".join(found)
        shared: dict[str, dict[str, Any]] = {}
        source = self._source_reader()
        for iri, attrs in _common(attrs_of, cited):
            sources = attrs["sources"]
            extra = more.get((DERIVED, iri)) if cited_multi else None
            if extra is None:
                src = cited[iri]
                d = shared.get(src)
                if d is None:
                    d = shared[src] = source(src)
                sources.append(d)
                continue
            for src in sorted({cited[iri], *extra}):
                d = shared.get(src)
                if d is None:
                    d = shared[src] = source(src)
                sources.append(d)
            if len(sources) > 1:
                sources.sort(key=lambda x: (x["date"] or "", x["title"] or "", x["iri"]))
        for s, p, o in self.direct:
            if around is not None and s not in around and o not in around:
                continue
            if between is not None and (s not in between or o not in between):
                continue
            if (s, p, o) not in qualified and (o, self.inverse[p], s) not in qualified:
                relation = names.get(p) or self._name(p)
                attrs = {
                    "relation": relation[0],
                    "relation_iri": p,
                    "relation_name": relation[1],
                    **_PLAIN,
                    "according_to": [],
                    "sources": [],
                    "statement": None,
                }
                keyed.append((p, s, o, "", (s, o, f"{s} {p} {o}", attrs)))
        # One string per key sorts as the (relation, subject, object, statement) tuple would
        # (no IRI holds a NUL) in half the time: string comparisons run in C, tuple ones do not.
        keyed.sort(key=_sort_key)
        return [k[4] for k in keyed]

    def neighbours(self, ends: set[str]) -> set[str]:
        """The other ends of the relationships touching ``ends``, in either direction.

        The same links as :meth:`edges` (statements, then plain triples),
        found in one pass over the ends' columns without building any
        attributes: one ring of a walk.
        """
        cols, multi = self.columns, self._multi()
        subjects, predicates, objects = (cols.get(p, {}) for p in (SUBJECT, PREDICATE, OBJECT))
        statements = set(self._statements())
        found: list[str] = []
        if SUBJECT in multi or OBJECT in multi:  # a statement naming two subjects: as edges() reads it
            for iri in statements:
                if iri in subjects and iri in objects and iri in predicates:
                    s, o = min(self.values(SUBJECT, iri)), min(self.values(OBJECT, iri))
                    found.extend((o,) if s in ends else ())
                    found.extend((s,) if o in ends else ())
        else:
            for one, other in ((subjects, objects), (objects, subjects)):
                for iri, end in one.items():
                    if end in ends:
                        far = other.get(iri)
                        if far is not None and iri in statements and iri in predicates:
                            found.append(far)
        for s, _, o in self.direct:
            if s in ends:
                found.append(o)
            if o in ends:
                found.append(s)
        return set(found) - ends

    def _name(self, predicate: str) -> tuple[str, str]:
        names = (self.kg.schema.relation_label(predicate), local_name(predicate))
        self._relation_names[predicate] = names
        return names

    def relationships(self, around: set[str] | None = None) -> list[Relationship]:
        """The relationships found (those touching ``around`` if given), sorted as :meth:`edges`."""
        refs: dict[str, SourceRef] = {}
        out = []
        for s, o, _, attrs in self.edges(around):
            rel = Relationship(attrs["statement"], s, attrs["relation_iri"], o)
            for name in (*_SINGLE, "description", "quote", "grounds"):
                setattr(rel, name, attrs[name])
            rel.approximate = attrs["date_approximate"]
            rel.according_to = attrs["according_to"]
            for d in attrs["sources"]:
                ref = refs.get(d["iri"])
                if ref is None:
                    ref = refs[d["iri"]] = SourceRef(**d)
                rel.sources.append(ref)
            out.append(rel)
        return out

    def _source_reader(self) -> Callable[[str], dict[str, Any]]:
        """A function giving a source's attributes (the smallest value of a field given twice)."""
        multi = self._multi()
        fields = [(name, self.columns.get(p, {}), p in multi, p) for p, name in _SOURCE_META.items()]

        def source(iri: str) -> dict[str, Any]:
            found = {"title": None, "publisher": None, "url": None, "date": None, "iri": iri}
            for name, col, several, predicate in fields:
                first = col.get(iri)
                if first is None:
                    continue
                if several and (predicate, iri) in self.more:
                    found[name] = min(v.value for v in self.values(predicate, iri))
                else:
                    found[name] = first.value
            return found

        return source

    def entities(self, iris: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """Entity IRI -> {"types": frozenset of class IRIs, "literals": [(predicate, term)]}."""
        classes = self.entity_classes
        types = self.columns.get(TYPE, {})
        more, multi = self.more, self._multi()
        typed_twice = TYPE in multi
        one_class: dict[str, frozenset[str]] = {}  # shared: most entities have one class
        out: dict[str, dict[str, Any]] = {}
        pairs = types.items() if iris is None else ((i, types.get(i)) for i in iris)
        for iri, first in pairs:
            if first is None:
                continue
            extra = more.get((TYPE, iri)) if typed_twice else None
            if extra:
                kinds = frozenset({first, *extra} & classes)
            elif first in classes:
                kinds = one_class.get(first) or one_class.setdefault(first, frozenset((first,)))
            else:
                continue
            if kinds and not iri.startswith("_:"):
                out[iri] = {"types": kinds, "literals": []}
        # Column by column: a column mostly holds other subjects (statements, sources).
        for predicate, col in self.columns.items():
            if predicate in RESOURCE_COLUMNS:
                continue
            several = predicate in multi
            small, big = (col, out) if len(col) < len(out) else (out, col)
            for iri in small:
                if iri in big:
                    literals = out[iri]["literals"]
                    if several:
                        literals.extend((predicate, v) for v in self.values(predicate, iri))
                    else:
                        literals.append((predicate, col[iri]))
        return out
