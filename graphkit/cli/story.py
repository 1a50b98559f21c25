"""The story command: a captioned, step-by-step map published as one page."""

from __future__ import annotations

import click

from graphkit.cli.options import with_store


@click.command()
@click.argument("story_file", metavar="STORY.yaml", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    default="story.html",
    show_default=True,
    help="HTML file to write.",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Layout seed (same seed, same page).")
@with_store()
def story(kg, story_file: str, output: str, seed: int) -> None:
    """Build a step-by-step story page from a YAML story file.

    The story names a title, an optional byline and steps; each step shows
    some entities (optionally a focus and its neighbourhood, optionally only
    some relations) with a Markdown caption. Readers step through with the
    buttons or the arrow keys; the last step shows the whole map. The page is
    self-contained (no request, works from disk and in an iframe). A bad
    story file is an error naming the step and field, and no page is written.
    STORY.yaml may also be the name of a story that ships with graphkit:
    collins-pacific-cyber.

    Example:

        graphkit story collins-pacific-cyber -o story.html
    """
    from graphkit.cli.output import visible
    from graphkit.render.story import build_story

    view = build_story(kg, story_file, output, seed=seed)
    click.echo(f"Wrote {visible(view.path)}")
    click.echo(visible(f"{view.steps} steps over {view.summary}"))
