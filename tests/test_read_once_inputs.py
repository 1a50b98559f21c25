"""CSV import and RDF load from inputs that can be read only once: a named pipe, <(...), stdin."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from csv_helpers import HEADERS, count, good_files

import graphkit
from graphkit.importer import ImportProblems, import_csv

# Long enough for a slow machine, short enough that a hang fails the test instead of the run.
TIMEOUT = 120


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """The temporary folder the importer copies pipes into, so that a test can see it emptied."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


class Pipes:
    """Named pipes, each fed by a writer thread; any writer still blocked is released at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.writers: list[tuple[Path, threading.Thread]] = []

    def add(self, name: str, text: str) -> Path:
        path = self.folder / name
        os.mkfifo(path)

        def write() -> None:
            try:
                with open(path, "wb") as fh:  # blocks until the importer opens the pipe
                    fh.write(text.encode("utf-8"))
            except OSError:
                pass  # released by close(): the importer never read it

        thread = threading.Thread(target=write, daemon=True)
        thread.start()
        self.writers.append((path, thread))
        return path

    def close(self) -> None:
        for path, thread in self.writers:
            if thread.is_alive():  # let a writer that nobody read from finish
                fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
                os.close(fd)
            thread.join(TIMEOUT)


@pytest.fixture
def pipes(tmp_path):
    made = Pipes(tmp_path)
    yield made
    made.close()


def within(seconds: float, work: Callable[[], object]) -> object:
    """Run ``work`` in a thread and return its result; fail (instead of hanging) if it takes too long."""
    done: list = []

    def run() -> None:
        try:
            done.append((work(), None))
        except BaseException as exc:  # raised again in the test's own thread
            done.append((None, exc))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert done, f"still running after {seconds} s: an input was opened again and waits for a writer"
    result, error = done[0]
    if error is not None:
        raise error
    return result


def sheets(tmp_path) -> dict[str, str]:
    folder = good_files(tmp_path / "good")
    return {kind: (folder / f"{kind}.csv").read_text(encoding="utf-8") for kind in HEADERS}


def test_named_pipes_import_into_a_new_store(tmp_path, pipes, private_tmp):
    texts = sheets(tmp_path)
    inputs = [pipes.add(f"{kind}.csv", text) for kind, text in texts.items()]
    store = tmp_path / "kg"
    with graphkit.open(store, create=True, read_only=False) as kg:
        report = within(TIMEOUT, lambda: import_csv(kg, inputs))
    assert report.count("entities", "new") == 2 and report.count("relationships", "new") == 1
    assert report.files == {kind: str(tmp_path / f"{kind}.csv") for kind in HEADERS}
    assert count(store) > 0
    assert list(private_tmp.iterdir()) == []  # the copies are gone


def test_unnamed_pipes_are_told_by_their_header_and_validated_then_imported(
    cli, tmp_path, pipes, private_tmp
):
    # As <(cat entities.csv) gives: a pipe whose name says nothing. --validate reads the input twice.
    texts = sheets(tmp_path)
    inputs = [pipes.add(str(63 + i), text) for i, text in enumerate(texts.values())]
    store = tmp_path / "kg"
    args = ["import", *map(str, inputs), "--validate", "--store", str(store)]
    result = within(TIMEOUT, lambda: CliRunner().invoke(cli, args))
    assert result.exit_code == 0, result.output
    assert "Imported into" in result.output and "new store" in result.output
    assert count(store) > 0
    assert list(private_tmp.iterdir()) == []


def test_problems_name_the_pipe_not_its_copy(cli, tmp_path, pipes, private_tmp):
    bad = HEADERS["entities"] + "\nacme,Acme,Compnay,,,,\n"
    entities = pipes.add("entities.csv", bad)
    result = within(TIMEOUT, lambda: CliRunner().invoke(cli, ["import", "--dry-run", str(entities)]))
    assert result.exit_code == 1
    assert f"{entities}, row 2, column 'type'" in result.output, result.output
    assert str(private_tmp) not in result.output and "Traceback" not in result.output
    assert list(private_tmp.iterdir()) == []


def test_stdin_is_read_once(cli, tmp_path, private_tmp):
    entities = sheets(tmp_path)["entities"]
    result = CliRunner().invoke(cli, ["import", "--dry-run", "-"], input=entities.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert "new entities: acme, example-ministry" in result.output
    bad = CliRunner().invoke(cli, ["import", "--dry-run", "-"], input=b"name,age\nacme,3\n")
    assert bad.exit_code == 1
    assert "stdin: cannot tell what this input holds" in bad.output, bad.output
    twice = CliRunner().invoke(cli, ["import", "--dry-run", "-", "-"], input=entities)
    assert twice.exit_code == 1 and "stdin: the standard input can be read only once" in twice.output
    assert list(private_tmp.iterdir()) == []


def test_a_device_is_refused_not_read_forever(cli):
    result = within(TIMEOUT, lambda: CliRunner().invoke(cli, ["import", "--dry-run", os.devnull]))
    assert result.exit_code == 1
    assert f"{os.devnull}: it is a device, not a file" in result.output


def test_library_import_names_problems_by_the_pipe(tmp_path, pipes, private_tmp):
    entities = pipes.add("people", HEADERS["entities"] + "\nacme,Acme,Company,,,,\n")
    with graphkit.open() as kg, pytest.raises(ImportProblems) as caught:
        within(TIMEOUT, lambda: import_csv(kg, [entities, tmp_path / "missing.csv"], dry_run=True))
    assert [p.file for p in caught.value.problems] == [str(tmp_path / "missing.csv")]


def test_ftm_from_stdin_is_read_once_and_named_stdin(cli):
    pytest.importorskip("followthemoney")
    from csv_helpers import EXAMPLE

    ftm = (EXAMPLE.parent / "example.ftm.jsonl").read_bytes()
    result = CliRunner().invoke(cli, ["import", "--dry-run", "-F", "ftm", "-"], input=ftm)
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output
    bad = CliRunner().invoke(cli, ["import", "--dry-run", "-F", "ftm", "-"], input=b'{"id": \n')
    assert bad.exit_code == 1 and "stdin, line 1: malformed JSON" in bad.output, bad.output


def test_library_ftm_import_reads_a_named_pipe_once(tmp_path, pipes, private_tmp):
    pytest.importorskip("followthemoney")
    from csv_helpers import EXAMPLE

    from graphkit.importer import import_ftm

    ftm = (EXAMPLE.parent / "example.ftm.jsonl").read_text(encoding="utf-8")
    pipe = pipes.add("aleph.ftm.jsonl", ftm)
    with graphkit.open(tmp_path / "kg", create=True) as kg:
        report = within(TIMEOUT, lambda: import_ftm(kg, pipe))
        assert report.files == {"ftm": str(pipe)}
        assert report.count("entities", "new") > 0 and report.count("relationships", "new") > 0
        assert kg.triple_count() > 0
    assert list(private_tmp.iterdir()) == []  # the copy is gone

    bad = pipes.add("bad.ftm.jsonl", ftm + '{"id": \n')
    with graphkit.open() as kg, pytest.raises(ImportProblems) as caught:
        within(TIMEOUT, lambda: import_ftm(kg, bad, dry_run=True))
    [problem] = caught.value.problems
    lines = ftm.count("\n") + 1
    assert (problem.file, problem.row) == (str(bad), lines) and "malformed JSON" in problem.message


@pytest.mark.parametrize(
    ("name", "reason"),
    [("folder", "a folder, not a file"), ("missing.ftm.jsonl", "no such file"), ("/dev/zero", "a device")],
)
def test_library_ftm_import_refuses_what_is_not_a_file(tmp_path, name, reason):
    pytest.importorskip("followthemoney")
    from graphkit.importer import import_ftm

    (tmp_path / "folder").mkdir()
    path = name if name.startswith("/") else str(tmp_path / name)
    with graphkit.open() as kg, pytest.raises(ImportProblems) as caught:
        within(TIMEOUT, lambda: import_ftm(kg, path, dry_run=True))
    [problem] = caught.value.problems
    assert problem.file == path and reason in problem.message


def test_a_folder_holding_a_pipe_or_a_dangling_link_under_a_csv_name_says_so(cli, tmp_path):
    folder = good_files(tmp_path / "sheets")
    (folder / "relationships.csv").unlink()
    os.mkfifo(folder / "relationships.csv")  # never opened: nothing writes to it
    (folder / "sources.csv").unlink()
    (folder / "sources.csv").symlink_to(tmp_path / "gone.csv")
    (folder / "notes.csv").mkdir()  # not a kind graphkit reads: left alone
    result = within(TIMEOUT, lambda: CliRunner().invoke(cli, ["import", "--dry-run", str(folder)]))
    assert result.exit_code == 1, result.output
    assert f"{folder / 'relationships.csv'}: a named pipe (give it on its own" in result.output
    assert f"{folder / 'sources.csv'}: a link to nothing, not a CSV file" in result.output
    assert "notes.csv" not in result.output and "Traceback" not in result.output


NT = '<http://example.org/a> <http://example.org/p> "one" .\n<http://example.org/b> <http://example.org/p> "two" .\n'


def test_load_reads_a_named_pipe_once_even_with_validate(cli, tmp_path, pipes, private_tmp):
    store = tmp_path / "kg"
    data = pipes.add("data.nt", NT)
    result = within(
        TIMEOUT, lambda: CliRunner().invoke(cli, ["load", str(data), "--validate", "--store", str(store)])
    )
    assert result.exit_code == 0, result.output
    assert "Loaded 2 statements" in result.output and count(store) == 2
    # Into the existing store, --validate tries the write on a copy first: the pipe is still read once.
    more = pipes.add("63", NT.replace("example.org/a", "example.org/c"))
    args = ["load", str(more), "--format", "nt", "--validate", "--store", str(store)]
    result = within(TIMEOUT, lambda: CliRunner().invoke(cli, args))
    assert result.exit_code == 0, result.output
    assert count(store) == 3
    assert list(private_tmp.iterdir()) == []


def test_load_from_stdin_names_stdin_in_its_errors(cli, tmp_path, private_tmp):
    store = tmp_path / "kg"
    loaded = CliRunner().invoke(cli, ["load", "-", "--format", "nt", "--store", str(store)], input=NT)
    assert loaded.exit_code == 0 and count(store) == 2, loaded.output
    unnamed = CliRunner().invoke(cli, ["load", "-", "--store", str(store)], input=NT)
    assert unnamed.exit_code == 1 and "stdin: cannot tell the RDF format" in unnamed.output
    broken = CliRunner().invoke(
        cli,
        ["load", "-", "--format", "nt", "--store", str(store)],
        input=NT + "<http://example.org/c> <p> .\n",
    )
    assert broken.exit_code == 1 and broken.output.startswith("Error: stdin:3:"), broken.output
    assert str(private_tmp) not in broken.output and "Traceback" not in broken.output
    twice = CliRunner().invoke(cli, ["load", "-", "-", "--format", "nt", "--store", str(store)], input=NT)
    assert twice.exit_code == 1 and "the standard input can be read only once" in twice.output
    assert "nothing was loaded" in twice.output and count(store) == 2
    assert list(private_tmp.iterdir()) == []


def test_the_library_says_what_a_path_is_when_it_is_not_a_file(tmp_path):
    pipe = tmp_path / "data.nt"
    os.mkfifo(pipe)
    with graphkit.open(tmp_path / "kg", create=True) as kg:
        with pytest.raises(graphkit.GraphkitError, match=r"data.nt is a named pipe, not a file"):
            kg.load([pipe])
        with pytest.raises(graphkit.GraphkitError, match=r"no such file: .*missing.nt"):
            kg.load([tmp_path / "missing.nt"])
