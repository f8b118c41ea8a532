"""Client for the OHID Fingertips API (legacy API, base ``https://fingertips.phe.org.uk/api/``).

Verbs are named for what the user wants, after fingertipsR: :meth:`FingertipsClient.indicator_data`,
:meth:`~FingertipsClient.indicator_metadata`, :meth:`~FingertipsClient.areas`,
:meth:`~FingertipsClient.area_types`, :meth:`~FingertipsClient.profiles`.

Every request is a value (:class:`FingertipsRequest`) that can be inspected before it is
sent (``client.request_for_indicator_data(...).url``, or ``url_only=True``). The client never
talks to the network directly: an ``httpx`` transport does, so tests point it at a real HTTP
server on 127.0.0.1 (``tests/sources/replay_server.py``) and the same code path runs in tests
and in production. TLS certificate checks stay on (fingertips_py turns them off; we don't).

Failures are typed (all subclasses of :class:`dana.sources.errors.SourceAPIError`):
HTTP errors, timeouts, unreachable server, truncated or malformed bodies, an empty result
(explaining the usual cause: the indicator is not published for that area-type vintage),
an unknown area code, an unknown indicator ID. 5xx, timeouts and connection errors are
retried with exponential backoff (bounded; the sleep is injectable).

Responses go through an optional :class:`dana.sources.cache.ResponseCache`: a second run
works offline and says how old its data is.

The CSV schema (27 columns, see ``shared/data/fingertips-api/all_data_csv_columns.txt`` and
the real export ``shared/data/ndtms-sdg-3-5-1/unmet_alcohol.csv``) is converted to the tidy
indicator table of :mod:`dana.table` by :func:`to_indicator_table`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

import httpx
import pandas as pd

from dana import __version__
from dana import table as indicator_table
from dana.sources.errors import SourceAPIError

DEFAULT_BASE_URL = "https://fingertips.phe.org.uk/api/"
SOURCE_NAME = "OHID Fingertips API"
#: ``by_indicator_id`` serves at most this many indicator IDs per request.
MAX_IDS_PER_REQUEST = 100

# --------------------------------------------------------------------------------------
# Area types
# --------------------------------------------------------------------------------------

#: Friendly area-type names -> Fingertips AreaTypeId (``dana.areas.FINGERTIPS_AREA_TYPES``
#: maps ids to labels only, so the friendly names live here).
#: 502/501 = counties & UAs / districts & UAs from April 2023; 402/302/202/102 = earlier
#: county & UA vintages (4/21-3/23, 4/20-3/21, 4/19-3/20, pre 4/19; PRACTICE.md §1.6);
#: 401/301/201/101 = the matching district & UA vintages (101 and 301 seen in PRACTICE.md,
#: 201 and 401 inferred by analogy). A discontinued indicator may exist only under an
#: older vintage (e.g. 91123 and 91182 only under 402).
_LOCAL_AREA_TYPE_IDS: dict[str, int] = {
    "england": 15,
    "region": 6,
    "utla": 502,
    "ltla": 501,
    "utla_2021": 402,
    "utla_2020": 302,
    "utla_2019": 202,
    "utla_pre2019": 102,
    "ltla_2021": 401,
    "ltla_2020": 301,
    "ltla_2019": 201,
    "ltla_pre2019": 101,
}

_AREA_TYPE_LABELS: dict[int, str] = {
    15: "England",
    6: "regions",
    502: "counties & UAs from April 2023",
    501: "districts & UAs from April 2023",
    402: "counties & UAs April 2021 - March 2023",
    302: "counties & UAs April 2020 - March 2021",
    202: "counties & UAs April 2019 - March 2020",
    102: "counties & UAs before April 2019",
    401: "districts & UAs April 2021 - March 2023",
    301: "districts & UAs April 2020 - March 2021",
    201: "districts & UAs April 2019 - March 2020",
    101: "districts & UAs before April 2019",
}


def area_type_ids() -> dict[str, int]:
    """Friendly area-type name -> Fingertips AreaTypeId (local mapping: ``dana.areas``
    names the Fingertips area types by id, not by friendly name)."""
    return dict(_LOCAL_AREA_TYPE_IDS)


def resolve_area_type(area_type: str | int) -> int:
    """Turn a friendly name ("utla", "ltla", "region", "england", "utla_2021"...) or an
    AreaTypeId (502, "502") into the Fingertips AreaTypeId."""
    if isinstance(area_type, int):
        return area_type
    text = str(area_type).strip().lower()
    if text.isdigit():
        return int(text)
    ids = area_type_ids()
    if text not in ids:
        raise ValueError(
            f"unknown area type {area_type!r}: use one of {sorted(ids)} or a Fingertips AreaTypeId"
        )
    return ids[text]


def table_area_type(area_type_id: int) -> str:
    """The indicator table's area_type for a Fingertips AreaTypeId."""
    if area_type_id == 15:
        return "england"
    if area_type_id == 6:
        return "region"
    if area_type_id % 100 == 2:
        return "utla"
    if area_type_id % 100 == 1:
        return "ltla"
    return "other"


def _area_type_label(area_type_id: int) -> str:
    """Human label of an AreaTypeId: ``dana.areas.FINGERTIPS_AREA_TYPES`` when present."""
    try:
        from dana.areas import FINGERTIPS_AREA_TYPES
    except ImportError:
        FINGERTIPS_AREA_TYPES = {}
    label = FINGERTIPS_AREA_TYPES.get(area_type_id) or _AREA_TYPE_LABELS.get(area_type_id)
    return label or f"area type {area_type_id}"


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------


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


def _normalise_ids(indicator_ids: int | str | Iterable[int | str]) -> list[str]:
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


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


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
class IndicatorDescription:
    """What the indicator table needs to know about an indicator beyond the data rows."""

    indicator_id: str
    name: str
    polarity: str
    value_type: str
    multiplier: float
    unit: str
    #: "catalogue" or "metadata" (the API's metadata endpoint)
    origin: str = "metadata"


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    area_type_id: int

    @property
    def area_type(self) -> str:
        """The indicator table's area type ("utla", "ltla", "region", "england")."""
        return table_area_type(self.area_type_id)


# --------------------------------------------------------------------------------------
# Parsing the API's CSV
# --------------------------------------------------------------------------------------

#: Data CSV header (27 columns). Column 23 (index 22) is named after the parent area type
#: ("Compared to Region value or percentiles") or "Column not used"; "Compared to goal"
#: was once "Target data"; by_profile_id omits "Time period range" (26 columns).
DATA_COLUMNS = (
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Column not used",
    "Time period Sortable",
    "New data",
    "Compared to goal",
    "Time period range",
)
_PARENT_COMPARISON = re.compile(r"^(Column not used|Compared to .+ value or percentiles)$")
_ALTERNATIVE_NAMES = {25: ("Compared to goal", "Target data")}

#: Metadata CSV columns DANA reads (the full list has 32 columns; see
#: shared/data/fingertips-api/indicator_metadata_csv_columns.txt).
METADATA_REQUIRED = ("Indicator ID", "Indicator", "Unit", "Value type", "Polarity")


def _decode(body: bytes, url: str) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FingertipsBadResponse(
            f"{url}: body is not UTF-8 text (byte {exc.start}); the response is malformed",
            url=url,
        ) from None


def _read_csv_rows(body: bytes, url: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV body, checking every row has the header's width."""
    text = _decode(body, url)
    if not text.strip():
        return [], []
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise FingertipsBadResponse(f"{url}: malformed CSV: {exc}", url=url) from None
    header, data = rows[0], rows[1:]
    for line_no, row in enumerate(data, start=2):
        if not row:
            continue  # a blank line (e.g. trailing); csv gives []
        if len(row) != len(header):
            raise FingertipsBadResponse(
                f"{url}: row {line_no} has {len(row)} fields, expected {len(header)}"
                " (the body is truncated or malformed)",
                url=url,
            )
    return header, [row for row in data if row]


def _check_data_header(header: list[str], url: str) -> None:
    expected = list(DATA_COLUMNS)
    if len(header) not in (26, 27):
        raise FingertipsBadResponse(
            f"{url}: CSV header has {len(header)} columns, expected 27 (or 26 by profile);"
            f" got {header[:5]}...",
            url=url,
        )
    for i, name in enumerate(header):
        ok = (
            bool(_PARENT_COMPARISON.match(name))
            if i == 22
            else name in _ALTERNATIVE_NAMES.get(i, (expected[i],))
        )
        if not ok:
            raise FingertipsBadResponse(
                f"{url}: CSV column {i + 1} is {name!r}, expected {expected[i]!r}"
                " (not a Fingertips data CSV)",
                url=url,
            )


def parse_data_csv(body: bytes, *, url: str = "response") -> pd.DataFrame:
    """The API's data CSV as a frame of strings, header and row widths checked.

    An empty body or a header with no rows gives an empty frame with the expected columns.
    """
    header, rows = _read_csv_rows(body, url)
    if not header:
        return pd.DataFrame(columns=list(DATA_COLUMNS), dtype=str)
    _check_data_header(header, url)
    frame = pd.DataFrame(rows, columns=header, dtype=str)
    return frame.rename(columns={header[22]: "Column not used", header[25]: "Compared to goal"})


def parse_metadata_csv(body: bytes, *, url: str = "response") -> pd.DataFrame:
    """The API's indicator metadata CSV as a frame of strings, one row per indicator."""
    header, rows = _read_csv_rows(body, url)
    if not header:
        return pd.DataFrame(columns=list(METADATA_REQUIRED), dtype=str)
    missing = [c for c in METADATA_REQUIRED if c not in header]
    if missing:
        raise FingertipsBadResponse(
            f"{url}: metadata CSV lacks column(s) {missing} (not a Fingertips metadata CSV)",
            url=url,
        )
    return pd.DataFrame(rows, columns=header, dtype=str)


def _parse_json(body: bytes, url: str) -> list[dict]:
    try:
        parsed = json.loads(_decode(body, url))
    except json.JSONDecodeError as exc:
        raise FingertipsBadResponse(
            f"{url}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
            url=url,
        ) from None
    if not isinstance(parsed, list):
        raise FingertipsBadResponse(
            f"{url}: expected a JSON list, got {type(parsed).__name__}", url=url
        )
    return parsed


# --------------------------------------------------------------------------------------
# Indicator descriptions: catalogue first, metadata endpoint as fallback
# --------------------------------------------------------------------------------------

#: Fingertips "Value type" text -> the indicator table's value_type.
_VALUE_TYPES = (
    ("indirectly standardised", "isr"),
    ("directly standardised", "dsr"),
    ("crude rate", "crude_rate"),
    ("proportion", "proportion"),
    ("percentage", "proportion"),
    ("ratio", "ratio"),
    ("count", "count"),
    ("mean", "mean"),
    # life expectancy is the mean age at death of the life-table cohort
    ("life expectancy", "mean"),
    ("score", "score"),
)


def _value_type(text: str, indicator_id: str) -> str:
    lowered = text.strip().lower()
    for needle, value_type in _VALUE_TYPES:
        if needle in lowered:
            return value_type
    raise FingertipsBadResponse(
        f"indicator {indicator_id}: unrecognised Fingertips value type {text!r}"
        f" (known: {sorted({v for _, v in _VALUE_TYPES})})"
    )


def _polarity(text: str) -> str:
    """ "RAG - Low is good" / "Low is good" -> low_is_good; BOB, "No judgement" -> no_judgement."""
    lowered = text.lower()
    if "low is good" in lowered or "lower is better" in lowered:
        return "low_is_good"
    if "high is good" in lowered or "higher is better" in lowered:
        return "high_is_good"
    return "no_judgement"


def _multiplier(unit: str) -> float:
    """ "%" -> 100, "per 100,000" -> 100000, anything else (count, score, years) -> 1."""
    text = unit.strip().lower()
    if text == "%":
        return 100.0
    match = re.fullmatch(r"per\s+([\d,]+)(?:\s.*)?", text)
    if match:
        return float(match.group(1).replace(",", ""))
    return 1.0


def describe_from_metadata(metadata: pd.DataFrame) -> dict[str, IndicatorDescription]:
    """Descriptions from the metadata endpoint's CSV (see :func:`parse_metadata_csv`)."""
    out = {}
    for _, row in metadata.iterrows():
        indicator_id = str(row["Indicator ID"]).strip()
        unit = str(row["Unit"]).strip()
        out[indicator_id] = IndicatorDescription(
            indicator_id=indicator_id,
            name=str(row["Indicator"]).strip(),
            polarity=_polarity(str(row["Polarity"])),
            value_type=_value_type(str(row["Value type"]), indicator_id),
            multiplier=_multiplier(unit),
            unit=unit,
            origin="metadata",
        )
    return out


#: Sentinel: "load dana.catalogue if it exists".
USE_DEFAULT_CATALOGUE = object()


def load_default_catalogue():
    """``dana.catalogue.load_catalogue()`` when that module exists, else None."""
    try:
        from dana.catalogue import load_catalogue  # type: ignore[attr-defined]
    except ImportError:
        return None
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
    entry = _catalogue_entry(catalogue, indicator_id)
    if entry is None:
        return None
    name = getattr(entry, "name", None) or getattr(entry, "indicator_name", "") or ""
    return IndicatorDescription(
        indicator_id=indicator_id,
        name=str(name),
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

    Returns the warning messages. DOMAIN.md: where an ID is uncertain the catalogue says so,
    and fetching checks names against the API and warns on a mismatch.
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


# --------------------------------------------------------------------------------------
# Conversion to the indicator table
# --------------------------------------------------------------------------------------

_NUMBER_COLUMNS = {
    "Value": "value",
    "Lower CI 95.0 limit": "lower_95",
    "Upper CI 95.0 limit": "upper_95",
    "Lower CI 99.8 limit": "lower_99_8",
    "Upper CI 99.8 limit": "upper_99_8",
    "Count": "count",
    "Denominator": "denominator",
}
_TEXT_COLUMNS = {
    "Indicator ID": "indicator_id",
    "Indicator Name": "indicator_name",
    "Area Code": "area_code",
    "Area Name": "area_name",
    "Parent Code": "parent_code",
    "Time period": "period",
    "Sex": "sex",
    "Age": "age",
    "Category Type": "category_type",
    "Category": "category",
    "Value note": "value_note",
}


def _area_type_from_label(label: str, child_area_type: str) -> str:
    """Fingertips "Area Type" text -> table area_type.

    "England", "Region"; counties ("County", "Counties & UAs (from Apr 2023)",
    "County & UA (pre 4/19)", "Upper tier local authorities ...") -> utla; districts
    ("District", "Districts & UAs ...", "Lower tier ...") -> ltla. A unitary authority ("UA")
    is both, so it takes the requested child area type.
    """
    text = label.strip().lower()
    if text == "england":
        return "england"
    if text == "region" or text.startswith("region"):
        return "region"
    if text.startswith(("count", "upper tier")):
        return "utla"
    if text.startswith(("district", "lower tier")):
        return "ltla"
    if text in ("ua", "unitary authority"):
        return child_area_type
    return "other"


def _numbers(frame: pd.DataFrame, column: str, where: str) -> list[float]:
    out = []
    for line_no, text in enumerate(frame[column].tolist(), start=2):
        text = "" if text is None else str(text).strip()
        if text == "":
            out.append(math.nan)
            continue
        try:
            number = float(text)  # accepts the API's exponent form, e.g. "1.2E-05"
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or "_" in text:  # float() also takes "inf", "1_0"
            raise FingertipsBadResponse(
                f"{where}, row {line_no}, column {column!r}: {text!r} is not a number"
            )
        out.append(number)
    return out


def to_indicator_table(
    data: pd.DataFrame,
    descriptions: Mapping[str, IndicatorDescription],
    *,
    retrieved: str,
    child_area_type: str = "utla",
    where: str = SOURCE_NAME,
) -> pd.DataFrame:
    """Convert a parsed Fingertips data CSV (:func:`parse_data_csv`) to the indicator table.

    Values, limits, count and denominator are taken exactly as published (no rounding);
    ``period_sort`` is "Time period Sortable" (start year * 10000); polarity, value type,
    multiplier and unit come from ``descriptions`` (catalogue first, else the metadata
    endpoint); ``source`` is "OHID Fingertips API" and ``retrieved`` the ISO date of the
    download. Warns (:class:`IndicatorNameWarning`) where the data's indicator name differs
    from the catalogue's. The result is validated with :func:`dana.table.validate`.
    """
    if data.empty:
        return indicator_table.empty()
    ids = data["Indicator ID"].str.strip()
    missing = sorted(set(ids) - set(descriptions))
    if missing:
        raise FingertipsError(
            f"{where}: no metadata for indicator(s) {missing}: polarity, value type and unit"
            " are unknown (not in the catalogue, and the metadata endpoint was not read)"
        )
    out = pd.DataFrame(
        {new: data[old].fillna("").str.strip() for old, new in _TEXT_COLUMNS.items()}
    )
    for old, new in _NUMBER_COLUMNS.items():
        out[new] = _numbers(data, old, where)
    sortable = data["Time period Sortable"].fillna("").str.strip()
    bad = [i + 2 for i, s in enumerate(sortable) if not s.isdigit()]
    if bad:
        raise FingertipsBadResponse(
            f"{where}, row {bad[0]}, column 'Time period Sortable': {sortable.iloc[bad[0] - 2]!r}"
            " is not a sortable period (e.g. 20180000)"
        )
    out["period_sort"] = sortable.astype("int64")
    out["area_type"] = [_area_type_from_label(t, child_area_type) for t in data["Area Type"]]
    described = [descriptions[i] for i in ids]
    out["polarity"] = [d.polarity for d in described]
    out["value_type"] = [d.value_type for d in described]
    out["multiplier"] = [d.multiplier for d in described]
    out["unit"] = [d.unit for d in described]
    out["source"] = SOURCE_NAME
    out["retrieved"] = retrieved
    names = dict(zip(out["indicator_id"], out["indicator_name"], strict=True))
    check_names(names, descriptions, what="data")
    converted = indicator_table.coerce(out)
    return indicator_table.validate(converted, where=where)


def explain_empty_result(indicator_ids: Sequence[str], area_type_id: int, url: str) -> str:
    label = _area_type_label(area_type_id)
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


# --------------------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------------------


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
    ``cache`` (a :class:`dana.sources.cache.ResponseCache`) makes repeated calls offline:
    a cached response younger than ``max_age`` is used without the network (any age when
    ``max_age`` is None); ``refresh=True`` always asks the network first. If the network
    fails and a cached copy exists, the copy is used and the result says so.
    ``catalogue`` defaults to ``dana.catalogue.load_catalogue()`` when available; pass
    None to describe indicators from the metadata endpoint only.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        cache=None,
        max_age=None,
        refresh: bool = False,
        catalogue=USE_DEFAULT_CATALOGUE,
    ):
        base_url = base_url.strip()
        if not _allowed_base_url(base_url, transport_given=transport is not None):
            raise ValueError(
                f"base URL {base_url!r} must start with https:// (plain http:// only for a"
                " server on this machine: 127.0.0.1, localhost or [::1])"
            )
        self.base_url = base_url.rstrip("/") + "/"
        self.cache = cache
        self.max_age = max_age
        self.refresh = refresh
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

    def _request(self, path: str, params, kind: str, info=()) -> FingertipsRequest:
        return FingertipsRequest(self.base_url, path, tuple(params), kind, tuple(info))

    def requests_for_indicator_data(
        self,
        indicator_ids,
        area_type: str | int = "utla",
        parent_area_type: str | int = "region",
        profile_id: int | None = None,
    ) -> list[FingertipsRequest]:
        """The data requests for ``indicator_ids``, at most 100 IDs each.

        With ``parent_area_type="region"`` the response holds England, every region and
        every area of ``area_type`` (the comparators a needs assessment uses); with
        "england" it holds England and the areas only.
        """
        ids = _normalise_ids(indicator_ids)
        child_id = resolve_area_type(area_type)
        parent_id = resolve_area_type(parent_area_type)
        requests = []
        for chunk in _chunks(ids, MAX_IDS_PER_REQUEST):
            params = [
                ("indicator_ids", ",".join(chunk)),
                ("child_area_type_id", str(child_id)),
                ("parent_area_type_id", str(parent_id)),
            ]
            if profile_id is not None:
                params.append(("profile_id", str(int(profile_id))))
            params.append(("include_sortable_time_periods", "yes"))
            info = [
                ("indicator_ids", ",".join(chunk)),
                ("child_area_type_id", str(child_id)),
                ("parent_area_type_id", str(parent_id)),
            ]
            requests.append(
                self._request("all_data/csv/by_indicator_id", params, "indicator_data", info)
            )
        return requests

    def request_for_indicator_data(
        self,
        indicator_ids,
        area_type: str | int = "utla",
        parent_area_type: str | int = "region",
        profile_id: int | None = None,
    ) -> FingertipsRequest:
        """The single data request for up to 100 indicator IDs (see
        :meth:`requests_for_indicator_data` for more)."""
        requests = self.requests_for_indicator_data(
            indicator_ids, area_type, parent_area_type, profile_id
        )
        if len(requests) > 1:
            raise ValueError(
                f"{len(_normalise_ids(indicator_ids))} indicator IDs need {len(requests)}"
                f" requests (at most {MAX_IDS_PER_REQUEST} per request): use"
                " requests_for_indicator_data"
            )
        return requests[0]

    def requests_for_indicator_metadata(self, indicator_ids) -> list[FingertipsRequest]:
        return [
            self._request(
                "indicator_metadata/csv/by_indicator_id",
                [("indicator_ids", ",".join(chunk))],
                "indicator_metadata",
                [("indicator_ids", ",".join(chunk))],
            )
            for chunk in _chunks(_normalise_ids(indicator_ids), MAX_IDS_PER_REQUEST)
        ]

    def request_for_areas(self, area_type: str | int) -> FingertipsRequest:
        type_id = str(resolve_area_type(area_type))
        return self._request(
            "areas/by_area_type", [("area_type_id", type_id)], "areas", [("area_type_id", type_id)]
        )

    def request_for_area_types(self) -> FingertipsRequest:
        return self._request("area_types", [], "area_types")

    def request_for_profiles(self) -> FingertipsRequest:
        return self._request("profiles", [], "profiles")

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
        attempts = self._retry.retries + 1
        for attempt in range(attempts):
            if attempt:
                self._retry.sleep(self._retry.delay(attempt - 1))
            try:
                response = self._http.get(url)
            except httpx.TimeoutException as exc:
                last = FingertipsTimeout(
                    f"Fingertips did not answer within {self._http.timeout.read}s"
                    f" ({type(exc).__name__}) after {attempt + 1} attempt(s): {url}",
                    url=url,
                )
                continue
            except httpx.RemoteProtocolError as exc:
                last = FingertipsBadResponse(
                    f"truncated response from Fingertips after {attempt + 1} attempt(s):"
                    f" {exc}: {url}",
                    url=url,
                )
                continue
            except httpx.TransportError as exc:
                last = FingertipsConnectionError(
                    f"could not reach Fingertips at {self.base_url} after {attempt + 1}"
                    f" attempt(s): {exc} (no network? use the cache or --base-url)",
                    url=url,
                )
                continue
            status = response.status_code
            if status >= 500:
                last = FingertipsHTTPError(
                    f"Fingertips answered HTTP {status} after {attempt + 1} attempt(s):"
                    f" {_snippet(response)} ({url})",
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
        ids = _normalise_ids(indicator_ids)
        descriptions = self.describe_indicators(ids)
        frames = [self.table_from(self.fetch(r), descriptions) for r in requests]
        result = indicator_table.concat(frames, where=f"{SOURCE_NAME} indicator data")
        child_id = resolve_area_type(area_type)
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
        """Convert one fetched data response to the indicator table."""
        child_id = int(result.request.info_dict().get("child_area_type_id", "502"))
        data = parse_data_csv(result.body, url=result.request.url)
        return to_indicator_table(
            data,
            descriptions,
            retrieved=result.retrieved_date,
            child_area_type=table_area_type(child_id),
            where=f"{SOURCE_NAME} ({result.request.url})",
        )

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
        unknown = [i for i in _normalise_ids(indicator_ids) if i not in known]
        if unknown:
            raise FingertipsUnknownIndicator(
                f"Fingertips has no indicator with ID {', '.join(unknown)} (the metadata"
                f" endpoint returned nothing for it): check the ID; {requests[0].url}",
                url=requests[0].url,
            )
        return metadata

    def describe_indicators(self, indicator_ids) -> dict[str, IndicatorDescription]:
        """Polarity, value type, multiplier and unit for each ID: from the catalogue where
        it has the indicator, else from the metadata endpoint. Warns where the catalogue's
        name differs from the live metadata's, and where the catalogue marks an ID
        unverified."""
        ids = _normalise_ids(indicator_ids)
        check_verified(self._catalogue, ids)
        described = {i: d for i in ids if (d := describe_from_catalogue(self._catalogue, i))}
        need = [i for i in ids if i not in described]
        metadata = self.indicator_metadata(ids if self._catalogue is not None else need)
        from_metadata = describe_from_metadata(metadata)
        check_names({i: d.name for i, d in from_metadata.items()}, described, what="live metadata")
        for i in need:
            described[i] = from_metadata[i]
        return described

    def areas(self, area_type: str | int = "utla") -> list[Area]:
        """Every area of one area type (``areas/by_area_type``)."""
        request = self.request_for_areas(area_type)
        type_id = resolve_area_type(area_type)
        rows = _parse_json(self.fetch(request).body, request.url)
        try:
            return [
                Area(str(r["Code"]), str(r["Name"]), int(r.get("AreaTypeId", type_id)))
                for r in rows
            ]
        except (KeyError, TypeError, ValueError) as exc:
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
            f"{resolve_area_type(t)} ({_area_type_label(resolve_area_type(t))})" for t in area_types
        )
        raise FingertipsUnknownArea(
            f"area code {clean} is not an area of Fingertips area type(s) {searched}. Codes change"
            " when boundaries change (e.g. E10000002 Buckinghamshire became E06000060 in 2020):"
            " check the code, or choose an older vintage with --area-type (e.g. utla_2021)."
        )

    def area_types(self) -> list[dict]:
        """The API's area types (Id, Name, Short, ...)."""
        request = self.request_for_area_types()
        return _parse_json(self.fetch(request).body, request.url)

    def profiles(self) -> list[dict]:
        """The API's profiles (Id, Name, Key, ...)."""
        request = self.request_for_profiles()
        return _parse_json(self.fetch(request).body, request.url)


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
