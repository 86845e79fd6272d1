"""Damage beyond page 1 (issue 14, item 7): the whole-file check (store/integrity.py) and `lpt check`.

A flipped byte in page 70 used to go unnoticed: the caseload, what is due and the contacts all read and saved
as if nothing had happened. The check reads every page; `lpt check --db PATH` exits 0 when the file is whole
and non-zero with what is damaged otherwise; neither writes to the file.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from lpt_desktop.cli import main
from lpt_desktop.services.caseload import load_caseload
from lpt_desktop.services.cases import add_person
from lpt_desktop.services.unlock import check_file, create_caseload, unlock
from lpt_desktop.store.keyfile import KdfParams, key_path_for
from tests.conftest import PASSPHRASE

PAGE = 4096


@pytest.fixture(scope="module")
def caseload_bytes(tmp_path_factory) -> tuple[bytes, bytes]:
    """A caseload of 40 people closed cleanly, about 120 pages: its database and key file bytes."""
    folder = tmp_path_factory.mktemp("integrity")
    path = folder / "c.lptdb"
    with pytest.MonkeyPatch.context() as mp:  # module-wide: keep SQLCipher's log out of the real home
        mp.setenv("XDG_STATE_HOME", str(folder / "state"))
        db = create_caseload(path, PASSPHRASE, "Sam Jones", "LPT0007", kdf=KdfParams.fast())
        for i in range(40):
            add_person(db, crn=f"X{i:06d}", first_name="Ada", last_name=f"Page{i}", date_of_birth=date(1980, 1, 1),
                       preferred_name="n" * 900)
        db.close()
    assert len(path.read_bytes()) >= 80 * PAGE
    return path.read_bytes(), key_path_for(path).read_bytes()


def _lay_out(folder: Path, files: tuple[bytes, bytes], data: bytes | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "c.lptdb"
    path.write_bytes(files[0] if data is None else data)
    key_path_for(path).write_bytes(files[1])
    return path


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _flip(data: bytes, page: int, at: int = 1234) -> bytes:
    flipped = bytearray(data)
    flipped[(page - 1) * PAGE + at] ^= 0x01
    return bytes(flipped)


def test_a_whole_file_checks_out(tmp_path, caseload_bytes):
    path = _lay_out(tmp_path / "w", caseload_bytes)
    db = unlock(path, PASSPHRASE)
    try:
        report = check_file(db)
    finally:
        db.close()
    assert report.whole and report.problems == ()
    assert report.pages == len(caseload_bytes[0]) // PAGE


def test_a_flipped_byte_in_page_70_is_found_and_named(tmp_path, caseload_bytes):
    """The issue's case: reading the caseload still works, so only the check can say the file is damaged."""
    path = _lay_out(tmp_path / "f", caseload_bytes, _flip(caseload_bytes[0], 70))
    before = _hashes(path.parent)
    db = unlock(path, PASSPHRASE)
    try:
        assert len(load_caseload(db)) == 40  # unnoticed by the everyday reads
        report = check_file(db)
    finally:
        db.close()
    assert not report.whole and report.bad_pages == (70,)
    message = report.officer_message()
    assert "c.lptdb" in message and "is damaged" in message and "page 70" in message
    assert "central store" in message and "backup" in message and "Do not delete" in message
    assert _hashes(path.parent) == before  # the check only reads


def test_a_flipped_byte_in_every_later_page_is_found(tmp_path, caseload_bytes):
    pages = len(caseload_bytes[0]) // PAGE
    for page in range(2, pages + 1):
        folder = tmp_path / f"p{page}"
        path = _lay_out(folder, caseload_bytes, _flip(caseload_bytes[0], page, at=(page * 37) % (PAGE - 16) + 16))
        before = _hashes(folder)
        try:
            db = unlock(path, PASSPHRASE)
        except Exception as exc:  # noqa: BLE001 - a page the open itself reads: named as damaged there
            assert "damaged" in str(exc), page
        else:
            try:
                report = check_file(db)
            finally:
                db.close()
            assert page in report.bad_pages, page
        assert _hashes(folder) == before, page


# -- lpt check ---------------------------------------------------------------------------------------------------
def _lpt_check(path: Path, monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setenv("LPT_PASSPHRASE", PASSPHRASE)
    code = main(["check", "--db", str(path)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_lpt_check_exits_0_for_a_whole_file(tmp_path, caseload_bytes, monkeypatch, capsys):
    path = _lay_out(tmp_path / "w", caseload_bytes)
    before = _hashes(path.parent)
    code, out, err = _lpt_check(path, monkeypatch, capsys)
    assert (code, err) == (0, "")
    assert "c.lptdb is whole" in out and "pages checked" in out
    assert _hashes(path.parent) == before


def test_lpt_check_names_a_damaged_page_and_exits_1(tmp_path, caseload_bytes, monkeypatch, capsys):
    path = _lay_out(tmp_path / "f", caseload_bytes, _flip(caseload_bytes[0], 70))
    before = _hashes(path.parent)
    code, out, err = _lpt_check(path, monkeypatch, capsys)
    assert code == 1 and out == ""
    assert "is damaged" in err and "page 70" in err and "HMAC verification failed for page 70" in err
    assert _hashes(path.parent) == before


@pytest.mark.parametrize("damage", ["one byte", "page one", "cut at a page"])
def test_lpt_check_on_a_file_that_does_not_open_exits_non_zero_and_changes_nothing(tmp_path, caseload_bytes,
                                                                                   monkeypatch, capsys, damage):
    data = {"one byte": b"\x00", "page one": _flip(caseload_bytes[0], 1, at=2000),
            "cut at a page": caseload_bytes[0][:30 * PAGE]}[damage]
    path = _lay_out(tmp_path / "d", caseload_bytes, data)
    before = _hashes(path.parent)
    code, out, err = _lpt_check(path, monkeypatch, capsys)
    assert code != 0 and out == ""
    assert "damaged" in err or "cut short" in err
    assert _hashes(path.parent) == before
