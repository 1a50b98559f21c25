"""The walkthrough notebook runs from top to bottom without a cell error."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "01-explore.ipynb"


@pytest.mark.slow
def test_notebook_executes(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "source: Spy agency minister Judith Collins" in text
    html = [o for o in outputs if "text/html" in o.get("data", {})]
    assert any("<iframe" in o["data"]["text/html"] for o in html)


def test_notebook_is_committed_without_outputs():
    import json

    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code")


def test_the_notebook_extra_installs_what_the_notebook_imports():
    """README says `pip install '.[notebook]'` then open the notebook: every cell must then run."""
    import json
    import re
    import tomllib

    pyproject = tomllib.loads((NOTEBOOK.parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    extra = {
        re.split(r"[<>=!~; \[]", req)[0].lower()
        for req in pyproject["project"]["optional-dependencies"]["notebook"]
    }
    code = "\n".join(
        "".join(c["source"])
        for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == "code"
    )
    needed = {"pandas", "ipykernel", "jupyterlab"}
    if "ftm" in code:  # import_ftm / export -F ftm need the followthemoney library
        needed.add("followthemoney")
    assert needed <= extra, f"the notebook extra lacks {sorted(needed - extra)}"
