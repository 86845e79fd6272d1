"""The mouse wheel over a choice in the needs and RoSH forms (issue 20 walk 4): over a combo box the officer has
not clicked or tabbed into, the wheel scrolls the page and leaves the answer (and so the autosave) alone; once
the box has focus the wheel steps through its choices as usual. Real forms on a real caseload file, with real
QWheelEvents."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QScrollArea, QWidget

from lpt_desktop.gui.assessments.needs_form import NeedsForm
from lpt_desktop.gui.assessments.rosh_form import SUMMARY, RoshForm
from lpt_desktop.services import needs, rosh
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import on_writer, unlock
from tests.plan_fill import new_case

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("wheel") / "caseload.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    pid = new_case(db, TEST_TODAY - timedelta(days=60))
    db.close()
    return path, pid


def wheel(widget: QWidget, notches: int = -1) -> None:
    """One turn of the wheel (down for a negative number of notches) with the pointer over the widget."""
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(pos, QPointF(widget.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, 120 * notches),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def area_of(widget: QWidget) -> QScrollArea:
    parent = widget.parentWidget()
    while not isinstance(parent, QScrollArea):
        assert parent is not None, "the box is not on a scrolled page"
        parent = parent.parentWidget()
    return parent


def test_the_wheel_over_a_needs_answer_scrolls_the_page_unless_the_answer_has_focus(qtbot, make_window, caseload):
    path, pid = caseload
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    aid = on_writer(qtbot, window, needs.start_assessment, pid, today=TEST_TODAY)
    form = NeedsForm(window.ops, str(aid), window)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(lambda: form.loaded, timeout=10000)
    form.tabs.setCurrentIndex(2)  # Barriers
    present, _adjustment, _note = form.barriers["disability"]
    qtbot.waitUntil(present.isVisible)
    bar = area_of(present).verticalScrollBar()
    assert bar.maximum() > 0, "the Barriers page is taller than the form"
    before, saves = present.currentIndex(), form.saves
    assert not present.hasFocus()
    wheel(present)
    assert present.currentIndex() == before, "the answer changed under the wheel"
    assert bar.value() > 0, "the page did not scroll"
    assert not present.hasFocus(), "the wheel gave the box focus"
    qtbot.wait(50)
    assert form.saves == saves and form.current_fields()["barrier.disability.present"] is None
    # Every choice in the form is guarded, Skills for Life's too (a page with no scroll bar: nothing moves).
    for combo in form.findChildren(QComboBox):
        assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus
    literacy = form.skills["literacy"]
    form.tabs.setCurrentIndex(1)
    wheel(literacy)
    assert literacy.currentIndex() == 0
    # Clicked or tabbed into, the box takes the wheel.
    form.tabs.setCurrentIndex(2)
    present.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(present.hasFocus)
    wheel(present)
    assert present.currentIndex() == before + 1
    form.close()


def test_the_wheel_over_a_rosh_level_scrolls_the_summary_unless_the_level_has_focus(qtbot, make_window,
                                                                                      caseload):
    path, pid = caseload
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    aid = on_writer(qtbot, window, rosh.start_assessment, pid, today=TEST_TODAY)
    form = RoshForm(window.ops, str(aid), window)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(lambda: form.loaded, timeout=10000)
    form.steps.setCurrentRow(SUMMARY)
    box = next(iter(form.levels.boxes.values()))
    qtbot.waitUntil(box.isVisible)
    area = area_of(box)
    bar = area.verticalScrollBar()
    if bar.maximum() == 0:
        form.resize(form.width(), 420)  # short enough that the summary scrolls
        qtbot.waitUntil(lambda: bar.maximum() > 0)
    area.ensureWidgetVisible(box)
    at = bar.value()
    wheel(box, notches=1 if at == bar.maximum() else -1)
    assert box.currentIndex() == 0 and bar.value() != at
    box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(box.hasFocus)
    wheel(box)
    assert box.currentIndex() == 1
    form.close()
