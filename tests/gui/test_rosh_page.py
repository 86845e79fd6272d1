"""The case's RoSH page and form (issue 18): a yes in the screening triggers the gate and the form names the
answer; a decision not to do a full analysis needs a reason of a sentence; a missing domestic abuse or
child-protection check is a warning that needs the acknowledgement; completing shows the new level on the page
and in the caseload; a report writer's screening awaits confirmation on the page; a review (here revising one)
marks each carried section with its age and cannot complete until each is confirmed or rewritten, text put back
counting as carried again; what is typed survives a lock and the draft carries on. Each test makes its own case
on one small shared caseload."""

from __future__ import annotations

import os
from datetime import date

import pytest
import shiboken6

from lpt_desktop.assessment.rosh_screening import GATE_FIELD, screening
from lpt_desktop.assessment.rosh_summary import assessment_data
from lpt_desktop.gui.assessments.rosh_form import ANALYSIS, CARRIED, COMPLETE, SOURCES, SUMMARY
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import rosh
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import DEMO_TODAY, PASSPHRASE
from tests.gui.conftest import on_writer, unlock
from tests.gui.test_mnemonics import clashes

pytestmark = pytest.mark.gui
REASON = "The previous domestic abuse was a single incident in 2009, with no call-outs since and a new partner."
WAIT = 10000


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("rosh-page") / "caseload.lptdb"
    create_demo(path, PASSPHRASE, DemoSpec(cases=4, contacts_per_case=1, seed=7, today=DEMO_TODAY),
                kdf=KdfParams.fast()).close()
    return path


def _new_case(qtbot, window, crn: str) -> str:
    sentence = cr.SentenceIn("CO", date(2026, 9, 1), date(2028, 9, 1), offence="Assault",
                             requirements=(cr.RequirementIn("UPW", {"hours": 100}),))
    pid = on_writer(qtbot, window, cr.create_case, cr.NewCase(crn, "Sam", "Testcase", date(1990, 5, 6), sentence))
    return str(pid)


def _open_rosh(qtbot, window, person_id: str):
    holder = {}
    window.open_case(person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=WAIT)
    assessments = holder["view"].show_assessments()
    assessments.sections.setCurrentIndex(1)
    page = assessments.rosh
    qtbot.waitUntil(lambda: page.overview is not None, timeout=WAIT)
    return page


def _form(qtbot, page):
    qtbot.waitUntil(lambda: page.form is not None and shiboken6.isValid(page.form) and page.form.loaded,
                    timeout=WAIT)
    return page.form


def _answer_all(form, answer: str = "no", **overrides: dict[str, str]) -> None:
    for (qid, period), choice in form.answers.items():
        choice.buttons[overrides.get(qid, {}).get(period, answer)].click()


def _check(qtbot, form):
    if form.steps.currentRow() == COMPLETE:
        form.refresh_check()
    else:
        form.go(COMPLETE)
    assert form.check is None  # checking again, after the save
    qtbot.waitUntil(lambda: form.check is not None, timeout=WAIT)
    return form.check


def _fields(check) -> list[str]:
    return [e.field for e in check.errors]


def test_screening_gate_reason_warning_and_the_level_on_completion(make_window, qtbot, caseload):
    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    person = _new_case(qtbot, window, "R100001")
    page = _open_rosh(qtbot, window, person)
    assert "No RoSH assessment yet: start a screening" in page.facts.text()
    assert page.history_model.rowCount() == 0 and page.level.text() == "Not assessed"
    assert page.start_button.text() == "&Start screening"
    page.start_button.click()
    form = _form(qtbot, page)
    # Nothing is pre-selected: an officer clicking through defaults is the inaccurate screening inspectors found.
    assert all(c.value() == "" and not any(b.isChecked() for b in c.buttons.values())
               for c in form.answers.values())
    assert all(box.currentData() is None for box in form.levels.boxes.values())
    assert not any(box.isChecked() for box in form.sources.values())

    assert form.report_writer.isVisibleTo(form)  # a screening for court: marked so, confirmed later
    form.report_writer.click()
    qtbot.waitUntil(lambda: form.view.by_report_writer, timeout=WAIT)

    # A yes in previous behaviour triggers the gate, and the form names the answer.
    _answer_all(form, domestic_abuse={"previous": "yes"})
    assert "Domestic abuse" in form.screening_note.text()
    form.go(ANALYSIS)
    assert form.gate.isVisibleTo(form)
    assert "Domestic abuse" in form.gate_text.text() and "(previous): yes" in form.gate_text.text()
    assert form.analysis_boxes[0].isVisibleTo(form)

    # A decision not to do one needs a proper reason: the form says so at once, and completing refuses it.
    form.not_doing.click()
    qtbot.keyClicks(form.gate_reason, "Not needed.")
    assert form.gate_hint.isVisibleTo(form) and "sentence" in form.gate_hint.text()
    assert not form.analysis_boxes[0].isVisibleTo(form)
    form.go(SOURCES)
    form.sources["interview"].click()  # neither domestic abuse call-outs nor children's services checked
    form.sources["other"].click()  # named in the sources note, kept with the draft
    qtbot.keyClicks(form.sources_note, "Hostel key worker's log")
    form.go(SUMMARY)
    assert not form.screened_out.isVisibleTo(form)  # the gate's reason says why: not asked twice
    for box in form.levels.boxes.values():
        box.setCurrentIndex(box.findData("L"))
    check = _check(qtbot, form)
    assert GATE_FIELD in _fields(check)
    assert form.view.sources_note == "Hostel key worker's log"
    assert not form.complete_button.isEnabled()
    # The error goes to its field.
    item = form.errors.item(_fields(check).index(GATE_FIELD))
    form.errors.itemActivated.emit(item)
    assert form.steps.currentRow() == ANALYSIS and form.gate_reason.hasFocus()

    form.gate_reason.setPlainText(REASON)
    assert not form.gate_hint.isVisibleTo(form)
    check = _check(qtbot, form)
    assert check.errors == []
    assert any("Police domestic abuse call-outs not checked" in w.message for w in check.warnings)
    assert any("Children's services not checked" in w.message for w in check.warnings)
    # Each warning goes to its source, by the key the service gives it (not by reading its words).
    assert [(w.field, w.step) for w in check.warnings] == [("Police domestic abuse call-outs", "sources"),
                                                           ("Children's services", "sources")]
    form.warnings.itemActivated.emit(form.warnings.item(1))
    assert form.steps.currentRow() == SOURCES and form.sources["childrens_services"].hasFocus()
    form.go(COMPLETE)
    check = _check(qtbot, form)
    assert form.acknowledge.isVisibleTo(form) and not form.complete_button.isEnabled()  # warnings need it
    form.acknowledge.click()
    assert form.complete_button.isEnabled()
    form.complete_button.click()
    qtbot.waitUntil(lambda: not shiboken6.isValid(form) or not form.isVisible(), timeout=WAIT)

    # The new level is on the page and in the caseload at once.
    qtbot.waitUntil(lambda: page.level.text() == "Low", timeout=WAIT)
    assert "Low" in page.status.text()
    row = next(r for r in window.caseload_view.model.records if r.person_id == person)
    qtbot.waitUntil(lambda: next(r for r in window.caseload_view.model.records
                                 if r.person_id == person).rosh == "L", timeout=WAIT)
    assert row is not None
    assert page.history_model.rowCount() == 1
    assert page.history_model.data(page.history_model.index(0, 2)) == "Low"
    assert page.start_button.text() == "&Start review"

    # The report writer's screening awaits the offender manager until confirmed.
    assert page.banner.isVisibleTo(page) and "report writer's screening" in page.banner_text.text()
    page.confirm_button.click()
    qtbot.waitUntil(lambda: not page.banner.isVisibleTo(page), timeout=WAIT)
    assert "confirmed" in page.history_model.data(page.history_model.index(0, 3))


def _report_writers_screening(db, person: str, on: date) -> None:
    """A report writer's full screening completed on `on`: domestic abuse now, a full analysis, medium."""
    aid = rosh.start_assessment(db, person, by_report_writer=True, today=on)
    answers = {q.id: {p: "no" for p in q.periods} for q in screening().questions}
    answers["domestic_abuse"]["current"] = "yes"
    analysis = {p: {"what": f"{p.title()} behaviour: assaults on a partner at home.",
                    "sources": "Police call-outs, CPS papers, interview."} for p in ("current", "previous")}
    community = {g.code: "M" for g in assessment_data().community_groups}
    rosh.save_draft(db, aid, rosh.AssessmentDraft(
        answers=answers, sources_checked=["police_domestic_abuse", "childrens_services", "interview"],
        analysis=analysis, summary=rosh.SummaryDraft(
            texts={"who_at_risk": "His former partner.", "nature": "Physical and psychological harm."},
            community=community)), on)
    assert rosh.complete_assessment(db, aid, acknowledge_warnings=True, today=on).completed


def test_review_confirms_each_carried_section_and_a_lock_keeps_the_draft(make_window, qtbot, caseload):
    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    person = _new_case(qtbot, window, "R100002")
    on_writer(qtbot, window, _report_writers_screening, person, date(2024, 5, 20))
    page = _open_rosh(qtbot, window, person)
    assert page.banner.isVisibleTo(page) and "report writer" in page.banner_text.text()
    assert page.confirm_button.isVisibleTo(page) and page.revise_button.isVisibleTo(page)
    assert page.level.text() == "Medium"

    page.revise_button.click()  # a review from the report writer's screening
    form = _form(qtbot, page)
    assert not form.steps.item(CARRIED).isHidden()
    carried = [s for s in form.view.sections if s.carried]
    assert len(carried) == 6 and all(s.needs_confirmation for s in carried)
    who = form.sections["summary.who_at_risk"]
    assert who.bar.isVisibleTo(form) or not who.isVisibleTo(form)
    assert who.carried.text().startswith("Carried forward from 20/05/2024, 2 years 6 months old")
    check = _check(qtbot, form)
    waiting = [f for f in _fields(check) if f in {s.label for s in carried}]
    assert len(waiting) == 6 and not form.complete_button.isEnabled()

    # Rewritten: the mark goes; put back as it was: carried again (the service's word).
    form.go(SUMMARY)
    saves = form.saves
    who.edit.setPlainText("His former partner and her two children.")
    qtbot.waitUntil(lambda: form.saves > saves and "summary.who_at_risk" not in form.view.unconfirmed,
                    timeout=WAIT)
    qtbot.waitUntil(lambda: not who.bar.isVisibleTo(form), timeout=WAIT)
    saves = form.saves
    who.edit.setPlainText("His former partner.")
    qtbot.waitUntil(lambda: form.saves > saves and "summary.who_at_risk" in form.view.unconfirmed, timeout=WAIT)
    qtbot.waitUntil(lambda: who.bar.isVisibleTo(form) and who.confirm.isVisibleTo(form), timeout=WAIT)

    # One by one: confirm each carried section from the Carried forward step (no confirm-all button).
    form.go(CARRIED)
    for key in [s.key for s in carried]:
        row = next(r for r in form.carried_rows if r.key == key)
        row.confirm.click()
        qtbot.waitUntil(lambda k=key: k not in form.view.unconfirmed, timeout=WAIT)
    assert "0 of 6 carried sections still to confirm" in form.carried_summary.text()
    check = _check(qtbot, form)
    assert not any(f in {s.label for s in carried} for f in _fields(check)), _fields(check)

    # Typed, then locked before the autosave's moment: the text is there after unlocking.
    form.go(SUMMARY)
    imminence = form.sections["summary.imminence"].edit
    imminence.setFocus()
    qtbot.keyClicks(imminence, "Evenings after drinking")
    form.go(SOURCES)  # leaving a step saves too; the lock below must not lose the last of it
    qtbot.keyClicks(form.source_reasons["childrens_services"], "Awaiting reply")
    window.lock()
    unlock(qtbot, window, PASSPHRASE)
    page = _open_rosh(qtbot, window, person)
    assert page.start_button.text() == "Contin&ue draft"
    page.start_button.click()
    form = _form(qtbot, page)
    assert form.sections["summary.imminence"].text() == "Evenings after drinking"
    assert form.source_reasons["childrens_services"].text() == "Awaiting reply"
    assert not form.view.unconfirmed  # the confirmations were kept with the draft
    # The analysis was carried in: the form asks for it to be confirmed or updated, not written.
    form.go(ANALYSIS)
    assert "previous full analysis was carried forward" in form.gate_text.text()
    assert "Confirm or update it" in form.screening_note.text()
    form.reject()  # Escape: the draft is kept (nothing to ask)
    qtbot.waitUntil(lambda: "Draft kept" in page.status.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: "previous one was carried forward" in page.banner_text.text(), timeout=WAIT)
    assert "confirm that each carried section still holds or update it" in page.banner_text.text()
    # Every button of the page on show (the banner's too): no Alt letter clashes with the window's menus.
    assert page.confirm_button.isVisibleTo(window) and page.start_button.isVisibleTo(window)
    assert clashes(window) == []

    # Earlier versions stay readable, and any two compare in words.
    page.history.selectRow(1)
    earlier = page.open_chosen()
    qtbot.waitUntil(lambda: earlier.loaded, timeout=WAIT)
    assert earlier.read_only and earlier.sections["summary.who_at_risk"].edit.isReadOnly()
    assert earlier.sections["summary.who_at_risk"].text() == "His former partner."
    earlier.reject()
    dialog = page.compare()
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=WAIT)
    words = [d.words for d in dialog.model.records]
    assert "When is the risk greatest: added" in words
    assert dialog.table.accessibleName() == "Differences between the two assessments"
    dialog.reject()


def test_ctrl_l_locks_from_the_open_form_which_keeps_its_draft_and_is_named_after_the_unlock(
        make_window, qtbot, caseload):
    from PySide6.QtCore import Qt

    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    person = _new_case(qtbot, window, "R100003")
    page = _open_rosh(qtbot, window, person)
    page.start_button.click()
    form = _form(qtbot, page)
    form.activateWindow()
    qtbot.waitUntil(lambda: form.isActiveWindow(), timeout=WAIT)
    form.go(SUMMARY)
    edit = form.sections["summary.imminence"].edit
    edit.setFocus()
    qtbot.waitUntil(lambda: window.lock_action in form.actions(), timeout=WAIT)
    qtbot.keyClicks(edit, "At weekends")
    qtbot.keyClick(edit, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # before the autosave's moment
    qtbot.waitUntil(lambda: not window.is_unlocked, timeout=WAIT)
    assert not shiboken6.isValid(form) or not form.isVisible()
    unlock(qtbot, window, PASSPHRASE)
    assert "Closed at the lock, draft kept: RoSH screening" in window.statusBar().currentMessage()
    assert "Testcase (R100003)" in window.statusBar().currentMessage()
    page = _open_rosh(qtbot, window, person)
    assert page.start_button.text() == "Contin&ue draft"
    page.start_button.click()
    form = _form(qtbot, page)
    assert form.sections["summary.imminence"].text() == "At weekends"
    form.reject()


def test_arrow_keys_choose_an_answer_on_an_unanswered_question_and_tab_moves_on(make_window, qtbot, caseload):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    person = _new_case(qtbot, window, "R100004")
    page = _open_rosh(qtbot, window, person)
    page.start_button.click()
    form = _form(qtbot, page)
    form.activateWindow()
    qtbot.waitUntil(lambda: form.isActiveWindow(), timeout=WAIT)
    choices = list(form.answers.values())
    first, second = choices[0], choices[1]
    assert first.value() == "" and second.value() == ""
    first.buttons["yes"].setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first.buttons["yes"], timeout=WAIT)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # nothing chosen yet: the arrow chooses
    assert first.value() == "no" and QApplication.focusWidget() is first.buttons["no"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left)
    assert first.value() == "yes"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # on to the next question, not to No
    assert QApplication.focusWidget() is second.buttons["yes"]
    assert first.value() == "yes" and second.value() == ""
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert second.value() == "no"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is first.buttons["yes"]
    form.reject()


def test_the_form_closes_with_its_own_alt_letter_keeping_the_draft(make_window, qtbot, caseload):
    from PySide6.QtCore import Qt

    from tests.gui.test_mnemonics import mnemonic

    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    person = _new_case(qtbot, window, "R100005")
    page = _open_rosh(qtbot, window, person)
    page.start_button.click()
    form = _form(qtbot, page)
    form.activateWindow()
    qtbot.waitUntil(lambda: form.isActiveWindow(), timeout=WAIT)
    key = mnemonic(form.close_button.text())
    assert key and key != mnemonic(form.complete_button.text())
    assert f"Alt+{key.upper()}" in form.close_button.toolTip() and "Escape" in form.close_button.toolTip()
    for step in range(form.steps.count()):
        form.steps.setCurrentRow(step)
        assert clashes(form) == [], step
    if os.environ.get("LPT_SHOTS"):
        qtbot.waitUntil(lambda: form.check is not None, timeout=WAIT)
        form.grab().save(os.path.join(os.environ["LPT_SHOTS"], "rosh_form_complete.png"))
    form.steps.setFocus()
    qtbot.keyClick(form.steps, getattr(Qt.Key, f"Key_{key.upper()}"), Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "Draft kept" in page.status.text(), timeout=WAIT)


def test_a_failed_save_and_a_failed_read_say_different_things_in_plain_words(make_window, qtbot, caseload):
    import sqlite3

    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    person = _new_case(qtbot, window, "R100006")
    page = _open_rosh(qtbot, window, person)
    page.start_button.click()
    form = _form(qtbot, page)
    problem = sqlite3.OperationalError("database is locked")
    form._read_failed(problem)
    read = form.saved_label.text()
    assert read.startswith("Could not read the assessment again:") and "Not saved" not in read
    form._failed(problem)
    saved = form.saved_label.text()
    assert saved.startswith("Not saved:") and "your typing is still here; it will try again" in saved.lower()
    for text in (read, saved):
        assert "OperationalError" not in text and "(" not in text
    saves = form.saves
    assert form.retry.isActive()  # it does try again
    qtbot.waitUntil(lambda: form.saves > saves, timeout=WAIT)
    assert form.saved_label.text() == "Draft saved"
    form.reject()


def test_an_autosave_reads_nothing_again_in_another_cases_hidden_tab_nor_under_its_own_form(
        make_window, qtbot, caseload):
    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    other_id = _new_case(qtbot, window, "R100007")
    other = _open_rosh(qtbot, window, other_id)  # its tab, with the RoSH page and the plan page made
    holder = {}
    window.open_case(other_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=WAIT)
    other_plan = holder["view"].show_plans().show_risk()
    qtbot.waitUntil(lambda: other_plan.overview is not None, timeout=WAIT)

    person = _new_case(qtbot, window, "R100008")
    page = _open_rosh(qtbot, window, person)  # this case's tab is on show now; the other's is hidden
    assert not other.isVisible() and not other_plan.isVisible()
    page.start_button.click()
    form = _form(qtbot, page)
    qtbot.wait(100)  # the start's own reads (it moves the case: Change.CASE) are done
    reads = (other.reads, other_plan.reads, page.reads)
    for n in range(3):
        saves = form.saves
        form.sections["summary.imminence"].edit.setPlainText(f"Evenings, draft {n}")
        qtbot.waitUntil(lambda s=saves: form.saves > s, timeout=WAIT)
    qtbot.wait(100)
    assert (other.reads, other_plan.reads, page.reads) == reads  # three autosaves, no page read again
    assert other._stale and page._stale
    form.reject()
    qtbot.waitUntil(lambda: page.reads > reads[2], timeout=WAIT)  # its own page reads once the form closes
    window.tabs.setCurrentWidget(holder["view"])  # the other case shown, at its plan: the plan reads then
    qtbot.waitUntil(lambda: other_plan.reads > reads[1] and not other_plan._stale, timeout=WAIT)
    assert other.reads == reads[0]  # its RoSH page is not on show yet
    holder["view"].show_assessments()
    qtbot.waitUntil(lambda: other.reads > reads[0] and not other._stale, timeout=WAIT)
