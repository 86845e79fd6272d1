"""The practice view (issue 21) through the real window. On a team manager's laptop (its sync state says
team_manager, as tests/gui/test_manager_queue.py makes one) holding a small demo caseload shared among three
officers: View > Practice quality (and Manager > Practice quality) lists the officers and each check's share and
rating per officer as services/practice.team_view rates them; the charts have a bar per criterion and a line per
criterion with team_view's (and criterion_trend's) figures; the attention list opens a case on Enter; the
countersign queue and Record oversight… are the Manager menu's own actions; the layout is remembered. On an
officer's laptop the same view gives the officer's own figures with the line saying so."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QHeaderView
from sqlalchemy import select, update

from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.practice.charts import WRAP, label, percent, share_words
from lpt_desktop.gui.practice.team_view import PracticeView, rating_words
from lpt_desktop.practice.checks import criteria
from lpt_desktop.practice.team import criterion_shares
from lpt_desktop.services import practice
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.services.unlock import unlock as open_file
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Officer, Person
from lpt_desktop.sync import state
from tests.conftest import DEMO_TODAY, PASSPHRASE, TEST_TODAY
from tests.gui.conftest import unlock
from tests.gui.test_mnemonics import clashes

pytestmark = pytest.mark.gui
WAIT = 30000
OFFICERS = ("Alex Morgan", "Jo Patel", "Sam Clarke")
SHOTS = Path("/tmp/lpt-practice-view")  # the images looked at (kept out of the test's own folder)


@pytest.fixture(scope="module")
def caseload(tmp_path_factory) -> Path:
    """A 15-case demo caseload whose cases three officers hold (five each), closed, with no sync role."""
    path = tmp_path_factory.mktemp("practice_view") / "team.lptdb"
    db = create_demo(path, PASSPHRASE, DemoSpec(cases=15, contacts_per_case=8, seed=11, today=DEMO_TODAY),
                     kdf=KdfParams.fast())
    try:
        with db.write() as s:
            ids = [s.scalar(select(Officer.id).where(Officer.name == OFFICERS[0]))]
            for n, name in enumerate(OFFICERS[1:], start=1):
                officer = Officer(name=name, staff_code=f"LPT00{50 + n}", team="Preston Central")
                s.add(officer)
                s.flush()
                ids.append(officer.id)
            people = list(s.scalars(select(Person.id).order_by(Person.crn)))
            for n, pid in enumerate(people):
                s.execute(update(Person).where(Person.id == pid).values(officer_id=ids[n % len(ids)]))
    finally:
        db.close()
    return path


def _copy(source: Path, folder: Path) -> Path:
    for f in source.parent.iterdir():
        if f.name.startswith(source.name):
            shutil.copy(f, folder / f.name)
    return folder / source.name


def _set_role(path: Path, manager: bool) -> None:
    db = open_file(path, PASSPHRASE)
    try:
        with db.write() as s:
            if manager:
                state.put(s, **{state.ROLE: "team_manager", state.USERNAME: "mgr1", state.DISPLAY_NAME: "Pat Senior"})
            else:
                state.put(s, **{state.ROLE: None, state.USERNAME: None, state.DISPLAY_NAME: None})
    finally:
        db.close()


def _expected(path: Path) -> tuple[practice.TeamView, list]:
    """team_view's and criterion_trend's own figures for the file, read as the view reads them."""
    db = open_file(path, PASSPHRASE)
    try:
        return practice.team_view(db, TEST_TODAY), practice.criterion_trend(db, TEST_TODAY, 6)
    finally:
        db.close()


def _open_view(qtbot, make_window, path: Path, manager: bool):
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    desk = window.feature("manager")
    qtbot.waitUntil(lambda: desk.actor is not None, timeout=WAIT)
    assert desk.is_manager is manager
    if window.last_message is not None and window.last_message.isVisible():
        window.last_message.close()
    window.resize(1500, 900)
    # View > Practice quality, as an officer reaches it (a manager also has it in the Manager menu).
    assert desk.practice_action in window.menu("&View").actions()
    desk.practice_action.trigger()
    view = desk.practice
    assert isinstance(view, PracticeView)
    assert window.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: view.data is not None and view.trend is not None
                    and not view.progress.isVisibleTo(view), timeout=WAIT)
    return window, desk, view


def _shot(widget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    out = SHOTS / name
    assert widget.grab().save(str(out))
    return out


def test_a_managers_view_lists_officers_ratings_charts_and_opens_a_case(caseload, make_window, qtbot, tmp_path):
    path = _copy(caseload, tmp_path)
    _set_role(path, manager=True)
    expected, trend = _expected(path)
    window, desk, view = _open_view(qtbot, make_window, path, manager=True)
    assert desk.practice_action in desk.menu.actions()
    assert not expected.own_only and view.note.text() == expected.note
    assert view.note.text().startswith("Team figures: 3 officers, 15 cases")
    assert view.title.text() == "Team practice quality"

    # The officers and their cases.
    assert [r.name for r in view.officers_model.records] == sorted(OFFICERS)
    assert [r.cases for r in view.officers_model.records] == [5, 5, 5]
    assert [a.crn for a in view.cases_model.records] == [a.crn for a in expected.audits]

    # Each check across the team and per officer, with the rating against the team's average and the previous
    # period's rating beside it, as team_view rates them.
    matrix = view.checks_model
    assert matrix.officers == expected.team.officers == tuple(sorted(OFFICERS))
    assert [c.check.id for c in matrix.records] == [c.check.id for c in expected.team.checks]
    ratings = set()
    for row, figure in enumerate(expected.team.checks):
        for col, f in enumerate(figure.officers, start=4):
            text = matrix.index(row, col).data()
            if f.share.applicable:
                assert text.startswith(f"{round(f.share.met / f.share.applicable * 100)}%"), (figure.check.id, text)
            if f.rating:
                ratings.add(f.rating)
                assert rating_words(f.rating) in text
                assert matrix.index(row, col).data(Qt.ItemDataRole.BackgroundRole) is not None
            if f.previous_rating:
                assert f"(was {rating_words(f.previous_rating)})" in text
    assert {"met"} < ratings  # a realistic spread: some officers below the average
    # This period's columns, each officer's among them, before the previous period's (review 21).
    headers = [matrix.headerData(c, Qt.Orientation.Horizontal) for c in range(matrix.columnCount())]
    assert headers == ["Criterion", "Check", "Team", "Officers' average", *sorted(OFFICERS), "Previous period"]
    assert view.checks_table.wordWrap()
    # The officer's name takes the room left over, not "Average score".
    officers_header = view.officers_table.horizontalHeader()
    assert officers_header.sectionResizeMode(0) == QHeaderView.ResizeMode.Stretch
    assert not officers_header.stretchLastSection()
    # The chosen check in words: each officer's share, rating and the previous period's.
    view.pages.setCurrentIndex(1)
    view.checks_table.selectRow(2)
    figure = expected.team.checks[2]
    assert figure.check.statement in view.detail_heading.text()
    assert [(d.officer, d.rating, d.previous_rating) for d in view.detail_model.records] == \
        [(f.officer, f.rating, f.previous_rating) for f in figure.officers]

    # Charts: a bar per criterion (this period and the previous) and a line per criterion, with team_view's and
    # criterion_trend's figures; accessible names and the figures in words; the table as the text equivalent.
    view.pages.setCurrentIndex(3)
    titles = criteria()
    now = criterion_shares(expected.audits)
    bars = view.bars.values()
    assert set(bars) == set(now) and len(bars) >= 5
    for k, share in now.items():
        assert bars[k] == pytest.approx(percent(share) or 0.0)
    assert view.bars.series is not None and len(view.bars.series.barSets()) == 2
    # Whole percentages, as the table rounds them (the bars said 84.8% beside the table's 85%).
    table = {r.criterion: r.now for r in view.criteria_model.records}
    for k, value in bars.items():
        assert value == int(value) and f"({value:.0f}%)" in share_words(table[k])
    # The criteria's labels whole, on lines of their own (they were cut: '1.3 Reduce the Likelihood of Reoff...'),
    # the whole title in the description; the paired bars tall enough for their labels not to touch.
    names = view.bars.chart().axes(Qt.Orientation.Vertical)[0].categories()
    assert [n.replace("<br>", " ") for n in names][::-1] == [label(k, titles) for k in view.bars.criteria]
    assert all(len(line) <= WRAP or " " not in line for n in names for line in n.split("<br>"))
    assert all(n.count("<br>") <= 1 for n in names)  # two lines fit beside a pair of bars; three were cut
    assert "1.3 Reduce the Likelihood of<br>Reoffending" in names
    assert "1.3 Assessment and planning to reduce the Likelihood of Reoffending" in view.bars.accessibleDescription()
    assert view.bars.series.barWidth() >= 0.8
    assert view.trend_chart.lines["2.4"].name() == "2.4 Diversity and maximising<br>offender engagement"
    assert view.trend_chart.chart().axes(Qt.Orientation.Horizontal)[0].titleText() == \
        f"Month ends, {trend[0][0]:%b %Y} to {format_date(trend[-1][0])}"
    assert set(view.trend_chart.lines) == {k for _d, s in trend for k in s}
    for k, line in view.trend_chart.lines.items():
        assert line.name().startswith(k)
        assert view.trend_chart.points(k) == [(i, pytest.approx(percent(s[k]))) for i, (_d, s) in enumerate(trend)
                                              if percent(s.get(k)) is not None]
    assert view.trend_chart.points("1.2")[-1][1] == pytest.approx(percent(now["1.2"]))
    for chart in (view.bars, view.trend_chart):
        assert chart.accessibleName() and "1.2 " in chart.accessibleDescription()
    assert [r.criterion for r in view.criteria_model.records] == [k for k in titles if k in now]
    assert view.criteria_model.columnCount() == 4 + len(trend)
    _shot(view.bars, "bars.png")
    _shot(view.trend_chart, "trend.png")
    _shot(window, "charts_page.png")
    view.pages.setCurrentIndex(1)
    _shot(window, "checks_page.png")
    view.pages.setCurrentIndex(0)
    _shot(window, "team_page.png")

    # The manager's own actions on the toolbar (not copies), and no clash of keys or letters.
    assert desk.queue_action in view.toolbar.actions() and desk.oversight_action in view.toolbar.actions()
    assert not clashes(window)

    # Record oversight… from the view starts on the case chosen there.
    assert [a.crn for a in view.attention_model.records] == [a.crn for a in expected.team.attention]
    view.attention_table.selectRow(1)
    chosen = view.chosen_person_id()
    assert chosen == expected.team.attention[1].person_id
    dialog = desk.record_oversight()
    assert dialog.case.currentData() == chosen
    dialog.reject()

    # Enter on the attention list opens the case.
    view.attention_table.setFocus()
    qtbot.keyClick(view.attention_table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_case() is not None, timeout=WAIT)
    assert window.current_case().case.person_id == chosen
    # ... on its Inspection readiness tab, where the checks not met are (it opened on Personal details).
    case = window.current_case()
    qtbot.waitUntil(lambda: case.sections.currentWidget() is case.readiness, timeout=WAIT)


def test_an_officers_laptop_shows_their_own_figures_saying_so(caseload, make_window, qtbot, tmp_path):
    path = _copy(caseload, tmp_path)
    expected, _trend = _expected(path)
    window, desk, view = _open_view(qtbot, make_window, path, manager=False)
    assert expected.own_only
    assert view.note.text() == expected.note and view.note.isVisible()
    # The file holds three officers' cases, five each: only Alex Morgan's five are their own figures.
    assert "Your own figures (Alex Morgan, 5 cases)" in view.note.text()
    assert "10 cases in this file are not held by you, so left out." in view.note.text()
    assert view.title.text() == "Your practice quality"
    assert not desk.queue_action.isVisible() and not desk.menu.menuAction().isVisible()
    assert [r.name for r in view.officers_model.records] == ["Alex Morgan"]
    assert view.officers_table.isColumnHidden(3)  # no rating of an officer against themselves
    assert view.checks_model.headerData(4, Qt.Orientation.Horizontal) == "Alex Morgan"  # before the previous period
    assert not any(rating_words(r) in (view.checks_model.index(row, 4).data() or "")
                   for row in range(view.checks_model.rowCount()) for r in ("met", "near", "far"))
    assert not clashes(window)
    _shot(window, "officer_team_page.png")
    # The officer's laptop hides the rating columns: "Average score" was then the last column and stretched.
    table = view.officers_table
    assert table.columnWidth(2) < table.columnWidth(0)
    view.pages.setCurrentIndex(1)
    assert "No rating" in view.rule.text() and view.detail_heading.text().count("Your cases: ") == 1
    _shot(window, "officer_checks_page.png")


def test_the_layout_is_remembered_and_a_save_reads_again(caseload, make_window, qtbot, tmp_path, prefs):
    path = _copy(caseload, tmp_path)
    _set_role(path, manager=True)
    window, desk, view = _open_view(qtbot, make_window, path, manager=True)
    view.pages.setCurrentIndex(3)
    view.charts_split.setSizes([500, 120])
    view.charts_split.splitterMoved.emit(500, 1)
    state = prefs.state("practice_charts_split")
    assert state is not None
    loads = view.loads
    # A save that changes the audit reads the figures again (the view is on show).
    from lpt_desktop.services.changes import Change

    trends = view.trend_loads
    window.ops.changed.emit(Change.CONTACT)
    qtbot.waitUntil(lambda: view.loads > loads and view.trend_loads > trends, timeout=WAIT)
    # Off the charts, a save reads the figures again but leaves the trend (an audit a month) until they show.
    view.pages.setCurrentIndex(0)
    loads, trends = view.loads, view.trend_loads
    window.ops.changed.emit(Change.ASSESSMENT)
    qtbot.waitUntil(lambda: view.loads > loads and not view.progress.isVisibleTo(view), timeout=WAIT)
    assert view.trend_loads == trends
    view.pages.setCurrentIndex(3)
    qtbot.waitUntil(lambda: view.trend_loads > trends, timeout=WAIT)
    window.ops.changed.emit(Change.DRAFT)  # a draft saved moves no check: nothing is read
    qtbot.wait(500)
    assert view.loads == loads + 1
    window.close_tab_of(view)
    qtbot.waitUntil(lambda: desk.practice is None, timeout=WAIT)
    again = desk.show_practice()
    assert again is not None and again is not view
    assert again.pages.currentIndex() == 3
    assert again.charts_split.saveState() == state


def test_a_failed_trend_read_says_so_and_leaves_the_figures_read_running(caseload, make_window, qtbot, tmp_path):
    path = _copy(caseload, tmp_path)
    _window, _desk, view = _open_view(qtbot, make_window, path, manager=False)
    # The trend's read fails while a read of the figures runs: that read is still running (not started twice), and
    # the failure names the trend, not the figures on show. (The trend query's own error callback, called as the
    # read pool calls it: a real audit does not fail on demand.)
    view._reading = True
    view._trend_reading = True
    view._trend_failed(view._asked, RuntimeError("disk error"))
    assert view._reading and not view._trend_reading
    view._reading = False
    view._trend_failed(view._asked, RuntimeError("disk error"))
    assert view.progress_line.text() == "The trend could not be read: disk error"
