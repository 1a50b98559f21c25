"""Staging graphs: how a remote write stays all or nothing on engines that are not.

A write fills a fresh staging graph (``urn:graphkit:staging:TIME:ID``),
listed first in the registry graph ``urn:graphkit:staging`` so that a
leftover is found with one small query; the caller then makes it live in one
request (``ADD`` or ``MOVE``) that also drops it and its registry entry. On
failure the staging graph is dropped and the error says what was written.
"""

from __future__ import annotations

import itertools
import sys
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable

import pyoxigraph as ox

from graphkit.errors import GraphkitError, RemoteError
from graphkit.store import results_stream as results
from graphkit.store.http import RequestTooLarge, with_query
from graphkit.store.sparql import insert_data

STAGING = "urn:graphkit:staging:"
#: Staging graphs in use are listed here, so that leftovers are found without scanning every graph.
REGISTRY = ox.NamedNode("urn:graphkit:staging")
_STARTED = ox.NamedNode("urn:graphkit:started")
_RESULTS = "application/sparql-results+json"
_TRIPLES = "application/n-triples"
_FORM = "application/x-www-form-urlencoded"


class StagedWrites:
    """The staging part of :class:`~graphkit.store.remote.RemoteBackend`."""

    def _new_staging(self) -> ox.NamedNode:
        """A fresh staging graph, listed in the registry graph before anything goes into it."""
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        staging = ox.NamedNode(f"{STAGING}{stamp}:{uuid.uuid4().hex[:8]}")
        self._post_update(
            f"INSERT DATA {{ GRAPH {REGISTRY} {{ {staging} {_STARTED} {ox.Literal(stamp)} }} }}"
        )
        return staging

    def _registered(self, condition: str = "") -> list[str]:
        query = f"SELECT ?g WHERE {{ GRAPH {REGISTRY} {{ ?g {_STARTED} ?t }} {condition} }} LIMIT 100"
        body = urllib.parse.urlencode({"query": query}).encode()
        response = self.http.post(self.endpoints.query, body, _FORM, accept=_RESULTS, write=False)
        return [row["g"].value for row in results.solutions(response.chunks(), self.endpoints.query)]

    def staging_leftovers(self) -> list[str]:
        """Staging graphs left by a graphkit write that was killed part-way (or still running)."""
        return self._registered("FILTER EXISTS { GRAPH ?g { ?s ?p ?o } }")

    def _check_leftovers(self) -> None:
        try:
            listed = self._registered()
            left = self.staging_leftovers() if listed else []
            # A listed graph that is gone (dropped by hand, or moved by hand after a failed
            # MOVE) is only an entry in the registry: forget it quietly.
            gone = [g for g in listed if g not in left]
            if gone:
                self._post_update(" ;\n".join(forget(ox.NamedNode(g)) for g in gone))
        except GraphkitError:
            return  # only a note; the write itself will say what is wrong
        if left:
            _note_leftovers(self.description, left)

    def _through_staging(self, graph: ox.NamedNode | None, fill: Callable[[ox.NamedNode], None]) -> None:
        """Change ``graph`` (None: the default graph) all or nothing, through a staging copy.

        The copy is made on the server (``COPY``), changed by ``fill(staging)``,
        then made live in one ``MOVE``; if ``fill`` fails, the copy is dropped and
        ``graph`` was never touched.
        """
        self._check_leftovers()
        staging = self._new_staging()
        source = str(graph) if graph else "DEFAULT"
        try:
            self._post_update(f"COPY {source} TO {staging}", bulk=True)
            fill(staging)
        except BaseException as exc:
            raise self._abandon([staging], exc) from None
        try:
            self._post_update(f"MOVE {staging} TO {source} ;\n{forget(staging)}", bulk=True)
        except GraphkitError as exc:
            raise RemoteError(
                f"{exc}. The last step (MOVE {staging} TO {source}) failed: the complete new data is in "
                f"{staging}; make it live with graphkit update --store URL 'MOVE {staging} TO {source}'"
            ) from None

    def _insert(self, lines: Iterable[str], graph: ox.NamedNode) -> None:
        """Fill a staging graph: Graph Store requests where the engine has them, else INSERT DATA.

        A request the engine finds too large is halved and sent again. If the
        Graph Store refuses the first request (rights, a proxy), INSERT DATA
        takes over.
        """
        source = iter(lines)
        store = self.store_url
        if store is not None and not self.engine.atomic_requests:
            size, pending, sent = self.engine.store_batch, [], 0
            url = with_query(store, {"graph": graph.value})
            while True:
                pending += itertools.islice(source, max(0, size - len(pending)))
                if not pending:
                    return
                chunk = pending[:size]
                try:
                    self.http.post(url, "".join(chunk).encode(), _TRIPLES, write=True).read()
                except RequestTooLarge:
                    if len(chunk) == 1:
                        raise
                    size = max(1, len(chunk) // 2)
                    continue
                except GraphkitError:
                    if sent:
                        raise
                    self._post_update(f"DROP SILENT GRAPH {graph}")
                    source = itertools.chain(pending, source)
                    break
                sent += len(chunk)
                del pending[: len(chunk)]
        self._insert_data(source, graph)

    def _insert_data(self, lines: Iterable[str], graph: ox.NamedNode) -> None:
        """INSERT DATA in batches; a batch the engine finds too large is halved and retried."""
        pending: list[str] = []
        source = iter(lines)
        while True:
            pending += itertools.islice(source, max(0, self.batch - len(pending)))
            if not pending:
                return
            chunk = pending[: self.batch]
            try:
                self._post_update(insert_data(chunk, graph))
            except RequestTooLarge:
                if len(chunk) == 1:
                    raise
                self.batch_size = max(1, len(chunk) // 2)
                continue
            del pending[: len(chunk)]

    def _abandon(
        self, stagings: list[ox.NamedNode], exc: BaseException, *, final: bool = False
    ) -> BaseException:
        """Drop the staging graphs of a failed write; return the error to raise.

        ``final``: the request that makes the data live failed. An engine
        that does not apply a request all or nothing may have applied part
        of it, so the message says so instead of promising an untouched store.
        """
        left = []
        for staging in stagings:
            try:
                self._post_update(f"DROP SILENT GRAPH {staging} ;\n{forget(staging)}")
            except GraphkitError:
                left.append(staging)
        if not isinstance(exc, GraphkitError):
            if left:
                _note_leftovers(self.description, [s.value for s in left])
            return exc
        where = self.graph or "the default graph"
        if final:
            message = (
                f"{exc}. The request that adds the data to {where} failed; if the engine applied "
                "part of it, 'graphkit stats' shows it"
            )
        else:
            message = f"{exc}. Nothing was written to {where}"
        if not left:
            message += "; the staging graph was removed"
        else:
            message += f"; the staging graph could not be removed: run {_cleanup([s.value for s in left])}"
        return RemoteError(message)


def forget(staging: ox.NamedNode) -> str:
    """The update that removes a staging graph's registry entry.

    >>> forget(ox.NamedNode("urn:graphkit:staging:T:1"))
    'DELETE WHERE { GRAPH <urn:graphkit:staging> { <urn:graphkit:staging:T:1> ?p ?o } }'
    """
    return f"DELETE WHERE {{ GRAPH {REGISTRY} {{ {staging} ?p ?o }} }}"


def _cleanup(stagings: list[str]) -> str:
    """The commands that drop staging graphs, one operation each (the next write forgets their entries).

    >>> print(_cleanup(["urn:graphkit:staging:T:1"]))
    graphkit update --store URL 'DROP SILENT GRAPH <urn:graphkit:staging:T:1>'
    """
    return " && ".join(f"graphkit update --store URL 'DROP SILENT GRAPH <{g}>'" for g in stagings)


def _note_leftovers(description: str, graphs: list[str]) -> None:
    sys.stderr.write(
        f"graphkit: an interrupted write left staging graphs on {description}; "
        f"remove them with: {_cleanup(graphs)}\n"
    )
