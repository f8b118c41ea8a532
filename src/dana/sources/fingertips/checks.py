"""Catalogue checks: describe an indicator from DANA's catalogue, and check what the API
says against it.

DOMAIN.md: where an indicator ID is uncertain the catalogue says so (``verified: false``
with a note), and fetching checks names against the API and warns on a mismatch.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping

from dana.catalogue import load_catalogue
from dana.sources.fingertips.conversion import IndicatorDescription
from dana.sources.fingertips.errors import IndicatorNameWarning, UnverifiedIndicatorWarning

#: Sentinel: "use DANA's packaged catalogue" (pass ``catalogue=None`` for none).
USE_DEFAULT_CATALOGUE = object()


def load_default_catalogue():
    """DANA's packaged catalogue (:func:`dana.catalogue.load_catalogue`)."""
    return load_catalogue()


def _catalogue_entry(catalogue, indicator_id: str):
    if catalogue is None:
        return None
    # dana.catalogue.Catalogue.get raises KeyError for an unknown ID; a plain mapping
    # (tests) returns None
    try:
        return catalogue.get(indicator_id)
    except KeyError:
        return None


def describe_from_catalogue(catalogue, indicator_id: str) -> IndicatorDescription | None:
    """The catalogue's description of ``indicator_id``, or None when it has no entry."""
    entry = _catalogue_entry(catalogue, indicator_id)
    if entry is None:
        return None
    return IndicatorDescription(
        indicator_id=indicator_id,
        name=str(getattr(entry, "name", "") or ""),
        polarity=str(entry.polarity),
        value_type=str(entry.value_type),
        multiplier=float(entry.multiplier),
        unit=str(entry.unit),
        origin="catalogue",
    )


def _normalised_name(name: str) -> str:
    text = re.sub(r"\([^)]*\)", " ", name.lower())
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def names_agree(a: str, b: str) -> bool:
    """True when two indicator names are the same up to case, punctuation and bracketed
    qualifiers such as "(%)" or "(Current method)", or one contains the other."""
    na, nb = _normalised_name(a), _normalised_name(b)
    if not na or not nb:
        return True
    return na == nb or na in nb or nb in na


def check_names(
    names: Mapping[str, str], descriptions: Mapping[str, IndicatorDescription], *, what: str
) -> list[str]:
    """Warn (:class:`IndicatorNameWarning`) where ``names`` differ from catalogue names.

    Returns the warning messages.
    """
    messages = []
    for indicator_id, name in names.items():
        description = descriptions.get(indicator_id)
        if description is None or description.origin != "catalogue":
            continue
        if not names_agree(name, description.name):
            message = (
                f"indicator {indicator_id}: the {what} calls it {name!r} but the catalogue"
                f" says {description.name!r}; check the catalogue's indicator ID"
            )
            warnings.warn(message, IndicatorNameWarning, stacklevel=2)
            messages.append(message)
    return messages


def check_verified(catalogue, indicator_ids: Iterable[str]) -> list[str]:
    """Warn (:class:`UnverifiedIndicatorWarning`) for each ID the catalogue marks
    ``verified: false``, quoting its ``verification`` note. Returns the messages."""
    messages = []
    for indicator_id in indicator_ids:
        entry = _catalogue_entry(catalogue, indicator_id)
        if entry is None or getattr(entry, "verified", True):
            continue
        note = getattr(entry, "verification", "") or "no verification note"
        message = (
            f"indicator {indicator_id}: the catalogue marks this ID as unverified ({note});"
            " check the data is the indicator you expect"
        )
        warnings.warn(message, UnverifiedIndicatorWarning, stacklevel=2)
        messages.append(message)
    return messages
