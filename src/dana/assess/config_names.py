"""The names a config and the command line choose among: output formats and the built-in
examples. Kept apart from :mod:`dana.assess.config` (pydantic, the sources and the
statistics) so that parsing ``dana report --format html --example cp`` loads nothing."""

from __future__ import annotations

FORMATS = ("html", "docx", "pdf", "pptx", "json")
EXAMPLES = {
    "cambridgeshire-peterborough": "examples/cambridgeshire_peterborough.yaml",
    # Needs the real public data folder: --data-root or $DANA_SHARED_DATA.
    "coventry-real-data": "examples/coventry_real_data.yaml",
}
EXAMPLE_ALIASES = {
    "cp": "cambridgeshire-peterborough",
    "c&p": "cambridgeshire-peterborough",
    "coventry": "coventry-real-data",
}
