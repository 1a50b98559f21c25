"""Where output goes: -o never destroys a device, a pipe or a link; a full disk or a closed pipe is clean.

These run the real command in a subprocess: a full disk and a closed pipe only
show on real file descriptors.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers import run, run_ok

GRAPHKIT = [sys.executable, "-c", "from graphkit.cli import main; main()"]
ROOT = Path(__file__).resolve().parent.parent
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="device nodes need root")


def graphkit(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GRAPHKIT_STORE", None)
    return subprocess.run([*GRAPHKIT, *args], env=env, capture_output="stdout" not in kwargs, **kwargs)


def _mknod(path: Path, kind: int, major: int, minor: int) -> None:
    try:
        os.mknod(path, kind | 0o644, os.makedev(major, minor))
    except PermissionError:
        pytest.skip("this machine does not allow device nodes")


def _read_fifo(path: Path, into: list) -> threading.Thread:
    def reader():
        with open(path, "rb") as fh:
            into.append(fh.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


@as_root
def test_a_character_device_is_written_through_not_replaced(tmp_path):
    null = tmp_path / "null"
    _mknod(null, stat.S_IFCHR, 1, 3)  # the numbers of /dev/null
    result = run_ok("export", "-F", "nt", "-o", str(null))
    assert "Wrote" in result.output
    assert stat.S_ISCHR(null.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]  # no temporary file left


@as_root
def test_a_full_device_gives_a_clear_error_and_stays_a_device(tmp_path):
    full = tmp_path / "full"
    _mknod(full, stat.S_IFCHR, 1, 7)  # the numbers of /dev/full
    result = run("export", "-F", "ttl", "-o", str(full))
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert stat.S_ISCHR(full.lstat().st_mode)


@as_root
def test_a_block_device_is_refused(tmp_path):
    block = tmp_path / "block"
    _mknod(block, stat.S_IFBLK, 7, 0)
    result = run("export", "-F", "nt", "-o", str(block))
    assert result.exit_code == 1
    assert "it is a block device" in result.output
    assert stat.S_ISBLK(block.lstat().st_mode)


def test_a_fifo_is_written_through(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    run_ok("export", "-F", "nt", "-o", str(fifo))
    reader.join(10)
    assert got and got[0].count(b"\n") > 1000
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_symlink_to_a_fifo_is_followed(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "link").symlink_to("fifo")
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    run_ok("export", "-F", "nt", "-o", str(tmp_path / "link"))
    reader.join(10)
    assert got and got[0].startswith(b"<")
    assert (tmp_path / "link").is_symlink() and stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_symlink_to_a_file_replaces_the_target_and_keeps_the_link(tmp_path):
    (tmp_path / "real.ttl").write_text("old")
    (tmp_path / "link.ttl").symlink_to("real.ttl")
    run_ok("export", "-F", "ttl", "-o", str(tmp_path / "link.ttl"))
    assert (tmp_path / "link.ttl").is_symlink()
    assert "@prefix" in (tmp_path / "real.ttl").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ttl", "real.ttl"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    (tmp_path / "link.ttl").symlink_to("new.ttl")
    run_ok("export", "-F", "nt", "-o", str(tmp_path / "link.ttl"))
    assert (tmp_path / "link.ttl").is_symlink() and (tmp_path / "new.ttl").stat().st_size > 1000


def test_a_folder_or_a_socket_is_refused(tmp_path):
    (tmp_path / "dir").mkdir()
    assert "it is a folder" in run("export", "-F", "nt", "-o", str(tmp_path / "dir")).output
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "sock"))
        result = run("export", "-F", "nt", "-o", str(tmp_path / "sock"))
    assert result.exit_code == 1 and "it is a socket" in result.output
    assert stat.S_ISSOCK((tmp_path / "sock").lstat().st_mode)


def test_dash_writes_to_stdout():
    assert run_ok("export", "-F", "nt", "-o", "-").output.startswith("<")


@pytest.mark.parametrize(
    "args",
    [
        ["export", "-F", "ttl"],
        ["query", "SELECT * WHERE { ?s ?p ?o }"],
        ["query", "-F", "csv", "SELECT * WHERE { ?s ?p ?o }"],
        ["stats"],
        ["show", "AWS"],
        ["path", "Judith Collins", "Google"],
        ["neighbors", "AWS", "--depth", "2"],
        ["timeline"],
        ["validate"],
        ["communities"],
        ["show", "AWS", "-F", "json"],
    ],
)
def test_a_full_disk_on_stdout_is_one_clear_line(args):
    with open("/dev/full", "wb") as full:
        result = graphkit(*args, stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 1
    assert result.stderr.decode() == "Error: No space left on device\n"


def _small_files():
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write instead of a killed process


def test_a_disk_that_fills_keeps_the_old_file(tmp_path):
    old = tmp_path / "graph.ttl"
    old.write_text("the previous export\n")
    result = graphkit("export", "-F", "ttl", "-o", str(old), preexec_fn=_small_files)
    assert result.returncode == 1
    assert result.stderr.decode() == f"Error: cannot write {old}: File too large\n"
    assert old.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


@pytest.mark.parametrize("args", [["query", "SELECT * WHERE { ?s ?p ?o }"], ["export", "-F", "nt"]])
def test_a_closed_pipe_ends_quietly(args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([*GRAPHKIT, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline()
    proc.stdout.close()  # like 'head -1'
    stderr = proc.stderr.read().decode()
    assert proc.wait(30) == 1
    assert stderr == ""


def test_dev_stdout_into_a_file_is_written_in_place(tmp_path):
    out = tmp_path / "out.nt"
    out.write_text("# kept\n")
    with out.open("ab") as appended:  # 'graphkit export -o /dev/stdout >> out.nt'
        result = graphkit("export", "-F", "nt", "-o", "/dev/stdout", stdout=appended, stderr=subprocess.PIPE)
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert text.startswith("# kept\n<") and text.count("\n") > 1000
    assert [p.name for p in tmp_path.iterdir()] == ["out.nt"]
