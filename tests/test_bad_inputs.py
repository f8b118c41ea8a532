"""The catalogue of bad (and dangerous) inputs: one named case per kind, in one place.

Each case gives the input, the exact message a user sees (naming file, row, column or
config key) or the documented result, and checks that nothing was written or changed.
The cases of the two earlier catalogues are listed in :data:`CATALOGUES` (they run in
their own modules; the last test here checks every one still exists), so this module
is the one place to look:

==============================================  ===========================================
kind of input                                   where
==============================================  ===========================================
source files (cp1252, empty, header-only,       tests/sources/test_bad_source_inputs.py
XLSX formulas, zero denominators, blank lines,
damaged cache entries, breakdowns, census)
config and register mistakes                    tests/assess/test_bad_config_inputs.py
small counts in totals, breakdowns, funnels     here, tests/assess/test_disclosure_pass.py,
and engagement; personal details in free text   tests/test_leaks.py (the output scanner)
publishing into a blocked, mounted or killed    here, tests/test_publish_staging.py
output folder
==============================================  ===========================================
"""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dana import cli_report, report
from dana.assess import load_config
from dana.assess.disclosure import apply_disclosure
from dana.assess.engagement import build_engagement_section
from dana.assess.redact import redact
from dana.assess.redact_evidence import RedactionWarning
from dana.cli import main
from dana.sources import read_indicator_file
from dana.sources.engagement import EngagementInputs, Theme, read_engagement

TESTS = Path(__file__).resolve().parent
#: The earlier catalogues' cases, by module: one place to look for every bad input.
CATALOGUES = {
    "sources/test_bad_source_inputs.py": (
        "test_xlsx_formula_without_saved_value_is_refused_not_read_as_blank",
        "test_truncated_cache_body_on_disk_is_named_not_a_traceback",
        "test_header_only_source_file_is_an_error_not_an_empty_assessment",
        "test_cp1252_themes_yaml_names_the_file_line_and_how_to_resave",
        "test_empty_engagement_csv_names_the_file",
        "test_zero_denominator_in_a_local_file_names_the_files_row_and_column",
        "test_blank_line_does_not_shift_the_reported_row",
        "test_breakdown_parts_exceeding_their_total_name_row_and_column",
    ),
    "assess/test_bad_config_inputs.py": (
        "test_bad_engagement_settings",
        "test_register_with_findings_not_a_list",
        "test_unknown_key_indicator",
        "test_output_directory_that_is_a_file_fails_before_the_build",
    ),
    "assess/test_disclosure_pass.py": (
        "test_a_part_of_a_total_shown_beside_it_is_protected_across_figures",
        "test_a_count_supplied_only_as_a_value_is_suppressed",
        "test_a_table_with_counts_it_does_not_declare_is_refused",
        "test_the_old_funnel_attack_no_longer_recovers_a_suppressed_count",
    ),
    "test_leaks.py": (
        "test_no_withheld_count_in_any_format_of_the_local_build",
        "test_no_personal_detail_survives_in_any_format",
    ),
    "test_publish_staging.py": (
        "test_a_move_that_fails_midway_puts_every_old_file_back",
        "test_a_run_killed_at_any_step_leaves_a_whole_set",
        "test_dana_report_on_a_tmpfs_mount_survives_sigkill",
    ),
}


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# --- disclosure (issue 8, items 1-5) --------------------------------------------------


def test_a_count_given_only_as_value_in_a_local_file_is_suppressed(tmp_path):
    """Item 3: a local file with ``value`` 2 and no ``count`` column."""
    path = tmp_path / "local.csv"
    path.write_text(
        "indicator_id,area_code,period,value,value_type\nlocal:naloxone_kits,E06000031,2023/24,2,count\n"
    )
    rows = read_indicator_file(path)
    shown = apply_disclosure(rows, load_config().suppression)
    assert bool(shown["suppressed"].iloc[0]) and pd.isna(shown["value"].iloc[0])


def test_participant_counts_of_2_and_3_are_withheld_with_a_total_beside_them():
    """Item 5: groups of 2 and 3 hidden; with their group total printed, the other cell of
    each group is hidden too (secondary); the overall total is still given."""
    participants = pd.DataFrame(
        {
            "group": ["Staff", "Staff", "Families", "Families"],
            "method": ["Survey", "Interview", "Survey", "Interview"],
            "participants": [20, 2, 3, 9],
        }
    )
    section = build_engagement_section(EngagementInputs(participants=participants))
    table = section.tables[0].data
    assert list(table["Participants"]) == ["*", "*", "*", "*", 34]
    text = section.findings[0].text
    assert text.startswith(
        "There were 34 contributions to the engagement work (staff 22, families 12)"
    )
    for hidden in (" 2 ", " 3 ", " 9 ", " 20 "):
        assert hidden not in f" {text} "


def test_a_stage_of_one_satisfied_in_six_is_withheld():
    """Item 5: "17% of 6 responses" would give back 1 satisfied person."""
    journey = pd.DataFrame(
        [["Fenland", "referral", 1, 6], ["Fenland", "treatment", 30, 40]],
        columns=["area", "stage", "satisfied", "responses"],
    )
    section = build_engagement_section(EngagementInputs(journey=journey))
    table = section.tables[0].data
    assert table.loc[0, "Satisfied (%)"] == "*" and table.loc[0, "Responses"] == 6
    assert all("17%" not in f.text for f in section.findings)
    assert list(section.charts[0].data["area_name"]) == ["Treatment"]


def test_a_theme_raised_by_three_participants_does_not_print_the_three():
    themes = (
        Theme("Access", "Waits were long.", mentions=3),
        Theme("Housing", "Few places.", mentions=40),
    )
    findings = build_engagement_section(EngagementInputs(themes=themes)).findings
    assert findings[0].text == "Access: Waits were long."
    assert findings[1].text == "Housing: Few places. (raised by 40 participants)"


# --- redaction (items 6 and 7) --------------------------------------------------------


def test_known_names_given_as_text_is_one_name_not_its_letters(tmp_path):
    """Item 7: ``known_names: John Smith`` used to be split into letters."""
    config = tmp_path / "a.yaml"
    config.write_text("area: Peterborough\nengagement: {known_names: Xanthe Quill}\n")
    assert load_config(config).engagement.known_names == ["Xanthe Quill"]
    assert read_engagement({"known_names": "Xanthe Quill"}).known_names == ("Xanthe Quill",)
    assert redact("Quill rang", known_names="Xanthe Quill") == "[name] rang"
    assert redact("a e i o u", known_names="Xanthe Quill") == "a e i o u"


def test_theme_titles_and_group_names_are_redacted():
    """Item 6: free text outside the quotes is redacted too."""
    inputs = EngagementInputs(
        participants=pd.DataFrame(
            {
                "group": ["Dr Patel's clients"],
                "method": ["Calls to 07700 900123"],
                "participants": [40],
            }
        ),
        themes=(Theme("What JOHN SMITH said", "Summary by sarah jones.", quotes=("Fine.",)),),
        caveats="Ask mohammed al-hassan.",
    )
    section = build_engagement_section(inputs)
    everything = " ".join(
        [section.summary, *(f.text for f in section.findings)]
        + [str(v) for t in section.tables for v in t.data.to_numpy().ravel()]
    )
    for personal in ("Patel", "07700", "JOHN", "SMITH", "sarah", "jones", "al-hassan"):
        assert personal not in everything, personal


def test_a_quote_left_empty_by_redaction_is_dropped_with_a_note():
    inputs = EngagementInputs(
        themes=(Theme("Access", "Long waits.", quotes=("Sarah Jones", "Too long.")),)
    )
    with pytest.warns(RedactionWarning, match=r"theme 1 \('Access'\), quote 1: dropped"):
        section = build_engagement_section(inputs)
    assert section.findings[0].text == "Access: Long waits. \u201cToo long.\u201d"


# --- publishing (items 8 and 9) -------------------------------------------------------


def test_one_blocked_target_keeps_the_old_report_and_says_so(
    tmp_path, monkeypatch, default_assessment
):
    """Item 8: with one target blocked (a folder where the PDF goes), the old HTML used to
    be replaced while the CLI said "Nothing was written". Now nothing moves at all."""
    out = tmp_path / "out"
    out.mkdir()
    stem = report.output_stem(default_assessment)
    (out / f"{stem}.html").write_text("old report\n")
    (out / f"{stem}.pdf").mkdir()  # in the way of the new PDF
    (out / f"{stem}.pdf" / "notes.txt").write_text("mine\n")
    before = _files(tmp_path)

    def render(_assessment, paths, **_options):  # the renderers are not what is tested here
        for path in paths.values():
            Path(path).write_text("new\n")
        return paths

    monkeypatch.setattr(cli_report, "build_assessment", lambda *a, **k: default_assessment)
    monkeypatch.setattr(report, "render_formats", render)
    result = CliRunner().invoke(
        main, ["report", "--out", str(out), "--format", "html", "--format", "pdf"]
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().endswith(
        f"Error: {out / (stem + '.pdf')} is a folder; cannot replace it with the new "
        f"{stem}.pdf (move or rename that folder)\nNothing was written to {out}."
    )
    assert _files(tmp_path) == before  # the old HTML and the folder's file, untouched
    assert sorted(p.name for p in out.iterdir()) == [f"{stem}.html", f"{stem}.pdf"]


# --- the index -------------------------------------------------------------------------


@pytest.mark.parametrize("module", sorted(CATALOGUES))
def test_every_catalogued_case_still_exists(module):
    tree = ast.parse((TESTS / module).read_text(encoding="utf-8"))
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    missing = [name for name in CATALOGUES[module] if name not in defined]
    assert not missing, f"{module} no longer has {missing}: update CATALOGUES"
