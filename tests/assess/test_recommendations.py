"""The recommendations register: fields, vocabularies and evidence links are validated."""

import pytest

from dana.assess.recommendations import (
    RecommendationError,
    load_recommendations,
    parse_recommendations,
)

GOOD = {
    "number": 1,
    "title": "To review continuity of care between prison and community",
    "key_finding": "Few people released from prison engage with community treatment within 3 weeks.",
    "impact": "People leaving prison are at high risk of drug-related death.",
    "description": "Agree a pathway with probation and the prison healthcare provider.",
    "timescale": "medium",
    "population": "adult",
    "outcome_areas": ["TREATMENT", "reducing drug-related deaths and harm"],
    "gap_statement": "GAP: Strategic collaboration between LA, probation and NHSE H&J.",
    "findings": ["drugs.continuity_of_care.england"],
    "indicators": ["92544"],
}


def test_valid_entry_becomes_a_recommendation_with_normalised_tags():
    (rec,) = parse_recommendations(
        [GOOD], indicator_ids={"92544"}, finding_ids={"drugs.continuity_of_care.england"}
    )
    assert rec.number == 1
    assert rec.outcome_areas == ("TREATMENT", "HARM")
    assert rec.timescale == "medium"
    assert rec.population == "adult"
    assert rec.indicator_ids == ("92544",)


def test_link_to_missing_indicator_is_an_error_naming_entry_and_id():
    with pytest.raises(
        RecommendationError, match=r"entry 1 \(number 1\): links to indicator '92544'"
    ):
        parse_recommendations([GOOD], indicator_ids={"92432"}, finding_ids=None)


def test_link_to_missing_finding_is_an_error():
    with pytest.raises(
        RecommendationError, match="links to finding 'drugs.continuity_of_care.england'"
    ):
        parse_recommendations([GOOD], indicator_ids=None, finding_ids=set())


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timescale", "soon", "timescale 'soon' must be short, medium, long or 'not stated'"),
        ("population", "elderly", "population 'elderly' must be cyp, adult or both"),
        ("outcome_areas", ["WELLBEING"], "outcome area 'WELLBEING' is not one of"),
        ("outcome_areas", [], "at least one outcome area"),
    ],
)
def test_bad_vocabulary_is_reported_with_field(field, value, message):
    with pytest.raises(RecommendationError, match=message):
        parse_recommendations([{**GOOD, field: value}])


def test_duplicate_numbers_and_missing_fields_are_all_reported():
    second = {**GOOD}
    third = {k: v for k, v in GOOD.items() if k != "title"}
    with pytest.raises(RecommendationError) as err:
        parse_recommendations([GOOD, second, third])
    assert "number 1 is used more than once" in str(err.value)
    assert "entry 3 (number 1): title: Field required" in str(err.value)


def test_csv_register_splits_lists_on_semicolons(tmp_path):
    path = tmp_path / "recs.csv"
    path.write_text(
        "number,title,key_finding,impact,description,timescale,population,outcome_areas,indicators\n"
        "2,Prevention in schools,Finding,Impact,Do it,short term,C&YP,USE; HARM,92904;90808\n",
        encoding="utf-8",
    )
    (rec,) = load_recommendations(path, indicator_ids={"92904", "90808"})
    assert rec.outcome_areas == ("USE", "HARM")
    assert rec.indicator_ids == ("92904", "90808")
    assert rec.population == "cyp" and rec.timescale == "short"


def test_missing_file_and_bad_yaml_name_the_file(tmp_path):
    with pytest.raises(RecommendationError, match="recommendations file not found"):
        load_recommendations(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- number: [1\n", encoding="utf-8")
    with pytest.raises(RecommendationError, match="bad.yaml: not valid YAML"):
        load_recommendations(bad)
