"""`type: records` in an assessment config: synthetic extracts written by the generator at a
tiny scale, read through the config and the source registry into the assessment's indicator
table, with district x "Age band" and "Deprivation decile" breakdowns; a user's mistake names
the config key and the file."""

from __future__ import annotations

import pytest

from dana.assess import build_assessment
from dana.assess.config import ConfigError, load_config
from dana.assess.load import load_table
from dana.records import synthesise
from dana.records.source import KEYS
from dana.sources.registry import SOURCE_TYPES

CAMBS = "E10000003"  # Cambridgeshire: a county with districts (Fenland, Cambridge, ...)
ADMISSIONS = "records:alcohol_specific_admissions"
DECILES = ["1 (most deprived)", *map(str, range(2, 10)), "10 (least deprived)"]
SOURCE = """  - type: records
    hes: extracts/hes_apc.parquet
    deaths: extracts/deaths.parquet
    treatment: extracts/treatment.parquet
    lsoa_lookup: extracts/lsoa_lookup.csv
    year: 2023
"""


def _config(folder, sources: str, builtin: str = "default", name: str = "assessment.yaml"):
    path = folder / name
    path.write_text(f"area: Cambridgeshire\ndata:\n  builtin: {builtin}\n  sources:\n{sources}")
    return path


@pytest.fixture(scope="module")
def records_config(tmp_path_factory):
    folder = tmp_path_factory.mktemp("records_source")
    synthesise(folder / "extracts", scale=0.005, seed=7)
    return load_config(_config(folder, SOURCE))


@pytest.fixture(scope="module")
def records_table(records_config):
    return load_table(records_config)


def test_the_registry_knows_every_key_of_the_records_source():
    rule = SOURCE_TYPES["records"]
    assert set(rule.required) | set(rule.optional) == set(KEYS)


def test_district_by_age_band_rows_reach_the_indicator_table(records_table):
    rows = records_table[records_table["indicator_id"] == ADMISSIONS]
    districts = rows[(rows["area_type"] == "ltla") & (rows["parent_code"] == CAMBS)]
    # at this tiny scale some of the five districts have no admission at all
    assert districts["area_code"].nunique() >= 3
    by_age = districts[districts["category_type"] == "Age band"]
    # every district with an admission has every age band (a band with none is a 0)
    bands = {"<18 yrs", "18-24 yrs", "25-39 yrs", "40-64 yrs", "65+ yrs"}
    assert by_age.groupby("area_code")["category"].agg(set).eq(bands).all()
    assert set(by_age["area_code"]) == set(districts["area_code"])
    # each district's age bands are a breakdown of its headline row (all ages, Persons)
    assert set(by_age["age"]) == {"All ages"} and set(by_age["sex"]) == {"Persons"}
    assert set(by_age["value_type"]) == {"crude_rate"}
    assert by_age["source"].str.contains("synthetic").all()


def test_deprivation_decile_rows_follow_the_convention(records_table):
    rows = records_table[
        (records_table["indicator_id"] == ADMISSIONS) & (records_table["area_code"] == CAMBS)
    ]
    deciles = rows[rows["category_type"] == "Deprivation decile"]
    assert sorted(deciles["category"], key=lambda c: int(c.split()[0])) == DECILES
    headline = rows[(rows["category_type"] == "") & (rows["sex"] == "Persons")]
    headline = headline[headline["age"] == "All ages"].iloc[0]
    # the deciles divide the county's population (its LSOAs' shares of each district)
    assert deciles["denominator"].sum() == pytest.approx(headline["denominator"], rel=1e-9)
    # each decile is a rate of the headline's kind (a DSR here: the deciles have events
    # by age band) with limits where it is shown
    assert set(deciles["value_type"]) == {headline["value_type"]}
    shown = deciles[deciles["value"].notna()]
    assert (shown["lower_95"] <= shown["value"]).all()
    assert (shown["value"] <= shown["upper_95"]).all()


def test_an_assessment_builds_from_the_record_level_rows_alone(records_config, records_table):
    # the synthetic extracts' denominators are scaled to their sample, so they are not
    # mixed with the embedded default (the consistency check would refuse the mixture:
    # two populations for one area and year); a report from records alone builds
    folder = records_config.path("assessment.yaml").parent
    config = load_config(_config(folder, SOURCE, builtin="none", name="records_only.yaml"))
    # the rows the records source gave the fixture's table (computed once per module)
    records_rows = records_table[records_table["indicator_id"].str.startswith("records:")]
    assessment = build_assessment(config, table=records_rows.reset_index(drop=True))
    assert assessment.area.code == CAMBS
    assert assessment.synthetic  # the record-level rows say they are synthetic
    shown = {f.indicator_id for f in assessment.all_figures() if f.value is not None}
    assert {"records:in_treatment", "records:alcohol_related_broad"} <= shown
    # the district x age and deprivation-decile rows reach the report's tables
    titles = " ".join(t.title for t in assessment.all_tables())
    assert "deprivation" in titles.lower()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("  - {type: records, hes: nowhere.parquet, year: 2023}\n", "hes: file not found"),
        ("  - {type: records, year: 2023}\n", "give at least one extract"),
        (
            "  - {type: records, hes: extracts/hes_apc.parquet, year: 2023, engine: sas}\n",
            "engine: 'sas' is not one of duckdb, spark",
        ),
        ("  - {type: records, hes: extracts/hes_apc.parquet}\n", "year: required"),
        (
            "  - {type: records, hes: extracts/deaths.parquet, year: 2023}\n",
            "deaths.parquet",  # a deaths file given as HES: the layout error names the file
        ),
    ],
)
def test_a_mistake_names_the_config_key_and_file(records_config, entry, message):
    folder = records_config.path("assessment.yaml").parent
    config = load_config(_config(folder, entry))
    with pytest.raises(ConfigError, match="data.sources\\[0\\] \\(records\\)") as caught:
        load_table(config)
    assert message in str(caught.value)


def test_a_missing_lookup_is_caught_when_the_config_is_loaded(records_config):
    folder = records_config.path("assessment.yaml").parent
    entry = "  - {type: records, hes: extracts/hes_apc.parquet, year: 2023, lsoa_lookup: no.csv}\n"
    with pytest.raises(ConfigError, match="lsoa_lookup"):
        load_config(_config(folder, entry))
