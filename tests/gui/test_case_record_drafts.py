"""Nothing typed into the case record is lost at a lock: the personal details being edited in place are kept as a
draft (autosaved, and on lock) and offered back on unlock; a record dialog the lock closes with typing in it is
named after the unlock. Through the real window, on a real encrypted demo caseload."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from lpt_desktop.gui.case_record import dialogs
from lpt_desktop.services.cases import case_record
from lpt_desktop.services.contacts import drafts, form_drafts
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock
from tests.gui.test_case_record_personal import _dialog, _focus, _open, _window

pytestmark = pytest.mark.gui
CTRL = Qt.KeyboardModifier.ControlModifier


def _start_editing(qtbot, view) -> None:
    panel = view.personal.details_panel
    view.show_personal()
    panel.edit_button.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_F2)
    assert panel.editing


def test_lock_mid_edit_keeps_the_personal_details_and_unlock_restores_them(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window, 1)
    person, crn = view.case.person_id, view.case.crn
    _start_editing(qtbot, view)
    panel = view.personal.details_panel
    panel.fields.preferred_name.setFocus()
    panel.fields.preferred_name.selectAll()
    qtbot.keyClicks(_focus(), "Robbie")
    panel.fields.mobile.setFocus()
    panel.fields.mobile.selectAll()  # typed over whatever the demo case holds
    qtbot.keyClicks(_focus(), "07700 900456")
    assert panel.draft_label.text() == "Draft not yet saved…"
    window.lock("idle")  # before the autosave has run
    unlock(qtbot, window, PASSPHRASE)
    qtbot.waitUntil(lambda: bool(window.pending_form_drafts), timeout=10000)
    assert [d.crn for d in window.pending_form_drafts] == [crn]
    assert window.pending_drafts == []  # not mistaken for an unsaved contact
    box = window.last_message
    assert box is not None and box.windowTitle() == "Unsaved changes"
    assert f"Unsaved changes to personal details of {window.pending_form_drafts[0].name} ({crn})" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()  # Restore
    qtbot.waitUntil(lambda: any(v.case.person_id == person and v.personal.details_panel.editing
                                for v in window.case_views()), timeout=10000)
    view = next(v for v in window.case_views() if v.case.person_id == person)
    panel = view.personal.details_panel
    assert view.sections.currentWidget() is view.personal_area
    assert panel.fields.preferred_name.text() == "Robbie"
    assert panel.fields.mobile.text() == "07700 900456"
    assert panel.draft_label.text() == "Restored draft: check it and save"
    assert set(panel.changes()) == {"preferred_name", "mobile"}
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    panel.fields.first_name.setFocus()
    qtbot.keyClick(panel.fields.first_name, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not panel.editing, timeout=10000)
    assert case_record(window.ops.db, person).preferred_name == "Robbie"
    qtbot.waitUntil(lambda: form_drafts(window.ops.db) == [], timeout=10000)  # saved: not offered again


def test_the_autosave_keeps_a_draft_and_cancel_discards_it(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window, 0)
    _start_editing(qtbot, view)
    panel = view.personal.details_panel
    panel.fields.religion.setFocus()
    panel.fields.religion.selectAll()
    qtbot.keyClicks(_focus(), "Quaker")
    # The autosave timer (three seconds after the last key), not the lock, writes the draft.
    qtbot.waitUntil(lambda: panel.draft_label.text().startswith("Draft saved"), timeout=10000)
    found = form_drafts(window.ops.db)
    assert [(d.person_id, d.form, d.values["religion"]) for d in found] == [(view.case.person_id, "personal",
                                                                              "Quaker")]
    assert drafts(window.ops.db) == []
    qtbot.keyClick(_focus(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: panel.discard_box is not None, timeout=5000)  # asked first
    next(b for b in panel.discard_box.buttons() if b.text() == "&Discard").click()
    assert not panel.editing
    qtbot.waitUntil(lambda: form_drafts(window.ops.db) == [], timeout=10000)


def test_editing_with_nothing_changed_leaves_no_draft_at_a_lock(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window, 0)
    _start_editing(qtbot, view)
    window.lock()
    unlock(qtbot, window, PASSPHRASE)
    qtbot.wait(300)  # the unlock's queries of drafts have run
    assert window.pending_form_drafts == [] and form_drafts(window.ops.db) == []


def test_a_dialog_closed_by_the_lock_with_typing_in_it_is_named_after_the_unlock(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window, 0)
    name, crn = view.case.name, view.case.crn
    view.show_personal()
    view.personal.addresses._dialog("main")
    dialog = _dialog(qtbot, dialogs.AddressDialog)
    assert not dialog.typed()
    dialog.line1.setFocus()
    qtbot.keyClicks(_focus(), "14 Fishergate Hill")
    assert dialog.typed()
    window.lock()
    assert not dialog.isVisible()
    unlock(qtbot, window, PASSPHRASE)
    box = window.last_message
    assert box is not None and box.windowTitle() == "Closed unsaved at the lock"
    assert f"New main address on {name} ({crn})" in box.text()
    assert "Closed unsaved at the lock: New main address" in window.statusBar().currentMessage()


def test_a_dialog_opened_but_not_typed_into_is_not_named(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window, 0)
    view.show_personal()
    view.personal.addresses._dialog("secondary")
    _dialog(qtbot, dialogs.AddressDialog)
    window.lock()
    unlock(qtbot, window, PASSPHRASE)
    qtbot.wait(300)
    box = window.last_message
    assert box is None or box.windowTitle() != "Closed unsaved at the lock"
