"""'Before it can be completed' (issue 20 walk 11): choosing a problem by double-click or Enter goes to the exact
field it names, scrolled into view and with the keyboard focus, so what the officer types next lands in that
field (it used to switch tab only: a single click jumped, and the double-click's second press landed on
whatever was under the mouse on the new tab)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QListWidget, QListWidgetItem, QScrollArea, QWidget

from lpt_desktop.assessment.rosh_screening import GATE_FIELD
from lpt_desktop.gui.assessments.rosh_form import ANALYSIS, COMPLETE
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import unlock
from tests.plan_fill import new_case

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("problem-focus") / "caseload.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    pid = new_case(db, TEST_TODAY - timedelta(days=60), days=730)
    db.close()
    return path, pid


def _needs_form(qtbot, make_window, caseload):
    path, pid = caseload
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    holder: dict[str, Any] = {}
    window.open_case(pid, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    view = holder["view"]
    view.sections.setCurrentWidget(view.assessments)
    view.assessments.sections.setCurrentIndex(2)
    page = view.assessments.needs
    qtbot.waitUntil(lambda: page.overview is not None, timeout=10000)
    if page.form is None:
        (page.start_button if page.start_button.isVisible() else page.carry_on_button).click()
    qtbot.waitUntil(lambda: page.form is not None and page.form.loaded, timeout=10000)
    form = page.form
    form.activateWindow()
    qtbot.waitUntil(lambda: form.isActiveWindow(), timeout=5000)
    return form


def _item(form, starts: str) -> QListWidgetItem:
    items = [form.problems.item(i) for i in range(form.problems.count())]
    return next(i for i in items if i.text().startswith(starts))


def _to_complete_tab(qtbot, form, problems: QListWidget, item: QListWidgetItem) -> None:
    form.tabs.setCurrentIndex(form.tabs.count() - 1)
    problems.setFocus()
    problems.setCurrentItem(item)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is problems, timeout=5000)


def _scrolled_to(widget: QWidget) -> bool:
    area = widget.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    assert area is not None
    top = widget.mapTo(area.viewport(), widget.rect().topLeft()).y()
    return top >= 0 and top + widget.height() <= area.viewport().height()


def _double_click(qtbot, form, widget: QWidget, pos: QPoint) -> None:
    """As the mouse does it: press, release, press, double-click, release, each to the widget under the mouse
    at that moment (the first click may already have changed what is there)."""
    at = widget.mapTo(form, pos)

    def under() -> tuple[QWidget, QPoint]:
        w = form.childAt(at) or form
        return w, w.mapFrom(form, at) if w is not form else at

    left = Qt.MouseButton.LeftButton
    w, p = under()
    qtbot.mousePress(w, left, pos=p)
    w, p = under()
    qtbot.mouseRelease(w, left, pos=p)
    w, p = under()
    qtbot.mouseDClick(w, left, pos=p)  # QTest: the second press and the double-click
    w, p = under()
    qtbot.mouseRelease(w, left, pos=p)


def _type(qtbot, text: str) -> None:
    for ch in text:
        qtbot.keyClick(QApplication.focusWidget(), ch)


def test_double_click_and_enter_go_to_the_named_field_and_typing_lands_there(qtbot, make_window, caseload):
    form = _needs_form(qtbot, make_window, caseload)
    form.resize(900, 500)  # small enough that the lower sections are out of view
    for section in form.sections.values():
        section.radios["severe"].setChecked(True)
    form.save_now()
    qtbot.waitUntil(lambda: form.saves >= 1 and form.problems.count() > 0
                    and not any("not rated" in form.problems.item(i).text() for i in range(form.problems.count())),
                    timeout=10000)
    # Double-click a problem low on the Sections page: its evidence box, scrolled to, with the focus.
    item = _item(form, "Attitudes evidence")
    _to_complete_tab(qtbot, form, form.problems, item)
    rect = form.problems.visualItemRect(item)
    _double_click(qtbot, form, form.problems.viewport(), rect.center())
    attitudes = form.sections["attitudes"].evidence
    qtbot.waitUntil(lambda: QApplication.focusWidget() is attitudes, timeout=5000)
    assert form.tabs.currentIndex() == 0 and _scrolled_to(attitudes)
    _type(qtbot, "Pro-criminal views")
    assert attitudes.toPlainText() == "Pro-criminal views"
    # Nothing that was under the mouse on the Sections tab was changed by the double-click's second press.
    assert all(s.severity() == "severe" and not s.harm.isChecked() and not s.reoffending.isChecked()
               for s in form.sections.values())
    # Enter on another: the same.
    qtbot.waitUntil(lambda: any(form.problems.item(i).text().startswith("Accommodation evidence")
                                for i in range(form.problems.count())), timeout=10000)
    item = _item(form, "Accommodation evidence")
    _to_complete_tab(qtbot, form, form.problems, item)
    qtbot.keyClick(form.problems, Qt.Key.Key_Return)
    accommodation = form.sections["accommodation"].evidence
    qtbot.waitUntil(lambda: QApplication.focusWidget() is accommodation, timeout=5000)
    assert _scrolled_to(accommodation)
    _type(qtbot, "Hostel")
    assert accommodation.toPlainText() == "Hostel"
    assert attitudes.toPlainText() == "Pro-criminal views"


def test_the_rosh_forms_problem_list_goes_to_the_named_field_on_a_double_click(qtbot, make_window, caseload):
    """The RoSH form's 'Put these right before completing' list, the same way (it took Enter or a double-click
    already): the named field has the focus and what is typed next lands in it."""
    path, pid = caseload
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    holder: dict[str, Any] = {}
    window.open_case(pid, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    assessments = holder["view"].show_assessments()
    assessments.sections.setCurrentIndex(1)
    page = assessments.rosh
    qtbot.waitUntil(lambda: page.overview is not None, timeout=10000)
    page.start_button.click()
    qtbot.waitUntil(lambda: page.form is not None and page.form.loaded, timeout=10000)
    form = page.form
    form.activateWindow()
    qtbot.waitUntil(lambda: form.isActiveWindow(), timeout=5000)
    for (qid, period), choice in form.answers.items():
        choice.buttons["yes" if (qid, period) == ("domestic_abuse", "previous") else "no"].click()
    form.go(ANALYSIS)
    form.not_doing.click()  # a decision not to do a full analysis, with no reason yet
    form.go(COMPLETE)
    qtbot.waitUntil(lambda: form.check is not None and any(e.field == GATE_FIELD for e in form.check.errors),
                    timeout=10000)
    row = [e.field for e in form.check.errors].index(GATE_FIELD)
    item = form.errors.item(row)
    form.errors.setFocus()
    form.errors.setCurrentItem(item)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.errors, timeout=5000)
    _double_click(qtbot, form, form.errors.viewport(), form.errors.visualItemRect(item).center())
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.gate_reason, timeout=5000)
    assert form.steps.currentRow() == ANALYSIS
    _type(qtbot, "Single incident")
    assert form.gate_reason.toPlainText() == "Single incident"
