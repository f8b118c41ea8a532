"""Client for the OHID Fingertips API (legacy API, base ``https://fingertips.phe.org.uk/api/``).

One module per job:

============== ==============================================================================
module         job
============== ==============================================================================
``requests``   API calls as inspectable values (:class:`FingertipsRequest`, ``url`` before
               sending; one indicator per request by default)
``client``     :class:`FingertipsClient`: httpx transport, retries with backoff, the cache,
               verbs named for what the user wants (``indicator_data``, ``areas``, ...)
``download``   :func:`download_for_area`: many indicators for one area, one failure
               reported and skipped rather than fatal (``dana fetch``)
``parsing``    response bodies -> rows (data CSV, metadata CSV, JSON lists)
``conversion`` rows -> the tidy indicator table (:func:`to_indicator_table`)
``checks``     catalogue checks: names and ``verified: false`` IDs
``errors``     typed errors (all :class:`dana.sources.errors.SourceAPIError`) and warnings
============== ==============================================================================

Area types (502, "utla", "utla_2021", ...) are :mod:`dana.areas`'s.
"""

from dana.sources.fingertips.checks import (
    USE_DEFAULT_CATALOGUE,
    check_names,
    check_verified,
    describe_from_catalogue,
    load_default_catalogue,
    names_agree,
)
from dana.sources.fingertips.client import DEFAULT_TIMEOUT, Area, FetchResult, FingertipsClient
from dana.sources.fingertips.conversion import (
    SOURCE_NAME,
    IndicatorDescription,
    describe_from_metadata,
    to_indicator_table,
)
from dana.sources.fingertips.download import AreaDownload, download_for_area
from dana.sources.fingertips.errors import (
    FingertipsBadResponse,
    FingertipsConnectionError,
    FingertipsEmptyResult,
    FingertipsError,
    FingertipsHTTPError,
    FingertipsTimeout,
    FingertipsUnknownArea,
    FingertipsUnknownIndicator,
    IndicatorNameWarning,
    MissingIndicatorWarning,
    UnverifiedIndicatorWarning,
    explain_empty_result,
)
from dana.sources.fingertips.parsing import (
    DATA_COLUMNS,
    parse_data_csv,
    parse_json_list,
    parse_metadata_csv,
)
from dana.sources.fingertips.requests import (
    DEFAULT_BASE_URL,
    DEFAULT_IDS_PER_REQUEST,
    MAX_IDS_PER_REQUEST,
    FingertipsRequest,
    RequestBuilder,
)

__all__ = [
    "DATA_COLUMNS",
    "DEFAULT_BASE_URL",
    "DEFAULT_IDS_PER_REQUEST",
    "DEFAULT_TIMEOUT",
    "MAX_IDS_PER_REQUEST",
    "SOURCE_NAME",
    "USE_DEFAULT_CATALOGUE",
    "Area",
    "AreaDownload",
    "FetchResult",
    "FingertipsBadResponse",
    "FingertipsClient",
    "FingertipsConnectionError",
    "FingertipsEmptyResult",
    "FingertipsError",
    "FingertipsHTTPError",
    "FingertipsRequest",
    "FingertipsTimeout",
    "FingertipsUnknownArea",
    "FingertipsUnknownIndicator",
    "IndicatorDescription",
    "IndicatorNameWarning",
    "MissingIndicatorWarning",
    "RequestBuilder",
    "UnverifiedIndicatorWarning",
    "check_names",
    "check_verified",
    "describe_from_catalogue",
    "describe_from_metadata",
    "download_for_area",
    "explain_empty_result",
    "load_default_catalogue",
    "names_agree",
    "parse_data_csv",
    "parse_json_list",
    "parse_metadata_csv",
    "to_indicator_table",
]
