"""After a merge, relationships that now say the same thing become one.

When ``ACME Limited`` is merged into ``Acme Ltd`` and both were "based in
Exampleland", the kept entity would list that relationship twice. Two
relationships are the same when they have the same subject, relation, object
and dates (date, start, end, approximate) once the duplicate entity is
replaced by the kept one. The one that already belonged to the kept entity
stays (else the one with the smallest IRI); the others fold into it: their
sources, quotes, documents and grounds are added to it, anything pointing at
them points at it, and they are removed. Its description stays; a folded
relationship's different description is reported, since a relationship has
one description.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from graphkit.model.graph import KnowledgeGraph
from graphkit.store.sparql import in_graph
from graphkit.vocab import DCTERMS, GK, RDF, SCHEMA

DESCRIPTION = DCTERMS + "description"
#: What identifies a relationship besides its two ends and its relation.
DATE_KEYS = (DCTERMS + "date", SCHEMA + "startDate", SCHEMA + "endDate", GK + "dateApproximate")
#: What a folded relationship does not hand over to the one it folds into.
_KEPT_AS_IS = (RDF + "type", RDF + "subject", RDF + "predicate", RDF + "object", *DATE_KEYS, DESCRIPTION)

_AROUND = """
SELECT ?r ?s ?p ?o ?key ?value ?description WHERE {
  { ?r rdf:subject ?k } UNION { ?r rdf:subject ?d } UNION { ?r rdf:object ?k } UNION { ?r rdf:object ?d }
  ?r a gk:Relationship ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?r ?key ?value . VALUES ?key { #KEYS# } }
  OPTIONAL { ?r dcterms:description ?description }
}"""


@dataclass
class Fold:
    """The relationship ``folded`` merges into ``into``."""

    folded: str
    into: str
    dropped_description: str | None = None
    moved_description: str | None = None


@dataclass
class _Found:
    ends: tuple[str, str, str]
    involves_duplicate: bool
    dates: set[tuple[str, str]] = field(default_factory=set)
    description: str | None = None


def duplicate_relationships(kg: KnowledgeGraph, keep: str, duplicate: str) -> list[Fold]:
    """The relationships that become duplicates when ``duplicate`` is merged into ``keep``.

    >>> import graphkit
    >>> gkd = "https://w3id.org/graphkit/id/"
    >>> with graphkit.open() as kg:
    ...     folds = duplicate_relationships(kg, gkd + "google", gkd + "microsoft")
    >>> [(fold.folded, fold.into) for fold in folds]  # both are based in the United States
    [('https://w3id.org/graphkit/id/rel/microsoft-based-in-united-states', 'https://w3id.org/graphkit/id/rel/google-based-in-united-states')]
    """
    k, d = ox.NamedNode(keep), ox.NamedNode(duplicate)
    keys = " ".join(str(ox.NamedNode(key)) for key in DATE_KEYS)
    found: dict[str, _Found] = {}
    for row in kg.query(_AROUND.replace("#KEYS#", keys), {"k": k, "d": d}):
        r = row["r"]
        if not isinstance(r, ox.NamedNode):
            continue  # a blank node cannot be named in the update
        s, o = row["s"].value, row["o"].value
        entry = found.get(r.value)
        if entry is None:
            ends = (keep if s == duplicate else s, row["p"].value, keep if o == duplicate else o)
            entry = found[r.value] = _Found(ends, duplicate in (s, o))
        if row["key"] is not None:
            entry.dates.add((row["key"].value, str(row["value"])))
        if row["description"] is not None:
            entry.description = row["description"].value
    groups: dict[tuple, list[str]] = {}
    for iri, entry in found.items():
        groups.setdefault((entry.ends, frozenset(entry.dates)), []).append(iri)
    folds: list[Fold] = []
    for members in groups.values():
        if len(members) < 2 or not any(found[m].involves_duplicate for m in members):
            continue
        into = min(members, key=lambda m: (found[m].involves_duplicate, m))
        description = found[into].description
        for member in sorted(set(members) - {into}):
            fold = Fold(member, into)
            other = found[member].description
            if other is not None and other != description:
                if description is None:
                    fold.moved_description = description = other
                else:
                    fold.dropped_description = other
            folds.append(fold)
    return folds


def fold_update(folds: list[Fold], graph: ox.NamedNode | None = None) -> list[str]:
    """SPARQL update operations that fold each relationship into its survivor (in ``graph``).

    >>> ops = fold_update([Fold("http://x/r2", "http://x/r1")])
    >>> len(ops), ops[-1]
    (3, 'DELETE { <http://x/r2> ?p ?o } WHERE { <http://x/r2> ?p ?o }')
    """
    kept = " ".join(str(ox.NamedNode(p)) for p in _KEPT_AS_IS)
    operations = []
    for fold in folds:
        folded, into = ox.NamedNode(fold.folded), ox.NamedNode(fold.into)
        handed_over = f"FILTER(?p NOT IN ({kept.replace(' ', ', ')}))"
        if fold.moved_description is not None:
            handed_over = f"FILTER(?p NOT IN ({kept.replace(' ', ', ')}) || ?p = {ox.NamedNode(DESCRIPTION)})"
        operations += [
            f"INSERT {{ {into} ?p ?o }} WHERE {{ {folded} ?p ?o . {handed_over} }}",
            f"DELETE {{ ?s ?p {folded} }} INSERT {{ ?s ?p {into} }} WHERE {{ ?s ?p {folded} }}",
            f"DELETE {{ {folded} ?p ?o }} WHERE {{ {folded} ?p ?o }}",
        ]
    return [in_graph(operation, graph) for operation in operations]
