"""Court work on screen: names as typed (never HTML-escaped), the oral report's compact form, guidance only."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QGroupBox, QLabel

from lpt_desktop.services import court
from lpt_desktop.services.unlock import unlock as open_db
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import unlock

pytestmark = pytest.mark.gui

NAME = ("Zoë", "O'Brien-Łukasz Ŵyn Kańżak Ó Áine Weiß Bjørn Ångström Éloïse François Doğan Şahin Erdős")
FULL_NAME = " ".join(NAME)


def _request(path: Path, report_type: str) -> str:
    db = open_db(path, PASSPHRASE)
    try:
        pre = court.create_pre_sentence(db, first_name=NAME[0], last_name=NAME[1],
                                        date_of_birth=TEST_TODAY.replace(year=1990), today=TEST_TODAY)
        return court.create_request(db, pre_sentence_id=pre, court="Preston Magistrates' Court", lja="Lancashire",
                                    hearing_date=TEST_TODAY + timedelta(days=3), report_type=report_type,
                                    requested_on=TEST_TODAY)
    finally:
        db.close()


def _editor(make_window, qtbot, path: Path, request_id: str):
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    if window.last_message is not None and window.last_message.isVisible():
        window.last_message.close()
    work = window.features["court"]
    rec = next(r for r in court.list_requests(window.ops.db, TEST_TODAY) if r.id == request_id)
    work.open_request(rec)
    qtbot.waitUntil(lambda: len(work.editors) == 1, timeout=10000)
    return window, window.tabs.currentWidget()


@pytest.mark.parametrize("report_type", ["oral", "sdr"])
def test_an_accented_name_shows_as_typed(make_window, qtbot, demo_db, report_type):
    window, editor = _editor(make_window, qtbot, demo_db, _request(demo_db, report_type))
    shown = [editor.header.text(), window.tabs.tabText(window.tabs.currentIndex()).replace("&&", "&"),
             editor.accessibleName()]
    for text in shown:
        assert FULL_NAME in text, text
        assert "&#" not in text and "&amp;" not in text and "&quot;" not in text, text
    # What the label draws is the text itself, not markup that happens to look like it.
    assert editor.header.textFormat().name == "PlainText"
    assert not [w.text() for w in editor.findChildren(QLabel) if "&#x27;" in w.text() or "&#39;" in w.text()]
    editor.grab()  # painted once, offscreen, without a complaint


def test_the_oral_editor_is_the_compact_form_with_guidance_only(make_window, qtbot, demo_db):
    _window, editor = _editor(make_window, qtbot, demo_db, _request(demo_db, "oral"))
    groups = [g.title() for g in editor.findChildren(QGroupBox)]
    assert groups == ["1. Offence", "2. Relevant background", "3. Risk", "4. Proposal", "5. Sources"]
    assert "summary" in editor.fields["offence_details"] and "analysis" in editor.fields["offence_analysis"]
    tips = [g.toolTip() for g in editor.findChildren(QGroupBox)]
    for tip in tips:
        assert tip and not re.search(r"seed|\d+ of \d+", tip, re.IGNORECASE), tip


def test_written_report_guidance_has_no_internal_notes(make_window, qtbot, demo_db):
    _window, editor = _editor(make_window, qtbot, demo_db, _request(demo_db, "sdr"))
    guidance = [w.text() for w in editor.findChildren(QLabel) if w.accessibleName().startswith("Guidance for")]
    assert len(guidance) == 9
    for text in guidance:
        assert not re.search(r"seed|\d+ of \d+", text, re.IGNORECASE), text


def test_the_requirement_list_offers_only_requirements_in_force_at_the_hearing(make_window, qtbot, demo_db):
    from lpt_desktop.gui.report_fields import RequirementsField

    _window, editor = _editor(make_window, qtbot, demo_db, _request(demo_db, "sdr"))
    field = editor.fields["proposal"]["requirements"]
    assert isinstance(field, RequirementsField) and field.order_date == TEST_TODAY + timedelta(days=3)
    field.add_button.click()
    offered = {field.rows[0].type.itemData(i) for i in range(1, field.rows[0].type.count())}
    assert "RAR" in offered and "UPW" in offered
    assert not offered & {"SUP", "ACT"}, "replaced by the rehabilitation activity requirement in 2015"
    # A saved requirement from before 2015 still shows (marked), rather than silently becoming 'Choose'.
    field.set_value([{"type_code": "SUP", "params": {"months": 12}}])
    row = field.rows[0]
    assert row.type.currentData() == "SUP" and "not available" in row.type.currentText()
    assert field.value() == [{"type_code": "SUP", "params": {"months": 12}}]
    # An order made in 2014 is offered supervision and activity, and not the RAR.
    old = RequirementsField(field.spec)
    qtbot.addWidget(old)
    old.set_order_date(TEST_TODAY.replace(year=2014))
    old.add_row()
    offered = {old.rows[0].type.itemData(i) for i in range(1, old.rows[0].type.count())}
    assert {"SUP", "ACT"} <= offered and "RAR" not in offered


def _request_dialog(qtbot, window):
    work = window.features["court"]
    before = work.dialog
    work.new_request()
    qtbot.waitUntil(lambda: work.dialog is not None and work.dialog is not before and shiboken6.isValid(work.dialog)
                    and work.dialog.isVisible(), timeout=10000)
    return work.dialog


def test_the_court_is_chosen_from_the_list_and_the_last_one_is_remembered(make_window, qtbot, demo_db, prefs):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    if window.last_message is not None and window.last_message.isVisible():
        window.last_message.close()
    dialog = _request_dialog(qtbot, window)
    assert dialog.court.text() == "" and prefs.last_court == ""
    listed = [dialog.court.combo.itemText(i) for i in range(dialog.court.combo.count())]
    assert "Preston Magistrates' Court" in listed and "Reedley Magistrates' Court" in listed
    # Typing part of a name offers the court; the typed spelling without the apostrophe is the listed court.
    dialog.court.combo.setFocus()
    qtbot.keyClicks(dialog.court.combo.lineEdit(), "blackpool mag")
    popup = dialog.court.combo.completer().popup()
    qtbot.waitUntil(lambda: popup.isVisible(), timeout=5000)
    assert popup.model().rowCount() == 1 and popup.model().index(0, 0).data() == "Blackpool Magistrates' Court"
    dialog.court.setText("Blackpool Magistrates Court")
    assert dialog.court.text() == "Blackpool Magistrates' Court" and not dialog.court.note.isVisible()
    assert dialog.lja.text() == "Lancashire"  # the court's local justice area comes with it
    # A court not on the list is kept, and marked as such.
    dialog.court.setText("Chorley Magistrates' Court")
    assert dialog.court.text() == "Chorley Magistrates' Court"
    assert dialog.court.note.isVisible() and "Not on the court list" in dialog.court.note.text()
    dialog.court.setText("Preston Magistrates Court")
    dialog.on_caseload.setChecked(True)
    dialog.person.setCurrentIndex(0)
    dialog.type.setCurrentIndex(dialog.type.findData("fdr"))
    dialog.submit()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=10000)
    assert prefs.last_court == "Preston Magistrates' Court"
    made = [r for r in court.list_requests(window.ops.db, TEST_TODAY) if r.court.startswith("Preston Mag")]
    assert {r.court for r in made} == {"Preston Magistrates' Court"}
    # The next request starts at the last court used.
    again = _request_dialog(qtbot, window)
    assert again.court.text() == "Preston Magistrates' Court"
    assert again.court.combo.currentIndex() >= 0 and again.lja.text() == "Lancashire"
    again.reject()


def test_the_report_editor_picks_its_court_from_the_list(make_window, qtbot, demo_db):
    from lpt_desktop.gui.report_fields import CourtField

    _window, editor = _editor(make_window, qtbot, demo_db, _request(demo_db, "sdr"))
    field = editor.fields["sentencing_court"]["court"]
    assert isinstance(field, CourtField) and field.value() == "Preston Magistrates' Court"
    assert field.picker.combo.currentIndex() >= 0 and field.picker.note.isHidden()
    field.set_value("Somewhere Else Court")
    assert not field.picker.note.isHidden()


def test_a_court_being_typed_is_not_flagged_until_it_cannot_be_on_the_list(qtbot):
    from lpt_desktop.gui.report_fields import CourtPicker

    picker = CourtPicker()
    qtbot.addWidget(picker)
    for partial in ("prest", "Preston Mag", "blackpool magistrates"):
        picker.setText(partial)
        assert picker.note.isHidden(), partial
    picker.setText("Prestonn")
    assert not picker.note.isHidden() and picker.text() == "Prestonn"
