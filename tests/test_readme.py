"""README.md is executable documentation: its tour runs, top to bottom, in an empty folder.

Every fenced block whose first line starts with ``$ `` is a terminal session. Each
``$ graphkit ...`` command runs in-process through click's CliRunner and its output
(stdout and stderr, as a terminal shows them) must equal the lines that follow it in
README, up to the next ``$``. Other ``$`` commands (``mkdir``, ``cat > file <<'EOF'``
...) are shell steps that prepare files; they run in bash, and a here-document's lines
belong to its command. ``python`` blocks run too, in the same folder, in order.

Only what truly varies is normalised: the temporary folder's path. A line holding
only ``...`` in README stands for any number of output lines. A command is expected
to succeed unless its README output holds a line starting with ``Error:``, in which
case it must fail (non-zero exit).

Commands that need a server or the network belong in ``sh`` blocks without ``$``:
those are shown, not run.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from graphkit.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
ROOT = README.parent

_FENCE = re.compile(r"^```(\w*)\s*$")
_HEREDOC = re.compile(r"<<-?\s*'?\"?(\w+)'?\"?")


@dataclass
class Step:
    """One command (or python block) of the README, with what README says it prints."""

    line: int  # 1-based line in README
    kind: str  # "graphkit", "shell" or "python"
    text: str
    expected: list[str] = field(default_factory=list)


def parse_readme(text: str) -> list[Step]:
    """The runnable steps of README, in order."""
    lines = text.splitlines()
    steps: list[Step] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        lang, start = match.group(1), i + 1
        end = start
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        body = lines[start:end]
        if lang == "python":
            steps.append(Step(start + 1, "python", "\n".join(body)))
        elif body and body[0].startswith("$ "):
            steps.extend(_session(body, start))
        i = end + 1
    return steps


def _session(body: list[str], offset: int) -> list[Step]:
    steps: list[Step] = []
    j = 0
    while j < len(body):
        line = body[j]
        if line.startswith("$ "):
            command = line[2:]
            first = j
            heredoc = _HEREDOC.search(command)
            if heredoc:  # the here-document's lines are part of the command
                terminator = heredoc.group(1)
                k = j + 1
                while k < len(body) and body[k] != terminator:
                    k += 1
                command = "\n".join([command, *body[j + 1 : k + 1]])
                j = k
            kind = "graphkit" if command.startswith("graphkit ") and "\n" not in command else "shell"
            steps.append(Step(offset + first + 1, kind, command))
        elif steps:
            steps[-1].expected.append(line)
        j += 1
    return steps


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Line-by-line equality, where a line '...' matches any number of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(_matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and _matches(expected[1:], actual[1:])


def _clean(output: str, folder: Path) -> list[str]:
    for path in {str(folder), os.path.realpath(folder)}:
        output = output.replace(path + "/", "").replace(path, ".")
    lines = [line.rstrip() for line in output.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _shim(folder: Path) -> Path:
    """A ``graphkit`` executable that runs this tree's code, for shell steps."""
    bin_dir = folder / ".bin"
    bin_dir.mkdir()
    script = bin_dir / "graphkit"
    script.write_text(f"#!{sys.executable}\nfrom graphkit.cli import main\nmain()\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return bin_dir


def run_step(step: Step, folder: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run one step in ``folder``; return its exit status and output."""
    if step.kind == "graphkit":
        result = CliRunner().invoke(main, shlex.split(step.text)[1:])
        output = result.output
        if result.exception and not isinstance(result.exception, SystemExit):
            output += "".join(traceback.format_exception(result.exception))
        return result.exit_code, output
    if step.kind == "python":
        try:
            exec(compile(step.text, f"README.md:{step.line}", "exec"), {"__name__": "readme"})
        except Exception:
            return 1, traceback.format_exc()
        return 0, ""
    done = subprocess.run(
        ["bash", "-e", "-c", step.text],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


def test_readme_parses_into_a_tour():
    steps = parse_readme(README.read_text(encoding="utf-8"))
    commands = [s.text for s in steps if s.kind == "graphkit"]
    assert len(commands) >= 15
    assert any(c.startswith("graphkit load ") for c in commands)
    assert any(c.startswith("graphkit import ") for c in commands)


def test_parser_reads_sessions_heredocs_and_ellipsis():
    text = "\n".join(
        [
            "```",
            "$ graphkit stats",
            "what  count",
            "...",
            "$ cat > a.csv <<'EOF'",
            "id,label",
            "EOF",
            "$ graphkit show x",
            "```",
        ]
    )
    steps = parse_readme(text)
    assert [(s.kind, s.line) for s in steps] == [("graphkit", 2), ("shell", 5), ("graphkit", 8)]
    assert steps[0].expected == ["what  count", "..."]
    assert steps[1].text == "cat > a.csv <<'EOF'\nid,label\nEOF"
    assert _matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert not _matches(["a", "...", "z"], ["a", "b"])
    assert not _matches(["a"], ["a", "b"])


def test_readme_tour_runs_as_shown(tmp_path, monkeypatch):
    """Every command of README, run in order in an empty folder, prints what README shows."""
    folder = tmp_path / "tour"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("GRAPHKIT_STORE", raising=False)
    env = dict(os.environ)
    env["PATH"] = f"{_shim(tmp_path)}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)

    failures = []
    for step in parse_readme(README.read_text(encoding="utf-8")):
        status, output = run_step(step, folder, env)
        actual = _clean(output, folder)
        expected = [line.rstrip() for line in step.expected]
        while expected and not expected[-1]:
            expected.pop()
        should_fail = any(line.startswith("Error:") for line in expected)
        problems = []
        if step.kind in ("shell", "python") and not expected:
            if status != 0:
                problems.append(f"failed with status {status}")
        elif not _matches(expected, actual):
            problems.append("output differs")
        if step.kind == "graphkit" and (status != 0) != should_fail:
            problems.append(f"exit status {status}, expected {'non-zero' if should_fail else 0}")
        if problems:
            failures.append(
                f"README.md:{step.line}: $ {step.text.splitlines()[0]}\n  {'; '.join(problems)}\n"
                + "--- README shows:\n"
                + "\n".join(expected)
                + "\n--- the command printed:\n"
                + "\n".join(actual)
            )
    report = "\n\n".join(failures)
    assert not failures, f"{len(failures)} README step(s) differ from real output:\n\n{report}"


def test_every_dollar_line_of_readme_is_run():
    """A `$ ` command in a block that does not start with `$ ` would be shown but never checked."""
    text = README.read_text(encoding="utf-8")
    steps = parse_readme(text)
    run_lines = {step.line for step in steps}
    lines = text.splitlines()
    inside, skipped = False, []
    for number, line in enumerate(lines, 1):
        if _FENCE.match(line) or line.startswith("```"):
            inside = not inside
            continue
        if inside and line.startswith("$ ") and number not in run_lines:
            heredoc_body = any(s.line < number and line in s.text.splitlines() for s in steps)
            if not heredoc_body:
                skipped.append(f"README.md:{number}: {line}")
    assert not skipped, "commands shown but not run:\n" + "\n".join(skipped)
