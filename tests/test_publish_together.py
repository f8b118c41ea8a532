"""All-or-nothing publication of several files (dana report, dana batch)."""

import stat

import pytest

from dana._atomic import publish_together


def test_every_file_arrives_with_normal_permissions(tmp_path):
    out = tmp_path / "out"

    def make(staging):
        (staging / "a.csv").write_text("x\n")
        (staging / "b.csv").write_text("y\n")
        return [staging / "a.csv", staging / "b.csv"]

    written = publish_together(out, make)
    assert [p.name for p in written] == ["a.csv", "b.csv"]
    assert (out / "b.csv").read_text() == "y\n"
    assert stat.S_IMODE((out / "a.csv").stat().st_mode) & 0o044  # readable by others
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left


def test_a_failure_publishes_nothing_and_keeps_what_was_there(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_text("old\n")

    def make(staging):
        (staging / "a.csv").write_text("new\n")
        raise RuntimeError("second file failed")

    with pytest.raises(RuntimeError, match="second file failed"):
        publish_together(out, make)
    assert (out / "a.csv").read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("blocked", ["out", "out/2025"])
def test_a_file_in_the_way_fails_before_anything_is_made(tmp_path, blocked):
    (tmp_path / "out").write_text("a file, not a folder\n")
    target = tmp_path / blocked
    made = []

    def make(staging):
        made.append(staging)
        return []

    with pytest.raises(NotADirectoryError) as error:
        publish_together(target, make)
    assert str(error.value) == (
        f"{tmp_path / 'out'} is a file, not a folder; cannot write into {target}"
    )
    assert made == []  # nothing was rendered only to be thrown away
    assert (tmp_path / "out").read_text() == "a file, not a folder\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
