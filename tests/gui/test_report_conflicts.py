"""A court report changed underneath its open editor, and a report's conflict at the grain a person edits.

The report is changed "from another laptop" by a write on the window's own writer that the editor did not
ask for (what a sync pull or a conflict resolution does): the editor reloads when nothing is typed, and keeps
the typing with a warning when something is.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from lpt_desktop.gui.conflicts_view import ConflictRow, ConflictsView, field_rows, summary
from lpt_desktop.services import court
from lpt_desktop.services import sync as sync_service
from tests.conftest import TEST_TODAY
from tests.gui.conftest import on_writer
from tests.gui.test_court_gui import _add_requests, _open_editor, _show_list, _window
from tests.gui.test_sync_gui import new_caseload, open_window, other_laptop, server, synced, user  # noqa: F401
from tests.sync.cases import new_person

pytestmark = pytest.mark.gui

SHOTS = Path(os.environ["LPT_SHOTS"]) if os.environ.get("LPT_SHOTS") else None


def shot(widget, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SHOTS / name))


def _stored(window, report_id: str, section: str, field: str):
    return court.load_report(window.ops.db, report_id).sections.get(section, {}).get(field)


def test_a_clean_editor_reloads_what_changed_elsewhere(make_window, qtbot, demo_db):
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    editor = _open_editor(qtbot, window, ids["later"])
    rid = editor.report_id
    summary = editor.fields["risk"]["rosh_summary"]

    # Its own saves are not "changed elsewhere".
    editor.fields["offence_analysis"]["pattern"].set_value("Three thefts in a year, all while drinking.")
    editor.save()
    qtbot.waitUntil(lambda: editor.settled, timeout=10000)
    qtbot.wait(200)  # the check that follows the write's change
    assert editor.changed_banner.isHidden()

    on_writer(qtbot, window, court.save_section, rid, "risk", {"rosh_summary": "Changed on the other laptop."})
    qtbot.waitUntil(lambda: summary.value() == "Changed on the other laptop.", timeout=10000)
    banner = editor.changed_banner
    assert not banner.isHidden() and not editor.held
    assert "This report was changed on another laptop" in banner.text.text()
    assert "Risk assessment" in banner.text.text()
    assert not editor.dirty  # a reload is not typing
    assert editor.fields["offence_analysis"]["pattern"].value().startswith("Three thefts")
    window.resize(1280, 720)
    shot(editor, "report-reloaded.png")


def test_typing_is_kept_with_a_warning_then_kept_or_discarded(make_window, qtbot, demo_db):
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    editor = _open_editor(qtbot, window, ids["later"])
    rid = editor.report_id
    pattern = editor.fields["offence_analysis"]["pattern"]
    summary = editor.fields["risk"]["rosh_summary"]
    pattern.set_value("Typed here, not yet saved.")
    assert editor.dirty

    on_writer(qtbot, window, court.save_section, rid, "risk", {"rosh_summary": "Theirs."})
    banner = editor.changed_banner
    qtbot.waitUntil(lambda: not banner.isHidden(), timeout=10000)
    assert editor.held and "This report was changed on another laptop" in banner.text.text()
    assert "Risk assessment" in banner.text.text() and "Offence analysis" in banner.text.text()
    # The typing stays on screen and is not saved over their version while the officer decides.
    assert pattern.value() == "Typed here, not yet saved." and editor.dirty
    assert not editor._autosave.isActive()
    pattern.set_value("Typed here, not yet saved. More.")
    assert not editor._autosave.isActive()
    assert _stored(window, rid, "offence_analysis", "pattern") != "Typed here, not yet saved. More."
    window.resize(1280, 720)
    shot(editor, "report-changed-while-typing.png")

    # Keep my typing: it is saved, and everything else shows the other laptop's version.
    banner.keep.click()
    qtbot.waitUntil(lambda: editor.settled and summary.value() == "Theirs.", timeout=10000)
    assert pattern.value() == "Typed here, not yet saved. More."
    assert _stored(window, rid, "offence_analysis", "pattern") == "Typed here, not yet saved. More."
    assert _stored(window, rid, "risk", "rosh_summary") == "Theirs."
    assert banner.isHidden()

    # Again, and this time discard the typing.
    pattern.set_value("To be thrown away.")
    on_writer(qtbot, window, court.save_section, rid, "offence_analysis", {"pattern": "Their pattern."})
    qtbot.waitUntil(lambda: editor.held, timeout=10000)
    assert pattern.value() == "To be thrown away."
    banner.reload.click()
    qtbot.waitUntil(lambda: pattern.value() == "Their pattern.", timeout=10000)
    assert not editor.dirty and not editor.held
    assert _stored(window, rid, "offence_analysis", "pattern") == "Their pattern."


def test_a_change_landing_just_before_the_editors_own_save_is_noticed(make_window, qtbot, demo_db):
    """The other write reaches the writer first: the editor's save lands on top of it and says so."""
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    editor = _open_editor(qtbot, window, ids["later"])
    rid = editor.report_id
    editor.fields["offence_analysis"]["pattern"].set_value("Mine.")
    window.ops.write(lambda db: court.save_section(db, rid, "risk", {"rosh_summary": "Theirs first."}),
                     label="another laptop")
    editor.save()
    qtbot.waitUntil(lambda: editor.settled and editor.fields["risk"]["rosh_summary"].value() == "Theirs first.",
                    timeout=10000)
    assert editor.fields["offence_analysis"]["pattern"].value() == "Mine."
    assert _stored(window, rid, "offence_analysis", "pattern") == "Mine."
    assert not editor.changed_banner.isHidden() and not editor.held


# -- the conflicts screen for a report -----------------------------------------------------------------------
def _report_conflict() -> ConflictRow:
    base = {"id": "r1", "request_id": "q1", "person_id": "p1", "report_type": "fdr",
            "created_at": "2026-11-20T09:00:00", "signed_by": None, "prefilled": {"risk": ["rosh_level"]}}
    mine = {**base, "sections": {
        "offence_analysis": {"analysis": "He accepts responsibility and shows some remorse.",
                             "pattern": "Three thefts in a year, all while drinking."},
        "risk": {"rosh_level": "M", "rosh_summary": "Medium risk to a known adult."},
        "proposal": {"sentence": "community", "length_months": 12,
                     "requirements": [{"type_code": "UPW", "params": {"hours": 120}}]}}}
    theirs = {**base, "prefilled": {}, "sections": {
        "offence_analysis": {"analysis": "He accepts responsibility and shows some remorse.",
                             "pattern": "Three thefts in a year, linked to drinking and debts."},
        "risk": {"rosh_level": "H", "rosh_summary": "Medium risk to a known adult."},
        "proposal": {"sentence": "community", "length_months": 18,
                     "requirements": [{"type_code": "UPW", "params": {"hours": 120}}]},
        "sources": {"used": ["oasys"]}}}
    return ConflictRow("c1", "Walsh, Dana (X123456)", "Court report (fast delivery)", "Changed here and elsewhere",
                       ["sections", "prefilled"], datetime(2026, 11, 23, 10, 0), "court_report", mine, theirs,
                       raised_by="you")


def test_the_conflicts_screen_compares_and_merges_a_report_field_by_field(qtbot):
    view = ConflictsView()
    qtbot.addWidget(view)
    row = _report_conflict()
    row = dataclasses.replace(row, summary=summary(row))
    merged: list[object] = []
    view.resolve_requested.connect(lambda cid, choice, values: merged.append((cid, choice, values)))
    view.resize(1280, 720)
    view.show()
    view.set_rows([row])
    names = [r.name for r in view.fields.rows]
    assert "sections" not in names and "id" not in names and "request_id" not in names
    labels = [view.fields.data(view.fields.index(i, 0)) for i in range(view.fields.rowCount())]
    assert labels[0].startswith("4. Offence analysis › ")
    assert any(lbl.startswith("6. Risk assessment › ") for lbl in labels)
    differ = [r.name for r in field_rows(row) if r.differs]
    assert differ == ["sections.offence_analysis.pattern", "sections.risk.rosh_level",
                      "sections.proposal.length_months", "sections.sources.used"]
    assert "4 of" in view.detail_title.text() and "Walsh, Dana (X123456)" in view.detail_title.text()
    assert "Court report" in view.model.data(view.model.index(0, 1))
    assert "signed_by" not in names  # empty on both laptops
    qtbot.wait(50)  # laid out before the picture
    shot(view, "sync-conflict-report.png")

    view.use_box("sections.risk.rosh_level").setCurrentIndex(1)  # their risk level
    view.use_box("sections.sources.used").setCurrentIndex(1)  # their sources
    view.merge.click()
    (cid, choice, values), = merged
    assert (cid, choice) == ("c1", "merge")
    assert set(values) == {"sections", "prefilled"}
    secs = values["sections"]
    assert secs["risk"]["rosh_level"] == "H"
    assert secs["offence_analysis"]["pattern"] == "Three thefts in a year, all while drinking."  # mine
    assert secs["proposal"]["length_months"] == 12 and secs["sources"] == {"used": ["oasys"]}
    assert values["prefilled"]["risk"] == []  # their risk level had been confirmed there


# -- two laptops and a real server ---------------------------------------------------------------------------
@pytest.mark.real_clock
def test_a_report_edited_on_two_laptops_merges_field_by_field_and_the_open_editor_follows(
        make_window, qtbot, tmp_path, server, user):  # noqa: F811 - the sync suite's fixtures
    name, _team = user
    window = open_window(make_window, qtbot, new_caseload(tmp_path / "mine.lptdb", server, name))
    sync = window.features["sync"]
    qtbot.waitUntil(lambda: synced(window), timeout=20000)
    today = TEST_TODAY
    pid = on_writer(qtbot, window, new_person, "Walsh")
    request_id = on_writer(qtbot, window, court.create_request, person_id=pid, court="Preston Magistrates' Court",
                           lja="Lancashire", hearing_date=today + timedelta(days=40), report_type="sdr",
                           requested_on=today)
    rid = on_writer(qtbot, window, court.start_report, request_id)
    on_writer(qtbot, window, court.save_section, rid, "offence_analysis", {"pattern": "Drinking."})
    sync.sync_action.trigger()
    qtbot.waitUntil(lambda: synced(window) and sync.runner.state.waiting == 0, timeout=20000)
    other = other_laptop(tmp_path, server, name)
    try:
        # Both laptops change the report: here the risk summary, there the risk summary and the pattern.
        on_writer(qtbot, window, court.save_section, rid, "risk", {"rosh_summary": "Mine: medium, to a partner."})
        court.save_section(other, rid, "risk", {"rosh_summary": "Theirs: high, to a partner."})
        court.save_section(other, rid, "offence_analysis", {"pattern": "Drinking and debts."})
        sync_service.sync_now(other)

        # The report is open here, untouched, when the sync brings the conflict.
        _show_list(qtbot, window)
        editor = _open_editor(qtbot, window, request_id)
        sync.sync_action.trigger()
        button = sync.status.conflicts
        qtbot.waitUntil(lambda: button.isVisible(), timeout=20000)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        view = sync.view
        qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=10000)
        row = view.current()
        assert row.case.startswith("Walsh, Dana") and row.what.startswith("Court report")
        fields = {r.name: r for r in view.fields.rows}
        assert "sections" not in fields and "id" not in fields and "request_id" not in fields
        summary_row = fields["sections.risk.rosh_summary"]
        assert summary_row.differs and summary_row.label.startswith("6. Risk assessment › ")
        assert (summary_row.mine, summary_row.theirs) == ("Mine: medium, to a partner.", "Theirs: high, to a partner.")
        window.resize(1280, 720)
        shot(window, "sync-conflict-report-window.png")

        # Merge: my risk summary, their pattern.
        marks = court.load_report(window.ops.db, rid).prefilled
        assert marks.get("offender_details")
        view.use_box("sections.offence_analysis.pattern").setCurrentIndex(1)
        qtbot.mouseClick(view.merge, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=10000)
        qtbot.waitUntil(lambda: not button.isVisible() and synced(window) and sync.runner.state.waiting == 0,
                        timeout=20000)
        stored = court.load_report(window.ops.db, rid).sections
        assert stored["risk"]["rosh_summary"] == "Mine: medium, to a partner."
        assert stored["offence_analysis"]["pattern"] == "Drinking and debts."
        assert court.load_report(window.ops.db, rid).prefilled == marks  # the merge leaves the marks alone
        # The open editor shows the merged report without being closed.
        qtbot.waitUntil(lambda: editor.fields["offence_analysis"]["pattern"].value() == "Drinking and debts.",
                        timeout=10000)
        assert editor.fields["risk"]["rosh_summary"].value() == "Mine: medium, to a partner."
        sync_service.sync_now(other)
        theirs = court.load_report(other, rid).sections
        assert theirs["risk"]["rosh_summary"] == "Mine: medium, to a partner."
        assert theirs["offence_analysis"]["pattern"] == "Drinking and debts."
    finally:
        other.close()
