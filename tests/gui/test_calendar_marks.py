"""The diary marks the days nobody works: weekends shaded, bank holidays named, office closures with their
reason; what is booked on such a day is marked ⚠ and the booking dialog warns of it. Entries name the
person (not the CRN) and the whole entry is in the cell's tooltip."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

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


def _days(today: date) -> tuple[date, date, date, date]:
    """After today (the suite's frozen day, whichever date_matrix.py runs it at): a bank holiday on a weekday,
    a working day to close the office, a Saturday and an ordinary working day."""
    from lpt_desktop.standards.calendar import bank_holiday_name, is_working_day

    later = [today + timedelta(days=n) for n in range(1, 400)]
    holiday = next(d for d in later if d.weekday() < 5 and bank_holiday_name(d))
    working = [d for d in later if is_working_day(d)]
    saturday = next(d for d in later if d.weekday() == 5)
    return holiday, working[0], saturday, working[1]


def test_the_month_marks_shut_days_and_what_is_booked_on_them(make_window, qtbot, demo_db):
    from lpt_desktop.services import appointments
    from lpt_desktop.standards.calendar import bank_holiday_name

    holiday, closed, saturday, working = _days(DEMO_TODAY)
    name = bank_holiday_name(holiday)
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    ctl = window.features["standards"]
    qtbot.waitUntil(lambda: window.caseload_view.model.rowCount() > 0, timeout=20000)
    person = window.caseload_view.model.records[0]
    now = datetime.combine(DEMO_TODAY, time(9, 0))
    on_writer(qtbot, window, appointments.add_closure, closed, "Staff training")
    for day in (holiday, closed, saturday, working):
        on_writer(qtbot, window, appointments.book_appointment, person.person_id,
                  datetime.combine(day, time(11, 0)), "COAP", "Preston office", now=now)

    # The booking dialog's check warns of each shut day, naming the bank holiday.
    at = {d: datetime.combine(d, time(15, 0)) for d in (holiday, closed, saturday, working)}
    found = dict(check_overlaps(window.ops.db, person.person_id, list(at.values())))
    assert any(f"bank holiday ({name})" in w for w in found[at[holiday]])
    assert any("closed (Staff training)" in w for w in found[at[closed]])
    assert any("Saturday" in w for w in found[at[saturday]])
    assert not any("bank holiday" in w or "closed" in w or "Saturday" in w for w in found.get(at[working], []))

    ctl.calendar_action.trigger()
    cal = ctl.calendar
    qtbot.waitUntil(lambda: cal.loaded, timeout=10000)
    cal.month_button.click()

    def month_of(day: date) -> None:
        cal.go_to(day)
        qtbot.waitUntil(lambda: cal.range_label.text() == f"{day:%B %Y}" and any(
            e.day == day and e.kind == "appointment" for e in cal.entries), timeout=10000)
        qtbot.waitUntil(lambda: window.ops.running == 0, timeout=10000)

    bg = Qt.ItemDataRole.BackgroundRole
    month_of(holiday)
    lines = _lines(cal, holiday)
    assert lines[1] == name  # the cell is short: the tooltip and the day's heading say "Bank holiday"
    assert any(t.startswith("⚠ ") and t.endswith("booked") for t in lines)
    if holiday != DEMO_TODAY:
        assert cal.grid_model.index_of(holiday).data(bg).color().name() == SHUT_BACKGROUND
    tip = cal.grid_model.index_of(holiday).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(f"Bank holiday: {name}")
    assert f"11:00 {person.name} ({person.crn}): Office appointment, Preston office" in tip
    assert "appointment(s)" not in cal.grid_model.index_of(holiday).data(Qt.ItemDataRole.AccessibleTextRole)
    # Choosing the day says so above its list.
    cal.grid.setCurrentIndex(cal.grid_model.index_of(holiday))
    assert f"(Bank holiday: {name})" in cal.day_title.text()
    assert "booked on a day the office does not work" in cal.day_title.text()

    month_of(closed)
    assert _lines(cal, closed)[1] == "Closed: Staff training"
    assert cal.grid_model.index_of(closed).data(bg).color().name() == SHUT_BACKGROUND
    month_of(saturday)
    assert any(t.startswith("⚠ ") for t in _lines(cal, saturday))
    assert cal.grid_model.index_of(saturday).data(bg).color().name() == WEEKEND_BACKGROUND
    month_of(working)
    assert not any("⚠" in t or "Bank holiday" in t for t in _lines(cal, working))
    assert cal.grid_model.index_of(working).data(bg) is None

    # The week names the person, not the CRN, and marks the booking on the bank holiday.
    cal.go_to(holiday)
    cal.week_button.click()
    qtbot.waitUntil(lambda: cal.mode == "week" and holiday in cal.grid_model.days and any(
        e.day == holiday for e in cal.entries), timeout=10000)
    qtbot.waitUntil(lambda: window.ops.running == 0, timeout=10000)
    week = _lines(cal, holiday)
    assert f"⚠ 11:00 {person.name} · Office appointment" in week
    assert not any(person.crn in t for t in week)


def test_a_month_left_before_its_answer_came_never_overwrites_the_one_shown(make_window, qtbot, demo_db,
                                                                          monkeypatch):
    """The calendar's reads run on two threads: moving on before a month's answer came, that late answer must not
    replace the month now shown (the diary showed a month with nothing booked in it)."""
    import threading

    from lpt_desktop.gui import calendar_view
    from lpt_desktop.services import appointments

    _holiday, _closed, _saturday, working = _days(DEMO_TODAY)
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    ctl = window.features["standards"]
    qtbot.waitUntil(lambda: window.caseload_view.model.rowCount() > 0, timeout=20000)
    person = window.caseload_view.model.records[0]
    on_writer(qtbot, window, appointments.book_appointment, person.person_id, datetime.combine(working, time(11)),
              "COAP", "Preston office", now=datetime.combine(DEMO_TODAY, time(9)))
    ctl.calendar_action.trigger()
    cal = ctl.calendar
    qtbot.waitUntil(lambda: cal.loaded, timeout=10000)
    cal.month_button.click()
    qtbot.waitUntil(lambda: window.ops.running == 0, timeout=10000)

    earlier = (working.replace(day=1) - timedelta(days=40)).replace(day=15)
    released, answered = threading.Event(), threading.Event()
    real = calendar_view.load_calendar

    def slow_for_the_earlier_month(db, start, end, as_of):  # noqa: ANN001, ANN202
        if start <= earlier <= end:
            released.wait(10)  # answers only once the later month's answer has been shown
        found = real(db, start, end, as_of)
        if start <= working <= end:
            answered.set()
        return found

    monkeypatch.setattr(calendar_view, "load_calendar", slow_for_the_earlier_month)
    cal.go_to(earlier)
    cal.go_to(working)
    qtbot.waitUntil(lambda: answered.is_set() and window.ops.running == 1, timeout=10000)  # shown; the other waits
    released.set()
    qtbot.waitUntil(lambda: window.ops.running == 0, timeout=10000)
    assert cal.range_label.text() == f"{working:%B %Y}"
    assert any(e.day == working and e.kind == "appointment" for e in cal.entries)
    assert any(t.endswith("booked") for t in _lines(cal, working))
