"""The sentence plan page (issue 20) on a real caseload file through the window: an activity-only outcome is
flagged as it is typed and on the goal's row; goals move by Alt+Down and by a drop; the agreement is refused
until the plan is ready, then saved with the person's words; a contact ticked with a step is that step's
evidence."""

from __future__ import annotations

from datetime import timedelta

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, Qt

from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import on_writer, unlock
from tests.plan_fill import complete_needs, goal, new_case, step

pytestmark = pytest.mark.gui
START = TEST_TODAY - timedelta(days=30)


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("sentence-plan") / "caseload.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    people = {}
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
    people["step"] = sp.add_step(db, g, step(by=TEST_TODAY + timedelta(days=14)))
    db.close()
    return path, people


def _page(qtbot, window, person_id: str):
    holder = {}
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
    flags = page.goal_model.index(0, 6)
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


def test_agreement_is_refused_until_ready_then_saved_with_their_words(qtbot, window, caseload):
    people = caseload[1]
    _view, page = _page(qtbot, window, people["agree"])
    dialog = page.open_agreement()
    qtbot.waitUntil(dialog.isVisible)
    assert not dialog.agree_box.isEnabled()
    assert "step" in dialog.not_ready.text().lower()
    dialog.discard()
    on_writer(qtbot, window, sp.add_step, people["agree_goal"], step(by=TEST_TODAY + timedelta(days=7)))
    qtbot.waitUntil(lambda: page.plan is not None and page.plan.ready_to_agree, timeout=10000)
    dialog = page.open_agreement()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.agree_box.isEnabled()
    dialog.words.setPlainText("I want a place of my own")
    dialog.radios["could_not_answer"].setChecked(True)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert "Why" in dialog.error.text()
    dialog.radios["yes"].setChecked(True)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    qtbot.waitUntil(lambda: page.plan.agreement is not None, timeout=10000)
    assert page.plan.agreement.agreement == "yes"
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
    qtbot.waitUntil(lambda: page.step_model.rowCount() == 1 and page.step_model.index(0, 4).data() == "1",
                    timeout=10000)
    assert "housing options team" in page.step_model.index(0, 4).data(Qt.ItemDataRole.ToolTipRole)
    contacts = view.show_contacts()
    qtbot.waitUntil(lambda: any(r.plan_step_ids for r in contacts.model.records), timeout=10000)
    row = next(i for i, r in enumerate(contacts.model.records) if r.plan_step_ids)
    contacts.table.selectRow(contacts.proxy.mapFromSource(contacts.model.index(row, 0)).row())
    qtbot.waitUntil(lambda: "Delivered: goal 1 step 1: Register with the housing options team"
                    in contacts.detail.toPlainText(), timeout=10000)
