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

# Each name loads its module on first use: reading a packaged file (the catalogue, the
# areas) through importlib.resources imports this package, and must not load the
# generator, the default table's readers and the statistics with it.

from __future__ import annotations

from dana._lazy import lazy_names

#: Public name -> the module that defines it (imported when the name is first used).
_HOMES = {
    "DEFAULT_AREA": "dana.data.default",
    "load_default_table": "dana.data.default",
    "load_depth_table": "dana.data.default",
    "load_population": "dana.data.default",
    "load_projection": "dana.data.default",
    "list_indicators": "dana.data.inventory",
    "DefaultDataError": "dana.data.packaged",
    "generate": "dana.data.synthetic",
    "generate_all": "dana.data.synthetic",
    "load_cp_example": "dana.data.transcribed",
    "load_published_figures": "dana.data.transcribed",
}

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

__getattr__, __dir__ = lazy_names(__name__, _HOMES, globals())
