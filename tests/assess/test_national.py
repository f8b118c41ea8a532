"""The national view: dana.assess.summarise_areas, its writer and `dana batch`."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _tables import Catalogue, fy, indicator, make_table, rows
from click.testing import CliRunner
from openpyxl import load_workbook

from dana import stats
from dana.areas import load_areas
from dana.assess import NationalSummaryError, summarise_areas
from dana.catalogue import load_catalogue
from dana.cli import main
from dana.data.default import load_default_table
from dana.render import national as writer

REGION = ("E12000006", "East of England", "region", "E92000001")
ENGLAND = ("E92000001", "England", "england", "")
# six UTLAs of the East of England
UTLAS = (
    ("E06000031", "Peterborough"),
    ("E10000003", "Cambridgeshire"),
    ("E06000032", "Luton"),
    ("E06000055", "Bedford"),
    ("E06000056", "Central Bedfordshire"),
    ("E10000012", "Essex"),
)
PERIODS = [fy(year) for year in range(2017, 2022)]  # 2017/18 .. 2021/22
POPULATION = 100_000.0


def _rate_rows(ind, area, counts):
    """Rows of a crude rate per 100,000 with Byar limits from dana.stats.rate."""
    counts = np.asarray(counts, float)
    limits = stats.rate(counts, np.full(len(counts), POPULATION), confidence=(0.95, 0.998))
    return rows(
        ind,
        area,
        PERIODS,
        count=list(counts),
        denom=POPULATION,
        value=list(counts / POPULATION * 100_000),
        lower=list(limits["lower_95"]),
        upper=list(limits["upper_95"]),
        lower_99_8=list(limits["lower_99_8"]),
        upper_99_8=list(limits["upper_99_8"]),
    )


def _tiny(latest_counts, *, polarity="low_is_good"):
    """One crude-rate indicator: six UTLAs, their region and England over five years."""
    ind = indicator(polarity=polarity)
    records = []
    for (code, name), latest in zip(UTLAS, latest_counts, strict=True):
        records += _rate_rows(ind, (code, name, "utla", REGION[0]), [latest] * 4 + [latest])
    records += _rate_rows(ind, REGION, [28.0] * 5)
    records += _rate_rows(ind, ENGLAND, [25.0] * 5)
    return make_table(records), Catalogue([ind]), ind


def _rows(data, catalogue, **options):
    return summarise_areas(data, catalogue, **options).rows


def _mine(summary, code):
    return summary[summary["area_code"] == code].iloc[0]


def test_one_row_per_area_and_indicator_nothing_dropped():
    data, catalogue, ind = _tiny([30, 10, 20, 20, 50, 40])
    summary = _rows(data, catalogue, suppression=None)
    utlas = {a.code for a in load_areas().utlas()}
    assert len(summary) == len(utlas) * 1
    assert set(summary["area_code"]) == utlas
    absent = summary[~summary["area_code"].isin([c for c, _ in UTLAS])]
    assert absent["value"].isna().all()
    assert (absent["note"] == "no data for this area at 2021/22").all()
    assert (absent["vs_england"] == "not_compared").all()
    assert set(summary["period"]) == {"2021/22"}


def test_ranks_and_quintiles_by_hand():
    # values (per 100,000) 30, 10, 20, 20, 50, 40. rank = 1 + number of smaller values:
    # 30 -> 4 (10, 20, 20 below), 10 -> 1, 20 -> 2 (tie), 50 -> 6, 40 -> 5
    data, catalogue, _ = _tiny([30, 10, 20, 20, 50, 40])
    summary = _rows(data, catalogue, suppression=None)
    ranks = [int(_mine(summary, code)["rank"]) for code, _ in UTLAS]
    assert ranks == [4, 1, 2, 2, 6, 5]
    assert (summary["rank_of"] == 6).all()
    # quintile = floor(5 (r - 1) / 6) + 1: r=4 -> 3, r=1 -> 1, r=2 -> 1, r=6 -> 5, r=5 -> 4
    quintiles = [int(_mine(summary, code)["quintile"]) for code, _ in UTLAS]
    assert quintiles == [3, 1, 1, 1, 5, 4]


def test_comparison_with_england_and_region_by_hand():
    # England 25, region 28 per 100,000 (point values). Byar 95% limits of 50 per
    # 100,000: 37.1-65.9 (excludes 25 and 28: higher, low_is_good -> worse); of 10:
    # 4.8-18.4 (below both: better); of 30: 20.2-42.8 (includes both: similar).
    data, catalogue, _ = _tiny([30, 10, 20, 20, 50, 40])
    summary = _rows(data, catalogue, suppression=None)
    central_beds, cambs, peterborough = (
        _mine(summary, "E06000056"),
        _mine(summary, "E10000003"),
        _mine(summary, "E06000031"),
    )
    assert math.isclose(central_beds["lower"], 37.11, abs_tol=0.01)
    assert (central_beds["vs_england"], central_beds["vs_region"]) == ("worse", "worse")
    assert (cambs["vs_england"], cambs["vs_region"]) == ("better", "better")
    assert (peterborough["vs_england"], peterborough["vs_region"]) == ("similar", "similar")
    assert math.isclose(central_beds["england_value"], 25.0)
    assert math.isclose(central_beds["region_value"], 28.0)
    # a flat series: no significant change (the trend test is on five equal values)
    assert peterborough["trend"] == "No significant change"


def test_disclosure_control_primary_and_secondary_within_region():
    # ndtms: counts 0-4 hidden; the region's other areas are parts of one total, so the
    # smallest other published count (10, Cambridgeshire) is hidden too.
    data, catalogue, _ = _tiny([3, 10, 20, 20, 50, 40])
    published = summarise_areas(data, catalogue, suppression="ndtms")
    summary = published.rows
    hidden = summary[summary["suppressed"]]
    assert sorted(hidden["area_code"]) == ["E06000031", "E10000003"]
    assert hidden["count"].isna().all() and hidden["value"].isna().all()
    assert hidden["lower"].isna().all()
    assert (hidden["vs_england"] == "not_compared").all()
    assert (hidden["funnel"] == "not_applicable").all()
    luton = _mine(summary, "E06000032")
    assert luton["count"] == 20 and not luton["suppressed"]
    # hidden values are not ranked: four areas remain
    assert (summary["rank_of"] == 4).all()
    # the statement travels with the rows it describes, and says secondary suppression
    # was applied (it was: Cambridgeshire's 10 is hidden only to protect Peterborough's 3)
    assert published.disclosure == (
        "Counts of 0 to 4 are suppressed and shown as * (NDTMS public reporting rule). "
        "Secondary suppression hides a further count wherever a hidden one could be worked "
        "out from a total."
    )


def test_funnel_status_against_england():
    # centre 25 per 100,000 (England); 99.8% Poisson limits at n = 100,000 (E = 25):
    # an area with 50 events is above them, one with 20 is inside.
    data, catalogue, _ = _tiny([30, 10, 20, 20, 50, 40])
    summary = _rows(data, catalogue, suppression=None)
    assert _mine(summary, "E06000056")["funnel"] == "high"
    assert _mine(summary, "E06000032")["funnel"] == "none"


def test_comparisons_by_hand_at_each_indicator_level():
    # Peterborough 50 (95% CI 40.0 to 60.0; 99.8% CI 35.0 to 68.0); England 38, region 70.
    # Fingertips rule: a significant difference only when the interval excludes the
    # benchmark's value; an interval that includes (or touches) it is "similar".
    #   95%,   low is good:  40.0 > 38 -> above England -> worse;  60.0 < 70 -> better
    #   99.8%, low is good:  35.0 < 38 < 68.0 -> similar;          68.0 < 70 -> better
    #   95%,   no polarity:  above England -> higher;              below region -> lower
    #   no upper limit: nothing can be tested -> not_compared with both
    at_95 = indicator("local:at_95", polarity="low_is_good", comparison="ci_95")
    at_998 = indicator("local:at_998", polarity="low_is_good", comparison="ci_99_8")
    unjudged = indicator("local:unjudged", polarity="no_judgement", comparison="ci_95")
    no_upper = indicator("local:no_upper", polarity="low_is_good", comparison="ci_95")
    peterborough = ("E06000031", "Peterborough", "utla", REGION[0])
    records = []
    for ind in (at_95, at_998, unjudged, no_upper):
        upper_95 = None if ind is no_upper else 60.0
        records += rows(
            ind,
            peterborough,
            [fy(2021)],
            value=50.0,
            lower=40.0,
            upper=upper_95,
            lower_99_8=35.0,
            upper_99_8=68.0,
        )
        records += rows(ind, ENGLAND, [fy(2021)], value=38.0)
        records += rows(ind, REGION, [fy(2021)], value=70.0)
    summary = _rows(
        make_table(records),
        Catalogue([at_95, at_998, unjudged, no_upper]),
        suppression=None,
        areas=["E06000031"],
    ).set_index("indicator_id")
    judged = {i: tuple(summary.loc[i, ["vs_england", "vs_region"]]) for i in summary.index}
    assert judged == {
        "local:at_95": ("worse", "better"),
        "local:at_998": ("similar", "better"),
        "local:unjudged": ("higher", "lower"),
        "local:no_upper": ("not_compared", "not_compared"),
    }
    # the limits reported are those of the level compared at
    assert tuple(summary.loc["local:at_998", ["lower", "upper", "confidence"]]) == (
        35.0,
        68.0,
        0.998,
    )
    assert (
        summary.loc["local:at_95", "england_value"],
        summary.loc["local:at_95", "region_value"],
    ) == (38.0, 70.0)


@pytest.fixture(scope="module")
def default_summary():
    data = load_default_table()
    catalogue = load_catalogue()
    return data, catalogue, summarise_areas(data, catalogue)


def _expected_by_the_rule(value, lower, upper, benchmark, polarity) -> str:
    """The Fingertips rule written out in plain comparisons (no library call)."""
    if any(pd.isna(x) for x in (value, lower, upper, benchmark)):
        return "not_compared"
    if lower <= benchmark <= upper:
        return "similar"
    above = lower > benchmark
    if polarity == "low_is_good":
        return "worse" if above else "better"
    if polarity == "high_is_good":
        return "better" if above else "worse"
    return "higher" if above else "lower"


def test_default_summary_follows_the_rule_on_every_tested_row(default_summary):
    _, catalogue, published = default_summary
    summary = published.rows
    assert len(summary) == len(load_areas().utlas()) * len(catalogue)
    tested = summary[summary["comparison_method"].isin(["ci_95", "ci_99_8"])]
    assert len(tested) > 1000
    for benchmark, column in (("england_value", "vs_england"), ("region_value", "vs_region")):
        expected = [
            _expected_by_the_rule(v, lo, hi, b, p)
            for v, lo, hi, b, p in zip(
                tested["value"],
                tested["lower"],
                tested["upper"],
                tested[benchmark],
                tested["polarity"],
                strict=True,
            )
        ]
        assert list(tested[column]) == expected, column
    # every judgement is somewhere in the data: the check above is not vacuous
    assert {"better", "similar", "worse"} <= set(tested["vs_england"])


def test_default_summary_reports_each_indicators_latest_row(default_summary):
    """The value and limits are the table's own, at the indicator's latest UTLA period
    and at the catalogue's level (99.8% limits for indicators compared at 99.8%)."""
    data, catalogue, published = default_summary
    summary = published.rows
    checked = 0
    for ind in catalogue:
        rows = data[
            (data["indicator_id"] == ind.id)
            & (data["sex"] == ind.sex)
            & (data["category_type"] == "")
            & (data["age"] == ind.age)
            & (data["area_type"] == "utla")
        ]
        if rows.empty or ind.comparison not in ("ci_95", "ci_99_8"):
            continue
        latest = rows[rows["period_sort"] == rows["period_sort"].max()].set_index("area_code")
        low, high = (
            ("lower_99_8", "upper_99_8")
            if ind.comparison == "ci_99_8"
            else ("lower_95", "upper_95")
        )
        for code in ("E06000031", "E08000025", "E10000003"):
            row = _mine(summary[summary["indicator_id"] == ind.id], code)
            if code not in latest.index or row["suppressed"]:
                continue
            assert row["period"] == latest.loc[code, "period"]
            assert row["value"] == latest.loc[code, "value"]
            assert (row["lower"], row["upper"]) == (latest.loc[code, low], latest.loc[code, high])
            checked += 1
    assert checked > 50


def test_default_table_quintile_indicator_uses_quintiles(default_summary):
    _, catalogue, published = default_summary
    summary = published.rows
    ids = [i.id for i in catalogue if i.comparison == "quintiles"]
    part = summary[summary["indicator_id"].isin(ids) & summary["value"].notna()]
    assert not part.empty
    assert set(part["vs_england"]) <= {"best", "better", "middle", "worse", "worst"} | {
        "lowest",
        "low",
        "high",
        "highest",
    }
    assert published.synthetic and "synthetic" in published.synthetic_warning


def test_bad_arguments_are_named():
    data, catalogue, _ = _tiny([30, 10, 20, 20, 50, 40])
    with pytest.raises(NationalSummaryError, match="E99999999"):
        summarise_areas(data, catalogue, areas=["E99999999"])
    with pytest.raises(NationalSummaryError, match="is a region"):
        summarise_areas(data, catalogue, areas=["E12000006"])
    with pytest.raises(NationalSummaryError, match="nope"):
        summarise_areas(data, catalogue, indicators=["nope"])
    with pytest.raises(NationalSummaryError, match="area_type"):
        summarise_areas(data, catalogue, area_type="ward")


# --- CLI ------------------------------------------------------------------------------------


@pytest.fixture
def tiny_cli(monkeypatch):
    data, catalogue, _ = _tiny([30, 10, 20, 20, 50, 40])
    from dana import cli_batch

    monkeypatch.setattr(cli_batch, "_load_table", lambda _path: data)
    # the command imports inside itself (a fast `dana --help`): patch where it imports from
    monkeypatch.setattr("dana.catalogue.load_catalogue", lambda: catalogue)
    return main


def test_cli_writes_csv_and_workbook(tiny_cli, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(tiny_cli, ["batch", "--out", str(out), "--areas", "E06000031"])
    assert result.exit_code == 0, result.output
    csv = pd.read_csv(out / writer.SUMMARY_CSV)
    assert list(csv["area_code"]) == ["E06000031"]
    assert csv["vs_england"].iloc[0] == "similar"
    book = load_workbook(out / writer.SUMMARY_XLSX)
    assert book.sheetnames == ["Legend", "Drug treatment"]
    assert book["Drug treatment"].freeze_panes == "A2"
    legend = " ".join(str(c.value) for row in book["Legend"].iter_rows() for c in row)
    assert "Open Government Licence v3.0" in legend
    assert "SYNTHETIC" not in legend  # the tiny table is not synthetic
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [writer.SUMMARY_CSV, writer.SUMMARY_XLSX]
    )


def test_cli_bad_area_fails_before_work(tiny_cli, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(tiny_cli, ["batch", "--out", str(out), "--areas", "E0600003X"])
    assert result.exit_code != 0
    assert "unknown area 'E0600003X'" in result.output
    assert not out.exists()


def test_cli_leaves_nothing_half_written(tiny_cli, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(writer, "write_xlsx", broken)
    result = CliRunner().invoke(tiny_cli, ["batch", "--out", str(out)])
    assert result.exit_code != 0
    assert "disk full" in result.output and "Nothing was written" in result.output
    assert list(out.iterdir()) == []  # no CSV, no workbook, no staging folder


@pytest.mark.parametrize("value", ["bogus", "-5", "2.5"])
def test_cli_bad_suppression_is_one_line_usage_error(tiny_cli, tmp_path, value):
    out = tmp_path / "out"
    result = CliRunner().invoke(tiny_cli, ["batch", "--out", str(out), "--suppression", value])
    assert result.exit_code == 2
    assert f"Invalid value for '--suppression': '{value}' is not ndtms" in result.output
    assert "validation error" not in result.output  # not pydantic's multi-line report
    assert not out.exists()


def test_cli_source_error_from_data_is_a_message_not_a_traceback(tiny_cli, tmp_path, monkeypatch):
    from dana import cli_batch
    from dana.sources.errors import SourceAPIError

    def unreadable(_path):
        raise SourceAPIError("cached data for indicator(s) ['92432'] has no metadata")

    monkeypatch.setattr(cli_batch, "_load_table", unreadable)
    result = CliRunner().invoke(tiny_cli, ["batch", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "has no metadata" in result.output and "Nothing was written" in result.output


@pytest.mark.parametrize(
    ("value", "statement"),
    [
        ("none", "No disclosure control was applied to counts."),
        (
            "HES2018",
            "Counts of 1 to 7 are suppressed and shown as * (NHS Digital HES and ECDS rule, "
            "September 2018); other counts are rounded to the nearest 5, and rates and "
            "intervals are calculated on the unrounded counts. Rounding, not secondary "
            "suppression, protects the other counts.",
        ),
        (
            "3",
            "Counts of 1 to 3 are suppressed and shown as *. Secondary "
            "suppression hides a further count wherever a hidden one could be worked out "
            "from a total.",
        ),
    ],
)
def test_cli_legend_states_the_rule_it_applied(tiny_cli, tmp_path, value, statement):
    out = tmp_path / "out"
    result = CliRunner().invoke(tiny_cli, ["batch", "--out", str(out), "--suppression", value])
    assert result.exit_code == 0, result.output
    legend = {
        row[0].value: row[1].value
        for row in load_workbook(out / writer.SUMMARY_XLSX)["Legend"].iter_rows()
    }
    assert legend["Disclosure control"] == statement


def test_cli_out_that_is_a_file_fails_before_any_work(tiny_cli, tmp_path, monkeypatch):

    def never(*_args, **_kwargs):
        raise AssertionError("the summary must not be computed")

    monkeypatch.setattr("dana.assess.summarise_areas", never)
    blocker = tmp_path / "national"
    blocker.write_text("a file in the way", encoding="utf-8")
    out = blocker / "2025"
    result = CliRunner().invoke(tiny_cli, ["batch", "--out", str(out)])
    assert result.exit_code == 1
    assert f"Error: --out: {blocker} is a file, not a folder; cannot write into {out}" in (
        result.output
    )
    assert blocker.read_text(encoding="utf-8") == "a file in the way"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["national"]


def test_a_refused_indicator_loses_only_its_own_trends(default_summary, monkeypatch):
    """The trends of every indicator of a value type are asked for in one call; when the
    statistics refuse one indicator's data, only that indicator goes without (its rows
    say why), and the others of its type keep exactly the trends they had."""
    data, catalogue, published = default_summary
    rates = [i.id for i in catalogue if i.value_type == "crude_rate"]
    refused, kept = rates[0], rates[1:]
    real_trend = stats.trend

    def trend(*args, data, **options):
        if (data["indicator_id"] == refused).any():
            raise stats.StatsInputError("a made-up refusal")
        return real_trend(*args, data=data, **options)

    monkeypatch.setattr(stats, "trend", trend)
    summary = summarise_areas(data, catalogue).rows
    mine = summary[summary["indicator_id"] == refused]
    shown = mine[
        ~mine["suppressed"] & (mine["trend_note"] != "no data for this area at the reported period")
    ]
    assert len(shown) > 100
    assert set(shown["trend"]) == {"Cannot be calculated"}
    assert set(shown["trend_note"]) == {"the data cannot be used for a trend: a made-up refusal"}
    columns = ["indicator_id", "area_code", "trend", "trend_note"]
    others = summary[summary["indicator_id"].isin(kept)].loc[:, columns].reset_index(drop=True)
    before = published.rows
    expected = before[before["indicator_id"].isin(kept)].loc[:, columns].reset_index(drop=True)
    assert len(kept) >= 2 and (expected["trend"] != "Cannot be calculated").any()
    pd.testing.assert_frame_equal(others, expected)
