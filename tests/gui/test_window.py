"""The real window, driven offscreen: unlock, filter, sort, open, lock, passphrase, damage, migration."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from lpt_desktop.domain.reference import reference
from lpt_desktop.domain.tier_forms import scheme_of_tier
from lpt_desktop.gui.case_view import CaseView
from lpt_desktop.gui.caseload_model import COL_DUE, COL_NAME, COL_ROSH, COL_TIER, OVERDUE_COLOUR
from lpt_desktop.gui.table_model import SORT_ROLE
from lpt_desktop.services.caseload import due_order, is_overdue
from lpt_desktop.services.cases import audit_trail
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams, key_path_for
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock

pytestmark = pytest.mark.gui



def filled(qtbot, window) -> None:
    """Wait for the caseload's next-due and suggested-tier columns (worked out after the rows are painted)."""
    qtbot.waitUntil(lambda: not window.caseload_view.model.columns_pending, timeout=20000)

def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _column(window, col: int) -> list:
    proxy = window.caseload_view.proxy
    return [proxy.index(r, col).data() for r in range(proxy.rowCount())]


def _shown_records(window) -> list:
    view = window.caseload_view
    return [view.model.record(view.proxy.mapToSource(view.proxy.index(r, 0)).row())
            for r in range(view.proxy.rowCount())]


def _sort_keys(window, col: int) -> list:
    proxy = window.caseload_view.proxy
    return [proxy.index(r, col).data(SORT_ROLE) for r in range(proxy.rowCount())]


def test_unlock_shows_the_caseload(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    assert window.stack.currentWidget() is window.unlock_page
    assert not window.lock_action.isEnabled()
    unlock(qtbot, window, PASSPHRASE)
    filled(qtbot, window)  # the rows are painted first; what is due fills its columns after
    assert window.is_unlocked
    assert window.stack.currentWidget() is window.tabs
    assert window.caseload_view.proxy.rowCount() == 60
    assert window.count_label.text() == "60 cases"
    assert window.lock_action.isEnabled()
    # It opens on what to do first: overdue at the top, by due date, and the header's arrow says so.
    records = _shown_records(window)
    assert [due_order(r) for r in records] == sorted(due_order(r) for r in records)
    assert is_overdue(records[0]) and not is_overdue(records[-1])
    header = window.caseload_view.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COL_DUE, Qt.SortOrder.AscendingOrder)
    # The passphrase does not linger in the widget once used.
    assert window.unlock_page.ui.passphraseEdit.text() == ""


def test_wrong_passphrase_is_refused_and_touches_nothing(make_window, qtbot, demo_db):
    before = (_digest(demo_db), _digest(key_path_for(demo_db)))
    window = make_window(demo_db)
    unlock(qtbot, window, "not the passphrase")
    assert not window.is_unlocked
    assert window.stack.currentWidget() is window.unlock_page
    assert "Passphrase not accepted" in window.unlock_page.ui.errorLabel.text()
    assert "Traceback" not in window.unlock_page.ui.errorLabel.text()
    # Said once, beside the box: no popup to dismiss as well.
    assert window.last_message is None
    assert not any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets())
    assert (_digest(demo_db), _digest(key_path_for(demo_db))) == before
    # A second try with the right passphrase still works.
    unlock(qtbot, window, PASSPHRASE)
    assert window.is_unlocked


def test_filter_by_text_tier_rosh_and_order(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    view = window.caseload_view
    all_rows = view.model.records
    surname = all_rows[0].name.split(",")[0]
    qtbot.keyClicks(view.search, surname.lower())
    expected = [r for r in all_rows if surname.casefold() in r.search_key]
    assert view.proxy.rowCount() == len(expected) > 0
    assert all(surname in n for n in _column(window, COL_NAME))
    assert window.count_label.text() == f"Showing {len(expected)} of 60 cases"

    view.search.setText(all_rows[5].crn)
    assert view.proxy.rowCount() == 1
    assert _column(window, 0) == [all_rows[5].crn]

    view.search.clear()
    view.tier.setCurrentIndex(view.tier.findData("C"))
    # A letter lists tiers of the scheme in preferences (2026) only: an earlier scheme's "C2" is not a 2026 C.
    assert view.proxy.rowCount() == sum(r.tier.startswith("C") and (r.tier_scheme or scheme_of_tier(r.tier)) == "2026"
                                        for r in all_rows) > 0
    assert all(t.startswith("C") for t in _column(window, COL_TIER))

    view.tier.setCurrentIndex(0)
    view.rosh.setCurrentIndex(view.rosh.findData("M"))
    view.order.setCurrentIndex(view.order.findData("LIC"))
    expected = [r for r in all_rows if r.rosh == "M" and r.order_type == "LIC"]
    assert view.proxy.rowCount() == len(expected)
    assert set(_column(window, COL_ROSH)) <= {"Medium"}

    view.search.setText("zzzz-no-such-person")
    assert view.proxy.rowCount() == 0
    assert view.body.currentWidget() is view.empty
    assert "No cases match" in view.empty.text()

    qtbot.keyClick(view.search, Qt.Key.Key_Escape)  # Esc clears every filter
    assert view.proxy.rowCount() == 60
    assert view.rosh.currentIndex() == 0 and view.search.text() == ""
    assert view.body.currentWidget() is view.table


def test_sort_columns(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    table = window.caseload_view.table
    table.sortByColumn(COL_ROSH, Qt.SortOrder.AscendingOrder)
    ranks = [-k for k in _sort_keys(window, COL_ROSH)]
    assert ranks == sorted(ranks, reverse=True)  # highest risk first
    labels = _column(window, COL_ROSH)
    order = {lvl.label: lvl.rank for lvl in reference().rosh_levels.values()}
    assert [order[label] for label in labels] == sorted((order[label] for label in labels), reverse=True)

    table.sortByColumn(COL_DUE, Qt.SortOrder.AscendingOrder)
    records = _shown_records(window)
    dues = [r.next_due for r in records]
    present = [d for d in dues if d is not None]
    assert dues[: len(present)] == present  # cases with nothing due sort last
    standing = [r.next_due_status for r in records if r.next_due is not None]
    rank = {"overdue": 0, "due": 1, "upcoming": 2}
    assert [rank[s] for s in standing] == sorted(rank[s] for s in standing)  # overdue, due, then upcoming
    for status in rank:
        dates = [r.next_due for r in records if r.next_due_status == status]
        assert dates == sorted(dates)

    table.sortByColumn(COL_NAME, Qt.SortOrder.DescendingOrder)
    names = _column(window, COL_NAME)
    assert names == sorted(names, key=str.casefold, reverse=True)


def test_open_case_in_a_tab_and_audit_it(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    view = window.caseload_view
    proxy_index = view.proxy.index(2, 0)
    rec = view.model.record(view.proxy.mapToSource(proxy_index).row())
    # A real double-click on the row: one case tab and one audited open, not two.
    rect = view.table.visualRect(proxy_index)
    with qtbot.waitSignal(window.case_opened, timeout=10000):
        # QTest needs the first press of the pair, as a real mouse gives it.
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(200)
    cases = window.case_views()
    assert len(cases) == 1
    case_view = cases[0]
    assert isinstance(case_view, CaseView)
    assert case_view.case.crn == rec.crn
    assert window.tabs.currentWidget() is case_view
    assert rec.crn in window.tabs.tabText(window.tabs.currentIndex())
    titles = [case_view.sections.tabText(i).replace("&", "") for i in range(case_view.sections.count())]
    assert titles == ["Personal details", "Sentence", "Registers", "Contacts", "Obligations", "Timeline",
                      "Assessments", "Plans", "Inspection readiness"]
    # Opening the same case again focuses its tab instead of adding another.
    window.tabs.setCurrentIndex(0)
    window.open_case(rec.person_id)
    assert len(window.case_views()) == 1 and window.tabs.currentWidget() is case_view
    # The open was audited in the database.
    db = window.ops.db
    assert db is not None
    opens = [a for a in audit_trail(db, rec.person_id) if a.action == "open"]
    assert len(opens) == 1 and opens[0].actor.endswith("Alex Morgan")
    # Ctrl+W (Close tab) closes it; the caseload tab cannot be closed.
    window.close_tab_action.trigger()
    assert window.case_views() == []
    window.close_tab(0)
    assert window.tabs.count() == 1


def test_idle_lock_clears_views_and_drops_the_key(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.open_case(window.caseload_view.model.record(0).person_id)
    qtbot.waitUntil(lambda: len(window.case_views()) == 1, timeout=10000)
    db = window.ops.db
    key = db._key
    assert key is not None and any(key)
    window.idle.set_timeout_ms(300)
    with qtbot.waitSignal(window.locked, timeout=5000):
        pass
    assert window.ops.db is None and not db.is_open
    assert db._key is None and not any(key)  # the bytearray itself was wiped
    assert window.caseload_view.model.rowCount() == 0
    assert window.case_views() == []
    assert window.stack.currentWidget() is window.unlock_page
    assert "inactivity" in window.unlock_page.ui.errorLabel.text()
    assert window.statusBar().currentMessage() == ""
    assert not window.idle.active
    window.idle.set_timeout_ms(10 * 60_000)  # a 300 ms timeout would lock again under a loaded machine
    unlock(qtbot, window, PASSPHRASE)
    assert window.is_unlocked and window.caseload_view.model.rowCount() == 60


def test_activity_keeps_the_caseload_open(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.idle.set_timeout_ms(1500)
    for _ in range(8):
        qtbot.wait(300)
        qtbot.keyClick(window.caseload_view.search, Qt.Key.Key_A)
    assert window.is_unlocked  # 2.4 s of typing outlasted a 1.5 s timeout
    with qtbot.waitSignal(window.locked, timeout=5000):
        pass
    assert not window.is_unlocked


def test_change_passphrase_then_unlock_with_the_new_one(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.passphrase_action.trigger()
    dialog = window.passphrase_dialog
    ui = dialog.ui
    ui.currentEdit.setText(PASSPHRASE)
    ui.newEdit.setText("short")
    ui.confirmEdit.setText("short")
    ui.buttons.accepted.emit()
    assert "too short" in ui.errorLabel.text() and dialog.isVisible()
    ui.newEdit.setText("a much longer passphrase")
    ui.confirmEdit.setText("a much longer passphrase!")
    ui.buttons.accepted.emit()
    assert "does not match" in ui.errorLabel.text()
    ui.currentEdit.setText("wrong current passphrase")
    ui.confirmEdit.setText("a much longer passphrase")
    with qtbot.waitSignal(window.ops.running_changed, timeout=10000, check_params_cb=lambda n: n == 0):
        ui.buttons.accepted.emit()
    assert "not accepted" in ui.errorLabel.text() and dialog.isVisible()
    ui.currentEdit.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        ui.buttons.accepted.emit()
    assert window.last_message is not None and window.last_message.windowTitle() == "Passphrase changed"
    window.last_message.close()
    window.lock_action.trigger()
    unlock(qtbot, window, PASSPHRASE)
    assert not window.is_unlocked
    assert "Passphrase not accepted" in window.unlock_page.ui.errorLabel.text()  # said on the page, no popup
    unlock(qtbot, window, "a much longer passphrase")
    assert window.is_unlocked


def test_damaged_file_is_told_apart_from_a_wrong_passphrase(make_window, qtbot, demo_db):
    data = bytearray(demo_db.read_bytes())
    data[100:400] = bytes(300)  # wipe part of page 1: its authentication code no longer matches
    demo_db.write_bytes(bytes(data))
    size = demo_db.stat().st_size
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    assert not window.is_unlocked
    text = window.unlock_page.ui.errorLabel.text()
    assert "Passphrase not accepted" not in text
    assert "passphrase was accepted" in text and "could not be read" in text
    assert window.last_message.windowTitle() == "The caseload cannot be opened"
    assert demo_db.exists() and demo_db.stat().st_size == size  # never deleted or re-created


def test_older_schema_is_migrated_on_unlock(make_window, qtbot, tmp_path):
    path = tmp_path / "old" / "caseload.lptdb"
    db = Database.create(path, PASSPHRASE, KdfParams.fast(), revision="0001")
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO person (id, created_at, updated_at, crn, first_name, last_name, date_of_birth, tier, rosh)"
            " VALUES ('p-1', '2025-01-01', '2025-01-01', 'X123456', 'Ada', 'Oldschema', '1980-02-03', 'C2', 'M')")
    db.close()
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    assert window.is_unlocked
    rows = window.caseload_view.model.records
    assert [(r.crn, r.name, r.tier, r.rosh_label) for r in rows] == [("X123456", "Oldschema, Ada", "C2", "Medium")]
    from lpt_desktop.store.migrations import current_revision, head_revision

    assert current_revision(window.ops.db.engine) == head_revision() != "0001"


def test_empty_caseload_has_a_helpful_empty_state(make_window, qtbot, tmp_path):
    path = tmp_path / "empty" / "caseload.lptdb"
    create_caseload(path, PASSPHRASE, "Sam Jones", "LPT0007", kdf=KdfParams.fast()).close()
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    view = window.caseload_view
    assert window.is_unlocked and view.model.rowCount() == 0
    assert view.body.currentWidget() is view.empty
    assert "no cases on this caseload yet" in view.empty.text()


def test_demo_mode_creates_the_demo_caseload_on_first_use(make_window, qtbot, tmp_path):
    path = tmp_path / "userdata" / "demo-caseload.lptdb"
    window = make_window(path, demo=True)
    assert window.unlock_page.ui.demoNotice.isVisible()
    assert "demo" in window.unlock_page.ui.demoNotice.text()
    qtbot.waitUntil(lambda: path.exists() and window.ops.running == 0, timeout=30000)
    unlock(qtbot, window, "demo")
    assert window.is_unlocked and window.caseload_view.model.rowCount() == 60


def test_missing_file_offers_a_new_caseload(make_window, tmp_path):
    window = make_window(tmp_path / "nowhere.lptdb")
    text = window.unlock_page.ui.errorLabel.text()
    assert "no caseload on this computer yet" in text and "New caseload" in text
    assert window.unlock_page.new_button.isVisible() and not window.unlock_page.ui.passphraseEdit.isEnabled()
    assert not (tmp_path / "nowhere.lptdb").exists()


def test_preferences_set_the_idle_timeout(make_window, qtbot, demo_db, prefs, settings_path):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    assert window.idle.timeout_ms == 10 * 60_000  # the default is 10 minutes
    window.prefs_action.trigger()
    dialog = window.preferences_dialog
    dialog.ui.idleMinutes.setValue(3)
    dialog.accept()
    assert window.idle.timeout_ms == 3 * 60_000
    assert prefs.idle_minutes == 3
    assert "idle_minutes=3" in settings_path.read_text()


def test_window_layout_is_remembered_and_settings_hold_no_case_data(make_window, qtbot, demo_db, settings_path,
                                                                     prefs):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.resize(720, 520)
    names = [r.name.split(",")[0] for r in window.caseload_view.model.records]
    crns = [r.crn for r in window.caseload_view.model.records]
    window.close()
    assert not window.is_unlocked  # closing locks
    text = settings_path.read_text(encoding="utf-8", errors="replace")
    assert "geometry" in text
    for s in names + crns:
        assert s not in text
    again = make_window(demo_db)
    assert (again.width(), again.height()) == (720, 520)


def test_find_shortcut_focuses_the_filter(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.activateWindow()
    window.find_action.trigger()
    assert window.tabs.currentIndex() == 0
    assert window.caseload_view.search.hasFocus() or window.focusWidget() is window.caseload_view.search
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    assert window.lock_action.shortcut().toString() == "Ctrl+L"


def test_enter_in_the_filter_opens_the_only_match(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    view = window.caseload_view
    rec = view.model.records[7]
    view.search.setFocus()
    qtbot.keyClicks(view.search, rec.crn)
    assert view.proxy.rowCount() == 1
    with qtbot.waitSignal(window.case_opened, timeout=10000):
        qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert [c.case.crn for c in window.case_views()] == [rec.crn]


def test_names_in_any_order_find_the_person(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    view = window.caseload_view
    rec = view.model.records[3]
    surname, forename = rec.name.split(", ")
    view.search.setText(f"{forename} {surname}")
    assert rec.crn in _column(window, 0)


def test_unlock_page_accessible_names(make_window, demo_db):
    window = make_window(demo_db)
    ui = window.unlock_page.ui
    assert ui.passphraseEdit.accessibleName() == "Passphrase"
    assert ui.unlockButton.accessibleName() == "Unlock"
    assert window.caseload_view.table.accessibleName() == "Caseload"
    assert window.features["sync"].status.label.accessibleName() == "Sync status"
    assert "offline" in window.features["sync"].status.label.text()


def test_stale_results_after_lock_are_dropped(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    person = window.caseload_view.model.record(0).person_id
    window.open_case(person)
    window.lock("user")  # locks before the case arrives
    qtbot.waitUntil(lambda: window.ops.running == 0, timeout=10000)
    assert window.case_views() == []
    assert window.stack.currentWidget() is window.unlock_page


def _red_rows(window) -> list[str]:
    proxy = window.caseload_view.proxy
    red = []
    for r in range(proxy.rowCount()):
        brush = proxy.index(r, COL_DUE).data(Qt.ItemDataRole.ForegroundRole)
        if brush is not None and brush.color().name() == OVERDUE_COLOUR:
            red.append(proxy.index(r, 0).data())
    return red


def test_overdue_dates_are_marked(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    filled(qtbot, window)  # the rows are painted first; what is due fills its columns after
    model = window.caseload_view.model
    overdue = [r for r in model.records if is_overdue(r)]
    assert overdue and len(overdue) < model.rowCount()
    row = model.records.index(overdue[0])
    brush = model.index(row, COL_DUE).data(Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color().name() == OVERDUE_COLOUR
    assert model.index(row, COL_DUE).data(Qt.ItemDataRole.ToolTipRole) == "Overdue"
    assert model.index(0, 0, QModelIndex()).isValid()
    assert sorted(_red_rows(window)) == sorted(r.crn for r in overdue)


def test_the_status_bar_overdue_count_is_the_red_rows(make_window, qtbot, demo_db):
    """"Overdue: N" said 10 with 7 rows red: it counted obligations, the caseload counts cases. One
    definition (services.caseload.is_overdue / case_standing) now gives both."""
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    filled(qtbot, window)  # the rows are painted first; what is due fills its columns after
    count = window.features["standards"].count_button
    qtbot.waitUntil(lambda: count.isVisible() and count.text().startswith("Cases due:"), timeout=20000)
    red = _red_rows(window)
    assert red, "the demo caseload has overdue cases"
    assert count.text().endswith(f"Overdue: {len(red)}")
    # Filtering the view does not change the count of the caseload's overdue cases, and a case owing
    # several overdue things is still one row and counts once.
    items = window.features["standards"].due_items
    per_case = Counter(i.person_id for i in items if i.obligation.status == "overdue")
    assert len(per_case) == len(red) and sum(per_case.values()) >= len(red)


def test_the_officers_sort_is_remembered(make_window, qtbot, demo_db, prefs):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    header = window.caseload_view.table.horizontalHeader()
    assert prefs.caseload_sort is None  # the default order is not a choice
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(COL_NAME) + 10, header.height() // 2))
    assert header.sortIndicatorSection() == COL_NAME
    chosen = header.sortIndicatorOrder()
    assert prefs.caseload_sort == ("Name", chosen == Qt.SortOrder.DescendingOrder)
    names = _column(window, COL_NAME)
    assert names == sorted(names, key=str.casefold, reverse=chosen == Qt.SortOrder.DescendingOrder)
    window.close()

    again = make_window(demo_db)
    unlock(qtbot, again, PASSPHRASE)
    header = again.caseload_view.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COL_NAME, chosen)
    assert _column(again, COL_NAME) == names


def test_printing_the_caseload_as_shown(make_window, qtbot, demo_db, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from lpt_desktop.gui.printing import caseload_html, print_caseload

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.caseload_view.rosh.setCurrentIndex(window.caseload_view.rosh.findData("H"))
    shown = window.shown_caseload()
    assert shown and all(r.rosh == "H" for r in shown)
    from datetime import datetime

    text = caseload_html(shown, "Alex Morgan", datetime(2026, 11, 23, 9, 5))
    assert text.count("OFFICIAL-SENSITIVE") == 2 and "23/11/2026 09:05" in text
    assert all(r.crn in text for r in shown)
    assert not any(r.crn in text for r in window.caseload_view.model.records if r.rosh != "H")
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "caseload.pdf"))
    print_caseload(printer, shown, "Alex Morgan")
    assert (tmp_path / "caseload.pdf").read_bytes().startswith(b"%PDF")
    assert window.print_action.shortcut().toString() == "Ctrl+P"


def test_overdue_register_review_stands_out_on_the_case(make_window, qtbot, tmp_path):
    from PySide6.QtWidgets import QTableView

    from lpt_desktop.services.cases import add_person, add_registration

    path = tmp_path / "regs" / "caseload.lptdb"
    db = create_caseload(path, PASSPHRASE, "Sam Jones", "LPT0007", kdf=KdfParams.fast())
    pid = add_person(db, crn="R123456", first_name="Rae", last_name="Review", date_of_birth=date(1985, 5, 5))
    add_registration(db, pid, "ADVP", date(2020, 1, 6))  # review due three months later: long overdue
    db.close()
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    with qtbot.waitSignal(window.case_opened, timeout=10000):
        window.open_case(pid)
    table = next(t for t in window.case_views()[0].findChildren(QTableView) if t.accessibleName() == "Registers")
    index = table.model().index(0, 3)
    assert index.data() == "06/04/2020"
    assert index.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#a4161a"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "Review overdue"


def test_the_caseload_tab_stays_in_sight_with_many_records_open(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    button = window.caseload_tab_button
    assert window.tabs.isTabVisible(0) and not button.isVisible()  # alone: an ordinary tab
    people = [r.person_id for r in window.caseload_view.model.records[:15]]
    for pid in people:
        opened = {}
        window.open_case(pid, then=lambda view, o=opened: o.setdefault("view", view))
        qtbot.waitUntil(lambda o=opened: "view" in o, timeout=10000)
    assert window.tabs.count() == 16
    bar = window.tabs.tabBar()
    assert sum(bar.tabRect(i).width() for i in range(1, 16)) > bar.width(), "the records overflow the bar"
    # The caseload is the pinned button at the left of the bar, not a tab that scrolls away.
    assert button.isVisible() and not window.tabs.isTabVisible(0)
    assert button.mapTo(window, button.rect().topLeft()).x() < bar.mapTo(window, bar.rect().topLeft()).x()
    assert not button.isChecked()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.caseload_view and window.caseload_view.isVisible()
    assert button.isChecked()
    window.caseload_action.trigger()
    assert window.tabs.currentIndex() == 0
    # A record dragged before it is put back after it.
    window.tabs.tabBar().moveTab(3, 0)
    assert window.tabs.widget(0) is window.caseload_view
    for _ in range(15):
        window.close_tab(window.tabs.count() - 1)
    assert window.tabs.count() == 1 and window.tabs.isTabVisible(0) and not button.isVisible()
    assert window.caseload_view.isVisible()


def test_the_title_names_the_application_once(make_window, qtbot, tmp_path, demo_db):
    from lpt_desktop import APP_NAME

    # Qt adds the application's name to a title that does not end with it ("LPT Desktop — … — LPT Desktop").
    window = make_window(demo_db, demo=True)
    assert window.windowTitle().endswith(APP_NAME) and window.windowTitle().count(APP_NAME) == 1
    assert "DEMO" in window.windowTitle()


def test_a_layout_saved_before_the_order_was_kept_does_not_fix_it_on_name(make_window, qtbot, demo_db, prefs):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    header = window.caseload_view.table.horizontalHeader()
    header.blockSignals(True)  # as the old window saved it: sorted by Name, no choice kept
    window.caseload_view.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
    header.blockSignals(False)
    window._save_layout()
    prefs.caseload_sort = None
    window.close()

    again = make_window(demo_db)
    unlock(qtbot, again, PASSPHRASE)
    header = again.caseload_view.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COL_DUE, Qt.SortOrder.AscendingOrder)
    assert prefs.caseload_sort is None


def test_the_drafts_box_says_restore_in_full_and_counts_in_words(make_window, qtbot, demo_db):
    from datetime import datetime
    from types import SimpleNamespace

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    draft = SimpleNamespace(crn="L123456", name="Smith, Jo", saved_at=datetime(2026, 11, 23, 9, 15))
    window._offer_drafts([draft])
    box = window.last_message
    assert "1 contact record that was not saved" in box.text() and "Restore it now?" in box.text()
    for which, text in ((QMessageBox.StandardButton.Yes, "Restore"), (QMessageBox.StandardButton.No, "Later")):
        button = box.button(which)
        assert button.text() == text
        assert button.width() >= button.fontMetrics().horizontalAdvance(text) + 16, "the label is cut off"
    box.done(0)
    window._offer_drafts([draft, draft])
    assert "2 contact records that were not saved" in window.last_message.text()
    window.last_message.done(0)
