"""Typed failures and warnings of the Fingertips client.

Every error is a :class:`dana.sources.errors.SourceAPIError`; ``url`` is the request
that failed, so a message can always say what was asked.
"""

from __future__ import annotations

from collections.abc import Sequence

from dana.areas import fingertips_area_type_label
from dana.sources.errors import SourceAPIError


class FingertipsError(SourceAPIError):
    """Base class of Fingertips API failures; ``url`` is the request that failed."""

    def __init__(self, message: str, *, url: str = ""):
        self.url = url
        super().__init__(message)


class FingertipsHTTPError(FingertipsError):
    """The API answered with an HTTP error status."""

    def __init__(self, message: str, *, url: str = "", status: int = 0):
        self.status = status
        super().__init__(message, url=url)


class FingertipsTimeout(FingertipsError):
    """The API did not answer within the client's timeout (after retries)."""


class FingertipsConnectionError(FingertipsError):
    """The API could not be reached (no network, DNS, refused), and nothing was cached."""


class FingertipsBadResponse(FingertipsError):
    """The body is truncated or malformed (wrong header, wrong row width, bad number)."""


class FingertipsEmptyResult(FingertipsError):
    """The API returned no rows; the message says the likely reason."""


class FingertipsUnknownArea(FingertipsError):
    """An area code is not an area of the searched area types."""


class FingertipsUnknownIndicator(FingertipsError):
    """An indicator ID has no metadata (it does not exist, or was withdrawn)."""


class IndicatorNameWarning(UserWarning):
    """The indicator name in the data or live metadata differs from the catalogue's."""


class UnverifiedIndicatorWarning(UserWarning):
    """The catalogue marks the indicator ID ``verified: false`` (not confirmed by a source)."""


class MissingIndicatorWarning(UserWarning):
    """Some requested indicators returned no rows (others did)."""


def explain_empty_result(indicator_ids: Sequence[str], area_type_id: int, url: str) -> str:
    """Why an answer had no rows: a wrong ID, or an area-type vintage it is not published for."""
    label = fingertips_area_type_label(area_type_id)
    hint = ""
    if area_type_id % 100 == 2 and area_type_id > 102:
        hint = (
            " Discontinued indicators exist only under older county & UA vintages:"
            " try area type utla_2021 (402), utla_2020 (302), utla_2019 (202) or"
            " utla_pre2019 (102)."
        )
    elif area_type_id % 100 == 1 and area_type_id > 101:
        hint = " Try an older district vintage (ltla_2021 = 401) or the county type (utla)."
    return (
        f"Fingertips returned no rows for indicator(s) {', '.join(indicator_ids)} under area"
        f" type {area_type_id} ({label}). Either the indicator ID does not exist (check it with"
        f" `indicator_metadata`) or it is not published for this area type.{hint} URL: {url}"
    )
