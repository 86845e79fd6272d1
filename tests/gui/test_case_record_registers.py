"""The Registers page by keystrokes (issue 16): add a MAPPA register, review it, end it; the case header's flags
and the caseload's Flags column follow at once, and what is saved is read back through the services."""

from __future__ import annotations

from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from lpt_desktop.services.cases import case_record
from tests.conftest import PASSPHRASE
from tests.gui.conftest import on_writer, unlock

pytestmark = pytest.mark.gui
ALT = Qt.KeyboardModifier.AltModifier


def _case_without(qtbot, window, flag: str):
    rec = next(r for r in window.caseload_view.model.records if flag not in r.flags)
    holder = {}
    window.open_case(rec.person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    return holder["view"]


def _gone(dialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def _type_date(qtbot, entry, text: str) -> None:
    entry.edit.selectAll()
    qtbot.keyClicks(entry.edit, text)


def _flags_shown(view) -> list[str]:
    return [w.text() for w in view.findChildren(QLabel) if w.accessibleName().startswith("Flag: ")
            and w.isVisibleTo(view) and w.parent() is not None]


def _read(window, person_id):
    return case_record(window.ops.db, person_id)


def test_a_mappa_register_added_reviewed_and_ended_by_keystrokes(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.activateWindow()
    view = _case_without(qtbot, window, "MAPPA")
    person = view.case.person_id
    before = {r.id for r in view.case.registrations}
    qtbot.keyClick(QApplication.focusWidget() or view, Qt.Key.Key_G, ALT)  # the Registers tab
    assert view.sections.currentIndex() == 2
    panel = view.registers
    qtbot.keyClick(QApplication.focusWidget() or view, Qt.Key.Key_R, ALT)  # Add register…
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible(), timeout=5000)
    dialog = panel.dialog
    assert not dialog.category.isVisibleTo(dialog)  # no category until a register that has one is chosen
    dialog.activateWindow()  # the offscreen platform may leave the window active a moment longer
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and dialog.isAncestorOf(QApplication.focusWidget()),
                    timeout=5000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_R, ALT)
    assert QApplication.focusWidget() is dialog.type
    qtbot.keyClicks(dialog.type, "MAPPA")
    assert dialog.type.currentData() == "MAPP"
    assert dialog.category.isVisibleTo(dialog) and dialog.level.isVisibleTo(dialog)
    qtbot.keyClick(dialog.type, Qt.Key.Key_C, ALT)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)  # category 2
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_L, ALT)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)  # level 1
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, ALT)
    assert QApplication.focusWidget() is dialog.start.edit
    _type_date(qtbot, dialog.start, "02/11/2026")
    assert dialog.next_review.text().startswith("02/02/2027")  # MAPPA reviews every 3 months
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)

    added = next(r for r in _read(window, person).registrations if r.id not in before)
    assert (added.type_code, added.start_date, added.next_review_date) == ("MAPP", date(2026, 11, 2),
                                                                            date(2027, 2, 2))
    assert added.detail.startswith("Category 2, level 1")
    # The header, the page and the caseload follow without reopening anything.
    qtbot.waitUntil(lambda: "MAPPA" in _flags_shown(view), timeout=10000)
    qtbot.waitUntil(lambda: any(r.id == added.id for r in panel.model.records), timeout=5000)
    # What the case owes follows too: the MAPPA review is on its Obligations tab.
    qtbot.waitUntil(lambda: any(o.rule == "register_review" and o.due_by == date(2027, 2, 2)
                                for o in view.obligations.model.records), timeout=10000)
    qtbot.waitUntil(lambda: "MAPPA" in next(r for r in window.caseload_view.model.records
                                            if r.person_id == person).flags, timeout=10000)

    # A review, by keystrokes: the next review is proposed three months on from the review date.
    panel.table.selectRow(next(i for i, r in enumerate(panel.model.records) if r.id == added.id))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_W, ALT)
    qtbot.waitUntil(lambda: panel.dialog is not dialog and panel.dialog.isVisible(), timeout=5000)
    review = panel.dialog
    _type_date(qtbot, review.reviewed, "20/11/2026")
    assert review.next.value() == date(2027, 2, 20)
    qtbot.keyClick(review.reviewed.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(review), timeout=10000)
    again = next(r for r in _read(window, person).registrations if r.id == added.id)
    assert again.next_review_date == date(2027, 2, 20)

    # Ending it needs a reason: refused without one, saved with one; the flag goes.
    qtbot.waitUntil(lambda: panel.end_button.isEnabled(), timeout=5000)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_N, ALT)
    qtbot.waitUntil(lambda: panel.dialog is not review and panel.dialog.isVisible(), timeout=5000)
    end = panel.dialog
    _type_date(qtbot, end.ended, "23/11/2026")
    qtbot.keyClick(end.ended.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: end.error.isVisible(), timeout=10000)
    assert "Reason" in end.error.text()
    assert end.isVisible()
    qtbot.keyClick(end.ended.edit, Qt.Key.Key_R, ALT)
    qtbot.keyClicks(QApplication.focusWidget(), "Deregistered at MAPPA review")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(end), timeout=10000)
    ended = next(r for r in _read(window, person).registrations if r.id == added.id)
    assert ended.ended_on == date(2026, 11, 23)
    qtbot.waitUntil(lambda: "MAPPA" not in _flags_shown(view), timeout=10000)
    qtbot.waitUntil(lambda: "MAPPA" not in next(r for r in window.caseload_view.model.records
                                                if r.person_id == person).flags, timeout=10000)


def test_review_and_end_say_why_they_are_unavailable_on_an_ended_register(make_window, qtbot, demo_db):
    from lpt_desktop.services import registers

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    view = _case_without(qtbot, window, "CP")
    view.sections.setCurrentIndex(2)
    panel = view.registers
    rid = on_writer(qtbot, window, registers.add_register, view.case.person_id, "RCPR", date(2026, 10, 1))
    on_writer(qtbot, window, registers.end_register, rid, date(2026, 11, 20), "Plan ended")
    qtbot.waitUntil(lambda: any(r.id == rid and r.ended_on for r in panel.model.records), timeout=10000)
    row = next(i for i, r in enumerate(panel.model.records) if r.id == rid)
    panel.table.selectRow(row)
    assert panel.add_button.isEnabled()
    assert not panel.review_button.isEnabled() and not panel.end_button.isEnabled()
    assert panel.review_button.toolTip().startswith("Not available: it ended on 20/11/2026")
    assert panel.model.data(panel.model.index(row, 4)) == "Ended 20/11/2026"
