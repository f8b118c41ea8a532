"""Today's ``dana.stats``, loaded from git, as the in-run baseline of the statistics benchmark.

The baseline is the ``src/dana/stats`` package at :data:`BASELINE_REF` (the code before
issue 12, "Statistics at the limit"), read with ``git archive`` into a temporary folder
and imported as the package ``baseline_stats`` (its ``dana.stats`` imports renamed), so
both implementations run in the same process, on the same inputs, in the same run. No
copy of the old code is kept in the repository.
"""

from __future__ import annotations

import importlib
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The commit whose dana.stats is the baseline (main before this work).
BASELINE_REF = "1fa5ef9"
PACKAGE = "baseline_stats"


def load_baseline(ref: str = BASELINE_REF):
    """Import ``dana.stats`` as it was at ``ref``; return the module, or None with a reason."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", ref, "src/dana/stats"],
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or str(error).encode()
        return None, f"git archive {ref} failed: {detail.decode(errors='replace').strip()}"
    folder = Path(tempfile.mkdtemp(prefix="dana-baseline-"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    source = folder / "src" / "dana" / "stats"
    target = folder / PACKAGE
    target.mkdir()
    for path in source.glob("*.py"):
        text = path.read_text(encoding="utf-8").replace("dana.stats", PACKAGE)
        (target / path.name).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(folder))
    return importlib.import_module(PACKAGE), f"dana.stats at {ref} (git archive)"
