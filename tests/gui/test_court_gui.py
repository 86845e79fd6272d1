"""Court work in the real window: the work list, the report editor, oral reports, PDFs and pre-sentence records."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from lpt_desktop.gui.court_list import DUE_TODAY_BG, timeliness_text
from lpt_desktop.services import court
from lpt_desktop.services.caseload import load_caseload
from lpt_desktop.services.unlock import unlock as open_db
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import unlock
from tests.pdftext import pdf_pages

pytestmark = pytest.mark.gui



def _court(window):
    return window.features["court"]

def _add_requests(path: Path) -> dict[str, str]:
    """Requests relative to today, the day the suite's clock is frozen at (the list marks 'due today' by it)."""
    today = TEST_TODAY
    db = open_db(path, PASSPHRASE)
    try:
        rows = load_caseload(db, today)
        ids = {
            "later": court.create_request(db, person_id=rows[10].person_id, court="Lancaster Magistrates' Court",
                                          lja="Lancashire", hearing_date=today + timedelta(days=30),
                                          report_type="sdr", requested_on=today),
            "today": court.create_request(db, person_id=rows[11].person_id, court="Burnley Magistrates' Court",
                                          lja="Lancashire", hearing_date=today, report_type="oral",
                                          requested_on=today),
            "full": court.create_request(db, person_id=rows[12].person_id, court="Preston Crown Court",
                                         lja="Lancashire", hearing_date=today + timedelta(days=25),
                                         report_type="sdr", requested_on=today, remanded=True),
        }
        ids["full_person"] = rows[12].person_id
    finally:
        db.close()
    return ids


def _window(make_window, qtbot, path: Path):
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    assert window.is_unlocked
    if window.last_message is not None and window.last_message.isVisible():
        window.last_message.close()  # the 'unsaved contacts' offer, if any
    return window


def _show_list(qtbot, window):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: _court(window).list_view is not None and _court(window).list_view.model.rowCount() > 0,
                    timeout=10000)
    return _court(window).list_view


def _open_editor(qtbot, window, request_id: str):
    view = _court(window).list_view or _show_list(qtbot, window)
    rec = next(r for r in view.model.records if r.id == request_id)
    before = len(_court(window).editors)
    view.open_requested.emit(rec)
    qtbot.waitUntil(lambda: len(_court(window).editors) == before + 1, timeout=10000)
    editor = window.tabs.currentWidget()
    assert editor in _court(window).editors.values()
    return editor


def _words(editor) -> tuple[int, int]:
    """(this section, whole report) from the running word count."""
    m = re.match(r"Words: ([\d,]+) in this section · ([\d,]+) in the report", editor.words.text())
    assert m, editor.words.text()
    return int(m[1].replace(",", "")), int(m[2].replace(",", ""))


def test_list_due_today_on_top_marked_and_filtered(make_window, qtbot, demo_db):
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    assert _court(window).list_action.isEnabled()
    view = _show_list(qtbot, window)
    assert window.tabs.currentWidget() is view
    assert QApplication.focusWidget() is view.table  # keyboard: Ctrl+Shift+C lands on the list
    shown = view.shown()
    today = TEST_TODAY  # the frozen clock's today, which the window reads
    due_today = [r for r in shown if r.due_by == today and r.status != "sent"]
    assert due_today, "the request for an oral report today is due today"
    # Every request due today comes before every other request.
    first_other = next(i for i, r in enumerate(shown) if r not in due_today)
    assert all(shown.index(r) < first_other for r in due_today)
    assert any(r.id == ids["today"] for r in due_today)
    top = view.proxy.index(0, 0)
    assert view.proxy.data(top, Qt.ItemDataRole.BackgroundRole).color() == DUE_TODAY_BG
    assert "DUE TODAY" in view.proxy.data(top)
    assert "due today" in view.title.text()
    assert view.timeliness.text().startswith("Reports on time this month")

    qtbot.keyClicks(view.search, "Burnley")
    assert [r.id for r in view.shown()] == [ids["today"]]
    view.search.setText("no such court anywhere")
    assert view.body.currentWidget() is view.empty
    assert "No requests match" in view.empty.text()
    view.search.clear()
    assert view.proxy.rowCount() == len(shown)

    window.lock("user")
    assert _court(window).list_view is None or _court(window).list_view.model.rowCount() == 0
    assert not _court(window).list_action.isEnabled()


def test_timeliness_readout_against_target():
    class T:
        def __init__(self, on_time: int, total: int) -> None:
            self.on_time, self.total = on_time, total
            self.share = on_time / total if total else 1.0

    assert timeliness_text(T(19, 20)) == ("Reports on time this month: 19 of 20 (95%) · target 95%", True)
    text, ok = timeliness_text(T(18, 20))
    assert not ok and "BELOW TARGET" in text and "18 of 20 (90%)" in text
    assert timeliness_text(T(0, 0))[1]


def test_editor_sections_guidance_words_prefill_and_autosave(make_window, qtbot, demo_db):
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    editor = _open_editor(qtbot, window, ids["full"])
    assert not editor.compact
    assert editor.sections.count() == 9
    assert editor.pages.count() == 9
    assert any("Check each detail" in lbl.text() for lbl in editor.pages.widget(0).findChildren(QLabel))
    # Prefilled fields from the case are marked until confirmed.
    name_banner = editor.banners[("offender_details", "name")]
    assert not name_banner.isHidden()
    assert "●" in editor.sections.item(0).text()
    name_banner.button.click()
    qtbot.waitUntil(lambda: name_banner.isHidden(), timeout=10000)
    db = window.ops.db
    assert "name" not in court.load_report(db, editor.report_id).prefilled.get("offender_details", set())
    assert "pnc" in court.load_report(db, editor.report_id).prefilled.get("offender_details", set())

    # One button confirms a whole section's prefilled fields.
    assert editor.confirm_all["risk"].isVisibleTo(editor.pages.widget(5))
    editor.confirm_all["risk"].click()
    qtbot.waitUntil(lambda: not [k for k in editor.unconfirmed() if k[0] == "risk"], timeout=10000)
    assert not court.load_report(db, editor.report_id).prefilled.get("risk")
    assert "●" not in editor.sections.item(5).text()

    # Changing a prefilled field confirms it too (the service unmarks it; the banner goes after the save).
    address = editor.fields["offender_details"]["address"]
    address.edit.setPlainText("12 New Road, Preston PR1 2AB")
    editor.save()
    qtbot.waitUntil(lambda: editor.banners[("offender_details", "address")].isHidden(), timeout=10000)

    # Alt+4 goes to section 4 with the focus in its first field; typing counts words and autosaves.
    qtbot.keyClick(editor, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert editor.pages.currentIndex() == 3
    analysis = editor.fields["offence_analysis"]["analysis"]
    assert QApplication.focusWidget() is analysis.edit
    text = "He accepts responsibility and shows some remorse for the harm caused"
    before = _words(editor)
    qtbot.keyClicks(analysis.edit, text)
    assert _words(editor) == (before[0] + len(text.split()), before[1] + len(text.split()))
    assert editor.dirty
    saves = editor.saves
    qtbot.waitUntil(lambda: editor.saves > saves and editor.settled, timeout=10000)  # the timer
    assert court.load_report(db, editor.report_id).sections["offence_analysis"]["analysis"] == text

    # Leaving a section saves it at once.
    analysis.edit.appendPlainText("Pattern follows drinking.")
    saves = editor.saves
    editor.go_to(4)
    qtbot.waitUntil(lambda: editor.saves > saves, timeout=10000)
    assert court.load_report(db, editor.report_id).sections["offence_analysis"]["analysis"].endswith("drinking.")


def test_ready_checks_say_what_to_add_then_mark_ready(make_window, qtbot, demo_db):
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    editor = _open_editor(qtbot, window, ids["full"])

    def check() -> str:
        editor.checks.hide()
        editor.ready_button.click()
        qtbot.waitUntil(lambda: editor.checks.isVisible(), timeout=10000)
        return editor.checks.text()

    text = check()
    assert text.startswith("Not ready yet")
    assert "Add a proposal" in text
    assert "domestic abuse checks" in text

    f = editor.fields
    f["proposal"]["sentence"].set_value("CO")
    row = f["proposal"]["requirements"].add_row({"type_code": "UPW", "params": {"hours": 20}})
    editor._changed("proposal", "requirements")
    text = check()
    assert "Add a proposal" not in text
    assert "40" in text and "300" in text  # unpaid work hours out of range, with the limits
    assert "outline sentence plan" in text

    row.param_widgets["hours"].setText("120")
    f["proposal"]["outline_plan"].set_value("Unpaid work 120 hours; supervision to address drinking and housing.")
    issues = f["offender_assessment"]["issues"].value()
    f["proposal"]["plan_addresses"].set_value(issues + ["risk", "vulnerability"])
    f["sources"]["used"].set_value(["interview", "domestic_abuse", "childrens_services"])
    f["sign_off"]["author"].set_value("Alex Morgan")
    text = check()
    assert text.startswith("All"), text
    assert "Ready for countersign" in editor.status.text()
    assert court.load_report(window.ops.db, editor.report_id).status == "ready"
    assert editor.sent_button.isVisible()
    view = _court(window).list_view
    qtbot.waitUntil(lambda: any(r.id == ids["full"] and r.status == "ready" for r in view.model.records),
                    timeout=10000)

    # Changing a ready report takes it back to drafting (the signature covered the old text).
    f["offence_analysis"]["analysis"].set_value("A late correction.")
    editor.save()
    qtbot.waitUntil(lambda: "Drafting" in editor.status.text(), timeout=10000)
    assert court.load_report(window.ops.db, editor.report_id).status == "drafting"
    assert check().startswith("All")

    # A report that needs a countersignature cannot go to court without one; the refusal says so.
    f["sign_off"]["countersignature_required"].set_value(True)
    assert check().startswith("All")
    editor.checks.hide()
    editor.sent_button.click()
    qtbot.waitUntil(lambda: editor.checks.isVisible(), timeout=10000)
    assert "Countersignature" in editor.checks.text()
    assert editor.countersign_button.isVisible()
    editor.countersign_as("Sam Manager")
    qtbot.waitUntil(lambda: "countersigned by Sam Manager" in editor.status.text(), timeout=10000)
    editor.sent_button.click()
    qtbot.waitUntil(lambda: "Sent" in editor.status.text(), timeout=10000)
    assert not editor.pages.isEnabled() and not editor.ready_button.isEnabled()
    assert court.load_report(window.ops.db, editor.report_id).status == "sent"


def test_export_pdf_and_print(make_window, qtbot, demo_db, tmp_path):
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    editor = _open_editor(qtbot, window, ids["full"])
    editor.fields["offence_details"]["main_offence"].set_value("Theft from a shop")

    # The dialog checks what it is given and says the file is not protected.
    editor.ask_export()
    dialog = editor.export_dialog
    assert "outside the encrypted" in dialog.warning.text()
    dialog.pw.setText("court")
    dialog.pw2.setText("curt")
    dialog.path_edit.setText(str(tmp_path / "out" / "report.pdf"))
    dialog.accept()
    assert dialog.isVisible() and "does not match" in dialog.error.text()
    dialog.reject()

    out = tmp_path / "report.pdf"
    editor.export_to(str(out))
    qtbot.waitUntil(lambda: out.exists(), timeout=15000)
    assert out.read_bytes().startswith(b"%PDF")
    qtbot.waitUntil(lambda: window.last_message is not None and window.last_message.isVisible(), timeout=5000)
    assert "outside the encrypted caseload store" in window.last_message.text()
    window.last_message.close()
    assert not list(tmp_path.glob(".lpt-*"))  # the atomic write left no temporary file

    locked = tmp_path / "locked.pdf"
    editor.export_to(str(locked), "court")
    qtbot.waitUntil(lambda: locked.exists(), timeout=15000)
    assert b"/Encrypt" in locked.read_bytes()

    html = editor.report_html()
    for spec in editor.specs:
        assert spec.title in html
    assert "Theft from a shop" in html  # what is on screen, saved or not
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # the print path, caught as a file
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    pages = editor.print_to(printer)
    assert pages >= 2
    # NFKC: the 'ff' ligature back to two letters
    page_texts = [unicodedata.normalize("NFKC", t) for t in pdf_pages(printed)][:pages]
    assert len(page_texts) == pages
    for n, page_text in enumerate(page_texts, start=1):
        assert page_text.count("OFFICIAL-SENSITIVE") == 2, n  # top and bottom of every page
        assert f"Page {n} of {pages}" in page_text
    text = "\n".join(page_texts)
    assert "1. Offender details" in text and "9. Sign-off" in text and "Theft from a shop" in text


def test_oral_report_compact_form(make_window, qtbot, demo_db):
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    editor = _open_editor(qtbot, window, ids["today"])
    assert editor.compact
    assert editor.pages.count() == 1  # every section on one page
    # Its own compact form: offence, relevant background, risk, proposal, sources (not the nine sections).
    assert [editor.sections.item(i).text().split("  ●")[0] for i in range(editor.sections.count())] == [
        "1. Offence", "2. Relevant background", "3. Risk", "4. Proposal", "5. Sources"]
    assert "offender_details" not in editor.fields  # the details come from the request, in the header
    assert "trauma" not in editor.fields["offender_assessment"]  # the long-form-only fields are left out
    assert "analysis" in editor.fields["offence_analysis"]  # why it happened, which the court hears
    notes = editor.fields["offence_details"]["summary"]
    notes.edit.setPlainText("Pleaded guilty; CPS summary read in court.")
    editor.go_to(4)  # leaving the section saves it
    qtbot.waitUntil(lambda: editor.settled and editor.saves > 0, timeout=10000)
    stored = court.load_report(window.ops.db, editor.report_id)
    assert stored.sections["offence_details"]["summary"].startswith("Pleaded guilty")
    assert "Oral report record" in editor.header.text()


def test_lock_keeps_typing_and_reopen_shows_it(make_window, qtbot, demo_db):
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    editor = _open_editor(qtbot, window, ids["later"])
    report_id = editor.report_id
    editor.fields["offence_analysis"]["pattern"].set_value("Three thefts in a year, all while drinking.")
    assert editor.dirty
    window.lock("idle")  # before the autosave timer fires
    assert not _court(window).editors
    db = open_db(demo_db, PASSPHRASE)
    try:
        assert court.load_report(db, report_id).sections["offence_analysis"]["pattern"].startswith("Three thefts")
    finally:
        db.close()
    unlock(qtbot, window, PASSPHRASE)
    editor = _open_editor(qtbot, window, ids["later"])
    assert editor.fields["offence_analysis"]["pattern"].value().startswith("Three thefts")


def test_pre_sentence_record_request_and_promotion_to_case(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: _court(window).dialog is not None and _court(window).dialog.isVisible(), timeout=5000)
    dialog = _court(window).dialog
    dialog.first.setText("Robin")
    dialog.last.setText("Testperson")
    dialog.dob.setText("31/02/1990")
    dialog.submit()
    assert dialog.dob.message.text() == "Date of birth: 31/02/1990 does not exist: February 1990 has 28 days"
    dialog.dob.setText("02/04/1990")
    dialog.pnc.setText("bad")
    dialog.submit()
    qtbot.waitUntil(lambda: "PNC" in dialog.error.text(), timeout=10000)  # the service's field error, shown
    dialog.pnc.setText("2011/0123456A")
    dialog.address.setPlainText("4 Mill Lane, Chorley PR7 1AA")
    dialog.submit()
    # Saving the record goes straight on to the court's request, with the record chosen.
    qtbot.waitUntil(lambda: _court(window).dialog is not dialog and _court(window).dialog is not None
                    and _court(window).dialog.isVisible(), timeout=10000)
    request_dialog = _court(window).dialog
    assert request_dialog.pre_sentence.isChecked()
    assert request_dialog.record.currentText() == "Robin Testperson"
    request_dialog.submit()
    qtbot.waitUntil(lambda: "Court" in request_dialog.error.text(), timeout=10000)
    request_dialog.court.setText("Chorley Magistrates' Court")
    request_dialog.lja.setText("Lancashire")
    request_dialog.type.setCurrentIndex(request_dialog.type.findData("fdr"))
    assert request_dialog.due.text()  # the due date from the standard, before saving
    request_dialog.submit()
    qtbot.waitUntil(lambda: _court(window).list_view is not None
                    and any(r.name == "Robin Testperson" for r in _court(window).list_view.model.records),
                    timeout=10000)
    view = _court(window).list_view
    rec = next(r for r in view.model.records if r.name == "Robin Testperson")
    assert rec.person_id is None and rec.crn is None
    qtbot.waitUntil(lambda: view.current() is not None and view.current().id == rec.id, timeout=5000)
    assert view.promote_button.isEnabled()
    cases_before = len(window.caseload_view.model.records)
    view.promote_button.click()
    qtbot.waitUntil(lambda: _court(window).dialog is not None and _court(window).dialog.windowTitle() == "Make a case",
                    timeout=5000)
    _court(window).dialog.submit()
    qtbot.waitUntil(lambda: len(window.caseload_view.model.records) == cases_before + 1, timeout=10000)
    made = next(r for r in window.caseload_view.model.records if "Testperson" in r.name)
    qtbot.waitUntil(lambda: window.current_case() is not None, timeout=10000)
    assert window.current_case().case.person_id == made.person_id
    assert window.current_case().case.date_of_birth == date(1990, 4, 2)  # carried over, not re-typed
    qtbot.waitUntil(lambda: any(r.id == rec.id and r.person_id == made.person_id
                                for r in _court(window).list_view.model.records), timeout=10000)


def test_keyboard_only_list_to_editor_and_through_a_section(make_window, qtbot, demo_db):
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    view = _show_list(qtbot, window)
    view.select(ids["full"])
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter opens the report
    qtbot.waitUntil(lambda: len(_court(window).editors) == 1, timeout=10000)
    editor = window.tabs.currentWidget()
    first = editor.fields["offender_details"]["name"]
    assert QApplication.focusWidget() is first.edit
    # Tab walks the section's fields in order, then the confirm button beside a prefilled one.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.banners[("offender_details", "name")].button
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # confirm by keyboard
    qtbot.waitUntil(lambda: editor.banners[("offender_details", "name")].isHidden(), timeout=10000)
    # From the section list, Tab goes into the page shown, not to the buttons.
    editor.sections.setFocus()
    qtbot.keyClick(editor.sections, Qt.Key.Key_Down)
    assert editor.pages.currentIndex() == 1
    qtbot.keyClick(editor.sections, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.fields["sentencing_court"]["court"].edit
    for widget in (editor.sections, editor.ready_button, editor.export_button, editor.print_button, editor.words):
        assert widget.accessibleName()
    assert all(w.accessibleName() for fields in editor.fields.values() for w in fields.values())


def test_half_typed_date_waits_and_switching_tab_saves(make_window, qtbot, demo_db):
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    editor = _open_editor(qtbot, window, ids["later"])
    f = editor.fields["offence_details"]
    f["offence_date"].edit.setText("31/02/2026")
    f["main_offence"].set_value("Burglary (dwelling)")
    assert not f["offence_date"].valid()
    assert "31/02/2026 does not exist" in f["offence_date"].edit.error()
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # to the caseload: hides the editor
    assert window.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: editor.saves > 0, timeout=10000)
    stored = court.load_report(window.ops.db, editor.report_id).sections["offence_details"]
    assert stored["main_offence"] == "Burglary (dwelling)"  # the rest of the section saved
    assert "offence_date" not in stored
    assert editor.dirty  # the bad date is still pending, still on screen
    f["offence_date"].edit.setText("28/02/2026")
    editor.save()
    qtbot.waitUntil(lambda: editor.settled, timeout=10000)
    assert court.load_report(window.ops.db, editor.report_id).sections["offence_details"]["offence_date"] == date(
        2026, 2, 28)


def test_list_layout_is_remembered(make_window, qtbot, demo_db, prefs):
    _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    view = _show_list(qtbot, window)
    view.table.horizontalHeader().resizeSection(3, 333)
    window.close()
    second = _window(make_window, qtbot, demo_db)
    view = _show_list(qtbot, second)
    assert view.table.horizontalHeader().sectionSize(3) == 333


def test_timeliness_menu_reads_the_month(make_window, qtbot, demo_db):
    today = TEST_TODAY  # the frozen clock's today, which the window reads
    db = open_db(demo_db, PASSPHRASE)
    try:
        expected = court.timeliness(db, today)
    finally:
        db.close()
    window = _window(make_window, qtbot, demo_db)
    _court(window).timeliness_action.trigger()
    qtbot.waitUntil(lambda: window.last_message is not None and window.last_message.isVisible(), timeout=10000)
    text = window.last_message.text()
    assert text.startswith(timeliness_text(expected)[0])
    assert "target 95%" in text


def test_withdraw_request_closes_its_report(make_window, qtbot, demo_db):
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    editor = _open_editor(qtbot, window, ids["later"])
    view = _court(window).list_view
    window.tabs.setCurrentWidget(view)
    view.select(ids["later"])
    view.withdraw_button.click()
    box = _court(window).dialog
    qtbot.waitUntil(lambda: box.isVisible(), timeout=5000)
    assert "cannot be undone" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert any(r.id == ids["later"] for r in view.model.records)
    view.withdraw_button.click()
    box = _court(window).dialog
    qtbot.waitUntil(lambda: box.isVisible(), timeout=5000)
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not any(r.id == ids["later"] for r in view.model.records), timeout=10000)
    assert not _court(window).editors
    assert not shiboken6.isValid(editor) or window.tabs.indexOf(editor) < 0  # its tab closed
    assert all(r.id != ids["later"] for r in court.list_requests(window.ops.db))
