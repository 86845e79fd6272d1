"""Case › New case… by keystrokes (issue 16): the person and their sentence saved in one go and opened in a
tab, the caseload showing it; the CRN checked as typed; a duplicate CRN refused naming the existing case, with
that case offered instead."""

from __future__ import annotations

from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from lpt_desktop.services.cases import case_record, person_id_for_crn
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock

pytestmark = pytest.mark.gui
ALT = Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _open_dialog(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_N, CTRL_SHIFT)
    ctl = window.features["new_case"]
    qtbot.waitUntil(lambda: ctl.dialog is not None and ctl.dialog.isVisible(), timeout=5000)
    ctl.dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is ctl.dialog, timeout=5000)
    return ctl.dialog


def _field(qtbot, dialog, key: Qt.Key, text: str, select: bool = True) -> None:
    qtbot.keyClick(QApplication.focusWidget() or dialog, key, ALT)
    w = QApplication.focusWidget()
    if select and hasattr(w, "selectAll"):
        w.selectAll()
    qtbot.keyClicks(w, text)


def _person(qtbot, dialog, crn: str) -> None:
    _field(qtbot, dialog, Qt.Key.Key_F, "Robin")
    _field(qtbot, dialog, Qt.Key.Key_L, "Newcase")
    _field(qtbot, dialog, Qt.Key.Key_B, "14/03/1990")
    _field(qtbot, dialog, Qt.Key.Key_C, crn)


def _gone(dialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def test_a_new_case_by_keystrokes_opens_in_a_tab_and_joins_the_caseload(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    before = len(window.caseload_view.model.records)
    dialog = _open_dialog(qtbot, window)
    _person(qtbot, dialog, "z765432")
    assert dialog.crn.text() == "Z765432"  # made a capital as typed
    qtbot.waitUntil(lambda: dialog.crn_note.text() == "✓", timeout=5000)  # whole, and looked up: free
    _field(qtbot, dialog, Qt.Key.Key_P, "2011/0123456A")
    _field(qtbot, dialog, Qt.Key.Key_S, "16/11/2026")
    _field(qtbot, dialog, Qt.Key.Key_M, "12")
    assert dialog.sentence.end.value() == date(2027, 11, 15)  # from the start and the length
    _field(qtbot, dialog, Qt.Key.Key_U, "Preston")
    popup = dialog.sentence.court.combo.completer().popup()
    if popup.isVisible():  # the courts found by what was typed: take the first
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    dialog.activateWindow()  # the offscreen platform leaves the popup's window active
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    _field(qtbot, dialog, Qt.Key.Key_N, "Burglary (dwelling)")
    # A requirement, as the court report's editor offers them: Unpaid work, 120 hours.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, ALT)  # a mnemonic clicks after a moment
    qtbot.waitUntil(lambda: bool(dialog.sentence.requirements.rows), timeout=5000)
    row = dialog.sentence.requirements.rows[0]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is row.type, timeout=10000)
    qtbot.keyClicks(row.type, "Unpaid")
    assert row.type.currentData() == "UPW"
    qtbot.keyClicks(row.param_widgets["hours"], "120")
    qtbot.keyClick(row.param_widgets["hours"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)

    person_id = person_id_for_crn(window.ops.db, "Z765432")
    saved = case_record(window.ops.db, person_id)
    assert (saved.name, saved.date_of_birth, saved.pnc) == ("Robin Newcase", date(1990, 3, 14), "2011/0123456A")
    [sentence] = saved.sentences
    assert (sentence.order_type, sentence.start_date, sentence.end_date, sentence.length_months) == \
        ("CO", date(2026, 11, 16), date(2027, 11, 15), 12)
    assert sentence.court.startswith("Preston") and sentence.offence == "Burglary (dwelling)"
    assert [(r.label, r.summary) for r in sentence.requirements] == [("Unpaid work", "Hours: 120")]
    # Opened in a tab, and on the caseload.
    qtbot.waitUntil(lambda: window.current_case() is not None and window.current_case().case.crn == "Z765432",
                    timeout=10000)
    qtbot.waitUntil(lambda: len(window.caseload_view.model.records) == before + 1, timeout=10000)
    assert any(r.crn == "Z765432" for r in window.caseload_view.model.records)


def test_the_crn_is_checked_as_typed_and_a_bad_form_stays_open(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    dialog = _open_dialog(qtbot, window)
    _field(qtbot, dialog, Qt.Key.Key_C, "12x3")  # a digit cannot start a CRN; a second letter cannot follow
    assert dialog.crn.text() == "X3"
    assert dialog.crn_note.text().startswith("A capital letter then six digits")
    qtbot.keyClick(dialog.crn, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    text = dialog.error.text()
    assert "CRN" in text and "First name" in text and "Date of birth" in text
    assert dialog.isVisible()


def test_a_duplicate_crn_is_refused_naming_the_case_and_offers_to_open_it(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    existing = window.caseload_view.model.records[3]
    before = len(window.caseload_view.model.records)
    dialog = _open_dialog(qtbot, window)
    _person(qtbot, dialog, existing.crn)
    _field(qtbot, dialog, Qt.Key.Key_S, "16/11/2026")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.question is not None and dialog.question.isVisible(), timeout=10000)
    box = dialog.question
    assert existing.crn in box.text()
    last, first = existing.name.split(" ", 1)[-1], existing.name.split(" ", 1)[0]
    assert last in box.text() and first in box.text()
    assert box.button(QMessageBox.StandardButton.Yes).text() == "Open that case"
    assert "already on this caseload" in dialog.error.text()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Open that case
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    qtbot.waitUntil(lambda: window.current_case() is not None
                    and window.current_case().case.person_id == existing.person_id, timeout=10000)
    assert len(window.caseload_view.model.records) == before  # nothing made
    assert person_id_for_crn(window.ops.db, existing.crn) == existing.person_id


def test_back_to_the_form_keeps_it_open_with_the_crn_chosen(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    existing = window.caseload_view.model.records[0]
    dialog = _open_dialog(qtbot, window)
    _person(qtbot, dialog, existing.crn)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.question is not None and dialog.question.isVisible(), timeout=10000)
    qtbot.keyClick(dialog.question, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.crn, timeout=5000)
    assert dialog.isVisible() and dialog.crn.selectedText() == existing.crn
