"""A materialised projection beside an embedded store, so an unchanged store is read once.

The full, unfiltered table of a projection (entities and relationship edges)
is saved in ``DIR/graphkit-projection.cache`` inside the store folder the
first time it is needed; the names of entities (labels and aliases, for
resolving a name a user types) in ``DIR/graphkit-names.cache``. Both are
keyed on the store's own files: the name, size and modification time of
every RocksDB file (write-ahead log, sorted tables, MANIFEST, CURRENT), which
change on every write, whether it comes from graphkit or from any other
program using the store. A key that no longer matches means the file is
rebuilt; it is never read stale.

Each file is signed (HMAC-SHA256) with a key private to the user
(``~/.cache/graphkit/projection.key``), so a store folder received from
someone else cannot smuggle in a crafted file: an unsigned or foreign file is
ignored and rewritten. Set ``GRAPHKIT_PROJECTION_CACHE=off`` to turn both
caches off. Remote stores are not cached: their filtering runs in SPARQL.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from graphkit.__about__ import __version__
from graphkit.model.graph import KnowledgeGraph
from graphkit.vocab import ONTOLOGY_FILE, data_dir

CACHE_FILE = "graphkit-projection.cache"
#: Entity names (labels and aliases) for resolving a name without scanning the store.
NAMES_FILE = "graphkit-names.cache"
_CACHES = (CACHE_FILE, NAMES_FILE)
ENV_VAR = "GRAPHKIT_PROJECTION_CACHE"
#: Bump when the table's layout changes.
FORMAT = 2
_MAGIC = b"graphkit-projection\n"
_VOLATILE = ("LOCK", "LOG")  # RocksDB's lock and info log change on every open, not on writes

T = TypeVar("T")


def enabled() -> bool:
    """False when ``$GRAPHKIT_PROJECTION_CACHE`` says off (``off``, ``0``, ``no``, ``false``)."""
    return os.environ.get(ENV_VAR, "").strip().lower() not in ("off", "0", "no", "false")


def store_state(folder: Path) -> str:
    """A digest of the store's files that changes on every write to the store.

    >>> import tempfile, pyoxigraph as ox
    >>> folder = Path(tempfile.mkdtemp())
    >>> store = ox.Store(str(folder))
    >>> before = store_state(folder)
    >>> store.add(ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/p"),
    ...                   ox.Literal("b")))
    >>> store_state(folder) != before
    True
    """
    digest = hashlib.sha256(f"{FORMAT} {__version__}".encode())
    ontology = data_dir() / ONTOLOGY_FILE
    info = ontology.stat()
    digest.update(f"{info.st_size} {info.st_mtime_ns}\n".encode())
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name in _CACHES or entry.name.startswith(_VOLATILE) or not entry.is_file():
            continue
        try:
            info = entry.stat()
        except FileNotFoundError:  # removed by the engine's compaction since the listing
            continue
        digest.update(f"{entry.name} {info.st_size} {info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _secret() -> bytes | None:
    """The user's signing key, made on first use (None when there is nowhere to keep it)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "graphkit"
    path = base / "projection.key"
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    try:
        base.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            key = secrets.token_bytes(32)
            out.write(key)
        return key
    except OSError:
        return None


def _read_own_file(path: Path, size: int = -1) -> bytes | None:
    """The first ``size`` bytes (all: -1) of ``path`` if it is a regular file of this user, else None.

    Never through a link: a FIFO or a link to /dev/zero in a store folder
    from someone else would otherwise hang the read or fill the memory. A
    file of another user was signed with another key: it would only be read
    in vain.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
                return None
            return fh.read(size)
    except OSError:
        return None


def _read(path: Path, state: str, key: bytes) -> Any | None:
    data = _read_own_file(path)
    if data is None:
        return None
    head = len(_MAGIC)
    if not data.startswith(_MAGIC) or len(data) < head + 96:
        return None
    mac, stored_state, payload = data[head : head + 32], data[head + 32 : head + 96], data[head + 96 :]
    if stored_state != state.encode():
        return None
    expected = hmac.new(key, stored_state + payload, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):
        return None  # not written by this user's graphkit: never unpickle it
    try:
        return pickle.loads(payload)
    except Exception:  # a truncated or damaged file is rebuilt
        return None


def _write(path: Path, state: str, key: bytes, table: Any) -> None:
    payload = pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL)
    mac = hmac.new(key, state.encode() + payload, hashlib.sha256).digest()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".graphkit-projection-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(_MAGIC + mac + state.encode() + payload)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def applies(kg: KnowledgeGraph) -> bool:
    """Whether full projections of ``kg`` are cached: an embedded store on disk, with the cache on.

    >>> import graphkit
    >>> with graphkit.open() as kg:  # the bundled data, in memory
    ...     applies(kg)
    False
    """
    return getattr(kg.backend, "path", None) is not None and kg.backend.kind == "oxigraph" and enabled()


def is_warm(kg: KnowledgeGraph, file: str = CACHE_FILE) -> bool:
    """Whether ``file`` beside the store was made for its present state: reading it would be quick.

    Only the file's header is read (its signature is checked when it is
    loaded: a file that fails then is rebuilt, as a cold one is).

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     is_warm(kg)
    False
    """
    if not applies(kg):
        return False
    folder = Path(kg.backend.path)
    head = _read_own_file(folder / file, len(_MAGIC) + 96) or b""
    return head.startswith(_MAGIC) and head[len(_MAGIC) + 32 :] == store_state(folder).encode()


def cached_table(kg: KnowledgeGraph, build: Callable[[KnowledgeGraph], T], file: str = CACHE_FILE) -> T:
    """``build(kg)``, or the saved result when the embedded store has not changed since.

    ``file`` names the cache in the store folder: :data:`CACHE_FILE` for the
    projection, :data:`NAMES_FILE` for the entity names.
    """
    if file not in _CACHES:
        raise ValueError(f"not a graphkit cache file: {file!r}")
    if not applies(kg):
        return build(kg)
    folder = Path(kg.backend.path)
    key = _secret()
    if key is None:
        return build(kg)
    path = folder / file
    state = store_state(folder)
    table = _read(path, state, key)
    if table is not None:
        return table
    table = build(kg)
    # Saved only if nothing was written while it was read.
    if os.access(folder, os.W_OK) and store_state(folder) == state:
        _write(path, state, key, table)
    return table
