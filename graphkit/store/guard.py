"""Engine calls on the main thread, when the command line owns the process.

A worker thread (:mod:`graphkit.store.worker`) makes an engine call
abandonable, but reading rows through it costs two thread hand-offs per
batch. When graphkit runs as a program, engine calls run on the main thread
instead, directly on the engine's iterator, and a guard thread watches them:

- Ctrl-C: the interpreter writes the signal's number to a pipe
  (:func:`signal.set_wakeup_fd`) even while the main thread is inside the
  engine. If the main thread does not take the KeyboardInterrupt within
  :data:`GRACE` seconds (it is still inside the engine), the guard prints
  ``Interrupted.`` and ends the process with status 130.
- A deadline or the memory budget passed during an engine call: the guard
  asks the main thread to raise the error (as a signal would); if it cannot,
  the guard prints the error and ends the process with status 1.

Ending the process leaves no half-made store: stores are made in staging
folders, removed by the next write (:mod:`graphkit.store.creating`).
"""

from __future__ import annotations

import _thread
import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from graphkit.store.worker import STEP, Deadline, MemoryExceeded, _check_memory, _timed_out

T = TypeVar("T")

#: How long the main thread has to take an interrupt itself (seconds).
GRACE = 0.3
#: Exit status after Ctrl-C, as shells report a process ended by SIGINT.
INTERRUPTED = 130


class _Guard:
    """The watching thread, the signal handler and the engine calls in progress."""

    def __init__(self) -> None:
        # Re-entrant: the signal handler runs on the main thread, maybe while it holds the lock.
        self.lock = threading.RLock()
        self.calls: list[Deadline] = []
        self.pending: BaseException | None = None  # raised by the handler instead of KeyboardInterrupt
        self.sent = 0  # interrupts the guard has seen
        self.taken = 0  # interrupts the main thread has taken
        self.own = 0  # wake-up bytes the guard caused itself, to be ignored
        self.leaving = False
        self.pipe, write = os.pipe()
        os.set_blocking(self.pipe, False)
        os.set_blocking(write, False)
        signal.set_wakeup_fd(write, warn_on_full_buffer=False)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            # Not when SIGINT is ignored (a shell's background job): Ctrl-C is not for us then.
            signal.signal(signal.SIGINT, self._handle)
        threading.Thread(target=self._watch, name="graphkit guard", daemon=True).start()

    # -- the main thread ---------------------------------------------------------

    def _handle(self, signum: int, frame: Any) -> None:
        with self.lock:
            if self.leaving:
                return  # the guard is ending the process
            self.taken += 1
            error, self.pending = self.pending, None
        raise error if error is not None else KeyboardInterrupt

    def begin(self, deadline: Deadline | None) -> _Watch:
        """Mark an engine call in progress (bounded by ``deadline``); end it with ``.end()``."""
        mark = deadline if deadline is not None else Deadline(None)
        with self.lock:
            self.calls.append(mark)
        return _Watch(self, mark)

    def end(self, mark: Deadline) -> None:
        with self.lock, contextlib.suppress(ValueError):
            self.calls.remove(mark)

    # -- the guard thread --------------------------------------------------------

    def _watch(self) -> None:
        while True:
            ready, _, _ = select.select([self.pipe], [], [], STEP)
            if ready:
                with contextlib.suppress(BlockingIOError):
                    received = os.read(self.pipe, 64).count(signal.SIGINT)
                    with self.lock:
                        mine = min(received, self.own)  # written by interrupt_main below
                        self.own -= mine
                    if received > mine:
                        self.sent += received - mine
                        self._wait_for_main()
            error = self._overrun()
            if error is not None:
                with self.lock:
                    self.pending = error
                    self.own += 1
                self.sent += 1
                _thread.interrupt_main(signal.SIGINT)  # runs _handle in the main thread
                self._wait_for_main()

    def _overrun(self) -> BaseException | None:
        """The error of a call past its deadline or of the memory budget passed, raised once."""
        with self.lock:
            for deadline in self.calls:
                if deadline.expired():
                    self.calls.remove(deadline)  # its error is raised once; the call is abandoned
                    return _timed_out(deadline.seconds or 0)
            if not self.calls:
                return None
        try:
            _check_memory()
        except MemoryExceeded as exc:
            with self.lock:
                self.calls.clear()
            return exc
        return None

    def _wait_for_main(self) -> None:
        """Give the main thread GRACE seconds to take the interrupt; else, inside the engine, end the process.

        Outside an engine call the main thread takes it when its native call
        returns, as Python always does, and cleans up on the way out.
        """
        until = time.monotonic() + GRACE
        while self.taken < self.sent:
            if time.monotonic() >= until:
                with self.lock:
                    if self.taken >= self.sent:
                        return
                    if self.calls or self.pending is not None:
                        self.leaving = True
                        error = self.pending
                        break
            time.sleep(0.01)
        else:
            return
        if error is None:
            _leave("\nInterrupted.\n", INTERRUPTED)
        _leave(f"Error: {error}\n", 1)


def _leave(message: str, status: int) -> None:
    """Print ``message`` and end the process now (the main thread is inside the engine)."""
    # Flush what the command printed, unless standard output is stuck (a reader that stopped).
    flusher = threading.Thread(target=_flush, daemon=True)
    flusher.start()
    flusher.join(0.5)
    with contextlib.suppress(OSError):
        os.write(2, message.encode("utf-8", "replace"))
    os._exit(status)


def _flush() -> None:
    with contextlib.suppress(Exception):
        sys.stdout.flush()


_guard: _Guard | None = None
_start_lock = threading.Lock()


def _the_guard() -> _Guard:
    global _guard
    with _start_lock:
        if _guard is None:
            _guard = _Guard()
        return _guard


def call(function: Callable[[], T], deadline: Deadline | None = None) -> T:
    """Run ``function()`` (an engine call) here, watched by the guard.

    >>> call(lambda: 6 * 7)
    42
    """
    watch = _the_guard().begin(deadline)
    try:
        return function()
    finally:
        watch.end()


def query(start: Callable[[], Any], deadline: Deadline | None = None) -> Any:
    """Run ``start()`` (an engine query) here; its rows are read here too, watched by the guard.

    Returns the engine's answer to ASK, or a :class:`Rows` of rows or triples.
    """
    import pyoxigraph as ox

    watch = _the_guard().begin(deadline)
    try:
        result = start()
    except BaseException:
        watch.end()
        raise
    if isinstance(result, ox.QueryBoolean):
        watch.end()
        return result
    variables = list(result.variables) if isinstance(result, ox.QuerySolutions) else None
    return Rows(result, variables, watch)


class _Watch:
    """An engine call in progress, ended once (by its end, ``close`` or garbage)."""

    def __init__(self, guard: _Guard, mark: Deadline):
        self._guard: _Guard | None = guard
        self._mark = mark

    def end(self) -> None:
        guard, self._guard = self._guard, None
        if guard is not None:
            guard.end(self._mark)


def _read(result: Any, watch: _Watch) -> Iterator:
    try:
        yield from result
    finally:
        watch.end()


class Rows:
    """The rows of a result, read on this thread; iterate it like the engine's result.

    ``variables`` are the engine's (for SELECT), None for triples. Iterating
    gives the generator itself (no Python call per row); the watch ends when
    the rows run out or the generator is closed or dropped.
    """

    def __init__(self, result: Any, variables: Any, watch: _Watch):
        self.variables = variables
        self._watch = watch
        self._rows = _read(result, self._watch)

    def __iter__(self) -> Iterator:
        return self._rows

    def __next__(self) -> Any:
        return next(self._rows)

    def close(self) -> None:
        """Stop reading: the engine call ends."""
        self._rows.close()
        self._watch.end()

    def __del__(self) -> None:
        rows = self._rows
        if rows.gi_frame is not None and not rows.gi_suspended and not rows.gi_running:
            self._watch.end()  # never iterated: the generator has no frame to end it
