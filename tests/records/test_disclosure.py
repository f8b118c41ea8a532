"""Disclosure control of the record-level table: the additive relations, worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.records.disclosure import PRIMARY_NOTE, SUPPRESSED_NOTE, protect


def _rows(area_code, area_type, parent, counts):
    return [
        {
            "indicator": "in_treatment", "area_code": area_code, "area_type": area_type,
            "parent_code": parent, "sex": sex, "age": "18+ yrs", "category_type": "",
            "category": "", "count": float(n), "denominator": 1000.0, "value": n / 10,
            "lower_95": 0.0, "upper_95": 1.0, "lower_99_8": 0.0, "upper_99_8": 1.0,
            "value_note": "", "headline_age": "18+ yrs",
        }
        for sex, n in zip(("Male", "Female", "Persons"), counts, strict=True)
    ]  # fmt: skip


def test_secondary_suppression_across_sex_and_geography():
    """NDTMS rule (counts 0-4 hidden). Region: Male 3, Female 40, Persons 43; England
    (its parent): Male 10, Female 60, Persons 70.

    1. Region Male 3 is primary.
    2. Region sex relation (Male + Female = Persons) has one hidden member: hide the
       smallest published part, Female 40 (not Persons 43).
    3. Male relation England = region has one hidden member (region 3): hide England
       Male 10, the only other member.
    4. England sex relation then has Male hidden alone: hide Female 60 (not Persons 70).
    5. Female relation England = region: both hidden; Persons: neither. Done.
    So Persons is shown in both areas and every Male and Female count is hidden."""
    table = pd.DataFrame(
        _rows("E12000001", "region", "E92000001", (3, 40, 43))
        + _rows("E92000001", "england", "", (10, 60, 70))
    )
    out = protect(table, "ndtms")
    hidden = out["count"].isna().to_numpy()
    assert hidden.tolist() == [True, True, False, True, True, False]
    assert out.loc[~hidden, "count"].tolist() == [43.0, 70.0]
    assert out["value_note"].tolist() == [
        PRIMARY_NOTE, SUPPRESSED_NOTE, "", SUPPRESSED_NOTE, SUPPRESSED_NOTE, ""
    ]  # fmt: skip
    # a rate built on a hidden count is blanked with it
    assert np.isnan(out.loc[hidden, ["value", "lower_95", "upper_99_8"]].to_numpy()).all()
    assert out.loc[~hidden, "value"].tolist() == [4.3, 7.0]
