"""Config `data: sources:` entries, neighbour features and the real-data example."""

from __future__ import annotations

from pathlib import Path

import pytest

from dana.assess import disclosure_statement
from dana.assess.config import (
    ConfigError,
    SuppressionConfig,
    default_config_path,
    example_config_path,
    load_config,
)
from dana.assess.load import load_table

DEATHS_CSV = "code,name,2020,2019\nE92000001,ENGLAND,4312,4115\nE08000026,Coventry,33,17\n"


def _config(tmp_path: Path, data: str) -> Path:
    path = tmp_path / "assessment.yaml"
    path.write_text(f"area: Coventry\ndata:\n{data}")
    return path


def test_existing_configs_still_load():
    assert load_config(default_config_path()).data.builtin == "default"
    cp = load_config(example_config_path("cp"))
    assert cp.data.builtin == "cambridgeshire-peterborough" and cp.data.sources == []


def test_sources_resolve_against_the_config_folder_and_replace_builtin(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "deaths.csv").write_text(DEATHS_CSV)
    config = load_config(
        _config(tmp_path, "  sources:\n    - {type: ons_drug_poisoning, path: data/deaths.csv}\n")
    )
    assert config.data.builtin == "none"  # the list says everything
    data = load_table(config)
    assert set(data["indicator_id"]) == {"ons:drug_poisoning_deaths_count"}
    assert (
        data.loc[data["period"].eq("2020") & data["area_code"].eq("E08000026"), "value"].item()
        == 33
    )


def test_data_root_from_an_environment_variable_or_argument(tmp_path, monkeypatch):
    (tmp_path / "deaths.csv").write_text(DEATHS_CSV)
    path = _config(
        tmp_path,
        "  root: ${DANA_TEST_DATA}\n  sources:\n    - {type: ons_drug_poisoning, path: deaths.csv}\n",
    )
    monkeypatch.delenv("DANA_TEST_DATA", raising=False)
    with pytest.raises(ConfigError, match=r"data\.root: environment variable DANA_TEST_DATA"):
        load_config(path)
    assert load_config(path, data_root=tmp_path).data_root() == tmp_path.resolve()
    monkeypatch.setenv("DANA_TEST_DATA", str(tmp_path))
    assert load_config(path).data_root() == tmp_path


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "{type: spss, path: x.sav}",
            r"data\.sources\[1\]\.type \(spss \(x\.sav\)\): unknown source type 'spss'",
        ),
        (
            "{type: ons_population, path: missing.csv}",
            r"data\.sources\[1\]\.path \(ons_population\): file not found: .*missing\.csv",
        ),
        ("{type: imd_utla}", r"data\.sources\[1\]\.path \(imd_utla\): required"),
        ("{type: default, colour: red}", r"data\.sources\[1\]\.colour \(default\): unknown key"),
        ("just-a-string", r"data\.sources.*each source is a mapping"),
    ],
)
def test_bad_entries_name_the_key_and_entry(tmp_path, entry, message):
    (tmp_path / "deaths.csv").write_text(DEATHS_CSV)
    path = _config(
        tmp_path,
        f"  sources:\n    - {{type: ons_drug_poisoning, path: deaths.csv}}\n    - {entry}\n",
    )
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_builtin_named_twice_is_an_error(tmp_path):
    path = _config(tmp_path, "  builtin: default\n  sources:\n    - {type: default}\n")
    with pytest.raises(ConfigError, match=r"data\.sources\[0\]: built-in data 'default'"):
        load_config(path)


def test_a_file_of_the_wrong_kind_is_a_config_error_naming_key_and_file(tmp_path):
    (tmp_path / "deaths.csv").write_text(DEATHS_CSV)
    path = _config(tmp_path, "  sources:\n    - {type: alcohol_dependence, path: deaths.csv}\n")
    config = load_config(path)  # the file exists; its content is checked on reading
    with pytest.raises(
        ConfigError, match=r"data\.sources\[0\] \(alcohol_dependence\): .*deaths\.csv"
    ):
        load_table(config)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assessment.yaml", "deaths.csv"]


def test_default_build_compares_with_credible_neighbours(default_assessment):
    # Peterborough's nearest neighbours from DANA's real area features (IMD 2019, age,
    # ethnicity, rurality, size): a non-London area gets at most one London borough
    # (London borough codes are E09...), and the set is the configured 15.
    neighbours = default_assessment.neighbours
    assert len(neighbours) == 15
    assert sum(a.code.startswith("E09") for a in neighbours) <= 1
    assert "Kensington and Chelsea" not in {a.name for a in neighbours}


@pytest.mark.shared
def test_coventry_real_data_example(coventry_assessment):
    assessment = coventry_assessment
    assert assessment.area.code == "E08000026"
    figures = {f.indicator_id: f for f in assessment.all_figures()}
    # Read by hand from the files: drug_poisoning_registrations_by_LA.csv, Coventry 2020
    # = 33; population20_utla20.csv, Coventry total_population = 379,387; IoD2019 File 11
    # (and utla_imd_decile.csv) Coventry IMD average score = 25.613; alcohol-dependence
    # estimates, Coventry 2017/18 = 4,946 (95% CI 3,952-6,546).
    expected = {
        "ons:drug_poisoning_deaths_count": ("2020", 33, "ONS, Deaths related to drug poisoning"),
        "ons:population_all_ages": ("2020", 379387, "ONS mid-year population estimates"),
        "93553": ("2019", 25.613, "MHCLG, English Indices of Deprivation 2019"),
        "phe:alcohol_dependent_adults": ("2017/18", 4946, "PHE, Estimates of alcohol dependent"),
        # 33 / 379,387 x 100,000
        "ons:drug_poisoning_deaths_crude_rate": ("2020", 33 / 379387 * 1e5, "ONS, Deaths related"),
    }
    for indicator_id, (period, value, source) in expected.items():
        figure = figures[indicator_id]
        assert figure.period == period, indicator_id
        assert figure.value == pytest.approx(value), indicator_id
        assert figure.source.startswith(source) and "synthetic" not in figure.source.lower()
    assert assessment.synthetic  # the rest is the embedded default, and says so
    assert len(assessment.comparators) > 2  # neighbours from real IMD and population


def test_a_copy_of_the_default_config_still_finds_the_shipped_examples(tmp_path):
    # `dana:` paths name files shipped in the package, so the documented "copy the
    # default config" step works from any folder.
    copy = tmp_path / "my_assessment.yaml"
    copy.write_text(default_config_path().read_text(encoding="utf-8"), encoding="utf-8")
    config = load_config(copy)
    recommendations = config.path(config.recommendations)
    assert recommendations.is_file() and recommendations.name == "default_recommendations.yaml"
    assert config.path("dana:engagement/journey.csv").is_file()
    assert config.path("local.csv") == tmp_path / "local.csv"


def test_disclosure_statement_says_whether_secondary_suppression_applies():
    ndtms = SuppressionConfig(preset="ndtms")
    assert disclosure_statement(ndtms, secondary=True) == (
        "Counts of 0 to 4 are suppressed and shown as * (NDTMS public reporting rule). "
        "Secondary suppression hides a further count wherever a hidden one could be worked "
        "out from a total."
    )
    # The single-area report shows each figure alone, so it must not claim secondary
    # suppression it does not apply.
    assert "No secondary suppression was applied" in disclosure_statement(ndtms, secondary=False)
    hes = disclosure_statement(SuppressionConfig(preset="hes2018"), secondary=False)
    assert "rounded to the nearest 5" in hes and "Rounding, not secondary suppression" in hes
    assert disclosure_statement(None, secondary=True) == (
        "No disclosure control was applied to counts."
    )
