"""Sort arrows agree with the order shown, and search hits are highlighted rather than [bracketed].

The arrow is read from the header as painted (the pixels of the sorted section's indicator): ▲ when the
first row holds the smallest (oldest) value, ▼ when it holds the largest (newest)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from lpt_desktop.gui.caseload_model import COL_NAME
from lpt_desktop.gui.contact_models import COL_NOTE, hit_segments, search_terms
from lpt_desktop.gui.table_model import SEGMENTS_ROLE, SORT_ROLE
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock

pytestmark = pytest.mark.gui


def painted_arrow(table) -> str:
    """'up' or 'down': which way the sorted section's indicator points on screen (the rightmost mark in
    the section, apart from its border line)."""
    header = table.horizontalHeader()
    section = header.sortIndicatorSection()
    image = header.grab().toImage()
    left = header.sectionViewportPosition(section)
    right = left + header.sectionSize(section) - 2  # inside the border
    rows = range(1, image.height() - 2)
    background = image.pixelColor(left + 2, 2).lightness()

    def inked(x: int, y: int) -> bool:
        return abs(image.pixelColor(x, y).lightness() - background) > 40

    columns = [x for x in range(left, right) if any(inked(x, y) for y in rows)]
    assert columns, "nothing painted in the section"
    mark = [columns[-1]]
    for x in reversed(columns[:-1]):  # the rightmost run of inked columns: the arrow
        if x != mark[-1] - 1:
            break
        mark.append(x)
    widths = [n for y in rows if (n := sum(inked(x, y) for x in mark))]
    assert len(widths) >= 3 and widths[0] != widths[-1], f"no sort indicator painted: {widths}"
    return "up" if widths[0] < widths[-1] else "down"


def shown_keys(table, column: int) -> list:
    model = table.model()
    return [model.index(r, column).data(SORT_ROLE) for r in range(model.rowCount())]


def agrees(table) -> None:
    """The arrow says what the rows show."""
    keys = shown_keys(table, table.horizontalHeader().sortIndicatorSection())
    assert keys[0] != keys[-1]
    arrow = painted_arrow(table)
    assert (keys == sorted(keys)) == (arrow == "up"), (arrow, keys[:3], keys[-3:])
    assert keys in (sorted(keys), sorted(keys, reverse=True))


def click_header(qtbot, table, column: int) -> None:
    header = table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(column) + 8, header.height() // 2))


def test_contact_log_newest_first_under_a_down_arrow_and_the_click_turns_both(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    rec = window.caseload_view.model.records[0]
    holder = {}
    window.open_case(rec.person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    contacts = holder["view"].show_contacts()
    qtbot.waitUntil(lambda: contacts.model.rowCount() > 2, timeout=10000)
    table = contacts.table
    keys = shown_keys(table, 0)
    assert keys == sorted(keys, reverse=True), "the log opens newest first"
    assert painted_arrow(table) == "down"
    agrees(table)
    click_header(qtbot, table, 0)
    assert shown_keys(table, 0) == sorted(keys)
    assert painted_arrow(table) == "up"


def test_caseload_arrows_agree_on_every_click(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    table = window.caseload_view.table
    agrees(table)
    for _ in range(2):
        click_header(qtbot, table, COL_NAME)
        agrees(table)


def test_search_hits_are_highlighted_newest_first_with_no_brackets(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.focus_note_search()
    qtbot.keyClicks(window.note_search, "accommodation")
    qtbot.keyClick(window.note_search, Qt.Key.Key_Return)  # searches: it opened the caseload's current row
    qtbot.waitUntil(lambda: window.search_view is not None and window.search_view.model.rowCount() > 2,
                    timeout=10000)
    view = window.search_view
    table = view.table
    keys = shown_keys(table, 0)
    assert keys == sorted(keys, reverse=True) and painted_arrow(table) == "down"
    agrees(table)
    click_header(qtbot, table, 0)
    assert shown_keys(table, 0) == sorted(keys) and painted_arrow(table) == "up"

    proxy = view.proxy
    for r in range(proxy.rowCount()):
        note = proxy.index(r, COL_NOTE)
        assert "[" not in note.data() and "]" not in note.data()
        runs = note.data(SEGMENTS_ROLE)
        assert any(hit and text.casefold().startswith("accommodat") for text, hit in runs)
        assert "".join(text for text, _hit in runs) == note.data()
    # The highlight is painted: the note cell of the first row has the highlight colour in it.
    table.resizeColumnsToContents()
    rect = table.visualRect(proxy.index(0, COL_NOTE))
    image = table.viewport().grab(rect).toImage()
    colours = {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())}
    assert "#ffe38a" in colours


def test_brackets_typed_in_a_note_stay_and_only_matches_are_marked():
    runs = hit_segments("Saw him [at home] about [housing]…", search_terms("housing"))
    assert runs == [("Saw him [at home] about ", False), ("housing", True), ("…", False)]
    assert hit_segments("no match here", ("x",)) == [("no match here", False)]
    # The index stems: "housing" also marks "house", which is highlighted too.
    assert hit_segments("leave his [house]; explored", search_terms("housing")) == [
        ("leave his ", False), ("house", True), ("; explored", False)]


def test_enter_on_the_caseload_opens_the_case_and_only_there(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    table = window.caseload_view.table
    table.setFocus()
    table.selectRow(1)
    expected = window.caseload_view.model.record(window.caseload_view.proxy.mapToSource(table.currentIndex()).row())
    with qtbot.waitSignal(window.case_opened, timeout=10000) as opened:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened.args == [expected.person_id]
