"""Property-based: any label or literal survives load → export (every RDF format) → load."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphkit
from graphkit.export.rdf import RDF_FORMATS, write_rdf
from graphkit.store.formats import format_by_name

XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
VALUE = ox.NamedNode("https://schema.org/value")

# Text a person could type: any character but surrogates and the C0 controls that
# XML 1.0 (and so RDF/XML) cannot carry; tabs and newlines stay in.
text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters=[chr(c) for c in range(32) if c not in (9, 10, 13)]
        + ["\x7f", "\ufffe", "\uffff"],
    ),
    min_size=1,
    max_size=40,
)
language = st.from_regex(r"\A[a-z]{2}(-[A-Z]{2})?\Z", fullmatch=True)
literal = st.one_of(
    text.map(ox.Literal),
    st.tuples(text, language).map(lambda t: ox.Literal(t[0], language=t[1])),
    st.integers(-(10**12), 10**12).map(lambda i: ox.Literal(str(i), datatype=ox.NamedNode(XSD + "integer"))),
    st.booleans().map(lambda b: ox.Literal(str(b).lower(), datatype=ox.NamedNode(XSD + "boolean"))),
)


def _triples(labels, values):
    out = []
    for i, label in enumerate(labels):
        entity = ox.NamedNode(f"https://w3id.org/graphkit/id/e{i}")
        out.append(ox.Triple(entity, RDFS_LABEL, ox.Literal(label)))
    for i, value in enumerate(values):
        out.append(ox.Triple(ox.NamedNode(f"https://w3id.org/graphkit/id/v{i}"), VALUE, value))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(labels=st.lists(text, min_size=1, max_size=5), values=st.lists(literal, max_size=5))
def test_round_trip_every_rdf_format(labels, values):
    triples = _triples(labels, values)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.nt"
        source.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        with graphkit.open(source) as kg:
            for fmt in RDF_FORMATS:
                buffer = io.BytesIO()
                write_rdf(kg, buffer, fmt)
                back = {
                    q.triple if isinstance(q, ox.Quad) else q
                    for q in ox.parse(buffer.getvalue(), format_by_name(fmt))
                }
                assert back == set(triples), fmt


cell = st.text(max_size=30)  # any text: quotes, commas, semicolons, newlines, control characters


@settings(max_examples=60, deadline=None)
@given(
    entity=st.lists(cell, min_size=7, max_size=7),
    relationship=st.lists(cell, min_size=13, max_size=13),
    source=st.lists(cell, min_size=8, max_size=8),
)
def test_random_csv_cells_never_crash_the_importer(entity, relationship, source):
    import csv

    from graphkit.errors import GraphkitError

    headers = {
        "entities.csv": "id,label,type,aliases,country,wikidata,description",
        "relationships.csv": "subject,relation,object,date,start,end,approximate,description,quote,source,according_to,grounds,id",
        "sources.csv": "id,title,publisher,url,published,approximate,type,excerpt",
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for (name, header), row in zip(headers.items(), (entity, relationship, source), strict=True):
            with (folder / name).open("w", newline="", encoding="utf-8", errors="surrogatepass") as fh:
                writer = csv.writer(fh)
                writer.writerow(header.split(","))
                writer.writerow(row)
        with graphkit.open() as kg:
            try:
                graphkit.import_csv(kg, [folder], dry_run=True)
            except GraphkitError as exc:  # a clear, located complaint is fine; anything else is a crash
                assert str(exc)
