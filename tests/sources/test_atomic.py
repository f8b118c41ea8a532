"""dana._atomic: whole-or-nothing writes used by the cache, the generator and the CLI."""

import os
import stat

import pytest

from dana._atomic import write_bytes_atomic


def test_writes_the_bytes_readable_by_others_and_creates_the_folder(tmp_path):
    target = tmp_path / "new" / "file.bin"
    write_bytes_atomic(target, b"abc")
    assert target.read_bytes() == b"abc"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert os.listdir(target.parent) == ["file.bin"]  # no temporary file left


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")

    def refuse(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_bytes_atomic(target, b"new contents")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["file.bin"]
