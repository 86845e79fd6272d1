"""The workload view (issue 21) and the practice audit's exports through the real window.

On an officer's laptop View > Workload shows the officer's own figures with the service's scope line; on a team
manager's laptop Manager > Workload shows every officer with cases and the team, with each figure as
services/workload.workload gives it, the chosen officer's cases with their points and why, and a bar per officer;
Officer's hours… records the chosen officer's hours (a write a manager's laptop may make) and the view reads again.
File > Export practice audit as CSV… and as PDF… warn that the file is unprotected before asking where to save it."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QMessageBox

from lpt_desktop.gui.practice.export_actions import CASE_PDF, CSV, PDF
from lpt_desktop.gui.practice.workload_view import CapacityDialog, WorkloadPage, percent_words
from lpt_desktop.services import court, practice, workload
from lpt_desktop.services.cases import add_person, add_sentence
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.services.unlock import unlock as open_file
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Officer
from lpt_desktop.sync import state
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import unlock
from tests.gui.test_mnemonics import clashes
from tests.pdftext import pdf_text

pytestmark = pytest.mark.gui
WAIT = 30000
SHOTS = Path("/tmp/lpt-workload-view")  # the images looked at (kept out of the test's own folder)
DOB = date(1990, 5, 1)


def _case(db: Database, crn: str, last: str, officer: str | None, tier: str | None, scheme: str | None,
          order: str) -> str:
    pid = add_person(db, crn=crn, first_name="Test", last_name=last, date_of_birth=DOB, officer_id=officer,
                     tier=tier, tier_scheme=scheme)
    start = TEST_TODAY - timedelta(days=200)
    add_sentence(db, pid, order_type=order, start_date=start, end_date=start + timedelta(days=300),
                 offence="Theft from a shop")
    return pid


def _caseload(folder: Path, manager: bool) -> Path:
    path = folder / "work.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast(), team="Preston North")
    try:
        with db.write() as s:
            sam = Officer(name="Sam Patel", staff_code="LPT0077", role="PSO", team="Preston North")
            s.add(sam)
            s.flush()
            sam_id = sam.id
        own = db.officer_id
        a3 = _case(db, "X100001", "Ashworth", own, "A3", "ab03", "CO")
        _case(db, "X100002", "Barton", own, "C", "2026", "LIC")
        _case(db, "X100003", "Dunn", own, None, None, "SSO")
        _case(db, "X100006", "Fairclough", sam_id, "D2", "ab03", "CO")
        _case(db, "X100007", "Greenhalgh", sam_id, "B", "2026", "PSS")
        court.create_request(db, person_id=a3, court="Preston Magistrates' Court", lja="",
                             hearing_date=TEST_TODAY + timedelta(days=7), report_type="fdr", requested_on=TEST_TODAY)
        if manager:
            with db.write() as s:
                state.put(s, **{state.ROLE: "team_manager", state.USERNAME: "mgr1", state.DISPLAY_NAME: "Pat Senior"})
    finally:
        db.close()
    return path


def _expected(path: Path) -> workload.WorkloadView:
    db = open_file(path, PASSPHRASE)
    try:
        return workload.workload(db, TEST_TODAY)
    finally:
        db.close()


def _open(qtbot, make_window, path: Path, manager: bool):
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    desk = window.feature("manager")
    qtbot.waitUntil(lambda: desk.actor is not None, timeout=WAIT)
    assert desk.is_manager is manager
    if window.last_message is not None and window.last_message.isVisible():
        window.last_message.close()
    window.resize(1400, 860)
    controller = window.feature("workload")
    assert controller.action in window.menu("&View").actions()
    assert (controller.action in desk.menu.actions()) and desk.menu.menuAction().isVisible() is manager
    controller.action.trigger()
    view = controller.view
    assert isinstance(view, WorkloadPage) and window.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: view.loads >= 1, timeout=WAIT)
    return window, view


def _shot(widget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    out = SHOTS / name
    assert widget.grab().save(str(out))
    return out


def _type(field: QLineEdit, text: str) -> None:
    field.clear()
    QTest.keyClicks(field, text)


def _figures(rows) -> list[tuple]:
    return [(o.name, o.available, o.used, o.remaining, o.percent, o.band, o.case_count) for o in rows]


def _table(model) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_an_officers_own_workload(make_window, qtbot, tmp_path):
    path = _caseload(tmp_path, manager=False)
    expected = _expected(path)
    window, view = _open(qtbot, make_window, path, manager=False)
    assert view.scope.text() == expected.scope_line and view.scope.text().startswith("Your own workload")
    assert _figures(view.officer_rows()) == _figures(expected.team.officers)
    (alex,) = expected.team.officers
    row = _table(view.officers_model)[0]
    assert row[0] == "Alex Morgan" and row[4:9] == [str(alex.available), str(alex.used), str(alex.remaining),
                                                     percent_words(alex.percent), alex.band]
    assert f"{alex.used} of {alex.available} points used" in view.team.text()
    # The officer's cases with their points and why (tier, scheme's weights, work due).
    cases = {c.crn: c for c in alex.cases}
    shown = {r[0]: r for r in _table(view.cases_model)}
    assert set(shown) == set(cases) == {"X100001", "X100002", "X100003"}
    for crn, c in cases.items():
        assert shown[crn][4:7] == [str(c.tier_points), str(c.work_points), str(c.points)]
        assert shown[crn][7].startswith(c.tier_why)
    assert "Fast delivery report" in shown["X100001"][7] or "fdr" in shown["X100001"][7].lower()
    assert "untiered" in shown["X100003"][2]
    assert view.chart.officers == ["Alex Morgan"]
    assert "Alex Morgan: " in view.chart.accessibleDescription()
    assert not clashes(window)
    _shot(window, "officer.png")


def test_a_managers_team_workload_and_recording_an_officers_hours(make_window, qtbot, tmp_path):
    path = _caseload(tmp_path, manager=True)
    expected = _expected(path)
    window, view = _open(qtbot, make_window, path, manager=True)
    assert view.scope.text() == expected.scope_line and view.scope.text().startswith("Your team's workload: 2")
    assert _figures(view.officer_rows()) == _figures(expected.team.officers)
    assert [o.name for o in view.officer_rows()] == ["Alex Morgan", "Sam Patel"]
    assert f"{expected.team.used} of {expected.team.available} points used" in view.team.text()
    assert "Preston North" in view.team.text()
    series = view.chart.chart().series()[0]
    available, used = series.barSets()
    assert [available.at(i) for i in range(2)] == [float(o.available) for o in expected.team.officers]
    assert [used.at(i) for i in range(2)] == [float(o.used) for o in expected.team.officers]
    assert not clashes(window)
    _shot(window, "manager.png")
    _shot(view.chart, "chart.png")

    # Sam's cases, then Sam's hours: 18.5 a week less 2 hours of reductions.
    view.officers_table.selectRow(1)
    assert {r[0] for r in _table(view.cases_model)} == {"X100006", "X100007"}
    dialog = view.edit_hours()
    assert isinstance(dialog, CapacityDialog) and dialog.key == "LPT0077"
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    assert dialog.full_time.isChecked() and not dialog.hours.isEnabled()
    assert not clashes(dialog)
    _shot(dialog, "hours_dialog.png")
    dialog.full_time.setChecked(False)
    dialog.hours.selectAll()
    QTest.keyClicks(dialog.hours, "50")  # typed, as the officer did: refused as typed, never made 5.00 (review 21)
    assert dialog.hours.text() == "50"
    assert dialog.points.text().startswith("Now 2176 points. With these hours: not known yet (Hours a week: 50 is")
    loads = view.loads
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert "Hours a week: 50 is more than 37.5: give 0 to 37.5 hours, or tick Full time" in dialog.error.text()
    assert dialog.isVisible() and dialog.error.isVisible()
    got: list[dict] = []
    view.ops.query(workload.capacities, on_ok=got.append, owner=view, label="hours")
    qtbot.waitUntil(lambda: bool(got), timeout=WAIT)
    assert "LPT0077" not in got[0] and view.loads == loads  # nothing saved
    dialog.hours.clear()
    QTest.keyClicks(dialog.hours, "18.5")  # the points line follows the typing
    assert dialog.points.text().startswith("Now 1088 points with these hours (was 2176)")
    _type(dialog.hours, "10")
    _type(dialog.reduction, "12")
    dialog.submit()  # more reductions than hours: said in the dialog, nothing written
    assert "Reduction hours: 12 is more than 10" in dialog.error.text() and dialog.isVisible()
    _type(dialog.hours, "18.5")
    _type(dialog.reduction, "2")
    loads = view.loads
    dialog.submit()
    qtbot.waitUntil(lambda: view.loads > loads, timeout=WAIT)
    sam = view.officer_rows()[1]
    assert (sam.name, sam.hours, sam.reduction_hours, sam.available) == ("Sam Patel", 18.5, 2.0, 970)
    chosen = view.chosen_officer()
    assert chosen is not None and chosen.name == "Sam Patel"
    assert "Hours recorded for Sam Patel" in view.status.text()
    loads = view.loads
    view.reload()  # a later read (another save, a sync) does not say it again
    qtbot.waitUntil(lambda: view.loads > loads, timeout=WAIT)
    assert "Hours recorded" not in view.status.text()

    # Sam at 1 hour a week is over capacity: said on the axis; every bar the legend's colour, its label dark.
    dialog = view.edit_hours()
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    _type(dialog.hours, "1")
    _type(dialog.reduction, "0")
    loads = view.loads
    dialog.submit()
    qtbot.waitUntil(lambda: view.loads > loads, timeout=WAIT)
    assert (view.officer_rows()[1].percent or 0) > 100
    chart = view.chart.chart()
    series = chart.series()[0]
    markers = chart.legend().markers(series)
    for bar, legend in zip(series.barSets(), markers, strict=True):
        assert legend.brush().color() == bar.color()
        assert bar.labelColor().lightness() < 80  # not white on the light ground
        assert not bar.selectedBars()
    axis = chart.axes(Qt.Orientation.Horizontal)[0]
    assert axis.categories() == ["Alex Morgan", "Sam Patel<br>over capacity"]
    _shot(view.chart, "chart_over.png")


def _answer(qtbot, export, kind: str, save: bool):
    box = export.export(kind)
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible, timeout=WAIT)
    assert box.windowTitle() == "Unprotected file" and "NOT encrypted" in box.text()
    box.button(QMessageBox.StandardButton.Save if save else QMessageBox.StandardButton.Cancel).click()


def test_exports_warn_before_anything_is_written(make_window, qtbot, tmp_path):
    path = _caseload(tmp_path, manager=True)
    db = open_file(path, PASSPHRASE)
    try:
        audits = practice.audit(db, TEST_TODAY)
    finally:
        db.close()
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    export = window.feature("practice_export")
    file_menu = window.menu("&File").actions()
    assert all(a in file_menu for a in export.actions.values())
    assert file_menu.index(export.actions[PDF]) < file_menu.index(window.quit_action)
    asked: list[str] = []
    out = tmp_path / "out"
    out.mkdir()

    def choose(kind: str, suggested: str) -> str:
        asked.append(suggested)
        return str(out / suggested)

    export.choose_path = choose

    _answer(qtbot, export, CSV, save=False)  # Cancel: not even asked where
    qtbot.wait(50)
    assert asked == [] and list(out.iterdir()) == []

    _answer(qtbot, export, CSV, save=True)
    qtbot.waitUntil(lambda: len(export.written) == 1, timeout=WAIT)
    assert asked == ["Practice audit 23-11-2026.csv"]
    rows = list(csv.reader(io.StringIO(export.written[0].read_text(encoding="utf-8-sig"))))
    assert [[r[0], *r[4:]] for r in rows[1:]] == [[a.crn, r.check.id, r.check.criterion, r.status, r.reason]
                                                  for a in audits for r in a.results]

    _answer(qtbot, export, PDF, save=True)
    qtbot.waitUntil(lambda: len(export.written) == 2, timeout=WAIT)
    text = pdf_text(export.written[1])
    assert "Practice audit: the team" in text and "OFFICIAL-SENSITIVE" in text

    assert export.export(CASE_PDF) is None  # no case open: said in the status bar
    assert "Open a case first" in window.statusBar().currentMessage()

    # The open case's checklist.
    case = audits[0]
    window.open_case(case.person_id)
    qtbot.waitUntil(lambda: window.current_case() is not None, timeout=WAIT)
    _answer(qtbot, export, CASE_PDF, save=True)
    qtbot.waitUntil(lambda: len(export.written) == 3, timeout=WAIT)
    assert asked[-1] == f"Practice audit {case.crn} 23-11-2026.pdf"
    text = pdf_text(export.written[2])
    assert f"Inspection readiness: {case.name} ({case.crn})" in " ".join(text.split())
    joined = text.replace("\n", "")
    assert all(r.check.id in joined for r in case.results)
