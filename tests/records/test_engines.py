"""The same expressions on DuckDB and Spark give the same table (integers exactly; rates to
1e-9 - in practice identical, because the cubes come back sorted and pandas adds them up in
the same order).

One local SparkSession serves the whole run; every indicator of every extract kind is
computed on the hand-built extracts (with disclosure control, deprivation deciles and small
areas) on both engines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from records_fixtures import run_fixtures

from dana import table as contract


def test_duckdb_and_spark_give_equal_tables(fixture_files, duckdb_engine, spark_engine):
    duck = run_fixtures(fixture_files, duckdb_engine, disclosure=True)
    spark = run_fixtures(fixture_files, spark_engine, disclosure=True)
    assert set(duck.table["indicator_id"]) == set(spark.table["indicator_id"])
    assert len(set(duck.table["indicator_id"])) == 22  # every indicator of the three kinds
    key = list(contract.KEY)
    a = duck.table.sort_values(key).reset_index(drop=True)
    b = spark.table.sort_values(key).reset_index(drop=True)
    text = [c for c in contract.STRING_COLUMNS]
    pd.testing.assert_frame_equal(a[text + ["period_sort"]], b[text + ["period_sort"]])
    for column in contract.FLOAT_COLUMNS:
        x, y = a[column].to_numpy(float), b[column].to_numpy(float)
        assert (np.isnan(x) == np.isnan(y)).all(), column
        ok = ~np.isnan(x)
        np.testing.assert_allclose(x[ok], y[ok], rtol=1e-9, atol=0, err_msg=column)
    pd.testing.assert_frame_equal(duck.summary, spark.summary)
    assert duck.notes == spark.notes
