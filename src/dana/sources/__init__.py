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

# Each name loads its module on first use, so ``import dana.sources`` (and the light
# modules under it) does not load every reader, httpx and pandas.

from __future__ import annotations

from dana._lazy import lazy_names

#: Public name -> the module that defines it (imported when the name is first used).
_HOMES = {
    "read_alcohol_dependence_estimates": "dana.sources.alcohol_dependence",
    "ResponseCache": "dana.sources.cache",
    "cached_table": "dana.sources.cache",
    "JOURNEY_STAGES": "dana.sources.engagement",
    "EngagementInputs": "dana.sources.engagement",
    "read_engagement": "dana.sources.engagement",
    "SourceAPIError": "dana.sources.errors",
    "SourceError": "dana.sources.errors",
    "SourceFileError": "dana.sources.errors",
    "FingertipsBadResponse": "dana.sources.fingertips",
    "FingertipsClient": "dana.sources.fingertips",
    "FingertipsConnectionError": "dana.sources.fingertips",
    "FingertipsEmptyResult": "dana.sources.fingertips",
    "FingertipsError": "dana.sources.fingertips",
    "FingertipsHTTPError": "dana.sources.fingertips",
    "FingertipsTimeout": "dana.sources.fingertips",
    "FingertipsUnknownArea": "dana.sources.fingertips",
    "FingertipsUnknownIndicator": "dana.sources.fingertips",
    "download_for_area": "dana.sources.fingertips",
    "read_imd_lad": "dana.sources.imd",
    "read_imd_utla": "dana.sources.imd",
    "read_indicator_file": "dana.sources.local",
    "read_viewit_export": "dana.sources.ndtms",
    "read_drug_poisoning_by_la": "dana.sources.ons_deaths",
    "read_mye_syoa": "dana.sources.ons_population",
    "SOURCE_TYPES": "dana.sources.registry",
    "check_spec": "dana.sources.registry",
    "describe": "dana.sources.registry",
    "read_population": "dana.sources.registry",
    "read_source": "dana.sources.registry",
    "resolve_path": "dana.sources.registry",
    "read_user_text": "dana.sources.text_files",
}

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

__getattr__, __dir__ = lazy_names(__name__, _HOMES, globals())
