"""Recording contacts in the real window: the keyboard path, drafts, amendments, filters, lists."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from lpt_desktop.services.contacts import list_contacts
from lpt_desktop.services.unlock import unlock as open_db
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]


def _open_contacts(qtbot, window, index: int = 0):
    rec = window.caseload_view.model.records[index]
    holder = {}
    window.open_case(rec.person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    contacts = holder["view"].show_contacts()
    qtbot.waitUntil(lambda: contacts.model.rowCount() > 0, timeout=10000)
    return rec, contacts


class Keys:
    """Presses keys on whatever has the focus, and counts them."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def press(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(QApplication.focusWidget(), key, modifier)
        self.count += 1

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(QApplication.focusWidget(), text)
        self.count += len(text)


def test_common_contact_by_keystrokes_alone(make_window, qtbot, demo_db, capsys):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.activateWindow()
    rec, contacts = _open_contacts(qtbot, window)
    before = contacts.model.rowCount()
    keys = Keys(qtbot)
    keys.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Case › Record contact
    qtbot.waitUntil(lambda: contacts.side.currentWidget() is contacts.entry, timeout=5000)
    assert QApplication.focusWidget() is contacts.entry.outcome
    keys.type("a")  # Attended and complied
    keys.press(Qt.Key.Key_Tab)  # to the notes
    assert QApplication.focusWidget() is contacts.entry.notes
    note = "Seen in office, doing well."
    keys.type(note)
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # save
    qtbot.waitUntil(lambda: contacts.model.rowCount() == before + 1, timeout=10000)
    saved = [c for c in contacts.model.records if c.notes == note]
    assert len(saved) == 1
    c = saved[0]
    assert (c.outcome, c.type_code) == ("ATTC", "COAP")
    assert c.location  # the last location used on the case, by default
    assert keys.count == 4 + len(note)
    with capsys.disabled():
        print(f"\n[keyboard path] common contact recorded in {keys.count} keystrokes "
              f"(4 plus a {len(note)}-character note)")


def _open_order_case_free_today(qtbot, window):
    """A case on an order (not a licence) with no office appointment today, so nothing asks to confirm."""
    from datetime import date

    for index in range(len(window.caseload_view.model.records)):
        rec, contacts = _open_contacts(qtbot, window, index)
        if contacts.order_type != "LIC" and not any(
                c.type_code == "COAP" and c.starts_at.date() == date.today()  # frozen: time_machine, tests/conftest.py
                for c in contacts.model.records):
            return rec, contacts
    raise AssertionError("no case on an order without an office appointment today")


def test_failure_to_attend_with_its_enforcement_decision_by_keystrokes_alone(make_window, qtbot, demo_db, capsys):
    """Issue 15 item 8: failed to attend, judged unacceptable, referred to the manager with a reason, a note,
    saved: by keyboard alone, counted as the common contact's keystrokes are."""
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.activateWindow()
    rec, contacts = _open_order_case_free_today(qtbot, window)
    before = contacts.model.rowCount()
    entry = contacts.entry
    keys = Keys(qtbot)
    keys.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Case › Record contact
    qtbot.waitUntil(lambda: contacts.side.currentWidget() is entry, timeout=5000)
    assert QApplication.focusWidget() is entry.outcome
    assert not entry.judgement.isEnabled() and not entry.action.isEnabled()
    keys.type("f")  # Failed to attend
    assert entry.outcome.currentData() == "AFTA"
    assert entry.judgement.isEnabled() and not entry.action.isEnabled()  # judged before enforcement is offered
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is entry.judgement
    keys.type("u")  # Unacceptable
    assert entry.action.isEnabled() and not entry.reason.isEnabled()
    keys.press(Qt.Key.Key_Tab)  # past the absence reason and evidence (not for an unacceptable failure)
    assert QApplication.focusWidget() is entry.action
    keys.type("r")  # Refer to manager: fits whatever this failure's count requires
    assert entry.action.currentData() == "ROM"
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is entry.action_reason
    reason = "Third missed this year"
    keys.type(reason)
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is entry.notes
    note = "No contact, phone off."
    keys.type(note)
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # save
    qtbot.waitUntil(lambda: contacts.model.rowCount() == before + 1, timeout=10000)
    saved = [c for c in contacts.model.records if c.notes == note]
    assert len(saved) == 1
    c = saved[0]
    assert (c.outcome, c.type_code) == ("AFTA", "COAP")
    assert [(e.action, e.reason) for e in c.enforcement] == [("ROM", reason)]
    assert keys.count == 9 + len(reason) + len(note)
    with capsys.disabled():
        print(f"\n[keyboard path] failure to attend with its enforcement decision in {keys.count} keystrokes "
              f"(9 plus a {len(reason)}-character reason and a {len(note)}-character note)")


def test_a_failure_to_attend_judged_acceptable_takes_reason_and_evidence_not_enforcement(make_window, qtbot,
                                                                                         demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    rec, contacts = _open_order_case_free_today(qtbot, window)
    contacts.start_entry()
    qtbot.waitUntil(lambda: contacts.side.currentWidget() is contacts.entry, timeout=5000)
    entry = contacts.entry
    assert entry.outcome.itemText(0) == "Not yet recorded"  # the saved contact's wording too (NO_OUTCOME)
    assert entry.action.findData("EA11") == -1  # recall is offered on a licence only
    entry.outcome.setCurrentIndex(entry.outcome.findData("AFTA"))
    assert not entry.reason.isEnabled() and not entry.evidence.isEnabled() and not entry.action.isEnabled()
    entry.judgement.setCurrentIndex(entry.judgement.findData("acceptable"))
    assert entry.reason.isEnabled() and entry.evidence.isEnabled() and not entry.action.isEnabled()
    entry.reason.setCurrentIndex(entry.reason.findData("AAME"))
    entry.evidence.setCurrentIndex(entry.evidence.findData("awaited"))
    entry.notes.setPlainText("Phoned at 09:00: in hospital.")
    before = contacts.model.rowCount()
    entry.save_button.click()
    qtbot.waitUntil(lambda: contacts.model.rowCount() == before + 1, timeout=10000)
    c = next(c for c in contacts.model.records if c.notes == "Phoned at 09:00: in hospital.")
    assert (c.outcome, c.absence_reason, c.evidence, c.is_failure) == ("AA", "AAME", "awaited", False)


def test_recall_is_offered_on_a_licence(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    index = next(i for i, r in enumerate(window.caseload_view.model.records) if r.order_type == "LIC")
    _rec, contacts = _open_contacts(qtbot, window, index)
    assert contacts.entry.action.findData("EA11") > 0 and contacts.entry.action.findData("IBR") == -1


def test_an_attended_contact_with_no_note_asks_before_saving(make_window, qtbot, demo_db):
    """Issue 15 item 19: warned, not refused: Go back keeps the form, Save anyway saves."""
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    rec, contacts = _open_order_case_free_today(qtbot, window)
    before = contacts.model.rowCount()
    contacts.start_entry()
    qtbot.waitUntil(lambda: contacts.side.currentWidget() is contacts.entry, timeout=5000)
    entry = contacts.entry
    entry.outcome.setCurrentIndex(entry.outcome.findData("ATTC"))
    entry.save_button.click()
    qtbot.waitUntil(lambda: contacts.confirm_box is not None and contacts.confirm_box.isVisible(), timeout=5000)
    assert "Notes: are empty for an attended contact" in contacts.confirm_box.text()
    qtbot.keyClick(contacts.confirm_box, Qt.Key.Key_Escape)  # Go back
    qtbot.waitUntil(lambda: contacts.confirm_box is None, timeout=5000)
    qtbot.wait(200)
    assert contacts.model.rowCount() == before and contacts.side.currentWidget() is entry
    entry.save_button.click()
    qtbot.waitUntil(lambda: contacts.confirm_box is not None and contacts.confirm_box.isVisible(), timeout=5000)
    qtbot.keyClick(contacts.confirm_box, Qt.Key.Key_Return)  # Save anyway (the default)
    qtbot.waitUntil(lambda: contacts.model.rowCount() == before + 1, timeout=10000)


def test_bad_input_is_shown_and_nothing_saved(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    rec, contacts = _open_contacts(qtbot, window)
    before = contacts.model.rowCount()
    contacts.start_entry()
    qtbot.waitUntil(lambda: contacts.side.currentWidget() is contacts.entry, timeout=5000)
    entry = contacts.entry
    entry.outcome.setCurrentIndex(entry.outcome.findData("UAAB"))
    entry.save_button.click()
    qtbot.waitUntil(lambda: "Not saved yet" in entry.errors.text(), timeout=5000)
    assert "Notes:" in entry.errors.text()
    assert not entry.reason.isEnabled()  # no absence reason on an unacceptable absence
    assert entry.action.isEnabled()  # but an enforcement action can be chosen
    window.refresh_caseload()
    qtbot.wait(300)
    assert contacts.model.rowCount() == before


def test_draft_survives_a_killed_process(make_window, qtbot, demo_db, isolated_dirs, tmp_path):
    db = open_db(demo_db, PASSPHRASE)
    try:
        from lpt_desktop.services.caseload import load_caseload

        person = load_caseload(db)[4]
    finally:
        db.close()
    text = "Half-written note about accommodation, do not lose me"
    env = isolated_dirs.env(PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "tests.gui.draft_probe", str(demo_db), PASSPHRASE,
                             person.person_id, text, str(tmp_path / "probe.ini")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "DRAFT-SAVED", proc.stderr.read()[-2000:]
    finally:
        proc.send_signal(signal.SIGKILL)  # no clean shutdown: the power goes, the laptop crashes
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    qtbot.waitUntil(lambda: bool(window.pending_drafts), timeout=10000)
    assert [d.crn for d in window.pending_drafts] == [person.crn]
    assert window.last_message is not None and window.last_message.windowTitle() == "Unsaved contacts"
    window.last_message.close()
    window.restore_drafts()
    qtbot.waitUntil(lambda: any(v.contacts and v.contacts.side.currentWidget() is v.contacts.entry
                                for v in window.case_views()), timeout=10000)
    entry = window.case_views()[0].contacts.entry
    assert entry.notes.toPlainText() == text
    assert "Restored draft" in entry.title.text()


def test_lock_keeps_what_was_being_typed(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    rec, contacts = _open_contacts(qtbot, window, 2)
    contacts.start_entry()
    qtbot.waitUntil(lambda: contacts.side.currentWidget() is contacts.entry, timeout=5000)
    contacts.entry.notes.setPlainText("Typed just before the idle lock")
    window.lock("idle")  # before the autosave has run
    unlock(qtbot, window, PASSPHRASE)
    qtbot.waitUntil(lambda: bool(window.pending_drafts), timeout=10000)
    assert window.pending_drafts[0].data.notes == "Typed just before the idle lock"


def test_amend_keeps_the_original(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    rec, contacts = _open_contacts(qtbot, window, 1)
    past = next(i for i, c in enumerate(contacts.model.records) if c.outcome == "ATTC")
    original = contacts.model.records[past]
    contacts.table.selectRow(contacts.proxy.mapFromSource(contacts.model.index(past, 0)).row())
    assert contacts.current is not None and contacts.current.id == original.id
    assert contacts.amend_button.isEnabled()
    contacts.amend_button.click()
    entry = contacts.entry
    assert entry.amend_group.isVisible()
    entry.notes.setPlainText("Corrected: seen with support worker present.")
    entry.save_button.click()
    qtbot.waitUntil(lambda: "Reason for amendment" in entry.errors.text(), timeout=5000)
    entry.amend_reason.setText("Support worker was present, not recorded")
    entry.save_button.click()
    qtbot.waitUntil(lambda: any(c.amends_id == original.id for c in contacts.model.records), timeout=10000)
    assert original.id not in [c.id for c in contacts.model.records]  # the log shows the latest version
    latest = next(c for c in contacts.model.records if c.amends_id == original.id)
    contacts.table.selectRow(contacts.proxy.mapFromSource(
        contacts.model.index(contacts.model.records.index(latest), 0)).row())
    qtbot.waitUntil(lambda: "Superseded" in contacts.detail.toPlainText(), timeout=5000)
    assert "Support worker was present" in contacts.detail.toPlainText()


def test_contact_log_filters(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    records = []
    for i in range(len(window.caseload_view.model.records)):
        rec, contacts = _open_contacts(qtbot, window, i)
        records = contacts.model.records
        if any(c.is_failure for c in records):
            break
    failures = [c for c in records if c.is_failure]
    assert failures, "the demo caseload has failures"
    contacts.outcome_filter.setCurrentIndex(contacts.outcome_filter.findData("failure"))
    assert contacts.proxy.rowCount() == len(failures)
    contacts.outcome_filter.setCurrentIndex(0)
    contacts.type_filter.setCurrentIndex(contacts.type_filter.findData("COPT"))
    assert contacts.proxy.rowCount() == sum(c.type_code == "COPT" for c in records)
    contacts.type_filter.setCurrentIndex(0)
    contacts.roh_filter.setChecked(True)
    assert contacts.proxy.rowCount() == sum(bool(c.risk_areas) for c in records)
    contacts.roh_filter.setChecked(False)
    word = next(w for c in records for w in c.notes.split() if len(w) > 5)
    contacts.text_filter.setText(word)
    assert 0 < contacts.proxy.rowCount() == sum(word.casefold() in c.notes.casefold() or
                                                word.casefold() in c.type_label.casefold() for c in records)


def test_enforcement_due_and_note_search(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    db = window.ops.db
    window.due_action.trigger()
    qtbot.waitUntil(lambda: window.due_view is not None and window.due_view.model.rowCount() > 0, timeout=10000)
    from lpt_desktop.services.contacts import enforcement_due

    assert window.due_view.model.rowCount() == len(enforcement_due(db))
    item = window.due_view.model.record(0)
    with qtbot.waitSignal(window.case_opened, timeout=10000):
        window.due_view.activated.emit(item)
    contacts = window.case_views()[-1].contacts
    qtbot.waitUntil(lambda: contacts.current is not None and contacts.current.id == item.contact_id, timeout=10000)
    assert contacts.decide_button.isEnabled()

    notes = [c.notes for c in list_contacts(db, item.person_id) if c.notes]
    word = next(w.strip(".,") for n in notes for w in n.split() if len(w.strip(".,")) > 6)
    window.note_search.setText(word)
    qtbot.keyClick(window.note_search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.search_view is not None and window.search_view.model.rowCount() > 0,
                    timeout=10000)
    assert word.casefold() in window.search_view.title.text().casefold()


def test_officer_defines_a_note_template_and_uses_it(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.templates_action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "templates_dialog", None) is not None, timeout=5000)
    dialog = window.templates_dialog
    assert dialog.name.count() == 3  # the built-in templates
    dialog.name.setEditText("Employment review")
    dialog.body.setPlainText("Job search this week:\nBarriers:\nNext steps:\n")
    dialog._save()
    qtbot.waitUntil(lambda: "saved" in window.statusBar().currentMessage(), timeout=5000)
    dialog.reject()
    rec, contacts = _open_contacts(qtbot, window)
    names = [a.text() for a in contacts.entry.templates_menu.actions()]
    assert "Employment review" in names and "Supervision" in names
    contacts.start_entry()
    qtbot.waitUntil(lambda: contacts.side.currentWidget() is contacts.entry, timeout=5000)
    next(a for a in contacts.entry.templates_menu.actions() if a.text() == "Employment review").trigger()
    assert contacts.entry.notes.toPlainText().startswith("Job search this week:")


def test_double_click_in_a_list_opens_once(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.due_action.trigger()
    qtbot.waitUntil(lambda: window.due_view is not None and window.due_view.model.rowCount() > 0, timeout=10000)
    opened = []
    window.due_view.activated.connect(opened.append)
    table = window.due_view.table
    rect = table.visualRect(table.model().index(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: len(window.case_views()) == 1, timeout=10000)
    qtbot.wait(200)
    assert len(opened) == 1


def test_a_lock_straight_after_save_does_not_bring_the_contact_back_as_a_draft(make_window, qtbot, demo_db):
    """Ctrl+Return then Ctrl+L before the save has come back: the contact is saved once, and no draft of it is
    offered at the next unlock (the lock used to write the form back as a draft behind the save)."""
    from lpt_desktop.services.contacts import drafts, list_contacts

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    rec, contacts = _open_contacts(qtbot, window)
    contacts.start_entry()
    qtbot.waitUntil(lambda: contacts.side.currentWidget() is contacts.entry, timeout=5000)
    entry = contacts.entry
    entry.outcome.setCurrentIndex(entry.outcome.findData("ATTC"))
    note = "Seen at the office; saved just before the lock."
    entry.notes.setPlainText(note)
    assert entry.dirty
    entry.save_button.click()
    window.lock("user")  # at once: the save's answer has not come back
    unlock(qtbot, window, PASSPHRASE)
    db = window.ops.db
    assert [c.notes for c in list_contacts(db, rec.person_id)].count(note) == 1
    assert [d for d in drafts(db) if d.person_id == rec.person_id] == []
    assert window.pending_drafts == []
