"""One model per simulated indicator, in a small registry.

A model is a function ``(Simulation) -> stats frame`` registered with :func:`model`;
adding an indicator to the default data is adding one model here (and the catalogue
entry). Models run in registration order and draw from one seeded generator, so the
order is part of the output: append new models at the end to keep earlier series
unchanged. Quantities several models share (the treatment population, completions,
prevalence) are drawn once, by the first model that needs them (:meth:`Simulation.shared`).

Calibration targets (England level of the synthetic series; first -> last period):

============================== =================== =====================================
indicator                      target              source
============================== =================== =====================================
adults in drug treatment       457 per 100,000 18+ C&P needs assessment summary 2023 (seed)
                               (2021/22, anchored) for England 2021/22
adults in alcohol treatment    189 per 100,000 18+ same seed, England 2021/22 (anchored)
opiate share of drug treatment about two-thirds    same seed; OHID 2024-25: 138,255 opiate
unmet need alcohol (93532)     about 80%           DOMAIN.md (Coventry/C&P seeds, England 80%)
unmet need OCU (93517)         about 53%           RECORDS.md A4 / brief; OCU prevalence
                                                   about 8.9 per 1,000 aged 15-64 (GUESS)
drug misuse deaths (92432)     3.9 -> 5.8 DSR      DEFINITIONS.md 1.3: England 2022-24 = 5.8
drug poisoning deaths          6.0 -> 9.0 DSR      ONS 2023: about 5,071 England deaths
alcohol-specific deaths        10.5 -> 15.0 DSR    ONS 2023: England ASR 15.0 (RECORDS A4)
alcohol-related deaths 93763   33 -> 40 DSR        GUESS consistent with LAPE 2016-2023
alcohol-specific admissions    560 -> 612 DSR      DEFINITIONS.md 2.2: England 2023/24 611.7
narrow admissions 93764        470 -> 500 DSR      RECORDS A4: 280,747 episodes 2023/24
broad admissions               1,550 -> 1,625 DSR  RECORDS A4: 1,625 per 100k 2023/24
under-18 alcohol admissions    45 -> 26 per 100k   GUESS from LAPE trend (falling)
15-24 substance admissions     80 DSR              GUESS (LG Inform metric 17180 level)
successful completion C19a/b/c 6->5%, 33->31%,     RECORDS A4 (GUESS: opiate ~5%,
                               38->35%             non-opiate ~30%, alcohol ~35%)
waits over 3 weeks             about 2-3%          GUESS ("almost all seen within 3 weeks")
IMD 2019 score                 21.7 (mean of LSOA  MHCLG IoD2019 (the England average)
                               scores)
============================== =================== =====================================

Other levels (liver disease 20, suicide 10, smoking 18% -> 12%, drug offences 3.3 per
1,000, homelessness need 8%, parental substance misuse 18%) are GUESSES of the right
order. An anchored drug treatment level is read as need: OCU prevalence moves with it,
so OCU unmet need keeps its synthetic level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dana.data.synthetic.anchors import Anchoring, anchor_factors, rate_target
from dana.data.synthetic.rows import (
    count_rows,
    dsr_counts,
    dsr_rows,
    imd_rows,
    proportion_rows,
    rate_rows,
    unmet_rows,
)
from dana.data.synthetic.world import YEARS, World, bump, level, normalised


@dataclass(frozen=True)
class Model:
    """How one indicator is simulated, and how its series is published."""

    indicator_id: str
    simulate: Callable[[Simulation], pd.DataFrame]
    #: a one-off release published for this year only (e.g. IMD 2019)
    fixed_year: int | None = None
    #: first and last start years published (old / new method series), None = open
    window: tuple[int | None, int | None] = (None, None)


#: Every model, in the order it runs (which is the order random numbers are drawn).
MODELS: dict[str, Model] = {}


def model(indicator_id: str, *, fixed_year: int | None = None, window=(None, None)):
    """Register the decorated function as the model of ``indicator_id``."""

    def register(simulate: Callable[[Simulation], pd.DataFrame]):
        if indicator_id in MODELS:
            raise ValueError(f"a second synthetic model for indicator {indicator_id!r}")
        MODELS[indicator_id] = Model(indicator_id, simulate, fixed_year, tuple(window))
        return simulate

    return register


@dataclass
class Simulation:
    """The world, its anchoring and what models share; arrays are (UTLA, simulated year)."""

    world: World
    anchoring: dict[str, Anchoring]
    _shared: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        world = self.world
        self.rng = world.rng
        self.pop18 = world.ages(18)
        self.pop_u18 = world.ages(0, 17)
        self.pop15_64 = world.ages(15, 64)
        self.pop_all = world.persons().sum(axis=2)
        self.weight = self.pop_all[:, YEARS.index(2021)]
        self.rr_t = world.rr_treatment[:, None]
        self.rr_d = world.rr_drug[:, None]
        self.rr_a = world.rr_alcohol[:, None]
        # Joint relative risks re-normalised so England stays on target despite covariance.
        self.rr_dt = normalised(world.rr_drug * world.rr_treatment, self.weight)[:, None]
        self.rr_at = normalised(world.rr_alcohol * world.rr_treatment, self.weight)[:, None]
        self.treatment = _treatment_population(self)

    def noise(self, sd: float) -> np.ndarray:
        """Multiplicative log-normal noise, one factor per UTLA and year."""
        return np.exp(self.rng.normal(0, sd, self.pop18.shape))

    def shared(self, name: str, make: Callable[[], object]):
        """``make()`` the first time ``name`` is asked for, the same value after that."""
        if name not in self._shared:
            self._shared[name] = make()
        return self._shared[name]


def _treatment_population(sim: Simulation) -> dict[str, np.ndarray]:
    """Adults in treatment by NDTMS substance group (per 100,000 aged 18+), anchored:
    an anchored area's whole series moves to the real level (opiate share kept)."""
    rng, pop18 = sim.rng, sim.pop18
    opiate = rng.poisson(pop18 * level(330, 300)[None, :] / 1e5 * sim.rr_dt * sim.noise(0.05))
    non_opiate = rng.poisson(pop18 * level(150, 160)[None, :] / 1e5 * sim.rr_t * sim.noise(0.08))
    alcohol = rng.poisson(pop18 * level(200, 192)[None, :] / 1e5 * sim.rr_at * sim.noise(0.08))
    opiate, non_opiate, alcohol = (a.astype(float) for a in (opiate, non_opiate, alcohol))
    drug_k = anchor_factors(
        sim.anchoring,
        "ndtms:adults_in_treatment_drug",
        opiate + non_opiate,
        rate_target(pop18, 1e5),
    )
    drug = np.round((opiate + non_opiate) * drug_k)
    opiate = np.minimum(np.round(opiate * drug_k), drug)
    non_opiate = drug - opiate
    alcohol_k = anchor_factors(
        sim.anchoring, "ndtms:adults_in_treatment_alcohol", alcohol, rate_target(pop18, 1e5)
    )
    alcohol = np.round(alcohol * alcohol_k)
    non_opiate_and_alcohol = rng.binomial(non_opiate.astype(int), 0.45).astype(float)
    return {
        "drug": drug,
        "opiate": opiate,
        "non_opiate": non_opiate,
        "alcohol": alcohol,
        "non_opiate_and_alcohol": non_opiate_and_alcohol,
        "drug_k": drug_k,
    }


# --- population and treatment -----------------------------------------------------------


@model("ons:population_all_ages")
def _population_all_ages(sim):
    return count_rows(sim.world, sim.pop_all)


@model("ons:population_18_plus")
def _population_18_plus(sim):
    return count_rows(sim.world, sim.pop18)


#: Adults in treatment per 100,000 aged 18+, by NDTMS substance group.
IN_TREATMENT = {
    "ndtms:adults_in_treatment_drug": "drug",
    "ndtms:adults_in_treatment_opiate": "opiate",
    "ndtms:adults_in_treatment_non_opiate": "non_opiate",
    "ndtms:adults_in_treatment_alcohol": "alcohol",
}


def _in_treatment_model(indicator_id: str, group: str) -> None:
    model(indicator_id)(lambda sim: rate_rows(sim.world, sim.treatment[group], sim.pop18, 1e5))


for _indicator_id, _group in IN_TREATMENT.items():
    _in_treatment_model(_indicator_id, _group)


def _new_drug(sim):
    t = sim.treatment
    # never more new presentations than people in treatment (tiny areas could draw more)
    return sim.shared(
        "new_drug",
        lambda: (
            np.minimum(sim.rng.poisson(0.22 * t["opiate"] + 0.62 * t["non_opiate"]), t["drug"])
            * 1.0
        ),
    )


def _new_alcohol(sim):
    alcohol = sim.treatment["alcohol"]
    return sim.shared(
        "new_alcohol", lambda: np.minimum(sim.rng.poisson(0.66 * alcohol), alcohol) * 1.0
    )


def _wait_p(sim):
    spread = normalised(sim.world.rr_treatment**2, sim.weight)[:, None]
    return sim.shared("wait_p", lambda: np.clip(0.022 * spread * sim.noise(0.3), 0, 0.5))


@model("ndtms:new_presentations_drug")
def _new_presentations_drug(sim):
    return count_rows(sim.world, _new_drug(sim))


@model("ndtms:new_presentations_alcohol")
def _new_presentations_alcohol(sim):
    return count_rows(sim.world, _new_alcohol(sim))


@model("ndtms:waiting_over_3_weeks_drug")
def _waiting_drug(sim):
    new = _new_drug(sim)
    return proportion_rows(sim.world, sim.rng.binomial(new.astype(int), _wait_p(sim)), new)


@model("ndtms:waiting_over_3_weeks_alcohol")
def _waiting_alcohol(sim):
    new = _new_alcohol(sim)
    return proportion_rows(sim.world, sim.rng.binomial(new.astype(int), _wait_p(sim)), new)


@model("ndtms:opiate_in_treatment_6_years_plus")
def _opiate_6_years(sim):
    opiate = sim.treatment["opiate"]
    p = np.clip(level(0.24, 0.30)[None, :] * sim.noise(0.1), 0, 1)
    return proportion_rows(sim.world, sim.rng.binomial(opiate.astype(int), p), opiate)


#: Successful completion (PHOF C19a/b/c): treatment group, England proportion start, end.
COMPLETIONS = {"90244": ("opiate", 0.064, 0.05), "90245": ("non_opiate", 0.34, 0.31),
               "92447": ("alcohol", 0.38, 0.35)}  # fmt: skip
#: Share of successful completions re-presenting within 6 months (GUESS: 12% drugs, 10% alcohol).
REPRESENTATION = {"90244": 0.12, "90245": 0.12, "92447": 0.10}


def _completed(sim, indicator_id: str) -> np.ndarray:
    """All successful completions of one group in the year (drawn once; shared).

    Drawn so that the C19 proportion (completions *not* re-presenting) follows the
    target: p(complete) = target / (1 - re-presentation share).
    """
    group, start, end = COMPLETIONS[indicator_id]

    def draw():
        rr = sim.world.rr_treatment[:, None] ** 0.5
        target = level(start, end)[None, :] / (1 - REPRESENTATION[indicator_id])
        p = np.clip(target / rr * sim.noise(0.12), 0, 0.95)
        return sim.rng.binomial(sim.treatment[group].astype(int), p).astype(float)

    return sim.shared(f"completed:{indicator_id}", draw)


def _represented(sim, indicator_id: str) -> np.ndarray:
    """Completions of one group re-presenting within 6 months (drawn once; shared)."""
    return sim.shared(
        f"represented:{indicator_id}",
        lambda: sim.rng.binomial(
            _completed(sim, indicator_id).astype(int), REPRESENTATION[indicator_id]
        ).astype(float),
    )


def _completion_model(indicator_id: str) -> None:
    """PHOF C19: completions not re-presenting within 6 months / all in treatment."""
    group = COMPLETIONS[indicator_id][0]
    model(indicator_id)(
        lambda sim: proportion_rows(
            sim.world,
            _completed(sim, indicator_id) - _represented(sim, indicator_id),
            sim.treatment[group],
        )
    )


for _indicator_id in COMPLETIONS:
    _completion_model(_indicator_id)


@model("ndtms:representations_drug")
def _representations_drug(sim):
    completed = _completed(sim, "90244") + _completed(sim, "90245")
    return proportion_rows(
        sim.world, _represented(sim, "90244") + _represented(sim, "90245"), completed
    )


@model("ndtms:representations_alcohol")
def _representations_alcohol(sim):
    return proportion_rows(sim.world, _represented(sim, "92447"), _completed(sim, "92447"))


@model("92544")
def _continuity_of_care(sim):
    releases = sim.rng.poisson(sim.pop18 * 1.0e-4 * sim.rr_d).astype(float)
    engaged_p = np.clip(level(0.32, 0.45)[None, :] * sim.noise(0.2), 0, 0.95)
    engaged = sim.rng.binomial(releases.astype(int), engaged_p)
    return proportion_rows(sim.world, engaged, releases)


# --- unmet need: prevalence estimates (non-integer) against the people in treatment -----


@model("93532")
def _unmet_alcohol(sim):
    t = sim.treatment
    dependent = sim.pop18 * 0.0131 * sim.rr_a * sim.noise(0.1)
    in_treatment = t["alcohol"] + t["non_opiate_and_alcohol"]
    dependent *= anchor_factors(  # unmet need (%) = (1 - treated / dependent) x 100
        sim.anchoring,
        "93532",
        dependent,
        lambda value, rows, year: in_treatment[rows, year].sum() / (1 - value / 100),
    )
    return unmet_rows(sim.world, dependent, in_treatment)


def _ocu(sim):
    t = sim.treatment
    return sim.shared(
        "ocu", lambda: sim.pop15_64 * 0.0086 * sim.rr_d * sim.noise(0.1) * t["drug_k"]
    )


@model("93517")
def _unmet_ocu(sim):
    t = sim.treatment
    in_treatment = np.round(0.93 * t["opiate"] + 0.12 * t["non_opiate"])
    return unmet_rows(sim.world, _ocu(sim), in_treatment)


@model("91117")
def _ocu_prevalence(sim):
    return rate_rows(sim.world, np.round(_ocu(sim)), sim.pop15_64, 1000)


# --- deaths and admissions (DSR per 100,000, ESP2013) -----------------------------------

PROFILES = {
    "alcohol": bump(58, 12),  # alcohol-specific / related deaths and admissions
    "drug": bump(44, 10, 0.02),  # drug misuse and poisoning deaths
    "admissions": bump(45, 20, 0.05),
    "liver": bump(58, 10),
    "young": bump(20, 3),
    "suicide": bump(48, 18, 0.05),
}


def _dsr_model(indicator_id, start, end, profile, risk, pooled, window=(None, None), **ages):
    """Register a DSR model: England follows ``start -> end``, areas scale by ``risk``."""

    def simulate(sim):
        rr = {"drug": sim.world.rr_drug, "alcohol": sim.world.rr_alcohol}
        relative = rr["drug"] ** 0.5 if risk == "sqrt_drug" else rr[risk]
        return dsr_rows(sim.world, level(start, end), profile, relative, pooled, **ages)

    model(indicator_id, window=window)(simulate)


P = PROFILES


def _drug_poisoning_counts(sim) -> np.ndarray:
    """Deaths related to drug poisoning by (UTLA, year, band), drawn once."""
    return sim.shared(
        "drug_poisoning_counts",
        lambda: dsr_counts(sim.world, level(6.0, 9.0), P["drug"], sim.world.rr_drug),
    )


@model("92432")
def _drug_misuse_deaths(sim):
    """Drug-misuse deaths are a subset of drug-poisoning deaths: a binomial share of them
    (about 65%, so England goes 3.9 -> 5.9 as the poisoning rate goes 6.0 -> 9.0)."""
    poisoning = _drug_poisoning_counts(sim)
    share = (level(3.9, 5.9) / level(6.0, 9.0))[None, :, None] * np.ones(poisoning.shape)
    misuse = sim.rng.binomial(poisoning.astype(np.int64), share).astype(float)
    return dsr_rows(sim.world, None, P["drug"], None, True, counts=misuse)


@model("ons:drug_poisoning_deaths")
def _drug_poisoning_deaths(sim):
    return dsr_rows(sim.world, None, P["drug"], None, True, counts=_drug_poisoning_counts(sim))


_dsr_model("hes:admissions_drug_poisoning", 31, 25, P["young"] + P["drug"], "drug", pooled=False)
_dsr_model("91380", 10.5, 15.0, P["alcohol"], "alcohol", pooled=True)
_dsr_model("93763", 33, 40, P["alcohol"], "alcohol", pooled=False, window=(2016, None))
_dsr_model("91382", 45, 47, P["alcohol"], "alcohol", pooled=False, window=(None, 2017))
_dsr_model("92906", 560, 612, P["admissions"], "alcohol", pooled=False)
_dsr_model("93764", 470, 500, P["admissions"], "alcohol", pooled=False, window=(2016, None))
_dsr_model(
    "fingertips:alcohol_related_admissions_broad",
    1550, 1625, P["admissions"], "alcohol", pooled=False, window=(2016, None),
)  # fmt: skip
_dsr_model("91414", 640, 630, P["admissions"], "alcohol", pooled=False, window=(None, 2018))
_dsr_model("40601", 18, 21, P["liver"], "alcohol", pooled=True, high=74)
_dsr_model("41001", 9.8, 10.6, P["suicide"], "sqrt_drug", pooled=True, low=10)
_dsr_model("90808", 85, 78, P["young"], "drug", pooled=True, low=15, high=24)


# --- young people and wider determinants ------------------------------------------------


@model("92904")
def _u18_alcohol_admissions(sim):
    admissions = sim.rng.poisson(sim.pop_u18 * level(45, 26)[None, :] / 1e5 * sim.rr_a)
    return rate_rows(sim.world, admissions.astype(float), sim.pop_u18, 1e5, pooled=True)


@model("ndtms:young_people_in_treatment")
def _young_people_in_treatment(sim):
    expected = sim.pop_u18 * level(150, 95)[None, :] / 1e5 * sim.rr_t * sim.noise(0.15)
    return rate_rows(sim.world, sim.rng.poisson(expected).astype(float), sim.pop_u18, 1e5)


@model("local:school_survey_alcohol")
def _school_survey(sim):
    pupils = np.round(sim.world.ages(11, 15) * 0.06)
    p = np.clip(level(0.16, 0.10)[None, :] * sim.rr_a * sim.noise(0.1), 0, 1)
    return proportion_rows(sim.world, sim.rng.binomial(pupils.astype(int), p), pupils)


@model("92443")
def _smoking(sim):
    survey = np.clip(np.round(sim.pop18 * 0.002), 150, 4000)
    p = np.clip(level(0.185, 0.12)[None, :] * sim.rr_a**0.8 * sim.noise(0.08), 0, 1)
    return proportion_rows(sim.world, sim.rng.binomial(survey.astype(int), p), survey)


@model("local:police_drug_offences")
def _police_offences(sim):
    urban = sim.world.urban[:, None] ** 0.5
    expected = sim.pop_all * level(3.6, 3.2)[None, :] / 1000 * sim.rr_d * urban * sim.noise(0.15)
    return rate_rows(sim.world, sim.rng.poisson(expected).astype(float), sim.pop_all, 1000)


@model("local:homelessness_drug_alcohol_need")
def _homelessness(sim):
    households = np.round(sim.pop_all * 0.0053 * sim.rr_t)
    p = np.clip(0.08 * sim.rr_d * sim.noise(0.15), 0, 1)
    return proportion_rows(sim.world, sim.rng.binomial(households.astype(int), p), households)


@model("local:cin_parental_substance_misuse")
def _parental_substance_misuse(sim):
    assessments = np.round(sim.pop_u18 * 0.054)
    p = np.clip(0.18 * sim.rr_d**0.5 * sim.rr_a**0.5 * sim.noise(0.15), 0, 1)
    return proportion_rows(sim.world, sim.rng.binomial(assessments.astype(int), p), assessments)


# --- deprivation (no random draws: a function of latent deprivation) -------------------


@model("93553", fixed_year=2019)
def _imd_2019(sim):
    return imd_rows(sim.world, 21.7, 7.5, 0.0)


@model("94240", fixed_year=2025)
def _imd_2025(sim):
    return imd_rows(sim.world, 21.5, 7.8, 0.3)
