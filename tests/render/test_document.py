"""Layout helpers shared by the document renderers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dana.render._document import source_notes, value_notes


def test_sources_are_numbered_once_in_order_of_first_use():
    figures = [
        SimpleNamespace(source="DANA synthetic generator (seed 20230401) - not real data"),
        SimpleNamespace(source="OHID Fingertips API"),
        SimpleNamespace(source=" DANA synthetic generator (seed 20230401) - not real data "),
        SimpleNamespace(source=""),
    ]
    notes = source_notes(figures)
    assert notes.marks == ("[1]", "[2]", "[1]", "")
    assert notes.footnote() == (
        "Sources: [1] DANA synthetic generator (seed 20230401) - not real data; "
        "[2] OHID Fingertips API"
    )
    one = source_notes(figures[1:2])
    assert one.footnote() == "Source: [1] OHID Fingertips API"
    assert source_notes([]).footnote() == ""


def test_value_notes_are_written_once():
    synthetic = "Synthetic data, not real"
    figures = [
        SimpleNamespace(name="A", value_note=synthetic),
        SimpleNamespace(name="B", value_note=synthetic),
    ]
    assert value_notes(figures) == [f"Note: {synthetic}"]
    mixed = [*figures, SimpleNamespace(name="C", value_note="Modelled estimate")]
    assert value_notes(mixed) == [f"A; B: {synthetic}", "C: Modelled estimate"]
    assert value_notes(mixed[:1]) == [f"A: {synthetic}"]
    assert value_notes([SimpleNamespace(name="D", value_note="")]) == []


def test_comparator_sentence_names_england_and_region_once_then_the_neighbours():
    # The builder lists England and the region among Assessment.comparators as well as the
    # statistical neighbours; the sentence must not repeat them as "comparator areas".
    from dataclasses import replace

    from sample import build_sample_assessment

    from dana.assess.model import Area
    from dana.render._document import comparator_sentence

    sample = build_sample_assessment()
    england = Area("E92000001", "England", "england")
    region = Area("E12000006", "East of England", "region")
    assessment = replace(sample, comparators=(england, region, *sample.comparators))
    assert comparator_sentence(assessment) == (
        "Peterborough is compared with England, the East of England region and its comparator "
        "areas (Luton, Southend-on-Sea, Thurrock, Medway)."
    )


@pytest.mark.parametrize(
    "typed",
    ["GAP: No local data.", "gap - No local data.", "  GAP:No local data.", "No local data."],
)
def test_gap_statement_is_labelled_once(sample_assessment, typed):
    from dataclasses import replace

    from dana.render._document import card_fields, gap_statement_text

    rec = replace(sample_assessment.recommendations[0], gap_statement=typed)
    assert gap_statement_text(rec) == "No local data."
    assert dict(card_fields(rec, {}))["GAP"] == "No local data."


def test_gap_section_is_a_title_never_an_identifier(sample_assessment):
    from dana.assess.model import DataGap
    from dana.render._document import gap_section, section_titles

    titles = section_titles(sample_assessment)
    known = DataGap("x", "X", sample_assessment.sections[0].id, "no_data", "")
    catalogue_key = DataGap("x", "X", "drug_harms", "no_data", "")
    assert gap_section(known, titles) == sample_assessment.sections[0].title
    assert gap_section(catalogue_key, titles) == "Drug harms"
