"""Commands that read and write triples: load, query, update."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pyoxigraph as ox

from graphkit.cli.options import (
    UserError,
    as_user_error,
    binary_stdout,
    echo_table,
    open_store,
    output_option,
    store_option,
    user_errors,
    wait_option,
)
from graphkit.cli.output import visible
from graphkit.cli.validate import refuse_invalid_write, validate_option
from graphkit.errors import GraphkitError, QueryError
from graphkit.export import results as writers
from graphkit.store import resolve_spec
from graphkit.store.base import is_solutions
from graphkit.store.formats import FORMATS


def _read_request(text: str | None, file: str | None, what: str) -> tuple[str, str]:
    """The SPARQL text and a name for messages, from the argument or ``-f``."""
    command = "query 'SELECT ...'" if what == "query" else "update 'INSERT DATA { ... }'"
    if text is None and file is None:
        raise UserError(
            f"no {what} given: write it as an argument (graphkit {command}) "
            f"or read it from a file with -f/--file FILE"
        )
    if text is not None and file is not None:
        raise UserError(
            f"the {what} is given twice, as the argument {_short(text)!r} and with -f/--file {file}; keep one"
            + (" (the output format is -F/--format, capital F)" if what == "query" else "")
        )
    if file is None:
        return text, "query"  # type: ignore[return-value]
    try:
        if file == "-":
            return sys.stdin.read(), "<stdin>"
        return Path(file).read_text(encoding="utf-8"), file
    except FileNotFoundError:
        hint = ""
        if what == "query" and file.lower() in ("table", "csv", "tsv", "json"):
            hint = f"; -f/--file reads the {what} from a file, the output format is -F/--format {file}"
        raise UserError(f"no such file: {file}{hint}") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{file}: not valid UTF-8 at byte {exc.start}") from None
    except OSError as exc:
        raise UserError(f"cannot read {file}: {exc.strerror}") from None


def _short(text: str, width: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


@contextmanager
def _read_once_copied(files: tuple[str, ...]) -> Iterator[list[str]]:
    """``files``, a pipe or ``-`` (stdin) copied once to a temporary file: a load reads a file twice.

    Messages name the input as it was given, not its copy.
    """
    from graphkit.importer.piped import in_given_names, spooled
    from graphkit.importer.problems import ImportProblems

    try:
        with spooled(files) as paths:
            try:
                yield paths
            except GraphkitError as exc:
                error = as_user_error(exc)
                error.message = in_given_names(error.message)
                raise error from None
    except ImportProblems as exc:  # the input cannot be copied (a device, stdin twice, a full disk)
        raise UserError("; ".join(map(str, exc.problems)) + "; nothing was loaded") from None


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "rdf_format",
    type=click.Choice(sorted(FORMATS)),
    help="Format of every file (default: from the extension).",
)
@validate_option
@wait_option
@store_option
def load(files: tuple[str, ...], rdf_format: str | None, check: bool, wait: bool, store: str | None) -> None:
    """Load RDF files into a store, all or nothing.

    The store must be writable: an embedded store folder (created when new)
    or a SPARQL endpoint. If any file is malformed, nothing is loaded and the
    error names the file, line and column. With --validate, the files are
    loaded into a copy of the store first (a new store: into itself, before
    it takes its place), and nothing is loaded if they would add violations
    of the SHACL shapes (they are listed). A file may be - (stdin) or a
    pipe; give its --format when its name has no extension.

    Example:

        graphkit load data.ttl more.nt --store ./mygraph

        curl -s https://example.org/data.ttl | graphkit load - --format turtle --store ./mygraph
    """
    if resolve_spec(store) is None:
        raise UserError("load needs a writable store: add --store DIR (a new folder is created)")
    with open_store(store, read_only=None, create=True, wait=wait) as kg, _read_once_copied(files) as paths:
        if check:
            refuse_invalid_write(kg, lambda copy: copy.load(paths, rdf_format), "the files")
        added = kg.load(paths, rdf_format)
        click.echo(
            f"Loaded {added} statements from {len(files)} file(s) into {visible(kg.backend.description)}"
        )


@click.command()
@click.argument("sparql", required=False)
@click.option(
    "-f",
    "--file",
    "file",
    metavar="FILE.rq",
    help="Read the query from a file ('-' for stdin) instead of the argument. "
    "Lower-case -f; the output format is -F.",
)
@output_option("table", "csv", "tsv", "json")
@click.option("--limit", type=click.IntRange(min=0), help="Stop after this many rows.")
@click.option(
    "--safe-csv",
    is_flag=True,
    help="With -F csv: start cells that a spreadsheet would run as formulas (= + - @, "
    "tab, carriage return) with a quote. Use it for files opened in Excel.",
)
@click.option("--allow-service", is_flag=True, help="Allow SERVICE calls to other endpoints.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop the query after this many seconds (embedded stores and endpoints).",
)
@store_option
def query(
    sparql: str | None,
    file: str | None,
    output_format: str,
    limit: int | None,
    safe_csv: bool,
    allow_service: bool,
    timeout: float | None,
    store: str | None,
) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE).

    The prefixes gk:, gkd:, rdf:, rdfs:, owl:, xsd:, skos:, dcterms:, prov:,
    org:, foaf:, schema: and sh: are pre-bound. JSON output is the SPARQL 1.1
    Query Results JSON format; CONSTRUCT and DESCRIBE print Turtle. Updates
    are refused: use 'graphkit update'. Give the query as the argument or
    read it from a file with -f/--file (lower-case f); the output format is
    -F/--format (capital F).

    Example:

        graphkit query 'SELECT ?who WHERE { ?who gk:metWith gkd:aws }'
    """
    text, name = _read_request(sparql, file, "query")
    if safe_csv and output_format != "csv":
        raise UserError("--safe-csv goes with -F/--format csv")
    with open_store(store, timeout=timeout) as kg, user_errors():
        try:
            result = kg.query(text, allow_service=allow_service)
        except QueryError as exc:
            raise UserError(f"{name}: {exc}" if name != "query" else str(exc)) from None
        out = binary_stdout()
        if is_solutions(result) or isinstance(result, ox.QueryBoolean):
            if output_format == "table":
                headers, rows = writers.table_rows(result, limit)
                echo_table(headers, rows)
                return
            stream = writers.text_stream(out)
            if output_format == "csv":
                writers.write_csv(result, stream, limit, safe=safe_csv)
            else:
                write = {"tsv": writers.write_tsv, "json": writers.write_json}
                write[output_format](result, stream, limit)
            stream.flush()
            stream.detach()
        else:
            writers.write_triples(result, out, limit)


@click.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "file", metavar="FILE.ru", help="Read the update from a file ('-' for stdin).")
@click.option("--allow-load", is_flag=True, help="Allow LOAD <url>, which fetches from another host.")
@store_option
def update(sparql: str | None, file: str | None, allow_load: bool, store: str | None) -> None:
    """Run a SPARQL update (INSERT, DELETE...) on a store.

    The bundled dataset and RDF files are read-only; use an embedded store
    folder or a SPARQL endpoint.

    Example:

        graphkit update --store ./mygraph 'DELETE WHERE { ?r gk:quote ?q }'
    """
    text, name = _read_request(sparql, file, "update")
    with open_store(store, read_only=None) as kg, user_errors():
        try:
            kg.update(text, allow_load=allow_load)
        except QueryError as exc:
            raise UserError(f"{name}: {exc}" if name != "query" else str(exc)) from None
        click.echo(f"Update applied to {visible(kg.backend.description)}")
