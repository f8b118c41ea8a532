"""The packaged indicator catalogue: structure, vocabularies and verified IDs."""

from __future__ import annotations

import csv
import json
import typing

import pytest

from dana import table
from dana.catalogue import (
    COMPARISONS,
    PERIOD_TYPES,
    SECTIONS,
    CatalogueError,
    ComparisonMethod,
    PeriodType,
    Polarity,
    Section,
    ValueType,
    load_catalogue,
)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_vocabularies_are_the_table_contracts():
    assert set(typing.get_args(Polarity)) == set(table.POLARITIES)
    assert set(typing.get_args(ValueType)) == set(table.VALUE_TYPES)
    assert set(typing.get_args(Section)) == set(SECTIONS)
    assert set(typing.get_args(ComparisonMethod)) == set(COMPARISONS)
    assert set(typing.get_args(PeriodType)) == set(PERIOD_TYPES)


def test_core_needs_assessment_indicators_present(catalogue):
    for fingertips_id in (
        91380,
        93763,
        92906,
        92904,
        93764,
        91414,
        91382,
        90244,
        90245,
        92447,
        92544,
        92432,
        90808,
        93532,
        93517,
        91117,
        93553,
    ):
        assert str(fingertips_id) in catalogue, fingertips_id
    for local in (
        "local:police_drug_offences",
        "local:homelessness_drug_alcohol_need",
        "local:school_survey_alcohol",
        "ndtms:adults_in_treatment_drug",
        "ndtms:adults_in_treatment_alcohol",
        "ndtms:new_presentations_drug",
        "ndtms:waiting_over_3_weeks_drug",
        "ons:population_all_ages",
    ):
        assert local in catalogue, local
    assert {i.section for i in catalogue} == set(SECTIONS)


def test_get_and_by_section(catalogue):
    deaths = catalogue.get(92432)
    assert deaths.name == "Deaths from drug misuse"
    assert (deaths.value_type, deaths.multiplier, deaths.polarity) == ("dsr", 100000, "low_is_good")
    assert deaths.period_type == "calendar_3yr"
    assert catalogue.get("92904").age == "<18 yrs"
    harms = catalogue.by_section("alcohol_harms")
    assert [i.id for i in harms][:3] == ["91380", "93763", "92906"]
    with pytest.raises(KeyError, match="not in the catalogue"):
        catalogue.get("99999")
    with pytest.raises(ValueError, match="unknown section"):
        catalogue.by_section("alcohol")


def test_fingertips_ids_and_metadata_frame(catalogue):
    ids = catalogue.fingertips_ids()
    assert len(ids) == len(set(ids))
    assert all(isinstance(i, int) for i in ids)
    assert 92447 not in catalogue.fingertips_ids(verified_only=True)  # C19c unconfirmed
    assert 93763 in catalogue.fingertips_ids(verified_only=True)
    frame = catalogue.metadata_frame()
    assert len(frame) == len(catalogue)
    assert frame.loc[frame["id"] == "93532", "fingertips_id"].item() == 93532
    assert frame["fingertips_id"].isna().sum() == sum(
        1 for i in catalogue if i.fingertips_id is None
    )


def test_units_agree_with_value_type(catalogue):
    for ind in catalogue:
        if ind.value_type == "proportion":
            assert (ind.multiplier, ind.unit) == (100, "%"), ind.id
        if ind.value_type in ("dsr", "crude_rate"):
            assert ind.unit == f"per {int(ind.multiplier):,}", ind.id
        if ind.comparison in ("ci_95", "ci_99_8"):
            assert ind.value_type not in ("count", "score"), ind.id


def _write(tmp_path, entry_overrides):
    base = load_catalogue().get("92432").model_dump()
    base.update(entry_overrides)
    import yaml

    path = tmp_path / "cat.yaml"
    path.write_text(yaml.safe_dump({"indicators": [base]}))
    return path


def test_bad_section_is_an_error_naming_the_entry(tmp_path):
    path = _write(tmp_path, {"section": "drugs"})
    with pytest.raises(CatalogueError, match=r"entry 1 \(id '92432'\): section.*'drugs'"):
        load_catalogue(path)


@pytest.mark.parametrize(
    ("field", "bad"),
    [("polarity", "lower_better"), ("value_type", "rate"), ("comparison", "ci_90")],
)
def test_bad_vocabulary_is_an_error(tmp_path, field, bad):
    with pytest.raises(CatalogueError, match=rf"92432.*{field}"):
        load_catalogue(_write(tmp_path, {field: bad}))


def test_numeric_id_must_match_fingertips_id(tmp_path):
    with pytest.raises(CatalogueError, match="must equal fingertips_id"):
        load_catalogue(_write(tmp_path, {"fingertips_id": 92433}))


def test_an_entry_must_say_why_it_is_or_is_not_verified(tmp_path):
    with pytest.raises(CatalogueError, match=r"92432.*verification.*must not be blank"):
        load_catalogue(_write(tmp_path, {"verified": False, "verification": "  "}))


def test_user_catalogue_loads(tmp_path):
    cat = load_catalogue(_write(tmp_path, {"name": "Drug deaths (my label)"}))
    assert len(cat) == 1 and cat.get("92432").name == "Drug deaths (my label)"


def test_missing_file_is_clear(tmp_path):
    with pytest.raises(CatalogueError, match="cannot read catalogue"):
        load_catalogue(tmp_path / "nope.yaml")


# --- verified IDs agree with the project's reference files -------------------------------


def _norm(name: str) -> str:
    return " ".join(name.lower().replace("(", " ").replace(")", " ").split())


@pytest.mark.shared
def test_verified_names_match_reference_files(shared_data, catalogue):
    definitions = shared_data / "definitions"
    reference: dict[int, str] = {}
    with open(definitions / "fingertips_indicator_ids.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            reference[int(row["fingertips_id"])] = row["indicator"]
    metadata = json.loads(
        (definitions / "fingertipsnext_indicator_metadata_35.json").read_text(encoding="utf-8")
    )
    for record in metadata:
        reference[int(record["indicatorID"])] = record["indicatorName"]

    # An ID or name the reference file marks as inferred (I) is not verified.
    with open(definitions / "fingertips_indicator_ids.csv", encoding="utf-8") as handle:
        inferred = {
            int(row["fingertips_id"])
            for row in csv.DictReader(handle)
            if row["verification"].startswith("I ") or "label I" in row["verification"]
        }
    assert inferred == {90808, 90244}
    for fingertips_id in inferred:
        assert not catalogue.get(fingertips_id).verified, fingertips_id

    checked = 0
    for ind in catalogue:
        if ind.fingertips_id in reference:
            # Every ID the reference files know is named as they name it.
            assert _norm(reference[ind.fingertips_id]) == _norm(ind.name), ind.id
            checked += 1
    assert (
        checked == 11
    )  # 93553, 92906, 92904, 93763, 91414, 90244, 90245, 93532, 93517, 90808, 92432
    # FingertipsNext metadata confirms polarity/type of the two V-primary alcohol indicators.
    by_id = {int(r["indicatorID"]): r for r in metadata}
    assert (
        by_id[92904]["valueType"] == "Crude rate"
        and catalogue.get(92904).value_type == "crude_rate"
    )
    assert (
        by_id[93763]["polarity"] == "Low is good" and catalogue.get(93763).polarity == "low_is_good"
    )
    assert by_id[93553]["benchmarkComparisonMethod"] == "Quintiles"
    assert catalogue.get(93553).comparison == "quintiles"


def test_breakdown_indicators_expand_per_substance_group(tmp_path):
    from dana.catalogue import CatalogueError, load_catalogue

    catalogue = load_catalogue()
    ids = [b.id for b in catalogue.breakdowns]
    assert ids[:5] == [
        "ndtms:in_treatment",
        "ndtms:in_treatment:opiate",
        "ndtms:in_treatment:non_opiate_only",
        "ndtms:in_treatment:non_opiate_and_alcohol",
        "ndtms:in_treatment:alcohol_only",
    ]
    exits = catalogue.breakdown("ndtms:exits:opiate")
    assert exits.substance_group == "opiate" and exits.category_types[0] == "Exit reason"
    assert exits.name == "Adults exiting treatment (Opiate)"
    assert not set(ids) & set(catalogue.ids)  # never iterated as headline figures
    bad = tmp_path / "catalogue.yaml"
    bad.write_text(
        "indicators: []\nbreakdown_indicators:\n  - id: ndtms:x\n    name: X\n"
        "    section: context\n    age: All ages\n    period_type: fixed\n"
        "    category_types: [Star sign]\n    definition: d\n    citation: c\n"
    )
    with pytest.raises(CatalogueError, match=r"breakdown_indicators entry 1 \(id 'ndtms:x'\): "
                       r"category_types: Value error, unknown category type\(s\) \['Star sign'\]"):  # fmt: skip
        load_catalogue(bad)
