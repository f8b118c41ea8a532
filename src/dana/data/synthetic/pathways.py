"""Treatment pathways in the synthetic world: substance groups, new presentations, exits.

Everything here is drawn once per (UTLA, simulated year) and shared: the headline
models registered below (unmet need for opiates and for crack, naloxone, deaths in
treatment, dependent parents in treatment) and the latest-year client profiles of
:mod:`dana.data.synthetic.profiles` read the same arrays, so a figure and its breakdown
never disagree. The four NDTMS substance groups (DEFINITIONS.md 3.1) come from the
treatment population of :mod:`dana.data.synthetic.models`:

* opiate = ``treatment["opiate"]``; non-opiate and alcohol = ``treatment[
  "non_opiate_and_alcohol"]``; non-opiate only = non-opiate - non-opiate and alcohol;
  alcohol only = ``treatment["alcohol"]``;
* new presentations of the three drug groups split the published drug new presentations
  (never more than the group's people in treatment); alcohol only = alcohol new
  presentations;
* exits by reason: successful completions (all of them, re-presenting or not, the
  completion models' draws) plus unplanned and other exits drawn from those who did not
  complete, so ``completions not re-presenting <= completions <= exits <= in treatment``
  (PHOF C19, DEFINITIONS.md 3.3).

Levels are GUESSES of the right order (OHID adult treatment statistics 2022-23: about
5% of exits are deaths in treatment for opiates, one in three opiate clients is issued
naloxone rising to about half, 10-12% of dependent parents are in treatment). Nothing
here is real data.
"""

from __future__ import annotations

import numpy as np

from dana.data.synthetic.models import (
    Simulation,
    _completed,
    _new_alcohol,
    _new_drug,
    _ocu,
    model,
)
from dana.data.synthetic.rows import proportion_rows, unmet_rows
from dana.data.synthetic.world import level

GROUPS = ("opiate", "non_opiate_only", "non_opiate_and_alcohol", "alcohol_only")
#: Exit reasons (NDTMS ViewIt names; the rarer ones are pooled in the last).
EXIT_REASONS = (
    "Successful completion",
    "Dropped out",
    "Treatment withdrawn",
    "Treatment declined",
    "Transferred - not in custody",
    "Transferred - in custody",
    "Died",
    "Other (moved away, prison, referred on, not known)",
)
#: Share of those not completing who exit in the year, and how the exits split (GUESS).
_UNPLANNED_EXIT = {"opiate": 0.14, "non_opiate_only": 0.30, "non_opiate_and_alcohol": 0.30,
                   "alcohol_only": 0.28}  # fmt: skip
_EXIT_SPLIT = {
    "opiate": [0.50, 0.04, 0.06, 0.14, 0.10, 0.10, 0.06],
    "non_opiate_only": [0.62, 0.05, 0.10, 0.10, 0.05, 0.01, 0.07],
    "non_opiate_and_alcohol": [0.60, 0.05, 0.10, 0.10, 0.05, 0.03, 0.07],
    "alcohol_only": [0.62, 0.04, 0.10, 0.10, 0.02, 0.04, 0.08],
}


def in_treatment(sim: Simulation) -> dict[str, np.ndarray]:
    """Adults in treatment by NDTMS group, (UTLA, year); ``"all"`` is their sum."""

    def make():
        t = sim.treatment
        groups = {
            "opiate": t["opiate"],
            "non_opiate_only": t["non_opiate"] - t["non_opiate_and_alcohol"],
            "non_opiate_and_alcohol": t["non_opiate_and_alcohol"],
            "alcohol_only": t["alcohol"],
        }
        return {**groups, "all": sum(groups.values())}

    return sim.shared("pathways:in_treatment", make)


def _split_capped(sim, total: np.ndarray, weights: list[np.ndarray], caps: list[np.ndarray]):
    """Split ``total`` across parts in proportion to ``weights``, no part above its cap.

    A multinomial draw, then any part over its cap gives the excess to the parts with
    room, in order (only tiny areas ever need it).
    """
    stacked = np.stack(weights, axis=-1).astype(float)
    sums = stacked.sum(-1, keepdims=True)
    share = np.where(sums > 0, stacked / np.where(sums > 0, sums, 1), 1 / len(weights))
    parts = sim.rng.multinomial(total.astype(np.int64), share).astype(float)
    cap = np.stack(caps, axis=-1)
    if (total > cap.sum(-1)).any():
        raise RuntimeError("synthetic world: more new presentations than people in treatment")
    excess = np.maximum(parts - cap, 0).sum(-1)
    parts = np.minimum(parts, cap)
    for i in range(len(weights)):
        moved = np.minimum(cap[..., i] - parts[..., i], excess)
        parts[..., i] += moved
        excess -= moved
    return [parts[..., i] for i in range(len(weights))]


def new_presentations(sim: Simulation) -> dict[str, np.ndarray]:
    """New presentations by group (each at most the group's people in treatment)."""

    def make():
        t = in_treatment(sim)
        drug_groups = GROUPS[:3]
        weights = [
            0.22 * t["opiate"],
            0.62 * t["non_opiate_only"],
            0.62 * t["non_opiate_and_alcohol"],
        ]
        parts = _split_capped(sim, _new_drug(sim), weights, [t[g] for g in drug_groups])
        groups = dict(zip(drug_groups, parts, strict=True))
        groups["alcohol_only"] = _new_alcohol(sim)
        return {**groups, "all": sum(groups.values())}

    return sim.shared("pathways:new", make)


def completions(sim: Simulation) -> dict[str, np.ndarray]:
    """All successful completions by group (the completion models' draws, split)."""

    def make():
        t = in_treatment(sim)
        non_opiate = _completed(sim, "90245").astype(np.int64)
        noa = sim.rng.hypergeometric(
            t["non_opiate_and_alcohol"].astype(np.int64),
            t["non_opiate_only"].astype(np.int64),
            non_opiate,
        ).astype(float)
        return {
            "opiate": _completed(sim, "90244"),
            "non_opiate_only": non_opiate - noa,
            "non_opiate_and_alcohol": noa,
            "alcohol_only": _completed(sim, "92447"),
        }

    return sim.shared("pathways:completions", make)


def exits(sim: Simulation) -> dict[str, dict[str, np.ndarray]]:
    """Exits by group and reason; ``exits[g]["total"]`` is their sum."""

    def make():
        t, done = in_treatment(sim), completions(sim)
        out = {}
        for group in GROUPS:
            rest = (t[group] - done[group]).astype(np.int64)
            leaving = sim.rng.binomial(rest, _UNPLANNED_EXIT[group] * np.ones(rest.shape))
            split = sim.rng.multinomial(leaving, _EXIT_SPLIT[group]).astype(float)
            reasons = {"Successful completion": done[group]}
            reasons.update({r: split[..., i] for i, r in enumerate(EXIT_REASONS[1:])})
            reasons["total"] = sum(reasons.values())
            out[group] = reasons
        return out

    return sim.shared("pathways:exits", make)


def deaths_in_treatment(sim: Simulation) -> np.ndarray:
    return sum(exits(sim)[g]["Died"] for g in GROUPS)


def naloxone(sim: Simulation) -> np.ndarray:
    """Adults in treatment for opiates issued naloxone (GUESS 33% -> 52%)."""

    def make():
        opiate = in_treatment(sim)["opiate"].astype(np.int64)
        p = np.clip(level(0.33, 0.52)[None, :] * sim.noise(0.15), 0, 0.95)
        return sim.rng.binomial(opiate, p).astype(float)

    return sim.shared("pathways:naloxone", make)


#: Share of each group who are parents living with children (GUESS; OHID 2022-23 about 1 in 5).
PARENT_SHARE = {"opiate": 0.14, "non_opiate_only": 0.22, "non_opiate_and_alcohol": 0.24,
                "alcohol_only": 0.27}  # fmt: skip


def parents_living_with_children(sim: Simulation) -> dict[str, np.ndarray]:
    def make():
        t = in_treatment(sim)
        out = {
            g: sim.rng.binomial(t[g].astype(np.int64), PARENT_SHARE[g]).astype(float)
            for g in GROUPS
        }
        return {**out, "all": sum(out.values())}

    return sim.shared("pathways:parents", make)


def dependent_parents_estimate(sim: Simulation) -> np.ndarray:
    """Estimated dependent (alcohol or opiate) parents living with children, per UTLA.

    One estimate per area held for every year, as the published estimates are one-off;
    about 9 times the parents in treatment (Coventry: 327 of a projected 3,780).
    """

    def make():
        parents = parents_living_with_children(sim)["all"]
        met = np.clip(0.11 * np.exp(sim.rng.normal(0, 0.25, parents.shape[0])), 0.03, 0.5)
        estimate = np.round(parents[:, -1] / met)[:, None] * np.ones(parents.shape[1])
        return np.maximum(estimate, np.ceil(parents.max(axis=1, keepdims=True) * 1.05))

    return sim.shared("pathways:dependent_parents", make)


def opiate_and_crack_users(sim: Simulation) -> dict[str, np.ndarray]:
    """Prevalence and people in treatment for opiates and for crack (subsets of OCU).

    OCU prevalence as 93517 uses it (at least 1.05 x the OCU in treatment); opiate users
    0.87 and crack users 0.62 of it (so each <= OCU and together >= OCU, as the two
    overlap); in treatment 0.93 x opiate clients for opiates and 0.5 x opiate + 0.12 x
    non-opiate clients for crack, each at most the OCU in treatment.
    """

    def make():
        t = sim.treatment
        ocu_treated = np.round(0.93 * t["opiate"] + 0.12 * t["non_opiate"])
        ocu = np.maximum(_ocu(sim), ocu_treated * 1.05)
        opiate_treated = np.round(0.93 * t["opiate"])
        crack_treated = np.minimum(
            np.round(0.5 * t["opiate"] + 0.12 * t["non_opiate"]), ocu_treated
        )
        return {
            "opiate_prevalence": np.minimum(np.maximum(0.87 * ocu, 1.05 * opiate_treated), ocu),
            "opiate_treated": opiate_treated,
            "crack_prevalence": np.minimum(np.maximum(0.62 * ocu, 1.05 * crack_treated), ocu),
            "crack_treated": crack_treated,
            "ocu_prevalence": ocu,
            "ocu_treated": ocu_treated,
        }

    return sim.shared("pathways:opiate_crack", make)


# --- headline figures (registered after every model of dana.data.synthetic.models) --------


@model("ndtms:unmet_need_opiates")
def _unmet_opiates(sim):
    users = opiate_and_crack_users(sim)
    return unmet_rows(sim.world, users["opiate_prevalence"], users["opiate_treated"])


@model("ndtms:unmet_need_crack")
def _unmet_crack(sim):
    users = opiate_and_crack_users(sim)
    return unmet_rows(sim.world, users["crack_prevalence"], users["crack_treated"])


@model("ndtms:naloxone_issued_opiate")
def _naloxone(sim):
    return proportion_rows(sim.world, naloxone(sim), in_treatment(sim)["opiate"])


@model("ndtms:deaths_in_treatment")
def _deaths(sim):
    return proportion_rows(sim.world, deaths_in_treatment(sim), in_treatment(sim)["all"])


@model("ndtms:dependent_parents_in_treatment")
def _parents(sim):
    return proportion_rows(
        sim.world, parents_living_with_children(sim)["all"], dependent_parents_estimate(sim)
    )
