"""No suppressed count can be read or derived from any format of any build.

The output scanner (``tests/leakscan.py``) reads every record of the HTML (with chart
data, SVG text and attributes), DOCX and PPTX (every XML part) and PDF of three builds -
the default, the Cambridgeshire & Peterborough example, and a local-data build with
counts of 1 to 4 in totals, breakdowns and engagement (``tests/disclosure_build``) -
and looks for each withheld count, each value built on it, and each set of published
numbers it could be subtracted from.
"""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import leakscan
from dana import stats
from dana.assess import build_assessment, load_config
from dana.assess.config import example_config_path
from dana.assess.count_relations import HEADLINE_RELATIONS
from dana.assess.load import load_table
from dana.catalogue import load_catalogue
from dana.sources.engagement import read_engagement

BUILD_DATE = date(2025, 1, 1)  # as the session builds in conftest.py
LOCAL = Path(__file__).resolve().parent / "disclosure_build" / "assessment.yaml"


def _hidden_by_ndtms(count) -> bool:
    frame = pd.DataFrame({"count": [float(count)]})
    return bool(stats.suppress(frame, "count", rule="ndtms")["suppressed"].iloc[0])


def _write(assessment, folder) -> dict[str, Path]:
    from dana.report import write_outputs  # the renderers load only for the tests that write

    return {p.suffix.lstrip("."): p for p in write_outputs(assessment, folder)}


@pytest.fixture(scope="module")
def local_build(tmp_path_factory):
    config = load_config(LOCAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the dropped quote is reported: tested elsewhere
        assessment = build_assessment(config, today=BUILD_DATE)
        inputs = read_engagement(
            {
                **config.engagement.model_dump(),
                **{k: str(config.path(v)) for k, v in config.engagement.files().items()},
            },
            config.base_dir,
        )
    outputs = _write(assessment, tmp_path_factory.mktemp("local_build"))
    return config, assessment, outputs, inputs


@pytest.fixture(scope="module")
def cp_outputs(cp_assessment, tmp_path_factory):
    return _write(cp_assessment, tmp_path_factory.mktemp("cp_outputs"))


def _secrets(config, assessment, inputs=None):
    table = load_table(config)
    catalogue = load_catalogue()
    secrets = leakscan.figure_secrets(assessment, table, catalogue, HEADLINE_RELATIONS)
    secrets += leakscan.breakdown_secrets(assessment, table)
    if inputs is not None:
        secrets += leakscan.engagement_secrets(inputs, _hidden_by_ndtms)
    return secrets


def _report(leaks) -> str:
    return "\n".join(f"{leak.fmt}: {leak.secret} {leak.how}: {leak.record!r}" for leak in leaks)


def test_the_local_build_withholds_what_it_must(local_build):
    _, assessment, _, _ = local_build
    shown = {f.indicator_id: f for f in assessment.all_figures()}
    # 120 = 117 + 3: the 3 is hidden, and 117 with it (secondary), with the rates on them
    assert shown["ndtms:number_in_treatment"].display_value == "120"
    for hidden in (
        "ndtms:number_in_treatment_alcohol",
        "ndtms:number_in_treatment_drug",
        "ndtms:adults_in_treatment_alcohol",
        "ndtms:adults_in_treatment_drug",
        "ndtms:new_presentations_alcohol",  # 2, supplied only as a value
    ):
        assert shown[hidden].suppressed and shown[hidden].display_value == "*", hidden
    (breakdown,) = [t for t in assessment.all_tables() if t.id.startswith("breakdown.")]
    assert dict(zip(breakdown.data["Category"], breakdown.data["Count"], strict=True)) == {
        "White": 200000, "Asian": 30000, "Black": 13224, "Mixed": "*", "Other": "*",
        "Total": 243231,
    }  # fmt: skip
    assert "Secondary suppression hides a further count" in assessment.disclosure


def test_the_scanner_finds_what_it_looks_for():
    # A table row naming the category with its count; a total and the other part in view.
    records = {
        "html": ["Mixed | 1 | 0.4", "White | 200", "Total | 201"],
        "pdf": ["Black 13,224 and more"],
    }
    secret = leakscan.Secret(
        "Mixed",
        ("Mixed",),
        ("1", "0.4"),
        ((leakscan.Visible(("Total",), "201"), leakscan.Visible(("White",), "200")),),
    )
    distinctive = leakscan.Secret("Black", ("nowhere",), ("13,224", "3"))
    leaks = leakscan.scan(records, [secret, distinctive])
    assert {(leak.fmt, leak.how) for leak in leaks} == {
        ("html", "shows 1"),
        ("html", "shows 0.4"),
        ("html", "derivable from Total 201, White 200"),
        ("pdf", "shows 13,224 (anywhere)"),
    }


def test_no_withheld_count_in_any_format_of_the_local_build(local_build):
    config, assessment, outputs, inputs = local_build
    secrets = _secrets(config, assessment, inputs)
    assert len(secrets) >= 8  # figures, breakdown cells, participants, the journey, mentions
    leaks = leakscan.scan(leakscan.records_of(outputs), secrets)
    assert not leaks, _report(leaks)


def test_no_withheld_count_in_any_format_of_the_default_build(default_assessment, default_outputs):
    secrets = _secrets(load_config(), default_assessment)
    leaks = leakscan.scan(leakscan.records_of(default_outputs), secrets)
    assert not leaks, _report(leaks)


def test_no_withheld_count_in_any_format_of_the_cp_example(cp_assessment, cp_outputs):
    secrets = _secrets(load_config(example_config_path("cp")), cp_assessment)
    leaks = leakscan.scan(leakscan.records_of(cp_outputs), secrets)
    assert not leaks, _report(leaks)


def test_no_personal_detail_survives_in_any_format(local_build):
    _, _, outputs, _ = local_build
    text = "\n".join(line for lines in leakscan.records_of(outputs).values() for line in lines)
    for personal in ("Xanthe", "Quill", "JOHN SMITH", "john.smith", "07700", "01733 123456",
                     "943.476.5919", "Sarah Jones", "patel", "al-hassan", "PE1 1AB"):  # fmt: skip
        assert personal.lower() not in text.lower(), personal
    for kept in ("Dame Carol Black", "St Michael's ward"):
        assert kept in text, kept
