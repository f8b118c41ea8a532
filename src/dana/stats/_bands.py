"""Age bands: matching each input row to a band of a standard or a life table.

:func:`band_positions` gives each row's position among a method's bands (DSR standard
population bands, indirect-standardisation reference bands, life-table bands), checking
that every group holds every band exactly once; :func:`normalise_band_label` is the one
rule for reading a band label (``"Aged 00 - 04"`` and ``"0-4"`` are the same band).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dana.stats._common import StatsInputError
from dana.stats._frame import Groups, Resolved, check


def normalise_band_label(label) -> str:
    """Canonical form of an age-band label: ``'Aged 00 - 04'`` -> ``'0-4'``, ``'90 and over'`` -> ``'90+'``."""
    text = str(label).strip().lower().replace("\u2013", "-").replace("\u2014", "-")
    for word in ("aged", "ages", "years", "year", "yrs"):
        text = text.replace(word, "")
    text = "".join(text.split())
    for tail in ("andover", "andolder", "plus", "orover"):
        if text.endswith(tail):
            text = text[: -len(tail)] + "+"
    parts = text.rstrip("+").split("-")
    if all(part.isdigit() for part in parts) and len(parts) in (1, 2):
        text = "-".join(str(int(part)) for part in parts) + ("+" if text.endswith("+") else "")
    return text


def band_positions(
    resolved: Resolved,
    age: pd.Series | None,
    bands: Sequence,
    what: str,
    among: str = "the standard",
) -> np.ndarray:
    """Position (0..k-1) in ``bands`` of each input row's age band, checking completeness.

    With ``age=None`` the rows of each group are taken to be the bands in order, so a
    group must have exactly ``len(bands)`` rows. Otherwise each ``age`` label is matched
    to ``bands`` after :func:`normalise_band_label`. Either way every group must hold
    every band exactly once: a missing band, a repeated band or an unknown label raises
    :class:`StatsInputError` naming the group and the band. Vectorised with np.bincount.
    """
    groups = resolved.groups
    k = len(bands)
    if age is None:
        sizes = groups.sizes()
        order = np.argsort(groups.codes, kind="stable")
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        positions = np.empty(len(order), dtype=np.intp)
        positions[order] = np.arange(len(order)) - starts[groups.codes[order]]
        _band_error(
            groups,
            sizes < k,
            lambda g: (
                f"{what}: age band {bands[sizes[g]]!r} is missing for {groups.label(g)} "
                f"(rows are matched to the {k} age bands in order; {sizes[g]} rows found)"
            ),
        )
        _band_error(
            groups,
            sizes > k,
            lambda g: (
                f"{what}: {groups.label(g)} has {sizes[g]} rows but there are {k} "
                "age bands (pass age= to match rows to bands by label)"
            ),
        )
        return positions
    lookup = {normalise_band_label(label): i for i, label in enumerate(bands)}
    # normalise each distinct label once, not once per row
    label_codes, distinct = pd.factorize(age, use_na_sentinel=False)
    distinct_pos = np.array(
        [lookup.get(normalise_band_label(label), -1) for label in distinct], dtype=np.intp
    )
    positions = distinct_pos[label_codes]
    unknown = positions < 0
    if unknown.any():
        first = int(np.flatnonzero(unknown)[0])
        check(
            resolved,
            unknown,
            f"{what}: age band {age.iloc[first]!r} is not in {among} "
            f"(bands are {[str(b) for b in bands]})",
        )
    tally = np.bincount(groups.codes * k + positions, minlength=groups.count * k).reshape(-1, k)
    first_band = lambda mask, g: bands[int(np.flatnonzero(mask[g])[0])]  # noqa: E731
    _band_error(
        groups,
        (tally > 1).any(axis=1),
        lambda g: (
            f"{what}: age band {first_band(tally > 1, g)!r} appears more than once "
            f"for {groups.label(g)}"
        ),
    )
    _band_error(
        groups,
        (tally == 0).any(axis=1),
        lambda g: (
            f"{what}: age band {first_band(tally == 0, g)!r} is missing for {groups.label(g)}"
        ),
    )
    return positions


def _band_error(groups: Groups, bad_groups: np.ndarray, message) -> None:
    """Raise naming the first offending group (``message(group)``) and how many others."""
    bad = np.flatnonzero(bad_groups)
    if len(bad) == 0:
        return
    others = len(bad) - 1
    more = f" ({others} other group{'s' if others > 1 else ''} also affected)" if others else ""
    raise StatsInputError(message(int(bad[0])) + more)
