"""An export is the whole file or none (services/export_file.py), used by the report, audit and rejection exports."""

from __future__ import annotations

import pytest

from lpt_desktop.services.export_file import write_atomically


def listed(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "_isolated")  # the suite's own home folders


def test_the_file_is_written_whole_and_replaces_the_old_one(tmp_path):
    target = tmp_path / "audit.csv"
    target.write_bytes(b"old")
    assert write_atomically(target, b"new,contents\n") == target
    assert target.read_bytes() == b"new,contents\n"
    assert listed(tmp_path) == ["audit.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_part_file(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"the earlier report")
    with pytest.raises(TypeError):
        write_atomically(target, "not bytes")  # type: ignore[arg-type]  # fails mid-write, after the temp file
    assert target.read_bytes() == b"the earlier report"
    assert listed(tmp_path) == ["report.pdf"]


def test_a_missing_folder_is_an_error_not_a_file_elsewhere(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "no such folder" / "x.pdf", b"%PDF")
    assert listed(tmp_path) == []
