"""The Fingertips API client: transport, retries, the cache, and typed errors.

Verbs are named for what the user wants, after fingertipsR: :meth:`FingertipsClient.indicator_data`,
:meth:`~FingertipsClient.indicator_metadata`, :meth:`~FingertipsClient.areas`,
:meth:`~FingertipsClient.area_types`, :meth:`~FingertipsClient.profiles`.

The client never talks to the network directly: an ``httpx`` transport does, so tests
point it at a real HTTP server on 127.0.0.1 (``tests/sources/replay_server.py``) and the
same code path runs in tests and in production. TLS certificate checks stay on
(fingertips_py turns them off; we don't). 5xx, timeouts, connection errors and truncated
bodies are retried with exponential backoff (bounded; the sleep is injectable); 4xx are
not. Responses go through an optional :class:`dana.sources.cache.ResponseCache`: a second
run works offline and says how old its data is.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pandas as pd

from dana import __version__
from dana import table as indicator_table
from dana.areas import (
    fingertips_area_type_label,
    level_of_fingertips_area_type,
    resolve_fingertips_area_type,
)
from dana.sources.fingertips.checks import (
    USE_DEFAULT_CATALOGUE,
    check_names,
    check_verified,
    describe_from_catalogue,
    load_default_catalogue,
)
from dana.sources.fingertips.conversion import (
    SOURCE_NAME,
    IndicatorDescription,
    describe_from_metadata,
    to_indicator_table,
)
from dana.sources.fingertips.errors import (
    FingertipsBadResponse,
    FingertipsConnectionError,
    FingertipsEmptyResult,
    FingertipsError,
    FingertipsHTTPError,
    FingertipsTimeout,
    FingertipsUnknownArea,
    FingertipsUnknownIndicator,
    MissingIndicatorWarning,
    explain_empty_result,
)
from dana.sources.fingertips.parsing import parse_data_csv, parse_json_list, parse_metadata_csv
from dana.sources.fingertips.requests import (
    DEFAULT_BASE_URL,
    DEFAULT_IDS_PER_REQUEST,
    DEFAULT_TIMEOUT,
    MAX_IDS_PER_REQUEST,
    FingertipsRequest,
    RequestBuilder,
    normalise_ids,
)


@dataclass(frozen=True)
class FetchResult:
    """A response body with where and when it came from."""

    request: FingertipsRequest
    body: bytes
    retrieved: datetime
    from_cache: bool
    status: int = 200
    #: why a cached copy was used instead of the network ("" when fresh or simply cached)
    note: str = ""

    @property
    def age(self):
        return datetime.now(UTC) - self.retrieved

    @property
    def retrieved_date(self) -> str:
        return self.retrieved.date().isoformat()


@dataclass(frozen=True)
class Area:
    """An area of one Fingertips area type: ``area_type_id`` is the type it was listed
    under (the one requested), not the area's own component type."""

    code: str
    name: str
    area_type_id: int

    @property
    def area_type(self) -> str:
        """The indicator table's area type ("utla", "ltla", "region", "england")."""
        return level_of_fingertips_area_type(self.area_type_id)


def _allowed_base_url(base_url: str, *, transport_given: bool) -> bool:
    """HTTPS anywhere; plain HTTP only to a loopback server (a local replay of recorded
    responses) or through an injected transport (which never touches the network)."""
    if base_url.startswith("https://"):
        return True
    if not base_url.startswith("http://"):
        return False
    host = httpx.URL(base_url).host
    return transport_given or host in ("localhost", "::1") or host.startswith("127.")


@dataclass
class _RetryPolicy:
    retries: int = 3
    backoff: float = 0.5
    sleep: Callable[[float], None] = field(default=time.sleep)

    def delay(self, attempt: int) -> float:
        """Exponential backoff: backoff * 2**attempt seconds before retry ``attempt + 1``."""
        return self.backoff * (2**attempt)


class FingertipsClient:
    """Fingertips API client.

    ``base_url`` defaults to the public API; ``transport`` is any ``httpx.BaseTransport``
    (tests use a real local server or ``httpx.MockTransport``); ``timeout`` is seconds per
    request; ``retries`` is how many times 5xx, timeouts, connection errors and truncated
    bodies are retried, waiting ``backoff * 2**attempt`` seconds via ``sleep``.
    ``ids_per_request`` is how many indicators one data or metadata request carries
    (default 1, see :mod:`dana.sources.fingertips.requests`).
    ``cache`` (a :class:`dana.sources.cache.ResponseCache`) makes repeated calls offline:
    a cached response younger than ``max_age`` is used without the network (any age when
    ``max_age`` is None); ``refresh=True`` always asks the network first. If the network
    fails and a cached copy exists, the copy is used and the result says so.
    ``catalogue`` defaults to DANA's catalogue; pass None to describe indicators from the
    metadata endpoint only.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        cache=None,
        max_age=None,
        refresh: bool = False,
        catalogue=USE_DEFAULT_CATALOGUE,
        ids_per_request: int = DEFAULT_IDS_PER_REQUEST,
    ):
        base_url = base_url.strip()
        if not _allowed_base_url(base_url, transport_given=transport is not None):
            raise ValueError(
                f"base URL {base_url!r} must start with https:// (plain http:// only for a"
                " server on this machine: 127.0.0.1, localhost or [::1])"
            )
        self.base_url = base_url.rstrip("/") + "/"
        self.requests = RequestBuilder(self.base_url, ids_per_request)
        self.cache = cache
        self.max_age = max_age
        self.refresh = refresh
        self.timeout = float(timeout)
        self._retry = _RetryPolicy(retries=retries, backoff=backoff, sleep=sleep)
        self._http = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            verify=True,
            follow_redirects=True,
            headers={"User-Agent": f"dana/{__version__} (+Drugs and Alcohol Needs Assessment)"},
        )
        self._catalogue = (
            load_default_catalogue() if catalogue is USE_DEFAULT_CATALOGUE else catalogue
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> FingertipsClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- request values --------------------------------------------------------------

    def requests_for_indicator_data(
        self, indicator_ids, area_type="utla", parent_area_type="region", profile_id=None
    ) -> list[FingertipsRequest]:
        """The data requests for ``indicator_ids`` (``ids_per_request`` IDs each)."""
        return self.requests.for_indicator_data(
            indicator_ids, area_type, parent_area_type, profile_id
        )

    def request_for_indicator_data(
        self, indicator_ids, area_type="utla", parent_area_type="region", profile_id=None
    ) -> FingertipsRequest:
        """One data request for up to 100 indicator IDs, whatever ``ids_per_request`` is."""
        ids = normalise_ids(indicator_ids)
        if len(ids) > MAX_IDS_PER_REQUEST:
            raise ValueError(
                f"{len(ids)} indicator IDs need {-(-len(ids) // MAX_IDS_PER_REQUEST)}"
                f" requests (at most {MAX_IDS_PER_REQUEST} per request): use"
                " requests_for_indicator_data"
            )
        single = RequestBuilder(self.base_url, MAX_IDS_PER_REQUEST)
        return single.for_indicator_data(ids, area_type, parent_area_type, profile_id)[0]

    def requests_for_indicator_metadata(self, indicator_ids) -> list[FingertipsRequest]:
        return self.requests.for_indicator_metadata(indicator_ids)

    def request_for_areas(self, area_type: str | int) -> FingertipsRequest:
        return self.requests.for_areas(area_type)

    def request_for_area_types(self) -> FingertipsRequest:
        return self.requests.for_area_types()

    def request_for_profiles(self) -> FingertipsRequest:
        return self.requests.for_profiles()

    # ---- sending ----------------------------------------------------------------------

    def fetch(self, request: FingertipsRequest) -> FetchResult:
        """Send one request (or answer it from the cache), with retries.

        Only successful (2xx), complete bodies are cached, so a failure never leaves a
        cache entry.
        """
        cached = self.cache.get(request.url) if self.cache is not None else None
        if cached is not None and not self.refresh and self.cache.is_fresh(cached, self.max_age):
            return FetchResult(request, cached.body, cached.retrieved, True, cached.status)
        try:
            response = self._send(request)
        except (FingertipsTimeout, FingertipsConnectionError, FingertipsHTTPError) as exc:
            transient = not isinstance(exc, FingertipsHTTPError) or exc.status >= 500
            if cached is not None and transient:
                note = f"network failed ({exc}); using the cached copy from {cached.age_text}"
                return FetchResult(
                    request, cached.body, cached.retrieved, True, cached.status, note
                )
            raise
        retrieved = datetime.now(UTC)
        if self.cache is not None:
            self.cache.put(
                request.url,
                response.content,
                status=response.status_code,
                retrieved=retrieved,
                kind=request.kind,
                info=request.info_dict(),
            )
        return FetchResult(request, response.content, retrieved, False, response.status_code)

    def _send(self, request: FingertipsRequest) -> httpx.Response:
        url = request.url
        last: FingertipsError | None = None
        for attempt in range(self._retry.retries + 1):
            if attempt:
                self._retry.sleep(self._retry.delay(attempt - 1))
            tries = f"after {attempt + 1} attempt(s)"
            try:
                response = self._http.get(url)
            except httpx.TimeoutException as exc:
                last = FingertipsTimeout(
                    f"Fingertips did not answer within {self.timeout:g}s"
                    f" ({type(exc).__name__}) {tries}: {url}",
                    url=url,
                )
                continue
            except httpx.RemoteProtocolError as exc:
                last = FingertipsBadResponse(
                    f"truncated response from Fingertips {tries}: {exc}: {url}", url=url
                )
                continue
            except httpx.TransportError as exc:
                last = FingertipsConnectionError(
                    f"could not reach Fingertips at {self.base_url} {tries}: {exc}"
                    " (no network? use the cache or --base-url)",
                    url=url,
                )
                continue
            status = response.status_code
            if status >= 500:
                last = FingertipsHTTPError(
                    f"Fingertips answered HTTP {status} {tries}: {_snippet(response)} ({url})",
                    url=url,
                    status=status,
                )
                continue
            if status >= 400:
                raise FingertipsHTTPError(
                    f"Fingertips refused the request with HTTP {status}: {_snippet(response)}."
                    f" Check the indicator IDs and area type in {url}",
                    url=url,
                    status=status,
                )
            try:
                _check_complete(response, url)
            except FingertipsBadResponse as exc:
                last = exc
                continue
            return response
        assert last is not None
        raise last

    # ---- verbs ------------------------------------------------------------------------

    def indicator_data(
        self,
        indicator_ids,
        area_type: str | int = "utla",
        parent_area_type: str | int = "region",
        profile_id: int | None = None,
        *,
        url_only: bool = False,
    ) -> pd.DataFrame | list[str]:
        """Data for every area of ``area_type`` (plus parents and England) as the indicator
        table; ``url_only=True`` returns the URLs it would call instead.

        Raises :class:`FingertipsEmptyResult` when no requested indicator has rows (the
        message explains area-type vintages); warns :class:`MissingIndicatorWarning`
        naming indicators that returned nothing while others did.
        """
        requests = self.requests_for_indicator_data(
            indicator_ids, area_type, parent_area_type, profile_id
        )
        if url_only:
            return [r.url for r in requests]
        ids = normalise_ids(indicator_ids)
        descriptions = self.describe_indicators(ids)
        frames = [self.table_from(self.fetch(r), descriptions) for r in requests]
        result = indicator_table.concat(frames, where=f"{SOURCE_NAME} indicator data")
        child_id = resolve_fingertips_area_type(area_type)
        found = set(result["indicator_id"])
        missing = [i for i in ids if i not in found]
        if len(missing) == len(ids):
            raise FingertipsEmptyResult(
                explain_empty_result(ids, child_id, requests[0].url), url=requests[0].url
            )
        if missing:
            warnings.warn(
                explain_empty_result(missing, child_id, requests[0].url),
                MissingIndicatorWarning,
                stacklevel=2,
            )
        return result

    def table_from(
        self, result: FetchResult, descriptions: Mapping[str, IndicatorDescription]
    ) -> pd.DataFrame:
        """Convert one fetched data response to the indicator table, warning
        (:class:`IndicatorNameWarning`) where the data's names differ from the catalogue's."""
        child_id = int(result.request.info_dict().get("child_area_type_id", "502"))
        data = parse_data_csv(result.body, url=result.request.url)
        converted = to_indicator_table(
            data,
            descriptions,
            retrieved=result.retrieved_date,
            child_area_type=level_of_fingertips_area_type(child_id),
            where=f"{SOURCE_NAME} ({result.request.url})",
        )
        names = dict(zip(converted["indicator_id"], converted["indicator_name"], strict=True))
        check_names(names, descriptions, what="data")
        return converted

    def indicator_metadata(self, indicator_ids, *, url_only: bool = False):
        """The metadata CSV rows for ``indicator_ids`` (columns as exported).

        Raises :class:`FingertipsUnknownIndicator` naming IDs the API does not know.
        """
        requests = self.requests_for_indicator_metadata(indicator_ids)
        if url_only:
            return [r.url for r in requests]
        frames = [parse_metadata_csv(self.fetch(r).body, url=r.url) for r in requests]
        metadata = pd.concat(frames, ignore_index=True)
        known = set(metadata["Indicator ID"].str.strip()) if not metadata.empty else set()
        unknown = [i for i in normalise_ids(indicator_ids) if i not in known]
        if unknown:
            first = next(r.url for r in requests if unknown[0] in r.indicator_ids)
            raise FingertipsUnknownIndicator(
                f"Fingertips has no indicator with ID {', '.join(unknown)} (the metadata"
                f" endpoint returned nothing for it: withdrawn, or a wrong ID); {first}",
                url=first,
            )
        return metadata

    def describe_indicators(self, indicator_ids) -> dict[str, IndicatorDescription]:
        """Polarity, value type, multiplier and unit for each ID: from the catalogue where
        it has the indicator, else from the metadata endpoint. Warns where the catalogue's
        name differs from the live metadata's, and where the catalogue marks an ID
        unverified."""
        ids = normalise_ids(indicator_ids)
        check_verified(self._catalogue, ids)
        described = {i: d for i in ids if (d := describe_from_catalogue(self._catalogue, i))}
        need = [i for i in ids if i not in described]
        asked = ids if self._catalogue is not None else need
        if not asked:
            return described
        from_metadata = describe_from_metadata(self.indicator_metadata(asked))
        check_names({i: d.name for i, d in from_metadata.items()}, described, what="live metadata")
        for i in need:
            described[i] = from_metadata[i]
        return described

    def areas(self, area_type: str | int = "utla") -> list[Area]:
        """Every area of one area type (``areas/by_area_type``).

        Each area's ``area_type_id`` is the type asked for: the real service lists each
        area with its own component type (9 for a county, 16 for a unitary authority
        under 502), which is not a type data can be requested by.
        """
        request = self.request_for_areas(area_type)
        type_id = resolve_fingertips_area_type(area_type)
        rows = parse_json_list(self.fetch(request).body, url=request.url)
        try:
            return [Area(str(r["Code"]), str(r["Name"]), type_id) for r in rows]
        except (KeyError, TypeError) as exc:
            raise FingertipsBadResponse(
                f"{request.url}: area list entries need Code and Name ({exc!r})", url=request.url
            ) from None

    def find_area(self, code: str, area_types: Sequence[str | int] = ("utla", "ltla")) -> Area:
        """The area with GSS ``code``, searched in ``area_types`` in order.

        Raises :class:`FingertipsUnknownArea` saying which area types were searched.
        """
        clean = code.strip().upper()
        if not re.fullmatch(r"E\d{8}", clean):
            raise FingertipsUnknownArea(
                f"{code!r} is not an English GSS area code (E + 8 digits, e.g. E06000031)"
            )
        for area_type in area_types:
            for area in self.areas(area_type):
                if area.code == clean:
                    return area
        searched = ", ".join(
            f"{type_id} ({fingertips_area_type_label(type_id)})"
            for type_id in map(resolve_fingertips_area_type, area_types)
        )
        raise FingertipsUnknownArea(
            f"area code {clean} is not an area of Fingertips area type(s) {searched}. Codes change"
            " when boundaries change (e.g. E10000002 Buckinghamshire became E06000060 in 2020):"
            " check the code, or choose an older vintage with --area-type (e.g. utla_2021)."
        )

    def area_types(self) -> list[dict]:
        """The API's area types (Id, Name, Short, ...)."""
        request = self.request_for_area_types()
        return parse_json_list(self.fetch(request).body, url=request.url)

    def profiles(self) -> list[dict]:
        """The API's profiles (Id, Name, Key, ...)."""
        request = self.request_for_profiles()
        return parse_json_list(self.fetch(request).body, url=request.url)


def _snippet(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return (text[:200] + "...") if len(text) > 200 else (text or response.reason_phrase)


def _check_complete(response: httpx.Response, url: str) -> None:
    """Detect a body shorter than its Content-Length (a transport that does not enforce it)."""
    declared = response.headers.get("content-length")
    if declared is None or response.headers.get("content-encoding"):
        return
    received = len(response.content)
    if declared.isdigit() and received != int(declared):
        raise FingertipsBadResponse(
            f"truncated response from Fingertips: received {received} bytes, Content-Length"
            f" says {declared}: {url}",
            url=url,
        )
