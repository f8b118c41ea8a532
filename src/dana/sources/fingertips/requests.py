"""Fingertips API calls as values: build a request, inspect its ``url``, then send it.

After fingertipsR's ``url_only``: nothing here touches the network. A
:class:`RequestBuilder` knows the base URL and how many indicator IDs one request may
carry; each ``for_*`` method returns :class:`FingertipsRequest` values in order.

Batch size: the API accepts up to :data:`MAX_IDS_PER_REQUEST` IDs in one
``by_indicator_id`` request, but the real service has answered large exports with
out-of-memory HTTP 500s. DANA therefore asks for one indicator per request by default
(:data:`DEFAULT_IDS_PER_REQUEST`, what fingertipsR does), which also caches per
indicator: a new catalogue ID is one new download, not a fresh copy of everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from dana.areas import resolve_fingertips_area_type

DEFAULT_BASE_URL = "https://fingertips.phe.org.uk/api/"
#: Seconds per request: large exports take the real service well over 30 s.
DEFAULT_TIMEOUT = 120.0
#: ``by_indicator_id`` serves at most this many indicator IDs per request.
MAX_IDS_PER_REQUEST = 100
#: IDs per request unless the caller asks for more (see the module docstring).
DEFAULT_IDS_PER_REQUEST = 1

DATA_PATH = "all_data/csv/by_indicator_id"
METADATA_PATH = "indicator_metadata/csv/by_indicator_id"


@dataclass(frozen=True)
class FingertipsRequest:
    """One API call, as a value: inspect ``url`` before sending it.

    ``kind`` names the verb ("indicator_data", "indicator_metadata", "areas", "area_types",
    "profiles"); ``params`` are the query parameters in order; ``info`` carries what the
    cache and the converter need to know (indicator IDs, child area type).
    """

    base_url: str
    path: str
    params: tuple[tuple[str, str], ...]
    kind: str
    info: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        query = urlencode(self.params, safe=",")
        return self.base_url.rstrip("/") + "/" + self.path + ("?" + query if query else "")

    def info_dict(self) -> dict[str, str]:
        return dict(self.info)

    @property
    def indicator_ids(self) -> list[str]:
        """The indicator IDs the request asks for ([] for area and profile lists)."""
        text = self.info_dict().get("indicator_ids", "")
        return text.split(",") if text else []


def normalise_ids(indicator_ids: int | str | Iterable[int | str]) -> list[str]:
    """Indicator IDs as clean digit strings, de-duplicated in order (no stray whitespace)."""
    if isinstance(indicator_ids, int | str):
        indicator_ids = [indicator_ids]
    out: list[str] = []
    for raw in indicator_ids:
        text = str(raw).strip()
        if not text.isdigit():
            raise ValueError(f"indicator ID {raw!r} is not a Fingertips indicator ID (digits only)")
        text = str(int(text))
        if text not in out:
            out.append(text)
    if not out:
        raise ValueError("no indicator IDs given")
    return out


def _chunks(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


class RequestBuilder:
    """Builds the requests of one API base URL, ``ids_per_request`` IDs at a time."""

    def __init__(
        self, base_url: str = DEFAULT_BASE_URL, ids_per_request: int = DEFAULT_IDS_PER_REQUEST
    ):
        if not 1 <= int(ids_per_request) <= MAX_IDS_PER_REQUEST:
            raise ValueError(
                f"ids_per_request must be 1 to {MAX_IDS_PER_REQUEST}, got {ids_per_request!r}"
            )
        self.base_url = base_url.rstrip("/") + "/"
        self.ids_per_request = int(ids_per_request)

    def _request(self, path: str, params, kind: str, info=()) -> FingertipsRequest:
        return FingertipsRequest(self.base_url, path, tuple(params), kind, tuple(info))

    def for_indicator_data(
        self,
        indicator_ids,
        area_type: str | int = "utla",
        parent_area_type: str | int = "region",
        profile_id: int | None = None,
    ) -> list[FingertipsRequest]:
        """Data requests for ``indicator_ids`` (``ids_per_request`` IDs each).

        With ``parent_area_type="region"`` a response holds England, every region and
        every area of ``area_type`` (the comparators a needs assessment uses); with
        "england" it holds England and the areas only.
        """
        ids = normalise_ids(indicator_ids)
        child_id = str(resolve_fingertips_area_type(area_type))
        parent_id = str(resolve_fingertips_area_type(parent_area_type))
        requests = []
        for chunk in _chunks(ids, self.ids_per_request):
            info = [
                ("indicator_ids", ",".join(chunk)),
                ("child_area_type_id", child_id),
                ("parent_area_type_id", parent_id),
            ]
            params = list(info)
            if profile_id is not None:
                params.append(("profile_id", str(int(profile_id))))
            params.append(("include_sortable_time_periods", "yes"))
            requests.append(self._request(DATA_PATH, params, "indicator_data", info))
        return requests

    def for_indicator_metadata(self, indicator_ids) -> list[FingertipsRequest]:
        """Metadata requests for ``indicator_ids`` (``ids_per_request`` IDs each)."""
        return [
            self._request(
                METADATA_PATH,
                [("indicator_ids", ",".join(chunk))],
                "indicator_metadata",
                [("indicator_ids", ",".join(chunk))],
            )
            for chunk in _chunks(normalise_ids(indicator_ids), self.ids_per_request)
        ]

    def for_areas(self, area_type: str | int) -> FingertipsRequest:
        type_id = str(resolve_fingertips_area_type(area_type))
        return self._request(
            "areas/by_area_type", [("area_type_id", type_id)], "areas", [("area_type_id", type_id)]
        )

    def for_area_types(self) -> FingertipsRequest:
        return self._request("area_types", [], "area_types")

    def for_profiles(self) -> FingertipsRequest:
        return self._request("profiles", [], "profiles")
