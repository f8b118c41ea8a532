"""Where the record-level expressions run: DuckDB (embedded, the default) or PySpark.

Every definition in :mod:`dana.records` is an ibis expression; an :class:`Engine` only
reads files into tables, holds lookups, materialises intermediate tables and returns
results. The expressions are the same on both engines (RECORDS.md part B: identical
results on DuckDB and Spark for the same ibis expressions).

* ``duckdb`` - in-process, no server, works offline. Threads and memory limit are
  settings (``threads=2``, ``memory_limit="3GB"``).
* ``spark`` - PySpark through ibis. Local mode (``local[2]``) by default; pass an existing
  ``SparkSession`` (a cluster, Databricks) as ``session=`` to run where national data
  lives. Spark needs Java 17 or 21; without it :class:`EngineError` says how to install it.

Materialised tables are DuckDB temporary tables (spilling to a working folder) or Parquet
files in that folder on Spark, all deleted by :meth:`Engine.close`: the canonical long
diagnosis table is built once per extract and every diagnosis-based indicator reads it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dana.records.errors import RecordsError

ENGINES = ("duckdb", "spark")
#: How a user installs Java for the Spark engine (Debian / Ubuntu).
JAVA_INSTALL = "apt-get install -y openjdk-17-jre-headless"


class EngineError(RecordsError, RuntimeError):
    """An engine cannot start or run; the message says what to do."""


class Engine:
    """A connection plus a working folder for materialised tables."""

    def __init__(
        self, name: str, con, workdir: Path, *, owns_workdir: bool, stop=None, spark=None
    ) -> None:
        self.name = name
        self._spark = spark
        self.con = con
        self.workdir = workdir
        self._owns_workdir = owns_workdir
        self._stop = stop
        self._lookups: dict[str, ir.Table] = {}
        self._intermediates: list = []
        self._tables: list[str] = []

    # -- reading ------------------------------------------------------------------------
    def read_csv(self, paths: list[Path], *, delimiter: str) -> ir.Table:
        """All columns as text (types are parsed by the definitions, identically)."""
        sources = [str(p) for p in paths]
        if self.name == "duckdb":
            return self.con.read_csv(
                sources, delim=delimiter, header=True, all_varchar=True, quote='"'
            )
        frame = self._spark.read.csv(sources, sep=delimiter, header=True, quote='"')
        return self._register(frame)

    def read_parquet(self, paths: list[Path], *, schema=None) -> ir.Table:
        """Parquet files as one table. ``schema`` (a pyarrow schema, Spark only) spares
        Spark a job reading the files' footers to infer it (measured: 0.15 s against
        0.4-0.6 s per small table, which adds up over the dozens a run reads)."""
        sources = [str(p) for p in paths]
        if self.name == "duckdb":
            return self.con.read_parquet(sources)
        reader = self._spark.read
        if schema is not None:
            from pyspark.sql.pandas.types import from_arrow_schema  # deferred: Spark only

            reader = reader.schema(from_arrow_schema(schema))
        return self._register(reader.parquet(*sources))

    def _register(self, spark_frame) -> ir.Table:
        # ibis' pyspark read_* take one path; a list of files is read by Spark directly
        name = f"dana_{uuid.uuid4().hex[:12]}"
        spark_frame.createOrReplaceTempView(name)
        return self.con.table(name)

    def lookup(self, name: str, frame: pd.DataFrame) -> ir.Table:
        """A small reference table (code lists, AAFs, area maps), written once per run."""
        if name not in self._lookups:
            path = self.workdir / f"lookup_{name}.parquet"
            table = pa.Table.from_pandas(frame, preserve_index=False)
            pq.write_table(table, path)
            self._lookups[name] = self.read_parquet([path], schema=table.schema)
        return self._lookups[name]

    def arrow_table(self, name: str, table) -> ir.Table:
        """A small table made during a run (e.g. parsed field values), released after it."""
        path = self.workdir / f"{name}_{uuid.uuid4().hex[:8]}.parquet"
        pq.write_table(table, path)
        self._intermediates.append(path)
        return self.read_parquet([path], schema=table.schema)

    # -- materialising and collecting ---------------------------------------------------
    def materialise(self, expr: ir.Table, name: str) -> ir.Table:
        """Compute ``expr`` once and return a table holding the result.

        DuckDB keeps it as a temporary table (its buffer manager spills to the working
        folder under the memory limit; measured: writing the national staged table to
        Parquet took 6.7 s of a 16.7 s step). Spark writes Parquet in the working folder
        and reads it back, which cuts the plan (measured: ``DataFrame.cache()`` made the
        small-data run slower, as every later query re-analysed the cached lineage).
        """
        unique = f"{name}_{uuid.uuid4().hex[:8]}"
        if self.name == "duckdb":
            table = self.con.create_table(unique, expr, temp=True)
            self._tables.append(unique)
            return table
        path = self.workdir / f"{unique}.parquet"
        self.con.to_parquet(expr, str(path))  # Spark writes a folder of part files
        self._intermediates.append(path)
        part = next(path.glob("*.parquet"), None)
        return self.read_parquet([path], schema=None if part is None else pq.read_schema(part))

    def release(self) -> None:
        """Drop every materialised intermediate (called at the end of each run)."""
        for name in self._tables:
            self.con.drop_table(name, force=True)
        self._tables.clear()
        for path in self._intermediates:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        self._intermediates.clear()

    def collect(self, expr: ir.Table) -> pd.DataFrame:
        return self.con.to_pyarrow(expr).to_pandas()

    def collect_arrow(self, expr: ir.Table):
        return self.con.to_pyarrow(expr)

    def close(self) -> None:
        self.release()
        if self._stop is not None:
            self._stop()
            self._stop = None
        if self._owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def java_available() -> bool:
    """Whether a Java runtime is on PATH or under JAVA_HOME."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return True
    return shutil.which("java") is not None


def spark_session(
    *,
    driver_memory: str = "2g",
    cores: int = 2,
    shuffle_partitions: int = 4,
    settings: dict[str, str] | None = None,
):
    """A local SparkSession configured for small machines (UI off, few shuffle partitions);
    ``settings`` adds or overrides Spark configuration."""
    if not java_available():
        raise EngineError(
            "the Spark engine needs Java 17 or 21, which is not installed; install it with "
            f"`{JAVA_INSTALL}` (or set JAVA_HOME), or use --engine duckdb"
        )
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession  # deferred: pyspark is heavy and Spark is optional

    builder = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("dana-records")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    for name, value in (settings or {}).items():
        builder = builder.config(name, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def connect(
    engine: str = "duckdb",
    *,
    workdir: str | Path | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    session=None,
) -> Engine:
    """Open an engine. ``session`` (Spark only) reuses an existing SparkSession."""
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    owns = workdir is None
    folder = Path(tempfile.mkdtemp(prefix="dana-records-")) if owns else Path(workdir)
    folder.mkdir(parents=True, exist_ok=True)
    if engine == "duckdb":
        settings = {}
        if threads:
            settings["threads"] = threads
        if memory_limit:
            settings["memory_limit"] = memory_limit
        settings["temp_directory"] = str(folder / "spill")
        # row order is never relied on; keeping it would serialise Parquet writes
        settings["preserve_insertion_order"] = False
        con = ibis.duckdb.connect(**settings)
        return Engine("duckdb", con, folder, owns_workdir=owns, stop=con.disconnect)
    spark = session if session is not None else spark_session()
    return Engine("spark", ibis.pyspark.connect(spark), folder, owns_workdir=owns, spark=spark)
