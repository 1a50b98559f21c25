"""How the view draws each entity class: family, colour, shape, filled or hollow, human name.

The styles are data (``data/view/styles.ttl``). Every class drawn in one map
gets its own (colour, shape, fill): a class without a style of its own takes
its nearest styled ancestor's family and the first free (shape, fill) of that
family, so that the legend can tell every class apart.

>>> from graphkit.model.schema import load_schema
>>> styles = assign_styles(load_schema(), ["Briefing", "OIARequest", "Company"])
>>> styles["Briefing"].family_label, styles["Briefing"].shape, styles["Briefing"].filled
('Document', 'square', True)
>>> styles["OIARequest"].label
'OIA request'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from graphkit.errors import GraphkitError
from graphkit.model.schema import Schema, local_name
from graphkit.vocab import data_dir

VIEW = "https://w3id.org/graphkit/view#"
STYLES_FILE = ("view", "styles.ttl")
#: shapes that draw their label below the node, in the order free slots are handed out
SHAPES = ("dot", "square", "diamond", "triangle", "triangleDown", "star", "hexagon")
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_FALLBACK_FAMILY = "other"


@dataclass(frozen=True)
class Family:
    key: str
    label: str
    color: str
    order: int


@dataclass(frozen=True)
class ClassStyle:
    """How one class is drawn."""

    type: str  # the class's local name, e.g. "GovernmentDepartment"
    label: str  # its human name, e.g. "Government department"
    family: str
    family_label: str
    color: str
    shape: str
    filled: bool

    @property
    def key(self) -> tuple[str, str, bool]:
        return (self.color, self.shape, self.filled)


@dataclass(frozen=True)
class StyleTable:
    families: dict[str, Family]
    classes: dict[str, tuple[str, str, bool]]  # class IRI -> (family key, shape, filled)


_QUERY = """
PREFIX gkv: <https://w3id.org/graphkit/view#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?label ?color ?order ?family ?shape ?filled WHERE {
  { ?s a gkv:Family ; rdfs:label ?label ; gkv:color ?color ; gkv:order ?order }
  UNION
  { ?s gkv:family ?family ; gkv:shape ?shape ; gkv:filled ?filled }
}"""


@cache
def style_table() -> StyleTable:
    """The bundled styles, read once per process."""
    store = ox.Store()
    store.load(path=str(data_dir().joinpath(*STYLES_FILE)), format=ox.RdfFormat.TURTLE)
    families: dict[str, Family] = {}
    classes: dict[str, tuple[str, str, bool]] = {}
    for row in store.query(_QUERY):
        subject = row["s"].value
        if row["family"] is None:
            color = row["color"].value
            if not _HEX.fullmatch(color):
                raise GraphkitError(f"{'/'.join(STYLES_FILE)}: {subject}: colour {color!r} is not #rrggbb")
            key = local_name(subject)
            families[key] = Family(key, row["label"].value, color.lower(), int(row["order"].value))
        else:
            shape = row["shape"].value
            if shape not in SHAPES:
                where = "/".join(STYLES_FILE)
                raise GraphkitError(f"{where}: {subject}: shape {shape!r} is not one of {', '.join(SHAPES)}")
            classes[subject] = (local_name(row["family"].value), shape, row["filled"].value == "true")
    return StyleTable(families, classes)


def human_label(schema: Schema, iri: str | None, name: str) -> str:
    """The class's rdfs:label with a capital first letter ("OIA request", "Government department").

    >>> from graphkit.model.schema import load_schema
    >>> human_label(load_schema(), "https://w3id.org/graphkit/ontology#GovernmentDepartment", "x")
    'Government department'
    """
    info = schema.classes.get(iri) if iri else None
    text = info.label if info and info.label != info.name else re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return text[:1].upper() + text[1:] if text else "Unknown"


def _own_style(schema: Schema, table: StyleTable, iri: str | None) -> tuple[str, str | None, bool | None]:
    """(family, shape, filled) of the class, or its nearest styled ancestor's family with no shape."""
    if iri in table.classes:
        return table.classes[iri]
    for ancestor in schema.ancestors(iri)[1:] if iri else ():
        if ancestor in table.classes:
            return table.classes[ancestor][0], None, None
    return _FALLBACK_FAMILY, None, None


def assign_styles(schema: Schema, type_names: list[str], type_iris: dict[str, str] | None = None) -> dict:
    """``{type name: ClassStyle}`` for the classes of one map; every (colour, shape, fill) distinct."""
    table = style_table()
    type_iris = dict(type_iris or {})
    wanted: dict[str, tuple[str, str | None, bool | None, str | None]] = {}
    for name in sorted(set(type_names)):
        iri = type_iris.get(name)
        if iri is None:
            try:
                iri = schema.find_class(name)
            except GraphkitError:
                iri = None
        family, shape, filled = _own_style(schema, table, iri)
        wanted[name] = (family if family in table.families else _FALLBACK_FAMILY, shape, filled, iri)
    used: set[tuple[str, str, bool]] = set()
    chosen: dict[str, tuple[str, str, bool]] = {}
    # classes with a style of their own first, so that they keep it
    for name, (family, shape, filled, _iri) in sorted(wanted.items(), key=lambda x: (x[1][1] is None, x[0])):
        color = table.families[family].color
        slot = (color, shape, bool(filled)) if shape is not None else None
        if slot is None or slot in used:
            free = [(color, s, f) for f in (True, False) for s in SHAPES if (color, s, f) not in used]
            # a family with every slot used falls back to the neutral family (never a duplicate)
            slot = free[0] if free else _neutral_slot(table, used)
        used.add(slot)
        chosen[name] = slot
    return {
        name: ClassStyle(
            type=name,
            label=human_label(schema, iri, name),
            family=family,
            family_label=table.families[family].label,
            color=chosen[name][0],
            shape=chosen[name][1],
            filled=chosen[name][2],
        )
        for name, (family, _shape, _filled, iri) in wanted.items()
    }


def _neutral_slot(table: StyleTable, used: set) -> tuple[str, str, bool]:
    """A free (colour, shape, fill) among all families' colours (maps with over 14 classes in a family)."""
    for family in sorted(table.families.values(), key=lambda f: f.order):
        for filled in (True, False):
            for shape in SHAPES:
                if (family.color, shape, filled) not in used:
                    return family.color, shape, filled
    raise GraphkitError("too many entity classes in one map to give each its own colour and shape")


def family_order(style: ClassStyle) -> tuple[int, str]:
    """Sort key for the legend: by family order, then class name."""
    family = style_table().families.get(style.family)
    return (family.order if family else 99, style.label.lower())
