"""Catalogue of bad source inputs: one named case per kind, the exact message a user sees
(file, row, column), and that nothing was written.

Each case builds its input in a fresh folder, runs the reader (or the CLI command) a
user would run, and checks (a) the message, word for word where it names the place,
(b) that no traceback reached the user, and (c) that the folder holds exactly the
files it held before (nothing half-written, no cache entry added).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from dana.cli import main
from dana.sources import (
    ResponseCache,
    SourceFileError,
    read_engagement,
    read_indicator_file,
    read_source,
    read_user_text,
)

RECORDINGS = Path(__file__).parent / "recordings"
HEADER = "indicator_id,area_code,period,count,denominator,value_type"
DATA_URL = (
    "http://127.0.0.1/api/all_data/csv/by_indicator_id?indicator_ids=92432"
    "&child_area_type_id=502&parent_area_type_id=6&include_sortable_time_periods=yes"
)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@dataclass
class Case:
    """What went in, what the user read, and whether the folder was left untouched."""

    message: str
    before: dict[str, bytes]
    after: dict[str, bytes]


def _read_fails(folder: Path, read) -> Case:
    before = _files(folder)
    with pytest.raises(SourceFileError) as caught:
        read()
    return Case(str(caught.value), before, _files(folder))


def _cli(folder: Path, *args) -> tuple[Case, object]:
    before = _files(folder)
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception  # a clear message, never a traceback
    return Case(" ".join(result.output.split()), before, _files(folder)), result


# --- 3 (second half): XLSX formula cell with no saved value --------------------------------


def test_xlsx_formula_without_saved_value_is_refused_not_read_as_blank(tmp_path):
    path = tmp_path / "local.xlsx"
    book = openpyxl.Workbook()  # openpyxl writes formulas without calculated values
    sheet = book.active
    sheet.title = "Figures"
    sheet.append(HEADER.split(","))
    sheet.append(["local:police_drug_offences", "E06000031", "2021/22", 12, None, "count"])
    sheet.append(["local:police_drug_offences", "E06000031", "2022/23", "=B2*0+3", None, "count"])
    book.save(path)
    case = _read_fails(tmp_path, lambda: read_indicator_file(path))
    assert case.message == (
        f"{path}, row 3, column 'count': worksheet 'Figures' cell D3 holds the formula"
        " '=B2*0+3' but no saved value (the workbook was written by a program that does not"
        " calculate formulas): open it in Excel or LibreOffice and save it again, or type"
        " the value"
    )
    assert case.after == case.before


# --- 10: tracebacks from the cache ----------------------------------------------------------


def _cache_with_recording(folder: Path) -> ResponseCache:
    cache = ResponseCache(folder)
    cache.put(
        DATA_URL,
        (RECORDINGS / "data_92432_502.csv").read_bytes(),
        kind="indicator_data",
        info={"indicator_ids": "92432", "child_area_type_id": "502"},
    )
    return cache


def test_truncated_cache_body_on_disk_is_named_not_a_traceback(tmp_path):
    _cache_with_recording(tmp_path)
    body = next((tmp_path / "responses").glob("*.body"))
    body.write_bytes(body.read_bytes()[:400])  # cut short behind the cache's back
    case, result = _cli(tmp_path, "data", "show", "92432", "--cache-dir", str(tmp_path))
    assert result.exit_code == 1
    assert (
        f"1 cache entry in {tmp_path} could not be used and were ignored (its body (400 bytes)"
        " does not match the hash recorded when it was downloaded (truncated or changed on"
        f" disk): {body.with_suffix('.json').name}); run `dana fetch` again" in case.message
    )
    assert f"nothing cached for indicator 92432 in {tmp_path}" in case.message
    assert case.after == case.before


def test_truncated_body_cached_whole_says_refresh(tmp_path):
    cache = ResponseCache(tmp_path)
    body = (RECORDINGS / "data_92432_502.csv").read_bytes()
    cache.put(DATA_URL, body[:700], kind="indicator_data", info={"indicator_ids": "92432"})
    case, result = _cli(tmp_path, "data", "show", "92432", "--cache-dir", str(tmp_path))
    assert result.exit_code == 1
    assert case.message.startswith(f"Error: {tmp_path}: a cached response cannot be read (")
    assert "row 3 has 9 fields, expected 27" in case.message
    assert case.message.endswith("run `dana fetch --refresh` to download it again")
    assert case.after == case.before


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("status", "OK", "status 'OK' is not an HTTP status number"),
        ("retrieved", "yesterday", "retrieved 'yesterday' is not an ISO date-time"),
        ("info", {"child_area_type_id": "county"}, "unknown area type 'county'"),
    ],
)
def test_cache_metadata_from_another_version_is_reported(tmp_path, field, value, reason):
    _cache_with_recording(tmp_path)
    meta_path = next((tmp_path / "responses").glob("*.json"))
    meta = json.loads(meta_path.read_text())
    meta[field] = value
    meta_path.write_text(json.dumps(meta))
    case, result = _cli(tmp_path, "data", "list", "--cache-dir", str(tmp_path))
    assert result.exit_code == 0
    assert f"Damaged cache entry ignored: {meta_path}: {reason}" in case.message
    assert case.after == case.before


def test_cache_metadata_with_naive_time_or_friendly_area_type_is_read(tmp_path):
    """Documented result: a naive ``retrieved`` is UTC, "utla" is area type 502."""
    _cache_with_recording(tmp_path)
    meta_path = next((tmp_path / "responses").glob("*.json"))
    meta = json.loads(meta_path.read_text())
    meta["retrieved"] = "2026-01-02T03:04:05"
    meta["info"]["child_area_type_id"] = "utla"
    meta_path.write_text(json.dumps(meta))
    entry = ResponseCache(tmp_path).entries()[0]
    assert entry.retrieved.isoformat() == "2026-01-02T03:04:05+00:00"
    assert entry.info["child_area_type_id"] == "502"
    case, result = _cli(tmp_path, "data", "show", "92432", "--cache-dir", str(tmp_path))
    assert result.exit_code == 0 and "retrieved 2026-01-02" in case.message


# --- 11: a header-only source file ------------------------------------------------------------


def test_header_only_source_file_is_an_error_not_an_empty_assessment(tmp_path):
    path = tmp_path / "local.csv"
    path.write_text(HEADER + "\n\n")
    case = _read_fails(tmp_path, lambda: read_source({"type": "local", "path": str(path)}))
    assert case.message == (
        f"{path}, row 2: the file has a header row but no data rows: there is nothing to read"
        " (read as a local indicator file in DANA's template (CSV/XLSX), type local)"
    )
    assert case.after == case.before


# --- 12: unclear messages -----------------------------------------------------------------------


def test_cp1252_themes_yaml_names_the_file_line_and_how_to_resave(tmp_path):
    (tmp_path / "themes.yaml").write_bytes(
        b"themes:\n  - theme: Access\n    summary: People didn\x92t know\n"
    )
    case = _read_fails(tmp_path, lambda: read_engagement({"themes": "themes.yaml"}, tmp_path))
    assert case.message == (
        # "    summary: People didn" is 24 characters: the byte is column 25
        f"{tmp_path / 'themes.yaml'}: the themes YAML is not UTF-8 text: byte 0x92 ('’' in"
        " Windows-1252) at line 3, column 25 cannot be read; re-save it as UTF-8 (Excel: File"
        " > Save As > 'CSV UTF-8'; a text editor: save with encoding UTF-8)"
    )
    assert case.after == case.before


def test_cp1252_config_or_register_through_the_shared_reader(tmp_path):
    path = tmp_path / "register.yaml"
    path.write_bytes(b"recommendations:\n  - title: Caf\xe9 outreach\n")
    case = _read_fails(tmp_path, lambda: read_user_text(path, what="recommendations register"))
    assert case.message.startswith(
        f"{path}: the recommendations register is not UTF-8 text: byte 0xe9 ('é' in"
        " Windows-1252) at line 2, column 15"
    )


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(b"\xef\xbb\xbfarea: E06000031\n")
    assert read_user_text(path) == "area: E06000031\n"


@pytest.mark.parametrize("kind", ["journey", "participants"])
def test_empty_engagement_csv_names_the_file(tmp_path, kind):
    (tmp_path / f"{kind}.csv").write_bytes(b"")
    case = _read_fails(tmp_path, lambda: read_engagement({kind: f"{kind}.csv"}, tmp_path))
    assert case.message == f"{tmp_path / f'{kind}.csv'}: the {kind} CSV is empty"
    assert case.after == case.before


def test_empty_register_names_the_file(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("\n \n")
    case = _read_fails(tmp_path, lambda: read_user_text(path, what="recommendations register"))
    assert case.message == f"{path}: the recommendations register is empty"


def test_zero_denominator_in_a_local_file_names_the_files_row_and_column(tmp_path):
    path = tmp_path / "local.csv"
    path.write_text(
        HEADER + "\n"
        "local:school_survey_alcohol,E06000031,2021/22,12,400,proportion\n"
        "local:school_survey_alcohol,E06000031,2022/23,0,0,proportion\n"
    )
    case = _read_fails(tmp_path, lambda: read_indicator_file(path))
    assert case.message == (
        f"{path}, row 3, column 'denominator': denominator is 0: no rate, proportion or ratio"
        " can be computed from it (leave the cell empty if the group size is not known)"
    )
    assert case.after == case.before


def test_blank_line_does_not_shift_the_reported_row(tmp_path):
    path = tmp_path / "journey.csv"
    path.write_text(
        "area,stage,satisfied,responses\n"
        "Peterborough,referral,41,52\n"
        "\n"
        "Peterborough,assessment,44,forty\n"
    )
    case = _read_fails(tmp_path, lambda: read_engagement({"journey": "journey.csv"}, tmp_path))
    assert case.message == (
        f"{path}, row 4, column 'responses': 'forty' is not a whole number >= 0"
    )
    assert case.after == case.before


# --- breakdowns, shares, projections and neighbour lists (the depth data) ----------------

VIEWIT_HEADER = (
    "ReportingPeriod,Area,sex,age_group,drug_group,intreatment_allintx,eth_white_allintx,"
    "eth_asian_allintx"
)


def test_breakdown_parts_exceeding_their_total_name_row_and_column(tmp_path):
    from dana.sources import read_viewit_export

    path = tmp_path / "viewit.csv"
    path.write_text(
        f"{VIEWIT_HEADER}\n"
        "2021/22,England,Total,Total,Total,1100,900,150\n"
        "2022/23,England,Total,Total,Total,1000,900,150\n"  # 1,050 of 1,000: too many
    )
    case = _read_fails(tmp_path, lambda: read_viewit_export(path))
    assert case.message == (
        f"{path}, row 3, column 'eth_asian_allintx': ndtms:in_treatment for E92000001,"
        " 2022/23, Persons, 18+ yrs: 'Ethnic group' breakdown: its 2 categories add up to"
        " 1050, more than the total 1000 by more than rounding to 5 allows (7.5)"
    )
    assert case.after == case.before


def test_rounded_breakdown_within_rounding_is_accepted_beyond_it_refused(tmp_path):
    from dana.sources import read_viewit_export

    path = tmp_path / "viewit.csv"
    header = "ReportingPeriod,Area,sex,age_group,drug_group,intreatment_allintx,eth_white_allintx"
    # LA layout (rounded to 5): one category 5 over the total is rounding (2.5 + 2.5) ...
    path.write_text(f"{header}\n2021/22,Barnet,Total,Total,Total,100,105\n")
    assert len(read_viewit_export(path, {"Barnet": "E09000003"})) == 2
    # ... 10 over is not
    path.write_text(f"{header}\n2021/22,Barnet,Total,Total,Total,100,110\n")
    case = _read_fails(tmp_path, lambda: read_viewit_export(path, {"Barnet": "E09000003"}))
    assert case.message == (
        f"{path}, row 2, column 'eth_white_allintx': ndtms:in_treatment for E09000003,"
        " 2021/22, Persons, 18+ yrs: 'Ethnic group' breakdown: category 'White' counts 110,"
        " more than the total 100"
    )


def _census_2021(path: Path, percents: list[float]) -> None:
    """A Census 2021 long file for one area, counts 100 per group, given percentages."""
    from dana.breakdowns import CATEGORIES_2021
    from dana.sources.census_ethnicity import HIGH_LEVEL_PREFIX_2021

    prefix = {group: label for label, group in HIGH_LEVEL_PREFIX_2021.items()}
    lines = ['"ltla21_code","ltla21_name","ethnic_group","value"']
    labels = [f"{prefix[g]}: {c}" for g, cats in CATEGORIES_2021.items() for c in cats]
    lines += [f'"E06000031","Peterborough","{label} (number)",100' for label in labels]
    lines += [
        f'"E06000031","Peterborough","{label} (percent)",{p}'
        for label, p in zip(labels, percents, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")


def test_census_shares_not_summing_to_100_within_rounding(tmp_path):
    from dana.sources.census_ethnicity import read_census_ethnic_group

    path = tmp_path / "ethnicity.csv"
    # 19 groups of 100: each 5.263...% printed 5.3 sums to 100.7, within 19 x 0.05 = 0.95
    _census_2021(path, [5.3] * 19)
    assert read_census_ethnic_group(path)["count"].notna().all()
    # one share typed as 15.3 makes the sum 110.7: refused, naming the first share's row
    _census_2021(path, [15.3] + [5.3] * 18)
    case = _read_fails(tmp_path, lambda: read_census_ethnic_group(path))
    assert case.message == (
        f"{path}, row 21, column 'value': the Census 2021 percentages of E06000031 add up"
        " to 110.7, not 100 within rounding to 0.1"
    )
    assert case.after == case.before


FIXTURES = Path(__file__).parent / "fixtures"


def test_projection_without_the_assessed_area_or_base_year(tmp_path):
    from dana.sources.ons_projections import read_snpp

    path = tmp_path / "snpp.csv"
    path.write_bytes((FIXTURES / "snpp_2018_population.csv").read_bytes())
    case = _read_fails(tmp_path, lambda: read_snpp(path, area_code="E08000026"))
    assert case.message == (
        f"{path}, column 'AREA_CODE': the assessed area E08000026 is not in the projection"
        " file (2 areas, e.g. E06000031)"
    )
    case = _read_fails(tmp_path, lambda: read_snpp(path, base_year=2022))
    assert case.message == (
        f"{path}, row 1, column '2018': base year 2022 not found: this projection starts in"
        " 2018 (years 2018-2043); is it another release?"
    )
    assert case.after == case.before


def test_neighbour_list_naming_an_unknown_area(tmp_path):
    from dana.sources.neighbour_list import read_neighbour_list

    path = tmp_path / "cipfa.csv"
    path.write_text("rank,neighbour\n1,Luton\n2,Swindon\n3,Nowhereshire\n")
    case = _read_fails(tmp_path, lambda: read_neighbour_list(path, area_code="E06000031"))
    assert case.message.startswith(
        f"{path}, row 4, column 'neighbour': unknown area 'Nowhereshire'; did you mean"
    )
    assert case.after == case.before
    path.write_text("rank,neighbour\n1,Luton\n2,Peterborough\n")
    case = _read_fails(tmp_path, lambda: read_neighbour_list(path, area_code="E06000031"))
    assert case.message == (
        f"{path}, row 3, column 'neighbour': 'Peterborough' is the assessed area itself"
    )
