"""No case data in plaintext anywhere on disk: database, WAL, key file, logs, temp, settings."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from lpt_desktop import logs
from lpt_desktop.paths import default_db_path, log_dir, user_data_dir
from lpt_desktop.services.caseload import load_caseload
from lpt_desktop.services.cases import (
    add_person,
    add_registration,
    add_requirement,
    add_sentence,
    open_case,
    update_person,
)
from lpt_desktop.services.unlock import create_caseload, unlock
from lpt_desktop.store.keyfile import KdfParams, key_path_for
from tests.conftest import PASSPHRASE

TODAY = date(2026, 11, 23)
NEEDLES = ("Zebedee", "Quaxworthy", "NEEDLE-7731-PLAINTEXT", "Q998877", "PROHIBITED-5150-NEEDLE",
           "REGNOTE-2468-NEEDLE")


def _patterns(needles) -> list[tuple[str, bytes]]:
    return [(n, enc) for n in needles for enc in (n.encode("utf-8"), n.encode("utf-16-le"))]


def _files_under(*roots: Path) -> list[Path]:
    files: set[Path] = set()
    for root in roots:
        if root.is_file():
            files.add(root)
        elif root.is_dir():
            files.update(p for p in root.rglob("*") if p.is_file())
    return sorted(files)


def find_plaintext(roots, needles=NEEDLES) -> list[str]:
    """'file: needle' for every file under roots that holds a needle in UTF-8 or UTF-16-LE."""
    hits = []
    patterns = _patterns(needles)
    for path in _files_under(*roots):
        data = path.read_bytes()
        hits.extend(f"{path}: {n!r}" for n, enc in patterns if enc in data)
    return sorted(set(hits))


@pytest.fixture
def app_logging():
    """The app's own rotating log, in the isolated log directory, at DEBUG so nothing is held back."""
    root = logging.getLogger()
    saved = [h for h in root.handlers if getattr(h, "_lpt", False)]
    level = root.level
    for h in saved:
        root.removeHandler(h)
    logs.setup_logging(logging.DEBUG)
    logging.getLogger("lpt_desktop").debug("test run started")
    yield log_dir()
    for h in [h for h in root.handlers if getattr(h, "_lpt", False)]:
        h.close()
        root.removeHandler(h)
    for h in saved:
        root.addHandler(h)
    root.setLevel(level)


def _write_case(db) -> str:
    pid = add_person(db, crn="Q998877", first_name="Zebedee", last_name="Quaxworthy",
                     date_of_birth=date(1984, 7, 9), today=TODAY, individual_needs="NEEDLE-7731-PLAINTEXT",
                     tier="B2", rosh="H", pnc="2003/0456789K")
    sid = add_sentence(db, pid, order_type="CO", start_date=date(2026, 9, 1), end_date=date(2028, 9, 1),
                       court="Preston Crown Court")
    add_requirement(db, sid, "PROH", {"activity": "PROHIBITED-5150-NEEDLE"})
    add_registration(db, pid, "ADVP", date(2026, 10, 1), notes="REGNOTE-2468-NEEDLE")
    return pid


def _all_roots(isolated_dirs, db_path: Path) -> list[Path]:
    return [db_path.parent, log_dir(), *isolated_dirs.all()]


def test_the_scanner_finds_what_it_looks_for(isolated_dirs):
    """The scan can fail: a needle written in either encoding anywhere in the isolated dirs is found."""
    (isolated_dirs.tmp / "a.bin").write_bytes(b"\x00\x01" + "Quaxworthy".encode("utf-16-le") + b"\xff")
    (isolated_dirs.config / "deep" / "er").mkdir(parents=True)
    (isolated_dirs.config / "deep" / "er" / "b.ini").write_text("name=Zebedee\n", encoding="utf-8")
    hits = find_plaintext(isolated_dirs.all())
    assert len(hits) == 2
    assert any("a.bin" in h and "Quaxworthy" in h for h in hits)
    assert any("b.ini" in h and "Zebedee" in h for h in hits)


def test_dirs_are_isolated(isolated_dirs):
    assert user_data_dir().is_relative_to(isolated_dirs.data)
    assert log_dir().is_relative_to(isolated_dirs.state) or log_dir().is_relative_to(isolated_dirs.home)
    import tempfile

    assert Path(tempfile.gettempdir()) == isolated_dirs.tmp


def test_no_plaintext_on_disk_while_open_and_after_close(isolated_dirs, app_logging):
    db_path = default_db_path()
    db = create_caseload(db_path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    try:
        pid = _write_case(db)
        record = open_case(db, pid)
        assert record.individual_needs == "NEEDLE-7731-PLAINTEXT"
        assert [r.crn for r in load_caseload(db, TODAY)] == ["Q998877"]
        update_person(db, pid, preferred_name="Zebedee", disabilities="NEEDLE-7731-PLAINTEXT again")

        # Still open, after committed writes: the WAL holds the recent pages, and must be ciphertext too.
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0
        open_files = [db_path, wal, db_path.with_name(db_path.name + "-shm"), key_path_for(db_path)]
        assert find_plaintext([p for p in open_files if p.exists()]) == []
        assert find_plaintext(_all_roots(isolated_dirs, db_path)) == []
    finally:
        db.close()

    # Closed: database, key file, logs (ours and SQLCipher's), temp, config, cache, data, state.
    scanned = _files_under(*_all_roots(isolated_dirs, db_path))
    assert db_path in scanned and key_path_for(db_path) in scanned
    assert any(p.is_relative_to(log_dir()) for p in scanned)  # the log exists and was scanned
    assert find_plaintext(_all_roots(isolated_dirs, db_path)) == []

    # And the data really is there, behind the passphrase.
    db = unlock(db_path, PASSPHRASE)
    try:
        assert open_case(db, pid).name == "Zebedee Quaxworthy"
    finally:
        db.close()
    assert find_plaintext(_all_roots(isolated_dirs, db_path)) == []


def test_no_plaintext_after_a_failed_unlock(isolated_dirs, app_logging):
    """Error paths (wrong passphrase, damaged file) log and report without case data."""
    db_path = default_db_path()
    db = create_caseload(db_path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    try:
        _write_case(db)
    finally:
        db.close()
    from lpt_desktop.store.errors import StoreError

    with pytest.raises(StoreError):
        unlock(db_path, "wrong passphrase")
    assert find_plaintext(_all_roots(isolated_dirs, db_path)) == []


def test_cli_leaves_no_plaintext(isolated_dirs, tmp_path):
    """`lpt demo` and `lpt caseload` (real processes, real logging) leave names and CRNs only on stdout."""
    db_path = isolated_dirs.data / "cli.lptdb"
    env = isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE)
    made = subprocess.run([sys.executable, "-m", "lpt_desktop.cli", "demo", "--db", str(db_path), "--cases", "5",
                           "--contacts-per-case", "2", "--seed", "9", "--quiet"],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    listed = subprocess.run([sys.executable, "-m", "lpt_desktop.cli", "caseload", "--db", str(db_path), "--json"],
                            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)
    assert len(items) == 5
    needles = [i["crn"] for i in items] + [i["name"] for i in items]
    assert find_plaintext(isolated_dirs.all(), needles) == []
    assert listed.stderr == ""
