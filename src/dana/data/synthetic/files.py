"""Writing the generator's output as the packaged files, byte for byte reproducibly."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd

from dana._atomic import write_bytes_atomic
from dana.data.default import DEPTH_FILE, INDICATORS_FILE, POPULATION_FILE, PROJECTIONS_FILE
from dana.data.synthetic.assemble import SEED, DefaultData, generate_all


def _gzip_csv_bytes(frame: pd.DataFrame) -> bytes:
    text = frame.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    buffer = io.BytesIO()
    # mtime=0 and no file name in the header: identical bytes on every run.
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as handle:
        handle.write(text.encode("utf-8"))
    return buffer.getvalue()


def serialise(data: DefaultData) -> dict[str, bytes]:
    """The packaged files' exact bytes, by file name."""
    return {
        INDICATORS_FILE: _gzip_csv_bytes(data.indicators),
        POPULATION_FILE: _gzip_csv_bytes(data.population),
        DEPTH_FILE: _gzip_csv_bytes(data.depth),
        PROJECTIONS_FILE: _gzip_csv_bytes(data.projections),
    }


def write_default_data(directory: str | Path | None = None, seed: int = SEED) -> list[Path]:
    """Generate and write the default data files (atomically) into ``directory``."""
    target = Path(directory) if directory is not None else Path(__file__).resolve().parents[1]
    written = []
    for name, payload in serialise(generate_all(seed)).items():
        write_bytes_atomic(target / name, payload)
        written.append(target / name)
    return written


def main() -> None:
    for path in write_default_data():
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")
