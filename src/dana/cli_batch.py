"""`dana batch`: the national view, every area at once. Thin: parse, check, call
:func:`dana.assess.summarise_areas` and :func:`dana.render.national.write_summary` (and,
with ``--reports html``, the single-area builder and the HTML renderer for each area),
show progress and where the files are."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from dana import table as indicator_table
from dana._atomic import check_folder
from dana.areas import load_areas
from dana.assess import build_assessment, load_config, summarise_areas
from dana.assess.config import SuppressionConfig
from dana.assess.disclosure import suppression_rule
from dana.assess.national import resolve_areas, select_indicators
from dana.catalogue import load_catalogue
from dana.data.default import load_default_table
from dana.sources.errors import SourceError
from dana.sources.local import read_indicator_file

_ERRORS = (ValueError, KeyError, OSError, SourceError)
_PRESETS = SuppressionConfig.presets()


def _split(values: tuple[str, ...]) -> list[str]:
    """Repeated options and comma-separated lists alike: ('a,b', 'c') -> [a, b, c]."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _suppression(text: str):
    """--suppression: a preset name, a non-negative threshold, or "none"."""
    cleaned = text.strip().lower()
    if cleaned == "none":
        return None
    if cleaned.isdigit():
        return int(cleaned)
    if cleaned in _PRESETS:
        return cleaned
    raise click.BadParameter(
        f"{text!r} is not {', '.join(_PRESETS)}, a threshold (0 or more) or none",
        param_hint="'--suppression'",
    )


@click.command("batch")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option(
    "--area-type",
    type=click.Choice(["utla", "ltla", "region"]),
    default="utla",
    show_default=True,
    help="Which areas to summarise.",
)
@click.option(
    "--indicators",
    multiple=True,
    help="Catalogue ids to include (repeat or comma-separate); default all.",
)
@click.option(
    "--areas",
    multiple=True,
    help="Area codes or names to include (repeat or comma-separate); default all.",
)
@click.option(
    "--reports",
    multiple=True,
    type=click.Choice(["html"]),
    help="Also build each area's assessment report (static HTML, about 20-30 s per area).",
)
@click.option("--period", default="latest", show_default=True, help="'latest' or a period label.")
@click.option(
    "--suppression",
    default="ndtms",
    show_default=True,
    help="Disclosure control: ndtms, hes2018, lape, a threshold, or none.",
)
@click.option(
    "--data",
    "data_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A local indicator file to use instead of the embedded default data.",
)
def batch(out, area_type, indicators, areas, reports, period, suppression, data_file):
    """Summarise every area on every indicator (CSV + XLSX), optionally with reports."""
    # the writers (openpyxl, the renderers) load only when there is something to write
    from dana.render.national import write_summary

    console = Console(stderr=True)
    # every argument is checked before any work
    try:
        hierarchy = load_areas()
        catalogue = load_catalogue()
        area_codes = resolve_areas(_split(areas), area_type, hierarchy) if areas else None
        indicator_ids = _split(indicators) or None
        select_indicators(catalogue, indicator_ids)
        rule = suppression_rule(_suppression(suppression))
        check_folder(out)
    except NotADirectoryError as exc:
        raise click.ClickException(f"--out: {exc}") from None
    except _ERRORS as exc:
        raise click.ClickException(str(exc)) from None
    if reports and area_type != "utla":
        raise click.ClickException("--reports builds upper-tier assessments: use --area-type utla")

    with console.status("Loading data and summarising every area"):
        try:
            table = _load_table(data_file)
            summary = summarise_areas(
                table,
                catalogue,
                area_type=area_type,
                period=period,
                suppression=rule,
                areas=area_codes,
                indicators=indicator_ids,
                hierarchy=hierarchy,
            )
            paths = write_summary(summary, out)
        except _ERRORS as exc:
            raise click.ClickException(f"{exc}\nNothing was written to {out}.") from None
    rows = summary.rows
    n_areas, n_indicators = rows["area_code"].nunique(), rows["indicator_id"].nunique()
    click.echo(f"{n_areas} areas x {n_indicators} indicators = {len(rows)} rows.")
    if summary.synthetic:
        click.echo("Note: contains SYNTHETIC data - illustrative only, not for citation.")
    for path in paths:
        click.echo(f"  wrote {path}")
    if reports:
        codes = list(dict.fromkeys(rows["area_code"]))
        _reports(codes, table, catalogue, Path(out) / "areas", console)


def _load_table(data_file: Path | None):
    if data_file is None:
        return load_default_table()
    frame = indicator_table.coerce(read_indicator_file(data_file))
    return indicator_table.validate(frame, where=str(data_file))


def _reports(codes, table, catalogue, folder: Path, console: Console) -> None:
    """Each area's assessment as static HTML; each file is written atomically."""
    # the renderers (matplotlib, plotly, ...) load only when reports are asked for
    from dana.render.html import render_html
    from dana.report import output_stem

    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("Reports", total=len(codes))
        for code in codes:
            bar.update(task, description=f"Report {code}")
            try:
                config = load_config(None, area=code)
                assessment = build_assessment(config, table=table, catalogue=catalogue)
                path = render_html(
                    assessment, folder / f"{output_stem(assessment)}.html", interactive=False
                )
            except _ERRORS as exc:
                raise click.ClickException(
                    f"report for {code} failed: {exc}\nReports already written are complete."
                ) from None
            bar.console.print(f"  wrote {path}")
            bar.advance(task)
    elapsed = time.perf_counter() - started
    click.echo(
        f"{len(codes)} report(s) in {elapsed:.0f} s ({elapsed / max(len(codes), 1):.1f} s per area)."
    )


COMMANDS = [batch]
