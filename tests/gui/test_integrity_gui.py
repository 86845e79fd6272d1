"""The window tells the officer when the caseload file is damaged (issue 14, items 6 and 7): a check of every
page after the caseload is painted, a message once and a red note in the status bar until the lock, a lock that
cancels the check, and the words about a damaged -wal kept aside."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from lpt_desktop.gui import integrity_actions
from lpt_desktop.services.cases import add_person
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.services.unlock import unlock as open_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock

PAGE = 4096


@pytest.fixture(autouse=True)
def no_delay(monkeypatch):
    monkeypatch.setattr(integrity_actions, "START_DELAY_MS", 0)


def _caseload(folder: Path) -> Path:
    path = folder / "c.lptdb"
    db = create_caseload(path, PASSPHRASE, "Sam Jones", "LPT0007", kdf=KdfParams.fast())
    for i in range(40):
        add_person(db, crn=f"X{i:06d}", first_name="Ada", last_name=f"Page{i}", date_of_birth=date(1980, 1, 1),
                   preferred_name="n" * 900)
    db.close()
    return path


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_whole_file_is_checked_quietly(make_window, qtbot, tmp_path):
    window = make_window(_caseload(tmp_path))
    unlock(qtbot, window, PASSPHRASE)
    controller = window.feature("integrity")
    qtbot.waitUntil(lambda: controller.report is not None, timeout=20000)
    assert controller.report.whole
    assert controller.warnings == [] and not controller.note.isVisible()


def test_damage_beyond_page_one_is_told_once_and_stays_in_the_status_bar(make_window, qtbot, tmp_path):
    path = _caseload(tmp_path)
    data = bytearray(path.read_bytes())
    data[69 * PAGE + 1000] ^= 0xFF  # page 70, as in the issue
    path.write_bytes(bytes(data))
    before = _hashes(tmp_path)
    window = make_window(path)
    titles: list[str] = []
    show = window.show_message
    window.show_message = lambda icon, title, text: (titles.append(title), show(icon, title, text))[1]
    unlock(qtbot, window, PASSPHRASE)
    controller = window.feature("integrity")
    assert window.caseload_view.model.rowCount() == 40  # the caseload is painted first, as if nothing were wrong
    qtbot.waitUntil(lambda: controller.note.isVisible(), timeout=20000)
    box = window.last_message
    assert box.windowTitle() == "The caseload file is damaged"
    assert "page 70" in box.text() and "central store" in box.text() and "backup" in box.text()
    assert controller.note.text() == "⚠ Caseload file damaged"
    box.accept()
    qtbot.mouseClick(controller.note, Qt.MouseButton.LeftButton)  # the words again, on demand
    assert window.last_message is not box and "page 70" in window.last_message.text()
    window.last_message.accept()
    window.lock()
    assert not controller.note.isVisible()
    unlock(qtbot, window, PASSPHRASE)  # found again, shown in the status bar, not a second message box
    qtbot.waitUntil(lambda: controller.note.isVisible(), timeout=20000)
    assert titles.count("The caseload file is damaged") == 2  # told once, and once more when clicked
    window.lock()
    # A read still running at the lock (the caseload's columns) is interrupted and closes its connection as it
    # returns, a moment later: SQLite then removes the -wal and -shm it kept. They must go.
    qtbot.waitUntil(lambda: not [p for p in tmp_path.iterdir() if p.name.endswith(("-wal", "-shm"))], timeout=10000)
    assert _hashes(tmp_path) == before  # the check never wrote to the file


def test_the_lock_cancels_a_check_in_progress(make_window, qtbot, tmp_path, monkeypatch):
    started = []

    def slow_check(db):
        started.append(True)
        with db.engine.connect() as conn:  # as long as a big file takes; the lock interrupts it
            conn.exec_driver_sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000000)"
                                 " SELECT count(*) FROM n").scalar()
        raise AssertionError("not interrupted")

    monkeypatch.setattr(integrity_actions, "_check", slow_check)
    window = make_window(_caseload(tmp_path))
    unlock(qtbot, window, PASSPHRASE)
    controller = window.feature("integrity")
    qtbot.waitUntil(lambda: bool(started), timeout=20000)
    window.lock()
    assert controller.job is None
    assert window.ops.wait_idle(20)
    qtbot.wait(50)
    assert controller.warnings == [] and not controller.note.isVisible()


def test_a_damaged_log_kept_aside_is_told_with_where_the_copy_is(make_window, qtbot, tmp_path):
    path = _caseload(tmp_path)
    db = open_caseload(path, PASSPHRASE)
    add_person(db, crn="W000001", first_name="Wal", last_name="Left", date_of_birth=date(1980, 1, 1))
    wal = path.with_name(path.name + "-wal")
    left = {p: p.read_bytes() for p in (path, wal)}  # as a writer that stopped would leave them
    db.close()
    for p, content in left.items():
        p.write_bytes(content)
    damaged = bytearray(left[wal])
    damaged[32 + 24 + 100] ^= 0xFF  # the first frame's page
    wal.write_bytes(bytes(damaged))
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    controller = window.feature("integrity")
    qtbot.waitUntil(lambda: controller.note.isVisible(), timeout=20000)
    [copy] = tmp_path.glob("c.lptdb-wal.damaged-*")
    assert copy.read_bytes() == bytes(damaged)
    box = window.last_message
    assert box.windowTitle() == "Recent changes could not be recovered"
    assert str(copy) in box.text() and "do not delete it" in box.text()
    assert "Recent changes lost" in controller.note.text() or "warnings" in controller.note.text()
