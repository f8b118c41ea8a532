"""DANA's seeded synthetic data generator: a complete, clearly labelled *fake* indicator table.

Why: DANA must run end to end (a full assessment for any area) without a network and
without licensed data. This package invents plausible data for England, the 9 regions and
all 153 current upper-tier local authorities, for every catalogue indicator except those
marked ``real_data_only``. **Nothing here is real data**: every row's ``source`` reads
``"DANA synthetic generator (seed 20230401) - not real data"``.

============ ===========================================================================
module       job
============ ===========================================================================
``world``    areas, populations by age band and sex, latent area effects (deprivation,
             urbanity, ethnic mix, relative risks); regions and England are sums of UTLAs
``anchors``  the real transcribed figures (C&P 2021/22) series are calibrated to
``models``   one registered model per indicator (adding an indicator = adding a model),
             with the calibration targets and their sources
``pathways`` substance groups, new presentations, completions, exits, deaths, naloxone,
             parents, opiate / crack users: shared arrays and their headline models
``profiles`` latest-year client profiles and pathways in the breakdown convention
``context``  Census 2021 ethnic groups, districts of two-tier counties, projections
``depth``    the depth table and projection table from one run
``rows``     simulated counts -> values and limits by :mod:`dana.stats`
``assemble`` :func:`generate_all` (:func:`generate`): run every model, publish each
             series as indicator rows, then the depth tables
``files``    the packaged files' exact bytes; ``python -m dana.data.synthetic`` rewrites
             ``default_indicators.csv.gz``, ``default_population.csv.gz``,
             ``default_depth.csv.gz`` and ``default_projections.csv.gz``
============ ===========================================================================

Regeneration is byte-for-byte deterministic (numpy ``default_rng(20230401)``; models
draw in registration order).
"""

from dana.data.synthetic.anchors import ANCHORABLE, Anchor, default_anchors
from dana.data.synthetic.assemble import (
    ETHNIC_GROUPS,
    SEED,
    SOURCE,
    SYNTHETIC_NOTE,
    DefaultData,
    generate,
    generate_all,
)
from dana.data.synthetic.files import serialise, write_default_data
from dana.data.synthetic.models import MODELS, model
from dana.data.synthetic.world import (
    ENGLAND_POPULATION_2021,
    PERIOD_END_YEARS,
    YEARS,
    period_label,
)

__all__ = [
    "ANCHORABLE",
    "ENGLAND_POPULATION_2021",
    "ETHNIC_GROUPS",
    "MODELS",
    "PERIOD_END_YEARS",
    "SEED",
    "SOURCE",
    "SYNTHETIC_NOTE",
    "YEARS",
    "Anchor",
    "DefaultData",
    "default_anchors",
    "generate",
    "generate_all",
    "model",
    "period_label",
    "serialise",
    "write_default_data",
]
