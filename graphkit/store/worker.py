"""Engine calls that Ctrl-C and a timeout can abandon.

The embedded engine runs a query (or a load) in native code. In the main
thread, that code would hold off Ctrl-C until it returns, which for a cross
join is never. So each call runs in a daemon worker thread while the main
thread waits in short steps, where a KeyboardInterrupt or the deadline can
reach it. The engine releases the GIL while it works, so this costs
nothing measurable. An abandoned call keeps running in its thread until
it returns (the command line exits at once); a read of a whole result
stops within a batch of rows (:func:`read_all`).

Results are read the same way: a worker pulls rows in growing batches into
a small queue, so memory stays bounded and the main thread never blocks
in the engine.

That is for library callers (a notebook), who must get a KeyboardInterrupt
or a QueryTimeout they can catch. The command line owns its process and may
end it: after :func:`own_process`, engine calls on the main thread run
there, watched by a guard thread (:mod:`graphkit.store.guard`).
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from graphkit.errors import QueryError

T = TypeVar("T")

#: How often the waiting thread looks up (seconds): Ctrl-C is seen within this.
STEP = 0.05
#: The most rows a worker reads ahead of the reader (the first batch is 64).
MAX_BATCH = 4096
_END = object()


class QueryTimeout(QueryError):
    """An embedded query ran past its time limit."""


def _timed_out(seconds: float) -> QueryTimeout:
    return QueryTimeout(
        f"the query did not finish within {seconds:g} s; make it narrower "
        "(a LIMIT, a more specific pattern) or raise --timeout"
    )


class MemoryExceeded(QueryError):
    """The engine grew past the memory budget while it worked."""


def memory_budget() -> tuple[int, int] | None:
    """How far the engine may grow this process: (bytes, field of /proc/self/statm), or None.

    A damaged data file can make the engine allocate without end; a clear
    error is better than the machine running out. Under an address-space
    limit (``ulimit -v``) the budget is half of it, in address space;
    otherwise ``GRAPHKIT_MAX_MEMORY`` megabytes of resident memory, by
    default half the machine's memory and at most 8 GiB.
    """
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        return soft // 2, 0
    try:
        if os.environ.get("GRAPHKIT_MAX_MEMORY"):
            return int(os.environ["GRAPHKIT_MAX_MEMORY"]) << 20, 1
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return min(int(line.split()[1]) * 1024 // 2, 8 << 30), 1
    except (OSError, ValueError, IndexError):
        pass
    return None


_BUDGET = memory_budget()
_PAGE = os.sysconf("SC_PAGE_SIZE")


_QUERY_ADVICE = "Narrow the query; if the store may be damaged, run 'graphkit check --store DIR'"


def _check_memory(advice: str = _QUERY_ADVICE) -> None:
    """Raise :class:`MemoryExceeded` (ending with ``advice``) when the process is over the budget."""
    if _BUDGET is None:
        return
    limit, column = _BUDGET
    try:
        with open("/proc/self/statm") as fh:
            size = int(fh.read().split()[column]) * _PAGE
    except (OSError, ValueError, IndexError):
        return
    if size > limit:
        raise MemoryExceeded(f"the engine grew past {limit >> 20} MB of memory and was stopped. {advice}")


class Deadline:
    """A point in time, or None for no limit.

    >>> Deadline(None).expired()
    False
    """

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.at = None if seconds is None else time.monotonic() + seconds

    def expired(self) -> bool:
        return self.at is not None and time.monotonic() > self.at

    def check(self) -> None:
        if self.expired():
            raise _timed_out(self.seconds or 0)


_owned = False


def own_process() -> None:
    """Run engine calls of the main thread on it from now on, watched by a guard that may end the process.

    For the command line only: Ctrl-C, a timeout or the memory budget then
    end the process when they cannot reach the main thread inside the engine.
    """
    global _owned
    _owned = True


def _here() -> bool:
    return _owned and threading.current_thread() is threading.main_thread()


_idle_lock = threading.Lock()


class _Pool:
    """Daemon worker threads, reused when idle (starting threads costs)."""

    def __init__(self, name: str):
        self.name = name
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.idle = 0
        self.threads = 0

    def _serve(self) -> None:
        while True:
            self.jobs.get()()
            with _idle_lock:
                self.idle += 1

    def submit(self, job: Callable[[], None]) -> None:
        with _idle_lock:
            reuse = self.idle > 0
            if reuse:
                self.idle -= 1
            else:
                self.threads += 1
        self.jobs.put(job)
        if not reuse:
            threading.Thread(target=self._serve, name=self.name, daemon=True).start()


# Loads into a new store have threads of their own: the C allocator gives each thread its
# own arena, and the store's data stays in the loader's. Queries run in the thread that
# loaded an in-memory store are about 1.5x slower (measured on 1M triples).
_queries, _loads = _Pool("graphkit worker"), _Pool("graphkit loader")


def submit(job: Callable[[], None], *, loads: bool = False) -> None:
    """Run ``job()`` in a daemon worker thread (a loader thread if ``loads``), reusing an idle one."""
    (_loads if loads else _queries).submit(job)


def working() -> int:
    """How many worker threads are still inside the engine (abandoned calls included).

    >>> call(working) >= 1  # this call's own thread, and any abandoned ones
    True
    """
    with _idle_lock:
        return sum(pool.threads - pool.idle for pool in (_queries, _loads))


def busy() -> bool:
    """Whether a worker thread is still inside the engine (an abandoned call, after Ctrl-C).

    >>> call(busy)
    True
    """
    return working() > 0


def _detached(error: BaseException) -> BaseException:
    """The error without the worker's frames: they hold the store, which must close with its graph.

    Detached in the worker itself: the frames hold the engine's results, which must be
    dropped in the thread that made them.
    """
    error.__context__ = None
    return error.with_traceback(None)


def call(
    function: Callable[[], T],
    deadline: Deadline | None = None,
    stop: threading.Event | None = None,
    *,
    loads: bool = False,
) -> T:
    """Run ``function()`` in a worker thread; wait so that Ctrl-C and the deadline stop the wait.

    ``stop`` is set when the wait gives up (Ctrl-C, the deadline, the memory
    budget), for a ``function`` that works in steps and can end early: the
    worker is then free again (see :func:`read_all`). ``loads``: a load into
    a new store, run in a loader thread even on the command line (see
    :class:`_Pool`), so the threads that query it keep their own memory.

    >>> call(lambda: 6 * 7)
    42
    """
    if _here() and not loads:
        from graphkit.store import guard

        return guard.call(function, deadline)
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = function()
        except BaseException as exc:  # handed to the waiting thread, without the frames here
            box["error"] = _detached(exc)
        finally:
            done.set()

    submit(run, loads=loads)
    try:
        while not done.wait(STEP):
            _check_memory()
            if deadline is not None:
                deadline.check()
    except BaseException:
        if stop is not None:
            stop.set()
        raise
    if "error" in box:
        raise _detached(box.pop("error"))
    return box.pop("value")


def read_all(start: Callable[[], Iterable[T]], deadline: Deadline | None = None) -> list[T]:
    """Every row of ``start()`` (an engine query), read in one worker thread and handed over at once.

    The worker reads :data:`MAX_BATCH` rows at a time and, when the caller
    gives up (Ctrl-C, the deadline, the memory budget), stops after the
    batch in progress: an abandoned read frees its thread and its rows.

    >>> import pyoxigraph as ox
    >>> read_all(lambda: ox.Store().query("SELECT ?x WHERE { VALUES ?x { 1 2 } }"))[1]["x"].value
    '2'
    """
    if _here():
        from graphkit.store import guard

        return guard.call(lambda: list(start()), deadline)
    stop = threading.Event()

    def read() -> list[T]:
        rows = iter(start())
        whole: list[T] = []
        while not stop.is_set():
            batch = list(itertools.islice(rows, MAX_BATCH))
            whole += batch
            if len(batch) < MAX_BATCH:
                break
        return whole

    return call(read, deadline, stop)


def query(start: Callable[[], Any], deadline: Deadline | None = None) -> Any:
    """Run ``start()`` (an engine query) and read its rows in one worker thread.

    The engine's result objects must stay in the thread that made them, so
    the same worker runs the query and reads its rows, a batch each time
    the reader asks (one thread runs at a time, so the two never contend
    for the GIL). Returns the engine's answer to ASK, or a
    :class:`Streamed` of rows or triples. Errors of the query are raised
    here; errors met while reading the rows, where the rows are read.

    >>> import pyoxigraph as ox
    >>> list(query(lambda: ox.Store().query("SELECT ?x WHERE { VALUES ?x { 1 2 } }")))[1]["x"].value
    '2'
    """
    if _here():
        from graphkit.store import guard

        return guard.query(start, deadline)
    channel = _Channel(deadline)
    submit(lambda: _produce(start, channel))
    kind, value, first, finished = channel.receive()
    if kind == "boolean":
        return value
    return Streamed(channel, value if kind == "solutions" else None, first, finished)


class _Channel:
    """Requests from the reader, answers from the worker; the reader waits in short steps."""

    def __init__(self, deadline: Deadline | None):
        self.deadline = deadline
        self.requests: queue.Queue = queue.Queue()
        self.answers: queue.Queue = queue.Queue()
        self.stopped = threading.Event()

    def receive(self) -> Any:
        while True:
            try:
                answer = self.answers.get(timeout=STEP)
                break
            except queue.Empty:
                if self.deadline is not None and self.deadline.expired():
                    self.stop()
                    raise _timed_out(self.deadline.seconds or 0) from None
                try:
                    _check_memory()
                except MemoryExceeded:
                    self.stop()
                    raise
        if isinstance(answer, BaseException):
            self.stop()
            raise _detached(answer)
        return answer

    def stop(self) -> None:
        self.stopped.set()
        self.requests.put(None)


def _read(channel: _Channel, batch: list, finished: bool) -> Iterator:
    # The reader may hold only this generator (``for row in result``): when it is
    # dropped or closed, the worker is told to stop.
    try:
        yield from batch
        if finished:
            return
        while True:
            channel.requests.put(True)
            batch = channel.receive()
            if batch is _END:
                return
            yield from batch
    finally:
        channel.stop()


class Streamed:
    """The rows of a result, read by a worker thread; iterate it like the engine's result.

    ``variables`` are the engine's (for SELECT), None for triples.
    """

    def __init__(self, channel: _Channel, variables: Any, first: list, finished: bool):
        self.variables = variables
        self._channel = channel
        self._rows = _read(channel, first, finished)

    def __iter__(self) -> Iterator:
        # Itself, not its generator: the reader must hold this object, whose
        # __del__ stops the worker when the reader lets go.
        return self

    def __next__(self) -> Any:
        return next(self._rows)

    def close(self) -> None:
        """Stop the worker."""
        self._channel.stop()

    def __del__(self) -> None:
        self._channel.stop()


def _produce(start: Callable[[], Any], channel: _Channel) -> None:
    import pyoxigraph as ox

    try:
        result = start()
        if isinstance(result, ox.QueryBoolean):
            channel.answers.put(("boolean", result, None, True))
            return
        solutions = isinstance(result, ox.QuerySolutions)
        variables = list(result.variables) if solutions else None
        rows = iter(result)
        size = 64
        # The first rows go with the answer: a small result takes one exchange.
        batch = list(itertools.islice(rows, size))
        finished = len(batch) < size
        channel.answers.put(("solutions" if solutions else "triples", variables, batch, finished))
        if finished:
            return
        while channel.requests.get() and not channel.stopped.is_set():
            # Each hand-off waits for the other thread to be scheduled, which on busy
            # cores can take milliseconds: big results go in few, large batches.
            size = min(size * 4, MAX_BATCH)
            batch = list(itertools.islice(rows, size))
            channel.answers.put(batch or _END)
            if not batch:
                return
    except BaseException as exc:  # the engine's error, raised where the answer is read
        channel.answers.put(_detached(exc))
