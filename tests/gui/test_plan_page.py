"""The case's Plans tab (issue 18), on a real caseload file through the window: the empty state says a plan is
required at medium RoSH; actions are added through the form; an action lacking who blocks completion and the
problem names it and goes to it; sharing is recorded; the plan completes; a contact saved with a ticked plan
action shows on the plan as that action's evidence."""

from __future__ import annotations

from datetime import timedelta

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialogButtonBox

from lpt_desktop.reports.marking import MARKING
from lpt_desktop.services import rosh_plan
from lpt_desktop.services.rosh_document import rosh_document
from lpt_desktop.store.database import Database
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import unlock
from tests.gui.test_mnemonics import clashes
from tests.pdftext import pdf_pages
from tests.test_rosh_document import assessed_case, make_caseload

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("plan-page") / "caseload.lptdb"
    db: Database = make_caseload(path)
    people = {"new": assessed_case(db, "Z910001"), "planned": assessed_case(db, "Z910002"),
              "ordered": assessed_case(db, "Z910003")}
    plan = rosh_plan.start_plan(db, people["planned"], TEST_TODAY)
    people["action"] = rosh_plan.add_action(db, plan, rosh_plan.ActionIn(
        "supervision", "Offender manager", "Talk through the safety plan", TEST_TODAY + timedelta(days=7)))
    plan = rosh_plan.start_plan(db, people["ordered"], TEST_TODAY)
    for what in ("First", "Second", "Third"):
        rosh_plan.add_action(db, plan, rosh_plan.ActionIn("supervision", "Police", what, TEST_TODAY))
    db.close()
    return path, people


def _open(qtbot, window, person_id: str):
    holder = {}
    window.open_case(person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    view = holder["view"]
    view.sections.setCurrentWidget(view.plans)
    page = view.plans.risk
    qtbot.waitUntil(lambda: page.overview is not None, timeout=10000)
    return view, page


def _gone(dialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def _add(qtbot, page, section: str, who: str, what: str, by_when: str) -> None:
    dialog = page.add_action()
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.section.setCurrentIndex(dialog.section.findData(section))
    dialog.who.setEditText(who)
    dialog.what.setPlainText(what)
    dialog.by_when.setText(by_when)
    rows = page.action_model.rowCount()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: _gone(dialog) and page.action_model.rowCount() == rows + 1, timeout=10000)


def test_actions_an_incomplete_one_blocks_completion_then_sharing_and_completing(make_window, qtbot, caseload,
                                                                                 tmp_path):
    path, people = caseload
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    _view, page = _open(qtbot, window, people["new"])
    assert page.empty.isVisibleTo(page)
    assert "Required at medium RoSH: start one" in page.empty.text()
    assert page.start_button.isVisibleTo(page) and page.start_button.isEnabled()
    assert not page.add_button.isEnabled() and "start a plan first" in page.add_button.toolTip()

    page.start_button.click()
    qtbot.waitUntil(lambda: page.plan is not None, timeout=10000)
    assert "Draft plan" in page.plan_status.text() and not page.empty.isVisibleTo(page)
    _add(qtbot, page, "supervision", "Offender manager", "Weekly home visit", "30/11/2026")
    _add(qtbot, page, "victim_safety", "", "Mark the victim's address for urgent response", "07/12/2026")
    model = page.action_model
    flagged = model.records[1]
    assert flagged.missing == ("who",)
    assert model.data(model.index(1, 2)) == "Not set"  # who, flagged in words
    assert model.data(model.index(0, 6)) == "No evidence yet"
    assert "lack who, what or by when" in page.gaps.text()
    assert clashes(window) == []  # every button of a plan on show has its own Alt letter

    page.complete()
    qtbot.waitUntil(lambda: page.problems.isVisible(), timeout=10000)
    problems = [p.text for p in page.problem_model.records]
    assert any(p.startswith("Victim safety planning, action 1") and "who" in p for p in problems), problems
    page.action_table.selectRow(0)
    page.go_to_problem(page.problem_model.index(0, 0))
    assert page.action_table.currentIndex().row() == 1  # the problem went to its action
    assert page.plan.status == "draft"

    # Put it right through Edit…, and record who the plan was shared with.
    dialog = page.edit_action()
    qtbot.waitUntil(dialog.isVisible)
    dialog.who.setEditText("Police")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: _gone(dialog) and not page.action_model.records[1].missing, timeout=10000)
    qtbot.waitUntil(lambda: not page.problems.isVisible(), timeout=10000)
    sharing = page.record_sharing()
    qtbot.waitUntil(sharing.isVisible)
    sharing.agency.setCurrentIndex(sharing.agency.findData("mappa"))
    sharing.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: page.shared_model.rowCount() == 1, timeout=10000)
    assert page.shared_model.data(page.shared_model.index(0, 0)) == "MAPPA"
    assert page.shared_model.data(page.shared_model.index(0, 1)) == TEST_TODAY.strftime("%d/%m/%Y")

    page.complete()
    qtbot.waitUntil(lambda: page.plan is not None and page.plan.status == "complete", timeout=10000)
    assert "Plan completed on 23/11/2026" in page.plan_status.text()
    assert not page.add_button.isEnabled() and page.done_button.isEnabled()

    # The PDF: the officer is told first that it is an unprotected copy; then it is written where they chose.
    box = page.export_pdf()
    assert box is not None and "NOT encrypted" in box.text()
    box.close()
    pdf = tmp_path / "plan.pdf"
    page.save_pdf(str(pdf))
    qtbot.waitUntil(lambda: "saved (unprotected)" in page.status.text(), timeout=10000)
    text = " ".join(pdf_pages(pdf))
    assert MARKING in text and "Z910001" in text and "Weekly home visit" in text
    # Printed: the same content, marked on every page (a PDF printer stands in for paper).
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert page.print_to(printer, rosh_document(window.ops.db, people["new"])) >= 1
    printed = pdf_pages(tmp_path / "printed.pdf")
    assert all(MARKING in p for p in printed)
    assert "Mark the victim" in " ".join(printed) and "No evidence yet" in " ".join(printed)


def test_escape_after_typing_in_the_action_form_asks_before_discarding(make_window, qtbot, caseload):
    path, people = caseload
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    _view, page = _open(qtbot, window, people["planned"])
    dialog = page.add_action()
    qtbot.waitUntil(dialog.isVisible)
    dialog.what.setPlainText("Something typed")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.discard_box is not None and dialog.discard_box.isVisible(), timeout=5000)
    assert dialog.isVisible()
    dialog.discard()


def test_move_down_then_remove_after_confirming(make_window, qtbot, caseload):
    path, people = caseload
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    _view, page = _open(qtbot, window, people["ordered"])

    def whats() -> list[str]:
        return [a.what for a in page.action_model.records]

    assert whats() == ["First", "Second", "Third"]
    assert not page.up_button.isEnabled() and "already first" in page.up_button.toolTip()
    page.down_button.click()
    qtbot.waitUntil(lambda: whats() == ["Second", "First", "Third"], timeout=10000)
    assert page.action_table.currentIndex().row() == 1  # the moved action stays chosen
    box = page.remove_action()
    assert box is not None and "Supervision action 2" in box.text() and "First" in box.text()
    keep = next(b for b in box.buttons() if b.text() == "&Keep it")
    keep.click()
    qtbot.wait(50)
    assert whats() == ["Second", "First", "Third"]
    box = page.remove_action()
    next(b for b in box.buttons() if b.text() == "&Remove action").click()
    qtbot.waitUntil(lambda: whats() == ["Second", "Third"], timeout=10000)


def test_a_contact_saved_with_a_ticked_action_is_its_evidence(make_window, qtbot, caseload):
    path, people = caseload
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    view, page = _open(qtbot, window, people["planned"])
    assert page.action_model.records[0].evidence == ()
    contacts = view.show_contacts()
    entry = contacts.entry
    qtbot.waitUntil(lambda: people["action"] in entry.action_boxes, timeout=10000)
    box = entry.action_boxes[people["action"]]
    assert box.text().startswith("Talk through the safety plan (Offender manager;")
    assert "Talk through the safety plan (Offender manager; supervision 1)" in box.toolTip()  # whole, if cut
    contacts.start_entry()
    qtbot.waitUntil(entry.isVisible, timeout=5000)
    assert entry.delivered_group.isVisibleTo(entry)
    entry.outcome.setCurrentIndex(entry.outcome.findData("ATTC"))
    entry.notes.setPlainText("Went through the safety plan with him.")
    box.setChecked(True)
    entry.save_button.click()
    qtbot.waitUntil(lambda: page._stale, timeout=10000)  # not on show: it reads when shown, not on each change
    reads = page.reads
    view.show_plans()
    qtbot.waitUntil(lambda: page.action_model.rowCount() == 1 and len(page.action_model.records[0].evidence) == 1,
                    timeout=10000)
    assert page.action_model.data(page.action_model.index(0, 6)) == "1 contact"
    assert page.reads == reads + 1  # once, on show
    # The saved contact's details say which plan action it delivered, in the plan's words.
    contacts = view.show_contacts()
    qtbot.waitUntil(lambda: any(r.rmp_action_ids for r in contacts.model.records), timeout=10000)
    row = next(i for i, r in enumerate(contacts.model.records) if r.rmp_action_ids)
    contacts.table.selectRow(contacts.proxy.mapFromSource(contacts.model.index(row, 0)).row())
    qtbot.waitUntil(lambda: "Delivered: Supervision action 1: Talk through the safety plan"
                    in contacts.detail.toPlainText(), timeout=10000)
