"""The all-areas table's secondary cells withheld in every area's report of the same run
(dana.assess.national_withheld, used by `dana batch --reports`)."""

from __future__ import annotations

from test_national import _tiny

from dana.assess import build_assessment, summarise_areas
from dana.assess.config import AssessmentConfig
from dana.assess.national_withheld import NATIONAL_NOTE, withhold_nationally_withheld

CAMBRIDGESHIRE, LUTON = "E10000003", "E06000032"


def _report(area, table, catalogue):
    config = AssessmentConfig(
        area=area,
        comparators={"england": True, "region": True, "neighbours": None},
        data={"builtin": "none"},
        sections=["alcohol", "drugs", "data_gaps"],
        suppression="ndtms",
    )
    (figure,) = build_assessment(config, table=table, catalogue=catalogue).all_figures()
    return figure


def test_a_secondary_cell_of_the_national_table_is_withheld_in_its_areas_report():
    # ndtms: Peterborough's 3 is hidden, and Cambridgeshire's 10 with it (the region's
    # other areas are parts of one total). Cambridgeshire's own report alone would show
    # its 10: with the national table beside it, Peterborough's 3 would come back.
    data, catalogue, _ = _tiny([3, 10, 20, 20, 50, 40])
    summary = summarise_areas(data, catalogue, suppression="ndtms")
    assert _report("Cambridgeshire", data, catalogue).count == 10  # the leak, without
    shared = withhold_nationally_withheld(data, summary)
    figure = _report("Cambridgeshire", shared, catalogue)
    assert figure.suppressed and figure.value is None and figure.count is None
    # only the withheld cells change: Luton's report still shows its 20
    assert _report("Luton", shared, catalogue).count == 20
    latest = shared["period"] == "2021/22"
    blanked = shared[latest & shared["area_code"].isin(["E06000031", CAMBRIDGESHIRE])]
    assert blanked["count"].isna().all() and (blanked["value_note"] == NATIONAL_NOTE).all()
    assert len(shared) == len(data)  # nothing dropped
    earlier = shared[~latest & (shared["area_code"] == CAMBRIDGESHIRE)]
    assert earlier["count"].notna().all()  # other years stay as published
