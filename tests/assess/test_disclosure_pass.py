"""The one disclosure pass over the model: figures across related counts, tables, charts,
funnels. Every expected result is worked out by hand from the NDTMS rule (hide 0-4;
secondary suppression hides the smallest published part of any group left with
exactly one hidden member)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dana import table as indicator_table
from dana.assess import build_assessment, load_config
from dana.assess.charts import funnel_grid
from dana.assess.config import SuppressionConfig
from dana.assess.count_relations import HEADLINE_RELATIONS
from dana.assess.disclose_model import (
    DisclosureError,
    disclose_assessment,
    disclose_table,
    disclose_tables,
)
from dana.assess.model import Area, Assessment, Chart, Figure, Finding, Section, Table
from dana.formatting import SUPPRESSED

NDTMS = SuppressionConfig(preset="ndtms")
ARGS = NDTMS.suppress_arguments()


def _figure(indicator_id, count, value=None, *, value_type="count", denominator=None):
    return Figure(
        indicator_id=indicator_id,
        name=indicator_id,
        section="drug_treatment",
        period="2023/24",
        value=float(count if value is None else value),
        lower=None,
        upper=None,
        confidence=0.95,
        count=None if count is None else float(count),
        denominator=denominator,
        unit="count",
        value_type=value_type,
        polarity="no_judgement",
        display_value=str(count),
    )


def _model(*figures, findings=(), charts=(), tables=()):
    section = Section(
        "drugs", "Drugs", figures=figures, findings=findings, charts=charts, tables=tables
    )
    return Assessment(
        title="t",
        area=Area("E06000031", "Peterborough", "utla"),
        comparators=(),
        period="2023/24",
        generated="2025-01-01",
        sections=(section,),
    )


def _shown(model):
    return {f.indicator_id: f for f in model.all_figures()}


def test_a_part_of_a_total_shown_beside_it_is_protected_across_figures():
    # 120 = 117 + 3: 3 is hidden (0-4); the relation {120, 117, 3} then has one hidden
    # member, so the smallest published part, 117, is hidden too; 120 stays (120 - ?).
    model = _model(
        _figure("ndtms:number_in_treatment", 120),
        _figure("ndtms:number_in_treatment_drug", 117),
        _figure("ndtms:number_in_treatment_alcohol", 3),
        findings=(
            Finding(
                "drugs.x", "117 adults were in drug treatment.", ("ndtms:number_in_treatment_drug",)
            ),
        ),
    )
    shown = _shown(disclose_assessment(model, NDTMS, relations=HEADLINE_RELATIONS[:1]))
    assert shown["ndtms:number_in_treatment"].value == 120
    assert shown["ndtms:number_in_treatment_drug"].value is None
    assert shown["ndtms:number_in_treatment_alcohol"].value is None
    assert shown["ndtms:number_in_treatment_drug"].display_value == "*"
    text = (
        disclose_assessment(model, NDTMS, relations=HEADLINE_RELATIONS[:1]).all_findings()[0].text
    )
    assert "117" not in text and "suppressed" in text


def test_secondary_suppression_is_on_by_default_but_the_rule_can_switch_it_off():
    model = _model(
        _figure("ndtms:number_in_treatment", 120),
        _figure("ndtms:number_in_treatment_drug", 117),
        _figure("ndtms:number_in_treatment_alcohol", 3),
    )
    hes = SuppressionConfig(preset="hes2018")  # 1-7 hidden, no secondary, rounding instead
    shown = _shown(disclose_assessment(model, hes, relations=HEADLINE_RELATIONS[:1]))
    assert shown["ndtms:number_in_treatment_alcohol"].value is None
    assert shown["ndtms:number_in_treatment_drug"].value == 117


def test_a_count_supplied_only_as_a_value_is_suppressed():
    figure = _figure("ndtms:new_presentations_alcohol", None, value=2)
    (shown,) = disclose_assessment(_model(figure), NDTMS).all_figures()
    assert shown.suppressed and shown.value is None and shown.display_value == "*"


def test_a_proportion_of_a_handful_is_withheld_with_its_denominator():
    # 0 of 3 completed: the 0 is hidden by NDTMS (0-4), and 3 people is itself a count
    # of 1-4, so the denominator goes too.
    figure = _figure("92447", 0, value=0.0, value_type="proportion", denominator=3.0)
    (shown,) = disclose_assessment(_model(figure), NDTMS).all_figures()
    assert shown.suppressed and shown.denominator is None and shown.rank is None


def test_the_pass_changes_nothing_the_second_time():
    model = _model(
        _figure("ndtms:number_in_treatment", 120),
        _figure("ndtms:number_in_treatment_drug", 117),
        _figure("ndtms:number_in_treatment_alcohol", 3),
    )
    once = disclose_assessment(model, NDTMS)
    assert disclose_assessment(once, NDTMS).all_figures() == once.all_figures()


def _breakdown():
    # White 200, Asian 30, Mixed 1, Other 6; total 237. Mixed (1) is hidden; the column
    # with its total is then a group with one hidden member: the smallest published
    # part, Other (6), is hidden too. Shares go with their counts.
    data = pd.DataFrame(
        {
            "Category": ["White", "Asian", "Mixed", "Other", "Total"],
            "Count": [200.0, 30.0, 1.0, 6.0, 237.0],
            "Share (%)": [84.4, 12.7, 0.4, 2.5, 100.0],
        }
    )
    return Table("breakdown.x.eth", "By ethnic group", data, counts=("Count",),
                 derived=(("Share (%)", "Count"),), total_row="Total")  # fmt: skip


def test_a_table_is_controlled_from_its_own_description():
    out = disclose_table(_breakdown(), ARGS).data
    assert list(out["Count"]) == [200, 30, "*", "*", 237]
    assert list(out["Share (%)"]) == [84.4, 12.7, "*", "*", 100.0]


def test_tables_controlled_together_keep_their_groups_apart():
    # One suppress call for every table's count columns must give what one call per
    # table gives. The breakdown: as above. The cells table has no total row, so each
    # cell is published on its own: 3 (0-4) is hidden and nothing else, although in one
    # group with the breakdown's rows it would have exposed a second cell.
    cells = Table("cells", "Cells", pd.DataFrame({"Area": ["A", "B", "C"], "People": [3, 12, 7]}),
                  counts=("People",))  # fmt: skip
    rates = Table("rates", "Rates", pd.DataFrame({"Area": ["A"], "Rate": [12.25]}))
    breakdown, shown_cells, shown_rates = disclose_tables([_breakdown(), cells, rates], ARGS)
    assert list(breakdown.data["Count"]) == [200, 30, "*", "*", 237]
    assert list(breakdown.data["Share (%)"]) == [84.4, 12.7, "*", "*", 100.0]
    assert list(shown_cells.data["People"]) == ["*", 12, 7]
    assert shown_rates is rates
    assert disclose_tables([], ARGS) == []


def test_a_table_with_counts_it_does_not_declare_is_refused():
    table = Table("profile.x", "Profile", pd.DataFrame({"Group": ["A", "B"], "People": [3, 40]}))
    with pytest.raises(DisclosureError, match=r"'profile.x'.*\['People'\].*declares no counts"):
        disclose_table(table, ARGS)
    rates = Table("rates", "Rates", pd.DataFrame({"Area": ["A"], "Rate": [12.25]}))
    assert disclose_table(rates, ARGS) is rates  # no count-like numbers: nothing to do


def test_a_breakdown_chart_is_controlled_by_its_panels():
    data = pd.DataFrame(
        {
            "category": ["Male", "Female", "Male", "Female"],
            "share": [60.0, 40.0, 97.0, 3.0],
            "lower": 1.0,
            "upper": 2.0,
            "count": [60.0, 40.0, 97.0, 3.0],
            "group": ["opiate", "opiate", "alcohol", "alcohol"],
        }
    )
    chart = Chart(
        "profile.sex", "breakdown", "By sex", "alt with 97", data, extra={"group": "group"}
    )
    (drawn,) = disclose_assessment(_model(charts=(chart,)), NDTMS).sections[0].charts
    # alcohol panel: 3 hidden, then 97 (the panel's only other part) hidden too
    assert list(drawn.data["suppressed"]) == [False, False, True, True]
    assert drawn.data["share"].isna().tolist() == [False, False, True, True]
    assert "97" not in drawn.alt_text


# --- the funnel ----------------------------------------------------------------------

EAST = [
    ("E06000031", "Peterborough", 300, 900),
    ("E06000032", "Luton", 3, 900),  # the small count the old funnel gave away
    ("E06000033", "Southend-on-Sea", 280, 1000),
    ("E06000034", "Thurrock", 260, 950),
    ("E06000055", "Bedford", 310, 1020),
    ("E06000056", "Central Bedfordshire", 290, 980),
    ("E10000003", "Cambridgeshire", 700, 2300),
    ("E10000012", "Essex", 1500, 5000),
    ("E10000015", "Hertfordshire", 1200, 4100),
    ("E10000020", "Norfolk", 900, 3100),
    ("E10000029", "Suffolk", 800, 2700),
    ("E06000036", "Bracknell Forest", 250, 800),
]


@pytest.fixture(scope="module")
def funnel_build():
    """A proportion for 12 authorities and England (33.0%), Luton 3 of 900."""
    rows = [
        {"area_code": code, "area_name": name, "area_type": "utla", "count": c, "denominator": n}
        for code, name, c, n in EAST
    ]
    rows.append({"area_code": "E92000001", "area_name": "England", "area_type": "england",
                 "count": 33000, "denominator": 100000})  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["value"] = frame["count"] / frame["denominator"] * 100
    half = 1.96 * np.sqrt(frame["value"] * (100 - frame["value"]) / frame["denominator"])
    frame = frame.assign(
        indicator_id="92447",
        indicator_name="Successful completion of alcohol treatment",
        parent_code=np.where(frame["area_type"] == "england", "", "E92000001"),
        period="2023/24",
        period_sort=20230000,
        sex="Persons",
        age="18+ yrs",
        lower_95=frame["value"] - half,
        upper_95=frame["value"] + half,
        value_type="proportion",
        multiplier=100.0,
        unit="%",
        polarity="high_is_good",
        source="test",
    )
    config = load_config(
        None,
        comparators={"england": True, "region": False, "neighbours": None},
        sections=["alcohol"],
        engagement=None,
        recommendations=None,
    )
    model = build_assessment(config, table=indicator_table.coerce(frame), today=date(2025, 1, 1))
    # funnel plots are in their appendix
    (funnel,) = [
        c
        for s, _, _ in model.walk_sections(appendices=True)
        for c in s.charts
        if c.kind == "funnel"
    ]
    return funnel


def test_the_old_funnel_attack_no_longer_recovers_a_suppressed_count(funnel_build):
    data, limits = funnel_build.data, funnel_build.extra["limits"]
    assert "Luton" not in set(data["area_name"])  # a withheld area is not plotted
    assert set(limits["centre"]) == {33.0}  # England's published value, not the pool
    # The attack: centre x (all denominators) - the published counts. With the pooled
    # centre (6,793 / 23,750 = 28.60...%) it gave Luton's 3 back exactly; with England's
    # value it gives 33% x 23,750 - 6,790 = 1,047.5, nothing to do with Luton.
    published = (data["value"] / 100 * data["denominator"]).sum()
    recovered = limits["centre"].iloc[0] / 100 * (data["denominator"].sum() + 900) - published
    assert published == pytest.approx(6790)
    assert recovered == pytest.approx(1047.5)
    assert "Luton" not in funnel_build.alt_text and "28.6" not in funnel_build.alt_text


def test_funnel_limits_are_rounded_and_the_grid_reveals_no_denominator(funnel_build):
    limits = funnel_build.extra["limits"]
    assert (limits["upper_95"] == limits["upper_95"].round(2)).all()
    # the grid spans the plotted areas only (720 = 800 x 0.9 floored to 2 figures, to
    # 5,500 = 5,000 x 1.1), in round numbers: it says nothing of the withheld area
    grid = limits["x"].to_numpy()
    assert list(grid) == list(funnel_grid(funnel_build.data["denominator"].to_numpy()))
    assert (grid[0], grid[-1]) == (720.0, 5500.0)
    assert all(float(f"{x:.2g}") == x for x in grid)


def test_a_count_never_given_is_not_read_as_withheld():
    """A figures table whose second row was printed as a share only (no count): its
    value stays. Row one's count of 3 is hidden (NDTMS: 0-4), and so is the share built
    on it. Row three was withheld before the table was made ("*"), so its share is
    hidden too."""
    table = Table(
        id="t",
        title="t",
        data=pd.DataFrame({"Count": [3, np.nan, SUPPRESSED, 40], "Value": [1.5, 13.0, 2.0, 20.0]}),
        counts=("Count",),
        derived=(("Value", "Count"),),
        missing_counts_not_given=True,
    )
    out = disclose_table(table, ARGS).data
    assert out["Count"].tolist()[0] == SUPPRESSED and np.isnan(out["Count"].tolist()[1])
    assert out["Count"].tolist()[2:] == [SUPPRESSED, 40]
    assert out["Value"].tolist() == [SUPPRESSED, 13.0, SUPPRESSED, 20.0]
    # the same table read the default way: the empty count is taken as withheld
    strict = disclose_table(replace(table, missing_counts_not_given=False), ARGS).data
    assert strict["Value"].tolist()[1] == SUPPRESSED


def test_the_disclosure_pass_rounds_funnel_limits_to_the_places_the_funnel_chose():
    """One rule for a funnel's precision: the pass keeps the places the funnel recorded
    (here three), and only a funnel without them gets the rule from its centre (12 %:
    whole percentages shown, so one decimal)."""
    from dana.assess.disclose_model import _rounded_limits

    limits = pd.DataFrame({"x": [100.0], "lower_95": [6.12345], "centre": [12.03456]})

    def funnel(extra):
        return Chart(id="funnel.x", kind="funnel", title="t", alt_text="a",
                     data=pd.DataFrame(), unit="%", extra=extra)  # fmt: skip

    kept = _rounded_limits(limits, funnel({"limits": limits, "limit_places": 3}))
    assert kept["lower_95"].tolist() == [6.123] and kept["centre"].tolist() == [12.035]
    ruled = _rounded_limits(limits, funnel({"limits": limits}))
    assert ruled["lower_95"].tolist() == [6.1] and ruled["centre"].tolist() == [12.0]
