"""The sentence plan's dialogs on a real caseload file through the window (issue 20 review): an updated agreement
on a completed plan is saved from the screen, and saving again without a change records nothing new; a review
starts on its first save (never on opening: Cancel leaves none), the plan can change while it is open, and it is
completed later, offering the significant change that made it due; a goal made future loses its target date, with
the note in its history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import shiboken6

from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.case_events import add_event
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import on_writer, unlock
from tests.plan_fill import complete_needs, goal, new_case, ready_plan

pytestmark = pytest.mark.gui
START = TEST_TODAY - timedelta(days=120)
DONE = TEST_TODAY - timedelta(days=60)


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("plan-dialogs") / "caseload.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    people = {}
    for name in ("agree", "review", "status"):
        pid = new_case(db, START)
        complete_needs(db, pid, START, {"accommodation": "severe", "ete": "standard"})
        plan, g, st = ready_plan(db, pid, DONE)
        sp.record_agreement(db, plan, sp.AgreementIn("yes"), DONE)
        assert sp.complete_plan(db, plan, acknowledge_warnings=True, today=DONE).completed
        people[name], people[f"{name}_plan"], people[f"{name}_goal"], people[f"{name}_step"] = pid, plan, g, st
    # A positive Skills for Life screening: the plan's second goal is the learning plan it requires.
    pid = new_case(db, START)
    complete_needs(db, pid, START, {"accommodation": "severe", "ete": "standard"},
                   **{"skills.literacy": "need_identified", "skills.referred_on": START})
    plan, _g, _st = ready_plan(db, pid, DONE)
    learning = sp.add_goal(db, plan, goal("Read and write with confidence", "ete", "Sam reads his own letters",
                                          learning_plan=True), DONE)
    sp.add_step(db, learning, sp.StepIn("Go to the literacy class", "person", by_when=DONE + timedelta(days=30)),
                today=DONE)
    sp.record_agreement(db, plan, sp.AgreementIn("yes"), DONE)
    assert sp.complete_plan(db, plan, acknowledge_warnings=True, today=DONE).completed
    people["learning"] = pid
    with db.write() as s:  # a significant change since the plan: a review is owed for it
        add_event(s, people["review"], "change_of_address", TEST_TODAY - timedelta(days=10), "Moved to 4 Mill Lane")
    db.close()
    return path, people


def _page(qtbot, window, person_id: str):
    holder: dict[str, Any] = {}
    window.open_case(person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    view = holder["view"]
    view.sections.setCurrentWidget(view.plans)
    page = view.plans.sentence
    qtbot.waitUntil(lambda: page.read_done and page.plan is not None, timeout=10000)
    return view, page


def _gone(dialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def _ok(dialog) -> None:
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()


@pytest.fixture
def window(qtbot, make_window, caseload):
    w = make_window(caseload[0])
    unlock(qtbot, w, PASSPHRASE)
    return w


def test_an_updated_agreement_is_saved_on_a_completed_plan_and_a_repeat_save_records_nothing(qtbot, window,
                                                                                             caseload):
    _view, page = _page(qtbot, window, caseload[1]["agree"])
    assert page.plan.status == "complete" and len(page.plan.agreements) == 1
    dialog = page.open_agreement()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.radios["yes"].isChecked() and not dialog.involvement.isEnabled()
    _ok(dialog)  # nothing changed
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    page.refresh()
    qtbot.waitUntil(lambda: page.read_done, timeout=10000)
    assert len(page.plan.agreements) == 1
    dialog = page.open_agreement()
    qtbot.waitUntil(dialog.isVisible)
    dialog.words.setPlainText("I have a flat now and want work")
    dialog.radios["no"].setChecked(True)
    dialog.reason.setPlainText("Does not want the drug goal")
    _ok(dialog)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    qtbot.waitUntil(lambda: page.plan is not None and len(page.plan.agreements) == 2, timeout=10000)
    latest = page.plan.agreement
    assert (latest.agreement, latest.updated, latest.persons_words) == ("no", True, "I have a flat now and want work")


def test_a_review_starts_when_saved_for_the_change_owed_lets_the_plan_change_and_completes_later(qtbot, window,
                                                                                                 caseload):
    people = caseload[1]
    _view, page = _page(qtbot, window, people["review"])
    dialog = page.review()
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(lambda: dialog.reasons_read, timeout=10000)
    assert dialog.review_id is None  # not started on opening: it starts on the first save
    assert dialog.reason.currentData() == "change_of_address"
    assert "change of address" in dialog.reason.currentText().lower()
    assert [dialog.reason.itemData(i) for i in range(dialog.reason.count())] == ["change_of_address", "interval"]
    dialog.rates[people["review_goal"]].setCurrentIndex(dialog.rates[people["review_goal"]].findData("partly_met"))
    dialog.keep_open.click()
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    # Inside the open review the plan's goals change (the page's Change goal… does this through the service).
    on_writer(qtbot, window, sp.update_goal, people["review_goal"], goal(title="A settled home near Sam's work"))
    page.refresh()
    qtbot.waitUntil(lambda: page.read_done and page.plan.goals[0].title.endswith("work"), timeout=10000)
    dialog = page.review()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.rates[people["review_goal"]].currentData() == "partly_met"  # carried on, not started again
    assert dialog.state.text().startswith("The plan has changed")
    _ok(dialog)  # no reason needed: the review changed the plan
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    qtbot.waitUntil(lambda: page.plan is not None and page.plan.reviews and
                    page.plan.reviews[0].status == "complete", timeout=10000)
    done = page.plan.reviews[0]
    assert (done.changed, done.reason, len(page.plan.reviews)) == (True, "change_of_address", 1)


def test_a_review_opened_and_cancelled_leaves_no_review(qtbot, window, caseload):
    people = caseload[1]
    _view, page = _page(qtbot, window, people["agree"])
    dialog = page.review()
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(lambda: dialog.reasons_read, timeout=10000)
    dialog.reject()  # Cancel with nothing typed
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    # Read on the writer thread, after any write the dialog asked for: no draft review was left behind.
    assert not on_writer(qtbot, window, lambda db: sp.plan_view(db, people["agree_plan"]).reviews)
    # Completed at once (never kept open): a refusal (no reason the unchanged plan stands) carries on with the review
    # that first try started, and the second try completes it: one review.
    dialog = page.review()
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(lambda: dialog.reasons_read, timeout=10000)
    dialog.rates[people["agree_goal"]].setCurrentIndex(dialog.rates[people["agree_goal"]].findData("met"))
    _ok(dialog)
    qtbot.waitUntil(lambda: dialog.error.isVisible() and dialog.buttons.isEnabled(), timeout=10000)
    assert dialog.review_id is not None and dialog.isVisible()
    dialog.no_change.setPlainText("The goals still fit: nothing has changed for Sam")
    _ok(dialog)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    reviews = on_writer(qtbot, window, lambda db: sp.plan_view(db, people["agree_plan"]).reviews)
    assert [(r.status, r.changed) for r in reviews] == [("complete", False)]  # type: ignore[attr-defined]


def test_a_goal_made_future_loses_its_target_and_made_active_again_asks_for_one(qtbot, window, caseload):
    people = caseload[1]
    _view, page = _page(qtbot, window, people["status"])
    page.goals.selectRow(0)
    dialog = page.change_status()
    qtbot.waitUntil(dialog.isVisible)
    dialog.status.setCurrentIndex(dialog.status.findData("future"))
    assert "taken off" in dialog.target_hint.text() and not dialog.target.isEnabled()
    dialog.note.setPlainText("Waits until the court case is over")
    _ok(dialog)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    qtbot.waitUntil(lambda: page.plan is not None and page.plan.goals[0].status == "future", timeout=10000)
    shown = page.plan.goals[0]
    assert shown.target_date is None and shown.errors == ()
    page.goals.selectRow(0)
    dialog = page.change_status()
    qtbot.waitUntil(dialog.isVisible)
    dialog.status.setCurrentIndex(dialog.status.findData("active"))
    assert dialog.target.isEnabled() and "needs a target date" in dialog.target_hint.text()
    dialog.target.setCurrentIndex(dialog.target.findData("3_months"))
    dialog.note.setPlainText("The court case is over")
    _ok(dialog)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    qtbot.waitUntil(lambda: page.plan is not None and page.plan.goals[0].status == "active", timeout=10000)
    shown = page.plan.goals[0]
    assert shown.target_date == TEST_TODAY.replace(year=2027, month=2)
    assert [(h.status, h.note) for h in shown.history] == [("future", "Waits until the court case is over"),
                                                            ("active", "The court case is over")]


def test_removing_the_learning_plan_warns_that_the_screening_needs_it_and_the_plan_is_then_flagged(qtbot, window,
                                                                                                  caseload):
    """Walk 8: removing the goal that is the learning plan gave no warning."""
    people = caseload[1]
    _view, page = _page(qtbot, window, people["learning"])
    assert "learning_plan_missing" not in {f.code for f in page.plan.flags}
    assert "literacy" in page.plan.learning_plan_needed.lower()
    page.goals.selectRow(1)
    dialog = page.change_status()
    qtbot.waitUntil(dialog.isVisible)
    assert not dialog.learning_warning.isVisible()
    dialog.status.setCurrentIndex(dialog.status.findData("achieved"))
    assert not dialog.learning_warning.isVisible()  # achieved, it stays the plan's learning plan
    dialog.status.setCurrentIndex(dialog.status.findData("removed"))
    assert dialog.learning_warning.isVisible()
    text = dialog.learning_warning.text()
    assert "This goal is the learning plan" in text and "literacy" in text.lower()
    assert "“A learning plan is required”" in text
    dialog.note.setPlainText("He says he reads well enough")
    _ok(dialog)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    qtbot.waitUntil(lambda: page.plan is not None and page.plan.goals[1].status == "removed", timeout=10000)
    assert "learning_plan_missing" in {f.code for f in page.plan.flags}
    assert "A learning plan is required but not part of the plan" in page.flags.text()
