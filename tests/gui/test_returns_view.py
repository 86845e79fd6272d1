"""The officer's returned work (issue 19), on an officer's file whose high RoSH assessment the team manager
returned with a comment: no Manager menu and no read-only note; Case > Returned work lists the case, kind,
date, manager and comment; the case header shows "Returned: <comment>" and clicking it opens the list; Revise
starts a new version and opens it on the case's RoSH tab, and the list then says a draft is started."""

from __future__ import annotations

from datetime import timedelta

import pytest
import shiboken6
from PySide6.QtCore import Qt

from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.manager.returns_view import ReturnsView
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import unlock
from tests.gui.test_manager_queue import RETURN, build
from tests.gui.test_mnemonics import clashes

pytestmark = pytest.mark.gui
WAIT = 10000


def test_returned_work_listed_shown_on_the_case_and_revised(make_window, qtbot, tmp_path):
    path = tmp_path / "officer.lptdb"
    ids = build(path, manager=False)
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    desk = window.feature("manager")
    qtbot.waitUntil(lambda: desk.actor is not None, timeout=WAIT)
    assert not desk.is_manager and window.ops.role == "offender_manager"
    assert not desk.menu.menuAction().isVisible() and not desk.banner.isVisible()
    assert desk.returns_action.isVisible() and desk.returns_action.shortcut().toString() == "Ctrl+Shift+U"
    assert not clashes(window)

    view = desk.show_returns()
    assert isinstance(view, ReturnsView)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=WAIT)
    item = view.model.records[0]
    assert (item.crn, item.kind_label, item.returned_on, item.returned_by, item.comment) == (
        "Q200001", "RoSH assessment", TEST_TODAY - timedelta(days=1), "Pat Senior", RETURN)
    assert [view.model.data(view.model.index(0, c)) for c in range(view.model.columnCount())] == [
        "Sam Riley", "Q200001", "RoSH assessment", format_date(TEST_TODAY - timedelta(days=1)), "Pat Senior",
        "Not started", RETURN]
    assert RETURN in view.comment.text()

    # Enter opens the case; its header shows the return, and clicking it comes back to the list.
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_case() is not None, timeout=WAIT)
    case = window.current_case()
    qtbot.waitUntil(lambda: case.returned_button.isVisible(), timeout=WAIT)
    assert case.returned_button.text() == f"Returned: {RETURN[:67]}…"  # long comments shortened, whole in the tip
    assert RETURN in case.returned_button.toolTip()
    assert case.rosh_badge.text() == "RoSH: High"  # returned: not awaiting countersignature
    case.returned_button.click()
    assert window.tabs.currentWidget() is view

    # Revise: a new version, opened on the case's RoSH tab; the list says a draft is started.
    view.revise_button.click()
    page = case.assessments.rosh
    qtbot.waitUntil(lambda: page.form is not None and shiboken6.isValid(page.form) and page.form.loaded,
                    timeout=WAIT)
    assert window.current_case() is case and case.sections.currentWidget() is case.assessments
    assert page.form.view.status == "draft" and not page.form.read_only
    assert page.form.assessment_id != ids["a"]  # a new version: the returned one is kept
    page.form.reject()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1 and view.model.records[0].revision_id is not None,
                    timeout=WAIT)
    assert view.revise_button.text() == "Continue re&vision"
