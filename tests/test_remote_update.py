"""A user's update on a remote store is all or nothing, on Virtuoso too (it applies operation by operation)."""

from __future__ import annotations

from helpers import run, run_ok

P = "<urn:graphkit:test:p>"
# The second operation fails on Virtuoso while it runs (division by zero), after the first was applied.
FAILS_PART_WAY = f'INSERT DATA {{ <urn:graphkit:test:a> {P} "2" }} ; INSERT {{ <urn:graphkit:test:b> {P} ?x }} WHERE {{ BIND(1/0 AS ?x) }}'


def triples(store: str) -> list[str]:
    return sorted(run_ok("export", "-F", "nt", "--store", store).output.splitlines())


def staging(server) -> list[str]:
    return [g for g in server.graphs() if g.startswith("urn:graphkit:staging")]


def test_an_update_that_fails_part_way_changes_nothing(virtuoso_server, virtuoso_store):
    before = triples(virtuoso_store)
    result = run("update", "--store", virtuoso_store, FAILS_PART_WAY)
    assert result.exit_code == 1, result.output
    assert "Nothing was written to <urn:graphkit:graph>" in result.output and "Traceback" not in result.output
    assert triples(virtuoso_store) == before  # the first INSERT DATA is not left behind
    assert staging(virtuoso_server) == []


def test_an_update_of_several_operations_is_applied_whole(engine_server, engine_store):
    before = triples(engine_store)
    run_ok(
        "update",
        "--store",
        engine_store,
        f'INSERT DATA {{ <urn:graphkit:test:a> {P} "1" }} ; '
        f'DELETE {{ ?s {P} "1" }} INSERT {{ ?s {P} "2" }} WHERE {{ ?s {P} "1" }} ;',
    )
    assert triples(engine_store) == sorted([*before, f'<urn:graphkit:test:a> {P} "2" .'])
    assert staging(engine_server) == []


def test_several_operations_naming_graphs_are_refused_where_they_cannot_be_staged(
    virtuoso_server, virtuoso_store
):
    before = triples(virtuoso_store)
    result = run(
        "update",
        "--store",
        virtuoso_store,
        f'INSERT DATA {{ GRAPH <urn:graphkit:graph> {{ <urn:graphkit:test:a> {P} "1" }} }} ; CLEAR GRAPH <urn:graphkit:test:g>',
    )
    assert result.exit_code == 1, result.output
    assert "applies each operation of an update on its own" in result.output
    assert "send this one an operation at a time" in result.output
    assert triples(virtuoso_store) == before
    # One operation at a time, as the message says: each request is one statement.
    run_ok(
        "update",
        "--store",
        virtuoso_store,
        f'INSERT DATA {{ GRAPH <urn:graphkit:graph> {{ <urn:graphkit:test:a> {P} "1" }} }}',
    )
    run_ok("update", "--store", virtuoso_store, "CLEAR GRAPH <urn:graphkit:test:g>")
    assert triples(virtuoso_store) == sorted([*before, f'<urn:graphkit:test:a> {P} "1" .'])


def test_a_syntax_error_is_told_by_position_before_anything_is_copied(virtuoso_server, virtuoso_store):
    result = run(
        "update", "--store", virtuoso_store, f'INSERT DATA {{ <urn:a> {P} "1" }} ; INSERT DATA {{ <urn:a> }}'
    )
    assert result.exit_code == 1 and "line 1, column 75" in result.output, result.output
    assert staging(virtuoso_server) == []


def test_the_advice_for_a_leftover_staging_graph_runs_as_printed(virtuoso_server, virtuoso_store):
    from servers import post

    left = "urn:graphkit:staging:20250101T000000Z:deadbeef"
    post(
        virtuoso_server.url,
        {
            "update": f"INSERT DATA {{ GRAPH <{left}> {{ <urn:a> <urn:b> <urn:c> }} }} ; "
            f'INSERT DATA {{ GRAPH <urn:graphkit:staging> {{ <{left}> <urn:graphkit:started> "x" }} }}'
        },
    )
    two = f'INSERT DATA {{ <urn:graphkit:test:a> {P} "1" }} ; INSERT DATA {{ <urn:graphkit:test:b> {P} "1" }}'
    result = run("update", "--store", virtuoso_store, two)  # staged: leftovers are looked for
    assert result.exit_code == 0, result.output
    advice = result.output.split("remove them with: ", 1)[1].strip()
    assert advice == f"graphkit update --store URL 'DROP SILENT GRAPH <{left}>'"
    run_ok("update", "--store", virtuoso_store, f"DROP SILENT GRAPH <{left}>")
    again = run("update", "--store", virtuoso_store, two)
    assert again.exit_code == 0 and "staging" not in again.output  # the registry entry was forgotten
    listed = post(
        virtuoso_server.url, {"query": "SELECT ?g WHERE { GRAPH <urn:graphkit:staging> { ?g ?p ?o } }"}
    )
    assert left.encode() not in listed


def test_an_engine_graphkit_does_not_know_gets_one_operation_at_a_time(remote_store):
    spec = f"sparql:{remote_store},engine=generic"  # Oxigraph server, treated as unknown
    before = triples(spec)
    two = f'INSERT DATA {{ <urn:graphkit:test:a> {P} "1" }} ; INSERT DATA {{ <urn:graphkit:test:b> {P} "1" }}'
    result = run("update", "--store", spec, two)
    assert result.exit_code == 1, result.output
    assert "cannot tell whether this SPARQL 1.1 endpoint applies" in result.output
    assert "engine=oxigraph, fuseki or graphdb" in result.output
    assert triples(spec) == before
    run_ok("update", "--store", spec, f'INSERT DATA {{ <urn:graphkit:test:a> {P} "1" }}')
    run_ok("update", "--store", remote_store, two)  # named as what it is: one atomic request
    assert triples(spec) == sorted(
        {*before, f'<urn:graphkit:test:a> {P} "1" .', f'<urn:graphkit:test:b> {P} "1" .'}
    )
