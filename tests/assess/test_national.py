"""The national view: dana.assess.national.summarise_areas and `dana batch`."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _tables import Catalogue, fy, indicator, make_table
from click.testing import CliRunner

from dana import stats
from dana.areas import load_areas
from dana.assess import national
from dana.assess.national import NationalSummaryError, summarise_areas
from dana.catalogue import load_catalogue

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
    code, name, area_type, parent = area
    limits = stats.rate(np.asarray(counts, float), np.full(len(counts), POPULATION))
    limits_998 = stats.rate(
        np.asarray(counts, float), np.full(len(counts), POPULATION), confidence=0.998
    )
    return [
        {
            "indicator_id": ind.id,
            "indicator_name": ind.name,
            "area_code": code,
            "area_name": name,
            "area_type": area_type,
            "parent_code": parent,
            "period": label,
            "period_sort": year * 10000,
            "age": ind.age,
            "count": float(count),
            "denominator": POPULATION,
            "value": float(count) / POPULATION * 100_000,
            "lower_95": limits["lower_95"].iloc[i],
            "upper_95": limits["upper_95"].iloc[i],
            "lower_99_8": limits_998["lower_99_8"].iloc[i],
            "upper_99_8": limits_998["upper_99_8"].iloc[i],
            "polarity": ind.polarity,
            "value_type": ind.value_type,
            "multiplier": ind.multiplier,
            "unit": ind.unit,
            "source": "Hand-built test table",
            "retrieved": "2024-01-01",
        }
        for i, ((label, year), count) in enumerate(zip(PERIODS, counts, strict=True))
    ]


def _tiny(latest_counts, *, polarity="low_is_good"):
    """One crude-rate indicator: six UTLAs, their region and England over five years."""
    ind = indicator(polarity=polarity)
    records = []
    for (code, name), latest in zip(UTLAS, latest_counts, strict=True):
        records += _rate_rows(ind, (code, name, "utla", REGION[0]), [latest] * 4 + [latest])
    records += _rate_rows(ind, REGION, [28.0] * 5)
    records += _rate_rows(ind, ENGLAND, [25.0] * 5)
    return make_table(records), Catalogue([ind]), ind


def _mine(summary, code):
    return summary[summary["area_code"] == code].iloc[0]


def test_one_row_per_area_and_indicator_nothing_dropped():
    data, catalogue, ind = _tiny([30, 10, 20, 20, 50, 40])
    summary = summarise_areas(data, catalogue, suppression=None)
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
    summary = summarise_areas(data, catalogue, suppression=None)
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
    summary = summarise_areas(data, catalogue, suppression=None)
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
    summary = summarise_areas(data, catalogue, suppression="ndtms")
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


def test_funnel_status_against_england():
    # centre 25 per 100,000 (England); 99.8% Poisson limits at n = 100,000 (E = 25):
    # an area with 50 events is above them, one with 20 is inside.
    data, catalogue, _ = _tiny([30, 10, 20, 20, 50, 40])
    summary = summarise_areas(data, catalogue, suppression=None)
    assert _mine(summary, "E06000056")["funnel"] == "high"
    assert _mine(summary, "E06000032")["funnel"] == "none"


@pytest.fixture(scope="module")
def default_summary():
    from dana.data.default import load_default_table

    data = load_default_table()
    catalogue = load_catalogue()
    return data, catalogue, summarise_areas(data, catalogue)


def test_default_table_matches_single_area_compare(default_summary):
    """For a few (area, indicator) pairs, recompute the comparison from the table rows."""
    data, catalogue, summary = default_summary
    n_areas = len(load_areas().utlas())
    assert len(summary) == n_areas * len(catalogue)
    checked = 0
    for code in ("E06000031", "E08000025", "E09000001", "E10000003"):
        for ind in catalogue:
            if ind.comparison not in ("ci_95", "ci_99_8"):
                continue
            rows = data[
                (data["indicator_id"] == ind.id)
                & (data["sex"] == ind.sex)
                & (data["category_type"] == "")
                & (data["age"] == ind.age)
            ]
            utla = rows[rows["area_type"] == "utla"]
            if utla.empty:
                continue
            latest = utla["period_sort"].max()
            at = rows[rows["period_sort"] == latest].set_index("area_code")
            row = _mine(summary[summary["indicator_id"] == ind.id], code)
            if code not in at.index or row["suppressed"]:
                continue
            low, high = (
                ("lower_99_8", "upper_99_8")
                if ind.comparison == "ci_99_8"
                else ("lower_95", "upper_95")
            )
            region = load_areas().region_of(code).code
            for bench, column in (("E92000001", "vs_england"), (region, "vs_region")):
                expected = stats.compare(
                    at.loc[code, "value"],
                    at.loc[code, low],
                    at.loc[code, high],
                    at.loc[bench, "value"] if bench in at.index else np.nan,
                    polarity=ind.polarity,
                    confidence=0.998 if ind.comparison == "ci_99_8" else 0.95,
                )["comparison"].iloc[0]
                assert row[column] == expected, (code, ind.id, column)
                checked += 1
    assert checked > 100


def test_default_table_quintile_indicator_uses_quintiles(default_summary):
    _, catalogue, summary = default_summary
    ids = [i.id for i in catalogue if i.comparison == "quintiles"]
    part = summary[summary["indicator_id"].isin(ids) & summary["value"].notna()]
    assert not part.empty
    assert set(part["vs_england"]) <= {"best", "better", "middle", "worse", "worst"} | {
        "lowest",
        "low",
        "high",
        "highest",
    }


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
    monkeypatch.setattr("dana.catalogue.load_catalogue", lambda: catalogue)
    from dana.cli import main

    return main


def test_cli_writes_csv_and_workbook(tiny_cli, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "out"
    result = CliRunner().invoke(tiny_cli, ["batch", "--out", str(out), "--areas", "E06000031"])
    assert result.exit_code == 0, result.output
    csv = pd.read_csv(out / national.SUMMARY_CSV)
    assert list(csv["area_code"]) == ["E06000031"]
    assert csv["vs_england"].iloc[0] == "similar"
    book = load_workbook(out / national.SUMMARY_XLSX)
    assert book.sheetnames == ["Legend", "Drug treatment"]
    assert book["Drug treatment"].freeze_panes == "A2"
    legend = " ".join(str(c.value) for row in book["Legend"].iter_rows() for c in row)
    assert "Open Government Licence v3.0" in legend
    assert "SYNTHETIC" not in legend  # the tiny table is not synthetic
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [national.SUMMARY_CSV, national.SUMMARY_XLSX]
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

    monkeypatch.setattr(national, "_write_xlsx", broken)
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


def test_cli_suppression_values_accepted():
    from dana.cli_batch import _suppression

    assert [_suppression(v) for v in ("none", "NDTMS", "lape", "7")] == [None, "ndtms", "lape", 7]
