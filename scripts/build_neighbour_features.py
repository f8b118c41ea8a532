"""Derive DANA's statistical-neighbour feature table from the real published files.

Usage (from the repository root, with ``../shared/data`` beside it)::

    python scripts/build_neighbour_features.py            # rewrites the packaged table
    python scripts/build_neighbour_features.py --check    # exit 1 if it would change

Writes ``src/dana/data/neighbour_features.csv``: one row per current (April 2023)
upper-tier local authority of England, one column per feature, under a header that cites
each source file and carries the OGL v3.0 attribution. The table is *derived* (sums,
shares and weighted means of published figures), not a copy of any file. The features
and how each is made:

* ``imd_score`` - IMD 2019 average score (MHCLG IoD2019 File 11, sheet IMD). Four current
  authorities were formed after 2019 by splitting a county (North and West
  Northamptonshire 2021; Cumberland, Westmorland and Furness 2023): theirs is the mean of
  their former districts' File 10 average scores weighted by their Census 2011 usual
  residents (the only real population of those districts in ../shared/data: later
  estimates are published on the new codes), an approximation of the LSOA-weighted score
  MHCLG would publish. Buckinghamshire, North
  Yorkshire and Somerset kept their county's area and take its File 11 score.
* ``pct_65_plus``, ``pct_18_24`` - residents aged 65+ and 18-24, % of all ages (ONS
  mid-2020 estimates, 2021 lower-tier authorities, summed to the current upper tier);
* ``log_population`` - natural log of the mid-2020 population (same file);
* ``pct_not_white_british`` - usual residents not "White: English, Welsh, Scottish,
  Northern Irish or British", % of all (Census 2021 TS021, sum of the 19 counts);
* ``rurality`` - RUC2021 class of each 2024 district scored 0 Urban, 1 Intermediate
  urban, 2 Intermediate rural, 3 Majority rural, averaged over the upper tier weighted by
  mid-2020 population (0 = wholly urban, 3 = wholly majority-rural);
* ``london_borough`` - 1 for the 33 London authorities (region E12000007 in
  ``dana/data/areas.csv``), else 0: London's labour and housing costs, density and
  drug market set it apart (CIPFA's model captures this through its area cost adjustment
  and density, for which no open file is in ../shared/data).

An upper-tier authority lacking any feature is an error naming it and the feature.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from dana.areas import load_areas
from dana.sources import read_imd_lad, read_imd_utla, read_mye_syoa
from dana.sources.census_ethnicity import read_census_ethnic_group, share_not_white_british

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
OUTPUT = ROOT / "src" / "dana" / "data" / "neighbour_features.csv"

FILES = {
    "imd_utla": "imd2019-utla/File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx",
    "imd_lad": "imd-lad-2019-2025/IoD2019.csv",
    "census_2011": "ons-census2011-ethnic-group-lad11/la-ethnic-groups.csv",
    "population_2020": "ons-mye2020-utla-syoa/population20_ltla21.csv",
    "census_2021": "ons-census2021-ethnic-group-ltla21/ethnicity21_ltla21.csv",
    "ruc_2021": "ons-ruc2021-lad24/ruc21_ltla24.csv",
}
CITATIONS = {
    "imd_utla": "MHCLG, English Indices of Deprivation 2019, File 11: upper-tier local"
    " authority summaries (26 September 2019)",
    "imd_lad": "MHCLG, English Indices of Deprivation 2019, File 10: local authority district"
    " summaries (26 September 2019)",
    "census_2011": "ONS, Census 2011: usual residents by local authority district (KS201EW,"
    " Nomis, 30 January 2013)",
    "population_2020": "ONS, mid-2020 population estimates by single year of age, 2021"
    " lower-tier local authorities (25 June 2021)",
    "census_2021": "ONS, Census 2021: Ethnic group, England and Wales (TS021), 29 November 2022",
    "ruc_2021": "ONS, Rural Urban Classification (2021) of Local Authority Districts (2024)"
    " in England and Wales",
}
#: RUC2021 district code (second letter: U urban, I intermediate, M majority rural).
RURALITY = {"UU": 0, "UI": 1, "RI": 2, "RM": 3}
FEATURES = (
    "imd_score",
    "pct_65_plus",
    "pct_18_24",
    "log_population",
    "pct_not_white_british",
    "rurality",
    "london_borough",
)
#: Current authorities formed by splitting a county after IoD2019 (scores from districts).
SPLIT_AFTER_2019 = ("E06000061", "E06000062", "E06000063", "E06000064")
DECIMALS = 4
LONDON = "E12000007"


def _utla_population(shared: Path, areas) -> pd.DataFrame:
    pop = read_mye_syoa(shared / FILES["population_2020"])
    pop = pop[pop["area_code"].str.startswith("E")]
    pop = pop.assign(utla=pop["area_code"].map(areas.current_utla_for))
    return pop


def derive(shared: Path = SHARED) -> pd.DataFrame:
    """The feature table (area_code, area_name, one column per feature), 153 rows."""
    areas = load_areas()
    utlas = sorted(a.code for a in areas.utlas())
    pop = _utla_population(shared, areas)
    by_utla = pop.groupby("utla")
    total = by_utla["population"].sum()
    older = pop[pop["age"] >= 65].groupby("utla")["population"].sum()
    young = pop[pop["age"].between(18, 24)].groupby("utla")["population"].sum()
    features = pd.DataFrame(
        {
            "pct_65_plus": 100 * older / total,
            "pct_18_24": 100 * young / total,
            "log_population": np.log(total),
        }
    )

    imd = read_imd_utla(shared / FILES["imd_utla"])
    imd = imd[imd["indicator_id"] == "imd2019:imd:average_score"]
    scores = {}
    for row in imd.itertuples():
        for code in areas.current_codes_for(row.area_code):
            if code not in SPLIT_AFTER_2019:
                scores[code] = row.value
    scores.update(_split_scores(shared, areas))
    features["imd_score"] = pd.Series(scores)

    census = read_census_ethnic_group(shared / FILES["census_2021"])
    features["pct_not_white_british"] = share_not_white_british(census)

    features["rurality"] = _rurality(shared, pop)
    london = [c for c in features.index if c in areas and areas.region_of(c).code == LONDON]
    features["london_borough"] = features.index.isin(london).astype(float)

    features = features.reindex(utlas)
    for feature in FEATURES:
        lacking = features.index[features[feature].isna()].tolist()
        if lacking:
            names = [f"{c} ({areas.get(c).name})" for c in lacking]
            raise ValueError(f"neighbour feature {feature!r} is missing for {', '.join(names)}")
    features = features[list(FEATURES)].round(DECIMALS)
    features.insert(0, "area_name", [areas.get(c).name for c in utlas])
    return features.rename_axis("area_code").reset_index()


def _split_scores(shared: Path, areas) -> dict[str, float]:
    """Census-2011-weighted mean of former districts' File 10 scores for post-2019 splits."""
    lad = read_imd_lad(shared / FILES["imd_lad"])
    lad = lad[lad["indicator_id"] == "imd2019:imd:average_score"].set_index("area_code")["value"]
    census = read_census_ethnic_group(shared / FILES["census_2011"])
    pop = census[census["category_type"] == ""].set_index("area_code")["count"]
    out = {}
    for code in SPLIT_AFTER_2019:
        districts = [d for d in lad.index if d.startswith("E07") and _successor(areas, d) == code]
        weights = pop.reindex(districts)
        if not districts or weights.isna().any():
            raise ValueError(f"no district scores or populations for {code}: {districts}")
        out[code] = float((lad[districts] * weights).sum() / weights.sum())
    return out


def _successor(areas, code: str) -> str | None:
    return areas.current_utla_for(code) if code in areas else None


def _rurality(shared: Path, pop: pd.DataFrame) -> pd.Series:
    ruc = pd.read_csv(shared / FILES["ruc_2021"], dtype=str)
    ruc = ruc[ruc["ltla24_code"].str.startswith("E")].set_index("ltla24_code")["ruc21_code"]
    unknown = sorted(set(ruc.str[:2]) - set(RURALITY))
    if unknown:
        raise ValueError(f"{FILES['ruc_2021']}: unknown RUC2021 code prefix(es) {unknown}")
    score = ruc.str[:2].map(RURALITY)
    # a 2021 district inside a 2023 unitary takes the unitary's class
    people = pop.groupby(["area_code", "utla"])["population"].sum().reset_index()
    people["lad24"] = np.where(
        people["area_code"].isin(score.index), people["area_code"], people["utla"]
    )
    missing = sorted(set(people["lad24"]) - set(score.index))
    if missing:
        raise ValueError(f"{FILES['ruc_2021']}: no RUC2021 class for district(s) {missing}")
    people["score"] = people["lad24"].map(score)
    weighted = (people["score"] * people["population"]).groupby(people["utla"]).sum()
    return weighted / people.groupby("utla")["population"].sum()


def render(features: pd.DataFrame) -> str:
    """The packaged file's text: cited header, then the CSV."""
    lines = [
        "# DANA statistical-neighbour features: one row per current (April 2023) upper-tier",
        "# local authority of England. DERIVED by scripts/build_neighbour_features.py from the",
        "# real published files below (sums, shares and weighted means; not a copy of any file).",
        "# Features (see dana.neighbours for the method and the weights):",
        "#   imd_score             IMD 2019 average score (split successors E06000061-64:",
        "#                         district mean weighted by Census 2011 residents)",
        "#   pct_65_plus           % of residents aged 65+ (mid-2020)",
        "#   pct_18_24             % of residents aged 18-24 (mid-2020)",
        "#   log_population        natural log of residents (mid-2020)",
        "#   pct_not_white_british % of usual residents not White British (Census 2021)",
        "#   rurality              RUC2021 district class 0 urban .. 3 majority rural,",
        "#                         population-weighted (mid-2020)",
        "#   london_borough        1 for the 33 London authorities, else 0 (dana/data/areas.csv)",
        "# Sources:",
    ]
    lines += [f"#   {CITATIONS[key]} [{FILES[key]}]" for key in FILES]
    lines += [
        "# Contains public sector information licensed under the Open Government Licence v3.0.",
    ]
    buffer = io.StringIO()
    features.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return "\n".join(lines) + "\n" + buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared/data folder")
    parser.add_argument("--check", action="store_true", help="only report whether it changes")
    args = parser.parse_args(argv)
    text = render(derive(args.shared))
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    if args.check:
        print("up to date" if text == current else f"{OUTPUT} would change")
        return 0 if text == current else 1
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
