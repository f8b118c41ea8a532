"""`dana diff` and `previous_edition:`: what changed between two editions, hand-checked."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from click.testing import CliRunner

from dana.assess import ConfigError, build_assessment, load_config
from dana.assess.diff import (
    CHANGE_KINDS,
    DiffError,
    diff_editions,
    headline_changes,
    since_last_section,
)
from dana.assess.edition import Edition, edition_of
from dana.assess.model import Area, BenchmarkResult, Figure, Finding, Recommendation
from dana.assess.since import add_previous_edition
from dana.cli import main
from dana.render.diff import diff_document, diff_html, diff_markdown, write_diff
from dana.render.json import render_json

#: Last year's edition is stamped a year before the session's builds.
EARLIER_BUILD_DATE = date(2024, 1, 1)
PETERBOROUGH = Area("E06000031", "Peterborough", "utla", "E12000006", "East of England")


def figure(indicator_id, value, lower=None, upper=None, *, england=None, region=None, **kw):
    benchmarks = []
    if england is not None:
        benchmarks.append(BenchmarkResult("E92000001", "England", 50.0, england, 0.95))
    if region is not None:
        benchmarks.append(BenchmarkResult("E12000006", "East of England", 50.0, region, 0.95))
    defaults = dict(
        name=f"Indicator {indicator_id}", section="drug_harms", period="2023/24",
        confidence=0.95, count=None, denominator=None, unit="per 100,000",
        value_type="dsr", polarity="low_is_good",
    )  # fmt: skip
    return Figure(
        indicator_id=indicator_id, value=value, lower=lower, upper=upper,
        benchmarks=tuple(benchmarks), **{**defaults, **kw},
    )  # fmt: skip


def edition(figures, *, period="2023/24", area=PETERBOROUGH, **kw) -> Edition:
    return Edition(
        title="t", area=area, period=period, generated="2025-01-01", figures=tuple(figures), **kw
    )


def test_comparison_flips_are_judged_by_their_direction():
    old = edition(
        [
            figure("a", 60.0, 55.0, 65.0, england="similar", region="better", period="2022/23"),
            figure("b", 40.0, 35.0, 45.0, england="worse"),
            figure("c", 40.0, 35.0, 45.0, england="similar"),
        ],
        period="2022/23",
    )
    new = edition(
        [
            figure("a", 62.0, 57.0, 67.0, england="worse", region="similar"),
            figure("b", 41.0, 36.0, 46.0, england="similar"),
            figure("c", 41.0, 36.0, 46.0, england="not_compared"),  # data, not judgement
        ]
    )
    flips = diff_editions(old, new).of_kind("comparison")
    assert [(c.indicator_id, c.benchmark, c.before, c.after, c.outcome) for c in flips] == [
        ("a", "England", "similar", "worse", "worse"),
        ("a", "East of England", "better", "similar", "worse"),
        ("b", "England", "worse", "similar", "better"),
    ]
    assert flips[0].sentence == (
        "Indicator a: compared with England, now worse (was similar; 2022/23 to 2023/24)."
    )


def test_trends_that_turned():
    old = edition(
        [
            figure("a", 1.0, trend="No significant change"),
            figure("b", 1.0, trend="Decreasing and getting better"),
            figure("c", 1.0, trend="Cannot be calculated"),
        ]
    )
    new = edition(
        [
            figure("a", 1.0, trend="Increasing and getting worse"),
            figure("b", 1.0, trend="No significant change"),
            figure("c", 1.0, trend="Increasing and getting worse"),  # not calculated before
        ]
    )
    turns = diff_editions(old, new).of_kind("trend")
    assert [(c.indicator_id, c.before, c.after, c.outcome) for c in turns] == [
        ("a", "No significant change", "Increasing and getting worse", "worse"),
        ("b", "Decreasing and getting better", "No significant change", "worse"),
    ]


def test_figures_move_beyond_their_interval_by_the_fingertips_rule():
    """The later interval against the earlier value: 120 (110 to 130) excludes 100, a
    rise of a low-is-good rate, so worse; 105 (95 to 115) includes 100, so not listed;
    a high-is-good proportion 30% (25% to 35%) against 40% fell: worse; a figure with no
    interval cannot be judged."""
    old = edition(
        [
            figure("up", 100.0, 90.0, 110.0, period="2022/23"),
            figure("same", 100.0, 90.0, 110.0),
            figure(
                "pct", 40.0, 35.0, 45.0, unit="%", value_type="proportion", polarity="high_is_good"
            ),  # fmt: skip
            figure("count", 10.0, value_type="count", unit=""),
        ]
    )
    new = edition(
        [
            figure("up", 120.0, 110.0, 130.0),
            figure("same", 105.0, 95.0, 115.0),
            figure(
                "pct", 30.0, 25.0, 35.0, unit="%", value_type="proportion", polarity="high_is_good"
            ),  # fmt: skip
            figure("count", 50.0, value_type="count", unit=""),
        ]
    )
    moved = diff_editions(old, new).of_kind("value")
    assert [(c.indicator_id, c.before_value, c.after_value, c.outcome) for c in moved] == [
        ("up", 100.0, 120.0, "worse"),
        ("pct", 40.0, 30.0, "worse"),
    ]
    assert moved[0].sentence == (
        "Indicator up rose from 100 per 100,000 (2022/23) to 120 per 100,000 (2023/24); the "
        "new 95% interval (110 to 130 per 100,000) excludes the earlier value."
    )
    assert "(25% to 35%)" in moved[1].sentence


def test_new_and_dropped_indicators_and_withheld_values():
    old = edition([figure("kept", 1.0), figure("gone", 2.0, period="2021/22")])
    new = edition([figure("kept", 1.0), figure("fresh", None, suppressed=True)])
    diff = diff_editions(old, new)
    assert [c.indicator_id for c in diff.of_kind("new")] == ["fresh"]
    assert diff.of_kind("new")[0].sentence == (
        "Indicator fresh is reported for the first time (2023/24: withheld (small numbers))."
    )
    assert diff.of_kind("dropped")[0].sentence == (
        "Indicator gone is no longer reported (last: 2021/22, 2.0 per 100,000)."
    )


def test_recommendations_whose_evidence_changed():
    rec = Recommendation(
        1, "Reduce admissions", "k", "i", "d", "short", "adult", ("HARM",),
        finding_ids=("f1",), indicator_ids=("a",),
    )  # fmt: skip
    untouched = replace(rec, number=2, title="Other", finding_ids=(), indicator_ids=("z",))
    old = edition(
        [figure("a", 60.0, 55.0, 65.0, england="similar"), figure("z", 1.0)],
        findings=(Finding("f1", "old words"),),
        recommendations=(rec, untouched),
    )
    new = edition(
        [figure("a", 62.0, 57.0, 67.0, england="worse"), figure("z", 1.0)],
        findings=(Finding("f1", "new words"),),
        recommendations=(rec, untouched),
    )
    changed = diff_editions(old, new).of_kind("recommendation")
    assert len(changed) == 1
    assert changed[0].recommendation == 1 and changed[0].outcome == "worse"
    assert changed[0].sentence == (
        "Recommendation 1 (Reduce admissions) rests on evidence that changed: Indicator a "
        "compared with England: similar to worse; 1 linked finding now reads differently."
    )


def test_changes_are_ordered_by_what_matters_most():
    old = edition(
        [
            figure("better", 50.0, 45.0, 55.0, england="worse"),
            figure("worse", 50.0, 45.0, 55.0, england="similar", trend="No significant change"),
            figure("gone", 1.0),
        ]
    )
    new = edition(
        [
            figure("better", 50.0, 45.0, 55.0, england="similar"),
            figure(
                "worse", 50.0, 45.0, 55.0, england="worse", trend="Increasing and getting worse"
            ),  # fmt: skip
            figure("fresh", 1.0),
        ]
    )
    diff = diff_editions(old, new)
    assert [(c.kind, c.indicator_id) for c in diff.changes] == [
        ("comparison", "worse"),
        ("comparison", "better"),
        ("trend", "worse"),
        ("new", "fresh"),
        ("dropped", "gone"),
    ]
    assert list(diff.counts()) == list(CHANGE_KINDS)
    assert diff.summary() == (
        "2 comparisons flipped, 1 trend turned, 1 new indicator and 1 indicator dropped."
    )
    # the report's findings: one per indicator, worse first
    assert [c.indicator_id for c in headline_changes(diff)] == ["worse", "better"]


def test_editions_of_different_areas_are_a_clear_error():
    coventry = Area("E08000026", "Coventry", "utla")
    with pytest.raises(DiffError, match=r"different areas: old.json is Peterborough "
                       r"\(E06000031\), new.json is Coventry \(E08000026\)"):  # fmt: skip
        diff_editions(
            replace(edition([]), source="old.json"),
            replace(edition([], area=coventry), source="new.json"),
        )


def test_synthetic_editions_are_said_to_be_so():
    diff = diff_editions(edition([], synthetic=True), edition([]))
    assert "earlier edition contains synthetic data" in diff.notes[0]


# --- the default build against the same build one year earlier (checked by hand) ---------


@pytest.fixture(scope="module")
def earlier_assessment():
    """The default config with ``period: 2022/23``: last year's edition. Its register is
    left out: the default register cites this year's significant figures, and the build
    refuses a recommendation whose evidence the data does not show."""
    config = load_config(period="2022/23", recommendations=None)
    return build_assessment(config, today=EARLIER_BUILD_DATE)


@pytest.fixture(scope="module")
def default_diff(earlier_assessment, default_assessment):
    return diff_editions(edition_of(earlier_assessment), edition_of(default_assessment))


def test_default_build_against_one_year_earlier(default_diff):
    """Read off the two HTML reports' key-figure tables (2022/23 and 2023/24 builds):

    - dependent drinkers not in treatment: 72% (65 to 78), better than England (81%);
      then 80% (75 to 85), similar: a flip to worse, and 75-85 excludes 72;
    - successful completion of alcohol treatment: 38% (33 to 43), similar to England
      (34%); then 51% (46 to 57), better; 46-57 excludes 38;
    - adults who died in treatment: trend "No significant change", then "Increasing and
      getting worse"; opiate users not in treatment: "Decreasing and getting better",
      then "No significant change"; children in need assessments with parental
      substance misuse: "No significant change", then "Decreasing and getting better".
    """
    flips = {(c.indicator_id, c.benchmark): (c.before, c.after) for c in default_diff.changes
             if c.kind == "comparison"}  # fmt: skip
    names = {c.indicator_id: c.name for c in default_diff.changes if c.kind != "recommendation"}
    by_name = {v: k for k, v in names.items()}
    drinkers = by_name["Proportion of dependent drinkers not in treatment (Current method)"]
    completion = by_name["Successful completion of alcohol treatment"]
    assert flips[(drinkers, "England")] == ("better", "similar")
    assert flips[(completion, "England")] == ("similar", "better")
    turns = {c.name: (c.before, c.after) for c in default_diff.of_kind("trend")}
    assert turns["Adults who died while in treatment"] == (
        "No significant change", "Increasing and getting worse",
    )  # fmt: skip
    assert turns["Proportion of opiate users not in treatment"] == (
        "Decreasing and getting better", "No significant change",
    )  # fmt: skip
    assert turns[
        "Children in need assessments with parental drug or alcohol misuse as a factor"
    ] == ("No significant change", "Decreasing and getting better")
    moved = {c.indicator_id: (c.before_value, c.after_value) for c in default_diff.of_kind("value")}
    assert round(moved[drinkers][0]) == 72 and round(moved[drinkers][1]) == 80
    assert round(moved[completion][0]) == 38 and round(moved[completion][1]) == 51


def test_the_diff_report_in_each_format(default_diff, tmp_path):
    markdown = diff_markdown(default_diff)
    assert markdown.startswith("# What changed: Peterborough, 2022/23 to 2023/24")
    assert "## Comparisons that flipped" in markdown and "## Trends that turned" in markdown
    html = diff_html(default_diff)
    assert '<h2 id="h-trend">Trends that turned' in html and "<script" not in html
    document = json.loads(write_diff(default_diff, tmp_path / "diff.json").read_text())
    assert document["format"] == "dana-diff"
    assert document["counts"] == default_diff.counts()
    assert len(document["changes"]) == len(default_diff.changes)
    assert diff_document(default_diff)["new"]["area"]["code"] == "E06000031"
    with pytest.raises(ValueError, match="cannot tell the diff format"):
        write_diff(default_diff, tmp_path / "diff.txt")


def test_html_diff_escapes_what_the_data_says():
    hostile = figure("x", 1.0, 0.5, 1.5, england="similar", name="<script>alert(1)</script>")
    diff = diff_editions(edition([hostile]), edition([replace(hostile, benchmarks=(
        BenchmarkResult("E92000001", "England", 50.0, "worse", 0.95),))]))  # fmt: skip
    html = diff_html(diff)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- dana diff on files, and previous_edition -----------------------------------------------


@pytest.fixture(scope="module")
def edition_files(earlier_assessment, default_assessment, tmp_path_factory):
    folder = tmp_path_factory.mktemp("editions")
    old = render_json(earlier_assessment, folder / "2022-23.json")
    new = render_json(default_assessment, folder / "2023-24.json")
    return old, new


def test_dana_diff_on_two_json_editions(edition_files, tmp_path):
    old, new = edition_files
    result = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert "## Comparisons that flipped" in result.output
    out = tmp_path / "changes.html"
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--out", str(out)])
    assert result.exit_code == 0 and out.is_file()
    assert "comparisons flipped" in result.output


def test_dana_diff_refuses_other_areas_and_other_files(edition_files, tmp_path):
    old, new = edition_files
    document = json.loads(new.read_text(encoding="utf-8"))
    document["assessment"]["area"].update(code="E08000026", name="Coventry")
    coventry = tmp_path / "coventry.json"
    coventry.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(old), str(coventry)])
    assert result.exit_code == 1
    assert "cannot compare editions for different areas" in result.output
    assert "Traceback" not in result.output
    notes = tmp_path / "notes.csv"
    notes.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(notes), str(new)])
    assert result.exit_code == 1
    assert f"{notes}: not a DANA assessment" in result.output


def test_previous_edition_adds_since_the_last_assessment(edition_files, default_assessment):
    old, _ = edition_files
    config = load_config(previous_edition=str(old))
    report = add_previous_edition(default_assessment, config)
    ids = [s.id for s in report.sections]
    assert ids[:2] == ["summary", "since_last"]
    since = report.sections[1]
    assert since.title == "Since the last assessment"
    assert since.summary.startswith("Compared with the previous edition (Peterborough, 2022/23")
    assert since.findings and all(f.kind == "since_last" for f in since.findings)
    judgements, values = since.tables
    assert list(judgements.data.columns) == ["Indicator", "Judgement", "Before", "Now"]
    assert values.data["Earlier value"].dtype.kind == "f"  # numbers, formatted by renderers


def test_previous_edition_errors_name_the_key(edition_files, default_assessment, tmp_path):
    with pytest.raises(ConfigError, match="previous_edition: file not found"):
        load_config(previous_edition=str(tmp_path / "nowhere.json"))
    _, new = edition_files
    document = json.loads(new.read_text(encoding="utf-8"))
    document["assessment"]["area"].update(code="E08000026", name="Coventry")
    other = tmp_path / "coventry.json"
    other.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ConfigError, match="previous_edition: cannot compare editions"):
        add_previous_edition(default_assessment, load_config(previous_edition=str(other)))


def test_since_section_of_no_change_says_so():
    section = since_last_section(diff_editions(edition([]), edition([])))
    assert "Nothing changed" in section.summary and not section.tables
