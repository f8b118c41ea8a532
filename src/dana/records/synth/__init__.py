"""DANA's seeded generator of synthetic record-level extracts for England (**not real data**).

:func:`synthesise` writes, for one year (financial year for HES and treatment, calendar
year of registration for deaths), at a ``scale`` where 1.0 is a national year:

=========================== ======================= =============================================
file                        rows at scale 1.0       layout
=========================== ======================= =============================================
``hes_apc.parquet``         about 18.4 million      DARS HES APC, upper-case headers, 20 DIAG_nn
``deaths.parquet``          about 600,000           ONS mortality file (fic10und, fic10men1-15)
``treatment.parquet``       about 380,000           NDTMS-style adult treatment episodes
``lsoa_lookup.csv``         about 34,000 LSOAs      the synthetic LSOA scheme (lsoa21cd, lad24cd,
                                                    msoa21cd, imd_decile, population)
``dana-synthetic.json``                             manifest: seed, scale, files, description
=========================== ======================= =============================================

or the same as CSV (``fmt="csv"``: HES as a pipe-delimited ``hes_apc.txt`` as DARS sends it).
Areas and LSOA codes are real-format GSS codes of real LAs, but the LSOA-to-LA assignment and
the deprivation deciles are invented (:mod:`dana.records.synth.world`). Calibration targets
and what they come from are in each module (:mod:`.hes`, :mod:`.deaths`, :mod:`.treatment`);
the engine reproduces them on the output within the tolerances stated in
``tests/records/test_synthetic.py``. Same seed and scale, same files, byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from dana._atomic import publish_together
from dana.records.extracts import SYNTHETIC_MANIFEST
from dana.records.synth import deaths, hes, treatment
from dana.records.synth.world import World

FORMATS = ("parquet", "csv")


def description(seed: int, scale: float) -> str:
    return f"DANA synthetic record-level extracts (seed {seed}, scale {scale:g}) - not real data"


def _plain(table: pa.Table) -> pa.Table:
    """Dictionary columns decoded, for CSV."""
    return pa.table(
        {
            name: column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column
            for name, column in zip(table.column_names, table.columns, strict=True)
        }
    )


def synthesise(
    out: str | Path, *, scale: float, seed: int, year: int = 2023, fmt: str = "parquet"
) -> list[Path]:
    """Write the synthetic extracts into ``out`` (all or nothing); return the paths."""
    if not 0 < scale <= 2:
        raise ValueError(
            f"scale must be above 0 and at most 2 (1.0 = a national year), not {scale}"
        )
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    world = World(year, seed)

    def make(folder: Path) -> list[Path]:
        names = {
            "hes": "hes_apc.parquet" if fmt == "parquet" else "hes_apc.txt",
            "deaths": f"deaths.{'parquet' if fmt == 'parquet' else 'csv'}",
            "treatment": f"treatment.{'parquet' if fmt == 'parquet' else 'csv'}",
        }
        writer = hes.HesWriter(world, scale=scale, seed=seed, year=year)
        path = folder / names["hes"]
        if fmt == "parquet":
            sink = None
            for table in writer.chunks():
                if sink is None:
                    sink = pq.ParquetWriter(path, table.schema, compression="zstd")
                sink.write_table(table, row_group_size=1_000_000)
            sink.close()
        else:
            with pa.OSFile(str(path), "wb") as handle:
                options = pacsv.WriteOptions(delimiter="|", quoting_style="none")
                sink = None
                for table in writer.chunks():
                    table = _plain(table)
                    if sink is None:
                        sink = pacsv.CSVWriter(handle, table.schema, write_options=options)
                    sink.write_table(table)
                sink.close()
        tables = {
            "deaths": deaths.chunk(world, scale=scale, seed=seed, year=year),
            "treatment": treatment.chunk(world, scale=scale, seed=seed, year=year),
        }
        paths = [path]
        for kind, table in tables.items():
            target = folder / names[kind]
            if fmt == "parquet":
                pq.write_table(table, target, compression="zstd")
            else:
                pacsv.write_csv(_plain(table), target)
            paths.append(target)
        lookup = folder / "lsoa_lookup.csv"
        world.lsoa.rename(
            columns={"lsoa": "LSOA21CD", "district": "LAD24CD", "small_area": "MSOA21CD"}
        ).to_csv(lookup, index=False)
        manifest = folder / SYNTHETIC_MANIFEST
        manifest.write_text(
            json.dumps(
                {
                    "description": description(seed, scale),
                    "seed": seed,
                    "scale": scale,
                    "year": year,
                    "files": [p.name for p in paths] + [lookup.name],
                    "population": world.population_source,
                    "lsoa_scheme": "synthetic: real-format LSOA/MSOA codes, invented "
                    "assignment to LAs and invented IMD deciles",
                },
                indent=2,
            ),
            encoding="utf-8",
        )
        return [*paths, lookup, manifest]

    return publish_together(out, make)
