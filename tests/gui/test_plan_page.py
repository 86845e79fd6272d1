"""The case's Plans tab (issue 18), on a real caseload file through the window: the empty state says a plan is
required at medium RoSH; actions are added through the form; an action lacking who blocks completion and the
problem names it and goes to it; sharing is recorded; the plan completes; a contact saved with a ticked plan
action shows on the plan as that action's evidence."""

from __future__ import annotations

import os
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
LONG_ACTIONS = (
    ("Police domestic abuse unit", "Flag the ex-partner's address for urgent response and tell her the flag is on "
                                   "within 24 hours of any sighting"),
    ("Offender manager", "Home visit every fortnight to check who is living at the address and whether any "
                         "children stay overnight"),
    ("Children's services social worker", "Share each change of address and any new relationship with a parent "
                                          "of young children at the next core group meeting"),
)


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("plan-page") / "caseload.lptdb"
    db: Database = make_caseload(path)
    people = {"new": assessed_case(db, "Z910001"), "planned": assessed_case(db, "Z910002"),
              "ordered": assessed_case(db, "Z910003")}
    plan = rosh_plan.start_plan(db, people["planned"], TEST_TODAY)
    people["action"] = rosh_plan.add_action(db, plan, rosh_plan.ActionIn(
        "supervision", "Offender manager", "Talk through the safety plan", TEST_TODAY + timedelta(days=7)))
    people["long"] = assessed_case(db, "Z910004")
    plan = rosh_plan.start_plan(db, people["long"], TEST_TODAY)
    for who, what in LONG_ACTIONS:
        rosh_plan.add_action(db, plan, rosh_plan.ActionIn("victim_safety", who, what, TEST_TODAY + timedelta(days=14)))
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
    view.plans.kinds.setCurrentIndex(1)  # the sentence plan comes first (issue 20)
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
    words = "Talk through the safety plan (Offender manager; supervision 1)"
    assert entry.action_labels[people["action"]].text() == words and words in box.toolTip()  # whole
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
    if os.environ.get("LPT_SHOTS"):
        window.resize(1280, 800)
        window.show()
        qtbot.wait(50)
        window.grab().save(os.path.join(os.environ["LPT_SHOTS"], "contact_saved_delivered.png"))


@pytest.mark.parametrize("size", [(1280, 800), (1440, 900)])
def test_the_contact_form_fits_its_panel_with_long_plan_actions_wrapped_whole(make_window, qtbot, caseload, size,
                                                                             tmp_path):
    path, people = caseload
    window = make_window(path)
    window.resize(*size)
    window.show()
    unlock(qtbot, window, PASSPHRASE)
    view, _page = _open(qtbot, window, people["long"])
    contacts = view.show_contacts()
    entry = contacts.entry
    qtbot.waitUntil(lambda: len(entry.action_boxes) == 3, timeout=10000)
    contacts.start_entry()
    qtbot.waitUntil(entry.isVisible, timeout=5000)
    from PySide6.QtWidgets import QScrollArea

    scroll = entry.findChild(QScrollArea)
    qtbot.waitUntil(lambda: scroll.widget().width() <= scroll.viewport().width(), timeout=5000)
    inner = scroll.widget()
    for w in (entry.outcome, entry.type, entry.location, entry.notes):  # nothing cut off at the right edge
        right = w.mapTo(inner, w.rect().topRight()).x()
        assert right <= scroll.viewport().width(), (w.accessibleName(), right, scroll.viewport().width())
    for (who, what), label in zip(LONG_ACTIONS, entry.action_labels.values(), strict=True):
        assert label.text().startswith(what) and who in label.text() and "…" not in label.text()
        assert label.wordWrap() and label.toolTip().startswith(label.text())
        assert label.mapTo(inner, label.rect().topRight()).x() <= scroll.viewport().width()
    labels = list(entry.action_labels.values())
    # Each wrapped label has the height of its lines: none overlaps the next, none is cut by its group.
    pairs = list(zip(labels, labels[1:], strict=False))
    qtbot.waitUntil(lambda: all(a.geometry().bottom() < b.geometry().top() for a, b in pairs)
                    and labels[-1].geometry().bottom() <= entry.delivered_group.contentsRect().bottom()
                    and all(lb.height() >= lb.heightForWidth(lb.width()) for lb in labels), timeout=5000)
    entry.delivered_group.setFocus()
    scroll.ensureWidgetVisible(entry.delivered_group)
    label = next(iter(entry.action_labels.values()))
    box = next(iter(entry.action_boxes.values()))
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton)  # a click on the words ticks the box
    assert box.isChecked()
    shots = os.environ.get("LPT_SHOTS")
    if shots:
        window.grab().save(os.path.join(shots, f"contact_form_{size[0]}x{size[1]}.png"))
        scroll.verticalScrollBar().setValue(0)
        window.grab().save(os.path.join(shots, f"contact_form_top_{size[0]}x{size[1]}.png"))
    entry.cancel_button.click()


def test_ctrl_l_locks_from_a_plan_dialog(make_window, qtbot, caseload):
    path, people = caseload
    window = make_window(path)
    window.show()
    unlock(qtbot, window, PASSPHRASE)
    _view, page = _open(qtbot, window, people["planned"])
    dialog = page.add_action()
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()
    dialog.what.setFocus()
    qtbot.waitUntil(lambda: window.lock_action in dialog.actions(), timeout=5000)
    qtbot.keyClicks(dialog.what, "Weekly visit")
    qtbot.keyClick(dialog.what, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.is_unlocked, timeout=10000)
    assert _gone(dialog)
    unlock(qtbot, window, PASSPHRASE)
    assert window.statusBar().currentMessage().startswith("Closed unsaved at the lock")  # named after the unlock
