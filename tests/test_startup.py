"""Start-up stays light: the command line imports heavy libraries only in the commands that use them."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from graphkit.cli import COMMANDS, load_command, main

HEAVY = ("rdflib", "networkx", "pyshacl", "scipy", "graphkit.render", "pyvis", "jinja2")


def loaded_after(code: str) -> set[str]:
    """The heavy modules that a fresh interpreter holds after running CODE."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    modules = json.loads(out.splitlines()[-1])
    return {m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)}


def test_import_cli_pulls_in_nothing_heavy():
    assert loaded_after("import graphkit.cli") == set()
    assert loaded_after("import graphkit") == set()


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_version_and_help_import_nothing_heavy(args):
    code = (
        "from graphkit.cli import main\n"
        f"try:\n    main({args!r}, standalone_mode=False)\nexcept SystemExit:\n    pass"
    )
    assert loaded_after(code) == set()


def test_query_imports_no_graph_library():
    code = "from graphkit.cli import main\nmain(['query', 'ASK {}', '-F', 'json'], standalone_mode=False)"
    assert not {m for m in loaded_after(code) if m.split(".")[0] in ("rdflib", "networkx", "scipy")}
    # A query on a local store needs no HTTP stack either.
    probe = f"{code}\nimport sys\nprint('urllib3' in sys.modules, 'graphkit.store.remote' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "False False"


def test_the_public_api_still_resolves():
    import graphkit

    assert callable(graphkit.project) and graphkit.open is graphkit.open_graph
    assert "project" in dir(graphkit)
    assert set(graphkit.__all__) == set(graphkit._LAZY) | {"__version__"}
    with pytest.raises(AttributeError):
        graphkit.no_such_name  # noqa: B018


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_table_matches_the_commands(name):
    """The short help in the table is the first paragraph of the command's docstring."""
    command = load_command(name)
    assert isinstance(command, click.Command) and command.name == name
    first = " ".join((command.help or "").split("\n\n")[0].split())
    assert COMMANDS[name][1] == first, f"update the row for {name!r} in graphkit.cli.COMMANDS"


def test_help_lists_every_command():
    from click.testing import CliRunner

    output = CliRunner().invoke(main, ["--help"]).output
    listed = [line.split()[0] for line in output.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == sorted(COMMANDS)
