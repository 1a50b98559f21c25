"""FollowTheMoney export: validated by the followthemoney library; the round trip, pinned."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from csv_helpers import run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphkit
from graphkit.importer.apply import import_ftm

pytest.importorskip("followthemoney")
from followthemoney import model

DATA = "https://w3id.org/graphkit/id/"
#: What the round trip loses, exactly: FtM has no place for these.
LOST_PREDICATES = {
    "https://w3id.org/graphkit/ontology#accordingTo",
    "https://w3id.org/graphkit/ontology#quote",
    "https://w3id.org/graphkit/ontology#grounds",
    "https://w3id.org/graphkit/ontology#dateApproximate",
}
STATISTICS = DATA + "stat/"


def export(cli, store, path: Path, *extra) -> list[dict]:
    result = run(cli, "export", "-F", "ftm", "-o", path, *(("--store", store) if store else ()), *extra)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def data_triples(store) -> set[tuple[str, str, str]]:
    with graphkit.open(store) as kg:
        return {
            (t.subject.value, t.predicate.value, str(t.object))
            for t in kg.backend.triples()
            if t.subject.value.startswith(DATA)
        }


def test_bundled_export_is_valid_ftm_line_by_line(cli, tmp_path):
    entities = export(cli, None, tmp_path / "out.ftm.jsonl")
    with graphkit.open() as kg:
        graph = graphkit.project(kg)
    relationships = graph.number_of_edges()
    assert len(entities) == 1 + graph.number_of_nodes() + relationships  # the source, entities, relationships
    for data in entities:
        proxy = model.get_proxy(data, cleaned=False)
        assert proxy.to_dict() | {"schema": proxy.schema.name} == data | {"schema": data["schema"]}
        for name, values in data["properties"].items():
            prop = proxy.schema.get(name)
            assert prop is not None, (data["id"], name)
            assert [prop.type.clean(v) for v in values] == values, (data["id"], name)
    by_schema = {}
    for data in entities:
        by_schema[data["schema"]] = by_schema.get(data["schema"], 0) + 1
    assert by_schema["UnknownLink"] == relationships and by_schema["PublicBody"] >= 5
    met = next(e for e in entities if e["id"] == "collins-met-aws")
    assert met["properties"]["role"] == ["met with"] and met["properties"]["date"] == ["2024-10"]
    assert met["properties"]["publisher"] == ["RNZ (Radio New Zealand)"]
    assert met["properties"]["proof"] == ["source-rnz-2025-03-spy-agency-minister"]
    again = export(cli, None, tmp_path / "again.ftm.jsonl")
    assert (tmp_path / "out.ftm.jsonl").read_bytes() == (tmp_path / "again.ftm.jsonl").read_bytes() and again


def test_round_trip_changes_exactly_what_ftm_lacks(cli, tmp_path, persistent_store):
    export(cli, persistent_store, tmp_path / "out.ftm.jsonl")
    with graphkit.open(tmp_path / "copy", create=True) as kg:
        import_ftm(kg, tmp_path / "out.ftm.jsonl")
    before, after = data_triples(persistent_store), data_triples(tmp_path / "copy")
    assert after <= before  # nothing added, nothing altered
    lost = before - after
    assert {p for s, p, o in lost if not s.startswith(STATISTICS)} == LOST_PREDICATES
    assert {s for s, p, o in lost if p not in LOST_PREDICATES} == {
        s for s, p, o in before if s.startswith(STATISTICS)
    }
    assert run(cli, "validate", "--store", tmp_path / "copy").exit_code == 0


def test_imported_ftm_exports_its_schemata(cli, tmp_path):
    store = tmp_path / "kg"
    source = graphkit.vocab.data_dir() / "templates" / "example.ftm.jsonl"
    assert run(cli, "import", source, "--store", store).exit_code == 0
    out = {e["id"]: e for e in export(cli, store, tmp_path / "out.ftm.jsonl")}
    assert out["example-aircraft"]["schema"] == "Airplane"
    assert out["example-payment-hosting"]["schema"] == "Payment"
    assert out["example-payment-hosting"]["properties"]["amount"] == ["250000"]
    assert out["example-payment-hosting"]["properties"]["currency"] == ["NZD"]
    assert out["example-cloud-ltd"]["properties"]["registrationNumber"] == ["EX-000123"]
    assert out["example-directorship-rivera"]["properties"]["startDate"] == ["2021-06"]


_TEXT = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
_DATE = st.one_of(  # FtM accepts years 1000 to about 2200
    st.integers(1000, 2100).map(str),
    st.tuples(st.integers(1000, 2100), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.dates(date(1000, 1, 1), date(2100, 12, 31)).map(lambda d: d.isoformat()),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(_TEXT, min_size=2, max_size=2, unique=True), date=_DATE, description=_TEXT)
def test_random_names_and_dates_survive_export_and_import(cli, tmp_path_factory, names, date, description):
    folder = tmp_path_factory.mktemp("h")
    rows = [
        {"id": "a", "schema": "Company", "properties": {"name": [names[0]]}},
        {"id": "b", "schema": "Person", "properties": {"name": [names[1]]}},
        {
            "id": "m",
            "schema": "Employment",
            "properties": {
                "employee": ["b"],
                "employer": ["a"],
                "startDate": [date],
                "summary": [description],
                "sourceUrl": ["https://example.org/r"],
            },
        },
    ]
    first = folder / "in.ftm.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with graphkit.open(folder / "kg1", create=True) as kg:
        import_ftm(kg, first)
    out = {e["id"]: e for e in export(cli, folder / "kg1", folder / "out.ftm.jsonl")}
    assert out["a"]["properties"]["name"] == [model.get("Company").get("name").type.clean(names[0])]
    assert out["m"]["properties"]["startDate"] == [date]
    with graphkit.open(folder / "kg2", create=True) as kg:
        import_ftm(kg, folder / "out.ftm.jsonl")
    assert data_triples(folder / "kg2") == data_triples(folder / "kg1")
