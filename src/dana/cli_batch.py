"""`dana batch`: the national view, every area at once. Thin: parse, check, call
:func:`dana.assess.summarise_areas` and :func:`dana.render.national.write_summary` (and,
with ``--reports``, :func:`dana.batch.write_area_reports` for each area's assessment in
the formats asked for), show progress per area and format with the time left, and a
summary of what was written.

Everything but click loads inside the command, so ``dana --help`` starts at once.
"""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich import progress as bars
from rich.console import Console

_FORMATS = ("html", "docx", "pdf", "pptx")


def _split(values: tuple[str, ...]) -> list[str]:
    """Repeated options and comma-separated lists alike: ('a,b', 'c') -> [a, b, c]."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _suppression(text: str, presets):
    """--suppression: a preset name, a non-negative threshold, or "none"."""
    cleaned = text.strip().lower()
    if cleaned == "none":
        return None
    if cleaned.isdigit():
        return int(cleaned)
    if cleaned in presets:
        return cleaned
    raise click.BadParameter(
        f"{text!r} is not {', '.join(presets)}, a threshold (0 or more) or none",
        param_hint="'--suppression'",
    )


def _formats(values: tuple[str, ...]) -> list[str]:
    formats = list(dict.fromkeys(_split(values)))
    unknown = [f for f in formats if f not in _FORMATS]
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)}: expected some of {', '.join(_FORMATS)}",
            param_hint="'--reports'",
        )
    return formats


def _size(count: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:,.0f} {unit}" if unit == "bytes" else f"{count:,.1f} {unit}"
        count /= 1000
    raise AssertionError("unreachable")


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{seconds:.1f} s"


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
    help="Also write each area's assessment in these formats (html, docx, pdf, pptx; "
    "repeat or comma-separate), one area per core, into OUT/areas.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Areas written at once with --reports (default: every core).",
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
def batch(out, area_type, indicators, areas, reports, workers, period, suppression, data_file):
    """Summarise every area on every indicator (CSV + XLSX), optionally with reports."""
    # deferred: the data, assessment and writer libraries load only when batch runs
    from dana._atomic import check_folder
    from dana._workers import collect_less
    from dana.areas import load_areas
    from dana.assess import summarise_areas
    from dana.assess.config import SuppressionConfig
    from dana.assess.disclosure import suppression_rule
    from dana.assess.national import resolve_areas, select_indicators
    from dana.assess.national_withheld import withhold_nationally_withheld
    from dana.catalogue import load_catalogue
    from dana.render.national import write_summary
    from dana.sources.errors import SourceError

    collect_less()  # a one-shot process: see dana report
    errors = (ValueError, KeyError, OSError, SourceError)
    console = Console(stderr=True)
    # every argument is checked before any work
    try:
        formats = _formats(reports)
        hierarchy = load_areas()
        catalogue = load_catalogue()
        area_codes = resolve_areas(_split(areas), area_type, hierarchy) if areas else None
        indicator_ids = _split(indicators) or None
        select_indicators(catalogue, indicator_ids)
        rule = suppression_rule(_suppression(suppression, SuppressionConfig.presets()))
        check_folder(out)
    except NotADirectoryError as exc:
        raise click.ClickException(f"--out: {exc}") from None
    except click.BadParameter:
        raise
    except errors as exc:
        raise click.ClickException(str(exc)) from None
    if formats and area_type != "utla":
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
        except errors as exc:
            raise click.ClickException(f"{exc}\nNothing was written to {out}.") from None
    rows = summary.rows
    n_areas, n_indicators = rows["area_code"].nunique(), rows["indicator_id"].nunique()
    click.echo(f"{n_areas} areas x {n_indicators} indicators = {len(rows)} rows.")
    if summary.synthetic:
        click.echo("Note: contains SYNTHETIC data - illustrative only, not for citation.")
    for path in paths:
        click.echo(f"  wrote {path}")
    if formats:
        codes = list(dict.fromkeys(rows["area_code"]))
        names = dict(zip(rows["area_code"], rows["area_name"], strict=True))
        # a cell the all-areas table withholds is withheld in every report of the run
        table = withhold_nationally_withheld(table, summary)
        _reports(codes, names, table, catalogue, Path(out) / "areas", formats, workers, console)


def _load_table(data_file: Path | None):
    # deferred with the rest of the command (see the module docstring)
    from dana import table as indicator_table
    from dana.data.default import load_default_table
    from dana.sources.local import read_indicator_file

    if data_file is None:
        return load_default_table()  # validated as it is read
    frame = indicator_table.coerce(read_indicator_file(data_file))
    return indicator_table.validate(frame, where=str(data_file))


def _reports(codes, names, table, catalogue, folder: Path, formats, workers, console) -> None:
    """Each area's assessment in ``formats``, with progress per area and per format."""
    # deferred: the renderers load only when reports are asked for
    from dana.batch import DONE, FAILED, FORMAT, STARTED, BatchStopped, write_area_reports

    started = time.perf_counter()
    with bars.Progress(
        bars.TextColumn("{task.description}"),
        bars.BarColumn(),
        bars.MofNCompleteColumn(),
        bars.TextColumn("files"),
        bars.TimeElapsedColumn(),
        bars.TextColumn("left"),
        bars.TimeRemainingColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("Reports", total=len(codes) * len(formats))
        done_areas = [0]

        def progress(event) -> None:
            if event.kind == STARTED:
                bar.update(task, description=f"{event.name}: building")
            elif event.kind == FORMAT:
                bar.update(task, advance=1, description=f"{event.name}: {event.fmt} written")
            elif event.kind == DONE:
                done_areas[0] += 1
                r = event.report
                steps = ", ".join(f"{f} {s:.1f}" for f, s in r.format_seconds.items())
                bar.console.print(
                    f"  [{done_areas[0]}/{len(codes)}] {r.name}: {len(r.paths)} files, "
                    f"{_size(r.bytes)}, {r.seconds:.1f} s (build {r.build_seconds:.1f}; {steps})"
                )
            elif event.kind == FAILED:
                bar.console.print(f"  {event.name}: FAILED - {event.failure.reason}")

        try:
            result = write_area_reports(
                codes, table, catalogue, folder, formats, workers=workers,
                progress=progress, names=names,
            )  # fmt: skip
        except BatchStopped as stopped:
            raise click.ClickException(_stopped_message(stopped.result, folder)) from None
    elapsed = time.perf_counter() - started
    click.echo(
        f"{len(result.reports)} areas, {result.files} files, {_size(result.bytes)} in "
        f"{folder}, {_duration(elapsed)} ({elapsed / max(len(result.reports), 1):.1f} s per area)."
    )


def _stopped_message(result, folder: Path) -> str:
    failure = result.failure
    done = len(result.reports)
    lines = [
        f"Stopped: the report for {failure.name} ({failure.code}) failed: {failure.reason}",
        f"{done} area(s) are complete in {folder} (each with all its files, whole); "
        f"{failure.name}'s files were not written"
        + (f"; {len(result.not_started)} area(s) were not started." if result.not_started else "."),
    ]
    if failure.disk_full:
        lines.append("Free some space (or choose another --out) and run the batch again.")
    return "\n".join(lines)


COMMANDS = [batch]
