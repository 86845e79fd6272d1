"""A field put right loses its message as it is edited, and messages never lie over the form's rows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget

from lpt_desktop.services.contacts import list_contacts
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock
from tests.gui.test_court_gui import _court, _window
from tests.gui.test_date_entry import _contacts, _type_into

pytestmark = pytest.mark.gui


def _rect(w: QWidget, top: QWidget) -> QRect:
    return QRect(w.mapTo(top, w.rect().topLeft()), w.size())


def _no_overlaps(top: QWidget) -> None:
    """No two visible inputs, labels or buttons of the form share any pixel."""
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QPlainTextEdit

    widgets = [w for kind in (QLabel, QLineEdit, QPlainTextEdit, QComboBox, QAbstractButton)
               for w in top.findChildren(kind) if w.isVisibleTo(top) and w.parent() is not None
               and not isinstance(w.parent(), (QComboBox, QLineEdit))]
    widgets = [w for w in widgets if not any(w is not o and o.isAncestorOf(w) for o in widgets)]
    for i, a in enumerate(widgets):
        for b in widgets[i + 1:]:
            assert not _rect(a, top).intersects(_rect(b, top)), (a.accessibleName() or a.objectName(),
                                                                 b.accessibleName() or b.objectName())


def test_contact_error_goes_when_its_field_is_put_right(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.activateWindow()
    rec, contacts = _contacts(qtbot, window)
    entry = contacts.entry
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: contacts.side.currentWidget() is entry and entry.isVisible(), timeout=5000)
    qtbot.keyClicks(entry.outcome, "a")  # attended...
    # ...in the future, on a day this demo case has no booking (one that day is asked about first): refused
    # by the service.
    _type_into(qtbot, entry.when, "01/12/2026 06:10")
    qtbot.keyClicks(entry.notes, "Seen.")
    qtbot.keyClick(entry.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: entry.errors.isVisible() and "Outcome" in entry.errors.text(), timeout=10000)
    assert "Not saved yet" in entry.errors.text()
    # Put right: the outcome is cleared for a future contact, and its message goes at once.
    entry.outcome.setFocus()
    qtbot.keyClick(entry.outcome, Qt.Key.Key_Home)
    assert entry.outcome.currentData() == ""
    assert "Outcome" not in entry.errors.text()
    assert not entry.errors.isVisible(), entry.errors.text()
    before = len(list_contacts(window.ops.db, rec.person_id))
    qtbot.keyClick(entry.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(list_contacts(window.ops.db, rec.person_id)) == before + 1, timeout=10000)


def test_dialog_errors_push_rows_down_and_go_when_fixed(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    window.activateWindow()
    _court(window).new_pre_sentence()
    qtbot.waitUntil(lambda: _court(window).dialog is not None and _court(window).dialog.isVisible()
                    and hasattr(_court(window).dialog, "dob"), timeout=10000)
    dialog = _court(window).dialog
    _no_overlaps(dialog)
    dialog.first.setText("Robin")
    dialog.last.setText("Overlap")
    dialog.pnc.setText("bad")
    _type_into(qtbot, dialog.dob, "31/02/1990")
    dialog.submit()
    assert dialog.dob.message.isVisible()
    _no_overlaps(dialog)
    _type_into(qtbot, dialog.dob, "02/04/1990", "select_all")
    assert dialog.dob.message.isHidden()
    dialog.submit()
    qtbot.waitUntil(lambda: "PNC" in dialog.error.text() and dialog.error.isVisible(), timeout=10000)
    qtbot.wait(20)
    _no_overlaps(dialog)
    qtbot.keyClicks(dialog.pnc, "x")  # editing the PNC takes its message away
    assert "PNC" not in dialog.error.text()
    assert not dialog.error.isVisible()


def test_change_passphrase_message_goes_when_its_field_is_edited(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.passphrase_action.trigger()
    dialog = window.passphrase_dialog
    ui = dialog.ui
    qtbot.keyClicks(ui.currentEdit, PASSPHRASE)
    qtbot.keyClicks(ui.newEdit, "longer passphrase")
    qtbot.keyClicks(ui.confirmEdit, "longer passphrase!")
    qtbot.mouseClick(ui.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert ui.errorLabel.isVisible() and "does not match" in ui.errorLabel.text()
    qtbot.keyClicks(ui.newEdit, "x")  # another field: the message stays
    assert "does not match" in ui.errorLabel.text()
    qtbot.keyClick(ui.confirmEdit, Qt.Key.Key_Backspace)  # the field it names ("Type it again"): it goes
    assert ui.errorLabel.text() == "" and not ui.errorLabel.isVisible()
    _no_overlaps(dialog)
    dialog.reject()
