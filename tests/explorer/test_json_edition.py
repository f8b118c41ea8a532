"""``--format json``: the whole model as a schema-valid document, read back as an edition."""

from __future__ import annotations

import copy
import dataclasses
import json

import pytest
from click.testing import CliRunner

from dana.assess.edition import (
    SCHEMA_VERSION,
    EditionError,
    assessment_schema,
    edition_from_document,
    edition_of,
    read_edition,
    validate_document,
)
from dana.assess.model import BenchmarkResult, Figure, Recommendation
from dana.cli import main
from dana.render import RENDERERS
from dana.render.json import assessment_document, render_json, to_data
from dana.vocabulary import COMPARISONS, TRENDS


@pytest.fixture(scope="module")
def default_document(default_assessment):
    return assessment_document(default_assessment)


@pytest.fixture(scope="module")
def default_json(default_outputs):
    """The JSON file the session's four-format build wrote beside the documents."""
    return default_outputs["json"]


def test_json_is_a_registered_format_written_with_the_others(default_json):
    # the registry imports each renderer on first use: its entry names render_json
    assert RENDERERS["json"].__name__ == render_json.__name__ == "render_json"
    document = json.loads(default_json.read_text(encoding="utf-8"))
    assert document["format"] == "dana-assessment"
    assert document["schema_version"] == SCHEMA_VERSION


def test_the_default_build_validates_against_its_schema(default_json):
    validate_document(json.loads(default_json.read_text(encoding="utf-8")))


def test_the_file_reads_back_as_the_same_figures_findings_and_recommendations(
    default_json, default_assessment
):
    edition = read_edition(default_json)
    # every field of every figure (benchmarks, trend, rank, source...) survives the file
    assert edition.figures == tuple(default_assessment.all_figures())
    assert edition.findings == tuple(default_assessment.all_findings())
    assert edition.recommendations == default_assessment.recommendations
    assert edition.area == default_assessment.area
    assert edition == dataclasses.replace(edition_of(default_assessment), source=str(default_json))


def test_published_figures_are_in_the_document_as_published(cp_assessment):
    """C&P needs assessment (2023), treatment slide: 1,147 adults in drug treatment in
    Peterborough in 2021/22, 705 per 100,000 adults."""
    document = assessment_document(cp_assessment)
    figures = [
        f
        for section in document["assessment"]["sections"]
        for s in [section, *section["subsections"]]
        for f in s["figures"]
    ]
    drug = next(f for f in figures if f["indicator_id"] == "ndtms:adults_in_treatment_drug")
    assert (drug["count"], drug["value"], drug["period"]) == (1147.0, 705.0, "2021/22")
    assert document["assessment"]["area"]["code"] == "E06000031"


def test_the_document_holds_the_whole_model(default_document, default_assessment):
    model = default_document["assessment"]
    assert [s["id"] for s in model["sections"]] == [s.id for s in default_assessment.sections]
    assert model["sections"][0]["id"] == "summary"  # the key findings
    assert len(model["data_gaps"]) == len(default_assessment.data_gaps)
    assert len(model["provenance"]) == len(default_assessment.provenance)
    first = default_assessment.recommendations[0]
    assert model["recommendations"][0]["finding_ids"] == list(first.finding_ids)
    # funnel plots are in the appendices
    charts = [c for s in default_assessment.appendices for c in s.charts]
    funnel = next(c for c in charts if c.kind == "funnel")
    written = next(
        c
        for s in model["appendices"]
        for part in [s, *s["subsections"]]
        for c in part["charts"]
        if c["id"] == funnel.id
    )
    # frames are columns + records, funnel limits included
    assert written["data"]["columns"] == list(funnel.data.columns)
    assert len(written["data"]["records"]) == len(funnel.data)
    assert len(written["extra"]["limits"]["records"]) == len(funnel.extra["limits"])


def test_numbers_are_json_numbers_and_missing_ones_null():
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"a": [1.5, np.nan], "b": [np.int64(3), np.int64(4)], "c": [True, False]})
    assert to_data(frame) == {
        "columns": ["a", "b", "c"],
        "records": [{"a": 1.5, "b": 3, "c": True}, {"a": None, "b": 4, "c": False}],
    }
    assert to_data(float("inf")) is None
    assert to_data((np.float64(2.0), None)) == [2.0, None]


def test_a_field_added_to_an_open_part_of_the_model_appears_without_a_change():
    @dataclasses.dataclass(frozen=True)
    class Later:
        id: str
        analyst_note: str = "added by a later helper"

    assert to_data(Later("x")) == {"id": "x", "analyst_note": "added by a later helper"}


def test_fields_for_the_team_only_are_never_published():
    @dataclasses.dataclass(frozen=True)
    class Model:
        title: str
        analyst_notes: str = "for the team only"

    assert to_data(Model("t")) == {"title": "t"}


def test_the_schema_is_open_on_sections_and_strict_on_figures(default_document):
    document = copy.deepcopy(default_document)
    document["assessment"]["sections"][1]["analyst_notes"] = ["open: allowed"]
    validate_document(document)
    document["assessment"]["sections"][1]["figures"][0]["value"] = "705"
    document["assessment"]["sections"][1]["figures"][0]["extra_key"] = 1
    with pytest.raises(EditionError) as error:
        validate_document(document, "edition.json")
    message = str(error.value)
    assert "edition.json" in message
    assert (
        "assessment.sections[1].figures[0].value: '705' is not of type 'number', 'null'" in message
    )
    assert "'extra_key' was unexpected" in message


@pytest.mark.parametrize(
    ("definition", "cls"),
    [("figure", Figure), ("benchmark", BenchmarkResult), ("recommendation", Recommendation)],
)
def test_every_core_model_field_is_named_by_the_strict_schema(definition, cls):
    part = assessment_schema()["$defs"][definition]
    names = [f.name for f in dataclasses.fields(cls)]
    missing = [n for n in names if n not in part["properties"]]
    assert not missing, (
        f"{cls.__name__} fields {missing} are not in dana/data/schema/assessment.schema.json: "
        "add them there (required) and raise SCHEMA_VERSION's minor version"
    )
    # every field the model always writes is required; the schema may name optional
    # ones a register or a later model adds
    assert set(part["required"]) <= set(names) <= set(part["properties"])
    assert part["additionalProperties"] is False


def test_the_schema_enumerates_the_vocabulary():
    definitions = assessment_schema()["$defs"]
    assert definitions["benchmark"]["properties"]["comparison"]["enum"] == list(COMPARISONS)
    assert definitions["figure"]["properties"]["trend"]["enum"] == list(TRENDS)


def test_files_that_are_not_dana_assessments_are_clear_errors(tmp_path, default_document):
    cases = {
        "notes.json": ("this is not json", "not JSON: Expecting value at line 1, column 1"),
        "other.json": ('{"type": "FeatureCollection"}', "not a DANA assessment"),
        "list.json": ("[1, 2]", "not a DANA assessment"),
    }
    for name, (text, expected) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(EditionError, match=expected) as error:
            read_edition(path)
        assert str(path) in str(error.value)
    binary = tmp_path / "report.docx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe")
    with pytest.raises(EditionError, match="not a UTF-8 text file"):
        read_edition(binary)
    with pytest.raises(EditionError, match="file not found"):
        read_edition(tmp_path / "missing.json")
    future = {**default_document, "schema_version": "2.0.0", "dana_version": "9.9"}
    with pytest.raises(EditionError, match=r"schema_version '2.0.0' cannot be read .* 1\.x"):
        edition_from_document(future, "future.json")


def test_dana_report_format_json_writes_the_json_and_its_analyst_notes(tmp_path):
    result = CliRunner().invoke(
        main, ["report", "--example", "cp", "--format", "json", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    # the analyst notes go beside every build, whatever the formats asked for
    assert written == [
        "dana-needs-assessment-peterborough-analyst-notes.md",
        "dana-needs-assessment-peterborough.json",
    ]
    assert read_edition(tmp_path / written[1]).area.name == "Peterborough"
