"""graphkit story: a story file becomes one self-contained page; bad files are clear errors, nothing written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_render import IMG, SCRIPT, page_data

from graphkit.cli import main
from graphkit.vocab import data_dir

EXAMPLE = data_dir() / "stories" / "collins-pacific-cyber.yaml"
COLLINS = "https://w3id.org/graphkit/id/judith-collins"
HOSTILE_CAPTION = (
    f"Hello {IMG} {SCRIPT} **bold** [click](javascript:window.__pwned=1) "
    "[data](data:text/html,x) [ok](https://example.org/a?b=1&c=2) `<code>`"
)


def story_data(document: str) -> dict:
    found = re.search(r'<script type="application/json" id="graphkit-story">(.*?)</script>', document, re.S)
    assert found, "no story block"
    return json.loads(found.group(1))


def build(tmp_path: Path, text: str, *extra: str):
    story = tmp_path / "story.yaml"
    story.write_text(text, encoding="utf-8")
    out = tmp_path / "story.html"
    result = CliRunner().invoke(main, ["story", str(story), "-o", str(out), *extra])
    return result, out


def test_example_story_builds_a_page_with_every_step(tmp_path):
    out = tmp_path / "example.html"
    result = CliRunner().invoke(main, ["story", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out}\n5 steps over ")
    document = out.read_text(encoding="utf-8")
    story = story_data(document)
    data = page_data(document)
    assert story["title"].startswith("The spy agency minister")
    assert len(story["steps"]) == 5
    assert story["steps"][-1]["nodes"] is None  # the last step is the whole map
    first = story["steps"][0]
    assert COLLINS in first["nodes"] and len(first["nodes"]) == 4
    edge_ids = {e["id"] for e in data["edges"]}
    for step in story["steps"][:-1]:
        assert set(step["edges"]) <= edge_ids
        drawn = {e["id"]: e for e in data["edges"]}
        assert all(
            drawn[e]["from"] in step["nodes"] and drawn[e]["to"] in step["nodes"] for e in step["edges"]
        )
    # relations: only "attended" and "met with" in the third step
    third = {next(e for e in data["edges"] if e["id"] == i)["relation"] for i in story["steps"][2]["edges"]}
    assert third == {"attended", "met with"}
    # a focus brings its neighbourhood
    assert len(story["steps"][3]["nodes"]) > 2 and story["steps"][3]["focus"]
    assert document.count("</script>") == 5  # data, story data, vis-network, view, story
    assert len(re.findall(r"^<script\b", document, re.M)) == 5


def test_captions_are_a_safe_tree_never_html(tmp_path):
    result, out = build(
        tmp_path, f"title: T\nsteps:\n  - entities: [AWS]\n    caption: {json.dumps(HOSTILE_CAPTION)}\n"
    )
    assert result.exit_code == 0, result.output
    document = out.read_text(encoding="utf-8")
    block = re.search(r'id="graphkit-story">(.*?)</script>', document, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block  # escaped as \u003c etc.
    for raw in ("javascript:", "data:text/html"):
        assert raw not in block
    [paragraph] = story_data(document)["steps"][0]["caption"]
    links = [part for part in paragraph[1] if isinstance(part, list) and part[0] == "a"]
    assert links == [["a", "https://example.org/a?b=1&c=2", ["ok"]]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "title: T\nsteps:\n  - entities: [AWS]\n    caption: ok\n  - entities: [Amazn Web Servces]\n    caption: x\n",
            "story.yaml: step 2: entities[1]: no entity is called 'Amazn Web Servces'; closest: 'Amazon Web Services'",
        ),
        ("title: T\nsteps:\n  - entities: [AWS]\n", "story.yaml: step 1: caption: required"),
        ("steps:\n  - entities: [AWS]\n    caption: x\n", "story.yaml: title: required"),
        ("title: T\n", "story.yaml: steps: required"),
        (
            "title: T\nsteps:\n  - entities: [AWS]\n    caption: x\n    captoin: y\n",
            "story.yaml: step 1: unknown field 'captoin'",
        ),
        (
            "title: T\nsteps:\n  - entities: [AWS]\n    focus: AWS\n    depth: -1\n    caption: x\n",
            "step 1: depth: must be a whole number",
        ),
        (
            "title: T\nsteps:\n  - entities: [AWS]\n    relations: [met wth]\n    caption: x\n",
            "step 1: relations[1]: unknown relation 'met wth'",
        ),
        (
            "title: T\nsteps:\n  - entities: AWS\n    caption: [x\n",
            "story.yaml:5:1: YAML error: expected ',' or ']'",
        ),
        ("title: [unclosed\n", "story.yaml:2:1: YAML error"),
        ("- just a list\n", "story.yaml: a story is a mapping"),
    ],
)
def test_bad_story_is_a_clear_error_and_writes_nothing(tmp_path, text, message):
    result, out = build(tmp_path, text)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "story.yaml"]  # no temporary file left either


def test_missing_story_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["story", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 1 and "cannot read the story file" in result.output
    assert not (tmp_path / "x.html").exists()


def test_same_story_gives_the_same_file(tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    for out in (first, second):
        assert CliRunner().invoke(main, ["story", str(EXAMPLE), "-o", str(out)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_a_story_that_ships_with_graphkit_is_found_by_name(tmp_path, monkeypatch):
    """Installed users have no data/ folder: the bundled story is named, from any folder."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["story", "collins-pacific-cyber", "-o", "collins.html"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "collins.html").is_file()
    missing = CliRunner().invoke(main, ["story", "no-such-story", "-o", "x.html"])
    assert missing.exit_code == 1
    assert "cannot read the story file" in missing.output
    assert "collins-pacific-cyber" in missing.output  # the names that ship are listed
    assert not (tmp_path / "x.html").exists()
