"""A user's mistake in a config or register: one clear message, rc != 0, nothing written.

Each case runs ``dana report`` as a user would and checks the exact message (naming the
config file and key), the exit code, and that the folder holds only what was there.
None of these runs a full build: each mistake is found before the expensive steps.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dana import cli_report
from dana.assess import load_config
from dana.assess.config import KEY_INDICATORS
from dana.catalogue import load_catalogue
from dana.cli import main

REGISTER = (
    "- number: 1\n  title: T\n  key_finding: K\n  description: D\n  timescale: short\n"
    "  population: adult\n  outcome_areas: [HARM]\n"
)


def _report(folder: Path, config_text: str, *, extra_files: dict[str, str] | None = None):
    """Write the config (and any files it names) in ``folder``, run ``dana report`` on it
    writing to ``folder/out``, and return (exit code, output, config path)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (extra_files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    config = folder / "assessment.yaml"
    config.write_text(config_text, encoding="utf-8")
    before = sorted(p.name for p in folder.iterdir())
    result = CliRunner().invoke(
        main, ["report", "--config", str(config), "--out", str(folder / "out")]
    )
    assert "Traceback" not in result.output
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing written
    return result.exit_code, result.output, config


@pytest.fixture
def no_build(monkeypatch):
    """Fail the test if the report is built: these mistakes must be found before."""

    def build(*_args, **_kwargs):
        raise AssertionError("the assessment must not be built from a bad config")

    monkeypatch.setattr(cli_report, "build_assessment", build)


@pytest.mark.parametrize(
    ("engagement", "message"),
    [
        pytest.param(
            "{known_names: 5}",
            "engagement.known_names: Input should be a valid list",
            id="known_names-not-a-list",
        ),
        pytest.param(
            "{min_responses: null}",
            "engagement.min_responses: Input should be a valid integer",
            id="min_responses-null",
        ),
        pytest.param(  # 0 would publish a percentage of a single response
            "{min_responses: 0}",
            "engagement.min_responses: Input should be greater than or equal to 1",
            id="min_responses-zero",
        ),
        pytest.param(
            "5",
            "engagement: expected a mapping of keys (key: value), got 5",
            id="engagement-not-a-mapping",
        ),
    ],
)
def test_bad_engagement_settings(tmp_path, no_build, engagement, message):
    code, output, config = _report(tmp_path, f"area: Peterborough\nengagement: {engagement}\n")
    assert code == 1
    assert f"Error: {config}: {message}\n" in output


def test_register_with_findings_not_a_list(tmp_path, no_build):
    code, output, config = _report(
        tmp_path,
        "area: Peterborough\nrecommendations: recs.yaml\n",
        extra_files={"recs.yaml": REGISTER + "  findings: 5\n"},
    )
    assert code == 1
    assert (
        f"Error: {config}: recommendations: {tmp_path / 'recs.yaml'}: entry 1 (number 1): "
        "findings: Input should be a valid list" in output
    )


def test_unknown_key_indicator(tmp_path, monkeypatch):
    def never(*_args, **_kwargs):
        raise AssertionError("no indicator may be compared before the ids are checked")

    monkeypatch.setattr("dana.assess.build.build_indicator_results", never)
    code, output, config = _report(
        tmp_path,
        "area: Peterborough\ndata: {builtin: cambridgeshire-peterborough}\n"
        "comparators: {neighbours: null}\n"
        "key_indicators: ['92432', 'ndtms:adults_in_treatment_drugs', local:nope]\n",
    )
    assert code == 1
    assert (
        f"Error: {config}: key_indicators[1]: 'ndtms:adults_in_treatment_drugs' is not an "
        "indicator in the catalogue or the data (did you mean "
        "'ndtms:adults_in_treatment_drug'?); key_indicators[2]: 'local:nope' is not an "
        "indicator in the catalogue or the data\n"
        f"Nothing was written to {tmp_path / 'out'}." in output
    )


def test_the_default_key_indicators_are_all_in_the_catalogue():
    assert set(KEY_INDICATORS) <= set(load_catalogue().ids)


def test_fingertips_cache_with_a_missing_cache_dir(tmp_path, no_build):
    code, output, config = _report(
        tmp_path,
        "area: Peterborough\ndata: {fingertips_cache: true, cache_dir: no_such_cache}\n",
    )
    assert code == 1
    assert (
        f"Error: {config}: data.cache_dir: folder not found: {tmp_path / 'no_such_cache'} "
        "(data.fingertips_cache is true)" in output
    )


def test_fingertips_cache_with_no_cache_anywhere(tmp_path, monkeypatch, no_build):
    monkeypatch.setenv("DANA_CACHE_DIR", str(tmp_path / "nowhere"))
    code, output, config = _report(tmp_path, "area: Peterborough\ndata: {fingertips_cache: true}\n")
    assert code == 1
    assert (
        f"Error: {config}: data.fingertips_cache: no Fingertips cache at {tmp_path / 'nowhere'} "
        "($DANA_CACHE_DIR or ~/.cache/dana): run `dana fetch` first, or set data.cache_dir"
        in output
    )


def test_relative_cache_dir_is_resolved_from_the_config_folder(tmp_path, monkeypatch):
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (project / "cache").mkdir(parents=True)
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the working folder has no cache: it must not be used
    text = "area: Peterborough\ndata: {builtin: none, fingertips_cache: true, cache_dir: cache}\n"
    (project / "assessment.yaml").write_text(text, encoding="utf-8")
    assert load_config(project / "assessment.yaml").fingertips_cache_dir() == project / "cache"
    # the cache the config names exists but holds nothing: said, not built from nothing
    code, output, config = _report(project, text)
    assert code == 1
    assert (
        f"Error: {config}: data.fingertips_cache: the Fingertips cache {project / 'cache'} "
        "holds no downloaded indicator data: run `dana fetch` first, or set data.cache_dir"
        in output
    )
    assert list(elsewhere.iterdir()) == []


def test_output_directory_that_is_a_file_fails_before_the_build(tmp_path, no_build):
    (tmp_path / "reports").write_text("not a folder", encoding="utf-8")
    config = tmp_path / "assessment.yaml"
    config.write_text("area: Peterborough\noutput: {directory: reports}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", "--config", str(config)])
    assert result.exit_code == 1
    assert (
        f"Error: {config}: output.directory: {tmp_path / 'reports'} is a file, not a folder; "
        f"cannot write into {tmp_path / 'reports'}" in result.output
    )
    assert (tmp_path / "reports").read_text(encoding="utf-8") == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assessment.yaml", "reports"]
