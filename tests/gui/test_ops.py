"""The window's one way to the database (gui/ops.py): reads on the pool, writes on one writer thread in the
order asked, changes announced by the services, results only to a live owner of the current caseload, and a
lock that waits for the writer (and says so at the next unlock when it could not)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from PySide6.QtWidgets import QLabel

from lpt_desktop.gui import ops as ops_module
from lpt_desktop.services.cases import add_person
from lpt_desktop.services.changes import Change
from lpt_desktop.services.contacts import save_note_template
from lpt_desktop.services.errors import WrongThread
from tests.conftest import PASSPHRASE
from tests.gui.conftest import on_writer, unlock

pytestmark = pytest.mark.gui


def _ready(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    assert window.is_unlocked
    qtbot.waitUntil(lambda: window.ops.running == 0, timeout=20000)
    return window


def test_a_write_off_the_writer_thread_is_refused_and_writes_nothing(make_window, qtbot, demo_db):
    window = _ready(qtbot, make_window, demo_db)
    db = window.ops.db
    before = len(window.caseload_view.model.records)
    with pytest.raises(WrongThread, match="off the writer thread"):
        add_person(db, crn="X555001", first_name="Off", last_name="Thread", date_of_birth=date(1990, 1, 1))
    # The same from a pool thread that is not the writer (as a read would be).
    errors: list[BaseException] = []
    job = window.ops.query(lambda d: add_person(d, crn="X555002", first_name="Read", last_name="Pool",
                                                date_of_birth=date(1990, 1, 1)),
                           on_error=errors.append)
    assert job is not None
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert isinstance(errors[0], WrongThread)
    from lpt_desktop.services.caseload import load_caseload

    assert len(load_caseload(db)) == before  # nothing was half-written
    # On the writer it is accepted.
    on_writer(qtbot, window, add_person, crn="X555003", first_name="Right", last_name="Thread",
              date_of_birth=date(1990, 1, 1))
    assert len(load_caseload(db)) == before + 1


def test_writes_run_one_at_a_time_in_the_order_asked_on_one_thread(make_window, qtbot, demo_db):
    window = _ready(qtbot, make_window, demo_db)
    seen: list[tuple[int, int]] = []
    active = [0]
    overlapped = []

    def step(_db, n: int) -> int:
        active[0] += 1
        overlapped.append(active[0] > 1)
        time.sleep(0.01)
        seen.append((n, threading.get_ident()))
        active[0] -= 1
        return n

    results: list[int] = []
    for n in range(12):
        window.ops.write(step, n, on_ok=results.append)
    qtbot.waitUntil(lambda: len(results) == 12, timeout=10000)
    assert [n for n, _t in seen] == list(range(12)) == results
    assert {t for _n, t in seen} == {window.ops.writer_ident}
    assert not any(overlapped)


def test_a_write_announces_what_its_services_changed_and_a_read_nothing(make_window, qtbot, demo_db):
    window = _ready(qtbot, make_window, demo_db)
    announced: list[Change] = []
    window.ops.changed.connect(announced.append)
    done = []
    window.ops.query(lambda db: None, on_ok=done.append)
    window.ops.write(save_note_template, "Home visit", "Seen:\nHome:\n", on_ok=done.append)
    qtbot.waitUntil(lambda: len(done) == 2, timeout=10000)
    assert announced == [Change.TEMPLATE]
    # A new case announces CASE, and the caseload reloads by itself.
    rows = len(window.caseload_view.model.records)
    on_writer(qtbot, window, add_person, crn="X555004", first_name="New", last_name="Case",
              date_of_birth=date(1991, 2, 3))
    assert announced[-1] == Change.CASE
    qtbot.waitUntil(lambda: len(window.caseload_view.model.records) == rows + 1, timeout=10000)
    # A failed write announces nothing.
    failed: list[BaseException] = []
    window.ops.write(lambda db: add_person(db, crn="not a CRN", first_name="Bad", last_name="Crn",
                                           date_of_birth=None), on_error=failed.append)
    qtbot.waitUntil(lambda: bool(failed), timeout=10000)
    assert announced[-1] == Change.CASE and len(announced) == 2


def test_a_result_goes_only_to_a_live_owner(make_window, qtbot, demo_db):
    window = _ready(qtbot, make_window, demo_db)
    owner = QLabel("owner")
    got: list[object] = []
    gate = threading.Event()
    window.ops.query(lambda db: gate.wait(5) and "late", on_ok=got.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner), timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: window.ops.running == 0, timeout=10000)
    assert got == []


def _alive(obj) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


def test_a_result_from_before_a_lock_is_dropped(make_window, qtbot, demo_db):
    window = _ready(qtbot, make_window, demo_db)
    got: list[object] = []
    failed: list[BaseException] = []
    gate = threading.Event()
    window.ops.query(lambda db: gate.wait(5), on_ok=got.append, on_error=failed.append)
    window.lock("user")
    gate.set()
    qtbot.waitUntil(lambda: window.ops.running == 0, timeout=10000)
    assert got == [] and failed == []
    assert window.ops.query(lambda db: 1, on_ok=got.append) is None  # locked: nothing runs


def test_the_lock_waits_for_queued_writes(make_window, qtbot, demo_db):
    window = _ready(qtbot, make_window, demo_db)

    def slow_template(db, name: str) -> None:
        time.sleep(0.3)
        save_note_template(db, name, "Heading:\n")

    for i in range(3):
        window.ops.write(slow_template, f"Queued {i}")
    window.lock("user")
    assert window.stack.currentWidget() is window.unlock_page
    unlock(qtbot, window, PASSPHRASE)
    from lpt_desktop.services.contacts import note_templates

    assert {f"Queued {i}" for i in range(3)} <= set(note_templates(window.ops.db))
    assert window.last_message is None or "Not saved" not in window.last_message.windowTitle()


def test_a_write_the_lock_could_not_wait_for_is_reported_at_the_next_unlock(make_window, qtbot, demo_db,
                                                                             monkeypatch):
    window = _ready(qtbot, make_window, demo_db)
    monkeypatch.setattr(ops_module, "LOCK_WAIT_SECONDS", 0.2)
    release = threading.Event()

    def stuck(db) -> None:
        release.wait(5)
        save_note_template(db, "Never", "x")

    window.ops.write(stuck, label="the stuck template")
    window.ops.write(save_note_template, "Behind it", "y", label="the template behind it")
    started = time.monotonic()
    window.lock("user")
    assert time.monotonic() - started < 2.0  # the lock is bounded
    release.set()
    unlock(qtbot, window, PASSPHRASE)
    box = window.last_message
    qtbot.waitUntil(lambda: window.last_message is not None and window.last_message.windowTitle()
                    == "Not saved before the lock", timeout=10000)
    box = window.last_message
    assert "the stuck template" in box.text() and "the template behind it" in box.text()
    from lpt_desktop.services.contacts import note_templates

    assert not {"Never", "Behind it"} & set(note_templates(window.ops.db))  # and not written later either


def test_a_write_that_fails_part_way_still_announces_what_it_committed(make_window, qtbot, demo_db):
    """A sync cut after some pages, or a save whose next step fails: what committed is announced all the same."""
    window = _ready(qtbot, make_window, demo_db)
    announced: list[Change] = []
    window.ops.changed.connect(announced.append)
    failed: list[BaseException] = []

    def save_then_fail(db) -> None:
        save_note_template(db, "Committed first", "Heading:\n")
        raise OSError("the step after the save")

    window.ops.write(save_then_fail, on_error=failed.append)
    qtbot.waitUntil(lambda: bool(failed), timeout=10000)
    assert isinstance(failed[0], OSError) and announced == [Change.TEMPLATE]


def test_typing_queued_behind_a_sync_waiting_on_the_network_is_still_written_at_lock(make_window, qtbot, demo_db,
                                                                                    monkeypatch):
    window = _ready(qtbot, make_window, demo_db)
    monkeypatch.setattr(ops_module, "LOCK_WAIT_SECONDS", 0.2)

    def sync_waiting_on_the_network(db) -> None:
        time.sleep(1.0)  # an HTTP read that has not timed out yet; the sync stops at its next step

    window.ops.write(sync_waiting_on_the_network, label="sync", cut_ok=True)
    window.ops.write(save_note_template, "Typed at lock", "Heading:\n", label="the typing")
    window.lock("user")
    unlock(qtbot, window, PASSPHRASE)
    from lpt_desktop.services.contacts import note_templates

    assert "Typed at lock" in note_templates(window.ops.db)
    assert window.last_message is None or window.last_message.windowTitle() != "Not saved before the lock"


def test_an_unlock_finishing_after_quit_is_not_delivered_and_its_caseload_is_closed(make_window, qtbot, demo_db,
                                                                                    monkeypatch):
    """Closing the window while the unlock is still deriving its key: the unlock finishes later, on its thread.
    Its result must not reach the gone window (features asked a shut pool for work: RuntimeError in the event
    loop, seen when the machine was busy), and the caseload it opened is closed."""
    from lpt_desktop.gui import main_window
    from lpt_desktop.store.database import Database

    started, go = threading.Event(), threading.Event()
    opened: list[Database] = []
    real = main_window._unlock_and_load

    def slow_unlock(path, passphrase):
        started.set()
        go.wait(10)
        db, rows = real(path, passphrase)
        opened.append(db)
        return db, rows

    monkeypatch.setattr(main_window, "_unlock_and_load", slow_unlock)
    window = make_window(demo_db)
    edit = window.unlock_page.ui.passphraseEdit
    qtbot.waitUntil(lambda: edit.isEnabled(), timeout=20000)
    edit.setText(PASSPHRASE)
    window.unlock_page.ui.unlockButton.click()
    assert started.wait(10)
    ops = window.ops
    threading.Timer(0.3, go.set).start()  # the unlock finishes while the window is quitting
    window.close()
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    qtbot.wait(300)  # the result's delivery runs now, in this event loop: nothing may be raised
    assert not window.is_unlocked and ops.db is None
    assert ops.query(lambda db: None) is None and ops.background(lambda: None) is None
    assert not opened[0].is_open  # closed: nothing holds the caseload open after quit


def test_a_refusal_is_not_logged_as_an_error_and_a_fault_is(make_window, qtbot, demo_db, caplog):
    """Every ordinary validation refusal was an ERROR line in the log (ten in one walk of the case record)."""
    import logging

    from lpt_desktop.domain.validation import FieldError, ValidationError

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    errors: list[BaseException] = []

    def refuse(db):
        raise ValidationError([FieldError("Email", "write it as name@example.org")])

    def fail(db):
        raise OSError("disk")

    with caplog.at_level(logging.INFO, logger="lpt_desktop.gui.ops"):
        window.ops.write(refuse, on_error=errors.append, label="save details")
        window.ops.write(fail, on_error=errors.append, label="save more")
        qtbot.waitUntil(lambda: len(errors) == 2, timeout=10000)
    records = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "lpt_desktop.gui.ops"]
    assert ("INFO", "write save details refused: 1 problem") in records
    assert not any(level == "ERROR" and "save details" in text for level, text in records)
    assert any(level == "ERROR" and "save more" in text for level, text in records)
    assert not any("name@example.org" in text for _level, text in records)  # no values in the log
