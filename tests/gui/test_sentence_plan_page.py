"""The sentence plan page (issue 20) on a real caseload file through the window: an activity-only outcome is flagged as
it is typed and on the goal's row; goals move by Alt+Down and by a drop; a "no" with its reason is saved on a plan not
ready to agree, a "yes" waits until it is ready, then is saved with the person's words; a contact ticked with a step is
that step's evidence. On a completed plan: the goals' and steps' evidence and a goal's status history are readable in
the detail pane, the learning plan and an intervention under a removed goal are said so, an active goal with no step is
warned of, content buttons the service refuses are disabled with the reason, an intervention comes off its goal, the
type to start defaults to Review and the PDF to large print when the case record asks for it. With a new draft open: the
review due and the printed version are the plan in force's; Discard draft asks first."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox

from lpt_desktop.domain.contacts import ContactInput
from lpt_desktop.gui.plans.sentence_plan_page import completed_words
from lpt_desktop.gui.plans.step_dialog import StepDialog
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.cases import update_person
from lpt_desktop.services.contacts import record_contact
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import on_writer, unlock
from tests.plan_fill import complete_needs, goal, new_case, ready_plan, step

pytestmark = pytest.mark.gui
START = TEST_TODAY - timedelta(days=30)


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("sentence-plan") / "caseload.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    people: dict[str, Any] = {}
    for name in ("wording", "order", "agree", "contact"):
        pid = new_case(db, START)
        complete_needs(db, pid, START, {"accommodation": "severe", "ete": "standard", "drugs": "standard"})
        people[name] = pid
    plan = sp.start_plan(db, people["order"], today=TEST_TODAY)
    for title in ("First", "Second", "Third"):
        sp.add_goal(db, plan, goal(title), TEST_TODAY)
    plan = sp.start_plan(db, people["agree"], today=TEST_TODAY)
    people["agree_goal"] = sp.add_goal(db, plan, goal(), TEST_TODAY)
    plan = sp.start_plan(db, people["contact"], today=TEST_TODAY)
    g = sp.add_goal(db, plan, goal(), TEST_TODAY)
    people["step"] = sp.add_step(db, g, step(by=TEST_TODAY + timedelta(days=14)), today=TEST_TODAY)
    for name in ("done", "redraft", "progress", "reviewed"):
        pid = new_case(db, START)
        complete_needs(db, pid, START, {"accommodation": "severe", "ete": "standard"})
        people[name] = pid
        people[f"{name}_goals"] = _completed_plan(db, pid)
    people["selfsign"] = new_case(db, START)
    complete_needs(db, people["selfsign"], START, {"accommodation": "severe"})
    ready_plan(db, people["selfsign"], TEST_TODAY)
    update_person(db, people["done"], individual_needs="Appointments after 4pm\nLarge-print letters")
    # Agreed, then changed: the agreement predates the plan's goals and steps.
    people["predates"] = new_case(db, START)
    complete_needs(db, people["predates"], START, {"accommodation": "severe"})
    plan, g, _st = ready_plan(db, people["predates"], TEST_TODAY)
    sp.record_agreement(db, plan, sp.AgreementIn("yes"), TEST_TODAY)
    sp.add_step(db, g, step("Bid for flats every week", by=TEST_TODAY + timedelta(days=21)), today=TEST_TODAY)
    sp.start_plan(db, people["redraft"], "review", today=TEST_TODAY)
    g1, _g2, g3 = people["reviewed_goals"]
    reviewed = sp.current_plan(db, people["reviewed"], TEST_TODAY)
    assert reviewed is not None
    review = sp.start_review(db, reviewed.id, today=TEST_TODAY)
    sp.save_review(db, review, sp.ReviewIn({g1: "partly_met", g3: "not_met"}, {g1: "On the housing list"},
                                           no_change_reason="The goals still stand"))
    sp.complete_review(db, review, today=TEST_TODAY)
    db.close()
    return path, people


def _completed_plan(db, pid: str) -> tuple[str, str, str]:
    """A completed plan: goal 1 with a step a contact delivered; goal 2 the learning plan, unpaid work placed
    under it, then removed with a note; goal 3 a future goal made active after completion, with no step."""
    day = START + timedelta(days=2)
    plan = sp.start_plan(db, pid, today=day)
    g1 = sp.add_goal(db, plan, goal(), day)
    s1 = sp.add_step(db, g1, step(by=day + timedelta(days=14)), today=day)
    g2 = sp.add_goal(db, plan, goal("Read and write with confidence", "ete", "Sam reads his letters himself",
                                    learning_plan=True), day)
    sp.add_step(db, g2, step("Go to the literacy class", by=day + timedelta(days=30)), today=day)
    sp.set_persons_words(db, plan, "I want my own place", involvement="Wrote it together")
    sp.record_agreement(db, plan, sp.AgreementIn("yes"), day)
    upw = next(i.requirement_id for i in sp.plan_view(db, plan, day).interventions if i.code == "upw")
    sp.place_intervention(db, g2, upw)
    g3 = sp.add_goal(db, plan, goal("Work", "ete", "Sam is in paid work", "none"), day)  # a future goal
    sp.complete_plan(db, plan, True, today=day)
    sp.set_goal_status(db, g3, "active", "He is ready to look for work", day + timedelta(days=3), "6_months")
    at = datetime.combine(day + timedelta(days=5), time(10, 0))
    record_contact(db, pid, ContactInput(type_code="COAP", starts_at=at, outcome="ATTC", location="Preston office",
                                         notes="Went with him to the housing options team.\nHe is on the list.",
                                         plan_objective_ids=(g1,), plan_step_ids=(s1,)), now=at)
    sp.set_goal_status(db, g2, "removed", "He reads well enough now", day + timedelta(days=10))
    return g1, g2, g3


def _page(qtbot, window, person_id: str):
    holder: dict[str, Any] = {}
    window.open_case(person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    view = holder["view"]
    view.sections.setCurrentWidget(view.plans)
    page = view.plans.sentence
    qtbot.waitUntil(lambda: page.read_done, timeout=10000)
    return view, page


def _gone(dialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


@pytest.fixture
def window(qtbot, make_window, caseload):
    w = make_window(caseload[0])
    unlock(qtbot, w, PASSPHRASE)
    return w


def test_an_activity_only_outcome_is_flagged_as_typed_and_on_the_goal(qtbot, window, caseload):
    _view, page = _page(qtbot, window, caseload[1]["wording"])
    assert page.empty.isVisible()
    page.start_button.click()
    qtbot.waitUntil(lambda: page.plan is not None, timeout=10000)
    dialog = page.add_goal()
    qtbot.waitUntil(dialog.isVisible)
    dialog.title_edit.setText("Stop using heroin")
    dialog.area.setCurrentIndex(dialog.area.findData("drugs"))
    dialog.outcome.setPlainText("Attend the drug service")
    assert dialog.wording.text().startswith("⚠") and "Suggestion" in dialog.wording.text()
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    qtbot.waitUntil(lambda: page.goal_model.rowCount() == 1, timeout=10000)
    flags = page.goal_model.index(0, 7)
    assert "activity" in flags.data().lower()
    assert flags.data(Qt.ItemDataRole.ToolTipRole).count("Suggestion") == 1


def test_goals_move_by_keyboard_and_by_a_drop(qtbot, window, caseload):
    _view, page = _page(qtbot, window, caseload[1]["order"])
    titles = lambda: [g.title for g in page.goal_model.records]  # noqa: E731
    assert titles() == ["First", "Second", "Third"]
    page.goals.setFocus()
    page.goals.selectRow(0)
    qtbot.keyClick(page.goals, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: titles() == ["Second", "First", "Third"], timeout=10000)
    assert page.current_goal().title == "First"
    model = page.goal_model
    data = model.mimeData([model.index(2, 0)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex()) is False  # the view keeps rows
    qtbot.waitUntil(lambda: titles() == ["Third", "Second", "First"], timeout=10000)


def test_a_no_is_saved_on_an_unready_plan_and_a_yes_once_ready_with_their_words(qtbot, window, caseload):
    people = caseload[1]
    _view, page = _page(qtbot, window, people["agree"])
    dialog = page.open_agreement()
    qtbot.waitUntil(dialog.isVisible)
    # Only "yes" waits for the plan to be ready: the person can disagree with an unfinished plan (issue 20).
    assert dialog.agree_box.isEnabled() and not dialog.radios["yes"].isEnabled()
    assert dialog.radios["no"].isEnabled() and dialog.radios["could_not_answer"].isEnabled()
    assert "step" in dialog.not_ready.text().lower() and "“no”" in dialog.not_ready.text()
    dialog.radios["no"].setChecked(True)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "Why" in dialog.error.text()  # the reason is still required
    dialog.reason.setPlainText("Wants the housing goal settled before agreeing to the rest")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    qtbot.waitUntil(lambda: page.plan.agreement is not None, timeout=10000)
    assert page.plan.agreement.agreement == "no" and not page.plan.ready_to_agree
    assert "Wants the housing goal settled" in page.voice.text()
    on_writer(qtbot, window, sp.add_step, people["agree_goal"], step(by=TEST_TODAY + timedelta(days=7)))
    qtbot.waitUntil(lambda: page.plan is not None and page.plan.ready_to_agree, timeout=10000)
    dialog = page.open_agreement()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.agree_box.isEnabled() and dialog.radios["yes"].isEnabled()
    dialog.words.setPlainText("I want a place of my own")
    dialog.radios["could_not_answer"].setChecked(True)
    dialog.reason.setPlainText("")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "Why" in dialog.error.text()
    dialog.radios["yes"].setChecked(True)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    qtbot.waitUntil(lambda: page.plan.agreement.agreement == "yes", timeout=10000)
    assert page.plan.persons_words == "I want a place of my own"
    assert "I want a place of my own" in page.voice.text()


def test_a_contact_ticked_with_a_step_is_its_evidence(qtbot, window, caseload):
    people = caseload[1]
    view, page = _page(qtbot, window, people["contact"])
    assert page.step_model.rowCount() == 1 and page.step_model.index(0, 4).data() == "None yet"
    contacts = view.show_contacts()
    entry = contacts.entry
    key = ("step", people["step"])
    qtbot.waitUntil(lambda: key in entry.plan_boxes, timeout=10000)
    contacts.start_entry()
    qtbot.waitUntil(entry.isVisible, timeout=5000)
    assert entry.plan_group.isVisibleTo(entry)
    entry.outcome.setCurrentIndex(entry.outcome.findData("ATTC"))
    entry.notes.setPlainText("Went with him to the housing options team.")
    entry.plan_boxes[key].setChecked(True)
    entry.save_button.click()
    view.sections.setCurrentWidget(view.plans)
    qtbot.waitUntil(lambda: page.step_model.rowCount() == 1 and page.step_model.index(0, 4).data() == "1 contact",
                    timeout=10000)
    assert "housing options team" in page.step_model.index(0, 4).data(Qt.ItemDataRole.ToolTipRole)
    contacts = view.show_contacts()
    qtbot.waitUntil(lambda: any(r.plan_step_ids for r in contacts.model.records), timeout=10000)
    row = next(i for i, r in enumerate(contacts.model.records) if r.plan_step_ids)
    contacts.table.selectRow(contacts.proxy.mapFromSource(contacts.model.index(row, 0)).row())
    qtbot.waitUntil(lambda: "Delivered: goal 1 step 1: Register with the housing options team"
                    in contacts.detail.toPlainText(), timeout=10000)


def test_a_completed_plan_shows_evidence_and_history_and_refuses_what_the_service_refuses(qtbot, window, caseload):
    people = caseload[1]
    _view, page = _page(qtbot, window, people["done"])
    assert page.plan.status == "complete"
    # Goals: evidence in words, the learning plan named.
    assert page.goal_model.index(0, 6).data() == "1 contact"
    assert "housing options team" in page.goal_model.index(0, 6).data(Qt.ItemDataRole.ToolTipRole)
    assert page.goal_model.index(1, 1).data() == "Read and write with confidence (learning plan)"
    assert page.goal_model.index(2, 6).data() == "None yet"
    # The detail pane: the goal's and the chosen step's contacts, readable without a mouse.
    text = page.detail.toPlainText()
    assert text.count("Office appointment: Went with him to the housing options team.") == 2  # goal and step
    assert "He is on the list" not in text  # the note's first line only
    # Goal 1's step was due 14 days ago and is not started: overdue, in the table and the pane (walk 7).
    assert page.step_model.index(0, 2).data() == f"{(START + timedelta(days=16)):%d/%m/%Y} (overdue)"
    assert "Overdue" in page.step_model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert "(overdue). Status: Not started" in text
    page.goals.setCurrentIndex(page.goal_model.index(1, 0))
    text = page.detail.toPlainText()
    assert "(the learning plan)" in text and "Removed: He reads well enough now" in text
    page.detail.setFocus()
    assert page.detail.hasFocus()
    # An intervention under a removed goal; an active goal with no step warned of.
    assert "Unpaid work: under goal 2, which was removed" in page.interventions.text()
    assert "Goal 3 (Work) is active but has no step" in page.flags.text()
    # The service refuses content changes on a completed plan outside a review: so do the buttons, saying why.
    for b in (page.add_goal_button, page.edit_goal_button, page.add_step_button, page.place_button,
              page.up_button):
        assert not b.isEnabled(), b.text()
    assert "inside a review" in page.add_goal_button.toolTip()
    assert page.status_button.isEnabled() and page.words_button.isEnabled()
    assert not page.discard_button.isVisible()
    # Starting again defaults to a review; the case record asks for large-print letters.
    assert page.plan_type.currentData() == "review"
    assert page.large_print.isChecked()


def test_an_intervention_comes_off_its_goal_inside_a_review(qtbot, window, caseload):
    people = caseload[1]
    _view, page = _page(qtbot, window, people["done"])
    assert page.review_button.text() == "Review plan…"
    on_writer(qtbot, window, sp.start_review, page.plan.id)
    qtbot.waitUntil(lambda: page.add_goal_button.isEnabled(), timeout=10000)  # an open review allows changes
    assert page.review_button.text() == "Carry on the review…" and page.review_button.isEnabled()
    page.intervention_choice.setCurrentIndex(page.intervention_choice.findText("Unpaid work"))
    assert page.unplace_button.isEnabled()
    page.unplace_button.click()
    qtbot.waitUntil(lambda: "Unpaid work: not placed yet" in page.interventions.text(), timeout=10000)
    assert not page.unplace_button.isEnabled()
    assert "not under a goal" in page.unplace_button.toolTip()


def test_a_new_draft_says_the_plan_in_force_review_and_print_and_is_discarded_after_asking(qtbot, window, caseload):
    people = caseload[1]
    _view, page = _page(qtbot, window, people["redraft"])
    assert page.plan.status == "draft" and page.in_force is not None
    assert "Not due until" not in page.signing.text()
    assert f"review due {page.in_force.review_due.strftime('%d/%m/%Y')}" in page.signing.text()
    assert "give the plan in force (the initial plan completed" in page.printed.text()
    assert page.add_goal_button.isEnabled() and page.discard_button.isEnabled()
    box = page.discard()
    assert box is not None and "cannot be undone" in box.text() and "stays in force" in box.text()
    box.defaultButton().click()  # Keep it
    qtbot.wait(200)
    assert page.plan.status == "draft"
    box = page.discard()
    next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole).click()
    qtbot.waitUntil(lambda: page.plan is not None and page.plan.status == "complete", timeout=10000)
    assert page.status.text() == "The draft plan was discarded."
    assert page.in_force is None and page.printed.text() == ""


def test_completing_a_plan_that_needs_no_countersignature_says_self_signed(qtbot, window, caseload):
    _view, page = _page(qtbot, window, caseload[1]["selfsign"])
    page.complete(acknowledged=True)
    qtbot.waitUntil(lambda: page.plan is not None and page.plan.status == "complete", timeout=10000)
    assert page.plan.signing_status == "self_signed"
    assert page.status.text() == "The plan is completed and self-signed: it needs no countersignature."


def test_the_completion_message_says_self_signed_or_submitted():
    assert "self-signed" in completed_words("self_signed")
    assert "countersignature" not in completed_words("self_signed").replace("no countersignature", "")
    assert completed_words("awaiting_countersignature") == "The plan is completed and submitted for countersignature."


def test_a_completed_plans_step_moves_on_without_a_review(qtbot, window, caseload):
    """update_step refuses a completed plan's step outside a review; set_step_status does not: Change step… asks
    for the status alone."""
    _view, page = _page(qtbot, window, caseload[1]["progress"])
    assert page.edit_step_button.isEnabled() and "status" in page.edit_step_button.toolTip()
    dialog = page.edit_step()
    qtbot.waitUntil(dialog.isVisible)
    # The step form itself, offering the status alone (the page no longer asks with its own small box).
    assert isinstance(dialog, StepDialog) and dialog.windowTitle() == "Change a step's status"
    assert dialog.status.isEnabled() and dialog.status.currentData() == "not_started"
    for w in (dialog.what, dialog.who, dialog.partner, dialog.who_name, dialog.by_when):
        assert not w.isEnabled()
    dialog.status.setCurrentIndex(dialog.status.findData("in_progress"))
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: page.step_model.rowCount() == 1 and page.step_model.index(0, 3).data() == "In progress",
                    timeout=10000)
    assert not page.error.isVisible()


def test_a_completed_review_shows_on_the_page_and_each_goal_its_rating(qtbot, window, caseload):
    _view, page = _page(qtbot, window, caseload[1]["reviewed"])
    assert "Last review completed 23/11/2026 (due at the review interval): no change: The goals still stand." \
        in page.signing.text()
    assert "At the plan's reviews:\n  • 23/11/2026 Partly met: On the housing list" in page.detail.toPlainText()
    page.goals.setCurrentIndex(page.goal_model.index(2, 0))
    assert "  • 23/11/2026 Not met" in page.detail.toPlainText()


def test_completing_after_the_plan_changed_since_agreement_says_so_and_goes_back_by_default(qtbot, window,
                                                                                            caseload):
    """The agreement_predates_changes warning is put to the officer in words before completing: Complete anyway
    or Go back (the default and Escape)."""
    _view, page = _page(qtbot, window, caseload[1]["predates"])
    page.complete()
    qtbot.waitUntil(lambda: isinstance(page.question, QMessageBox) and page.question.isVisible(), timeout=10000)
    box = page.question
    text = box.text()
    assert text.startswith("The person's agreement (“Yes, I agree”) was recorded on 23/11/2026, before the plan's "
                           "goals or steps were changed")
    assert "Their words and agreement…" in text and "predates changes" not in text  # said once, in words
    names = [b.text() for b in box.buttons()]
    assert sorted(names) == ["&Go back", "Complete &anyway"]
    assert box.defaultButton().text() == "&Go back" and box.escapeButton() is box.defaultButton()
    box.defaultButton().click()
    qtbot.wait(200)
    assert page.plan is not None and page.plan.status == "draft"  # went back: nothing completed
