"""Turning checked rows into RDF: IRIs from ids, and pyoxigraph quads.

The IRIs come from the ids, so importing the same rows twice writes the same
triples:

==================  ===============================================
row                 IRI
==================  ===============================================
entity ``acme``     ``gkd:acme``
source ``gazette``  ``gkd:source/gazette``
relationship        ``gkd:rel/<subject>-<relation>-<object>[-<date>]``
==================  ===============================================

A relationship row may also give its own ``id`` (``gkd:rel/<id>``).
Everything goes into the default graph, written the way the bundled dataset
is written: the direct triple, and a ``gk:Relationship`` that qualifies it.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graphkit.importer.csv_files import split_list
from graphkit.vocab import DCTERMS, GK, GKD, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

if TYPE_CHECKING:
    from graphkit.importer.records import EntityRecord, RelationshipRecord, SourceRecord

#: Ids must be usable in an IRI as they are.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

SOURCE_PREFIX = GKD + "source/"
REL_PREFIX = GKD + "rel/"
WIKIDATA = "http://www.wikidata.org/entity/"

#: Where a source's excerpt goes. gk:quote is declared for relationships; see
#: the README ("Importing CSV") and the report on widening its domain.
EXCERPT = GK + "quote"


TYPE = RDF + "type"
LABEL = RDFS + "label"
ALT_LABEL = SKOS + "altLabel"
DESCRIPTION = DCTERMS + "description"
SAME_AS = OWL + "sameAs"
IDENTIFIER = DCTERMS + "identifier"
FTM_SCHEMA = GK + "ftmSchema"

#: The predicates an entity record describes. Re-importing it replaces these
#: (and owl:sameAs links to Wikidata) and leaves the entity's relationships,
#: which belong to relationship records, alone.
ENTITY_PREDICATES = (TYPE, LABEL, ALT_LABEL, DESCRIPTION, IDENTIFIER, FTM_SCHEMA)


def suggest_id(text: str) -> str:
    """A valid id close to ``text``, for error messages.

    >>> suggest_id("Ministry of Examples (MoE)")
    'ministry-of-examples-moe'
    """
    slug = re.sub(r"[^a-z0-9._-]+", "-", text.strip().lower()).strip("-._")
    return slug if ID_PATTERN.match(slug) else ""


def entity_iri(id_: str) -> str:
    """The IRI of the entity with this id.

    >>> entity_iri("example-ministry")
    'https://w3id.org/graphkit/id/example-ministry'
    """
    return GKD + id_


def source_iri(id_: str) -> str:
    """The IRI of the source with this id.

    >>> source_iri("example-gazette-2024")
    'https://w3id.org/graphkit/id/source/example-gazette-2024'
    """
    return SOURCE_PREFIX + id_


def relationship_iri(id_: str) -> str:
    """The IRI of the relationship with this id."""
    return REL_PREFIX + id_


@functools.lru_cache(maxsize=1024)  # a few relation names, on every row without an id
def kebab(name: str) -> str:
    """A relation name in lower case with hyphens.

    >>> kebab("ministerResponsibleFor")
    'minister-responsible-for'
    """
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


def relationship_id(
    subject: str, relation: str, object_: str, date: str | None = None, start: str | None = None
) -> str:
    """The id of a relationship row that gives none: stable across imports.

    The date (or the start date) is part of it, so that two meetings of the
    same pair on different days are two relationships.

    >>> relationship_id("example-minister", "metWith", "example-cloud", "2024-10")
    'example-minister-met-with-example-cloud-2024-10'
    >>> relationship_id("a", "partnerOf", "b", start="2020")
    'a-partner-of-b-from-2020'
    """
    parts = [subject, kebab(relation), object_]
    if date:
        parts.append(date)
    elif start:
        parts += ["from", start]
    return "-".join(parts)


_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')


def nt_literal(text: str, datatype: str | None = None) -> str:
    """A literal in N-Triples, spelled exactly as pyoxigraph spells it.

    >>> nt_literal('say "hi"'), nt_literal("2024", XSD + "gYear")[-6:]
    ('"say \\\\"hi\\\\""', 'gYear>')
    """
    if _NEEDS_ESCAPE.search(text):
        term = str(ox.Literal(text, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(text))
        return term
    return f'"{text}"^^<{datatype}>' if datatype else f'"{text}"'


def nt_iri(iri: str) -> str:
    """An IRI in N-Triples (the IRI is already checked or built from a checked id).

    >>> nt_iri(GKD + "acme")
    '<https://w3id.org/graphkit/id/acme>'
    """
    return f"<{iri}>"


@functools.lru_cache(maxsize=65_536)  # a large file repeats its dates
def date_literal(text: str) -> str:
    """A fuzzy date with the XSD datatype that fits its precision.

    >>> date_literal("2024")[-6:], date_literal("2024-10-01")[-5:]
    ('gYear>', 'date>')
    """
    kind = {4: "gYear", 7: "gYearMonth"}.get(len(text), "date")
    return nt_literal(text, XSD + kind)


TRUE = nt_literal("true", XSD + "boolean")

#: A resource's triples: (predicate IRI, object in N-Triples).
Pairs = list[tuple[str, str]]


def entity_pairs(entity: EntityRecord) -> Pairs:
    """The triples of one entity record (its subject is ``entity_iri(entity.id)``)."""
    pairs = [(TYPE, nt_iri(entity.type)), (LABEL, nt_literal(entity.label))]
    pairs += [(ALT_LABEL, nt_literal(alias)) for alias in entity.aliases]
    if entity.description:
        pairs.append((DESCRIPTION, nt_literal(entity.description)))
    if entity.wikidata:
        pairs.append((SAME_AS, nt_iri(entity.wikidata)))
    return pairs + entity.extra


def source_pairs(source: SourceRecord) -> Pairs:
    """The triples of one source record."""
    pairs = [
        (TYPE, nt_iri(source.type)),
        (DCTERMS + "title", nt_literal(source.title)),
        (DCTERMS + "publisher", nt_literal(source.publisher)),
    ]
    if source.url:
        pairs.append((SCHEMA + "url", nt_iri(source.url)))
    if source.published:
        pairs.append((DCTERMS + "issued", date_literal(source.published)))
    if source.approximate:
        pairs.append((GK + "dateApproximate", TRUE))
    if source.excerpt:
        pairs.append((EXCERPT, nt_literal(source.excerpt)))
    return pairs


def relationship_pairs(rel: RelationshipRecord) -> tuple[tuple[str, str, str], Pairs]:
    """The direct triple (subject, predicate, object IRIs) and the qualified ``gk:Relationship``."""
    subject, object_ = GKD + rel.subject, GKD + rel.object
    pairs = [
        _A_RELATIONSHIP,
        (_SUBJECT, f"<{subject}>"),
        (_PREDICATE, f"<{rel.predicate}>"),
        (_OBJECT, f"<{object_}>"),
    ]
    if rel.date:
        pairs.append((_DATE, date_literal(rel.date)))
    if rel.start:
        pairs.append((_START, date_literal(rel.start)))
    if rel.end:
        pairs.append((_END, date_literal(rel.end)))
    if rel.approximate:
        pairs.append((_APPROXIMATE, TRUE))
    if rel.description:
        pairs.append((DESCRIPTION, nt_literal(rel.description)))
    if rel.grounds:
        pairs.append((_GROUNDS, nt_literal(rel.grounds)))
    if rel.quote:  # several short quotes in one cell are separated by ';', as the export writes them
        pairs += [(_QUOTE, nt_literal(quote)) for quote in split_list(rel.quote)]
    if rel.according_to:
        pairs += [(_ACCORDING_TO, f"<{GKD}{document}>") for document in split_list(rel.according_to)]
    pairs += [(_DERIVED_FROM, f"<{SOURCE_PREFIX}{s}>") for s in rel.sources]
    if rel.extra:
        pairs += rel.extra
    return (subject, rel.predicate, object_), pairs


# A relationship's predicates, spelled out once (relationship_pairs runs on every row).
_A_RELATIONSHIP = (TYPE, f"<{GK}Relationship>")
_SUBJECT, _PREDICATE, _OBJECT = RDF + "subject", RDF + "predicate", RDF + "object"
_DATE, _START, _END = DCTERMS + "date", SCHEMA + "startDate", SCHEMA + "endDate"
_APPROXIMATE, _GROUNDS, _QUOTE = GK + "dateApproximate", GK + "grounds", GK + "quote"
_ACCORDING_TO, _DERIVED_FROM = GK + "accordingTo", PROV + "wasDerivedFrom"


def owned_by_entity(predicate: str, obj: str) -> bool:
    """Whether a triple of an entity belongs to its record (and is replaced on re-import).

    ``obj`` is in N-Triples.

    >>> owned_by_entity(LABEL, '"x"'), owned_by_entity(GK + "metWith", nt_iri(GKD + "y"))
    (True, False)
    """
    if predicate in ENTITY_PREDICATES:
        return True
    return predicate == SAME_AS and obj.startswith("<" + WIKIDATA)
