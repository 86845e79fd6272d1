"""Court work on screen: names as typed (never HTML-escaped), the oral report's compact form, guidance only."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
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
