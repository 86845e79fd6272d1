"""A sentence plan the team manager returned (issue 20), on the officer's file: Case > Returned work
(Ctrl+Shift+U) offers it with the manager's comment; Enter opens the case; Revise starts a new version and opens
it on the case's Plans tab at the Sentence plan, a draft the officer can change; the list then says a draft is
started and offers to continue it. On the manager's file, the review of a sentence plan from the queue shows the
plan itself (its goals, outcomes and steps, the person's words and agreement) beside the signing history."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
import time_machine
from PySide6.QtCore import Qt

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.manager.returns_view import ReturnsView
from lpt_desktop.services import countersign as svc
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.cases import update_person
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import LONDON, PASSPHRASE, TEST_TODAY
from tests.gui.conftest import unlock
from tests.gui.test_manager_queue import as_manager, as_officer
from tests.plan_fill import new_case, ready_plan

pytestmark = pytest.mark.gui
WAIT = 10000
RETURN = "The plan leaves out the drug misuse the needs assessment found: add a goal for it with its steps."


def build(path: Path, returned: bool = True) -> tuple[str, str]:
    """The officer's file: a high RoSH case whose completed sentence plan the manager returned (returned
    False: the manager's file, the plan awaiting countersignature). (case, plan)"""
    # Made the morning of the tests' day, as tests/gui/test_manager_queue.py's files are.
    travel = time_machine.travel(datetime.combine(TEST_TODAY, time(8, 0), tzinfo=LONDON), tick=True)
    travel.start()
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    try:
        on = TEST_TODAY - timedelta(days=3)
        pid = new_case(db, TEST_TODAY - timedelta(days=40))
        update_person(db, pid, rosh="H")
        plan, _g, _st = ready_plan(db, pid, on)
        sp.record_agreement(db, plan, sp.AgreementIn("yes"), on)
        assert sp.complete_plan(db, plan, acknowledge_warnings=True, today=on).signing_status == cs.AWAITING
        as_manager(db)
        if returned:
            svc.return_work(db, cs.SENTENCE_PLAN, plan, RETURN, today=TEST_TODAY - timedelta(days=1))
            as_officer(db)
        return pid, plan
    finally:
        db.close()
        travel.stop()


def test_returned_work_offers_the_sentence_plan_and_revise_opens_the_new_version(make_window, qtbot, tmp_path):
    path = tmp_path / "officer.lptdb"
    pid, plan = build(path)
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    desk = window.feature("manager")
    qtbot.waitUntil(lambda: desk.actor is not None, timeout=WAIT)
    assert desk.returns_action.isVisible() and desk.returns_action.shortcut().toString() == "Ctrl+Shift+U"

    view = desk.show_returns()
    assert isinstance(view, ReturnsView)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=WAIT)
    item = view.model.records[0]
    assert (item.target_kind, item.target_id, item.person_id) == (cs.SENTENCE_PLAN, plan, pid)
    assert [view.model.data(view.model.index(0, c)) for c in range(view.model.columnCount())] == [
        "Sam Riley", item.crn, "Sentence plan", format_date(TEST_TODAY - timedelta(days=1)), "Pat Senior",
        "Not started", RETURN]
    assert RETURN in view.comment.text() and view.revise_button.isEnabled()

    # Enter opens the case.
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_case() is not None, timeout=WAIT)
    case = window.current_case()
    assert case.case.person_id == pid
    window.tabs.setCurrentWidget(view)

    # Revise: a new version, opened on the case's Plans tab at the Sentence plan, a draft to change.
    view.revise_button.click()
    page = case.plans.sentence
    qtbot.waitUntil(lambda: page.plan is not None and page.plan.status == "draft", timeout=WAIT)
    assert window.current_case() is case and case.sections.currentWidget() is case.plans
    assert case.plans.kinds.currentIndex() == 0
    assert page.plan.id != plan and [g.title for g in page.plan.goals] == ["A settled home"]
    assert page.plan.plan_type == "initial"
    qtbot.waitUntil(lambda: view.model.rowCount() == 1 and view.model.records[0].revision_id == page.plan.id,
                    timeout=WAIT)
    assert view.model.data(view.model.index(0, 5)) == "Draft started"
    assert view.revise_button.text() == "Continue re&vision"


def test_the_managers_review_shows_the_sentence_plan_itself(make_window, qtbot, tmp_path):
    path = tmp_path / "manager.lptdb"
    _pid, plan = build(path, returned=False)
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    desk = window.feature("manager")
    qtbot.waitUntil(lambda: desk.is_manager, timeout=WAIT)
    queue = desk.show_queue()
    qtbot.waitUntil(lambda: queue.model.rowCount() == 1, timeout=WAIT)
    item = queue.model.records[0]
    assert (item.target_kind, item.target_id, item.kind_label) == (cs.SENTENCE_PLAN, plan, "Sentence plan")
    review = desk.open_item(item)
    qtbot.waitUntil(lambda: "Goal 1" in review.work.toPlainText(), timeout=WAIT)
    text = review.work.toPlainText()
    for words in ("Initial sentence plan", "I want my own place and to stop sofa surfing", "Agreement: Yes",
                  "Goal 1: A settled home", "What will be different: Sam has a settled home",
                  "Register with the housing options team"):
        assert words in text, words
    assert "could not be read" not in text
    qtbot.waitUntil(lambda: review.history_model.rowCount() == 1, timeout=WAIT)
    review.reject()
