"""Which published counts are parts of which totals: the structure secondary suppression protects.

A count hidden by disclosure control can be recovered by subtraction whenever it is a
part of a total shown elsewhere in the report (adults in treatment = drugs + alcohol
only), or whenever the same people are counted by another figure (the count behind the
rate of adults in alcohol treatment is the number in alcohol treatment). Each such
link is a :class:`CountRelation`: ``total = sum(parts)`` for the same area and period,
with one part meaning "the same count".

The relations come from two places:

* :data:`HEADLINE_RELATIONS` - the catalogue's headline measures. NDTMS substance groups
  (DEFINITIONS.md s.3.1; NDTMS adult treatment reporting): every adult in treatment is
  in exactly one of opiate, non-opiate only, non-opiate and alcohol, alcohol only; "drug
  treatment" is the first three, and the catalogue's "non-opiate" rate the middle two.
* :func:`breakdown_relations` - the catalogue's breakdown indicators: the all-adults
  headline of each measure (``ndtms:in_treatment``) is the sum of its substance groups
  (``ndtms:in_treatment:opiate`` ...), and importer ids that are the same measure as a
  catalogue id (:data:`dana.sources.registry.CATALOGUE_IDS`) count the same people.

Pure data and set logic: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dana.sources.registry import CATALOGUE_IDS

#: The NDTMS substance groups, in reporting order (DEFINITIONS.md s.3.1).
SUBSTANCE_GROUPS = ("opiate", "non_opiate_only", "non_opiate_and_alcohol", "alcohol_only")


@dataclass(frozen=True)
class CountRelation:
    """``total`` = the sum of ``parts`` (same area and period); one part: the same count."""

    total: str
    parts: tuple[str, ...]
    why: str

    @property
    def members(self) -> tuple[str, ...]:
        return (self.total, *self.parts)


HEADLINE_RELATIONS: tuple[CountRelation, ...] = (
    CountRelation(
        "ndtms:number_in_treatment",
        ("ndtms:number_in_treatment_drug", "ndtms:number_in_treatment_alcohol"),
        "all adults in treatment = drug groups + alcohol only (NDTMS substance groups)",
    ),
    CountRelation(
        "ndtms:number_in_treatment_drug",
        ("ndtms:adults_in_treatment_drug",),
        "the rate of adults in drug treatment is built on the number in drug treatment",
    ),
    CountRelation(
        "ndtms:number_in_treatment_alcohol",
        ("ndtms:adults_in_treatment_alcohol",),
        "the rate of adults in alcohol treatment is built on the number in alcohol treatment",
    ),
    CountRelation(
        "ndtms:adults_in_treatment_drug",
        ("ndtms:adults_in_treatment_opiate", "ndtms:adults_in_treatment_non_opiate"),
        "drug treatment = opiate + non-opiate (with or without alcohol)",
    ),
    CountRelation(
        "ndtms:new_presentations",
        ("ndtms:new_presentations_drug", "ndtms:new_presentations_alcohol"),
        "all new presentations = drug groups + alcohol only",
    ),
    CountRelation(
        "ons:drug_poisoning_deaths_count",
        ("ons:drug_poisoning_deaths_crude_rate",),
        "the crude death rate is built on the number of deaths",
    ),
)


@dataclass(frozen=True)
class DenominatorLink:
    """``figure``'s denominator is the count of ``count_of`` (same area and period): when
    that count is withheld, ``figure`` is withheld whole (with its value and count, the
    denominator is ``count / value``)."""

    figure: str
    count_of: str
    why: str


#: NDTMS and OHID definitions (DEFINITIONS.md s.3; Fingertips metadata for 92447, 90244,
#: 90245): each proportion's denominator is a published count of the same people.
DENOMINATOR_LINKS: tuple[DenominatorLink, ...] = (
    DenominatorLink(
        "92447", "ndtms:adults_in_treatment_alcohol", "completions of all in alcohol treatment"
    ),
    DenominatorLink(
        "92447", "ndtms:number_in_treatment_alcohol", "completions of all in alcohol treatment"
    ),
    DenominatorLink(
        "90244", "ndtms:adults_in_treatment_opiate", "completions of all in opiate treatment"
    ),
    DenominatorLink(
        "90245",
        "ndtms:adults_in_treatment_non_opiate",
        "completions of all in non-opiate treatment",
    ),
    DenominatorLink(
        "ndtms:opiate_in_treatment_6_years_plus",
        "ndtms:adults_in_treatment_opiate",
        "of all in opiate treatment",
    ),
    DenominatorLink(
        "ndtms:naloxone_issued_opiate",
        "ndtms:adults_in_treatment_opiate",
        "of all in opiate treatment",
    ),
    DenominatorLink(
        "ndtms:waiting_over_3_weeks_alcohol",
        "ndtms:new_presentations_alcohol",
        "of new alcohol presentations",
    ),
    DenominatorLink(
        "ndtms:waiting_over_3_weeks_drug",
        "ndtms:new_presentations_drug",
        "of new drug presentations",
    ),
)


def breakdown_relations(catalogue) -> tuple[CountRelation, ...]:
    """Relations among a catalogue's breakdown indicators and the headline ids they match.

    Each breakdown measure with substance groups: ``<measure>`` = the sum of
    ``<measure>:<group>``; and each importer id that is the same measure as a headline
    id (:data:`dana.sources.registry.CATALOGUE_IDS`) is the same count.
    """
    relations = []
    by_measure: dict[str, list[str]] = {}
    for entry in getattr(catalogue, "breakdowns", ()):
        base = entry.id if entry.substance_group == "all" else entry.id.rsplit(":", 1)[0]
        if entry.substance_group != "all":
            by_measure.setdefault(base, []).append(entry.id)
    for measure, parts in by_measure.items():
        if len(parts) == len(SUBSTANCE_GROUPS):
            relations.append(
                CountRelation(measure, tuple(parts), "all adults = the four substance groups")
            )
    for importer_id, catalogue_id in CATALOGUE_IDS.items():
        relations.append(CountRelation(catalogue_id, (importer_id,), "the same measure"))
    return tuple(relations)


def relations_among(
    indicator_ids: Iterable[str], relations: Iterable[CountRelation]
) -> tuple[CountRelation, ...]:
    """The relations all of whose members are among ``indicator_ids``.

    A relation with a member missing cannot be used to recover a hidden count (the
    missing term is unknown), so it needs no protection.
    """
    present = set(indicator_ids)
    return tuple(r for r in relations if set(r.members) <= present)
