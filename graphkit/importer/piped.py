"""Inputs that can be read only once (stdin, a named pipe, ``<(...)``): copied to a temporary file first.

An import reads its input more than once: the encoding, the header, then the
rows; ``--validate``, and a store that another process made meanwhile, run
the whole import again. A pipe gives its bytes once, and opening it again
waits for a writer that is gone, so such an input is copied whole, in one
pass, into a private temporary folder and read from there. Messages still
name the input as the user gave it (:func:`given_name`).
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from graphkit.importer.problems import ImportProblems, Problem

#: The input name that stands for the standard input, and how messages call it.
STDIN = "-"
STDIN_NAME = "stdin"
#: Bytes copied at a time.
_PIECE = 1 << 20

# Each temporary copy (its path) mapped to the name the user gave; a context
# variable, so that nested spools (the command's and the library's) add up.
_GIVEN: ContextVar[Mapping[str, str]] = ContextVar("given_names")


def given_name(path: str | os.PathLike) -> str:
    """How the user named ``path``: the pipe or ``-`` it is a copy of, else ``path`` itself.

    >>> given_name("sheets/entities.csv")
    'sheets/entities.csv'
    """
    name = os.fspath(path)
    return _GIVEN.get({}).get(name, name)


def in_given_names(text: str) -> str:
    """``text`` (a message) with the path of each temporary copy replaced by the name the user gave.

    >>> in_given_names("ontology.ttl:3:1: bad")
    'ontology.ttl:3:1: bad'
    """
    for copy, name in sorted(_GIVEN.get({}).items(), key=lambda kv: -len(kv[0])):
        text = text.replace(copy, name)
    return text


def _shown(name: str) -> str:
    return STDIN_NAME if name == STDIN else name


def read_once(path: str | os.PathLike) -> bool:
    """Whether ``path`` can be read only once: ``-`` (stdin), a named pipe or a socket.

    A regular file or a folder can be read again; a path that cannot be
    looked at is left for the reader to report.

    >>> read_once("-"), read_once("/")
    (True, False)
    """
    if os.fspath(path) == STDIN:
        return True
    try:
        mode = os.stat(path).st_mode  # follows links: /dev/fd/63 is the pipe of <(...)
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _device(given: str) -> str | None:
    """Why ``given`` cannot be read to its end: a device (``/dev/zero`` never ends) or a terminal."""
    if given == STDIN:
        try:
            terminal = os.isatty(sys.stdin.fileno())
        except (AttributeError, OSError, ValueError):  # no real descriptor (an embedding program's stream)
            terminal = False
        return "the standard input is a terminal: send the file into it (- < FILE)" if terminal else None
    try:
        mode = os.stat(given).st_mode
    except OSError:
        return None
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device, not a file"
    return None


def _copy(given: str, to: Path) -> None:
    """Copy the whole of ``given`` into the new file ``to``, reading it once."""
    with to.open("xb") as out:
        if given == STDIN:
            source = getattr(sys.stdin, "buffer", None)
            if source is None:
                raise OSError("there is no standard input")
            shutil.copyfileobj(source, out, _PIECE)
        else:
            with open(given, "rb", buffering=0) as source:
                shutil.copyfileobj(source, out, _PIECE)


@contextmanager
def spooled(inputs: Sequence[str | os.PathLike]) -> Iterator[list[str]]:
    """``inputs``, each one that can be read only once replaced by a temporary copy of it.

    The copies, named as the inputs were (``-`` as ``stdin``), are removed
    on leaving; meanwhile :func:`given_name` turns a copy's path back into
    the name given. A device (which may never end) or a terminal on stdin is
    refused, and so is a failed copy (a full disk), each with a clear
    :class:`~graphkit.importer.problems.ImportProblems`.

    >>> with spooled(["sheets"]) as paths:
    ...     paths
    ['sheets']
    """
    given = [os.fspath(i) for i in inputs]
    problems = [Problem(_shown(g), reason) for g in dict.fromkeys(given) if (reason := _device(g))]
    if given.count(STDIN) > 1:
        problems.append(Problem(STDIN_NAME, "the standard input can be read only once: give - once"))
    if problems:
        raise ImportProblems(problems)
    names = dict(_GIVEN.get({}))
    paths: list[str] = []
    folder: Path | None = None
    try:
        for number, name in enumerate(given):
            if not read_once(name):
                paths.append(name)
                continue
            try:
                if folder is None:
                    folder = Path(tempfile.mkdtemp(prefix="graphkit-input-"))  # private (0700) to this user
                copy = folder / str(number) / ("stdin" if name == STDIN else Path(name).name or "input")
                copy.parent.mkdir()
                _copy(name, copy)
            except OSError as exc:
                reason = exc.strerror or str(exc)
                raise ImportProblems(
                    [Problem(_shown(name), f"cannot copy it to a temporary file to read: {reason}")]
                ) from None
            paths.append(str(copy))
            names[str(copy)] = _shown(names.get(name, name))
        token = _GIVEN.set(names)
        try:
            yield paths
        finally:
            _GIVEN.reset(token)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
