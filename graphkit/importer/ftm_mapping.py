"""The FollowTheMoney mapping: ``data/ftm_mapping.toml`` read into lookups, and stable ids.

The FtM schema (schemata, properties, types, value cleaning) comes from the
``followthemoney`` library, an optional dependency (``pip install 'graphkit[ftm]'``);
this module only reads graphkit's side of the mapping.

>>> graphkit_id("acme-ltd"), graphkit_id("Q7747")[:12]
('acme-ltd', 'ftm-q7747-3d')
>>> ftm_id("acme-ltd")
'acme-ltd'
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from graphkit.errors import GraphkitError
from graphkit.importer.to_rdf import ID_PATTERN, suggest_id
from graphkit.model.schema import Schema
from graphkit.vocab import GK

MAPPING_FILE = "ftm_mapping.toml"
#: What FtM accepts as an entity id (its ``entity`` property type).
FTM_ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?$")
#: A graphkit class kept in an exported entity's ``keywords``.
CLASS_KEYWORD = "graphkit:"


def require_ftm() -> Any:
    """The ``followthemoney`` model, or a clear error saying how to install it."""
    try:
        from followthemoney import model
    except ImportError:
        raise GraphkitError(
            "FollowTheMoney support needs the followthemoney package: pip install 'graphkit[ftm]'"
        ) from None
    return model


def _digest(text: str, size: int) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:size]


def graphkit_id(ftm: str) -> str:
    """The graphkit id of an FtM entity id: the same when it is a valid graphkit id, else stable.

    FtM ids are case-sensitive and may hold characters that IRIs built from
    ids do not; those get a readable prefix and a digest of the whole id.
    """
    if ID_PATTERN.match(ftm) and len(ftm) <= 120:
        return ftm
    slug = suggest_id(ftm)[:40].strip("-._")
    return f"ftm-{slug + '-' if slug else ''}{_digest(ftm, 12)}"


def ftm_id(gk: str) -> str:
    """The FtM id of a graphkit id: the same when FtM accepts it, else stable."""
    if FTM_ID.match(gk):
        return gk
    return f"gk-{_digest(gk, 16)}"


def source_id(url: str, publisher: str) -> str:
    """The id of a source made from an FtM ``sourceUrl`` and ``publisher``: stable."""
    return "ftm-source-" + _digest(url + "\n" + publisher, 16)


@dataclass(frozen=True)
class IntervalRule:
    relation: str  # IRI
    subject: str  # FtM property
    object: str
    fallback: bool = False  # not listed: keep the FtM schema name


@dataclass
class Mapping:
    """The mapping table, with graphkit names turned into IRIs."""

    things: dict[str, str] = field(default_factory=dict)  # FtM schema -> class IRI
    export: dict[str, str] = field(default_factory=dict)  # class IRI -> FtM schema
    aliases: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    country_relation: str = ""
    intervals: dict[str, IntervalRule] = field(default_factory=dict)
    links: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # schema -> (property, relation)
    rel_descriptions: list[str] = field(default_factory=list)

    def thing_class(self, schema: Any) -> tuple[str, bool]:
        """The class IRI of an FtM thing schema, and whether it is a fallback to a parent."""
        for candidate in [schema, *_parents(schema)]:
            if candidate.name in self.things:
                return self.things[candidate.name], candidate is not schema
        return self.things["Thing"], True

    def interval_rule(self, schema: Any) -> IntervalRule:
        """How an FtM edge schema becomes a relationship."""
        for candidate in [schema, *_parents(schema)]:
            rule = self.intervals.get(candidate.name)
            if rule is not None and schema.get(rule.subject) and schema.get(rule.object):
                return (
                    rule
                    if candidate is schema
                    else IntervalRule(rule.relation, rule.subject, rule.object, True)
                )
        generic = self.intervals["UnknownLink"].relation
        return IntervalRule(generic, schema.edge_source, schema.edge_target, True)

    def export_schema(self, schema: Schema, class_iri: str | None) -> tuple[str, bool]:
        """The FtM schema of a graphkit class, and whether the class must go in ``keywords``."""
        for ancestor in schema.ancestors(class_iri) if class_iri else ():
            if ancestor in self.export:
                name = self.export[ancestor]
                return name, self.things.get(name) != class_iri
        return "LegalEntity", True


def _parents(schema: Any) -> list:
    """An FtM schema's ancestors, nearest first (breadth first over ``extends``)."""
    seen: list = []
    frontier = list(schema.extends)
    while frontier:
        current = frontier.pop(0)
        if current not in seen:
            seen.append(current)
            frontier.extend(current.extends)
    return seen


@cache
def load_mapping() -> Mapping:
    """Read ``data/ftm_mapping.toml`` once per process.

    >>> load_mapping().intervals["Membership"].relation.endswith("#memberOf")
    True
    """
    from graphkit.model.schema import load_schema
    from graphkit.vocab import data_dir

    schema = load_schema()
    with (data_dir() / MAPPING_FILE).open("rb") as fh:
        table = tomllib.load(fh)
    mapping = Mapping()
    mapping.things = {name: schema.find_class(cls) for name, cls in table["things"].items()}
    mapping.export = {schema.find_class(cls): name for cls, name in table["export"].items()}
    mapping.aliases = table["names"]["aliases"]
    mapping.descriptions = table["names"]["descriptions"]
    mapping.identifiers = table["identifiers"]["properties"]
    mapping.countries = table["countries"]["properties"]
    mapping.country_relation = schema.find_relation(table["countries"]["relation"])
    for name, rule in table["intervals"].items():
        mapping.intervals[name] = IntervalRule(
            schema.find_relation(rule["relation"]), rule["subject"], rule["object"]
        )
    for link in table.get("links", []):
        relation = schema.find_relation(link["relation"])
        mapping.links.setdefault(link["schema"], []).append((link["property"], relation))
    mapping.rel_descriptions = table["relationship"]["descriptions"]
    return mapping


def country_entity_id(code: str) -> tuple[str, str]:
    """The graphkit id and label of the Country entity for an FtM country code.

    >>> country_entity_id("nz")
    ('new-zealand', 'New Zealand')
    """
    from followthemoney.types import registry

    label = registry.country.caption(code) or code.upper()
    return suggest_id(label) or f"country-{code.lower()}", label


COUNTRY = GK + "Country"
