"""The window's questions (Restore drafts? Set up sync?) answered by keys, as an officer answers them.

Escape on the "Unsaved contacts" question crashed the whole app under real keystrokes: Qt had chosen the box's
Escape button (its first "OK") when the box was shown, and the buttons were replaced afterwards.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

DRAFT = SimpleNamespace(crn="L123456", name="Zoë O'Brien", saved_at=datetime(2026, 11, 23, 9, 40),
                        person_id="p1", data=None, amends_id=None)


def _drafts_box(window) -> QMessageBox:
    window._offer_drafts([DRAFT])
    box = window.last_message
    assert box is not None and box.windowTitle() == "Unsaved contacts"
    return box


def test_escape_on_the_drafts_question_means_later_and_the_window_carries_on(make_window, qtbot, tmp_path):
    window = make_window(tmp_path / "caseload.lptdb")
    box = _drafts_box(window)
    qtbot.waitExposed(box)
    rejected: list[int] = []
    box.rejected.connect(lambda: rejected.append(1))
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: rejected == [1], timeout=3000)
    assert window.isVisible()
    assert window.pending_drafts == [DRAFT]  # "Later": still offered from Case › Restore drafts


@pytest.mark.parametrize("answers", [("Restore", "Later"), ("Set up sync…", "Later")])
def test_a_question_has_its_own_words_yes_by_default_and_no_on_escape(make_window, qtbot, tmp_path, answers):
    window = make_window(tmp_path / "caseload.lptdb")
    box = window.show_message(QMessageBox.Icon.Question, "A question", "Go on?", answers=answers)
    yes, no = box.button(QMessageBox.StandardButton.Yes), box.button(QMessageBox.StandardButton.No)
    assert (yes.text(), no.text()) == answers
    assert box.button(QMessageBox.StandardButton.Ok) is None
    assert box.defaultButton() is yes and box.escapeButton() is no
    assert yes.icon().isNull()
    # The words fit: the button is at least as wide as its text (it was cut to "Restor").
    assert yes.minimumWidth() > yes.fontMetrics().horizontalAdvance(answers[0])
    accepted: list[int] = []
    box.accepted.connect(lambda: accepted.append(1))
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: accepted == [1], timeout=3000)


def _address_form(window):
    from PySide6.QtWidgets import QLineEdit

    from lpt_desktop.gui.case_record.record_dialog import RecordDialog

    class Form(RecordDialog):
        def __init__(self) -> None:
            super().__init__(window.ops, "New main address", window)
            self.street = QLineEdit()
            self.form.addRow("&Street", self.street)

        def submit(self) -> None:
            pass

    form = Form()
    form.show()
    return form


def test_a_form_opens_on_its_first_field_and_asks_before_throwing_typing_away(make_window, qtbot, tmp_path):
    window = make_window(tmp_path / "caseload.lptdb")
    form = _address_form(window)
    qtbot.waitExposed(form)
    assert form.focusWidget() is form.street  # not the Save button: a reflex Enter saved an empty form
    form.reject()  # nothing typed: closes at once
    assert not form.isVisible()
    form = _address_form(window)
    qtbot.keyClicks(form.street, "1 High Street")
    form.reject()  # Cancel, Escape or the window's close
    box = form.discard_box
    assert form.isVisible() and box is not None and box.defaultButton() is box.escapeButton()
    box.defaultButton().click()  # Keep editing
    qtbot.waitUntil(lambda: form.discard_box is None, timeout=5000)
    assert form.isVisible() and form.street.text() == "1 High Street"
    form.reject()
    qtbot.waitUntil(lambda: form.discard_box is not None, timeout=5000)
    next(b for b in form.discard_box.buttons() if b.text() == "&Discard").click()
    assert not form.isVisible()


def test_the_lock_closes_a_form_without_asking(make_window, qtbot, demo_db):
    from tests.conftest import PASSPHRASE
    from tests.gui.conftest import unlock

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    form = _address_form(window)
    qtbot.keyClicks(form.street, "1 High Street")
    window.lock("idle")
    assert not form.isVisible() and form.discard_box is None  # no question left over the unlock page
