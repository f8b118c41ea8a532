"""Public-health statistics, following the OHID Fingertips conventions.

One family of methods per module; formulas, references and edge rules are in each
function's docstring. The estimators (``proportion``, ``rate``, ``dsr``, ``isr``,
``smr``, ``mean``, ``unmet_need``) accept scalars or numpy arrays, and most also a
DataFrame (optionally grouped with ``by=``); they return a tidy pandas DataFrame with a
``value`` column and, for each confidence level asked for, ``lower_<level>`` /
``upper_<level>`` columns (``lower_95``, ``upper_99_8``...). The judgements return
their own columns: ``compare`` (``comparison``), ``trend`` (``trend``), ``rank``
(``rank``, ``rank_of``), ``quantiles``, ``funnel_limits`` (limits and each point's position);
``suppress`` takes a DataFrame and returns it with the suppressed counts marked.
No function here does I/O. A ``method`` column is categorical (a code per row, compares
equal to its text); judgement columns (``comparison``, ``significance``, ``trend``...)
are plain text.

The 2013 European Standard Population (19 Fingertips bands) is available as
``dana.stats.ESP2013`` (a tuple of age bands) and ``dana.stats.esp2013(min_age, max_age)``
(weights as a Series, e.g. for ``dsr(standard=...)``); the module is
``dana.stats.standards``.

``dana.stats.percent_change(previous, current)`` is an exception to the DataFrame
convention: a plain percentage change (float or array), no limits.

Inequality and population health: ``life_expectancy`` (Chiang II abridged life table with
the Silcocks final band, one row per group and age), ``sii`` (slope and relative index of
inequality across ordered deprivation quantiles, one row per group and statistic) and
``penetration`` (a group's share of the treatment population over its share of
residents, one row per input row).

Disclosure control: ``suppress`` applies a rule; ``resolve_rule`` gives the ``Rule`` it
applies for a preset and overrides, and ``describe_rule`` the sentence that states it.
``limit_columns(level)`` names the limit columns of a confidence level
(``("lower_95", "upper_95")``).

Every error for bad input is a :class:`StatsInputError` (a ``ValueError``) naming the
argument, row and group: missing (NaN), infinite, negative or non-numeric values, and
required arguments not given.
"""

from dana.stats._common import StatsInputError, limit_columns
from dana.stats.change import percent_change
from dana.stats.compare import compare
from dana.stats.dsr import dsr
from dana.stats.funnels import funnel_limits
from dana.stats.inequality import sii
from dana.stats.isr import isr, smr
from dana.stats.life_expectancy import LIFE_TABLE_AGES, life_expectancy
from dana.stats.means import mean, quantiles, rank
from dana.stats.penetration import penetration
from dana.stats.proportions import proportion
from dana.stats.rates import rate
from dana.stats.standards import ESP2013, AgeBand, esp2013
from dana.stats.suppress import suppress
from dana.stats.suppress_rules import Rule, describe_rule, resolve_rule
from dana.stats.trend import trend
from dana.stats.unmet import unmet_need

__all__ = [
    "ESP2013",
    "LIFE_TABLE_AGES",
    "AgeBand",
    "Rule",
    "StatsInputError",
    "compare",
    "describe_rule",
    "dsr",
    "esp2013",
    "funnel_limits",
    "isr",
    "life_expectancy",
    "limit_columns",
    "mean",
    "penetration",
    "percent_change",
    "proportion",
    "quantiles",
    "rank",
    "rate",
    "resolve_rule",
    "sii",
    "smr",
    "suppress",
    "trend",
    "unmet_need",
]
