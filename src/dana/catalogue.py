"""The indicator catalogue: what each indicator in a needs assessment is and how to judge it.

The curated catalogue ships as ``dana/data/catalogue.yaml``. Each entry records the
Fingertips ID (or ``None`` for NDTMS, ONS, HES and local measures), the profile, names,
the assessment section it belongs to, polarity, value type, multiplier and unit, the
age and sex it covers, the period type, how it is compared with England, the method in
words, a one-sentence definition, and whether the Fingertips ID and name were verified
against the project's reference files (with a note saying how).

Identifier conventions (``id`` is the indicator table's ``indicator_id``):

* ``"92432"`` - an OHID Fingertips indicator (``id == str(fingertips_id)``);
* ``"ndtms:..."`` - an NDTMS treatment measure; ``"ons:..."`` an ONS publication;
  ``"hes:..."`` a measure computed from HES extracts; ``"local:..."`` a local source;
  ``"fingertips:..."`` a Fingertips indicator whose numeric ID is not yet confirmed.

Usage::

    cat = load_catalogue()                 # the packaged catalogue
    cat.get("92432").polarity              # 'low_is_good'
    cat.by_section("drug_harms")           # entries in catalogue order
    cat.fingertips_ids()                   # [91380, 93763, ...] for the API client
    cat.metadata_frame()                   # one row per entry (pandas)
    load_catalogue("my_catalogue.yaml")    # a user-supplied catalogue, same checks
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from dana.breakdowns import BREAKDOWNS

#: ONS subnational projection indicators: id -> (name, youngest age, oldest age or None).
PROJECTION_INDICATORS = {
    "ons:population_projection_all_ages": ("Projected resident population, all ages", 0, None),
    "ons:population_projection_18_plus": ("Projected resident population aged 18+", 18, None),
    "ons:population_projection_under_18": ("Projected resident population aged under 18", 0, 17),
}


#: Assessment sections, in the order the seeds present them.
SECTIONS = (
    "context",
    "alcohol_harms",
    "alcohol_treatment",
    "drug_harms",
    "drug_treatment",
    "young_people",
    "wider_determinants",
)
#: How an indicator is compared with England (Fingertips benchmarking methods).
COMPARISONS = ("ci_95", "ci_99_8", "quintiles", "none")
#: How the period of a value is labelled.
PERIOD_TYPES = (
    "calendar_year",  # "2022"
    "financial_year",  # "2022/23"
    "calendar_3yr",  # "2020 - 22", 3 calendar years pooled
    "financial_3yr",  # "2020/21 - 22/23", 3 financial years pooled
    "academic_year",  # "2022/23" school year
    "fixed",  # a one-off release such as IMD 2019
)

Section = Literal[
    "context",
    "alcohol_harms",
    "alcohol_treatment",
    "drug_harms",
    "drug_treatment",
    "young_people",
    "wider_determinants",
]
Polarity = Literal["low_is_good", "high_is_good", "no_judgement"]
ValueType = Literal["proportion", "crude_rate", "dsr", "isr", "ratio", "count", "mean", "score"]
ComparisonMethod = Literal["ci_95", "ci_99_8", "quintiles", "none"]
PeriodType = Literal[
    "calendar_year", "financial_year", "calendar_3yr", "financial_3yr", "academic_year", "fixed"
]

_DEFAULT_PATH = "catalogue.yaml"


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message names the file and the entry."""


class Indicator(BaseModel):
    """One catalogue entry."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    fingertips_id: int | None
    profile_id: int | None = None
    name: str
    short_name: str
    section: Section
    polarity: Polarity
    value_type: ValueType
    multiplier: float
    unit: str
    age: str
    sex: Literal["Persons", "Male", "Female"] = "Persons"
    period_type: PeriodType
    comparison: ComparisonMethod
    method: str
    definition: str
    verified: bool
    verification: str
    citation: str
    #: True for measures only real files supply (the synthetic generator has no model).
    real_data_only: bool = False
    #: The ``data: sources:`` type(s) that provide a real-data-only measure.
    provided_by: str = ""

    @field_validator("id", "name", "short_name", "method", "definition", "verification", "citation")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("must not be blank")
        return text

    @field_validator("multiplier")
    @classmethod
    def _positive(cls, multiplier: float) -> float:
        if multiplier <= 0:
            raise ValueError("must be positive")
        return multiplier

    @model_validator(mode="after")
    def _id_matches_fingertips_id(self) -> Indicator:
        # A numeric id *is* the Fingertips ID; a prefixed id must not look numeric.
        if self.id.isdigit():
            if self.fingertips_id is None or str(self.fingertips_id) != self.id:
                raise ValueError(
                    f"numeric id {self.id!r} must equal fingertips_id ({self.fingertips_id})"
                )
        elif ":" not in self.id:
            raise ValueError(
                f"id {self.id!r} must be a Fingertips ID or a prefixed id such as 'ndtms:...'"
            )
        if self.real_data_only != bool(self.provided_by.strip()):
            raise ValueError(
                "real_data_only: true needs provided_by (the data: sources: type that"
                " supplies it), and provided_by only goes with real_data_only: true"
            )
        return self


SUBSTANCE_GROUPS = ("all", "opiate", "non_opiate_only", "non_opiate_and_alcohol", "alcohol_only")


class _BreakdownFields(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    section: Section
    age: str
    period_type: PeriodType
    category_types: tuple[str, ...] = ()
    definition: str
    citation: str
    #: True where only real files supply it (the default data has no such rows).
    real_data_only: bool = False

    @field_validator("category_types")
    @classmethod
    def _known_types(cls, types: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [t for t in types if t not in BREAKDOWNS]
        if unknown:
            raise ValueError(f"unknown category type(s) {unknown}; known: {sorted(BREAKDOWNS)}")
        return types


class BreakdownIndicator(_BreakdownFields):
    """A count broken down into categories (the breakdown convention), for one group.

    Built from a ``breakdown_indicators`` entry of the catalogue, one per substance group:
    ``id`` is ``<entry id>`` for "all" and ``<entry id>:<group>`` otherwise.
    """

    substance_group: str = "all"


class _BreakdownEntry(_BreakdownFields):
    """A ``breakdown_indicators`` entry: one or more substance groups."""

    substance_groups: tuple[str, ...] = ("all",)

    @field_validator("substance_groups")
    @classmethod
    def _groups(cls, groups: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [g for g in groups if g not in SUBSTANCE_GROUPS]
        if unknown:
            raise ValueError(f"unknown substance group(s) {unknown}; known: {SUBSTANCE_GROUPS}")
        return groups

    def expand(self) -> list[BreakdownIndicator]:
        names = {"all": "", "opiate": " (Opiate)", "non_opiate_only": " (Non-opiate only)",
                 "non_opiate_and_alcohol": " (Non-opiate and alcohol)",
                 "alcohol_only": " (Alcohol only)"}  # fmt: skip
        fields = self.model_dump(exclude={"substance_groups", "id", "name"})
        return [
            BreakdownIndicator(
                id=self.id if group == "all" else f"{self.id}:{group}",
                name=self.name + names[group],
                substance_group=group,
                **fields,
            )
            for group in self.substance_groups
        ]


class Catalogue:
    """An ordered, validated collection of :class:`Indicator` entries.

    ``breakdowns`` holds the breakdown indicators (:class:`BreakdownIndicator`): counts
    with categories that the profile and pathway sections read; they are not iterated
    with the headline indicators.
    """

    def __init__(
        self,
        indicators: list[Indicator],
        *,
        source: str = "catalogue",
        breakdowns: list[BreakdownIndicator] | None = None,
    ) -> None:
        seen: dict[str, int] = {}
        for position, indicator in enumerate(indicators):
            if indicator.id in seen:
                raise CatalogueError(
                    f"{source}: indicator id {indicator.id!r} appears twice "
                    f"(entries {seen[indicator.id] + 1} and {position + 1})"
                )
            seen[indicator.id] = position
        self._indicators = tuple(indicators)
        self._by_id = {i.id: i for i in indicators}
        self.source = source
        self.breakdowns: tuple[BreakdownIndicator, ...] = tuple(breakdowns or ())
        clash = sorted({b.id for b in self.breakdowns} & set(self._by_id))
        if clash or len({b.id for b in self.breakdowns}) != len(self.breakdowns):
            raise CatalogueError(f"{source}: breakdown indicator ids repeat or clash: {clash}")

    def breakdown(self, indicator_id: str) -> BreakdownIndicator:
        """The breakdown indicator with this id (e.g. ``ndtms:in_treatment:opiate``)."""
        for entry in self.breakdowns:
            if entry.id == indicator_id:
                return entry
        raise KeyError(f"{indicator_id!r} is not a breakdown indicator of {self.source}")

    def __len__(self) -> int:
        return len(self._indicators)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self._indicators)

    def __contains__(self, indicator_id: object) -> bool:
        return str(indicator_id) in self._by_id

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self._indicators]

    def get(self, indicator_id: str | int) -> Indicator:
        """The entry for an id (a Fingertips ID may be given as an int)."""
        key = str(indicator_id)
        try:
            return self._by_id[key]
        except KeyError:
            raise KeyError(
                f"indicator {key!r} is not in the catalogue ({self.source}); "
                f"known ids include {', '.join(self.ids[:6])}, ..."
            ) from None

    def by_section(self, section: str) -> list[Indicator]:
        """Entries of one section, in catalogue order."""
        if section not in SECTIONS:
            raise ValueError(f"unknown section {section!r}; expected one of {SECTIONS}")
        return [i for i in self._indicators if i.section == section]

    def fingertips_ids(self, *, verified_only: bool = False) -> list[int]:
        """Fingertips IDs to request from the API, in catalogue order."""
        return [
            i.fingertips_id
            for i in self._indicators
            if i.fingertips_id is not None and (i.verified or not verified_only)
        ]

    def real_data_only_ids(self) -> list[str]:
        """Ids of measures only real files supply (the synthetic generator skips them)."""
        return [i.id for i in self._indicators if i.real_data_only]

    def provided_by(self) -> dict[str, str]:
        """Real-data-only id -> the ``data: sources:`` type(s) that supply it."""
        return {i.id: i.provided_by for i in self._indicators if i.real_data_only}

    def metadata_frame(self) -> pd.DataFrame:
        """One row per entry, columns as in the YAML (``fingertips_id`` as nullable Int64)."""
        frame = pd.DataFrame([i.model_dump() for i in self._indicators])
        frame["fingertips_id"] = frame["fingertips_id"].astype("Int64")
        frame["profile_id"] = frame["profile_id"].astype("Int64")
        return frame


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and validate a catalogue YAML (the packaged one when ``path`` is None).

    Raises :class:`CatalogueError` naming the file, the entry (position and id) and the
    field for any unknown section, polarity, value type, comparison, missing field or
    duplicate id.
    """
    if path is None:
        text = resources.files("dana.data").joinpath(_DEFAULT_PATH).read_text(encoding="utf-8")
        source = f"dana/data/{_DEFAULT_PATH}"
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CatalogueError(f"cannot read catalogue {source}: {exc}") from None
    # the packaged file is known to parse: the C loader reads it in a tenth of the time; a
    # user's file gets the pure-Python loader, whose errors quote the offending line
    loader = yaml.CSafeLoader if path is None and yaml.__with_libyaml__ else yaml.SafeLoader
    try:
        document = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("indicators"), list):
        raise CatalogueError(f"{source}: expected a mapping with an 'indicators' list")

    indicators: list[Indicator] = []
    for position, entry in enumerate(document["indicators"], start=1):
        label = f"entry {position}"
        if isinstance(entry, dict) and "id" in entry:
            label += f" (id {entry['id']!r})"
        if not isinstance(entry, dict):
            raise CatalogueError(f"{source}: {label} is not a mapping")
        try:
            indicators.append(Indicator.model_validate(entry))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'entry'}: {err['msg']}"
                + (f" (got {err['input']!r})" if err["type"].endswith("literal_error") else "")
                for err in exc.errors()
            )
            raise CatalogueError(f"{source}: {label}: {problems}") from None
    breakdowns: list[BreakdownIndicator] = []
    for position, entry in enumerate(document.get("breakdown_indicators") or [], start=1):
        label = f"breakdown_indicators entry {position}"
        if isinstance(entry, dict) and "id" in entry:
            label += f" (id {entry['id']!r})"
        try:
            breakdowns.extend(_BreakdownEntry.model_validate(entry).expand())
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'entry'}: {err['msg']}"
                for err in exc.errors()
            )
            raise CatalogueError(f"{source}: {label}: {problems}") from None
    return Catalogue(indicators, source=source, breakdowns=breakdowns)
