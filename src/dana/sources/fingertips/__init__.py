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

# Each name loads its module on first use, so reading a constant of ``requests`` does not
# load httpx and pandas.

from __future__ import annotations

from dana._lazy import lazy_names

#: Public name -> the module that defines it (imported when the name is first used).
_HOMES = {
    "USE_DEFAULT_CATALOGUE": "dana.sources.fingertips.checks",
    "check_names": "dana.sources.fingertips.checks",
    "check_verified": "dana.sources.fingertips.checks",
    "describe_from_catalogue": "dana.sources.fingertips.checks",
    "load_default_catalogue": "dana.sources.fingertips.checks",
    "names_agree": "dana.sources.fingertips.checks",
    "DEFAULT_TIMEOUT": "dana.sources.fingertips.requests",
    "Area": "dana.sources.fingertips.client",
    "FetchResult": "dana.sources.fingertips.client",
    "FingertipsClient": "dana.sources.fingertips.client",
    "SOURCE_NAME": "dana.sources.fingertips.conversion",
    "IndicatorDescription": "dana.sources.fingertips.conversion",
    "describe_from_metadata": "dana.sources.fingertips.conversion",
    "to_indicator_table": "dana.sources.fingertips.conversion",
    "AreaDownload": "dana.sources.fingertips.download",
    "download_for_area": "dana.sources.fingertips.download",
    "FingertipsBadResponse": "dana.sources.fingertips.errors",
    "FingertipsConnectionError": "dana.sources.fingertips.errors",
    "FingertipsEmptyResult": "dana.sources.fingertips.errors",
    "FingertipsError": "dana.sources.fingertips.errors",
    "FingertipsHTTPError": "dana.sources.fingertips.errors",
    "FingertipsTimeout": "dana.sources.fingertips.errors",
    "FingertipsUnknownArea": "dana.sources.fingertips.errors",
    "FingertipsUnknownIndicator": "dana.sources.fingertips.errors",
    "IndicatorNameWarning": "dana.sources.fingertips.errors",
    "MissingIndicatorWarning": "dana.sources.fingertips.errors",
    "UnverifiedIndicatorWarning": "dana.sources.fingertips.errors",
    "explain_empty_result": "dana.sources.fingertips.errors",
    "DATA_COLUMNS": "dana.sources.fingertips.parsing",
    "parse_data_csv": "dana.sources.fingertips.parsing",
    "parse_json_list": "dana.sources.fingertips.parsing",
    "parse_metadata_csv": "dana.sources.fingertips.parsing",
    "DEFAULT_BASE_URL": "dana.sources.fingertips.requests",
    "DEFAULT_IDS_PER_REQUEST": "dana.sources.fingertips.requests",
    "MAX_IDS_PER_REQUEST": "dana.sources.fingertips.requests",
    "FingertipsRequest": "dana.sources.fingertips.requests",
    "RequestBuilder": "dana.sources.fingertips.requests",
}

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

__getattr__, __dir__ = lazy_names(__name__, _HOMES, globals())
