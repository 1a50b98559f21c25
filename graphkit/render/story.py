"""Stories: a sequence of captioned views of the map, published as one self-contained page.

A story file is YAML::

    title: What the minister met and what she withheld   # required
    byline: By A. Reporter                                # optional
    ending: Everything in the data, on one map.           # optional caption of the last step
    steps:                                                # required, at least one
      - title: The minister                               # optional
        entities: [Judith Collins, NZSIS Minister]        # required: labels, aliases or IRIs
        relations: [holds post]                           # optional: only these relations
        focus: Judith Collins                             # optional: add its neighbourhood
        depth: 1                                          # optional (with focus), default 1
        caption: |                                        # required, safe Markdown
          Judith Collins is the **NZSIS Minister**.

Each step shows its entities (and, with ``focus``, every entity within
``depth`` hops of the focus) and the relationships among them (only the
``relations`` listed, when given). A last step showing the whole map is
always added. Any mistake is a :class:`StoryError` naming the step and the
field, raised before anything is written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from graphkit.errors import EntityError, GraphkitError
from graphkit.render import RenderedView
from graphkit.render.markdown import to_tree

STEP_FIELDS = {"title", "entities", "relations", "focus", "depth", "caption"}
STORY_FIELDS = {"title", "byline", "ending", "steps"}
DEFAULT_ENDING = "The whole map: every entity and relationship in the data. Click any line for its sources."
#: a story file larger than this is refused before it is parsed
MAX_STORY_BYTES = 2_000_000


@dataclass(repr=False)
class StoryView(RenderedView):
    """A rendered story page; ``steps`` counts its steps, the closing whole-map step included."""

    steps: int = 0


class StoryError(GraphkitError):
    """A story file that cannot be used: says where (file, step, field) and why."""


def bundled_stories() -> list[str]:
    """Names of the stories that ship with graphkit (``graphkit story NAME`` reads one).

    >>> "collins-pacific-cyber" in bundled_stories()
    True
    """
    from graphkit.vocab import data_dir

    return sorted(p.stem for p in (data_dir() / "stories").glob("*.yaml"))


def locate_story(spec: str | os.PathLike) -> Path:
    """The file a story argument names: a path, or a bare name of a story that ships with graphkit.

    >>> locate_story("collins-pacific-cyber").name
    'collins-pacific-cyber.yaml'
    """
    from graphkit.vocab import data_dir

    path = Path(spec)
    if path.exists() or path.parent != Path("."):
        return path
    stem = path.name.removesuffix(".yaml")
    bundled = data_dir() / "stories" / f"{stem}.yaml"
    return bundled if stem in bundled_stories() else path


def read_story(path: str | os.PathLike) -> dict:
    """Parse a story file (YAML), or a story that ships with graphkit; errors give the file and line.

    >>> try:
    ...     read_story("missing.yaml")
    ... except StoryError as exc:
    ...     print(exc)  # doctest: +NORMALIZE_WHITESPACE
    missing.yaml: cannot read the story file: No such file or directory (stories that ship with
    graphkit: collins-pacific-cyber)
    """
    import yaml

    name = str(path)
    try:
        with open(locate_story(path), "rb") as fh:
            raw = fh.read(MAX_STORY_BYTES + 1)
    except OSError as exc:
        shipped = ", ".join(bundled_stories())
        hint = f" (stories that ship with graphkit: {shipped})" if shipped else ""
        raise StoryError(f"{name}: cannot read the story file: {exc.strerror or exc}{hint}") from None
    if len(raw) > MAX_STORY_BYTES:
        raise StoryError(f"{name}: a story file may be at most {MAX_STORY_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoryError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    try:
        story = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise StoryError(f"{name}{where}: YAML error: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise StoryError(f"{name}: YAML error: {exc}") from None
    if not isinstance(story, dict):
        raise StoryError(f"{name}: a story is a mapping with 'title' and 'steps'")
    return story


def _text(value: object, where: str, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise StoryError(f"{where}: {'required, ' if value is None else ''}must be non-empty text")
    return value.strip()


def _names(value: object, where: str, *, required: bool) -> list[str]:
    if value is None and not required:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise StoryError(f"{where}: {'required, ' if value is None else ''}must be a name or a list of names")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise StoryError(f"{where}[{i + 1}]: must be a name (text)")
    return [v.strip() for v in value]


def _resolve(kg, name: str, where: str, graph: nx.Graph) -> str:
    from graphkit.model.resolve import resolve

    try:
        iri = resolve(kg, name).iri
    except EntityError as exc:
        raise StoryError(f"{where}: {exc}") from None
    if iri not in graph:
        raise StoryError(f"{where}: {name!r} is not in the map (check the store and filters)")
    return iri


def story_steps(kg, story: dict, graph: nx.MultiDiGraph, edge_ids: dict, name: str = "story") -> dict:
    """Check ``story`` against the graph; return the page's story data (node and edge ids per step).

    ``edge_ids`` maps ``(u, v, key)`` to the page's edge id.
    """
    unknown = sorted(set(story) - STORY_FIELDS)
    if unknown:
        raise StoryError(f"{name}: unknown field {unknown[0]!r} (allowed: {', '.join(sorted(STORY_FIELDS))})")
    title = _text(story.get("title"), f"{name}: title")
    byline = _text(story.get("byline"), f"{name}: byline", required=False)
    ending = _text(story.get("ending"), f"{name}: ending", required=False) or DEFAULT_ENDING
    steps = story.get("steps")
    if not isinstance(steps, list) or not steps:
        raise StoryError(f"{name}: steps: {'required, ' if steps is None else ''}must be a list of steps")
    undirected = graph.to_undirected(as_view=True)
    out = []
    for number, step in enumerate(steps, 1):
        where = f"{name}: step {number}"
        if not isinstance(step, dict):
            raise StoryError(f"{where}: must be a mapping with 'entities' and 'caption'")
        extra = sorted(set(step) - STEP_FIELDS)
        if extra:
            raise StoryError(
                f"{where}: unknown field {extra[0]!r} (allowed: {', '.join(sorted(STEP_FIELDS))})"
            )
        caption = _text(step.get("caption"), f"{where}: caption")
        heading = _text(step.get("title"), f"{where}: title", required=False)
        names = _names(step.get("entities"), f"{where}: entities", required=True)
        shown = {_resolve(kg, n, f"{where}: entities[{i + 1}]", graph) for i, n in enumerate(names)}
        focus = None
        if step.get("focus") is not None:
            focus = _resolve(kg, _text(step["focus"], f"{where}: focus"), f"{where}: focus", graph)
            depth = step.get("depth", 1)
            if isinstance(depth, bool) or not isinstance(depth, int) or not 0 <= depth <= 10:
                raise StoryError(f"{where}: depth: must be a whole number from 0 to 10")
            shown |= set(nx.single_source_shortest_path_length(undirected, focus, cutoff=depth))
            shown.add(focus)
        elif "depth" in step:
            raise StoryError(f"{where}: depth: needs a focus")
        relations = None
        wanted = _names(step.get("relations"), f"{where}: relations", required=False)
        if wanted:
            relations = set()
            for i, relation in enumerate(wanted):
                try:
                    relations.add(kg.schema.find_relation(relation))
                except GraphkitError as exc:
                    raise StoryError(f"{where}: relations[{i + 1}]: {exc}") from None
        edges = sorted(
            edge_ids[(u, v, k)]
            for u, v, k, d in graph.subgraph(shown).edges(keys=True, data=True)
            if relations is None or d.get("relation_iri") in relations
        )
        out.append(
            {
                "title": heading,
                "caption": to_tree(caption),
                "nodes": sorted(shown),
                "edges": sorted(edges, key=lambda e: int(e[1:])),
                "focus": focus,
            }
        )
    out.append(
        {"title": "The whole map", "caption": to_tree(ending), "nodes": None, "edges": None, "focus": None}
    )
    return {"title": title, "byline": byline, "steps": out}


def build_story(kg, story_path: str | os.PathLike, path: str | os.PathLike | None = None, *, seed: int = 42):
    """Read a story file and write its page to ``path`` (all checks first; nothing written on error).

    Returns a :class:`StoryView`.
    """
    from graphkit.export.files import atomic_file, check_target
    from graphkit.projection import project
    from graphkit.render.data import ordered_edges, view_data
    from graphkit.render.html import page

    if path is not None:
        check_target(path)
    story = read_story(story_path)
    graph = project(kg)
    data = view_data(graph, seed=seed)
    edge_ids = {(u, v, k): f"e{i}" for i, (u, v, k, _) in enumerate(ordered_edges(graph))}
    steps = story_steps(kg, story, graph, edge_ids, Path(story_path).name)
    summary = f"{len(steps['steps']) - 1} steps over {len(data['nodes'])} entities"
    document = page(data, title=steps["title"], summary=summary, story=steps)
    written = None
    if path is not None:
        written = Path(path)
        with atomic_file(written, "w") as fh:
            fh.write(document)
    return StoryView(
        document, written, data["nodes"], data["edges"], data["layout"], steps["title"], len(steps["steps"])
    )
