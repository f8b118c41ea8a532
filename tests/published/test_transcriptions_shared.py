"""The transcriptions checked against the seed texts and the real public data in ../shared.

Every quote, printed value, recommendation and theme summary in ``dana/data/published/``
must appear verbatim in the seed it cites (``../shared/seeds/``), and where the public data
beside the seeds hold the same statistic (ONS drug poisoning registrations, the 2011
Census) the transcribed figure must agree with it. Skipped when ../shared is absent.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
import yaml

PUBLISHED = resources.files("dana.data") / "published"
SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"

pytestmark = pytest.mark.shared

# The seed texts are extracted from PDFs: footnote lines and markers interrupt sentences,
# bullets and page breaks add "-" and "•", and a few words hyphenated across a line lost
# the hyphen. These are undone on both sides before comparing; nothing else is.
_FOOTNOTE_LINE = re.compile(r"^\s*(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\$\^\{\^\{).*$", re.M)
_LOST_HYPHENS = {"one-toone": "one-to-one", "prerehab": "pre-rehab"}


def _normalise(text: str) -> str:
    text = _FOOTNOTE_LINE.sub(" ", text)
    text = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹*]", "", text).replace("•", "-")
    for lost, printed in _LOST_HYPHENS.items():
        text = text.replace(lost, printed)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" - (?=[a-z])", " ", text).strip()  # a page break inside a sentence


@pytest.fixture(scope="module")
def seeds(shared_data) -> dict[str, str]:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS_DIR}")
    return {p.name[:3]: _normalise(p.read_text(encoding="utf-8")) for p in SEEDS_DIR.glob("*.txt")}


def _in(seed_text: str, passage: str) -> bool:
    passage = _normalise(passage)
    # a title may be a clause of a sentence, capitalised
    return passage in seed_text or (passage[:1].lower() + passage[1:]) in seed_text


def test_every_quote_and_printed_value_is_in_the_seed(seeds, folder, figures, seed_of_folder):
    text = seeds[seed_of_folder[folder]]
    frame = figures[folder]
    missing = [q[:80] for q in frame["quote"].unique() if not _in(text, q)]
    assert not missing
    printed = frame.loc[frame["value_as_printed"] != "", "value_as_printed"]
    assert [v for v in printed.unique() if not _in(text, v)] == []


@pytest.mark.parametrize(
    ("path", "seed_ids"),
    [
        ("cambridgeshire_peterborough/recommendations.yaml", ("000", "001")),
        ("coventry/recommendations.yaml", ("004",)),
        ("cambridgeshire_peterborough/engagement/themes.yaml", ("001",)),
    ],
)
def test_recommendations_and_themes_are_verbatim(seeds, path, seed_ids):
    data = yaml.safe_load((PUBLISHED / path).read_text(encoding="utf-8"))
    entries = data.get("recommendations") or data["themes"]
    missing = []
    for entry in entries:
        for field in ("title", "key_finding", "impact", "description", "evidence", "summary"):
            for paragraph in str(entry.get(field) or "").split("\n\n"):
                if paragraph and not any(_in(seeds[s], paragraph) for s in seed_ids):
                    missing.append(
                        (entry.get("number") or entry.get("theme"), field, paragraph[:60])
                    )
    assert missing == []


def test_coventry_titles_are_the_list_of_recommendations(seeds):
    entries = yaml.safe_load(
        (PUBLISHED / "coventry" / "recommendations.yaml").read_text(encoding="utf-8")
    )
    for entry in entries["recommendations"]:
        assert f"{entry['number']} {entry['title']}" in seeds["004"]  # LIST OF RECOMMENDATIONS
        assert f"RECOMMENDATION NUMBER: {entry['number']} TITLE: {entry['title']}" in seeds["004"]


def test_tonic_participant_quotes_are_verbatim(seeds):
    cited = pd.read_csv(
        PUBLISHED / "cambridgeshire_peterborough" / "engagement" / "participants.csv", dtype=str
    )
    assert all(_in(seeds["001"], q) for q in cited["quote"])


def test_medway_table_1_matches_ons_registrations(shared_data, figures):
    ons = pd.read_csv(
        shared_data / "ons-drug-poisoning-la-1993-2020" / "drug_poisoning_registrations_by_LA.csv",
        encoding="cp1252",
    )
    ons = ons.set_index("code")
    counts = figures["medway"]
    counts = counts[counts["indicator_id"] == "ons:drug_poisoning_deaths_count"]
    assert len(counts) == 23
    for row in counts.itertuples():
        assert ons.loc[row.area_code, row.period] == row.value_num, (row.area_code, row.period)


def test_coventry_national_change_and_the_noted_2020_count_match_ons(shared_data, figures):
    national = pd.read_csv(
        shared_data / "ons-drug-poisoning-national" / "published_ons_figures.csv"
    )
    national = national.set_index("year")["all_drug_poisoning"]  # England
    coventry = figures["coventry"]
    england = coventry[
        (coventry["indicator_id"] == "seed:drug_poisoning_deaths_change")
        & (coventry["area_code"] == "E92000001")
    ]
    assert (
        round((national[2021] - national[2020]) / national[2020] * 100)
        == england["value_num"].item()
        == 5
    )
    by_la = pd.read_csv(
        shared_data / "ons-drug-poisoning-la-1993-2020" / "drug_poisoning_registrations_by_LA.csv",
        encoding="cp1252",
    )
    coventry_2020 = by_la.set_index("code").loc["E08000026", "2020"]
    fall = coventry[
        (coventry["indicator_id"] == "seed:drug_poisoning_deaths_change")
        & (coventry["area_code"] == "E08000026")
    ]
    assert coventry_2020 == 33 and "registered 33 drug poisoning deaths" in fall["note"].item()


@pytest.fixture(scope="module")
def census(shared_data) -> pd.DataFrame:
    raw = pd.read_csv(shared_data / "ons-census2011-ethnic-group-lad11" / "la-ethnic-groups.csv")
    groups = {"White": 5, "Mixed": 10, "Asian": 15, "Black": 21, "Other": 25}  # broad-group columns
    frame = pd.DataFrame({g: raw.iloc[:, i] for g, i in groups.items()})
    frame["all"] = raw.iloc[:, 4]
    frame.index = raw["geography code"]
    england = frame[frame.index.str.startswith("E")].sum().rename("E92000001")
    shares = pd.concat([frame, england.to_frame().T])
    return shares[list(groups)].div(shares["all"], axis=0) * 100


def test_medway_and_coventry_census_shares_match_the_2011_census(census, figures):
    medway = figures["medway"]
    medway = medway[medway["indicator_id"] == "ons:census_2011_ethnic_group_share"]
    groups = {
        "White": "White", "Asian and Asian British": "Asian", "Mixed": "Mixed",
        "Black, African, Caribbean and Black British": "Black", "Other ethnic groups": "Other",
    }  # fmt: skip
    for row in medway.itertuples():
        decimals = len(row.value.split(".")[1]) if "." in row.value else 0
        assert round(census.loc["E06000035", groups[row.category]], decimals) == row.value_num
    coventry = figures["coventry"]
    minority = coventry[coventry["indicator_id"] == "ons:census_2011_minority_ethnic_share"]
    assert round(100 - census.loc["E08000026", "White"]) == minority["value_num"].item() == 26


def test_bedford_penetration_rates_follow_from_the_census_but_englands_do_not(census, figures):
    bedford = figures["bedford"]
    groups = {
        "White": "White",
        "Black/Black British": "Black",
        "Asian/Asian British": "Asian",
        "Mixed": "Mixed",
        "Other": "Other",
    }

    def consistent(area: str) -> dict[str, bool]:
        shares = bedford[
            (bedford["indicator_id"] == "ndtms:treatment_population_ethnicity_share")
            & (bedford["area_code"] == area)
        ]
        rates = bedford[
            (bedford["indicator_id"] == "seed:treatment_penetration_by_ethnicity")
            & (bedford["area_code"] == area)
        ]
        share = dict(zip(shares["category"], shares["value_num"], strict=True))
        result = {}
        for category, rate in zip(rates["category"], rates["value_num"], strict=True):
            resident = census.loc[area, groups[category]]
            # the treatment share is printed to 0.1%, the rate to 1%
            low, high = (
                (share[category] - 0.05) / resident * 100,
                (share[category] + 0.05) / resident * 100,
            )
            result[category] = low - 0.5 <= rate <= high + 0.5
        return result

    assert all(consistent("E06000055").values())
    england = consistent("E92000001")
    assert not england["Asian/Asian British"] and not england["Mixed"]
