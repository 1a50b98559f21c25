"""FtM files: the entities of a JSON-lines file or of a JSON array, one by one, with their line numbers.

Aleph and OpenSanctions export JSON lines; other tools write one JSON array.
Either way each entity comes with the line it starts on, and a line that is
not JSON comes as an error naming it, so that the reader can report every
problem of a file at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: File names read as FtM without --format ftm.
SUFFIXES = (".ftm.json", ".ftm.jsonl", ".ftm.ndjson")


def is_ftm_file(path: str | Path) -> bool:
    """Whether a file name says it holds FtM entities.

    >>> is_ftm_file("aleph-export.ftm.jsonl"), is_ftm_file("entities.csv")
    (True, False)
    """
    return str(path).lower().endswith(SUFFIXES)


def read_entities(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """(line, parsed JSON value, error) for each entity of a JSON-lines file or a JSON array."""
    with path.open("rb") as fh:
        head = fh.read(4096).lstrip()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    if head.startswith(b"["):
        yield from _read_array(path)
        return
    with path.open(encoding="utf-8-sig", errors="strict") as fh:
        number = 0
        while True:
            number += 1
            try:
                line = fh.readline()
            except UnicodeDecodeError:
                yield number, None, "not UTF-8 text"
                return
            if not line:
                return
            if not line.strip():
                continue
            try:
                yield number, json.loads(line), None
            except json.JSONDecodeError as exc:
                yield number, None, f"malformed JSON: {exc.msg} (column {exc.colno})"
            except RecursionError:
                yield number, None, "malformed JSON: nested too deeply"


def _read_array(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        yield 1, None, "not UTF-8 text"
        return
    decoder = json.JSONDecoder()
    pos, line, counted = text.index("[") + 1, 1, 0

    def skip(pos: int, chars: str) -> int:
        while pos < len(text) and text[pos] in chars:
            pos += 1
        return pos

    while True:
        pos = skip(pos, " \t\r\n")
        line += text.count("\n", counted, pos)
        counted = pos
        if pos >= len(text):
            yield line, None, "malformed JSON: the array is not closed with ]"
            return
        if text[pos] == "]":
            return
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield exc.lineno, None, f"malformed JSON: {exc.msg} (column {exc.colno})"
            return
        except RecursionError:
            yield line, None, "malformed JSON: nested too deeply"
            return
        yield line, value, None
        pos = skip(end, " \t\r\n")
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos < len(text) and text[pos] != "]":
            line += text.count("\n", counted, pos)
            yield line, None, "malformed JSON: expected ',' or ']' after an entity"
            return
