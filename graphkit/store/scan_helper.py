"""Single-pattern scans of an embedded store, run in a helper process beside the caller's own.

A whole-store read hands over about a million rows at 1M triples, and the
engine's cost is per row (about 3 µs: each term is looked up and turned into
a Python object while the GIL is held, so threads do not help). A second
process can do part of that work on the other core: it opens the store
read-only, as any reader may, scans the predicates it is given and sends
back each column as two lists of strings (subjects and objects, blank nodes
as ``_:name``), while the caller scans the rest. At 1M triples a full
projection's read goes from about 4.3 s to 2.4 s.

Only columns whose values are all resources are sent (types, statement ends,
cited sources): strings cost little to move between processes, literal
objects do not. Whatever goes wrong in the helper (it cannot start, the
store cannot be opened, it dies), the caller reads the columns itself: the
result is the same, only slower. ``GRAPHKIT_READ_HELPER=off`` turns it off.
It is used only by a caller that opened the store read-only (pyoxigraph
leaves a read-only open beside a writer undefined: a reader beside a
reader is safe) and set no time limit (the helper has none).
"""

from __future__ import annotations

import os
import pickle
import re
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from graphkit.store.creating import folder_size

ENV_VAR = "GRAPHKIT_READ_HELPER"
#: Below this many bytes of store files, starting a process costs more than it saves.
MIN_STORE_BYTES = 16 * 1024 * 1024
_FRAME = struct.Struct("<Q")

# Run by the helper (``python -c``): pyoxigraph alone, no graphkit import, so it starts in ~0.1 s.
# Arguments: the store folder, then the predicate IRIs. Each column goes out as one frame, a
# pickled (predicate, subjects, objects); a frame of length 0 ends the output.
_SCRIPT = r"""
import pickle, struct, sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
out = sys.stdout.buffer
blank = ox.BlankNode
for predicate in sys.argv[2:]:
    subjects, objects = [], []
    query = "SELECT ?s ?o WHERE { ?s %s ?o }" % ox.NamedNode(predicate)
    for s, o in store.query(query, use_default_graph_as_union=True):
        subjects.append("_:" + s.value if type(s) is blank else s.value)
        objects.append("_:" + o.value if type(o) is blank else o.value)
    data = pickle.dumps((predicate, subjects, objects), protocol=pickle.HIGHEST_PROTOCOL)
    del subjects, objects
    out.write(struct.pack("<Q", len(data)))
    out.write(data)
out.write(struct.pack("<Q", 0))
out.flush()
"""


def wanted(path: Path | None) -> bool:
    """Whether a whole-store read of the store folder ``path`` is worth a helper process.

    >>> wanted(None), wanted(Path("/nonexistent"))
    (False, False)
    """
    if path is None or os.environ.get(ENV_VAR, "").strip().lower() in ("off", "0", "no", "false"):
        return False
    return folder_size(path) >= MIN_STORE_BYTES and _is_python(sys.executable) and _cores() > 1


def _is_python(executable: str | None) -> bool:
    """Whether ``executable`` looks like a Python interpreter (a program embedding Python may set its own).

    >>> _is_python("/usr/bin/python3.11"), _is_python("/opt/venv/bin/python"), _is_python("/usr/bin/uwsgi")
    (True, True, False)
    """
    return bool(executable) and re.fullmatch(r"python[\d.]*(\.exe)?", Path(executable).name) is not None


def _cores() -> int:
    # The cores this process may run on (a container or taskset may allow fewer than the machine has).
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _read_exactly(stream, size: int) -> bytes | None:
    """``size`` bytes, or None at the end of the stream; in pieces, so a wrong size allocates nothing big."""
    pieces, left = [], size
    while left:
        piece = stream.read(min(left, 1 << 24))
        if not piece:
            return None
        pieces.append(piece)
        left -= len(piece)
    return b"".join(pieces)


class HelperScans:
    """Scans of ``predicates`` running in a helper process; :meth:`columns` collects them.

    The output is read by a thread as it comes (the helper never waits on a
    full pipe), so the helper and the caller's own scans run side by side.
    Always :meth:`close` it (or use it as a context manager): an unfinished
    helper is stopped.
    """

    def __init__(self, path: Path, predicates: Sequence[str]):
        self.predicates = list(predicates)
        self._frames: list[bytes] = []
        self._complete = False
        self._process: subprocess.Popen | None = None
        try:
            # -P: the current folder does not go first on the helper's path (no pyoxigraph.py of its own).
            self._process = subprocess.Popen(
                [sys.executable, "-P", "-c", _SCRIPT, str(path), *self.predicates],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return
        self._reader = threading.Thread(target=self._read, name="read helper", daemon=True)
        try:
            self._reader.start()
        except BaseException:  # no reader: the helper would wait on a full pipe forever
            self.close()
            self._process = None
            raise

    def _read(self) -> None:
        stream = self._process.stdout  # type: ignore[union-attr]
        try:
            while True:
                head = stream.read(_FRAME.size)
                if len(head) < _FRAME.size:
                    return
                (size,) = _FRAME.unpack(head)
                if size == 0:
                    self._complete = True
                    return
                data = _read_exactly(stream, size)
                if data is None:
                    return
                self._frames.append(data)
        except (OSError, ValueError, MemoryError):
            return

    def columns(self) -> Iterator[tuple[str, list[str], list[str]]]:
        """(predicate, subjects, objects) of each predicate; those the helper did not give are missing.

        Waits for the helper to finish. A column is unpickled only when asked
        for, and its bytes dropped, so that at most one is held twice.
        """
        if self._process is None:
            return
        self._reader.join()
        if self._process.wait() != 0 or not self._complete:
            return
        while self._frames:
            # Our own child's output, through a pipe only it writes to.
            predicate, subjects, objects = pickle.loads(self._frames.pop(0))
            if predicate in self.predicates and len(subjects) == len(objects):
                yield predicate, subjects, objects

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._frames = []

    def __enter__(self) -> HelperScans:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
