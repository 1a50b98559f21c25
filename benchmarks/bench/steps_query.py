"""The SPARQL steps: three representative queries, against pyoxigraph and rdflib."""

from __future__ import annotations

from graphkit.vocab import PREFIXES

from .model import Row
from .timing import best, race, timed

PREFIX_TEXT = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

#: The three representative queries, with their prefixes written out so that
#: graphkit, raw pyoxigraph and rdflib all receive the same text.
QUERIES = {
    # Two triple patterns joined on ?s: every statement with its subject's label.
    "join": """SELECT ?rel ?label WHERE {
  ?rel rdf:subject ?s .
  ?s rdfs:label ?label .
}""",
    # Aggregate: how many qualified relationships each entity is the subject of.
    "aggregate": """SELECT ?s (COUNT(?rel) AS ?n) WHERE {
  ?rel rdf:subject ?s .
} GROUP BY ?s ORDER BY DESC(?n) ?s""",
    # Path-shaped OPTIONALs: company -> its alias, and company <- statement -> source -> publisher.
    "optional": """SELECT ?e ?label ?alias ?publisher WHERE {
  ?e a gk:Company ; rdfs:label ?label .
  OPTIONAL { ?e skos:altLabel ?alias }
  OPTIONAL { ?rel rdf:subject ?e ; prov:wasDerivedFrom ?src . ?src dcterms:publisher ?publisher }
}""",
}
QUERIES = {name: PREFIX_TEXT + text for name, text in QUERIES.items()}


class QuerySteps:
    """``sparql``, mixed into ``Bench``."""

    def sparql(self) -> None:
        kg = self.ensure_kg()
        store = kg.backend.store  # the very same engine object graphkit queries
        if self.rdflib_ok and self.rdf is None:
            import rdflib

            self.rdf = rdflib.Graph().parse(str(self.file), format="nt")
        for name, query in QUERIES.items():
            counts: dict[str, int] = {}

            def gk(query=query, counts=counts) -> float:
                seconds, rows = timed(lambda: kg.select(query))
                counts["graphkit"] = len(rows)
                return seconds

            def raw(query=query, counts=counts) -> float:
                def run():
                    n = 0
                    for row in store.query(query):
                        for term in row:
                            if term is not None:
                                term.value  # noqa: B018 - reading the value is the point
                        n += 1
                    return n

                seconds, counts["pyoxigraph"] = timed(run)
                return seconds

            def rdf(query=query, counts=counts) -> float:
                def run():
                    n = 0
                    for row in self.rdf.query(query):
                        for term in row:
                            if term is not None:
                                str(term)
                        n += 1
                    return n

                seconds, counts["rdflib"] = timed(run)
                return seconds

            contenders = [("graphkit", gk), ("pyoxigraph", raw)]
            if self.rdflib_ok:
                contenders.append(("rdflib", rdf))
            times = race(contenders, self.repeat, self.budget)
            step = f"sparql_{name}"
            info = {"rows": counts}
            if len(set(counts.values())) > 1:
                info["warning"] = "row counts differ"
            self.add(
                Row(
                    step,
                    "pyoxigraph",
                    best(times["graphkit"]),
                    best(times["pyoxigraph"]),
                    runs=times,
                    info=info,
                )
            )
            if self.rdflib_ok:
                self.add(
                    Row(step, "rdflib", best(times["graphkit"]), best(times["rdflib"]), runs=times, info=info)
                )
            else:
                self.add(
                    Row(
                        step,
                        "rdflib",
                        best(times["graphkit"]),
                        note=self.rdflib_skipped("to parse, before querying"),
                    )
                )
                self.rows[-1].status = "skipped"
