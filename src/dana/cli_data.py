"""`dana fetch`, `dana indicators` and `dana data list/show/template` (the data layer's commands).

Thin: argument parsing and printing; the work is in :mod:`dana.sources.fingertips`,
:mod:`dana.sources.cache` and :mod:`dana.data.inventory`.
"""

from __future__ import annotations

import math
import warnings
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from dana.sources.errors import SourceError
from dana.sources.fingertips.requests import DEFAULT_BASE_URL, DEFAULT_TIMEOUT

if TYPE_CHECKING:
    import pandas as pd

    from dana.sources import fingertips as ft
    from dana.sources.cache import ResponseCache


def _catalogue_indicator_ids() -> list[str]:
    """Fingertips IDs of every catalogue entry."""
    # deferred: see _cache
    from dana.catalogue import load_catalogue

    ids = [str(i) for i in load_catalogue().fingertips_ids()]
    if not ids:
        raise click.UsageError("the catalogue lists no Fingertips indicator IDs")
    return ids


def _warn(console: Console, caught: list[warnings.WarningMessage]) -> None:
    for item in caught:
        console.print(f"[yellow]Warning:[/yellow] {item.message}")


def _ages(results) -> str:
    """How many responses were downloaded now and how old the cached ones are."""
    fresh = [r for r in results if not r.from_cache]
    cached = sorted((r for r in results if r.from_cache), key=lambda r: r.retrieved)
    parts = [f"{len(fresh)} response(s) downloaded now"] if fresh else []
    if cached:
        oldest = cached[0]
        days = oldest.age / timedelta(days=1)
        parts.append(
            f"{len(cached)} from cache, retrieved {oldest.retrieved_date} ({days:.0f} days old)"
            + (" at the oldest" if len(cached) > 1 else "")
        )
    return "; ".join(parts) or "nothing downloaded"


@click.command("fetch")
@click.option("--area", "area_code", required=True, help="GSS code of the area, e.g. E06000031.")
@click.option(
    "--indicator", "indicator_ids", multiple=True, help="Fingertips indicator ID (repeat)."
)
@click.option("--all-catalogue", is_flag=True, help="Fetch every indicator in DANA's catalogue.")
@click.option(
    "--area-type",
    default=None,
    help="Area type of the area: utla, ltla, or an older vintage (utla_2021 = 402...)."
    " Default: found by looking the code up in utla then ltla.",
)
@click.option(
    "--base-url", default=DEFAULT_BASE_URL, show_default=True, envvar="DANA_FINGERTIPS_URL"
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Default: $DANA_CACHE_DIR or ~/.cache/dana.",
)
@click.option(
    "--max-age",
    type=click.FloatRange(min=0),
    default=None,
    help="Re-download cached data older than this many days.",
)
@click.option("--refresh", is_flag=True, help="Download again even when cached.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds per request (large exports take the real service a while).",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=3,
    show_default=True,
    help="Retries on 5xx, timeouts and lost connections (exponential backoff).",
)
def fetch(
    area_code,
    indicator_ids,
    all_catalogue,
    area_type,
    base_url,
    cache_dir,
    max_age,
    refresh,
    timeout,
    retries,
):
    """Download indicators for an area and its comparators into the cache.

    Fetches every area of the area's type (for funnel plots), its region and England, so
    `dana report` can later run offline.
    """
    # deferred: the client (httpx, pandas) loads only when fetching
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from dana.sources import fingertips as ft

    console = Console()
    ids = list(indicator_ids) + (_catalogue_indicator_ids() if all_catalogue else [])
    if not ids:
        raise click.UsageError(
            "name indicators with --indicator ID (repeatable) or use --all-catalogue"
        )
    cache = _cache(cache_dir)
    max_age_delta = timedelta(days=max_age) if max_age is not None else None
    try:
        client = ft.FingertipsClient(
            base_url,
            cache=cache,
            max_age=max_age_delta,
            refresh=refresh,
            timeout=timeout,
            retries=retries,
        )
        client.requests_for_indicator_data(ids)  # bad IDs fail here, before any download
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    with warnings.catch_warnings(record=True) as caught, client:
        warnings.simplefilter("always")
        try:
            area = client.find_area(area_code, (area_type,) if area_type else ("utla", "ltla"))
            progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
            )
            with progress:
                task = progress.add_task(f"Fingertips: {area.name}", total=len(ids))
                download = ft.download_for_area(
                    client, ids, area, on_indicator=lambda _: progress.advance(task)
                )
        except (SourceError, ValueError) as exc:
            _warn(console, caught)
            raise click.ClickException(str(exc)) from None
    _warn(console, caught)
    _print_download(console, download, cache)


def _print_download(console: Console, download: ft.AreaDownload, cache: ResponseCache) -> None:
    area = download.area
    console.print(
        f"{area.name} ({area.code}), Fingertips area type {area.area_type_id}; cache {cache.directory}"
    )
    for result in download.results:
        if result.note:
            console.print(f"[yellow]Offline:[/yellow] {result.note}")
    _print_fetch_summary(console, download)
    console.print(_ages(download.results))
    if download.without_area:
        console.print(
            f"[yellow]Warning:[/yellow] no rows for {area.name} ({area.code}) in indicator(s)"
            f" {', '.join(download.without_area)}: only comparators were published"
        )
    for indicator_id, reason in download.skipped.items():
        console.print(f"[yellow]Skipped[/yellow] indicator {indicator_id}: {reason}")
    if download.empty:
        console.print(f"[yellow]Warning:[/yellow] {download.empty_message()}")
    if download.table.empty:
        raise click.ClickException(
            f"nothing was downloaded for {area.name} ({area.code}): every indicator was"
            " skipped or has no rows (reasons above)"
        )


def _print_fetch_summary(console: Console, download: ft.AreaDownload) -> None:
    data, code = download.table, download.area.code
    summary = Table(title="Fetched")
    for column in ("indicator", "name", "rows", f"rows for {code}", "latest period"):
        summary.add_column(column)
    for indicator_id in download.requested:
        rows = data[data["indicator_id"] == indicator_id]
        local = rows[rows["area_code"] == code]
        latest = local.sort_values("period_sort")["period"].iloc[-1] if len(local) else "-"
        described = download.descriptions.get(indicator_id)
        name = described.name if described else "(skipped)"
        summary.add_row(indicator_id, name, str(len(rows)), str(len(local)), latest)
    console.print(summary)


@click.group("data")
def data() -> None:
    """What is in the local data cache."""


def _cache(cache_dir) -> ResponseCache:
    """The response cache in ``cache_dir`` (default: $DANA_CACHE_DIR or ~/.cache/dana)."""
    # deferred, like every library import of these commands: `dana --help` loads none
    from dana.sources.cache import ResponseCache

    return ResponseCache(cache_dir)


def _listing(**options) -> pd.DataFrame:
    """:func:`dana.data.inventory.list_indicators` (deferred: see :func:`_cache`)."""
    from dana.data.inventory import list_indicators

    return list_indicators(**options)


def _cached_table(cache: ResponseCache, console: Console) -> pd.DataFrame | None:
    """The cache's indicator table, or None (with the reason printed) if it cannot be read."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            table = cache.cached_table()
        except SourceError as exc:
            console.print(f"[yellow]Warning:[/yellow] the cache is left out: {exc}")
            table = None
    _warn(console, caught)
    return table


def _print_indicators(console: Console, listing: pd.DataFrame, title: str) -> None:
    shown = Table(title=title)
    for column in ("ID", "name", "section", "polarity", "value type", "periods offline",
                   "areas", "comes from"):  # fmt: skip
        shown.add_column(column, overflow="fold")
    for row in listing.itertuples(index=False):
        span = f"{row.first_period} to {row.latest_period}" if row.periods > 1 else row.first_period
        periods = f"{row.periods}: {span}" if row.periods else "none"
        shown.add_row(
            row.indicator_id, row.name, row.section, row.polarity, row.value_type, periods,
            str(row.areas), row.comes_from,
        )  # fmt: skip
    console.print(shown)


@click.command("indicators")
@click.option("--search", default=None, help="Only indicators whose id, name or section has WORD.")
@click.option(
    "--format", "output", type=click.Choice(["table", "csv", "json"]), default="table",
    show_default=True, help="csv and json print every column, for other tools.",
)  # fmt: skip
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None)
def indicators(search, output, cache_dir) -> None:
    """Every indicator DANA knows, what is available offline, and where it comes from."""
    console = Console(width=200, stderr=output != "table")
    cached = _cached_table(_cache(cache_dir), console)
    listing = _listing(search=search, cached=cached)
    if output == "csv":
        click.echo(listing.to_csv(index=False, lineterminator="\n"), nl=False)
    elif output == "json":
        click.echo(listing.to_json(orient="records", indent=1))
    elif listing.empty:
        click.echo(f"No indicator matches {search!r}: try a shorter word.")
    else:
        _print_indicators(console, listing, f"{len(listing)} indicator(s) DANA knows")


@data.command("list")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None)
def data_list(cache_dir) -> None:
    """List the indicators embedded in DANA, then the cached downloads and their age."""
    console = Console(width=200)
    cache = _cache(cache_dir)
    embedded = _listing()
    _print_indicators(console, embedded[embedded["periods"] > 0], "Embedded (works offline)")
    entries = cache.entries()
    for problem in cache.damaged():
        console.print(f"[yellow]Damaged cache entry ignored:[/yellow] {problem}")
    if not entries:
        console.print(
            f"Nothing cached in {cache.directory}: run `dana fetch --area CODE --indicator ID`."
        )
        return
    listing = Table(title=f"Cache {cache.directory}")
    for column in ("kind", "indicators / area type", "retrieved", "size (bytes)", "url"):
        listing.add_column(column, overflow="fold")
    for entry in entries:
        what = entry.info.get("indicator_ids") or entry.info.get("area_type_id", "")
        if entry.info.get("child_area_type_id"):
            what += f" (area type {entry.info['child_area_type_id']})"
        listing.add_row(entry.kind, what, entry.age_text, str(entry.size), entry.url)
    console.print(listing)


def _number(value: float) -> str:
    """Exactly as stored (no rounding): 79.89793213, 4018.333333, 42."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@data.command("show")
@click.argument("indicator")
@click.option("--area", "area_code", default=None, help="Only this area (GSS code).")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None)
def data_show(indicator, area_code, cache_dir) -> None:
    """Print the cached rows of one indicator."""
    console = Console(width=200)
    cache = _cache(cache_dir)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            rows = cache.cached_table([area_code] if area_code else None, [indicator])
        except SourceError as exc:
            raise click.ClickException(str(exc)) from None
    _warn(console, caught)
    if rows.empty:
        where = f" for area {area_code}" if area_code else ""
        raise click.ClickException(
            f"nothing cached for indicator {indicator}{where} in {cache.directory}:"
            f" run `dana fetch --area CODE --indicator {indicator}`"
        )
    first = rows.iloc[0]
    shown = Table(
        title=f"{indicator} {first['indicator_name']} ({first['unit']}); retrieved {rows['retrieved'].max()}"
    )
    columns = (
        "area_code",
        "area_name",
        "area_type",
        "period",
        "sex",
        "age",
        "value",
        "lower_95",
        "upper_95",
        "count",
        "denominator",
        "value_note",
    )
    for column in columns:
        shown.add_column(column)
    ordered = rows.assign(_order=rows["area_type"].map({"england": 0, "region": 1}).fillna(2))
    for _, row in ordered.sort_values(
        ["_order", "area_code", "period_sort", "sex", "age"]
    ).iterrows():
        shown.add_row(
            *[_number(row[c]) if isinstance(row[c], float) else str(row[c]) for c in columns]
        )
    console.print(shown)


@data.command("template")
@click.argument("destination", type=click.Path(dir_okay=False, writable=True))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def data_template(destination, force) -> None:
    """Write the local-data template (CSV) to DESTINATION, ready to fill in.

    Columns and rules: see `dana.sources.local` (police offences, H-CLIC support needs,
    school survey results and any other local figure). Point a config's
    `data: local_files:` at the filled-in file.
    """
    from importlib.resources import files

    from dana._atomic import write_bytes_atomic

    target = Path(destination)
    if target.exists() and not force:
        raise click.ClickException(f"{target} already exists (use --force to overwrite)")
    template = files("dana.data").joinpath("templates/local_indicator_template.csv")
    write_bytes_atomic(target, template.read_bytes())
    click.echo(f"wrote {target}: replace the EXAMPLE rows with your own figures")


COMMANDS: list = [fetch, indicators, data]
