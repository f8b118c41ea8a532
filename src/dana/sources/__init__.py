"""Sources: everything DANA reads from outside, turned into the tidy indicator table.

The public face (import from here; the modules behind it may move):

* **One entry point per config entry**: :func:`read_source` (a ``data: sources:`` entry
  -> indicator rows), :func:`read_population`, :func:`check_spec`, :func:`describe`,
  :func:`resolve_path`, :data:`SOURCE_TYPES`.
* **Readers by publication**: :func:`read_viewit_export` (NDTMS ViewIt),
  :func:`read_drug_poisoning_by_la` (ONS drug poisoning deaths), :func:`read_mye_syoa`
  (ONS mid-year population), :func:`read_alcohol_dependence_estimates` (PHE),
  :func:`read_imd_utla` / :func:`read_imd_lad` (IoD Files 11 / 10),
  :func:`read_indicator_file` (DANA's local-data template), :func:`read_engagement`
  (engagement evidence; :class:`EngagementInputs`, :data:`JOURNEY_STAGES`).
* **The Fingertips API**: :class:`FingertipsClient`, :func:`download_for_area`, the
  error types (:class:`FingertipsError` and subclasses), and :mod:`dana.sources.fingertips`
  for everything else.
* **The cache**: :class:`ResponseCache`, :func:`cached_table`.
* **Errors**: :class:`SourceError` (every source error), :class:`SourceFileError` (names
  file, row and column), :class:`SourceAPIError`.
* **A user's own text files**: :func:`read_user_text` (UTF-8, names the file on a
  decoding error or an empty file) for configs, registers and engagement files.
"""

from dana.sources.alcohol_dependence import read_alcohol_dependence_estimates
from dana.sources.cache import ResponseCache, cached_table
from dana.sources.engagement import JOURNEY_STAGES, EngagementInputs, read_engagement
from dana.sources.errors import SourceAPIError, SourceError, SourceFileError
from dana.sources.fingertips import (
    FingertipsBadResponse,
    FingertipsClient,
    FingertipsConnectionError,
    FingertipsEmptyResult,
    FingertipsError,
    FingertipsHTTPError,
    FingertipsTimeout,
    FingertipsUnknownArea,
    FingertipsUnknownIndicator,
    download_for_area,
)
from dana.sources.imd import read_imd_lad, read_imd_utla
from dana.sources.local import read_indicator_file
from dana.sources.ndtms import read_viewit_export
from dana.sources.ons_deaths import read_drug_poisoning_by_la
from dana.sources.ons_population import read_mye_syoa
from dana.sources.registry import (
    SOURCE_TYPES,
    check_spec,
    describe,
    read_population,
    read_source,
    resolve_path,
)
from dana.sources.text_files import read_user_text

__all__ = [
    "JOURNEY_STAGES",
    "SOURCE_TYPES",
    "EngagementInputs",
    "FingertipsBadResponse",
    "FingertipsClient",
    "FingertipsConnectionError",
    "FingertipsEmptyResult",
    "FingertipsError",
    "FingertipsHTTPError",
    "FingertipsTimeout",
    "FingertipsUnknownArea",
    "FingertipsUnknownIndicator",
    "ResponseCache",
    "SourceAPIError",
    "SourceError",
    "SourceFileError",
    "cached_table",
    "check_spec",
    "describe",
    "download_for_area",
    "read_alcohol_dependence_estimates",
    "read_drug_poisoning_by_la",
    "read_engagement",
    "read_imd_lad",
    "read_imd_utla",
    "read_indicator_file",
    "read_mye_syoa",
    "read_population",
    "read_source",
    "read_user_text",
    "read_viewit_export",
    "resolve_path",
]
