"""A court report's outline sentence plan started from the case's sentence plan (issue 20), in the real window on a
real caseload file: the button under the outline fills an empty box with the draft plan's goals and steps, which
autosave; over the writer's own text it asks first (keep, or replace with Ctrl+Z to undo); a case with no plan is
told so plainly and nothing changes. Its Alt letter clashes with nothing on the window."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QMessageBox

from lpt_desktop.services import court
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import unlock
from tests.gui.test_court_gui import _open_editor
from tests.gui.test_mnemonics import clashes
from tests.plan_fill import complete_needs, new_case, ready_plan

pytestmark = pytest.mark.gui
START = TEST_TODAY - timedelta(days=30)


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("outline-from-plan") / "caseload.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    ids = {}
    for name in ("plan", "none", "oral"):
        pid = new_case(db, START)
        complete_needs(db, pid, START, {"accommodation": "severe"})
        ids[name] = court.create_request(db, person_id=pid, court="Preston Magistrates' Court", lja="Lancashire",
                                         hearing_date=TEST_TODAY + timedelta(days=21),
                                         report_type="oral" if name == "oral" else "sdr",
                                         requested_on=TEST_TODAY)
        if name in ("plan", "oral"):
            _plan, goal, _step = ready_plan(db, pid, TEST_TODAY)
            sp.add_step(db, goal, sp.StepIn("Housing referral", "practitioner",
                                            by_when=TEST_TODAY + timedelta(days=7)), today=TEST_TODAY)
    db.close()
    return path, ids


@pytest.fixture
def window(qtbot, make_window, caseload):
    w = make_window(caseload[0])
    unlock(qtbot, w, PASSPHRASE)
    if w.last_message is not None and w.last_message.isVisible():
        w.last_message.close()
    return w


def _shot(widget, name: str) -> None:
    """Saved only when LPT_SHOTS names a folder: the screens are looked at as images while they are built."""
    if os.environ.get("LPT_SHOTS"):
        widget.grab().save(os.path.join(os.environ["LPT_SHOTS"], f"{name}.png"))


def _proposal(qtbot, window, request_id):
    editor = _open_editor(qtbot, window, request_id)
    editor.go_to(next(i for i, s in enumerate(editor.specs) if ("proposal", "outline_plan") in editor._keys(s)))
    return editor, editor.fields["proposal"]["outline_plan"]


def _stored(window, editor) -> str:
    return court.load_report(window.ops.db, editor.report_id).sections.get("proposal", {}).get("outline_plan") or ""


def test_an_empty_outline_is_filled_from_the_draft_plan_and_autosaved(qtbot, window, caseload):
    editor, field = _proposal(qtbot, window, caseload[1]["plan"])
    button = editor.outline_button
    assert button is not None and button.isVisible() and button.text() == "Start from the sentence p&lan"
    assert clashes(window) == []
    button.click()
    qtbot.waitUntil(lambda: field.value() != "", timeout=10000)
    text = field.value()
    assert text.splitlines()[0] == "1. A settled home (accommodation), by 23/05/2027."
    assert "   What will be different: Sam has a settled home." in text
    assert "   - Register with the housing options team (the defendant, by 21/12/2026)." in text
    assert "   - Housing referral (the probation practitioner, by 30/11/2026)." in text
    assert "Started from the draft initial plan started 23/11/2026" in editor.outline_note.text()
    assert editor.dirty  # a change like typing: the autosave writes it
    qtbot.waitUntil(lambda: editor.settled and _stored(window, editor) == text, timeout=10000)
    _shot(window, "outline_filled")


def test_the_writers_own_text_is_replaced_only_when_they_say_so(qtbot, window, caseload):
    editor, field = _proposal(qtbot, window, caseload[1]["plan"])
    field.edit.selectAll()
    field.edit.insertPlainText("Unpaid work, and supervision on housing.")
    mine = field.value()
    editor.outline_button.click()
    qtbot.waitUntil(lambda: editor.outline_question is not None and editor.outline_question.isVisible(),
                    timeout=10000)
    box = editor.outline_question
    assert "already has text" in box.text() and "the draft initial plan started 23/11/2026" in box.text()
    _shot(box, "outline_ask")
    keep = next(b for b in box.buttons() if b.text() == "&Keep my text")
    assert box.defaultButton() is keep
    keep.click()
    assert field.value() == mine and "kept" in editor.outline_note.text()

    editor.outline_button.click()
    qtbot.waitUntil(lambda: editor.outline_question is not box and editor.outline_question is not None
                    and editor.outline_question.isVisible(), timeout=10000)
    replace = next(b for b in editor.outline_question.buttons()
                   if editor.outline_question.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    replace.click()
    assert field.value().startswith("1. A settled home")
    qtbot.waitUntil(lambda: editor.settled and _stored(window, editor).startswith("1. A settled home"),
                    timeout=10000)
    field.edit.undo()  # Ctrl+Z brings the writer's text back, and that is saved too
    assert field.value() == mine
    qtbot.waitUntil(lambda: editor.settled and _stored(window, editor) == mine, timeout=10000)


def test_a_case_with_no_plan_is_told_so_and_nothing_changes(qtbot, window, caseload):
    editor, field = _proposal(qtbot, window, caseload[1]["none"])
    editor.outline_button.click()
    qtbot.waitUntil(lambda: editor.outline_note.text().startswith("Nothing filled in"), timeout=10000)
    assert editor.outline_note.text() == ("Nothing filled in: the case has no sentence plan yet: start one on the "
                                          "case's Plans tab, or write the outline here.")
    assert field.value() == "" and not editor.dirty
    _shot(window, "outline_none")


def test_the_oral_record_has_it_too_without_a_clash(qtbot, window, caseload):
    editor, field = _proposal(qtbot, window, caseload[1]["oral"])
    assert editor.compact and editor.outline_button is not None and editor.outline_button.isVisible()
    assert clashes(window) == []
    editor.outline_button.click()
    qtbot.waitUntil(lambda: field.value().startswith("1. A settled home"), timeout=10000)
    qtbot.waitUntil(lambda: editor.settled and _stored(window, editor) == field.value(), timeout=10000)
    _shot(window, "outline_oral")
