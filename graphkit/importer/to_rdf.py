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

import re
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graphkit.vocab import DCTERMS, GK, GKD, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

if TYPE_CHECKING:
    from graphkit.importer.checks import EntityRecord, RelationshipRecord, SourceRecord

#: Ids must be usable in an IRI as they are.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

SOURCE_PREFIX = GKD + "source/"
REL_PREFIX = GKD + "rel/"
WIKIDATA = "http://www.wikidata.org/entity/"

#: Where a source's excerpt goes. gk:quote is declared for relationships; see
#: the README ("Importing CSV") and the report on widening its domain.
EXCERPT = GK + "quote"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


TYPE = _n(RDF + "type")
LABEL = _n(RDFS + "label")
ALT_LABEL = _n(SKOS + "altLabel")
DESCRIPTION = _n(DCTERMS + "description")
SAME_AS = _n(OWL + "sameAs")

#: The predicates an entity row describes. Re-importing a row replaces these
#: (and owl:sameAs links to Wikidata) and leaves the entity's relationships,
#: which belong to relationship rows, alone.
ENTITY_PREDICATES = (TYPE, LABEL, ALT_LABEL, DESCRIPTION)


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


def date_literal(text: str) -> ox.Literal:
    """A fuzzy date with the XSD datatype that fits its precision.

    >>> date_literal("2024").datatype.value.rsplit("#")[-1], date_literal("2024-10-01").datatype.value[-4:]
    ('gYear', 'date')
    """
    kind = {4: "gYear", 7: "gYearMonth"}.get(len(text), "date")
    return ox.Literal(text, datatype=_n(XSD + kind))


_TRUE = ox.Literal("true", datatype=_n(XSD + "boolean"))


def _quad(s: str | ox.NamedNode, p: str | ox.NamedNode, o) -> ox.Quad:
    s = _n(s) if isinstance(s, str) else s
    p = _n(p) if isinstance(p, str) else p
    return ox.Quad(s, p, o, ox.DefaultGraph())


def entity_quads(entity: EntityRecord) -> list[ox.Quad]:
    """The triples of one entity row."""
    node = _n(entity_iri(entity.id))
    quads = [
        _quad(node, TYPE, _n(entity.type)),
        _quad(node, LABEL, ox.Literal(entity.label)),
    ]
    quads += [_quad(node, ALT_LABEL, ox.Literal(alias)) for alias in entity.aliases]
    if entity.description:
        quads.append(_quad(node, DESCRIPTION, ox.Literal(entity.description)))
    if entity.wikidata:
        quads.append(_quad(node, SAME_AS, _n(entity.wikidata)))
    return quads


def source_quads(source: SourceRecord) -> list[ox.Quad]:
    """The triples of one source row."""
    node = _n(source_iri(source.id))
    quads = [
        _quad(node, TYPE, _n(source.type)),
        _quad(node, DCTERMS + "title", ox.Literal(source.title)),
        _quad(node, DCTERMS + "publisher", ox.Literal(source.publisher)),
        _quad(node, SCHEMA + "url", _n(source.url)),
        _quad(node, DCTERMS + "issued", date_literal(source.published)),
    ]
    if source.approximate:
        quads.append(_quad(node, GK + "dateApproximate", _TRUE))
    if source.excerpt:
        quads.append(_quad(node, EXCERPT, ox.Literal(source.excerpt)))
    return quads


def relationship_quads(rel: RelationshipRecord) -> list[ox.Quad]:
    """The direct triple and the qualified ``gk:Relationship`` of one row."""
    subject, predicate, object_ = _n(entity_iri(rel.subject)), _n(rel.predicate), _n(entity_iri(rel.object))
    node = _n(relationship_iri(rel.id))
    quads = [
        _quad(subject, predicate, object_),
        _quad(node, TYPE, _n(GK + "Relationship")),
        _quad(node, RDF + "subject", subject),
        _quad(node, RDF + "predicate", predicate),
        _quad(node, RDF + "object", object_),
    ]
    for column, prop in (
        ("date", DCTERMS + "date"),
        ("start", SCHEMA + "startDate"),
        ("end", SCHEMA + "endDate"),
    ):
        value = getattr(rel, column)
        if value:
            quads.append(_quad(node, prop, date_literal(value)))
    if rel.approximate:
        quads.append(_quad(node, GK + "dateApproximate", _TRUE))
    for column, prop in (
        ("description", DCTERMS + "description"),
        ("quote", GK + "quote"),
        ("grounds", GK + "grounds"),
    ):
        value = getattr(rel, column)
        if value:
            quads.append(_quad(node, prop, ox.Literal(value)))
    if rel.according_to:
        quads.append(_quad(node, GK + "accordingTo", _n(entity_iri(rel.according_to))))
    quads += [_quad(node, PROV + "wasDerivedFrom", _n(source_iri(s))) for s in rel.sources]
    return quads


def owned_by_entity(predicate: ox.NamedNode, obj) -> bool:
    """Whether a triple of an entity belongs to its row (and is replaced on re-import).

    >>> owned_by_entity(LABEL, ox.Literal("x")), owned_by_entity(_n(GK + "metWith"), _n(GKD + "y"))
    (True, False)
    """
    if predicate in ENTITY_PREDICATES:
        return True
    return predicate == SAME_AS and isinstance(obj, ox.NamedNode) and obj.value.startswith(WIKIDATA)
