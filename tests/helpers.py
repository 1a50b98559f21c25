"""Small helpers shared by the CLI tests."""

from __future__ import annotations

from click.testing import CliRunner

from graphkit.cli import main
from graphkit.vocab import PREFIXES


def run(*args: str):
    """Invoke the CLI; a user mistake must never print a traceback."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def run_ok(*args: str):
    """Invoke the CLI and require success."""
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


# Turtle prefix declarations for test data: the library's own prefix table.
TTL_PREFIXES = "".join(f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in PREFIXES.items())
