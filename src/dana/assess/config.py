"""The assessment config: one YAML file says what to assess, against what, and where to write.

The documented example is ``dana/data/default_assessment.yaml`` (used when no config is
given); ``dana/data/examples/cambridgeshire_peterborough.yaml`` reproduces the
Cambridgeshire & Peterborough 2021/22 treatment figures;
``dana/data/examples/coventry_real_data.yaml`` builds Coventry from real ONS, PHE and
MHCLG files (``data: sources:``, see :class:`DataConfig` and
:mod:`dana.sources.registry`). Paths in a config are relative to the config file's
folder (``data.sources`` paths to ``data.root`` when it is set).

:func:`load_config` validates everything that can be checked without the data: the
area exists, sections and output formats are known, the suppression preset exists, and
every file named is there (:mod:`dana.assess.config_checks`). Each problem is reported as ``<file>: <key>: <problem>``
(e.g. ``my.yaml: comparators.neighbours.k: Input should be greater than or equal to 1``)
in one :class:`ConfigError`, so nothing is built or written from a bad config.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from dana.assess.config_checks import check_references
from dana.assess.config_names import EXAMPLE_ALIASES, EXAMPLES, FORMATS
from dana.sources.cache import default_cache_dir
from dana.sources.registry import resolve_path
from dana.stats.suppress_rules import RULES as SUPPRESSION_RULES

#: Sections of an assessment, in the order the seeds present them.
SECTION_NAMES = (
    "introduction",
    "population",
    "alcohol",
    "drugs",
    "young_people",
    "wider_determinants",
    "demand",
    "engagement",
    "data_gaps",
    "recommendations",
)
SectionName = Literal[SECTION_NAMES]  # Literal[("a", "b")] is Literal["a", "b"]
OutputFormat = Literal[FORMATS]
#: Disclosure-control presets: the rules of :func:`dana.stats.suppress` (ndtms, hes2018, lape).
SuppressionPreset = Literal[tuple(SUPPRESSION_RULES)]

#: Headline measures charted by default: deaths, admissions, treatment, unmet need,
#: outcomes and young people's admissions (the figures the seeds chart).
KEY_INDICATORS = (
    "93763",
    "92906",
    "93532",
    "ndtms:adults_in_treatment_alcohol",
    "92447",
    "92432",
    "93517",
    "ndtms:adults_in_treatment_drug",
    "90244",
    "90245",
    "92544",
    "92904",
    "90808",
)
DEFAULT_CONFIG = "default_assessment.yaml"


#: Prefix of a config path that names a file shipped with DANA ("dana:engagement/journey.csv").
PACKAGED_PREFIX = "dana:"


class ConfigError(ValueError):
    """The config is invalid; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NeighboursConfig(_Strict):
    """Nearest statistical neighbours computed by :mod:`dana.neighbours`."""

    method: Literal["nearest"] = "nearest"
    k: int = Field(15, ge=1, le=50)


class ComparatorsConfig(_Strict):
    england: bool = True
    region: bool = True
    #: ``{method: nearest, k: 15}``, an explicit list of codes or names, or ``null`` for none.
    neighbours: NeighboursConfig | list[str] | None = NeighboursConfig()


class DataConfig(_Strict):
    """Where the data comes from; later sources replace earlier rows with the same key.

    ``builtin``, ``fingertips_cache`` and ``local_files`` are read first, then every entry of
    ``sources`` in order: typed entries read by :func:`dana.sources.registry.read_source`
    (``{type: ons_drug_poisoning, path: ...}``; the types and their keys are listed in
    :data:`dana.sources.registry.SOURCE_TYPES`). When ``sources`` is given and ``builtin``
    is not, ``builtin`` is ``none``: the list says everything (add ``{type: default}`` for
    the embedded synthetic data). ``root`` is the folder relative ``sources`` paths start
    from (itself relative to the config file's folder; ``~`` and ``${VARIABLE}`` expand),
    e.g. ``root: ${DANA_SHARED_DATA}``; without it, the config file's folder.
    """

    builtin: Literal["default", "cambridgeshire-peterborough", "coventry", "none"] = "default"
    fingertips_cache: bool = False
    cache_dir: str | None = None
    local_files: list[str] = []
    root: str | None = None
    sources: list[dict] = []

    @model_validator(mode="before")
    @classmethod
    def _sources_replace_builtin(cls, data):
        if isinstance(data, dict) and data.get("sources") and "builtin" not in data:
            return {**data, "builtin": "none"}
        return data

    @field_validator("sources", mode="before")
    @classmethod
    def _entries_are_mappings(cls, sources):
        if isinstance(sources, list):
            for position, entry in enumerate(sources):
                if not isinstance(entry, dict):
                    raise ValueError(
                        f"entry {position} is {entry!r}; each source is a mapping such as "
                        "{type: ons_population, path: population20_utla20.csv}"
                    )
        return sources


class SuppressionConfig(_Strict):
    """A preset name, or a custom threshold (counts up to ``threshold`` are hidden)."""

    preset: SuppressionPreset | None = "ndtms"
    threshold: int | None = Field(None, ge=0)
    round_to: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _preset_or_threshold(self):
        if self.preset is not None and self.threshold is not None:
            raise ValueError("give a preset or a threshold, not both")
        return self

    @staticmethod
    def presets() -> tuple[str, ...]:
        """The preset names, from :data:`dana.stats.suppress_rules.RULES`."""
        return tuple(SUPPRESSION_RULES)

    def suppress_arguments(self) -> dict | None:
        """Keyword arguments of :func:`dana.stats.suppress` for this rule (None: no control).

        A custom threshold hides 1..threshold (not 0) with secondary suppression, as
        :meth:`describe` says.
        """
        if self.preset is not None:
            return {"rule": self.preset}
        if self.threshold is None:
            return None
        return {
            "rule": None,
            "max_suppressed": self.threshold,
            "round_to": self.round_to,
            "suppress_zero": False,
            "secondary": True,
        }


class EngagementConfig(_Strict):
    """The engagement evidence files (see :func:`dana.sources.engagement.read_engagement`)."""

    participants: str | None = None  # group, method, participants (CSV)
    journey: str | None = None  # area, stage, satisfied, responses (CSV)
    themes: str | None = None  # themes with summaries and quotes (YAML)
    caveats: str = ""
    #: names to remove from free text wherever they appear (staff, service users); one
    #: name may be given as text
    known_names: list[str] = []
    source: str = ""
    synthetic: bool = False
    #: journey stages with fewer responses than this are shown as * (at least 1)
    min_responses: int = Field(5, ge=1)

    @field_validator("known_names", mode="before")
    @classmethod
    def _one_name(cls, names):
        return [names] if isinstance(names, str) else names

    def files(self) -> dict[str, str]:
        """The file keys that are set: ``{"journey": "journey.csv", ...}``."""
        named = {"participants": self.participants, "journey": self.journey}
        return {k: v for k, v in {**named, "themes": self.themes}.items() if v}


class DemandConfig(_Strict):
    """Future demand and capacity (:mod:`dana.assess.demand`); every value is printed
    beside the figures it gives."""

    #: the period of the treatment base (e.g. ``2020/21``), or ``latest``
    base_year: str = "latest"
    #: the increase in treatment aimed for, as a fraction (Medway: 0.20)
    target_increase: float = Field(0.20, ge=0, le=5)
    #: people per caseworker
    caseload: float = Field(50, gt=0)
    #: the last projection year shown
    horizon: int = Field(2030, ge=2000, le=2100)
    #: treatment journeys a year at the base, replacing the table's adults in treatment
    #: (e.g. the OHID commissioning packs' journeys: ``{alcohol: 435, drugs: 810}``)
    base: dict[Literal["alcohol", "drugs"], float] | None = None
    #: where ``base`` comes from (printed with it)
    base_source: str = ""

    @field_validator("base")
    @classmethod
    def _bases_not_negative(cls, base):
        for key, value in (base or {}).items():
            if value < 0:
                raise ValueError(f"{key}: a treatment base cannot be negative ({value})")
        return base


class ValueForMoneyConfig(_Strict):
    """The benefit-cost model of treatment (:mod:`dana.assess.value_for_money`)."""

    #: the unit values file (CSV: group, stage, kind, value, unit, price_year, source, ...)
    unit_values: str = "dana:value_for_money_unit_values.csv"
    #: spend on treatment in the year (GBP), and where it comes from
    spend: float | None = Field(None, ge=0)
    spend_source: str = ""
    #: activity replacing the table's counts: ``{drug.effective_treatment: 950, ...}``
    activity: dict[str, float] | None = None

    @field_validator("activity")
    @classmethod
    def _known_activity(cls, activity):
        allowed = [f"{g}.{s}" for g in ("drug", "alcohol")
                   for s in ("effective_treatment", "sustained_recovery", "no_treatment")]  # fmt: skip
        for key, value in (activity or {}).items():
            if key not in allowed:
                raise ValueError(f"unknown activity {key!r}; expected one of {', '.join(allowed)}")
            if value < 0:
                raise ValueError(f"{key}: activity cannot be negative ({value})")
        return activity

    @model_validator(mode="after")
    def _spend_has_source(self):
        if self.spend is not None and not self.spend_source.strip():
            raise ValueError("spend_source: say where the spend figure comes from")
        return self


class OutputConfig(_Strict):
    formats: list[OutputFormat] = list(FORMATS)
    directory: str = "out"

    @field_validator("formats")
    @classmethod
    def _some_formats(cls, formats):
        if not formats:
            raise ValueError("at least one output format is needed (html, docx, pdf, pptx, json)")
        return list(dict.fromkeys(formats))


class AssessmentConfig(_Strict):
    title: str = ""
    author: str = ""
    #: GSS code or name of the assessed upper-tier local authority.
    area: str
    #: ``latest`` or a period label as published (e.g. ``2021/22``).
    period: str = "latest"
    comparators: ComparatorsConfig = ComparatorsConfig()
    data: DataConfig = DataConfig()
    sections: list[SectionName] = list(SECTION_NAMES)
    #: Engagement evidence files (see :class:`EngagementConfig`).
    engagement: EngagementConfig | None = None
    recommendations: str | None = None
    suppression: SuppressionConfig = SuppressionConfig()
    #: ``catalogue`` (each indicator's own level) or a level for every comparison.
    confidence: Literal["catalogue", 0.95, 0.998] = "catalogue"
    #: An indicator whose latest period starts more than this many years before the
    #: assessment period is reported as out of date.
    stale_after_years: int = Field(3, ge=0)
    output: OutputConfig = OutputConfig()
    #: Indicators that get trend and comparison charts (the seeds' headline measures).
    key_indicators: list[str] = list(KEY_INDICATORS)
    introduction: str = ""
    #: An earlier edition's JSON (``dana report --format json``): the report then gets a
    #: "Since the last assessment" section (:mod:`dana.assess.since`).
    previous_edition: str | None = None
    #: Future demand and capacity assumptions (see :class:`DemandConfig`).
    demand: DemandConfig = DemandConfig()
    #: The value-for-money model's unit values and spend (see :class:`ValueForMoneyConfig`).
    value_for_money: ValueForMoneyConfig = ValueForMoneyConfig()
    #: The folder paths are relative to (the config file's folder); set by load_config.
    base_dir: str = "."

    @field_validator("suppression", mode="before")
    @classmethod
    def _preset_shorthand(cls, value):
        if isinstance(value, str):
            return {"preset": value}
        if isinstance(value, int) and not isinstance(value, bool):
            return {"preset": None, "threshold": value}
        if isinstance(value, dict) and "threshold" in value and "preset" not in value:
            return {**value, "preset": None}
        return value

    @field_validator("sections")
    @classmethod
    def _sections_in_order(cls, sections):
        return [s for s in SECTION_NAMES if s in sections]

    def path(self, relative: str) -> Path:
        """A path named in the config, resolved against the config file's folder.

        ``dana:<path>`` names a file shipped in the package's data folder (the embedded
        examples), so a copy of the default config still finds them.
        """
        if str(relative).startswith(PACKAGED_PREFIX):
            return _packaged(str(relative)[len(PACKAGED_PREFIX) :])
        candidate = Path(relative).expanduser()
        return candidate if candidate.is_absolute() else Path(self.base_dir) / candidate

    def include(self, section: str) -> bool:
        return section in self.sections

    def fingertips_cache_dir(self) -> Path:
        """Where ``data.fingertips_cache`` reads: ``data.cache_dir`` (relative to the config
        file's folder), else ``$DANA_CACHE_DIR`` or ``~/.cache/dana``."""
        if self.data.cache_dir is None:
            return default_cache_dir()
        return self.path(self.data.cache_dir)

    def data_root(self) -> Path:
        """The folder relative ``data.sources`` paths start from (see :class:`DataConfig`)."""
        if self.data.root is None:
            return Path(self.base_dir)
        return resolve_path(self.data.root, self.base_dir)


def _packaged(name: str) -> Path:
    return Path(str(resources.files("dana.data").joinpath(name)))


def default_config_path() -> Path:
    """The embedded, documented default config."""
    return _packaged(DEFAULT_CONFIG)


def example_config_path(name: str) -> Path:
    """The config of a built-in example (``cambridgeshire-peterborough`` or ``cp``)."""
    key = EXAMPLE_ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in EXAMPLES:
        known = ", ".join([*EXAMPLES, *EXAMPLE_ALIASES])
        raise ConfigError(f"unknown example {name!r}; built-in examples are: {known}")
    return _packaged(EXAMPLES[key])


def _key(location) -> str:
    parts = []
    for part in location:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1]}[{part}]"] if parts else [f"[{part}]"]
        elif part in ("list[str]", "NeighboursConfig", "int", "str", "EngagementConfig"):
            continue  # pydantic's union-branch labels are not keys
        else:
            parts.append(str(part))
    return ".".join(parts) or "(top level)"


def load_config(
    path: str | Path | None = None, *, data_root: str | Path | None = None, **overrides
) -> AssessmentConfig:
    """Read and validate a config file (the embedded default when ``path`` is None).

    ``overrides`` replace top-level keys after reading (e.g. ``output={...}`` from the
    CLI); ``data_root`` replaces ``data.root`` (a CLI ``--data-root``). Raises
    :class:`ConfigError` naming the file and every bad key.
    """
    source = Path(path) if path is not None else default_config_path()
    if not source.is_file():
        raise ConfigError(f"{source}: config file not found")
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping of keys (area:, comparators:, ...)")
    raw = {**raw, **overrides, "base_dir": str(source.resolve().parent)}
    if data_root is not None:
        data = raw.get("data") if isinstance(raw.get("data"), dict) else {}
        raw["data"] = {**data, "root": str(Path(data_root).expanduser().resolve())}
    try:
        config = AssessmentConfig.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = "unknown key"
            elif err["type"] == "literal_error":
                message = f"{err['msg']} (got {err['input']!r})"
            elif err["type"] == "model_type":  # pydantic names its class: say what is meant
                message = f"expected a mapping of keys (key: value), got {err['input']!r}"
            problems.append(f"{_key(err['loc'])}: {message}")
        raise ConfigError(f"{source}: " + "; ".join(dict.fromkeys(problems))) from None
    problems = check_references(config)
    if config.previous_edition and not config.path(config.previous_edition).is_file():
        problems.append(f"previous_edition: file not found: {config.path(config.previous_edition)}")
    if problems:
        raise ConfigError(f"{source}: " + "; ".join(problems))
    return config
