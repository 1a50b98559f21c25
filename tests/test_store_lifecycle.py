"""Creating, sharing and damaging embedded stores: concurrent creators, leftovers, bad files."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import graphkit

GRAPHKIT = [sys.executable, "-c", "from graphkit.cli import main; main()"]
MEDIUM = 150_000


def _write_nt(path: Path, triples: int, tag: str) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(triples):
            fh.write(f'<http://example.org/{tag}{i}> <http://example.org/p> "value {i} with padding" .\n')
    return path


@pytest.fixture(scope="module")
def medium_file(tmp_path_factory) -> Path:
    return _write_nt(tmp_path_factory.mktemp("medium") / "medium.nt", MEDIUM, "m")


def _staging(store: Path, purpose: str = "loading") -> list[Path]:
    return sorted(store.parent.glob(f".{store.name}.{purpose}-*"))


def _start(*args) -> subprocess.Popen:
    return subprocess.Popen(
        [*GRAPHKIT, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _graphkit(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run a graphkit command to its end, its output captured as text."""
    return subprocess.run([*GRAPHKIT, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def _wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _count(store: Path) -> int:
    with graphkit.open(store, read_only=True) as graph:
        return graph.triple_count()


def test_second_load_into_the_same_new_store_is_told_it_is_in_use(tmp_path, medium_file):
    store = tmp_path / "kg"
    small = _write_nt(tmp_path / "small.nt", 3, "s")
    first = _start("load", medium_file, "--store", store)
    _wait_for(lambda: _staging(store))
    second = _graphkit("load", small, "--store", store)
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == 1
    assert f"the store {store} is in use by another graphkit process" in second.stderr
    assert "nothing was written" in second.stderr and "--wait" in second.stderr
    assert "Traceback" not in second.stderr
    assert _count(store) == MEDIUM
    assert not _staging(store)


def test_with_wait_the_second_load_adds_to_the_store_the_first_made(tmp_path, medium_file):
    store = tmp_path / "kg"
    small = _write_nt(tmp_path / "small.nt", 3, "s")
    first = _start("load", medium_file, "--store", store)
    _wait_for(lambda: _staging(store))
    second = _graphkit("load", small, "--store", store, "--wait", timeout=300)
    first.communicate(timeout=300)
    assert first.returncode == 0
    assert second.returncode == 0, second.stderr
    assert "Loaded 3 statements" in second.stdout
    assert _count(store) == MEDIUM + 3


HOLD_CREATION = """
import sys, time
from pathlib import Path
import pyoxigraph as ox
from graphkit.store.creating import new_store_folder
with new_store_folder(Path(sys.argv[1]), "loading") as staging:
    store = ox.Store(str(staging))
    store.add(ox.Quad(ox.NamedNode("http://example.org/held"), ox.NamedNode("http://example.org/p"), ox.Literal("x")))
    store.flush()
    del store
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_import_into_a_store_being_created_is_told_or_waits(tmp_path):
    store = tmp_path / "kg"
    example = Path(graphkit.__file__).parent.parent / "data" / "templates" / "example"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_CREATION, str(store), "3"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        refused = _graphkit("import", example, "--store", store)
        assert refused.returncode == 1
        assert "is in use by another graphkit process" in refused.stderr
        assert "Traceback" not in refused.stderr
        waited = _graphkit("import", example, "--store", store, "--wait")
        assert waited.returncode == 0, waited.stderr
        assert "Imported into" in waited.stdout
    finally:
        holder.wait(timeout=60)
    with graphkit.open(store, read_only=True) as graph:
        assert graph.ask("ASK { <http://example.org/held> ?p ?o }")
        assert graph.ask("ASK { ?s a gk:Country }")


@pytest.mark.parametrize("command", ["load", "import"])
def test_leftover_of_a_killed_first_write_is_removed_and_mentioned(tmp_path, medium_file, command):
    store = tmp_path / "kg"
    if command == "load":
        victim = _start("load", medium_file, "--store", store)
        _wait_for(lambda: _staging(store))
    else:
        victim = subprocess.Popen(
            [sys.executable, "-c", HOLD_CREATION.replace('"loading"', '"importing"'), str(store), "60"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert victim.stdout.readline().strip() == "holding"
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    (leftover,) = _staging(store, "loading" if command == "load" else "importing")
    assert f"-{victim.pid}-" in leftover.name
    small = _write_nt(tmp_path / "small.nt", 3, "s")
    result = _graphkit("load", small, "--store", store)
    assert result.returncode == 0, result.stderr
    assert f"removed {leftover}" in result.stderr
    assert f"process {victim.pid} is gone" in result.stderr
    assert not leftover.exists()
    assert _count(store) == 3


def test_validate_after_waiting_for_another_creator_writes_nothing_and_says_run_again(tmp_path):
    # The check was for a new store: the one another process made meanwhile was not checked.
    store = tmp_path / "kg"
    small = _write_nt(tmp_path / "small.nt", 3, "s")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_CREATION, str(store), "2"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        waited = _graphkit("load", small, "--store", store, "--wait", "--validate")
    finally:
        holder.wait(timeout=60)
    assert waited.returncode == 1 and "Traceback" not in waited.stderr
    assert "created by another graphkit process while this one waited" in waited.stderr
    assert "nothing was written: run the command again" in waited.stderr
    assert _count(store) == 1 and not _staging(store)
    again = _graphkit("load", small, "--store", store, "--validate")
    assert again.returncode == 0, again.stderr
    assert _count(store) == 4


def test_scratch_copy_of_a_killed_validate_is_removed_and_mentioned(tmp_path, medium_file):
    store = tmp_path / "kg"
    graphkit.open(store, create=True).load([_write_nt(tmp_path / "first.nt", 3, "f")])
    victim = _start("load", medium_file, "--store", store, "--validate")
    _wait_for(lambda: _staging(store, "validating"))
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    (leftover,) = _staging(store, "validating")
    assert f"-{victim.pid}-" in leftover.name
    result = _graphkit("stats", "--store", store)
    assert result.returncode == 0, result.stderr
    assert not result.stderr and leftover.exists()  # reading leaves it: only a write cleans up
    small = _write_nt(tmp_path / "small.nt", 3, "s")
    result = _graphkit("load", small, "--store", store)
    assert result.returncode == 0, result.stderr
    assert f"removed {leftover}" in result.stderr
    assert f"interrupted validation (process {victim.pid} is gone)" in result.stderr
    assert not leftover.exists()
    assert _count(store) == 6


def test_the_staging_folder_of_a_running_load_is_left_alone(tmp_path):
    store = tmp_path / "kg"
    alive = tmp_path / f".kg.loading-{os.getpid()}-abcd"
    alive.mkdir()
    graphkit.open(store, create=True).load([_write_nt(tmp_path / "small.nt", 3, "s")])
    assert alive.exists()


def _unprivileged(*args) -> subprocess.CompletedProcess:
    """Run graphkit as root without its capabilities, so that file permissions apply."""
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to drop root's capabilities")
    command = [*GRAPHKIT, *map(str, args)]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", ["stats", "update"])
def test_unreadable_store_gives_a_clear_error(persistent_store, command):
    args = ["stats"] if command == "stats" else ["update", 'INSERT DATA { gkd:x rdfs:label "x" }']
    persistent_store.chmod(0)
    try:
        result = _unprivileged(*args, "--store", persistent_store)
    finally:
        persistent_store.chmod(0o700)
    assert result.returncode == 1
    assert f"Error: cannot read {persistent_store}: permission denied" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreadable_files_in_a_store_give_a_clear_error(persistent_store):
    for path in persistent_store.iterdir():
        path.chmod(0)
    result = _unprivileged("stats", "--store", persistent_store)
    assert result.returncode == 1
    assert "permission denied" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("damage", ["CURRENT", "MANIFEST"])
@pytest.mark.parametrize("command", ["stats", "update"])
def test_corrupt_store_files_give_a_clear_error(persistent_store, damage, command):
    if damage == "CURRENT":
        (persistent_store / "CURRENT").write_text("garbage\n")
    else:
        (manifest,) = persistent_store.glob("MANIFEST-*")
        with manifest.open("r+b") as fh:
            fh.seek(100)
            fh.write(b"\xff" * 200)
    args = ["stats"] if command == "stats" else ["update", 'INSERT DATA { gkd:x rdfs:label "x" }']
    result = _graphkit(*args, "--store", persistent_store)
    assert result.returncode == 1
    assert f"Error: the store {persistent_store} is damaged" in result.stderr
    assert f"graphkit check --store {persistent_store}" in result.stderr
    assert "Traceback" not in result.stderr


def _damage_data_files(store: Path) -> None:
    """200 bytes of 0xFF early in each data file, as a disk fault would leave."""
    for data in store.glob("*.sst"):
        with data.open("r+b") as fh:
            fh.seek(min(5000, data.stat().st_size // 4))
            fh.write(b"\xff" * 200)


def _limited_memory():
    import resource

    limit = 3 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_check_says_a_sound_store_is_sound(persistent_store):
    result = _graphkit("check", "--store", persistent_store)
    assert result.returncode == 0, result.stderr
    assert (
        f"{persistent_store}: OK. {_count(persistent_store)} triples; every index reads and agrees."
        in result.stdout
    )


@pytest.mark.parametrize("damage", ["data file", "CURRENT", "MANIFEST"])
def test_check_finds_damage_in_bounded_memory_and_says_what_to_do(persistent_store, damage):
    if damage == "data file":
        _damage_data_files(persistent_store)
    elif damage == "CURRENT":
        (persistent_store / "CURRENT").write_text("garbage\n")
    else:
        (manifest,) = persistent_store.glob("MANIFEST-*")
        with manifest.open("r+b") as fh:
            fh.seek(100)
            fh.write(b"\xff" * 200)
    result = subprocess.run(
        [*GRAPHKIT, "check", "--store", str(persistent_store)],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limited_memory,
    )
    assert result.returncode == 1
    assert f"Error: the store {persistent_store} is damaged: " in result.stderr
    assert "Rebuild the store from your source files" in result.stderr
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr


def test_check_refuses_what_is_not_a_store(tmp_path):
    result = _graphkit("check")
    assert result.returncode == 1
    assert "check verifies an embedded store folder" in result.stderr
    result = _graphkit("check", "--store", tmp_path)
    assert result.returncode == 1
    assert "is not a graphkit store folder" in result.stderr


def test_stats_on_a_damaged_data_file_stops_in_bounded_memory(persistent_store):
    """A damaged block can make the engine allocate without end: stop it with a clear error."""
    _damage_data_files(persistent_store)
    result = subprocess.run(
        [*GRAPHKIT, "stats", "--store", str(persistent_store)],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limited_memory,
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "graphkit check --store" in result.stderr
    assert "Traceback" not in result.stderr and "memory allocation" not in result.stderr
