"""Where command output goes: standard output that may be full or closed.

Every command prints through click to standard output, which may be a
terminal, a file on a full disk (``> /dev/full``) or a pipe whose reader has
gone (``| head -1``). :class:`OutputGroup` makes those cases clean: a full
disk is a one-line error with exit status 1, a closed pipe ends the command
quietly, and neither prints a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from typing import Any

import click

#: Write failures that are the environment's fault, not a bug: reported in one line.
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO, errno.EROFS})


def _silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so the flush at exit cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (tests capture output in memory)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _fail(exc: OSError) -> None:
    """Report a write failure on one line and leave with status 1."""
    _silence_stdout()
    if exc.errno != errno.EPIPE:
        with contextlib.suppress(OSError):
            click.echo(f"Error: {exc.strerror or exc}", err=True)
    sys.exit(1)


def flush_stdout() -> None:
    """Flush standard output now, so that a full disk is reported while we can.

    >>> flush_stdout()
    """
    sys.stdout.flush()


class OutputGroup(click.Group):
    """A click group whose commands fail cleanly when their output cannot be written.

    After the command ends, standard output is flushed (output to a file is
    buffered: a full disk shows only then). ``No space left on device`` and
    similar failures print one line and exit 1; a closed pipe exits 1
    silently, as Python recommends for SIGPIPE.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            result = super().main(*args, **kwargs)
        except SystemExit:
            try:
                flush_stdout()
            except OSError as exc:
                _fail(exc)
            raise
        except OSError as exc:
            if exc.errno not in WRITE_ERRNOS and exc.errno != errno.EPIPE:
                raise
            _fail(exc)
        try:
            flush_stdout()
        except OSError as exc:
            _fail(exc)
        return result
