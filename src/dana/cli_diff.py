"""`dana diff OLD NEW`: what changed between two editions of an assessment. Thin: read or
build each edition (:mod:`dana.assess.edition`), compare (:mod:`dana.assess.diff`),
write (:mod:`dana.render.diff`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dana.cli_report import DATA_ROOT_OPTION

if TYPE_CHECKING:
    from dana.assess.edition import Edition

#: A config is built; anything else is read as a JSON edition.
CONFIG_SUFFIXES = (".yaml", ".yml")


def load_edition(path: Path, data_root: Path | None = None) -> Edition:
    """The edition in ``path``: a JSON edition read back, or a config built now."""
    # deferred: the assessment layer loads only when a diff runs (a config needs a build)
    from dana.assess import build_assessment
    from dana.assess.config import ConfigError, load_config
    from dana.assess.edition import edition_of, read_edition

    if path.suffix.lower() not in CONFIG_SUFFIXES:
        return read_edition(path)

    config = load_config(path, data_root=data_root)
    try:
        return edition_of(build_assessment(config), source=str(path))
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json"]),
    help="Report format; default: from --out's suffix, else Markdown.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file (default: print it).",
)
@DATA_ROOT_OPTION
def diff(old, new, fmt, out, data_root):
    """What changed from OLD to NEW: each a JSON edition (`dana report --format json`) or
    a config (built now). Lists flipped comparisons, turned trends, figures that moved
    beyond their interval, recommendations whose evidence changed, new and dropped
    indicators, most important first."""
    # deferred: the assessment layer and the renderers load only when a diff runs
    from dana.assess.config import ConfigError
    from dana.assess.diff import DiffError, diff_editions
    from dana.assess.edition import EditionError
    from dana.render.diff import diff_document, diff_html, diff_markdown, write_diff
    from dana.sources.errors import SourceError

    errors = (ConfigError, EditionError, DiffError, SourceError, ValueError, OSError)

    try:
        changes = diff_editions(load_edition(old, data_root), load_edition(new, data_root))
        if out is not None:
            written = write_diff(changes, out, fmt)
            click.echo(f"{changes.summary()}\n  wrote {written}")
            return
    except errors as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(diff_document(changes), ensure_ascii=False, indent=1))
    else:
        click.echo(diff_html(changes) if fmt == "html" else diff_markdown(changes))


COMMANDS = [diff]
