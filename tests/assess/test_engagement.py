"""Engagement evidence: readers validate the team's files; the section reports honestly."""

from pathlib import Path

import pandas as pd
import pytest

from dana.assess.engagement import build_engagement_section
from dana.sources.engagement import EngagementInputs, Theme, read_engagement, read_journey
from dana.sources.errors import SourceFileError

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "dana" / "data" / "engagement"


def _journey(rows):
    return pd.DataFrame(rows, columns=["area", "stage", "satisfied", "responses"])


def test_journey_satisfaction_has_wilson_limits_computed_by_hand():
    # 41 of 52 satisfied. Wilson (z = 1.959964):
    #   root  = z * sqrt(z^2 + 4*41*(1 - 41/52)) = 1.959964 * sqrt(3.841459 + 34.692308) = 12.168...
    #   lower = (82 + 3.841459 - 12.1685) / (2 * (52 + 3.841459)) = 0.65968
    #   upper = (82 + 3.841459 + 12.1685) / (2 * (52 + 3.841459)) = 0.87756
    inputs = EngagementInputs(journey=_journey([["Peterborough", "referral", 41, 52]]))
    section = build_engagement_section(inputs)
    table = section.tables[0].data
    # numbers, not text (renderers format them), rounded to whole percentages
    assert table.loc[0, "Satisfied (%)"] == 79
    assert (table.loc[0, "Lower 95% CI"], table.loc[0, "Upper 95% CI"]) == (66, 88)
    chart = section.charts[0].data
    assert chart.loc[0, "value"] == pytest.approx(78.846154, rel=1e-6)
    assert chart.loc[0, "lower"] == pytest.approx(65.967895, rel=1e-6)
    assert chart.loc[0, "upper"] == pytest.approx(87.755629, rel=1e-6)


def test_small_stage_is_suppressed_and_never_charted():
    inputs = EngagementInputs(
        journey=_journey([["Fenland", "referral", 40, 50], ["Fenland", "step-down", 3, 4]])
    )
    section = build_engagement_section(inputs, min_responses=5)
    table = section.tables[0].data
    assert table.loc[1, "Satisfied (%)"] == "*" and table.loc[1, "Lower 95% CI"] == "*"
    assert table.loc[1, "Responses"] == "*"  # 4 responses is itself a count of 1 to 4
    assert list(section.charts[0].data["area_name"]) == ["Referral"]
    assert any("too few responses" in f.text for f in section.findings)


def test_overlapping_intervals_are_not_called_a_difference():
    inputs = EngagementInputs(
        journey=_journey([["A", "referral", 40, 50], ["A", "treatment", 44, 50]])
    )
    (finding,) = build_engagement_section(inputs).findings
    assert "intervals overlap" in finding.text
    assert "wholly below" not in finding.text


def test_clearly_lower_stage_is_stated():
    inputs = EngagementInputs(
        journey=_journey([["A", "referral", 50, 200], ["A", "treatment", 180, 200]])
    )
    (finding,) = build_engagement_section(inputs).findings
    assert "lowest at referral, and its interval lies wholly below" in finding.text


def test_quotes_are_redacted_before_they_enter_the_model():
    inputs = EngagementInputs(
        themes=(Theme("Access", "Waits were long.", quotes=("Ring Dave Smith on 07700 900123",)),),
    )
    (finding,) = build_engagement_section(inputs).findings
    assert "07700" not in finding.text and "Dave" not in finding.text
    assert "[phone]" in finding.text


def test_embedded_example_reads_and_builds():
    spec = {"participants": "participants.csv", "journey": "journey.csv", "themes": "themes.yaml"}
    section = build_engagement_section(read_engagement(spec, EXAMPLE))
    ids = [f.id for f in section.findings]
    assert "engagement.participants" in ids and "engagement.journey.peterborough" in ids
    assert "There were 529 contributions" in section.findings[0].text
    # Sources name the files, never the author's folders.
    assert section.tables[0].source == (
        "Engagement evidence collected by the assessment team "
        "(participants.csv; journey.csv; themes.yaml)"
    )


def test_satisfied_above_responses_names_file_row_and_column(tmp_path):
    path = tmp_path / "journey.csv"
    path.write_text("area,stage,satisfied,responses\nA,referral,5,10\nA,treatment,12,10\n")
    with pytest.raises(
        SourceFileError, match=r"journey.csv, row 3, column 'satisfied': satisfied \(12\)"
    ):
        read_journey(path)


def test_bad_stage_and_non_numbers_are_reported(tmp_path):
    path = tmp_path / "journey.csv"
    path.write_text("area,stage,satisfied,responses\nA,aftercare,5,10\n")
    with pytest.raises(SourceFileError, match="row 2, column 'stage'"):
        read_journey(path)
    path.write_text("area,stage,satisfied,responses\nA,referral,five,10\n")
    with pytest.raises(
        SourceFileError, match="row 2, column 'satisfied': 'five' is not a whole number"
    ):
        read_journey(path)


def test_empty_inputs_say_so():
    section = build_engagement_section(EngagementInputs())
    assert section.summary == "No engagement evidence was supplied for this assessment."
