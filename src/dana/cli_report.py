"""`dana report` and the built-in examples (owned by the assessment layer). Thin: parse,
call :mod:`dana.assess` and :func:`dana.report.write_outputs`, show progress and where
the files are."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from dana._atomic import check_folder
from dana._workers import collect_less
from dana.sources.errors import SourceError

#: Steps reported by build_assessment (for the bar's total); rendering every format is one more.
_BUILD_STEPS = 8
#: user errors (bad config, bad data file, unreadable cache): one line, no traceback
_ERRORS = (ValueError, KeyError, OSError, SourceError)


class ConfigChoice(click.Choice):
    """A choice among names :mod:`dana.assess.config_names` defines, read when first needed
    (``dana --help`` loads none; parsing a command's options loads no config checker)."""

    def __init__(self, names: Callable[[], Iterable[str]], case_sensitive: bool = True):
        self._names = names
        self.case_sensitive = case_sensitive

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self._names())


def _formats() -> tuple[str, ...]:
    # deferred: see ConfigChoice
    from dana.assess.config_names import FORMATS

    return FORMATS


def _example_names() -> list[str]:
    # deferred: see ConfigChoice
    from dana.assess.config_names import EXAMPLE_ALIASES, EXAMPLES

    return [*EXAMPLES, *EXAMPLE_ALIASES]


def build_assessment(config, **options):
    """:func:`dana.assess.build_assessment`, loaded on the first build (the name stays
    this module's, so a test can stand in for the build)."""
    # deferred: the assessment layer loads only when a report is built
    from dana.assess import build_assessment as build

    return build(config, **options)


def _chart_workers(formats):
    """The warm chart pool (:mod:`dana.render.chart_pool`) when a chosen format has
    pictures: its workers start, and load matplotlib (and, for several formats, their
    writers), while this process builds, and draw the charts the build offers."""
    # deferred: the renderers load only when a report is built
    from dana.render.chart_pictures import workers_wanted
    from dana.render.chart_pool import warm_pool
    from dana.render.formats import PICTURES, renderer_module

    if not any(PICTURES.get(fmt) for fmt in formats):
        return warm_pool(1)  # nothing to draw: no workers
    # one format is written in this process (render_formats): its workers only draw
    writers = [renderer_module(fmt) for fmt in formats] if len(set(formats)) > 1 else []
    return warm_pool(workers_wanted(), writers)


def _drawing_ahead(formats):
    """What the build gives its charts to as it makes them: the warm pool starts drawing
    them (:func:`dana.render.chart_pictures.draw_ahead`; a picture is used only if the
    disclosure pass leaves its chart as it was)."""
    # deferred: the renderers load only when a report is built
    from dana.render.chart_pictures import draw_ahead
    from dana.render.formats import PICTURES

    pictures = {PICTURES[f] for f in formats} - {None}
    return lambda charts: draw_ahead(charts, pictures)


def _run(
    config_path: Path | None,
    out: str | None,
    formats: tuple[str, ...],
    *,
    builtin: bool,
    data_root: Path | None = None,
) -> None:
    console = Console(stderr=True)
    with ExitStack() as workers:
        if formats:  # named on the command line: the workers start before the config is read
            workers.enter_context(_chart_workers(formats))
        # deferred: the assessment and the renderers (matplotlib, reportlab, ...) load only
        # when a report is built
        from dana.assess import load_config

        try:
            config = load_config(config_path, data_root=data_root)
        except _ERRORS as exc:
            raise click.ClickException(str(exc)) from None
        if not formats:
            workers.enter_context(_chart_workers(config.output.formats))
        _build_and_write(config, config_path, out, formats, builtin=builtin, console=console)


def _build_and_write(config, config_path, out, formats, *, builtin: bool, console) -> None:
    """Build the assessment from ``config`` and write the chosen formats (the chart
    workers, if any, are open)."""
    # deferred: the assessment and the renderers load only when a report is built
    from dana.assess import ConfigError
    from dana.assess.config import default_config_path
    from dana.report import write_outputs

    chosen = list(formats) or list(config.output.formats)
    config_file = config_path or default_config_path()
    if out:
        out_dir, out_key = Path(out), "--out"
    elif builtin:  # a packaged config writes into the current folder, never into the package
        out_dir, out_key = Path(config.output.directory), f"{config_file}: output.directory"
    else:
        out_dir = config.path(config.output.directory)
        out_key = f"{config_file}: output.directory"
    try:  # a file in the way fails now, not after the whole build and render
        check_folder(out_dir)
    except NotADirectoryError as exc:
        raise click.ClickException(f"{out_key}: {exc}") from None
    # a one-shot process, like a worker: the modules just loaded are never scanned again
    # and the build's many short-lived objects are collected less often (a twentieth of
    # the build's time went on the collector)
    collect_less()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("Starting", total=_BUILD_STEPS + 1)

        def step(message: str) -> None:
            bar.update(task, description=message, advance=1)

        try:
            assessment = build_assessment(config, progress=step, on_charts=_drawing_ahead(chosen))
            paths = write_outputs(assessment, out_dir, chosen, progress=step)
        except ConfigError as exc:  # found while building: name the config file too
            raise click.ClickException(
                f"{config_file}: {exc}\nNothing was written to {out_dir}."
            ) from None
        except _ERRORS as exc:
            raise click.ClickException(f"{exc}\nNothing was written to {out_dir}.") from None
    click.echo(
        f"{assessment.title}: {len(assessment.all_figures())} figures, "
        f"{len(assessment.data_gaps)} data gaps, "
        f"{len(assessment.recommendations)} recommendations."
    )
    if assessment.synthetic:
        click.echo("Note: contains SYNTHETIC data - illustrative only, not for citation.")
    for path in paths:
        click.echo(f"  wrote {path}")


_FORMAT = click.option(
    "--format",
    "formats",
    multiple=True,
    type=ConfigChoice(_formats),
    help="Output format (repeat for several); default: the config's formats.",
)
_OUT = click.option("--out", type=click.Path(file_okay=False), help="Output directory.")
_DATA_ROOT = click.option(
    "--data-root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder that the config's data sources are relative to (data.root), "
    "e.g. the shared real-data folder for --example coventry-real-data.",
)


#: The options naming what to build, shared by the commands that build an assessment.
CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Assessment config (YAML); default: the embedded default_assessment.yaml.",
)
EXAMPLE_OPTION = click.option(
    "--example",
    type=ConfigChoice(_example_names, case_sensitive=False),
    help="Build a built-in example instead of a config.",
)
DATA_ROOT_OPTION = _DATA_ROOT


@click.command("report")
@CONFIG_OPTION
@EXAMPLE_OPTION
@_OUT
@_FORMAT
@_DATA_ROOT
def report(config_path, example, out, formats, data_root):
    """Build the needs assessment and write it as HTML, Word, PDF and slides."""
    if config_path and example:
        raise click.UsageError("give --config or --example, not both")
    builtin = config_path is None or bool(example)
    if example:
        # deferred: see ConfigChoice
        from dana.assess.config import example_config_path

        config_path = example_config_path(example)
    _run(config_path, out, formats, builtin=builtin, data_root=data_root)


@click.command("example")
@click.argument("name", type=ConfigChoice(_example_names, case_sensitive=False))
@_OUT
@_FORMAT
@_DATA_ROOT
def example(name, out, formats, data_root):
    """Build a built-in example (cambridgeshire-peterborough / cp, coventry-real-data)."""
    # deferred: see ConfigChoice
    from dana.assess.config import example_config_path

    _run(example_config_path(name), out, formats, builtin=True, data_root=data_root)


COMMANDS = [report, example]
