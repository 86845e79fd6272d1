"""The diary marks the days nobody works: weekends shaded, bank holidays named, office closures with their
reason; what is booked on such a day is marked ⚠ and the booking dialog warns of it. Entries name the
person (not the CRN) and the whole entry is in the cell's tooltip."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from PySide6.QtCore import Qt

from lpt_desktop.gui import standards_common
from lpt_desktop.gui.appointment_dialog import check_overlaps
from lpt_desktop.gui.calendar_view import LINES_ROLE, SHUT_BACKGROUND, WEEKEND_BACKGROUND, day_mark
from tests.conftest import DEMO_TODAY, PASSPHRASE
from tests.gui.conftest import on_writer, unlock

pytestmark = pytest.mark.gui

CHRISTMAS = date(2026, 12, 25)  # a Friday
CLOSED = date(2026, 12, 22)  # a Tuesday, shut for training in this test
SATURDAY = date(2026, 12, 19)
WORKING = date(2026, 12, 17)  # a Thursday


@pytest.fixture(autouse=True)
def demo_today(monkeypatch, frozen_today):
    monkeypatch.setattr(standards_common, "today", lambda: frozen_today)


def test_day_marks_name_bank_holidays_closures_and_weekends():
    closures = {CLOSED: "Staff training"}
    assert day_mark(CHRISTMAS, closures) == ("bank_holiday", "Bank holiday: Christmas Day")
    assert day_mark(date(2026, 12, 28), closures) == ("bank_holiday", "Bank holiday: Boxing Day (observed)")
    assert day_mark(CLOSED, closures) == ("closed", "Office closed: Staff training")
    assert day_mark(SATURDAY, closures) == ("weekend", "Weekend")
    assert day_mark(WORKING, closures) == ("", "")


def _lines(cal, day):
    return [text for _colour, text, _bold in cal.grid_model.index_of(day).data(LINES_ROLE)]


def test_the_month_marks_shut_days_and_what_is_booked_on_them(make_window, qtbot, demo_db):
    from lpt_desktop.services import appointments

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    ctl = window.features["standards"]
    qtbot.waitUntil(lambda: window.caseload_view.model.rowCount() > 0, timeout=20000)
    person = window.caseload_view.model.records[0]
    now = datetime.combine(DEMO_TODAY, time(9, 0))
    on_writer(qtbot, window, appointments.add_closure, CLOSED, "Staff training")
    for day in (CHRISTMAS, CLOSED, SATURDAY, WORKING):
        on_writer(qtbot, window, appointments.book_appointment, person.person_id,
                  datetime.combine(day, time(11, 0)), "COAP", "Preston office", now=now)

    # The booking dialog's check warns of each shut day, naming the bank holiday.
    found = dict(check_overlaps(window.ops.db, person.person_id,
                                [datetime.combine(d, time(15, 0)) for d in (CHRISTMAS, CLOSED, SATURDAY, WORKING)]))
    assert any("bank holiday (Christmas Day)" in w for w in found[datetime.combine(CHRISTMAS, time(15, 0))])
    assert any("closed (Staff training)" in w for w in found[datetime.combine(CLOSED, time(15, 0))])
    assert any("Saturday" in w for w in found[datetime.combine(SATURDAY, time(15, 0))])
    assert not any("bank holiday" in w or "closed" in w or "Saturday" in w
                   for w in found.get(datetime.combine(WORKING, time(15, 0)), []))

    ctl.calendar_action.trigger()
    cal = ctl.calendar
    qtbot.waitUntil(lambda: cal.loaded, timeout=10000)
    cal.month_button.click()
    cal.go_to(CHRISTMAS)
    qtbot.waitUntil(lambda: cal.range_label.text() == "December 2026" and CHRISTMAS in cal.grid_model.days
                    and any(e.day == CHRISTMAS for e in cal.entries), timeout=10000)
    qtbot.waitUntil(lambda: window.ops.running == 0, timeout=10000)

    christmas = _lines(cal, CHRISTMAS)
    assert christmas[1] == "Christmas Day"  # the cell is short: the tooltip and the day's heading say "Bank holiday"
    assert any(t.startswith("⚠ ") and t.endswith("booked") for t in christmas)
    assert _lines(cal, CLOSED)[1] == "Closed: Staff training"
    assert any(t.startswith("⚠ ") for t in _lines(cal, SATURDAY))
    assert not any("⚠" in t or "Bank holiday" in t for t in _lines(cal, WORKING))
    bg = Qt.ItemDataRole.BackgroundRole
    assert cal.grid_model.index_of(CHRISTMAS).data(bg).color().name() == SHUT_BACKGROUND
    assert cal.grid_model.index_of(CLOSED).data(bg).color().name() == SHUT_BACKGROUND
    assert cal.grid_model.index_of(SATURDAY).data(bg).color().name() == WEEKEND_BACKGROUND
    assert cal.grid_model.index_of(WORKING).data(bg) is None
    tip = cal.grid_model.index_of(CHRISTMAS).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Bank holiday: Christmas Day")
    assert f"11:00 {person.name} ({person.crn}): Office appointment, Preston office" in tip
    assert "appointment(s)" not in cal.grid_model.index_of(CHRISTMAS).data(Qt.ItemDataRole.AccessibleTextRole)

    # Choosing the day says so above its list.
    cal.grid.setCurrentIndex(cal.grid_model.index_of(CHRISTMAS))
    assert "(Bank holiday: Christmas Day)" in cal.day_title.text()
    assert "booked on a day the office does not work" in cal.day_title.text()

    # The week names the person, not the CRN, and marks the booking on the bank holiday.
    cal.week_button.click()
    qtbot.waitUntil(lambda: cal.mode == "week" and CHRISTMAS in cal.grid_model.days, timeout=10000)
    qtbot.waitUntil(lambda: window.ops.running == 0, timeout=10000)
    week = _lines(cal, CHRISTMAS)
    assert f"⚠ 11:00 {person.name} · Office appointment" in week
    assert not any(person.crn in t for t in week)
