"""The synthetic world record-level extracts are drawn from: places, people, risks.

* **Places**: every current district of England (E07 districts and the unitary, metropolitan
  and London authorities, which are their own lower tier), with real GSS codes from
  :func:`dana.areas.load_areas`, and a synthetic LSOA scheme
  (:func:`dana.records.geography.synthetic_lsoa_lookup`: real-format codes, invented
  assignment and deprivation deciles).
* **People**: the embedded synthetic population (:mod:`dana.records.population`) by district,
  sex and single year of age, for the year simulated; each LSOA holds its share of its
  district with the district's age-sex structure.
* **Risks**: each district has a relative risk for alcohol harm and one for drug harm
  (regional offsets plus noise), a tilt by age group (so that, as in the seeds, one district
  is high in 40-64 year olds and another in the over-65s), and each LSOA a risk by
  deprivation decile (a gradient: the most deprived decile about 2.5 times the least for
  alcohol, 4 times for drugs). Relative risks are normalised to a population-weighted mean
  of 1, so national totals stay on their calibration targets.

:meth:`World.draw` samples (LSOA, age group) cells for N events of a class in proportion to
population x class age profile x risks, then a single year of age and a sex.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dana.areas import load_areas
from dana.records.geography import la_lookup, synthetic_lsoa_lookup
from dana.records.population import default_denominators

#: Age groups of the class age profiles (lower bounds; 85+ open).
AGE_GROUPS = (0, 18, 25, 35, 45, 55, 65, 75, 85)
_REGION_ALCOHOL = {"E12000001": 0.3, "E12000002": 0.3, "E12000003": 0.15, "E12000007": -0.3,
                   "E12000006": -0.1, "E12000008": -0.1}  # fmt: skip
_REGION_DRUG = {"E12000001": 0.55, "E12000002": 0.3, "E12000003": 0.2, "E12000007": -0.25,
                "E12000006": -0.15, "E12000008": -0.1}  # fmt: skip
#: log relative risk per decile step from least to most deprived (GUESS, OHID-like gradients)
DEPRIVATION_SLOPE = {"alcohol": np.log(2.5) / 9, "drug": np.log(4.0) / 9, "none": 0.0}


@dataclass
class Drawn:
    """Sampled people as indices: LSOA (into ``World.lsoa``), district (into
    ``World.districts``), age and sex (1/2)."""

    lsoa: np.ndarray
    district: np.ndarray
    age: np.ndarray
    sex: np.ndarray


class World:
    def __init__(self, year: int, seed: int) -> None:
        self.year = year
        self.rng = np.random.default_rng(seed)
        den = default_denominators((year,), seed=seed)
        self.population_source = den.source
        lookup = la_lookup()
        current = lookup[(lookup["status"] == "current") & lookup["district"].notna()]
        self.districts = np.array(sorted(set(current["district"])))
        frame = den.frame[(den.frame["year"] == year) & den.frame["area_code"].isin(self.districts)]
        # pop[district, sex(0/1), age 0..90]
        pop = np.zeros((len(self.districts), 2, 91))
        index = {code: i for i, code in enumerate(self.districts)}
        pop[
            frame["area_code"].map(index).to_numpy(),
            frame["sex"].to_numpy() - 1,
            frame["age"].to_numpy(),
        ] = frame["population"].to_numpy()
        self.pop = pop
        totals = pd.Series(pop.sum(axis=(1, 2)), index=self.districts)
        self.lsoa = synthetic_lsoa_lookup(totals, seed=seed)
        self.region = current.drop_duplicates("district").set_index("district")["region"]
        self.lsoa_district = self.lsoa["district"].map(index).to_numpy()
        district_total = pop.sum(axis=(1, 2))
        self.lsoa_share = self.lsoa["population"].to_numpy() / district_total[self.lsoa_district]
        self._risks = {kind: self._district_risk(kind) for kind in ("alcohol", "drug", "none")}
        self._tilts = {kind: self._age_tilt(kind) for kind in ("alcohol", "drug", "none")}

    # -- risks --------------------------------------------------------------------------
    def _district_risk(self, kind: str) -> np.ndarray:
        if kind == "none":
            return np.ones(len(self.districts))
        offsets = _REGION_ALCOHOL if kind == "alcohol" else _REGION_DRUG
        region = self.region.reindex(self.districts).to_numpy()
        log_rr = np.array([offsets.get(r, 0.0) for r in region]) + self.rng.normal(
            0, 0.25, len(self.districts)
        )
        rr = np.exp(log_rr)
        weight = self.pop.sum(axis=(1, 2))
        return rr / (rr * weight).sum() * weight.sum()

    def _age_tilt(self, kind: str) -> np.ndarray:
        sd = 0.0 if kind == "none" else 0.3
        return np.exp(self.rng.normal(0, sd, (len(self.districts), len(AGE_GROUPS))))

    def _age_group_population(self) -> np.ndarray:
        """pop by district x sex x age group."""
        edges = [*AGE_GROUPS, 91]
        return np.stack(
            [
                self.pop[:, :, lo:hi].sum(axis=2)
                for lo, hi in zip(edges[:-1], edges[1:], strict=True)
            ],
            axis=2,
        )

    # -- sampling -----------------------------------------------------------------------
    def _weights(self, profile: np.ndarray, kind: str) -> np.ndarray:
        groups = self._age_group_population().sum(axis=1)  # district x group
        decile = self.lsoa["imd_decile"].to_numpy()
        lsoa_rr = np.exp(DEPRIVATION_SLOPE[kind] * (10 - decile))
        lsoa_rr = lsoa_rr / np.average(lsoa_rr, weights=self.lsoa["population"].to_numpy())
        d = self.lsoa_district
        weights = (
            groups[d] * self.lsoa_share[:, None] * profile[None, :]
            * (self._risks[kind][d] * lsoa_rr)[:, None] * self._tilts[kind][d]
        )  # fmt: skip
        return weights

    def age_sex(self, profile: np.ndarray, male_share: float, kind: str) -> np.ndarray:
        """P(sex, single year of age) of :meth:`draw` (2 x 91), for expected AAFs."""
        by_group = self._weights(profile, kind).sum(axis=0)
        by_group = by_group / by_group.sum()
        edges = [*AGE_GROUPS, 91]
        ages = np.zeros(91)
        for g, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
            ages[lo:hi] = by_group[g] / (hi - lo)
        return np.vstack([ages * male_share, ages * (1 - male_share)])

    def draw(self, n: int, profile: np.ndarray, male_share: float, kind: str) -> Drawn:
        """``n`` people for a class whose rate by age group is ``profile`` (relative)."""
        rng = self.rng
        weights = self._weights(profile, kind)
        flat = weights.ravel() / weights.sum()
        cells = rng.choice(flat.size, size=n, p=flat)
        lsoa_index, group = np.divmod(cells, len(AGE_GROUPS))
        edges = np.array([*AGE_GROUPS, 91])
        low, high = edges[group], np.minimum(edges[group + 1], 91)
        age = low + np.floor(rng.random(n) * (high - low)).astype(np.int64)
        sex = np.where(rng.random(n) < male_share, 1, 2).astype(np.int8)
        return Drawn(
            lsoa=lsoa_index.astype(np.int32),
            district=self.lsoa_district[lsoa_index].astype(np.int32),
            age=np.minimum(age, 90).astype(np.int16),
            sex=sex,
        )

    def region_of(self, districts: np.ndarray) -> np.ndarray:
        return self.region.reindex(districts).to_numpy()


def earlier_codes() -> dict[str, list[str]]:
    """Current code -> district codes it replaced (for a share of records coded the old way)."""
    lookup = la_lookup()
    old = lookup[lookup["status"] == "earlier code"]
    old = old[old["code"].str.startswith("E07")]
    return old.groupby("district")["code"].apply(list).to_dict()


def region_letter() -> dict[str, str]:
    """HES RESGOR letter of each region (A North East ... K South West; no I)."""
    regions = sorted(r.code for r in load_areas().regions())
    return dict(zip(regions, "ABDEFGHJK", strict=True))
