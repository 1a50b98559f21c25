"""SPARQL results from an endpoint, checked row by row as they arrive.

The JSON results format is streamed into pyoxigraph's parser, so ``--limit``
or a closed pipe stops reading early and memory stays flat. On the way, each
row is decoded and checked (a malformed row, an unknown term type, a missing
bracket become a clear error naming the endpoint, never a traceback), and
engines that answer ``"1"^^xsd:boolean`` for ``true`` are corrected.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator

import pyoxigraph as ox

from graphkit.errors import RemoteError
from graphkit.vocab import XSD

_BINDINGS = re.compile(r'"bindings"\s*:\s*\[')
_SPACE = re.compile(r"[ \t\r\n]*")
_TERM_TYPES = {"uri", "literal", "typed-literal", "bnode", "triple"}
_BOOLEAN = XSD + "boolean"
_BOOLEAN_WORDS = {"1": "true", "0": "false", "true": "true", "false": "false"}
_MAX_ROW = 64 << 20  # one row larger than this is not a SPARQL result


def malformed(url: str, detail: str) -> RemoteError:
    return RemoteError(f"{url} sent malformed SPARQL results: {detail}")


def _check_term(url: str, name: str, term, fix_booleans: bool) -> bool:
    """Raise on a malformed term; return True when it was rewritten."""
    if not isinstance(term, dict) or term.get("type") not in _TERM_TYPES:
        kind = term.get("type") if isinstance(term, dict) else type(term).__name__
        raise malformed(url, f"unknown term type {str(kind)[:40]!r} for ?{name[:40]}")
    value = term.get("value")
    if term["type"] == "triple":
        if not isinstance(value, dict):
            raise malformed(url, f"a quoted triple for ?{name[:40]} has no parts")
        return False
    if not isinstance(value, str):
        raise malformed(url, f"a term for ?{name[:40]} has no string value")
    fixed = _BOOLEAN_WORDS.get(value, value) if fix_booleans and term.get("datatype") == _BOOLEAN else value
    if fixed != value:
        term["value"] = fixed
        return True
    return False


class _ChunkStream(io.RawIOBase):
    """A readable stream over an iterator of byte chunks; closing it closes the iterator."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._out = b""

    def readable(self) -> bool:
        return True

    def _fill(self) -> bool:
        """Put the next bytes in ``self._out``; False at the end."""
        chunk = next(self._chunks, None)
        if chunk is None:
            return False
        self._out = chunk
        return True

    def readinto(self, buffer) -> int:
        while not self._out:
            if not self._fill():
                return 0
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        super().close()


class CheckedJson(_ChunkStream):
    """A SPARQL JSON results body, passed on row by row once each row is checked."""

    def __init__(self, chunks: Iterator[bytes], url: str, *, fix_booleans: bool = False):
        super().__init__(chunks)
        self._url = url
        self._fix = fix_booleans
        self._decode = codecs.getincrementaldecoder("utf-8")("strict")
        self._text = ""
        self._pos = 0
        self._eof = False
        self._state = "head"
        self._prefix = ""
        self._first = True
        self._json = json.JSONDecoder()

    def _fill(self) -> bool:
        while not self._out and self._state != "done":
            self._step()
        return bool(self._out)

    # -- the state machine ---------------------------------------------------

    def _more(self) -> None:
        chunk = next(self._chunks, None)
        try:
            if chunk is None:
                self._text += self._decode.decode(b"", final=True)
                self._eof = True
            else:
                self._text += self._decode.decode(chunk)
        except UnicodeDecodeError as exc:
            raise malformed(self._url, f"not UTF-8 ({exc.reason})") from None
        if self._pos > 1 << 16:
            self._text = self._text[self._pos :]
            self._pos = 0

    def _emit(self, text: str) -> None:
        self._out += text.encode("utf-8")

    def _step(self) -> None:
        if self._state == "head":
            match = _BINDINGS.search(self._text, self._pos)
            if match:
                self._prefix = self._text[self._pos : match.end()]
                self._emit(self._prefix)
                self._pos = match.end()
                self._state = "rows"
            elif self._eof:
                self._state = "tail"
            else:
                self._more()
        elif self._state == "rows":
            self._row()
        else:
            self._tail()

    def _row(self) -> None:
        text = self._text
        pos = _SPACE.match(text, self._pos).end()
        if not self._first and pos < len(text) and text[pos] == ",":
            pos = _SPACE.match(text, pos + 1).end()
        elif pos < len(text) and text[pos] == "]":
            self._pos = pos
            self._state = "tail"
            return
        if pos >= len(text):
            if self._eof:
                raise malformed(self._url, "the answer ends in the middle of the rows")
            self._more()
            return
        try:
            row, end = self._json.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            if self._eof or len(text) - pos > _MAX_ROW:
                raise malformed(self._url, f"row {exc.msg.lower()}") from None
            self._more()
            return
        if not isinstance(row, dict):
            raise malformed(self._url, "a row is not a JSON object")
        changed = False
        for name, term in row.items():
            changed |= _check_term(self._url, str(name), term, self._fix)
        piece = json.dumps(row, ensure_ascii=False) if changed else text[pos:end]
        self._emit(piece if self._first else "," + piece)
        self._first = False
        self._pos = end

    def _tail(self) -> None:
        while not self._eof:
            self._more()
        tail = self._text[self._pos :]
        skeleton = self._prefix + tail
        try:
            document = json.loads(skeleton)
        except json.JSONDecodeError as exc:
            raise malformed(self._url, f"{exc.msg.lower()} (not a complete JSON document)") from None
        if not isinstance(document, dict) or not ("results" in document or "boolean" in document):
            raise malformed(self._url, "neither results nor a boolean")
        self._emit(tail)
        self._pos = len(self._text)
        self._state = "done"


def solutions(chunks: Iterator[bytes], url: str, *, fix_booleans: bool = False) -> ox.QuerySolutions:
    """SELECT results, parsed as they arrive.

    >>> body = b'{"head":{"vars":["b"]},"results":{"bindings":[{"b":{"type":"typed-literal",'
    >>> body += b'"datatype":"http://www.w3.org/2001/XMLSchema#boolean","value":"1"}}]}}'
    >>> [row["b"].value for row in solutions(iter([body]), "http://x", fix_booleans=True)]
    ['true']
    """
    stream = io.BufferedReader(CheckedJson(chunks, url, fix_booleans=fix_booleans))
    try:
        result = ox.parse_query_results(stream, ox.QueryResultsFormat.JSON)
    except SyntaxError as exc:
        raise malformed(url, str(exc)) from None
    if isinstance(result, ox.QueryBoolean):
        raise malformed(url, "a yes/no answer to a SELECT query")
    return result


def boolean(body: bytes, url: str) -> ox.QueryBoolean:
    """An ASK answer; also read from engines that answer ASK with one row of 1 or 0.

    >>> bool(boolean(b'{"head":{},"boolean":false}', "http://x"))
    False
    >>> row = b'{"r":{"type":"literal","value":"1"}}'
    >>> bool(boolean(b'{"head":{"vars":["r"]},"results":{"bindings":[' + row + b"]}}", "x"))
    True
    """
    try:
        document = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise malformed(url, f"{exc} (not a complete JSON document)") from None
    answer = document.get("boolean") if isinstance(document, dict) else None
    if answer is None and isinstance(document, dict):
        rows = (document.get("results") or {}).get("bindings")
        if isinstance(rows, list) and len(rows) <= 1:
            values = [
                t.get("value") for r in rows if isinstance(r, dict) for t in r.values() if isinstance(t, dict)
            ]
            answer = bool(values) and values[0] in ("1", "true")
    if not isinstance(answer, bool):
        raise malformed(url, "an ASK query got no yes/no answer")
    return ox.parse_query_results(json.dumps({"head": {}, "boolean": answer}), ox.QueryResultsFormat.JSON)


class Triples:
    """CONSTRUCT / DESCRIBE results read as N-Triples as they arrive, like ``QueryTriples``."""

    def __init__(self, chunks: Iterator[bytes], url: str, *, fix_booleans: bool = False):
        self._chunks = chunks
        self._url = url
        self._fix = fix_booleans

    def __iter__(self) -> Iterator[ox.Triple]:
        stream = io.BufferedReader(_ChunkStream(self._chunks))
        try:
            for quad in ox.parse(stream, ox.RdfFormat.N_TRIPLES):
                obj = quad.object
                if self._fix and isinstance(obj, ox.Literal) and obj.datatype.value == _BOOLEAN:
                    obj = ox.Literal(_BOOLEAN_WORDS.get(obj.value, obj.value), datatype=obj.datatype)
                yield ox.Triple(quad.subject, quad.predicate, obj)
        except SyntaxError as exc:
            raise malformed(self._url, f"not N-Triples: {exc}") from None
        finally:
            stream.close()

    def serialize(self, output=None, format=ox.RdfFormat.TURTLE):
        return ox.serialize(iter(self), output, format)
