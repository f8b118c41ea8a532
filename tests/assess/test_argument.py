"""The assessment as an argument: consistency checks, evidence rules, the reader's text
and the analyst notes (issue 9). Known answers are worked by hand in each test."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from dana.assess.consistency import (
    BuildFacts,
    ConsistencyError,
    check_gaps,
    check_introduction,
    check_subsets,
    check_unmet_need,
    check_verdicts,
    enforce,
)
from dana.assess.gaps import COVERED_BY
from dana.assess.model import BenchmarkResult, DataGap, Figure, Finding, Section
from dana.assess.recommendations import RecommendationError, parse_recommendations
from dana.data.published_tables import load_published_table

ENGLAND = "E92000001"
FIGURES = (
    Path(__file__).resolve().parents[2]
    / "src/dana/data/published/cambridgeshire_peterborough/figures.csv"
)


def _figure(indicator_id, value, *, comparison="similar", england=10.0, **fields):
    base = dict(
        indicator_id=indicator_id,
        name=fields.pop("name", indicator_id),
        section=fields.pop("section", "drug_harms"),
        period=fields.pop("period", "2021 - 23"),
        value=value,
        lower=fields.pop("lower", None),
        upper=fields.pop("upper", None),
        confidence=0.95,
        count=fields.pop("count", None),
        denominator=fields.pop("denominator", None),
        unit=fields.pop("unit", "per 100,000"),
        value_type=fields.pop("value_type", "dsr"),
        polarity=fields.pop("polarity", "low_is_good"),
        benchmarks=(BenchmarkResult(ENGLAND, "England", england, comparison, 0.95),),
        source=fields.pop("source", "DANA synthetic generator - not real data"),
    )
    base.update(fields)
    return Figure(**base)


def _assessment(default_assessment, figures, findings=(), **fields):
    section = Section("drugs.harms", "Harms", figures=tuple(figures), findings=tuple(findings))
    return replace(default_assessment, sections=(section,), appendices=(), data_gaps=(), **fields)


def test_drug_misuse_deaths_above_all_drug_poisonings_stop_the_build(default_assessment):
    # Drug misuse deaths are a subset of drug poisonings: 15.1 > 8.7 is impossible.
    figures = [_figure("92432", 15.1), _figure("ons:drug_poisoning_deaths", 8.7)]
    (hard, soft) = check_subsets(_assessment(default_assessment, figures), BuildFacts())
    assert len(hard.problems) == 1 and "92432" in hard.problems[0]
    assert "ons:drug_poisoning_deaths" in hard.problems[0] and soft.passed
    with pytest.raises(ConsistencyError, match="92432"):
        enforce((hard, soft))


def test_published_figures_that_disagree_are_a_soft_warning(default_assessment):
    # The same contradiction between two printed figures is reported as printed.
    source = "Coventry City Council, Coventry Substance Misuse Needs Assessment (2022)"
    figures = [
        _figure("92432", 15.1, source=source),
        _figure("ons:drug_poisoning_deaths", 8.7, source=source),
    ]
    hard, soft = check_subsets(_assessment(default_assessment, figures), BuildFacts())
    assert hard.passed and len(soft.problems) == 1
    enforce((hard, soft))  # soft: no error


def test_unmet_need_must_follow_from_its_own_counts(default_assessment):
    # 4,018.33 not in treatment of 5,029.33 in need is 79.898% (DEFINITIONS.md 3.5,
    # Warwickshire 2018/19); a value of 70% for the same counts is a contradiction.
    kw = dict(unit="%", value_type="proportion", name="dependent drinkers not in treatment")
    good = _figure("93532", 79.898, count=4018.33, denominator=5029.33, period="2018/19", **kw)
    bad = replace(good, value=70.0)
    assert check_unmet_need(_assessment(default_assessment, [good]), BuildFacts())[0].passed
    (hard, _) = check_unmet_need(_assessment(default_assessment, [bad]), BuildFacts())
    assert "79.9%" in hard.problems[0] and "93532" in hard.problems[0]


def test_alcohol_only_count_cannot_exceed_the_treated_that_unmet_need_implies(
    default_assessment,
):
    # 80% unmet of 2,662 in need implies 532 in treatment; 600 alcohol-only clients
    # cannot fit (1 - 600 / 2,662 = 77.5%, not 80%); 324 can.
    kw = dict(unit="%", value_type="proportion", period="2023/24")
    unmet = _figure("93532", 80.0, count=2129.6, denominator=2662.0, **kw)
    treated = _figure(
        "ndtms:adults_in_treatment_alcohol", 22.0, count=600, denominator=168000,
        value_type="crude_rate", period="2023/24",
    )  # fmt: skip
    (hard, _) = check_unmet_need(_assessment(default_assessment, [unmet, treated]), BuildFacts())
    assert "77.5%" in hard.problems[0]
    fine = replace(treated, count=324)
    assert check_unmet_need(_assessment(default_assessment, [unmet, fine]), BuildFacts())[0].passed


def test_a_verdict_that_disagrees_with_the_figure_is_caught(default_assessment):
    figure = _figure("92432", 3.7, comparison="better", england=5.7, lower=2.3, upper=5.6)
    wrong = Finding("x", "Drug misuse deaths were similar to England (5.7).", ("92432",))
    right = Finding(
        "y", "Drug misuse deaths were significantly lower than England (5.7).", ("92432",)
    )
    facts = BuildFacts()
    assert not check_verdicts(_assessment(default_assessment, [figure], [wrong]), facts).passed
    assert check_verdicts(_assessment(default_assessment, [figure], [right]), facts).passed


def test_no_gap_for_a_measure_the_report_shows(default_assessment):
    figure = _figure("ndtms:adults_in_treatment_drug", 631.0, count=1061, denominator=168146)
    gap = DataGap("ndtms:number_in_treatment_drug", "Adults in drug treatment", "d", "no_data", "")
    assessment = replace(_assessment(default_assessment, [figure]), data_gaps=(gap,))
    result = check_gaps(assessment, BuildFacts(), COVERED_BY)
    assert "ndtms:number_in_treatment_drug" in result.problems[0]


def test_introduction_claims_engagement_only_with_an_engagement_section(default_assessment):
    assessment = _assessment(default_assessment, [], introduction="... and engagement work.")
    assert not check_introduction(assessment, BuildFacts()).passed


def test_every_build_passes_every_hard_check(default_assessment, cp_assessment):
    for assessment in (default_assessment, cp_assessment):
        checks = assessment.analyst_notes.checks
        assert checks and all(c.passed for c in checks if not c.soft), [
            p for c in checks for p in c.problems
        ]


def test_cp_unmet_need_is_kept_as_printed_and_fits_its_counts(cp_assessment):
    # The summary prints 76% unmet need of 2,284 in need for Peterborough: 2,284 x 0.24 =
    # 548 in treatment, of whom the 375 in alcohol-only treatment are a part (people
    # treated for alcohol with non-opiate drugs are counted too): consistent, as printed.
    figure = {f.indicator_id: f for f in cp_assessment.all_figures()}["93532"]
    assert figure.value == 76 and figure.denominator == 2284
    (unmet,) = [c for c in cp_assessment.analyst_notes.checks if c.name == "unmet_need"]
    assert unmet.passed


# --- recommendations tied to evidence -----------------------------------------------------


def _entry(**fields):
    entry = dict(
        number=1, title="T", key_finding="K", description="D", timescale="short",
        population="adult", outcome_areas=["HARM"],
    )  # fmt: skip
    entry.update(fields)
    return entry


def test_link_to_a_not_significant_figure_needs_a_reason():
    similar = _figure("92544", 50.0, comparison="similar", unit="%", value_type="proportion")
    figures = {"92544": similar}
    with pytest.raises(RecommendationError, match=r"number 1.*'92544'.*not significantly"):
        parse_recommendations(
            [_entry(indicators=["92544"])], indicator_ids=["92544"], figures=figures
        )
    parsed = parse_recommendations(
        [_entry(indicators=["92544"], evidence="evidence from engagement with prison leavers")],
        indicator_ids=["92544"],
        figures=figures,
    )
    assert parsed[0].evidence.startswith("evidence from engagement")


def test_link_to_a_suppressed_or_better_figure_is_an_error():
    withheld = replace(_figure("92544", None), suppressed=True)
    better = _figure("92904", 20.6, comparison="better", england=27.4)
    for figure, words in ((withheld, "is suppressed"), (better, "significantly better")):
        with pytest.raises(RecommendationError, match=words):
            parse_recommendations(
                [_entry(indicators=[figure.indicator_id])],
                indicator_ids=[figure.indicator_id],
                figures={figure.indicator_id: figure},
            )


def test_a_recommendation_with_no_evidence_at_all_is_an_error():
    with pytest.raises(RecommendationError, match="links to no figure"):
        parse_recommendations([_entry()], indicator_ids=[], figures={})


def test_timescale_not_stated_needs_its_reason():
    with pytest.raises(RecommendationError, match="timescale_note"):
        parse_recommendations([_entry(timescale="not stated", evidence="E")], figures={})


def test_examples_carry_their_seeds_registers(cp_assessment, coventry_assessment):
    assert [r.number for r in cp_assessment.recommendations] == list(range(1, 23))
    assert all(r.timescale in ("short", "medium", "long") for r in cp_assessment.recommendations)
    assert [r.number for r in coventry_assessment.recommendations] == list(range(1, 20))
    assert {r.timescale for r in coventry_assessment.recommendations} == {"not_stated"}


def test_unaddressed_adverse_findings_get_drafts_only_in_the_notes(
    default_assessment, default_analyst_notes
):
    notes = default_assessment.analyst_notes
    cited = {i for r in default_assessment.recommendations for i in r.indicator_ids}
    for item in notes.unaddressed:
        assert item.indicator_id not in cited and item.draft.startswith("DRAFT for the team")
    markdown = default_analyst_notes.read_text(encoding="utf-8")
    assert "## Consistency checks" in markdown and "how to fill it" in markdown
    assert "`data: sources:`" in markdown  # the tool instructions live here


# --- the reader's text ------------------------------------------------------------------


def _sentences(assessment):
    texts = [assessment.introduction]
    for section in assessment.all_sections():
        texts += [section.summary, *(f.text for f in section.findings)]
    names = {assessment.area.name, *(a.name for a in assessment.comparators)}
    out = []
    for text in texts:
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, "AREA")
        text = re.sub(r"\([^()]*\)", "(...)", text)  # names and numbers in brackets
        text = re.sub(r"\d[\d,.]*(st|nd|rd|th)?%?", "#", text)
        out += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    return out


def test_no_sentence_pattern_is_repeated_more_than_three_times(default_assessment):
    # Normalised: areas -> AREA, bracketed details -> (...), numbers -> #. The figure's own
    # name then varies, so the skeleton is the sentence with the words before the first
    # verb-like join removed ("X in AREA was #" -> "... was #").
    skeletons = Counter()
    for sentence in _sentences(default_assessment):
        skeleton = re.sub(r"^.*?\b(was|were|had|is)\b", r"\1", sentence)
        skeletons[skeleton] += 1
    repeated = {s: n for s, n in skeletons.items() if n > 3}
    assert not repeated


def test_changes_are_stated_only_when_there_is_one(default_assessment):
    for finding in default_assessment.all_findings():
        for first, second in re.findall(
            r"\(([\d.,]+%?) in [^,]+, ([\d.,]+%?) in [^)]+\)", finding.text
        ):
            assert first != second, finding.text


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf", "pptx"])
def test_report_carries_no_internal_ids_or_config_keys(default_assessment, default_outputs, fmt):
    from test_report_outputs import _text  # the four formats' text, read once per test

    text = _text(fmt, default_outputs[fmt])
    if fmt == "html":  # what the reader sees: the text, not the markup's anchors
        text = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", text, flags=re.S)
    assert "data: sources" not in text and "dana fetch" not in text and "local_files" not in text
    ids = {f.id for f in default_assessment.all_findings() if "." in f.id}
    assert not [i for i in ids if re.search(rf"(?<![\w.]){re.escape(i)}(?![\w.])", text)]


# --- the C&P example reproduces the seed's printed figures ------------------------------

_CP = load_published_table("cambridgeshire_peterborough")
_SHOWN = [
    (r.indicator_id, r.area_name, r.period, r.age)
    for r in _CP.itertuples()
    if r.area_code in ("E06000031", "E10000003", "E47000008", "E92000001")
]


def _printed(indicator_id, area, period, age):
    seed = pd.read_csv(
        str(FIGURES),
        comment="#", dtype=str, keep_default_na=False,
    )  # fmt: skip
    row = seed[
        (seed.indicator_id == indicator_id)
        & (seed.area_name == area)
        & (seed.period == period)
        & (seed.age == age)
    ]
    return row.iloc[0]


@pytest.mark.parametrize(("indicator_id", "area", "period", "age"), _SHOWN)
def test_cp_example_shows_each_seed_figure_at_its_printed_precision(
    cp_assessment, indicator_id, area, period, age
):
    row = _printed(indicator_id, area, period, age)
    cells = []
    for section in cp_assessment.all_sections():
        for table in section.tables:
            if table.id.endswith("side_by_side") and area in table.data:
                match = table.data[table.data["Period"] == period]
                cells += list(match[area])
    printed = row["value_as_printed"].replace("around ", "").replace(" days", " days")
    number = re.sub(r"[^\d.,-]", "", printed) or row["value"]
    assert any(number in str(c) for c in cells) or (row["value"] in ("0",) and "*" in cells), (
        indicator_id,
        area,
        printed,
        cells,
    )
