"""The embedded default tables are read by pyarrow's CSV reader exactly as pandas' own
parser reads them (text as text, an empty number as NaN), so the faster read changes
nothing a report shows."""

from __future__ import annotations

import pandas as pd
import pytest

from dana import table
from dana.data.default import DEPTH_FILE, INDICATORS_FILE
from dana.data.packaged import read_packaged_columns, read_packaged_csv


@pytest.mark.parametrize("name", [INDICATORS_FILE, DEPTH_FILE])
def test_pyarrow_read_equals_pandas_parser(name):
    by_pandas = read_packaged_csv(
        name,
        dtype={c: str for c in table.STRING_COLUMNS},
        keep_default_na=False,
        na_values={c: [""] for c in table.FLOAT_COLUMNS},
    )
    by_pyarrow = read_packaged_columns(name, table.STRING_COLUMNS, table.FLOAT_COLUMNS)
    expected = table.validate(table.coerce(by_pandas))
    pd.testing.assert_frame_equal(
        table.validate(table.coerce(by_pyarrow)), expected, check_exact=True
    )
    # empty text stays the empty string, never missing; an empty number is NaN
    assert (by_pyarrow["category"] == "").any() and not by_pyarrow["category"].isna().any()
    assert by_pyarrow["count"].isna().any()
