"""Whole-or-nothing publishing: staging inside the output folder, swap with rollback, and
recovery of runs killed outright (SIGKILL) at every step, on a real tmpfs mount too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dana import _atomic
from dana._atomic import PAUSE_VARIABLE, STAGING_PREFIX, publish_together, recover_staging

NAMES = ("report.html", "report.docx", "report.pdf")


def _old_set(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        (out / name).write_text(f"old {name}\n")


def _contents(out: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(out.iterdir())}


OLD = {name: f"old {name}\n" for name in sorted(NAMES)}
NEW = {name: f"new {name}\n" for name in sorted(NAMES)}


def _make(staging: Path) -> list[Path]:
    for name in NAMES:
        (staging / name).write_text(f"new {name}\n")
    return [staging / name for name in NAMES]


def test_staging_is_made_inside_the_output_folder_and_removed(tmp_path):
    out = tmp_path / "out"
    seen = []

    def make(staging):
        seen.append(staging)
        return _make(staging)

    publish_together(out, make)
    assert seen[0].parent == out and seen[0].name.startswith(f"{STAGING_PREFIX}{os.getpid()}-")
    assert _contents(out) == NEW
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # nothing beside it


def test_a_move_that_fails_midway_puts_every_old_file_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _old_set(out)
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append((Path(src).name, Path(dst).parent.name))
        # moves: old html aside, new html in, old docx aside, new docx in <- fails
        if len(calls) == 4:
            raise PermissionError(13, "Permission denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(_atomic.os, "replace", failing_replace)
    with pytest.raises(PermissionError):
        publish_together(out, _make)
    monkeypatch.undo()
    assert _contents(out) == OLD  # the old set, whole: the first new file was undone too


def test_a_folder_in_the_way_of_one_file_fails_before_anything_moves(tmp_path):
    out = tmp_path / "out"
    _old_set(out)
    (out / "report.pdf").unlink()
    (out / "report.pdf").mkdir()
    (out / "report.pdf" / "keep.txt").write_text("mine\n")
    with pytest.raises(IsADirectoryError, match=r"report.pdf is a folder; cannot replace it"):
        publish_together(out, _make)
    assert (out / "report.html").read_text() == "old report.html\n"
    assert (out / "report.pdf" / "keep.txt").read_text() == "mine\n"
    assert not list(out.glob(STAGING_PREFIX + "*"))


def test_a_failed_first_run_leaves_no_empty_folder(tmp_path):
    def make(staging):
        raise RuntimeError("renderer failed")

    with pytest.raises(RuntimeError):
        publish_together(tmp_path / "new", make)
    assert list(tmp_path.iterdir()) == []


def test_stale_staging_of_a_dead_run_is_finished_or_removed(tmp_path):
    out = tmp_path / "out"
    _old_set(out)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(dead.stdout)
    never_swapped = out / f"{STAGING_PREFIX}{pid}-render-abc"
    never_swapped.mkdir()
    (never_swapped / "report.html").write_text("half\n")
    live = out / f"{STAGING_PREFIX}{os.getpid()}-render-live"
    live.mkdir()
    removed = recover_staging(out)
    assert removed == [never_swapped] and live.is_dir()  # a live run's folder is left alone
    assert _contents_visible(out) == OLD


_CHILD = """
import sys
from pathlib import Path
from dana._atomic import publish_together
names = {names!r}
def make(staging):
    for name in names:
        (staging / name).write_text(f"new {{name}}\\n")
    return [staging / name for name in names]
publish_together(Path(sys.argv[1]), make)
"""


def _kill_at(step: str, out: Path, command: list[str], timeout: float = 120) -> None:
    """Run ``command`` paused at ``step`` (the test hook), SIGKILL it there."""
    env = {**os.environ, PAUSE_VARIABLE: f"{step}:60"}
    child = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    line = ""
    while time.monotonic() < deadline and f"paused at {step}" not in line:
        line = child.stderr.readline()
        if not line and child.poll() is not None:
            raise AssertionError(f"the run ended before {step} (exit {child.returncode})")
    os.kill(child.pid, signal.SIGKILL)
    child.wait()


@pytest.mark.parametrize(
    ("step", "after_recovery"), [("staged", OLD), ("swapping", NEW), ("swapped", NEW)]
)
def test_a_run_killed_at_any_step_leaves_a_whole_set(tmp_path, step, after_recovery):
    out = tmp_path / "out"
    _old_set(out)
    script = _CHILD.format(names=NAMES)
    _kill_at(step, out, [sys.executable, "-c", script, str(out)])
    visible = {k: v for k, v in _contents_visible(out).items()}
    if step == "staged":
        assert visible == OLD  # nothing had moved
    recover_staging(out)  # what the next run into the folder does first
    assert _contents(out) == after_recovery
    assert not list(out.glob(".*"))  # no staging, no journal, nothing hidden


def _contents_visible(out: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(out.iterdir()) if not p.name.startswith(".")}


def test_the_next_publish_recovers_a_killed_run_first(tmp_path):
    out = tmp_path / "out"
    _old_set(out)
    _kill_at("swapping", out, [sys.executable, "-c", _CHILD.format(names=NAMES), str(out)])
    assert list(out.glob(STAGING_PREFIX + "*"))

    def make(staging):
        (staging / "other.csv").write_text("x\n")
        return [staging / "other.csv"]

    publish_together(out, make)
    assert _contents(out) == {**NEW, "other.csv": "x\n"}


@pytest.fixture
def tmpfs(tmp_path):
    """A fresh tmpfs mounted on a folder (a container volume is a mount point like it)."""
    point = tmp_path / "volume"
    point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(point)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip() or mounted.returncode}")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=False)


MINI = """\
area: Peterborough
comparators: {england: true, region: false, neighbours: null}
sections: [population]
"""


def test_dana_report_on_a_tmpfs_mount_survives_sigkill(tmpfs, tmp_path):
    """The real CLI, writing onto a mount point (old code: "Invalid cross-device link"),
    killed mid-swap; the next run's recovery leaves the complete new report and nothing
    hidden."""
    config = tmp_path / "mini.yaml"
    config.write_text(MINI)
    stem = "dana-needs-assessment-peterborough"
    (tmpfs / f"{stem}.html").write_text("old\n")
    dana = [str(Path(sys.executable).with_name("dana")), "report", "--config", str(config), "--out", str(tmpfs),
            "--format", "html"]  # fmt: skip
    _kill_at("swapping", tmpfs, dana, timeout=300)
    assert list(tmpfs.glob(STAGING_PREFIX + "*"))  # killed outright: its staging is there
    recover_staging(tmpfs)
    # the complete new set: the report and its analyst notes
    assert sorted(p.name for p in tmpfs.iterdir()) == [f"{stem}-analyst-notes.md", f"{stem}.html"]
    assert "<html" in (tmpfs / f"{stem}.html").read_text(encoding="utf-8")[:500].lower()
    # nothing was ever made beside the mount point
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mini.yaml", "volume"]
