"""The team manager's desktop (issue 19) on a manager's laptop file (its sync state says team_manager, as in
tests/test_countersign_service.py): the Manager menu and the read-only note show; the countersign queue lists
the team's work high RoSH first, oldest first; Enter opens the review, where a return with less than a sentence
is refused under the comment and a countersignature (after the confirmation) takes the work off the queue; the
case header says the level awaits countersignature; a write not on the manager's list is refused in words."""

from __future__ import annotations

import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import shiboken6
import time_machine
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.gui.manager.review_dialog import ReviewDialog
from lpt_desktop.gui.manager.words import READ_ONLY_NOTE
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import countersign as svc
from lpt_desktop.services import rosh, rosh_plan, tiering
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.sync import state
from tests.conftest import LONDON, PASSPHRASE, TEST_TODAY
from tests.gui.conftest import unlock
from tests.gui.test_mnemonics import clashes
from tests.rosh_fill import full

pytestmark = pytest.mark.gui
WAIT = 10000
RETURN = "Say who is at risk from the ex-partner, and how the plan protects them."
START = TEST_TODAY - timedelta(days=120)


def set_state(db: Database, **values: str | None) -> None:
    with db.write() as s:
        state.put(s, **values)


def as_officer(db: Database) -> None:
    set_state(db, **{state.ROLE: None, state.USERNAME: None, state.DISPLAY_NAME: None, svc.GRADE_KEY: None})


def as_manager(db: Database) -> None:
    set_state(db, **{state.ROLE: "team_manager", state.USERNAME: "mgr1", state.DISPLAY_NAME: "Pat Senior",
                     svc.GRADE_KEY: None})


def new_case(db: Database, crn: str, first: str, last: str) -> str:
    return cr.create_case(db, cr.NewCase(crn, first, last, date(1988, 4, 5), cr.SentenceIn(
        "CO", START, START + timedelta(days=365), requirements=(cr.RequirementIn("UPW", {"hours": 60}),))),
        today=START)


def complete(db: Database, pid: str, level: str, on: date) -> str:
    aid = rosh.start_assessment(db, pid, today=on)
    full(db, aid, level, on)
    for key in rosh.assessment_view(db, aid, on).unconfirmed:
        rosh.confirm_carried(db, aid, key, on)
    assert rosh.complete_assessment(db, aid, acknowledge_warnings=True, today=on).completed
    return aid


def build(path: Path, manager: bool) -> dict[str, str]:
    """The team's work: on the manager's file, a high RoSH (older) and a very high one awaiting, the high case's
    risk management plan awaiting, and a tier override awaiting agreement; on the officer's, a high RoSH the
    manager returned with a comment."""
    # Made the morning of the tests' day: a chain orders records of one day by when they were made, so work
    # submitted today must have been made before the test's countersignature (its clock starts at 09:30).
    travel = time_machine.travel(datetime.combine(TEST_TODAY, time(8, 0), tzinfo=LONDON), tick=True)
    travel.start()
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    try:
        ids: dict[str, str] = {}
        if manager:
            ids["high"] = new_case(db, "Q100001", "Lee", "Hart")
            ids["very_high"] = new_case(db, "Q100002", "Dana", "Walsh")
            ids["high_a"] = complete(db, ids["high"], "H", TEST_TODAY - timedelta(days=6))
            ids["very_high_a"] = complete(db, ids["very_high"], "VH", TEST_TODAY - timedelta(days=2))
            plan = rosh_plan.start_plan(db, ids["high"], today=TEST_TODAY)
            rosh_plan.add_action(db, plan, rosh_plan.ActionIn("supervision", "Offender manager", "Weekly reporting "
                                                              "at the Preston office", TEST_TODAY + timedelta(days=30)),
                                 today=TEST_TODAY)
            rosh_plan.record_sharing(db, plan, "police", TEST_TODAY, today=TEST_TODAY)
            assert rosh_plan.complete_plan(db, plan, acknowledge_warnings=True, today=TEST_TODAY).completed
            ids["plan"] = plan
            ids["override"] = tiering.override_tier(db, ids["high"], "B", "Police intelligence shows contact "
                                                    "with a known gang this month.", today=TEST_TODAY)
            as_manager(db)
        else:
            ids["case"] = new_case(db, "Q200001", "Sam", "Riley")
            ids["a"] = complete(db, ids["case"], "H", TEST_TODAY - timedelta(days=4))
            as_manager(db)
            svc.return_work(db, "rosh_assessment", ids["a"], RETURN, today=TEST_TODAY - timedelta(days=1))
            as_officer(db)
        return ids
    finally:
        db.close()
        travel.stop()


@pytest.fixture(scope="module")
def manager_file(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("manager") / "manager.lptdb"
    return path, build(path, manager=True)


@pytest.fixture
def manager_window(make_window, qtbot, manager_file, tmp_path):
    """A fresh copy of the manager's file for each test (a countersignature changes it)."""
    source, ids = manager_file
    path = tmp_path / "manager.lptdb"
    for f in source.parent.iterdir():
        if f.name.startswith(source.name):
            shutil.copy(f, tmp_path / f.name)
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    desk = window.feature("manager")
    qtbot.waitUntil(lambda: desk.actor is not None, timeout=WAIT)
    return window, desk, ids


def test_menu_banner_queue_order_and_a_countersignature(manager_window, qtbot):
    window, desk, ids = manager_window
    assert desk.is_manager and desk.menu.menuAction().isVisible()
    assert desk.banner.isVisible() and desk.banner.text() == READ_ONLY_NOTE
    assert not desk.returns_action.isVisible()  # a manager has no returned work of their own
    assert window.ops.role == "team_manager"
    assert not clashes(window)

    queue = desk.show_queue()
    qtbot.waitUntil(lambda: queue.model.rowCount() == 3, timeout=WAIT)
    rows = queue.model.records
    assert [(r.crn, r.level, r.kind_label) for r in rows] == [("Q100001", "H", "RoSH assessment"),
                                                             ("Q100002", "VH", "RoSH assessment"),
                                                             ("Q100001", "H", "Risk management plan")]
    assert rows[0].days_waiting == 6 and rows[0].author_name == "Alex Morgan"
    assert queue.title.text() == "Countersign queue · 3"
    overrides = desk.show_overrides()
    qtbot.waitUntil(lambda: overrides.model.rowCount() == 1, timeout=WAIT)
    assert "Tier B" in overrides.model.records[0].why

    # Enter on the very high one opens its review: the form read-only beside the actions.
    window.show_tab(queue, "Countersign queue")
    queue.table.setFocus()
    queue.table.setCurrentIndex(queue.model.index(1, 0))
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(desk.dialog, ReviewDialog) and desk.dialog.isVisible(), timeout=WAIT)
    review: ReviewDialog = desk.dialog
    assert review.item.target_id == ids["very_high_a"]
    qtbot.waitUntil(lambda: review.history_model.rowCount() == 1, timeout=WAIT)
    assert review.history_model.records[0].action == "submitted"
    qtbot.waitUntil(lambda: review.work.loaded, timeout=WAIT)
    assert review.work.read_only and review.work.isVisible()
    assert "Very high (awaiting countersignature)" in review.facts.text()
    assert "second, senior countersignature" in review.facts.text()
    assert not clashes(review)

    box = review.ask_countersign()
    assert box is not None and "second, senior countersignature is still needed" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: review.acted_on, timeout=WAIT)
    assert review.status == cs.AWAITING_DOUBLE
    assert "awaiting double countersignature" in review.note.text().lower()
    assert not review.countersign_button.isEnabled() and not review.return_button.isEnabled()
    # The queue shows it waiting for the second, senior countersignature now.
    review.reject()
    def very_high():
        return next(r for r in queue.model.records if r.target_id == ids["very_high_a"])

    qtbot.waitUntil(lambda: very_high().status == cs.AWAITING_DOUBLE, timeout=WAIT)
    assert very_high().status_label == "Awaiting double countersignature" and very_high().days_waiting == 0


def test_a_return_needs_a_sentence_and_leaves_the_queue(manager_window, qtbot):
    window, desk, ids = manager_window
    queue = desk.show_queue()
    qtbot.waitUntil(lambda: queue.model.rowCount() == 3, timeout=WAIT)
    review = desk.open_item(queue.model.records[0])
    qtbot.waitUntil(lambda: review.history_model.rowCount() == 1, timeout=WAIT)
    assert "High (awaiting countersignature)" in review.facts.text()
    dialog = review.ask_return()
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    assert not clashes(dialog)
    assert dialog.focusWidget() is dialog.comment  # the first field, not the button
    dialog.comment.setPlainText("Redo it.")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=WAIT)
    assert "Comment: is too short" in dialog.error.text()
    assert shiboken6.isValid(dialog) and dialog.isVisible()  # nothing saved, still open
    # Escape with typing asks before throwing it away.
    dialog.reject()
    assert dialog.discard_box is not None and dialog.isVisible()
    keep = dialog.discard_box.escapeButton()
    keep.click()
    assert dialog.isVisible()

    dialog.comment.setPlainText(RETURN)
    dialog.submit()
    qtbot.waitUntil(lambda: review.acted_on, timeout=WAIT)
    assert review.status == cs.REJECTED and "Returned to the officer" in review.note.text()
    qtbot.waitUntil(lambda: [r.target_id for r in queue.model.records] == [ids["very_high_a"], ids["plan"]],
                    timeout=WAIT)
    history = [h.comment for h in svc.countersign_history(window.ops.db, "rosh_assessment", ids["high_a"])]
    assert history[-1] == RETURN


def test_case_header_and_writes_refused_on_a_managers_laptop(manager_window, qtbot):
    window, desk, ids = manager_window
    holder: dict[str, object] = {}
    window.open_case(ids["high"], then=lambda v: holder.setdefault("view", v))
    qtbot.waitUntil(lambda: "view" in holder, timeout=WAIT)
    view = holder["view"]
    qtbot.waitUntil(lambda: "awaiting" in view.rosh_badge.text(), timeout=WAIT)
    assert view.rosh_badge.text() == "RoSH: High (awaiting countersignature)"
    assert not view.returned_button.isVisible()

    # Anything else the manager's laptop tries to write is refused, in words, before it is queued.
    box: dict[str, BaseException] = {}
    job = window.ops.write(cr.create_case, cr.NewCase("Q100009", "New", "Person", date(1990, 1, 1), cr.SentenceIn(
        "CO", START, START + timedelta(days=365))), on_error=lambda e: box.setdefault("error", e))
    assert job is None
    qtbot.waitUntil(lambda: "error" in box, timeout=WAIT)
    err = box["error"]
    assert isinstance(err, ValidationError) and str(err.errors[0]) == READ_ONLY_NOTE
    assert "Q100009" not in [r.crn for r in window.caseload_records()]

    # Management oversight through its dialog: too short is refused, a sentence is recorded on the case.
    dialog = desk.record_oversight()
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    assert dialog.case.currentData() == ids["high"]  # the open case
    assert not clashes(dialog)
    dialog.note.setPlainText("Seen.")
    dialog.submit()
    assert "Note: is too short" in dialog.error.text()
    dialog.note.setPlainText("Reviewed the RoSH assessment and the plan with the officer today.")
    saved: list[object] = []
    dialog.saved.connect(saved.append)
    dialog.submit()
    qtbot.waitUntil(lambda: bool(saved), timeout=WAIT)


def test_a_plans_review_shows_the_plan_and_countersigns_it(manager_window, qtbot):
    window, desk, ids = manager_window
    queue = desk.show_queue()
    qtbot.waitUntil(lambda: queue.model.rowCount() == 3, timeout=WAIT)
    review = desk.open_item(queue.model.records[2])
    assert review.item.target_id == ids["plan"]
    qtbot.waitUntil(lambda: "Weekly reporting" in review.work.toPlainText(), timeout=WAIT)
    text = review.work.toPlainText()
    assert "Supervision" in text and "Offender manager" in text and "Shared with" in text
    review.countersign_now()
    qtbot.waitUntil(lambda: review.acted_on, timeout=WAIT)
    assert review.status == cs.COUNTERSIGNED
    qtbot.waitUntil(lambda: queue.model.rowCount() == 2, timeout=WAIT)


def test_a_tier_override_is_agreed_with_a_reason(manager_window, qtbot):
    window, desk, ids = manager_window
    overrides = desk.show_overrides()
    qtbot.waitUntil(lambda: overrides.model.rowCount() == 1, timeout=WAIT)
    overrides.table.setFocus()
    qtbot.keyClick(overrides.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.dialog is not None and desk.dialog.isVisible(), timeout=WAIT)
    dialog = desk.dialog
    assert not clashes(dialog)
    dialog.reason.setPlainText("Agreed.")
    dialog.submit()
    assert "Decision: is not chosen" in dialog.error.text()  # neither agree nor refuse picked yet
    dialog.agree.setChecked(True)
    dialog.submit()
    qtbot.waitUntil(lambda: "Reason: is too short" in dialog.error.text(), timeout=WAIT)
    dialog.reason.setPlainText("Agreed: the police intelligence raises the risk this month.")
    dialog.submit()
    qtbot.waitUntil(lambda: overrides.model.rowCount() == 0, timeout=WAIT)
    assert svc.override_status(window.ops.db, ids["high"]).status == cs.AGREED
    assert "agreed" in overrides.status.text().lower()


def test_escape_in_the_read_only_form_closes_the_review(manager_window, qtbot):
    window, desk, ids = manager_window
    queue = desk.show_queue()
    qtbot.waitUntil(lambda: queue.model.rowCount() == 3, timeout=WAIT)
    review = desk.open_item(queue.model.records[0])
    qtbot.waitUntil(lambda: review.work.loaded, timeout=WAIT)
    review.work.steps.setFocus()
    qtbot.keyClick(review.work.steps, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not shiboken6.isValid(review) or not review.isVisible(), timeout=WAIT)


def test_a_lock_closes_the_review_and_an_unsent_return(manager_window, qtbot):
    window, desk, ids = manager_window
    queue = desk.show_queue()
    qtbot.waitUntil(lambda: queue.model.rowCount() == 3, timeout=WAIT)
    review = desk.open_item(queue.model.records[0])
    qtbot.waitUntil(lambda: review.work.loaded, timeout=WAIT)
    dialog = review.ask_return()
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    dialog.comment.setPlainText("Half a thought about the")
    assert dialog.typed()  # the window names it as not saved when it locks (gui/main_window.py)
    window.lock()
    assert not review.isVisible() and not dialog.isVisible()
    assert not desk.menu.menuAction().isVisible() and not desk.banner.isVisible()
    assert window.ops.role == "team_manager"  # kept: the next unlock is limited from its first moment
