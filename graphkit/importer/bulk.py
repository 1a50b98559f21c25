"""Creating a store from an import: the engine loads while the input is still being read.

An import into a store that does not exist yet needs no comparison with
anything, so its triples can go to the engine's bulk loader as soon as they
are built. The reader turns rows into N-Triples text in this thread (Python,
one core); a worker thread hands that text to the bulk loader in chunks of
:data:`CHUNK_TRIPLES` triples (native code that releases the GIL: the other
core). The two overlap, and memory stays bounded whatever the size of the input:
one chunk being built, one waiting, one being loaded.

It stays all or nothing: everything goes into the hidden staging folder of
:func:`~graphkit.store.creating.new_store_folder`, which becomes the store
only when the whole input has been checked and loaded. A problem found in
the last row drops the folder, and the store is never created.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from graphkit.errors import StoreError
from graphkit.store import worker
from graphkit.store.creating import BeforeCommit, new_store_folder

#: Triples per bulk-load call. The engine holds a call's triples in memory (about
#: 0.9 KB each: some 250 MB here), so this bounds the import's memory. Smaller calls
#: cost the engine more work in all (a quarter more CPU at 100,000 triples);
#: larger ones gain little (400,000 cost 1% more CPU than one call of 1.5M, which needs 1.4 GB).
CHUNK_TRIPLES = 250_000
#: Characters of N-Triples per call, at most: long literals make fewer triples a chunk.
CHUNK_CHARS = 64 << 20
_END = None
_ADVICE = (
    "Nothing was written. Import the files in parts, or raise GRAPHKIT_MAX_MEMORY (megabytes) "
    "if the machine has the memory"
)


class StreamingLoad:
    """Feeds N-Triples text to ``store``'s bulk loader from a worker thread, in bounded chunks.

    Call :meth:`write` with text as it is built, then :meth:`finish` (which
    waits for the loader and raises its error, if any), or :meth:`abort` (which
    waits for it to stop) or :meth:`stop` (which does not: after Ctrl-C).

    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> load = StreamingLoad(store)
    >>> load.write('<http://example.org/a> <http://example.org/b> "c" .\\n', 1)
    >>> load.finish()
    >>> len(store)
    1
    """

    def __init__(self, store: ox.Store, chunk: int | None = None):
        self.store: ox.Store | None = store
        self.chunk = chunk or CHUNK_TRIPLES
        self._parts: list[str] = []
        self._pending = self._chars = 0
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._stop = False
        self._done = threading.Event()
        worker.submit(self._run, loads=True)

    def write(self, text: str, triples: int) -> None:
        """Add N-Triples ``text`` holding ``triples`` triples; a full chunk goes to the loader."""
        self._parts.append(text)
        self._pending += triples
        self._chars += len(text)
        if self._pending >= self.chunk or self._chars >= CHUNK_CHARS:
            self._send()

    def finish(self) -> None:
        """Load what is left and wait for the loader; raises :class:`StoreError` if it failed."""
        if self._parts:
            self._send()
        self._put(_END)
        self._wait(check=True)
        if self._error is not None:
            raise _failed(self._error)
        try:
            self.store.flush()  # type: ignore[union-attr]
        except (RuntimeError, OSError) as exc:
            raise _failed(exc) from None
        self.store = None  # the engine lets go of the folder, which can now become the store

    def stop(self) -> None:
        """Load nothing more; the chunk the engine is loading finishes in its thread."""
        self._stop = True
        self._parts = []
        # A chunk may wait in the queue: drop it, so that the end mark fits. The
        # loader also looks at ``_stop`` while it waits, should another write come.
        with contextlib.suppress(queue.Empty):
            self._queue.get_nowait()
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(_END)

    def abort(self) -> None:
        """Stop loading (what was loaded is dropped with the staging folder) and wait for the loader.

        The engine must be done with the folder before it is removed. If a
        Ctrl-C interrupts the wait, the loader is left to the exiting process.
        """
        self._stop = True
        self._parts = []
        try:
            while not self._done.is_set():
                with contextlib.suppress(queue.Empty):
                    self._queue.get_nowait()  # make room for the end mark
                try:
                    self._queue.put(_END, timeout=worker.STEP)
                    break
                except queue.Full:
                    continue
            self._wait()
        finally:
            self.store = None

    # -- the two threads -----------------------------------------------------------

    def _send(self) -> None:
        worker._check_memory(_ADVICE)  # between chunks: a runaway load stops with a clear error
        data = "".join(self._parts).encode("utf-8")
        self._parts, self._pending, self._chars = [], 0, 0
        self._put(data)

    def _put(self, item: bytes | None) -> None:
        # In short steps, so that Ctrl-C reaches this thread and a failed loader is noticed.
        while True:
            if self._error is not None:
                raise _failed(self._error)
            try:
                self._queue.put(item, timeout=worker.STEP)
                return
            except queue.Full:
                worker._check_memory(_ADVICE)

    def _wait(self, check: bool = False) -> None:
        # ``check`` only while loading: abort must wait for the engine whatever the memory
        while not self._done.wait(worker.STEP):
            if check:
                worker._check_memory(_ADVICE)

    def _run(self) -> None:
        try:
            while not self._stop:
                try:
                    data = self._queue.get(timeout=worker.STEP)
                except queue.Empty:
                    continue
                if data is _END:
                    break
                if not self._stop and self._error is None:
                    load_chunk(self.store, data)  # type: ignore[arg-type]
        except BaseException as exc:  # handed to the reading thread
            self._error = exc
        finally:
            if self._stop:
                self.store = None  # the engine lets go of the staging folder
            self._done.set()


def _failed(exc: BaseException) -> BaseException:
    if isinstance(exc, (RuntimeError, ValueError, SyntaxError, OSError, MemoryError)):
        return StoreError(f"the import failed and nothing was written: {exc}")
    return exc


class _NothingToWrite(Exception):
    """The input changes nothing: the store is not created."""


def load_chunk(store: ox.Store, data: bytes) -> None:
    """Bulk-load one chunk of N-Triples built by the importer.

    ``lenient``: the text holds only IRIs and literals that the checks built
    or validated, so the engine's own checks would only cost time.
    """
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, lenient=True)


def create_store(
    path: Path,
    fill: Callable[[StreamingLoad], bool],
    *,
    wait: bool = False,
    before_commit: BeforeCommit | None = None,
) -> bool:
    """Create the store ``path`` from what ``fill`` writes into a :class:`StreamingLoad`.

    ``fill`` returns False when there is nothing to write; then, or when it
    (or ``before_commit``, given the finished folder) raises, no store (and
    no folder) is left behind. True when the store was created. Raises
    :class:`~graphkit.store.creating.StoreCreatedMeanwhile` (before ``fill``
    is called) when another process created it first.
    """
    made: list[Path] = []
    parent = path.parent
    while not parent.exists():
        made.append(parent)
        parent = parent.parent
    try:
        with new_store_folder(path, "importing", wait=wait, before_commit=before_commit) as staging:
            load = StreamingLoad(ox.Store(str(staging)))
            try:
                if not fill(load):
                    raise _NothingToWrite
                load.finish()
            except KeyboardInterrupt:
                load.stop()  # no waiting for the engine: the next write removes the folder
                raise
            except BaseException:
                load.abort()
                raise
    except BaseException as exc:
        for folder in made:
            if folder.exists() and not any(folder.iterdir()):
                folder.rmdir()
        if isinstance(exc, _NothingToWrite):
            return False
        raise
    return True
