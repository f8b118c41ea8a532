"""Reference and default data packaged with DANA, and the generator that makes it.

The public face (import from here):

* :func:`load_default_table` - the embedded default indicator table (synthetic, not real,
  with the transcribed C&P 2021/22 figures overlaid), :data:`DEFAULT_AREA` (Peterborough),
  :func:`load_population` (synthetic residents by age band and sex, for pyramids).
* :func:`load_depth_table` - the embedded depth data (synthetic): client profiles and
  pathways in the breakdown convention, Census 2021 ethnic groups, districts of two-tier
  counties, projections by year; :func:`load_projection` - projected residents by band,
  sex and year. The real statistical-neighbour features are read by
  :func:`dana.neighbours.load_neighbour_features` (``neighbour_features.csv``).
* :func:`load_cp_example`, :func:`load_published_figures` - figures transcribed from
  published needs assessments, with citations.
* :func:`list_indicators` - every indicator DANA knows, what is available offline and
  where it comes from (``dana indicators``).
* :func:`generate` / :func:`generate_all` - the seeded synthetic generator (:mod:`dana.data.synthetic`;
  ``python -m dana.data.synthetic`` rewrites the packaged files).
* :class:`DefaultDataError` - a packaged file is missing or broken.

The catalogue (``catalogue.yaml``) and area hierarchy (``areas.csv``) are read by
:mod:`dana.catalogue` and :mod:`dana.areas`.
"""

from dana.data.default import (
    DEFAULT_AREA,
    load_default_table,
    load_depth_table,
    load_population,
    load_projection,
)
from dana.data.inventory import list_indicators
from dana.data.packaged import DefaultDataError
from dana.data.synthetic import generate, generate_all
from dana.data.transcribed import load_cp_example, load_published_figures

__all__ = [
    "DEFAULT_AREA",
    "DefaultDataError",
    "generate",
    "generate_all",
    "list_indicators",
    "load_cp_example",
    "load_default_table",
    "load_depth_table",
    "load_population",
    "load_projection",
    "load_published_figures",
]
