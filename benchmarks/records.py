"""Benchmark of the record-level engine: the full indicator set of a synthetic year.

Run from the repository root::

    .venv/bin/python benchmarks/records.py --scale 0.1                  # DuckDB, 3 runs
    .venv/bin/python benchmarks/records.py --scale 0.05 --engine spark
    .venv/bin/python benchmarks/records.py --scale 1.0 --runs 3 --extracts /tmp/national

1. The seeded generator (:func:`dana.records.synthesise`, seed 1) writes HES APC, death
   registrations, NDTMS treatment episodes and the synthetic LSOA lookup as Parquet, once,
   in a child process (its memory is not counted below). ``--extracts DIR`` keeps them in
   ``DIR`` and reuses them when the folder already holds the same scale and seed.
2. Each run opens the engine, computes every indicator of the three extracts
   (:func:`dana.records.compute_indicators`: reading, staging, the long diagnosis table,
   every definition, the cubes, rates and DSRs by :mod:`dana.stats`, disclosure control,
   the tidy table) and closes it. The median of ``--runs`` runs is printed with the
   fastest and slowest.
3. Peak RSS is the largest resident memory of this process and its children (the JVM of
   Spark local mode) sampled every 0.1 s during the runs.

DuckDB runs with ``--threads`` (default 2, the cores of the target machine) and
``--memory-limit`` (default 3GB, under the 4 GB target: DuckDB spills beyond it).

Spark: one local session (2 cores, as on this machine) is started before the runs; its
start-up time is printed separately and not in the run times, as a cluster keeps its
session between jobs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SEED = 1
YEAR = 2023
FILES = {
    "hes": "hes_apc.parquet",
    "deaths": "deaths.parquet",
    "treatment": "treatment.parquet",
}
LOOKUP = "lsoa_lookup.csv"
MANIFEST = "dana-synthetic.json"


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    stack += [int(c) for c in handle.read().split()]
        except OSError:
            continue
    return pids


class PeakMemory:
    """Largest summed RSS of this process and its descendants while running."""

    def __init__(self, interval: float = 0.1):
        self.interval, self.peak_kb = interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = sum(_rss_kb(p) for p in _tree(os.getpid()))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def extracts(folder: Path, scale: float) -> tuple[float | None, Path]:
    """Synthesise into ``folder`` unless it already holds this scale and seed."""
    manifest = folder / MANIFEST
    if manifest.is_file():
        info = json.loads(manifest.read_text(encoding="utf-8"))
        if info.get("scale") == scale and info.get("seed") == SEED:
            return None, folder
    code = (
        "from dana.records import synthesise; "
        f"synthesise({str(folder)!r}, scale={scale!r}, seed={SEED}, year={YEAR})"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ,
                   "PYTHONPATH": str(ROOT / "src")})  # fmt: skip
    return time.perf_counter() - started, folder


def one_run(
    folder: Path, engine_name: str, session=None, *, threads=None, memory_limit=None
) -> tuple[float, int]:
    from dana.records import compute_indicators, connect, lsoa_source_label, read_lsoa_lookup

    started = time.perf_counter()
    settings = {"threads": threads, "memory_limit": memory_limit} if engine_name == "duckdb" else {}
    engine = connect(engine_name, session=session, **settings)
    try:
        result = compute_indicators(
            **{kind: folder / name for kind, name in FILES.items()},
            year=YEAR,
            engine=engine,
            lsoa=read_lsoa_lookup(folder / LOOKUP),
            lsoa_source=lsoa_source_label(folder / LOOKUP),
        )
    finally:
        engine.close()
    return time.perf_counter() - started, len(result.table)


def episodes(folder: Path) -> dict[str, int]:
    import pyarrow.parquet as pq

    return {kind: pq.ParquetFile(folder / name).metadata.num_rows for kind, name in FILES.items()}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="1.0 = a national year")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (the median is shown)")
    parser.add_argument("--extracts", type=Path, help="keep (and reuse) the extracts here")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    parser.add_argument("--memory-limit", default="3GB", help="DuckDB memory limit")
    args = parser.parse_args(argv)
    if args.extracts is None:
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="dana-records-bench-")) / "extracts"
    else:
        folder = args.extracts
    synth_time, folder = extracts(folder, args.scale)
    rows = episodes(folder)
    print(f"scale {args.scale}: " + ", ".join(f"{k} {n:,} records" for k, n in rows.items()))
    if synth_time is not None:
        print(f"synthesised in {synth_time:.1f} s (seed {SEED}) into {folder}")
    session, startup = None, None
    if args.engine == "spark":
        from dana.records.engines import spark_session

        started = time.perf_counter()
        session = spark_session()
        startup = time.perf_counter() - started
        print(f"Spark local session started in {startup:.1f} s (not in the run times)")
    times = []
    with PeakMemory() as memory:
        for run in range(args.runs):
            seconds, table_rows = one_run(
                folder, args.engine, session, threads=args.threads, memory_limit=args.memory_limit
            )
            times.append(seconds)
            print(f"  run {run + 1}: {seconds:.1f} s ({table_rows:,} indicator rows)")
    if session is not None:
        session.stop()
    median = statistics.median(times)
    load = os.getloadavg()[0]
    print(
        f"{args.engine}, scale {args.scale}: median {median:.1f} s of {args.runs} runs "
        f"(min {min(times):.1f}, max {max(times):.1f}); peak RSS "
        f"{memory.peak_kb / 1024 / 1024:.2f} GB; {os.cpu_count()} cores, load {load:.1f}"
        + (
            f"; DuckDB threads {args.threads}, memory limit {args.memory_limit}"
            if args.engine == "duckdb"
            else ""
        )  # fmt: skip
    )
    return {
        "engine": args.engine,
        "scale": args.scale,
        "records": rows,
        "median_s": median,
        "times_s": times,
        "peak_rss_gb": memory.peak_kb / 1024 / 1024,
        "spark_startup_s": startup,
        "synth_s": synth_time,
    }


if __name__ == "__main__":
    main()
