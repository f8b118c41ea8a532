"""Download many indicators for one area and its comparators, one indicator at a time.

What ``dana fetch`` does: for each indicator, describe it (catalogue, else the metadata
endpoint), download its data for every area of the area's type with region parents,
and convert it. One indicator's failure - a withdrawn ID (no metadata), a value type
DANA does not know, an HTTP error or a malformed body for that indicator - is recorded
in :attr:`AreaDownload.skipped` with its message and the rest go on; only an
unreachable server stops the whole download (every other request would fail too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from dana import table as indicator_table
from dana.sources.fingertips.client import Area, FetchResult, FingertipsClient
from dana.sources.fingertips.conversion import IndicatorDescription
from dana.sources.fingertips.errors import (
    FingertipsConnectionError,
    FingertipsError,
    explain_empty_result,
)
from dana.sources.fingertips.requests import normalise_ids


@dataclass(frozen=True)
class AreaDownload:
    """What :func:`download_for_area` got, indicator by indicator."""

    area: Area
    requested: tuple[str, ...]
    table: pd.DataFrame
    descriptions: dict[str, IndicatorDescription]
    results: tuple[FetchResult, ...]
    #: indicator ID -> why it was skipped (the error's message)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> list[str]:
        """Indicators downloaded without error that have no rows at all."""
        found = set(self.table["indicator_id"])
        return [i for i in self.requested if i not in found and i not in self.skipped]

    @property
    def without_area(self) -> list[str]:
        """Indicators with rows for comparators but none for the area itself."""
        found = set(self.table["indicator_id"])
        own = set(self.table.loc[self.table["area_code"] == self.area.code, "indicator_id"])
        return [i for i in self.requested if i in found and i not in own]

    def empty_message(self) -> str:
        """Why :attr:`empty` indicators have no rows ("" when none)."""
        if not self.empty:
            return ""
        url = next(
            (r.request.url for r in self.results if self.empty[0] in r.request.indicator_ids), ""
        )
        return explain_empty_result(self.empty, self.area.area_type_id, url)


def download_for_area(
    client: FingertipsClient,
    indicator_ids: Iterable[int | str],
    area: Area,
    *,
    parent_area_type: str | int = "region",
    on_indicator: Callable[[str], None] | None = None,
) -> AreaDownload:
    """Download ``indicator_ids`` for every area of ``area``'s type (see the module docstring).

    ``on_indicator(id)`` is called after each indicator (for a progress bar). Raises
    :class:`~dana.sources.fingertips.errors.FingertipsConnectionError` only.
    """
    ids = normalise_ids(indicator_ids)
    frames, results, descriptions, skipped = [], [], {}, {}
    for indicator_id in ids:
        try:
            described = client.describe_indicators([indicator_id])
            fetched = [
                client.fetch(request)
                for request in client.requests_for_indicator_data(
                    [indicator_id], area.area_type_id, parent_area_type
                )
            ]
            frames += [client.table_from(result, described) for result in fetched]
            results += fetched
            descriptions.update(described)
        except FingertipsConnectionError:
            raise
        except FingertipsError as exc:
            skipped[indicator_id] = str(exc)
        if on_indicator is not None:
            on_indicator(indicator_id)
    table = indicator_table.concat(frames, where=f"Fingertips download for {area.code}")
    return AreaDownload(area, tuple(ids), table, descriptions, tuple(results), skipped)
