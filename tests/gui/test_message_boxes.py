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
