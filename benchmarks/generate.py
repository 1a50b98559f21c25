"""Synthetic graphkit data for the benchmarks: seeded, sized, heavy-tailed.

The output has the shape of the bundled dataset (see ``data/*.ttl``):

* entities typed with a graphkit class, each with ``rdfs:label``,
  ``dcterms:description`` and, for two in five, a ``skos:altLabel``;
* for every relationship, the direct triple ``S P O`` *and* a qualified
  ``gk:Relationship`` with ``rdf:subject`` / ``rdf:predicate`` / ``rdf:object``,
  ``dcterms:date`` (``xsd:gYear``, ``xsd:gYearMonth`` or ``xsd:date``),
  ``dcterms:description`` and ``prov:wasDerivedFrom`` (one in ten has two);
* sources typed ``gk:NewsReport`` with ``dcterms:title``, ``dcterms:publisher``,
  ``schema:url`` and ``dcterms:issued``; each reports one to six relationships.

Classes and relation types are read from ``data/ontology.ttl`` through
:func:`graphkit.model.schema.load_schema`; a relationship only uses a relation
whose ``rdfs:domain`` and ``rdfs:range`` fit the types of its two ends. The
endpoints are picked by a copy model (preferential attachment), so degrees
are heavy-tailed: a few hubs, a long tail of entities seen once or twice.

    python benchmarks/generate.py --entities 3000 --seed 1 -o /tmp/g.nt
    python benchmarks/generate.py --triples 1000000 -o /tmp/g.nt
    python benchmarks/generate.py --triples 10000 --format ttl -o /tmp/g.ttl

Lines are written directly (no RDF library), so a million triples take a
few seconds.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from graphkit.model.schema import ENTITY, Schema, load_schema, local_name
from graphkit.vocab import DCTERMS, GK, GKD, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

#: Relationships per entity (mean degree is twice this).
RELS_PER_ENTITY = 3.0
#: Probability that an endpoint is drawn uniformly rather than by degree.
UNIFORM_PICK = 0.25
#: Share of relationships citing a second source.
SECOND_SOURCE = 0.1
#: Share of entities with an alias.
ALIAS_SHARE = 0.4
#: Expected triples per entity, for ``--triples``: type, label, description,
#: aliases; 8 per relationship (direct triple + 7 qualified) plus second sources;
#: 5 per source (3.5 relationships each).
TRIPLES_PER_ENTITY = 3 + ALIAS_SHARE + RELS_PER_ENTITY * (8 + SECOND_SOURCE + 5 / 3.5)

#: Relative frequency of each class (by local name); leaf classes not listed get 1,
#: abstract classes (those with subclasses) 0.
CLASS_WEIGHTS = {
    "Company": 24,
    "Person": 10,
    "Minister": 8,
    "GovernmentAgency": 10,
    "GovernmentDepartment": 8,
    "Government": 3,
    "Post": 3,
    "Country": 3,
    "Meeting": 4,
    "Visit": 2,
    "Summit": 2,
    "Announcement": 2,
    "Briefing": 4,
    "Document": 3,
    "MOU": 2,
    "Initiative": 2,
    "TechnologySystem": 3,
}

_SYLLABLES = [
    *("al", "ba", "cor", "da", "el", "fen", "gra", "hal", "in", "jor", "ka", "lum", "mer", "nov", "or"),
    *(
        "pax",
        "quin",
        "ron",
        "sol",
        "tek",
        "ul",
        "vex",
        "wen",
        "xan",
        "yor",
        "zen",
        "ark",
        "bel",
        "cyn",
        "dex",
    ),
]
_SUFFIX = {
    "Company": ("Systems", "Technologies", "Labs", "Cloud", "Networks", "Data", "Security", "AI"),
    "GovernmentAgency": ("Agency", "Bureau", "Authority", "Service", "Commission"),
    "GovernmentDepartment": ("Department", "Ministry", "Office"),
    "Government": ("Government", "Administration"),
    "Country": ("ia", "land", "stan", "ovia"),
}
_FIRST = [
    *("Ana", "Ben", "Chloe", "Dev", "Ema", "Finn", "Grace", "Hemi", "Ines", "Jack"),
    *("Kiri", "Liam", "Mere", "Noah", "Olga", "Priya", "Rangi", "Sam", "Tui", "Wei"),
]
_PUBLISHERS = (
    "RNZ (Radio New Zealand)",
    "The Guardian",
    "Stuff",
    "Reuters",
    "Associated Press",
    "Nikkei Asia",
    "The Intercept",
    "Politico",
    "ABC News",
    "Le Monde",
)
_TOPICS = (
    "cloud contracts",
    "cyber security",
    "surveillance technology",
    "data centres",
    "facial recognition",
    "lobbying",
    "procurement",
    "military AI",
    "critical infrastructure",
    "digital identity",
)


@dataclass
class Plan:
    """What a given size produces (counts are exact for the seed)."""

    entities: int
    relationships: int = 0
    sources: int = 0
    triples: int = 0


def entities_for(triples: int, shape: str = "news") -> int:
    """Entity count that gives about ``triples`` triples.

    >>> 30_000 < entities_for(1_000_000) < 32_000
    True
    >>> 70_000 < entities_for(1_000_000, "flat") < 80_000
    True
    """
    return max(10, round(triples / SHAPES[shape][1]))


def _class_table(schema: Schema) -> tuple[list[str], list[int]]:
    entity_classes = schema.entity_classes
    parents = {p for c in entity_classes for p in schema.classes[c].parents}
    classes, weights = [], []
    for iri in entity_classes:
        name = local_name(iri)
        weight = CLASS_WEIGHTS.get(name, 0 if iri in parents or iri == ENTITY else 1)
        if weight:
            classes.append(iri)
            weights.append(weight)
    return classes, weights


def _fitting_relations(schema: Schema, classes: list[str]) -> dict[tuple[str, str], list[str]]:
    """For each (subject class, object class), the relation types whose domain and range fit."""

    def fits(cls: str, allowed: tuple[str, ...]) -> bool:
        return not allowed or any(a in schema.ancestors(cls) for a in allowed)

    relations = sorted(schema.relations.values(), key=lambda r: r.iri)
    table = {}
    for cs in classes:
        for co in classes:
            table[cs, co] = [r.iri for r in relations if fits(cs, r.domain) and fits(co, r.range)]
    return table


def _name(rng: random.Random, cls_name: str) -> str:
    stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    if cls_name in ("Person", "Minister"):
        return f"{rng.choice(_FIRST)} {stem}"
    if cls_name == "Country":
        return stem + rng.choice(_SUFFIX["Country"])
    suffixes = _SUFFIX.get(cls_name)
    if suffixes:
        return f"{stem} {rng.choice(suffixes)}"
    return f"{stem} {cls_name.lower()}"


def _slug(text: str) -> str:
    return "-".join("".join(c for c in word if c.isalnum()) for word in text.lower().split()[:2])


def _date(rng: random.Random) -> tuple[str, str]:
    year = rng.randint(2012, 2025)
    kind = rng.random()
    if kind < 0.3:
        return str(year), XSD + "gYear"
    month = rng.randint(1, 12)
    if kind < 0.7:
        return f"{year}-{month:02d}", XSD + "gYearMonth"
    return f"{year}-{month:02d}-{rng.randint(1, 28):02d}", XSD + "date"


class _Writer:
    """Writes statements as N-Triples lines, or as Turtle grouped by subject."""

    PREFIXES: ClassVar[dict[str, str]] = {
        "gk": GK,
        "gkd": GKD,
        "rel": GKD + "rel/",
        "source": GKD + "source/",
        "rdf": RDF,
        "rdfs": RDFS,
        "xsd": XSD,
        "skos": SKOS,
        "dcterms": DCTERMS,
        "prov": PROV,
        "schema": SCHEMA,
    }

    def __init__(self, out, fmt: str):
        self.out = out
        self.turtle = fmt == "ttl"
        self.buffer: list[str] = []
        self.count = 0
        if self.turtle:
            for prefix, ns in self.PREFIXES.items():
                out.write(f"@prefix {prefix}: <{ns}> .\n")
            out.write("\n")

    def term(self, iri: str) -> str:
        """An IRI as written: ``<...>`` in N-Triples, a prefixed name in Turtle where possible."""
        if self.turtle:
            best = ""
            for prefix, ns in self.PREFIXES.items():
                if iri.startswith(ns) and len(ns) > len(best):
                    best, name = ns, prefix
            if best:
                local = iri[len(best) :]
                if local and "/" not in local and "." not in local:
                    return f"{name}:{local}"
        return f"<{iri}>"

    def subject(self, s: str, pairs: list[tuple[str, str]]) -> None:
        """One subject with (predicate, object) pairs, both already written as terms."""
        self.count += len(pairs)
        if self.turtle:
            body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
            self.buffer.append(f"{s} {body} .\n")
        else:
            self.buffer.extend(f"{s} {p} {o} .\n" for p, o in pairs)
        if len(self.buffer) > 50_000:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.buffer))
        self.buffer.clear()


def generate(out, *, entities: int, seed: int = 1, fmt: str = "nt", schema: Schema | None = None) -> Plan:
    """Write the synthetic graph to the text stream ``out``; return what was written."""
    schema = schema or load_schema()
    rng = random.Random(seed)
    w = _Writer(out, fmt)
    t = w.term
    a, label_p, alt_p, desc_p = (
        t(RDF + "type"),
        t(RDFS + "label"),
        t(SKOS + "altLabel"),
        t(DCTERMS + "description"),
    )
    subj_p, pred_p, obj_p = t(RDF + "subject"), t(RDF + "predicate"), t(RDF + "object")
    date_p, derived_p = t(DCTERMS + "date"), t(PROV + "wasDerivedFrom")
    title_p, pub_p, url_p, issued_p = (
        t(DCTERMS + "title"),
        t(DCTERMS + "publisher"),
        t(SCHEMA + "url"),
        t(DCTERMS + "issued"),
    )
    rel_class, report_class = t(GK + "Relationship"), t(GK + "NewsReport")

    def lit(text: str, datatype: str | None = None) -> str:
        # Generated text holds no quotes, backslashes or newlines: nothing to escape.
        if datatype is None:
            return f'"{text}"'
        return f'"{text}"^^{t(datatype)}'

    # -- entities ----------------------------------------------------------
    classes, weights = _class_table(schema)
    fitting = _fitting_relations(schema, classes)
    entity_class = rng.choices(classes, weights, k=entities)
    labels: list[str] = []
    terms: list[str] = []
    for i, cls in enumerate(entity_class):
        cls_name = local_name(cls)
        label = _name(rng, cls_name)
        labels.append(label)
        term = t(f"{GKD}e{i}")
        terms.append(term)
        pairs = [(a, t(cls)), (label_p, lit(label))]
        if rng.random() < ALIAS_SHARE:
            pairs.append((alt_p, lit("".join(word[0] for word in label.split()).upper() + str(i))))
        topic = rng.choice(_TOPICS)
        pairs.append((desc_p, lit(f"A {cls_name} that appears in reporting on {topic}.")))
        w.subject(term, pairs)

    # -- relationships and their sources ------------------------------------
    target = round(entities * RELS_PER_ENTITY)
    ends: list[int] = []  # every endpoint so far: picking from it is picking by degree
    seen: set[tuple[int, str, int]] = set()
    plan = Plan(entities=entities)
    source_left = 0
    source_term = ""
    source_terms: list[str] = []
    rel_labels = {iri: info.label for iri, info in schema.relations.items()}
    rel_terms = {iri: t(iri) for iri in schema.relations}
    attempts = 0
    while plan.relationships < target and attempts < target * 20:
        attempts += 1
        s = rng.randrange(entities) if not ends or rng.random() < UNIFORM_PICK else rng.choice(ends)
        o = rng.randrange(entities) if not ends or rng.random() < UNIFORM_PICK else rng.choice(ends)
        if s == o:
            continue
        p = rng.choice(fitting[entity_class[s], entity_class[o]])
        if (s, p, o) in seen:
            continue
        seen.add((s, p, o))
        ends += (s, o)
        n = plan.relationships
        plan.relationships += 1

        if source_left == 0:
            source_left = rng.randint(1, 6)
            k = len(source_terms)
            source_term = t(f"{GKD}source/s{k}")
            source_terms.append(source_term)
            issued, issued_type = _date(rng)
            publisher = rng.choice(_PUBLISHERS)
            w.subject(
                source_term,
                [
                    (a, report_class),
                    (title_p, lit(f"{labels[s]} and {labels[o]}: report {k} on {rng.choice(_TOPICS)}")),
                    (pub_p, lit(publisher)),
                    (url_p, f"<https://news.example/{_slug(publisher)}/{k}>"),
                    (issued_p, lit(issued, issued_type)),
                ],
            )
        source_left -= 1

        w.subject(terms[s], [(rel_terms[p], terms[o])])
        date, date_type = _date(rng)
        rel = t(f"{GKD}rel/r{n}")
        pairs = [
            (a, rel_class),
            (subj_p, terms[s]),
            (pred_p, rel_terms[p]),
            (obj_p, terms[o]),
            (date_p, lit(date, date_type)),
            (desc_p, lit(f"{labels[s]} {rel_labels[p]} {labels[o]}, the report says.")),
            (derived_p, source_term),
        ]
        if len(source_terms) > 1 and rng.random() < SECOND_SOURCE:
            other = rng.choice(source_terms[:-1])
            pairs.append((derived_p, other))
        w.subject(rel, pairs)
    w.flush()
    plan.sources = len(source_terms)
    plan.triples = w.count
    return plan


#: The "flat" shape (issue 15): 8 classes, 1-2 relationships per entity, one
#: source each drawn from a pool of a quarter of the entity count, and one hub
#: that is the object of ``HUB_SHARE`` of all relationships.
FLAT_CLASSES = (
    "Company",
    "Person",
    "Minister",
    "GovernmentAgency",
    "GovernmentDepartment",
    "Country",
    "Meeting",
    "Document",
)
HUB_SHARE = 0.3
#: Triples per entity in the flat shape: type and label; 4/3 relationships of 8
#: triples; a quarter of a source of 3.
FLAT_TRIPLES_PER_ENTITY = 2 + 8 * 4 / 3 + 3 / 4


def generate_flat(
    out, *, entities: int, seed: int = 1, fmt: str = "nt", schema: Schema | None = None
) -> Plan:
    """Write the flat shape: many entities, few relationships each, shared sources, one big hub.

    Entity ``e0`` is the hub. Every relationship has a ``gYear`` date, a short
    description and exactly one source.
    """
    schema = schema or load_schema()
    rng = random.Random(seed)
    w = _Writer(out, fmt)
    t = w.term
    a, label_p, desc_p = t(RDF + "type"), t(RDFS + "label"), t(DCTERMS + "description")
    subj_p, pred_p, obj_p = t(RDF + "subject"), t(RDF + "predicate"), t(RDF + "object")
    date_p, derived_p = t(DCTERMS + "date"), t(PROV + "wasDerivedFrom")
    title_p, pub_p = t(DCTERMS + "title"), t(DCTERMS + "publisher")
    rel_class, report_class = t(GK + "Relationship"), t(GK + "NewsReport")
    by_name = {local_name(c): c for c in schema.entity_classes}
    classes = [by_name[n] for n in FLAT_CLASSES]
    fitting = _fitting_relations(schema, classes)
    entity_class = [classes[i % len(classes)] for i in range(entities)]
    entity_class[0] = by_name["Company"]
    terms = [t(f"{GKD}e{i}") for i in range(entities)]
    labels = []
    for i, cls in enumerate(entity_class):
        labels.append(_name(rng, local_name(cls)) + f" {i}")
        w.subject(terms[i], [(a, t(cls)), (label_p, f'"{labels[i]}"')])
    sources = max(1, entities // 4)
    source_terms = [t(f"{GKD}source/s{k}") for k in range(sources)]
    for k, term in enumerate(source_terms):
        publisher = rng.choice(_PUBLISHERS)
        w.subject(
            term,
            [
                (a, report_class),
                (title_p, f'"Report {k} on {rng.choice(_TOPICS)}"'),
                (pub_p, f'"{publisher}"'),
            ],
        )
    rel_labels = {iri: info.label for iri, info in schema.relations.items()}
    plan = Plan(entities=entities, sources=sources)
    seen: set[tuple[int, str, int]] = set()
    for s in range(1, entities):
        for _ in range(rng.choice((1, 1, 2))):
            o = 0 if rng.random() < HUB_SHARE else rng.randrange(entities)
            choices = fitting[entity_class[s], entity_class[o]]
            if o == s or not choices:
                continue
            p = rng.choice(choices)
            if (s, p, o) in seen:
                continue
            seen.add((s, p, o))
            n = plan.relationships
            plan.relationships += 1
            w.subject(terms[s], [(t(p), terms[o])])
            w.subject(
                t(f"{GKD}rel/r{n}"),
                [
                    (a, rel_class),
                    (subj_p, terms[s]),
                    (pred_p, t(p)),
                    (obj_p, terms[o]),
                    (date_p, f'"{rng.randint(2012, 2025)}"^^{t(XSD + "gYear")}'),
                    (desc_p, f'"{labels[s]} {rel_labels[p]} {labels[o]}."'),
                    (derived_p, rng.choice(source_terms)),
                ],
            )
    w.flush()
    plan.triples = w.count
    return plan


SHAPES = {"news": (generate, TRIPLES_PER_ENTITY), "flat": (generate_flat, FLAT_TRIPLES_PER_ENTITY)}


def write(path: Path, *, entities: int, seed: int = 1, fmt: str = "nt", shape: str = "news") -> Plan:
    """Generate into ``path`` (written beside it, then renamed, so a crash leaves no half file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        plan = SHAPES[shape][0](out, entities=entities, seed=seed, fmt=fmt)
    tmp.replace(path)
    return plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--entities", type=int, help="number of entities")
    size.add_argument("--triples", type=int, help="pick the entity count to reach about this many triples")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--shape",
        choices=sorted(SHAPES),
        default="news",
        help="news: heavy-tailed, like the bundled data; flat: 1-2 relationships per entity, one big hub",
    )
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument(
        "--format", choices=("nt", "ttl"), default=None, help="default: from the extension, else nt"
    )
    args = parser.parse_args(argv)
    fmt = args.format or ("ttl" if args.output.suffix == ".ttl" else "nt")
    entities = args.entities if args.entities is not None else entities_for(args.triples, args.shape)
    start = time.perf_counter()
    plan = write(args.output, entities=entities, seed=args.seed, fmt=fmt, shape=args.shape)
    print(
        f"{args.output}: {plan.triples:,} triples ({plan.entities:,} entities, "
        f"{plan.relationships:,} relationships, {plan.sources:,} sources) "
        f"in {time.perf_counter() - start:.1f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
