"""Sync in the window: enrolment, the status bar's states, offline then draining, conflicts, lock mid-sync.

A real `lpt-central serve` process (SQLite) on a free port, real encrypted caseload files and the real
window offscreen. Other laptops are driven through the services, as another officer's laptop would be.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from lpt_desktop.gui.conflicts_view import ConflictRow, field_rows, show_value
from lpt_desktop.gui.enrol_dialog import address_problem
from lpt_desktop.gui.sync_runner import SyncState, percent
from lpt_desktop.gui.sync_status import ICONS, describe
from lpt_desktop.services import sync as sync_service
from lpt_desktop.services.cases import add_person
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Contact, Person
from tests.conftest import PASSPHRASE
from tests.gui.conftest import on_writer, unlock
from tests.sync.cases import edit, get, new_person
from tests.sync.server import PASSWORD, CentralServer, free_port, sqlite_central

SHOTS = Path(os.environ.get("LPT_SHOTS", "")) if os.environ.get("LPT_SHOTS") else None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with sqlite_central(tmp_path_factory.mktemp("central-gui")) as srv:
        yield srv


@pytest.fixture
def user(server):
    """A fresh officer (and their team) per test, so tests sharing the server never see each other's cases."""
    name = f"om-{uuid.uuid4().hex[:6]}"
    team = f"team-{name}"
    server.add_user(name, team=team)
    return name, team


def new_caseload(path: Path, server: CentralServer | None = None, username: str | None = None) -> Path:
    db = Database.create(path, PASSPHRASE, KdfParams.fast())
    try:
        if server is not None and username is not None:
            sync_service.enrol(db, server.url, username, PASSWORD)
    finally:
        db.close()
    return path


def other_laptop(tmp_path: Path, server: CentralServer, username: str) -> Database:
    db = Database.create(tmp_path / f"other-{uuid.uuid4().hex[:6]}.lptdb", PASSPHRASE, KdfParams.fast())
    sync_service.enrol(db, server.url, username, PASSWORD)
    return db


def open_window(make_window, qtbot, path: Path):
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    assert window.is_unlocked
    return window


def label(window) -> str:
    return window.features["sync"].status.label.text()


def watch_labels(window) -> list[str]:
    seen: list[str] = []
    window.features["sync"].runner.changed.connect(lambda: seen.append(label(window)))
    return seen


def shot(widget, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SHOTS / name))


def synced(window) -> bool:
    return re.fullmatch(r"Synced at \d\d:\d\d", label(window)) is not None


# -- enrolment -----------------------------------------------------------------------------------------
def test_enrol_downloads_the_caseload_with_progress(make_window, qtbot, tmp_path, server, user):
    name, _team = user
    source = other_laptop(tmp_path, server, name)
    for last in ("Walsh", "Okafor", "Brennan"):
        new_person(source, last)
    sync_service.sync_now(source)
    source.close()

    window = open_window(make_window, qtbot, new_caseload(tmp_path / "mine.lptdb"))
    assert label(window) == "Sync: not set up · working offline"
    status_label = window.features["sync"].status.label
    assert status_label.accessibleName() == "Sync status" and status_label.toolTip()
    seen = watch_labels(window)
    window.features["sync"].sync_action.trigger()  # F9 before enrolment offers to set up sync
    dialog = window.features["sync"].dialog
    assert dialog is not None and dialog.isVisible()
    dialog.server.setText(server.url)
    dialog.username.setText(name)
    dialog.password.setText(PASSWORD)
    progress: list[int] = []
    dialog.progress.valueChanged.connect(progress.append)
    qtbot.mouseClick(dialog.sign_in, Qt.MouseButton.LeftButton)
    assert dialog.password.text() == ""  # never kept, not even in the field
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    assert dialog.result_value is not None and not dialog.result_value.cancelled
    assert progress and progress[-1] == 100 and any(0 < p < 100 for p in progress)
    qtbot.waitUntil(lambda: synced(window), timeout=10000)
    assert any(s.startswith("Syncing… ") for s in seen)
    qtbot.waitUntil(lambda: window.caseload_view.model.rowCount() == 3, timeout=10000)
    assert window.features["sync"].sync_action.isEnabled()
    shot(window.statusBar(), "status-synced.png")


@pytest.mark.parametrize(("address", "password", "expect"), [
    ("htp:/nowhere", PASSWORD, "Server address: start it with https://"),
    ("SERVER", "wrong-password", "did not accept that username and password"),
    ("http://127.0.0.1:PORT", PASSWORD, "cannot be reached"),
])
def test_enrol_says_what_went_wrong(make_window, qtbot, tmp_path, server, user, address, password, expect):
    window = open_window(make_window, qtbot, new_caseload(tmp_path / "mine.lptdb"))
    window.features["sync"].show_enrol()
    dialog = window.features["sync"].dialog
    dialog.server.setText(address.replace("SERVER", server.url).replace("PORT", str(free_port())))
    dialog.username.setText(user[0])
    dialog.password.setText(password)
    dialog.sign_in.click()
    qtbot.waitUntil(lambda: not dialog.running and expect in dialog.message.text(), timeout=20000)
    assert dialog.isVisible() and dialog.sign_in.isEnabled()
    runner = window.features["sync"].runner
    assert not runner.state.enrolled and not runner.running
    assert not any(t.isActive() for t in (runner.timer, runner.probe_timer, runner.after_save))  # nothing retries
    assert label(window) == "Sync: not set up · working offline"
    shot(dialog, f"enrol-error-{expect.split()[0].strip(':')}.png")


def test_enrol_cancel_stops_and_leaves_the_laptop_set_up(make_window, qtbot, tmp_path, server, user):
    name, _team = user
    window = open_window(make_window, qtbot, new_caseload(tmp_path / "mine.lptdb"))
    window.features["sync"].show_enrol()
    dialog = window.features["sync"].dialog
    dialog.server.setText(server.url)
    dialog.username.setText(name)
    dialog.password.setText(PASSWORD)
    dialog.sign_in.click()
    assert dialog.running
    dialog.cancel_button.click()  # while signing in: the download stops before it starts
    assert dialog.isVisible() and "Stopping" in dialog.message.text()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    assert dialog.result_value is not None and dialog.result_value.cancelled
    qtbot.waitUntil(lambda: window.ops.running == 0 and window.features["sync"].runner.state.enrolled, timeout=10000)
    # The next sync carries on from where the cancelled one stopped.
    window.features["sync"].sync_action.trigger()
    qtbot.waitUntil(lambda: synced(window), timeout=20000)


def test_lock_during_enrolment_closes_the_dialog_and_stops(make_window, qtbot, tmp_path, server, user):
    window = open_window(make_window, qtbot, new_caseload(tmp_path / "mine.lptdb"))
    window.features["sync"].show_enrol()
    dialog = window.features["sync"].dialog
    dialog.server.setText(server.url)
    dialog.username.setText(user[0])
    dialog.password.setText(PASSWORD)
    dialog.sign_in.click()
    job = window.features["sync"].runner.job
    window.lock("idle")
    assert not dialog.isVisible() and job.cancel_event.is_set()
    qtbot.waitUntil(lambda: window.ops.running == 0, timeout=10000)
    assert not window.features["sync"].status.bar.isVisible() and not label(window).startswith("Syncing")


# -- the status bar through offline and back -----------------------------------------------------------
def test_changes_wait_while_offline_and_drain_when_the_server_returns(make_window, qtbot, tmp_path, server, user):
    name, _team = user
    window = open_window(make_window, qtbot, new_caseload(tmp_path / "mine.lptdb", server, name))
    runner = window.features["sync"].runner
    runner.delay = lambda failures: 0.3 if failures else 120.0  # backoff shortened for the test
    qtbot.waitUntil(lambda: synced(window), timeout=20000)  # unlock syncs an enrolled caseload
    seen = watch_labels(window)

    server.kill()
    try:
        # A save through a service, as the window makes it: the write announces a new case, and the runner
        # counts it as waiting.
        pid = on_writer(qtbot, window, add_person, crn="X480215", first_name="Dana", last_name="Nowak",
                        date_of_birth=date(1990, 4, 1))
        qtbot.waitUntil(lambda: runner.state.waiting == 1, timeout=5000)
        assert label(window) == "1 change waiting"
        shot(window.statusBar(), "status-waiting.png")
        window.features["sync"].sync_action.trigger()  # F9
        qtbot.waitUntil(lambda: label(window).startswith("Offline"), timeout=10000)
        assert label(window) == "Offline · 1 change waiting"
        assert "cannot be reached" in window.features["sync"].status.label.toolTip()
        assert window.isEnabled()  # the window never waited on the network
        shot(window.statusBar(), "status-offline.png")
        # The backoff timer retries (and fails again) meanwhile: waited for, not slept for, so a busy machine
        # (a full run in two processes) cannot make the retry late for the assertion.
        qtbot.waitUntil(lambda: runner.failures >= 2, timeout=10000)
        assert runner.state.offline
    finally:
        server.start()
    qtbot.waitUntil(lambda: synced(window), timeout=15000)
    assert runner.state.waiting == 0 and runner.failures == 0
    assert "Offline · 1 change waiting" in seen and any(s.startswith("Syncing… ") for s in seen)
    other = other_laptop(tmp_path, server, name)
    try:
        assert get(other, Person, pid).last_name == "Nowak"
    finally:
        other.close()


def test_the_probe_syncs_as_soon_as_the_server_answers(make_window, qtbot, tmp_path, server, user):
    name, _team = user
    window = open_window(make_window, qtbot, new_caseload(tmp_path / "mine.lptdb", server, name))
    runner = window.features["sync"].runner
    runner.delay = lambda failures: 600.0  # the timer alone would not try again during this test
    runner.probe_timer.setInterval(200)
    qtbot.waitUntil(lambda: synced(window), timeout=20000)
    server.kill()
    try:
        on_writer(qtbot, window, new_person, "Ferreira")
        window.features["sync"].sync_action.trigger()
        qtbot.waitUntil(lambda: runner.state.offline and runner.probe_timer.isActive(), timeout=10000)
    finally:
        server.start()
    qtbot.waitUntil(lambda: synced(window) and runner.state.waiting == 0, timeout=10000)
    assert not runner.probe_timer.isActive()


# -- conflicts -----------------------------------------------------------------------------------------
def test_a_conflict_from_two_laptops_is_shown_and_resolving_clears_it(make_window, qtbot, tmp_path, server, user):
    name, _team = user
    window = open_window(make_window, qtbot, new_caseload(tmp_path / "mine.lptdb", server, name))
    qtbot.waitUntil(lambda: synced(window), timeout=20000)
    pid = on_writer(qtbot, window, new_person, "Walsh")
    on_writer(qtbot, window, edit, Person, pid, first_language="English")
    window.features["sync"].sync_action.trigger()
    qtbot.waitUntil(lambda: synced(window) and window.features["sync"].runner.state.waiting == 0, timeout=20000)
    other = other_laptop(tmp_path, server, name)  # the officer's second laptop (a manager writes no case data)
    try:
        on_writer(qtbot, window, edit, Person, pid, tier="D0", rosh="H")
        edit(other, Person, pid, tier="A1", rosh="L")
        sync_service.sync_now(other)
        window.features["sync"].sync_action.trigger()
        button = window.features["sync"].status.conflicts
        qtbot.waitUntil(lambda: button.isVisible(), timeout=20000)
        assert button.text() == "1 conflict" and button.accessibleName() == "Sync conflicts"
        shot(window.statusBar(), "status-conflict.png")

        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        view = window.features["sync"].view
        assert window.tabs.currentWidget() is view
        qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=10000)
        row = view.current()
        assert row.case.startswith("Walsh, Dana") and row.what == "Person details"
        fields = {r.name: r for r in view.fields.rows}
        assert (fields["tier"].mine, fields["tier"].theirs, fields["tier"].differs) == ("D0", "A1", True)
        assert view.fields.data(view.fields.index(view.fields.rows.index(fields["tier"]), 3)) == "Differs"
        window.resize(1280, 720)
        shot(window, "sync-conflicts.png")

        # Merge: my tier, their risk level.
        view.use_box("rosh").setCurrentIndex(1)
        qtbot.mouseClick(view.merge, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=10000)
        assert view.empty.isVisible()
        qtbot.waitUntil(lambda: not button.isVisible() and synced(window)
                        and window.features["sync"].runner.state.waiting == 0, timeout=20000)
        sync_service.sync_now(other)
        p = get(other, Person, pid)
        assert (p.tier, p.rosh) == ("D0", "L")
        assert sync_service.list_conflicts(other) == []
    finally:
        other.close()


# -- lock and quit -------------------------------------------------------------------------------------
def test_lock_during_sync_leaves_nothing_running(make_window, qtbot, tmp_path, server, user):
    name, _team = user
    window = open_window(make_window, qtbot, new_caseload(tmp_path / "mine.lptdb", server, name))
    runner = window.features["sync"].runner
    qtbot.waitUntil(lambda: synced(window), timeout=20000)
    for i in range(30):
        on_writer(qtbot, window, new_person, f"Lock{i}")
    assert runner.sync_now() and runner.running
    assert label(window).startswith("Syncing… ") and window.features["sync"].status.bar.isVisible()
    shot(window.statusBar(), "status-syncing.png")
    window.lock_action.trigger()
    assert not window.is_unlocked and not runner.running
    qtbot.waitUntil(lambda: window.ops.running == 0, timeout=10000)
    assert not any(t.isActive() for t in (runner.timer, runner.probe_timer, runner.after_save))
    assert label(window) == "Sync paused while locked" and not window.features["sync"].status.bar.isVisible()
    assert not window.features["sync"].sync_action.isEnabled()
    shot(window.statusBar(), "status-locked.png")
    # Nothing was lost: unlocking syncs again and the outbox drains.
    unlock(qtbot, window, PASSPHRASE)
    qtbot.waitUntil(lambda: synced(window) and runner.state.waiting == 0, timeout=20000)


def test_quit_during_sync_cancels_and_waits(make_window, qtbot, tmp_path, server, user):
    name, _team = user
    window = open_window(make_window, qtbot, new_caseload(tmp_path / "mine.lptdb", server, name))
    runner = window.features["sync"].runner
    qtbot.waitUntil(lambda: synced(window), timeout=20000)
    for i in range(20):
        on_writer(qtbot, window, new_person, f"Quit{i}")
    assert runner.sync_now()
    job = runner.job
    window.close()
    # close() cancelled the sync and waited for it: the worker had stopped before the window went.
    assert job.cancel_event.is_set() and window.ops.wait_idle(0) and not window.is_unlocked
    qtbot.waitUntil(lambda: window.ops.running == 0, timeout=2000)


def test_sign_in_again_waits_for_the_running_sync(make_window, qtbot, tmp_path, server, user):
    name, _team = user
    window = open_window(make_window, qtbot, new_caseload(tmp_path / "mine.lptdb", server, name))
    runner = window.features["sync"].runner
    qtbot.waitUntil(lambda: synced(window), timeout=20000)
    assert window.features["sync"].enrol_action.text() == "Sign in &again…"
    for i in range(20):
        on_writer(qtbot, window, new_person, f"Again{i}")
    assert runner.sync_now()
    first = runner.job
    window.features["sync"].show_enrol()
    dialog = window.features["sync"].dialog
    assert dialog.server.text() == server.url and dialog.username.text() == name
    dialog.password.setText(PASSWORD)
    dialog.sign_in.click()
    second = runner.job
    # The first is cancelled; the one writer runs the second only after the first has stopped.
    assert second is not first and first.cancel_event.is_set()
    assert runner.sync_now() and runner.job is second  # still one at a time
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    assert not dialog.result_value.cancelled
    qtbot.waitUntil(lambda: synced(window) and runner.state.waiting == 0, timeout=20000)


# -- the words and numbers, directly -------------------------------------------------------------------
NOW = datetime(2026, 11, 23, 15, 0).astimezone()
TODAY_UTC = NOW.astimezone(UTC).replace(tzinfo=None)


@pytest.mark.parametrize(("state", "text"), [
    (SyncState(), "Sync: not set up · working offline"),
    (SyncState(enrolled=True, locked=True), "Sync paused while locked"),
    (SyncState(enrolled=True, locked=False, busy=True, percent=42), "Syncing… 42%"),
    (SyncState(enrolled=False, locked=False, busy=True, percent=7), "Syncing… 7%"),  # enrolment
    # Enrolment begun before the unlock's status read came back (locked still set until it does).
    (SyncState(enrolled=False, locked=True, busy=True, percent=7), "Syncing… 7%"),
    (SyncState(enrolled=True, locked=False, offline=True), "Offline"),
    (SyncState(enrolled=True, locked=False, offline=True, waiting=3), "Offline · 3 changes waiting"),
    (SyncState(enrolled=True, locked=False, waiting=1), "1 change waiting"),
    (SyncState(enrolled=True, locked=False, waiting=12), "12 changes waiting"),
    (SyncState(enrolled=True, locked=False), "Not synced yet"),
    (SyncState(enrolled=True, locked=False, last_synced_at=TODAY_UTC), f"Synced at {NOW:%H:%M}"),
    (SyncState(enrolled=True, locked=False, last_synced_at=TODAY_UTC - timedelta(days=2)),
     f"Synced {NOW - timedelta(days=2):%d/%m/%Y} at {NOW:%H:%M}"),
    (SyncState(enrolled=True, locked=False, error="Refused"), "Sync failed"),
    (SyncState(enrolled=True, locked=False, needs_sign_in=True, waiting=2), "Sync: sign in again · 2 changes waiting"),
    # Derived from what waits (sync/status.overall), not from when a sync last worked: never "Synced" falsely.
    (SyncState(enrolled=True, locked=False, rejected=2, last_synced_at=TODAY_UTC), "Not synced"),
    (SyncState(enrolled=True, locked=False, rejected=1, waiting=3, last_synced_at=TODAY_UTC),
     "Not synced · 3 changes waiting"),
    (SyncState(enrolled=True, locked=False, conflicts=1, last_synced_at=TODAY_UTC), "Not synced: your choice needed"),
    (SyncState(enrolled=True, locked=False, waiting=1, last_synced_at=TODAY_UTC), "1 change waiting"),
    (SyncState(enrolled=True, locked=False, offline=True, rejected=1, last_synced_at=TODAY_UTC), "Offline"),
])
def test_status_words(state, text):
    said, tip, icon = describe(state, NOW)
    assert said == text and tip and icon in ICONS


@pytest.mark.parametrize(("phase", "done", "total", "pct"), [
    ("push", 0, 10, 0), ("push", 5, 10, 20), ("push", 10, 10, 40), ("push", 0, 0, 40),
    ("pull", 0, 100, 40), ("pull", 50, 100, 65), ("pull", 100, 100, 90), ("pull", 7, -1, 90),
    ("pull", 200, 100, 90), ("verify", 0, -1, 95),
])
def test_one_bar_for_the_whole_sync(phase, done, total, pct):
    assert percent(phase, done, total) == pct


@pytest.mark.parametrize(("address", "problem"), [
    ("https://lpt-central.example", None), ("http://127.0.0.1:8080", None), ("https://lpt.example/base", None),
    ("", "Server address: type the address"), ("lpt-central.example", "Server address: start it with"),
    ("ftp://lpt.example", "Server address: start it with"), ("https://", "Server address: start it with"),
    ("https://lpt.example:99999", "Server address: the port"), ("https://lpt.example:abc", "Server address: the port"),
    ("https://lpt .example", "Server address: must not contain spaces"),
])
def test_address_problems(address, problem):
    found = address_problem(address)
    assert (found is None) if problem is None else (found or "").startswith(problem)


@pytest.mark.parametrize(("value", "shown"), [
    (None, "(empty)"), ("", "(empty)"), (True, "Yes"), (False, "No"), ("2026-11-23", "23/11/2026"),
    ("2026-11-23T10:30:00", "23/11/2026 10:30"), ("A1", "A1"), (3, "3"), (["a", "b"], "a, b"),
])
def test_values_read_as_an_officer_expects(value, shown):
    assert show_value(value) == shown


def test_field_rows_put_the_conflicting_fields_first_and_mark_deletes():
    row = ConflictRow("c1", "Walsh, Dana (X1)", "Address", "Changed here, deleted elsewhere", ["line1"],
                      datetime(2026, 11, 23), "address", {"town": "Preston", "line1": "14 Fishergate"}, None,
                      reason_code="deleted_there")
    rows = field_rows(row)
    assert [r.name for r in rows] == ["line1", "town"] and all(r.differs for r in rows)
    same = ConflictRow("c2", "—", "Person details", "Changed here and elsewhere", ["tier"], datetime(2026, 11, 23),
                       "person", {"tier": "A1", "rosh": "H"}, {"tier": "D0", "rosh": "H"})
    assert [(r.name, r.differs) for r in field_rows(same)] == [("tier", True), ("rosh", False)]


# -- changes the central store does not accept (issue 13, items 1 and 4) ------------------------------
def refused_caseload(tmp_path: Path, server: CentralServer, username: str, crn: str) -> tuple[Path, str]:
    """A caseload holding a case the server has allocated to another officer, enrolled for `username`."""
    path = tmp_path / "mine.lptdb"
    other = server.add_user(f"om2-{uuid.uuid4().hex[:6]}")
    db = Database.create(path, PASSPHRASE, KdfParams.fast())
    try:
        pid = new_person(db, "Walsh", crn=crn)
        server.allocate(pid, other)
        sync_service.enrol(db, server.url, username, PASSWORD)
    finally:
        db.close()
    return path, pid


def record_refused_contact(qtbot, window, pid: str):
    """A contact on the refused case, sent: the Not accepted list opens from the status bar."""
    from tests.sync.cases import add_contact

    runner = window.features["sync"].runner
    qtbot.waitUntil(lambda: not runner.running and runner.state.last_synced_at is not None, timeout=20000)
    cid = on_writer(qtbot, window, add_contact, pid, "Seen at the office; new job")
    window.features["sync"].sync_action.trigger()
    button = window.features["sync"].status.rejections
    qtbot.waitUntil(lambda: button.isVisible() and not runner.running, timeout=20000)
    assert button.text().endswith("not accepted") and button.accessibleName() == "Changes not accepted"
    assert label(window).startswith("Not synced") and not synced(window)  # never "Synced" with a change refused
    assert not window.features["sync"].status.conflicts.isVisible()  # a rejection is not a conflict
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    view = window.features["sync"].rejections
    assert view is not None and window.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: view.model.rowCount() >= 1, timeout=10000)
    return cid, view


def test_a_refused_contact_is_not_accepted_until_the_case_is_allocated_and_tried_again(
        make_window, qtbot, tmp_path, server, user):
    name, _team = user
    path, pid = refused_caseload(tmp_path, server, name, "R480215")
    window = open_window(make_window, qtbot, path)
    cid, view = record_refused_contact(qtbot, window, pid)
    [row] = [r for r in view.model.records if r.kind == "contact"]
    view.table.selectRow(view.model.records.index(row))
    assert row.record_id == cid and row.case == "Walsh, Dana (R480215)" and row.what == "Contact"
    assert row.action == "New record"
    assert row.reason == "This case is not allocated to you, or it is restricted." and "allocate" in row.advice
    words = {view.fields.record(i).label: view.fields.record(i).text for i in range(view.fields.rowCount())}
    assert words["Notes"] == "Seen at the office; new job" and not any(w.lower() == "id" for w in words)
    assert words["Contact type"] != "COAP" and words["Outcome"] != "ATTC"  # codes in words
    assert "Walsh, Dana (R480215)" in view.detail_title.text() and "What you can do" in view.detail_title.text()
    assert view.retry.isEnabled() and view.export.isEnabled()
    assert not hasattr(view, "keep_mine")  # nothing to choose between: no keep mine / theirs / merge
    window.resize(1280, 720)
    shot(window, "sync-not-accepted.png")
    # Still listed after another sync: nothing is dropped.
    window.features["sync"].sync_action.trigger()
    qtbot.waitUntil(lambda: not window.features["sync"].runner.running, timeout=20000)
    qtbot.wait(200)
    assert any(r.record_id == cid for r in view.model.records)

    server.allocate(pid, name)
    qtbot.mouseClick(view.retry, Qt.MouseButton.LeftButton)
    runner = window.features["sync"].runner
    qtbot.waitUntil(lambda: view.model.rowCount() == 0 and synced(window) and runner.state.waiting == 0
                    and runner.state.rejected == 0, timeout=20000)
    assert view.empty.isVisible() and not window.features["sync"].status.rejections.isVisible()
    shot(window, "sync-not-accepted-empty.png")
    other = other_laptop(tmp_path, server, name)
    try:
        assert get(other, Contact, cid).notes == "Seen at the office; new job"
    finally:
        other.close()


def test_exporting_the_not_accepted_changes_warns_writes_the_file_and_sets_them_aside(
        make_window, qtbot, tmp_path, server, user, monkeypatch):
    name, _team = user
    path, pid = refused_caseload(tmp_path, server, name, "R480216")
    window = open_window(make_window, qtbot, path)
    cid, view = record_refused_contact(qtbot, window, pid)
    sync_ui = window.features["sync"]
    out = tmp_path / "not-accepted.json"
    monkeypatch.setattr(sync_ui, "choose_export_path", lambda: str(out))
    qtbot.mouseClick(view.export, Qt.MouseButton.LeftButton)
    box = sync_ui.export_warning
    assert box is not None and box.isVisible() and "NOT encrypted" in box.text()
    assert box.windowTitle() == "Unprotected file"
    shot(box, "sync-export-warning.png")
    box.button(QMessageBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: out.exists() and view.model.rowCount() == 0, timeout=10000)
    doc = json.loads(out.read_text(encoding="utf-8"))
    [entry] = [e for e in doc["rejected"] if e["kind"] == "contact"]
    assert entry["record_id"] == cid and entry["case"] == "Walsh, Dana (R480216)" and entry["crn"] == "R480216"
    assert entry["fields"]["notes"] == "Seen at the office; new job" and entry["reason"].startswith("This case")
    assert "unprotected" in window.statusBar().currentMessage()
    runner = sync_ui.runner
    qtbot.waitUntil(lambda: synced(window) and runner.state.rejected == 0 and runner.state.waiting == 0,
                    timeout=20000)


def test_a_report_edit_sends_itself_soon_after(make_window, qtbot, tmp_path, server, user):
    """Every kind of save starts the quick sync, a report's autosave included (Change.REPORT)."""
    from lpt_desktop.services import court

    name, _team = user
    window = open_window(make_window, qtbot, new_caseload(tmp_path / "mine.lptdb", server, name))
    runner = window.features["sync"].runner
    runner.delay = lambda failures: 600.0  # only the quick sync after a save can send it during this test
    runner.after_save.setInterval(1500)
    qtbot.waitUntil(lambda: synced(window), timeout=20000)
    pid = on_writer(qtbot, window, new_person, "Reid")
    request = on_writer(qtbot, window, court.create_request, person_id=pid, court="Preston Magistrates' Court",
                        lja="Lancashire", hearing_date=date(2026, 12, 21), report_type="sdr")
    report = on_writer(qtbot, window, court.start_report, request)
    # Those saves' own quick sync has run and nothing else is due: the next sync can only be the report edit's.
    qtbot.waitUntil(lambda: not runner.after_save.isActive() and not runner.running and synced(window)
                    and runner.state.waiting == 0, timeout=20000)
    seen = watch_labels(window)
    on_writer(qtbot, window, court.save_section, report, "offence_details",
              {"main_offence": "Theft from a shop", "summary": "Took goods worth £86; admitted it."})
    assert runner.after_save.isActive()  # the save itself started the quick sync
    qtbot.waitUntil(lambda: any(s.startswith("Syncing") for s in seen), timeout=20000)
    qtbot.waitUntil(lambda: synced(window) and runner.state.waiting == 0, timeout=20000)
    # Never "Synced" between the save and the sync that sent it (whether "1 change waiting" showed first depends
    # on whether the status read came back before the quick sync began).
    first_sync = next(i for i, s in enumerate(seen) if s.startswith("Syncing"))
    assert not any(s.startswith("Synced") for s in seen[:first_sync]), seen
    other = other_laptop(tmp_path, server, name)
    try:
        draft = court.load_report(other, report)
        assert draft.sections["offence_details"]["main_offence"] == "Theft from a shop"
    finally:
        other.close()
