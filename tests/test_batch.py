"""Every area's reports in one run (dana.batch, ``dana batch --reports``): each area's
files whole, progress per area and format, and a full disk stopping the run with the
areas done, the area that failed and why."""

from __future__ import annotations

import errno
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from dana import batch, report
from dana.assess.model import Area
from dana.cli import main

PETERBOROUGH, LUTON = "E06000031", "E06000032"


@pytest.fixture(scope="module")
def catalogue():
    from dana.catalogue import load_catalogue

    return load_catalogue()


@pytest.fixture(scope="module")
def sample():
    """The small hand-built sample (tests/render/sample.py): five charts, HTML ~104 kB."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "render"))
    from sample import build_sample_assessment

    return build_sample_assessment()


def test_each_area_gets_its_own_title(default_assessment):
    """The default config's title names Peterborough: each area's config clears it, so
    the report is titled for its own area."""
    assert "Peterborough" in default_assessment.title
    assert batch.area_config(LUTON).title == "" and batch.area_config(LUTON).area == LUTON


def test_two_areas_on_two_workers_each_whole_with_progress(
    sample, catalogue, tmp_path, monkeypatch
):
    fake = _Reports(sample, full_at="")
    monkeypatch.setattr(batch, "build_assessment", fake.build)  # inherited by forked workers
    monkeypatch.setattr(batch, "area_config", replace_area)
    events = []
    result = batch.write_area_reports(
        ["E1", "E2"], None, catalogue, tmp_path, ["html", "pptx"],
        workers=2, progress=events.append, names={"E1": "Area E1", "E2": "Area E2"},
    )  # fmt: skip
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        f"dana-needs-assessment-area-e{i}.{f}" for i in (1, 2) for f in ("html", "pptx")
    ]
    assert {r.code for r in result.reports} == {"E1", "E2"}
    assert result.files == 4 and result.bytes == sum(p.stat().st_size for p in tmp_path.iterdir())
    for code in ("E1", "E2"):
        kinds = [(e.kind, e.fmt) for e in events if e.code == code]
        # started, each format as it is written (the longest first), then done: in order
        assert kinds == [("started", ""), ("format", "pptx"), ("format", "html"), ("done", "")]
        assert [e.name for e in events if e.code == code][0] == f"Area {code}"
    html = (tmp_path / "dana-needs-assessment-area-e2.html").read_text(encoding="utf-8")
    assert "<h1>Drug and alcohol needs assessment: Area E2</h1>" in html


class _Reports:
    """Stand-ins for the expensive parts: each area 'built' as the small sample renamed,
    and an HTML renderer that writes a real file, or fills the disk half way through
    one area (a partial file, then ENOSPC)."""

    def __init__(self, assessment, full_at: str):
        self.assessment, self.full_at = assessment, full_at

    def build(self, config, **_):
        area = Area(code=config.area, name=f"Area {config.area}", area_type="utla")
        title = f"Drug and alcohol needs assessment: {area.name}"
        return replace(self.assessment, area=area, title=title)

    def render(self, assessment, path, **_):
        with open(path, "wb") as out:
            out.write(b"<html>" + b"x" * 1000)
            if assessment.area.code == self.full_at:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
            out.write(b"</html>")
        return Path(path)


def test_a_full_disk_stops_with_the_areas_done_whole(
    default_assessment, catalogue, tmp_path, monkeypatch
):
    fake = _Reports(default_assessment, full_at="E2")
    monkeypatch.setattr(batch, "build_assessment", fake.build)
    monkeypatch.setattr(batch, "area_config", replace_area)
    monkeypatch.setitem(report.RENDERERS, "html", fake.render)
    events = []
    with pytest.raises(batch.BatchStopped) as stopped:
        batch.write_area_reports(
            ["E1", "E2", "E3"], None, catalogue, tmp_path, ["html"], workers=1,
            progress=events.append,
        )  # fmt: skip
    result = stopped.value.result
    assert [r.code for r in result.reports] == ["E1"]
    assert result.failure.code == "E2" and result.failure.disk_full
    assert "no space left" in result.failure.reason.lower()
    assert result.not_started == ("E3",)
    # the finished area's file is whole; nothing of the failed area, no staging left over
    (only,) = tmp_path.iterdir()
    assert only.read_bytes().endswith(b"</html>")
    assert not [p for p in tmp_path.parent.iterdir() if p.name.startswith(".dana-render-")]
    assert [e.kind for e in events if e.code == "E2"] == [batch.STARTED, batch.FAILED]


def replace_area(code: str):
    from types import SimpleNamespace

    return SimpleNamespace(area=code)


def test_the_cli_says_what_was_done_when_the_disk_fills(sample, tmp_path, monkeypatch):
    fake = _Reports(sample, full_at=LUTON)
    monkeypatch.setattr(batch, "build_assessment", fake.build)
    monkeypatch.setattr(batch, "area_config", replace_area)
    monkeypatch.setitem(report.RENDERERS, "html", fake.render)
    result = CliRunner().invoke(
        main,
        ["batch", "--out", str(tmp_path), "--areas", f"{PETERBOROUGH},{LUTON}", "--reports", "html",
         "--workers", "1"],
    )  # fmt: skip
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "Stopped: the report for Luton (E06000032) failed: the output folder is full" in out
    assert "1 area(s) are complete" in out and "Luton's files were not written" in out
    assert "Free some space" in out
    assert [p.name for p in (tmp_path / "areas").iterdir()] == [
        f"dana-needs-assessment-area-{PETERBOROUGH.lower()}.html"
    ]
    assert (tmp_path / "all_areas_summary.csv").is_file()  # the summary was already written


@pytest.mark.parametrize("value", ["html,svg", "pdf,png"])
def test_unknown_report_formats_are_refused_before_any_work(value, tmp_path):
    result = CliRunner().invoke(main, ["batch", "--out", str(tmp_path / "o"), "--reports", value])
    assert result.exit_code != 0 and "expected some of html, docx, pdf, pptx" in result.output
    assert not (tmp_path / "o").exists()


def _mount_tmpfs(folder: Path, size: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the fake full disk above covers it")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")


def test_a_real_full_device_stops_the_batch_cleanly(sample, catalogue, tmp_path, monkeypatch):
    """A 280 kB tmpfs holds two areas' files (about 104 kB each) and fills during the third."""
    folder = tmp_path / "small"
    folder.mkdir()
    _mount_tmpfs(folder, "280k")
    try:
        monkeypatch.setattr(batch, "build_assessment", _Reports(sample, full_at="").build)
        monkeypatch.setattr(batch, "area_config", replace_area)
        with pytest.raises(batch.BatchStopped) as stopped:
            batch.write_area_reports(
                [f"E{i}" for i in range(1, 9)], None, catalogue, folder / "areas", ["html"],
                workers=1,
            )  # fmt: skip
        result = stopped.value.result
        assert result.failure.disk_full and result.reports
        files = sorted((folder / "areas").iterdir())
        assert len(files) == len(result.reports)
        for path in files:  # every finished area's file whole
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>")
        leftovers = [p for p in folder.iterdir() if p.name != "areas"]
        assert leftovers == []  # the failed area's staging folder is gone
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True, timeout=30)


def test_each_area_is_built_without_the_default_areas_register_and_evidence():
    # the default register and engagement evidence are Peterborough's: linked to
    # Peterborough's findings, they would stop (or mislead) another area's report
    config = batch.area_config("E06000001")  # Hartlepool
    assert config.area == "E06000001"
    assert config.recommendations is None and config.engagement is None
    assert batch.area_config("E06000031").recommendations is None
