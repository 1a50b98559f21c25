"""HTTP for SPARQL endpoints: one deadline and one size limit per request, no surprises.

* Only ``http://`` and ``https://`` URLs are endpoints.
* A write never follows a redirect (it would be re-sent elsewhere, or
  dropped); a read follows one only to the same scheme, host and port.
* The deadline (``GRAPHKIT_TIMEOUT`` seconds) covers the whole request:
  connecting, the headers and every byte of the body. A watchdog closes the
  socket when it passes, so a server sending one byte a second cannot hold
  graphkit longer than that.
* A response body larger than ``GRAPHKIT_MAX_RESPONSE_MB`` megabytes is an
  error, read chunk by chunk (never the whole body at once).
* An error page becomes a short message: the engine's own words first, HTML
  stripped, an echoed query left out.
"""

from __future__ import annotations

import contextlib
import html
import math
import os
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping

import urllib3
import urllib3.connection
import urllib3.exceptions

from graphkit.errors import QueryError, RemoteError, StoreError

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_MB = 4096.0
_REDIRECTS = (301, 302, 303, 307, 308)
_MAX_HOPS = 5
_CHUNK = 1 << 16
_ERROR_BODY = 1 << 16


class RequestTooLarge(RemoteError):
    """The engine refused a request for its size (HTTP 413, or its own words for it)."""


def _positive(name: str, raw: str, default: float) -> float:
    if raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise StoreError(f"{name} must be a positive number, not {raw!r}")
    return value


def timeout_from_env() -> float:
    """Seconds allowed for one request: ``GRAPHKIT_TIMEOUT``, else 30.

    >>> timeout_from_env() > 0
    True
    """
    return _positive("GRAPHKIT_TIMEOUT", os.environ.get("GRAPHKIT_TIMEOUT", ""), DEFAULT_TIMEOUT)


def max_bytes_from_env() -> int:
    """Largest response body accepted: ``GRAPHKIT_MAX_RESPONSE_MB`` megabytes, else 4096."""
    raw = os.environ.get("GRAPHKIT_MAX_RESPONSE_MB", "")
    return int(_positive("GRAPHKIT_MAX_RESPONSE_MB", raw, DEFAULT_MAX_MB) * 1_000_000)


def check_url(url: str, what: str = "endpoint") -> str:
    """Return ``url`` when it is a usable http(s) URL, else raise StoreError.

    >>> check_url("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/query'
    >>> check_url("file:///etc/passwd")
    Traceback (most recent call last):
    graphkit.errors.StoreError: the SPARQL endpoint must be an http:// or https:// URL, not 'file:///etc/passwd'
    """
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise StoreError(f"malformed {what} URL {url!r}: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise StoreError(f"the SPARQL {what} must be an http:// or https:// URL, not {url!r}")
    if not parts.hostname:
        raise StoreError(f"the SPARQL {what} URL {url!r} has no host")
    return url


def with_query(url: str, params: Mapping[str, str]) -> str:
    """``url`` with ``params`` added to its query string (existing ones kept).

    >>> with_query("http://h/store?key=1", {"graph": "urn:x?y"})
    'http://h/store?key=1&graph=urn%3Ax%3Fy'
    """
    parts = urllib.parse.urlsplit(url)
    pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(pairs)))


def _origin(url: str) -> tuple[str, str, int]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def engine_message(body: bytes, content_type: str = "") -> str:
    """The engine's own words from an error body: HTML stripped, echoed query left out.

    >>> engine_message(b"Virtuoso 37000 Error SP030: syntax error\\n\\nSPARQL query:\\nSELECT ...")
    'Virtuoso 37000 Error SP030: syntax error'
    >>> engine_message(b"<html><title>Oops</title><body><h1>Bad &amp; wrong</h1></body></html>", "text/html")
    'Oops Bad & wrong'
    """
    text = body.decode("utf-8", "replace")
    if "html" in content_type.lower() or re.match(r"\s*<(!doctype|html)", text, re.IGNORECASE):
        text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", text)
        text = re.sub(r"(?s)<[^>]*>", " ", text)
        text = html.unescape(text)
    for marker in ("SPARQL query:", "\nQuery:", "\nquery="):
        cut = text.find(marker)
        if cut >= 0:
            text = text[:cut]
    text = " ".join(text.split())
    # Control characters from a hostile body must not reach a terminal.
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text[:400] + ("…" if len(text) > 400 else "")


class Response:
    """A response whose body is read in chunks, under the request's deadline and size limit."""

    def __init__(self, url: str, raw, deadline: float, limit: int, watchdog: _Watchdog):
        self.url = url
        self.status: int = raw.status
        self.headers = raw.headers
        self._raw = raw
        self._deadline = deadline
        self._limit = limit
        self._watchdog = watchdog
        self.received = 0

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    @property
    def server(self) -> str:
        return self.headers.get("Server", "")

    def chunks(self, size: int = _CHUNK) -> Iterator[bytes]:
        """The body, chunk by chunk; errors name the URL."""
        try:
            while True:
                try:
                    chunk = self._raw.read1(size)
                except (urllib3.exceptions.HTTPError, OSError) as exc:
                    if self._watchdog.fired or time.monotonic() >= self._deadline:
                        raise _timed_out(self.url, self._watchdog.seconds) from None
                    raise RemoteError(f"{self.url} broke off its answer: {_reason(exc)}") from None
                if not chunk:
                    if self._watchdog.fired:
                        raise _timed_out(self.url, self._watchdog.seconds)
                    return
                self.received += len(chunk)
                if self.received > self._limit:
                    raise RemoteError(
                        f"{self.url} sent more than {self._limit / 1e6:g} MB; "
                        "raise GRAPHKIT_MAX_RESPONSE_MB if this is expected"
                    )
                if time.monotonic() >= self._deadline:
                    raise _timed_out(self.url, self._watchdog.seconds)
                yield chunk
        finally:
            self.close()

    def read(self) -> bytes:
        """The whole body (within the size limit)."""
        return b"".join(self.chunks())

    def close(self) -> None:
        self._watchdog.cancel()
        self._raw.close()
        self._watchdog.conn.close()


class _Watchdog:
    """Shuts a connection's socket down when the request's deadline passes."""

    def __init__(self, conn, seconds: float, remaining: float):
        self.seconds = seconds
        self.fired = False
        self.conn = conn
        self._timer = threading.Timer(max(remaining, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        sock = getattr(self.conn, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


def _timed_out(url: str, seconds: float) -> RemoteError:
    return RemoteError(f"{url} did not answer within {seconds:g} s (GRAPHKIT_TIMEOUT)")


def _reason(exc: BaseException) -> str:
    while isinstance(exc, urllib3.exceptions.HTTPError) and exc.__context__ is not None:
        if str(exc):
            break
        exc = exc.__context__
    text = str(exc) or type(exc).__name__
    return re.sub(r"<urllib3[^>]*>: ", "", text)


class Http:
    """Sends POST requests to one SPARQL service under the rules of this module."""

    def __init__(self, timeout: float | None = None, max_bytes: int | None = None):
        self.timeout = timeout_from_env() if timeout is None else timeout
        if not (isinstance(self.timeout, (int, float)) and math.isfinite(self.timeout) and self.timeout > 0):
            raise StoreError(f"the timeout must be a positive number of seconds, not {self.timeout!r}")
        self.max_bytes = max_bytes_from_env() if max_bytes is None else max_bytes
        #: Phrases by which an engine says that a request was too large.
        self.too_large: tuple[str, ...] = ()

    def post(
        self,
        url: str,
        body: bytes,
        content_type: str,
        *,
        accept: str | None = None,
        write: bool,
        timeout: float | None = None,
    ) -> Response:
        """POST ``body``; return the successful response, its body not yet read.

        Errors are StoreError subclasses naming the URL: QueryError for a
        refused query (HTTP 400), RequestTooLarge, RemoteError otherwise.
        ``timeout`` replaces the client's deadline for this request.
        """
        headers = {"Content-Type": content_type, "User-Agent": "graphkit"}
        if accept:
            headers["Accept"] = accept
        seconds = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + seconds
        current = check_url(url)
        for _ in range(_MAX_HOPS + 1):
            response = self._send(current, body, headers, deadline, seconds)
            if response.status not in _REDIRECTS:
                return self._checked(response)
            location = response.headers.get("Location")
            response.close()
            if not location:
                raise RemoteError(f"{current} answered HTTP {response.status} without a Location")
            target = urllib.parse.urljoin(current, location)
            if write:
                raise RemoteError(
                    f"{current} redirected a write to {target}; graphkit does not follow redirects "
                    "when writing (the data could be lost or sent elsewhere). Use the final URL."
                )
            if _origin(target) != _origin(current):
                raise RemoteError(
                    f"{current} redirected to {target}, another scheme, host or port; graphkit "
                    "follows redirects only on the same server. Use the final URL if you trust it."
                )
            current = target
        raise RemoteError(f"{url} redirected more than {_MAX_HOPS} times")

    def _send(self, url: str, body: bytes, headers: dict, deadline: float, seconds: float) -> Response:
        parts = urllib.parse.urlsplit(url)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _timed_out(url, seconds)
        kind = (
            urllib3.connection.HTTPSConnection
            if parts.scheme.lower() == "https"
            else urllib3.connection.HTTPConnection
        )
        conn = kind(parts.hostname, parts.port, timeout=remaining)
        watchdog = _Watchdog(conn, seconds, remaining)
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        try:
            conn.connect()
            conn.request("POST", target, body=body, headers=headers, preload_content=False)
            raw = conn.getresponse()
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            watchdog.cancel()
            conn.close()
            if watchdog.fired or isinstance(exc, (TimeoutError, socket.timeout)):
                raise _timed_out(url, seconds) from None
            raise RemoteError(f"cannot reach the SPARQL endpoint {url}: {_reason(exc)}") from None
        return Response(url, raw, deadline, self.max_bytes, watchdog)

    def _checked(self, response: Response) -> Response:
        if 200 <= response.status < 300:
            return response
        status, url = response.status, response.url
        reason = getattr(response._raw, "reason", "") or ""
        body = b""
        try:
            for chunk in response.chunks():
                body += chunk
                if len(body) >= _ERROR_BODY:
                    break
        except RemoteError:
            pass
        finally:
            response.close()
        message = engine_message(body[:_ERROR_BODY], response.content_type) or reason or "no message"
        where = f"(HTTP {status} from {url})"
        lowered = message.lower()
        if status == 413 or any(p.lower() in lowered for p in self.too_large):
            raise RequestTooLarge(f"{message} {where}")
        if status == 400:
            raise QueryError(f"{message} {where}")
        if status in (401, 403):
            raise RemoteError(f"{message} {where}: the endpoint refused access; check the update rights")
        raise RemoteError(f"{message} {where}")
