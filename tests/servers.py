"""Real SPARQL servers on 127.0.0.1 for the remote-store tests: Oxigraph and Virtuoso.

Each binds free ports, keeps its files in a temporary folder and is stopped
by the test session that started it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

SYSTEM_GRAPHS = ("http://www.openlinksw.com/", "http://www.w3.org/ns/ldp", "http://localuriqaserver/")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, fields: dict, accept: str = "application/sparql-results+json") -> bytes:
    """A plain SPARQL Protocol POST, independent of graphkit's own HTTP code."""
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(fields).encode(),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for(
    url: str, process: subprocess.Popen, seconds: float, name: str, log: Path | None = None
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            post(url, {"query": "ASK {}"})
            return
        except OSError:
            if process.poll() is not None:
                detail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
                raise RuntimeError(f"{name} stopped at start-up: {detail}") from None
            time.sleep(0.2)
    _stop(process)
    raise RuntimeError(f"{name} did not start within {seconds:g} s")


def oxigraph_binary() -> str | None:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    return found if os.path.exists(found) else None


class OxigraphServer:
    """A real `oxigraph serve` on 127.0.0.1."""

    engine = "oxigraph"

    def __init__(self, location: Path):
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the 'oxigraph' server is missing: pip install '.[test]'")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(self.url + "/query", self.process, 20, "oxigraph serve")

    def clear(self) -> None:
        post(self.url + "/update", {"update": "CLEAR ALL"})

    def graphs(self) -> list[str]:
        return _graphs(self.url + "/query")

    def stop(self) -> None:
        _stop(self.process)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = ., {d}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 100000000
MaxQueryExecutionTime = 600
MaxQueryCostEstimationTime = 0
"""


def virtuoso_binaries() -> tuple[str, str] | None:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    return (server, isql) if server and isql else None


class VirtuosoServer:
    """A real OpenLink Virtuoso 7 with its own virtuoso.ini in ``folder``, on 127.0.0.1.

    Updates are granted to the SPARQL user, as README tells users to do.
    """

    engine = "virtuoso"

    def __init__(self, folder: Path):
        found = virtuoso_binaries()
        if found is None:
            raise RuntimeError("virtuoso-opensource-7 is not installed")
        server, self.isql = found
        self.folder = folder
        self.sql_port, self.http_port = free_port(), free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(d=folder, sql_port=self.sql_port, http_port=self.http_port))
        self.url = f"http://127.0.0.1:{self.http_port}/sparql"
        self.process = subprocess.Popen(
            [server, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(self.url, self.process, 120, "virtuoso-t", folder / "virtuoso.log")
        self.sql('GRANT SPARQL_UPDATE TO "SPARQL";')

    def sql(self, statement: str) -> str:
        """Run one SQL statement through isql-vt as dba."""
        done = subprocess.run(
            [self.isql, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statement}"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt failed on {statement!r}: {done.stdout}{done.stderr}")
        return done.stdout

    def graphs(self) -> list[str]:
        return [g for g in _graphs(self.url) if not g.startswith(SYSTEM_GRAPHS)]

    def clear(self) -> None:
        """Drop every graph but Virtuoso's own."""
        graphs = self.graphs()
        if graphs:
            post(self.url, {"update": " ; ".join(f"DROP SILENT GRAPH <{g}>" for g in graphs)})

    def stop(self) -> None:
        _stop(self.process)


def _graphs(query_url: str) -> list[str]:
    import json

    body = post(query_url, {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    return sorted(row["g"]["value"] for row in json.loads(body)["results"]["bindings"])
