"""export --format csv into a folder: the five sheets, all or none, and nothing else touched."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from graphkit.export import files
from graphkit.export.files import atomic_folder
from graphkit.export.spreadsheet import FILES
from tests.helpers import run, run_ok


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry of ``folder``: a file's bytes, or what a link points to."""
    return {
        p.name: os.readlink(p) if p.is_symlink() else p.read_bytes() if p.is_file() else "special"
        for p in folder.iterdir()
    }


def _old_export(tmp_path: Path) -> Path:
    """A folder that holds an earlier export of one sheet and a file of the user's."""
    folder = tmp_path / "sheets"
    folder.mkdir()
    (folder / "entities.csv").write_text("old", encoding="utf-8")
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    return folder


def test_help_names_the_files_it_writes():
    out = run_ok("export", "--help").output
    for name in FILES:
        assert name in out
    assert "with nodes.csv" not in out


def test_csv_writes_its_five_files_and_leaves_others_alone(tmp_path):
    folder = _old_export(tmp_path)
    run_ok("export", "-F", "csv", "-o", folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted([*FILES, "notes.txt"])
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (folder / "entities.csv").read_text(encoding="utf-8").startswith("id,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheets"]  # no temporary folder left


def test_csv_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    folder = _old_export(tmp_path)
    os.chmod(folder / "entities.csv", 0o600)
    run_ok("export", "-F", "csv", "-o", folder)
    assert (folder / "entities.csv").stat().st_mode & 0o777 == 0o600


def test_a_link_at_a_sheet_name_is_refused_and_not_followed(tmp_path):
    folder = _old_export(tmp_path)
    elsewhere = tmp_path / "precious.csv"
    elsewhere.write_text("keep", encoding="utf-8")
    (folder / "relationships.csv").symlink_to(elsewhere)
    before = _snapshot(folder)
    result = run("export", "-F", "csv", "-o", folder)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert f"{folder / 'relationships.csv'}: it is a symbolic link" in result.output
    assert _snapshot(folder) == before and elsewhere.read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious.csv", "sheets"]


def test_a_pipe_at_a_sheet_name_is_refused_without_opening_it(tmp_path):
    folder = _old_export(tmp_path)
    os.mkfifo(folder / "sources.csv")
    done: list = []
    # Opening the pipe would block forever: run in a thread so that the test cannot hang.
    worker = threading.Thread(
        target=lambda: done.append(run("export", "-F", "csv", "-o", folder)), daemon=True
    )
    worker.start()
    worker.join(60)
    assert done, "the export opened the named pipe"
    result = done[0]
    assert result.exit_code == 1 and "sources.csv: it is a named pipe" in result.output
    assert (folder / "entities.csv").read_text(encoding="utf-8") == "old"


def test_a_failed_write_leaves_the_folder_as_it_was(tmp_path):
    folder = _old_export(tmp_path)
    before = _snapshot(folder)
    with pytest.raises(RuntimeError), atomic_folder(folder) as staging:
        (staging / "entities.csv").write_text("new", encoding="utf-8")
        raise RuntimeError("disk full")
    assert _snapshot(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheets"]


def test_a_failed_rename_puts_back_what_it_replaced(tmp_path, monkeypatch):
    folder = _old_export(tmp_path)
    before = _snapshot(folder)
    real_replace = os.replace

    def replace_fails_on_the_second_sheet(src, dst):
        if Path(dst) == folder / "relationships.csv":  # after entities.csv was replaced
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", replace_fails_on_the_second_sheet)
    with (
        pytest.raises(files.GraphkitError, match="No space left on device"),
        atomic_folder(folder) as staging,
    ):
        (staging / "entities.csv").write_text("new", encoding="utf-8")
        (staging / "relationships.csv").write_text("new", encoding="utf-8")
    monkeypatch.undo()
    assert _snapshot(folder) == before  # entities.csv is the old one again
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheets"]


def test_a_folder_at_a_sheet_name_is_refused(tmp_path):
    folder = _old_export(tmp_path)
    (folder / "gephi-edges.csv").mkdir()
    result = run("export", "-F", "csv", "-o", folder)
    assert result.exit_code == 1 and "gephi-edges.csv: it is a folder" in result.output
    assert (folder / "entities.csv").read_text(encoding="utf-8") == "old"
