"""`dana records`: record-level extracts -> the tidy indicator table. Thin: parse, call
:mod:`dana.records`, write the files, print the summary of records used and set aside."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from dana._atomic import write_atomic

if TYPE_CHECKING:
    import pandas as pd

_FORMATS = {".csv": "csv", ".parquet": "parquet"}


def _errors():
    from dana.records import RecordsError

    return RecordsError


@click.group("records")
def records() -> None:
    """Record-level data (HES, death registrations, NDTMS treatment) into indicators."""


@records.command("synth")
@click.option("--scale", type=float, default=0.01, show_default=True,
              help="Share of a national year (1.0 = about 18 million HES episodes).")  # fmt: skip
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--year", type=int, default=2023, show_default=True,
              help="Financial year starting (2023 = 2023/24; deaths: calendar 2023).")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet",
              show_default=True, help="Parquet, or CSV (HES as a pipe-delimited .txt).")  # fmt: skip
def synth(scale: float, seed: int, out: str, year: int, fmt: str) -> None:
    """Write synthetic HES, deaths and treatment extracts for England (not real data)."""
    from dana.records.synth import synthesise

    try:
        paths = synthesise(out, scale=scale, seed=seed, year=year, fmt=fmt)
    except (ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    for path in paths:
        click.echo(f"wrote {path}")
    click.echo("These extracts are SYNTHETIC (DANA's seeded generator), not real data.")


@records.command("indicators")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb",
              show_default=True, help="DuckDB (embedded) or Spark (local mode here).")  # fmt: skip
@click.option("--hes", type=click.Path(exists=True), help="HES APC extract (file or folder).")
@click.option("--deaths", type=click.Path(exists=True), help="Death registrations extract.")
@click.option("--treatment", type=click.Path(exists=True), help="NDTMS treatment episodes.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Indicator table to write (.csv or .parquet).")  # fmt: skip
@click.option("--year", type=int, default=2023, show_default=True,
              help="Financial year starting (2023 = 2023/24).")  # fmt: skip
@click.option("--last-year", type=int, help="Last year of a pooled period (e.g. 3 years).")
@click.option("--lsoa-lookup", type=click.Path(exists=True, dir_okay=False),
              help="LSOA -> LA lookup (with IMD deciles) for deprivation and small areas.")  # fmt: skip
@click.option("--imd", type=click.Path(exists=True, dir_okay=False),
              help="IoD LSOA file with IMD deciles (if the lookup has none).")  # fmt: skip
@click.option("--population", type=click.Path(exists=True, dir_okay=False),
              help="Denominators: area_code, year, sex, age or age_band, population.")  # fmt: skip
@click.option("--summary", type=click.Path(dir_okay=False),
              help="Also write the records summary (CSV).")  # fmt: skip
def indicators(engine, hes, deaths, treatment, out, year, last_year, lsoa_lookup, imd,
               population, summary) -> None:  # fmt: skip
    """Compute every record-level indicator of the extracts given."""
    from dana.records import compute_indicators, read_lsoa_lookup
    from dana.records.source import lsoa_source_label, read_population_file

    target = Path(out)
    fmt = _FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise click.UsageError(f"--out {out}: use a .csv or .parquet file name")
    if not (hes or deaths or treatment):
        raise click.UsageError("give at least one extract: --hes, --deaths or --treatment")
    try:
        lsoa = read_lsoa_lookup(lsoa_lookup, imd=imd) if lsoa_lookup else None
        lsoa_source = lsoa_source_label(lsoa_lookup) if lsoa_lookup else None
        result = compute_indicators(
            hes=hes, deaths=deaths, treatment=treatment, year=year, last_year=last_year,
            engine=engine, population=read_population_file(population) if population else None,
            population_source=f"population file {Path(population).name}" if population else "",
            lsoa=lsoa, lsoa_source=lsoa_source,
        )  # fmt: skip
    except _errors() as exc:
        raise click.ClickException(str(exc)) from None

    def write(table: pd.DataFrame, path: Path, kind: str) -> None:
        if kind == "parquet":
            write_atomic(path, lambda tmp: table.to_parquet(tmp, index=False))
        else:
            write_atomic(path, lambda tmp: table.to_csv(tmp, index=False))

    write(result.table, target, fmt)
    if summary:
        write(result.summary, Path(summary), "csv")
    click.echo(result.summary_text())
    click.echo(f"wrote {len(result.table):,} indicator rows to {target} (engine: {engine})")


COMMANDS = [records]
