"""Shared fixtures of the record-level tests: the hand-built extracts, one DuckDB run of
them, and one local SparkSession for the whole test run (Spark takes seconds to start)."""

from __future__ import annotations

import pytest
from records_fixtures import run_fixtures, write_all

from dana.records.engines import JAVA_INSTALL, connect, java_available, spark_session

#: Spark settings for tiny test data: interpreted expressions (no code generation to
#: compile), one shuffle partition. Results are the same; only start-up work changes.
SMALL_DATA_SPARK = {
    "spark.sql.shuffle.partitions": "1",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.sql.adaptive.enabled": "false",
}


@pytest.fixture(scope="session")
def fixture_files(tmp_path_factory):
    return write_all(tmp_path_factory.mktemp("records_fixtures"))


@pytest.fixture(scope="session")
def duckdb_engine():
    engine = connect("duckdb")
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def hand_counts(fixture_files, duckdb_engine):
    """The hand-built extracts on DuckDB, no disclosure control: counts as worked out."""
    return run_fixtures(fixture_files, duckdb_engine, disclosure=False)


@pytest.fixture(scope="session")
def spark_engine():
    """One local SparkSession for the run. Without Java this fails loudly, not skips."""
    if not java_available():
        pytest.fail(
            "the Spark engine tests need Java 17 or 21, which is not installed; "
            f"install it with `{JAVA_INSTALL}`",
            pytrace=False,
        )
    engine = connect("spark", session=spark_session(settings=SMALL_DATA_SPARK))
    yield engine
    engine.close()


def pytest_configure(config):
    # ibis 12 calls a DuckDB method that DuckDB 2 deprecates; not ours to fix
    config.addinivalue_line(
        "filterwarnings", "ignore:fetch_arrow_table\\(\\) is deprecated:DeprecationWarning"
    )
