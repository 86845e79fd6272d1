"""National Standards in the real window on a real demo caseload: This week, a case's obligations, the
calendar and booking, compliance, the policy in Preferences, and the lock clearing it all.

Every expectation is read from the real engine (services on the same SQLCipher file) at the demo's date, so
these tests fail when a screen shows something other than what the engine says."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from lpt_desktop.gui import obligations_view, standards_common
from lpt_desktop.gui.appointment_dialog import AppointmentDialog, check_overlaps, occurrences
from lpt_desktop.gui.calendar_view import LINES_ROLE, visible_days
from lpt_desktop.services.contacts import list_contacts
from tests.conftest import DEMO_TODAY, PASSPHRASE
from tests.gui.conftest import on_writer, unlock

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def demo_today(monkeypatch, frozen_today):
    # The demo caseload is built around DEMO_TODAY, the day the suite's clock is frozen at (tests/conftest.py):
    # every standards screen works "as of" that day.
    assert frozen_today == DEMO_TODAY
    monkeypatch.setattr(standards_common, "today", lambda: DEMO_TODAY)


def _working_day(offset: int) -> date:
    """A working day `offset` or more days ahead: the booking service refuses times already past on the clock
    (frozen at 09:30 on DEMO_TODAY), and the overlap check warns of weekends and bank holidays."""
    from lpt_desktop.standards.calendar import is_working_day

    day = DEMO_TODAY + timedelta(days=offset)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _services():
    from lpt_desktop.services import appointments, obligations

    return obligations, appointments


def _ready(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    assert window.is_unlocked
    ctl = window.features["standards"]
    qtbot.waitUntil(lambda: ctl.count_button.isVisible() and ctl.count_button.text().startswith("Cases due:"),
                    timeout=20000)
    return window, ctl


def _idle(qtbot, window):
    qtbot.waitUntil(lambda: window.ops.running == 0, timeout=20000)


def _open_case(qtbot, window, person_id):
    holder = {}
    window.open_case(person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    return holder["view"]


def test_this_week_lists_the_engines_due_items_by_due_date_with_a_status_bar_count(make_window, qtbot, demo_db):
    obligations, _ = _services()
    window, ctl = _ready(qtbot, make_window, demo_db)
    expected = obligations.caseload_due(window.ops.db, DEMO_TODAY, 7)
    assert expected, "the demo caseload should owe something this week"
    # Counted in cases, as the caseload shows them (a case owing three things is one case to see).
    due = len({i.person_id for i in expected if i.obligation.status == "due"}
              - {i.person_id for i in expected if i.obligation.status == "overdue"})
    overdue = len({i.person_id for i in expected if i.obligation.status == "overdue"})
    assert ctl.count_button.text() == f"Cases due: {due} · Overdue: {overdue}"
    assert ctl.count_button.accessibleName() == "Due this week"

    ctl.this_week_action.trigger()
    view = ctl.this_week
    qtbot.waitUntil(lambda: view.loaded, timeout=10000)
    assert window.tabs.currentWidget() is view
    rows = view.model.records
    key = [(i.person_id, i.obligation.rule, i.obligation.due_by) for i in rows]
    assert sorted(key) == sorted((i.person_id, i.obligation.rule, i.obligation.due_by) for i in expected)
    assert [i.obligation.due_by for i in rows] == sorted(i.obligation.due_by for i in expected)
    kinds = {i.obligation.kind for i in rows}
    assert len(kinds) > 1, "every kind of obligation is in the one list"
    assert view.title.text() == f"This week ({len(expected)})"
    title = standards_common.policy_title(window.ops.db)
    assert view.policy.text() == f"Policy: {title}"
    # Colour is not the only cue: the status cell says the word.
    proxy = view.proxy
    for r in range(proxy.rowCount()):
        status = rows[r].obligation.status
        assert proxy.index(r, 1).data() == standards_common.status_text(status)
        assert standards_common.STATUS_STYLES[status].label in proxy.index(r, 1).data()
    # Sorting by status puts the overdue first.
    view.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    statuses = [i.obligation.status for i in view.model.records]
    assert statuses == sorted(statuses, key=lambda s: standards_common.STATUS_STYLES[s].rank)

    # Double-click (activated) opens that case.
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    first = view.model.records[0]
    with qtbot.waitSignal(window.case_opened, timeout=10000) as opened:
        view.table.activated.emit(proxy.index(0, 2))
    assert opened.args == [first.person_id]


def test_a_case_shows_its_obligations_with_status_wording_and_source(make_window, qtbot, demo_db):
    obligations, _ = _services()
    window, ctl = _ready(qtbot, make_window, demo_db)
    # A case with something met and something still owed, chosen by the engine itself.
    db = window.ops.db
    person_id = next(r.person_id for r in window.caseload_view.model.records
                     if {"met", "overdue"} <= {o.status for o in obligations.case_obligations(db, r.person_id,
                                                                                               DEMO_TODAY)})
    case = _open_case(qtbot, window, person_id)
    tab = case.obligations
    assert tab is not None
    case.sections.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.loaded, timeout=10000)
    expected = obligations.case_obligations(window.ops.db, person_id, DEMO_TODAY)
    shown = tab.model.records
    assert sorted((o.rule, o.due_by, o.status) for o in shown) == sorted((o.rule, o.due_by, o.status)
                                                                         for o in expected)
    assert tab.policy.text() == f"Policy: {standards_common.policy_title(window.ops.db)}"
    model = tab.model
    for row, o in enumerate(shown):
        # One met after its due date reads "Met late" (amber), never the green of met on time.
        style = obligations_view.shown_style(o)
        assert model.index(row, 0).data() == f"{style.symbol} {style.label}"
        assert (o.shown_status == "met_late") == (style is obligations_view.MET_LATE)
        assert model.index(row, 3).data() == o.description
        assert model.index(row, 6).data() == o.source and o.source
        bg = model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole).color().name()
        assert bg == style.background
    # What met it is said in words (the contact's type and time), never as a bare id.
    met = [o for o in shown if o.status == "met" and o.met_by]
    contacts = {c.id: c for c in list_contacts(window.ops.db, person_id)}
    for o in met:
        text = model.index(shown.index(o), 5).data()
        assert o.met_by not in text
        if o.met_by in contacts:
            c = contacts[o.met_by]
            assert text == f"{c.type_label}, {c.starts_at:%d/%m/%Y %H:%M}"
    # "Open only" hides what is met or missed.
    tab.open_only.click()
    assert tab.proxy.rowCount() == sum(o.status not in ("met", "missed") for o in shown)


def test_the_officer_sets_a_cases_contact_frequency(make_window, qtbot, demo_db):
    obligations, _ = _services()
    window, ctl = _ready(qtbot, make_window, demo_db)
    person_id = next(r.person_id for r in window.caseload_view.model.records
                     if any(o.rule == "ns_contacts" for o in obligations.case_obligations(window.ops.db, r.person_id,
                                                                                           DEMO_TODAY)))
    case = _open_case(qtbot, window, person_id)
    tab = case.obligations
    qtbot.waitUntil(lambda: tab.loaded and tab.frequency_button.isEnabled(), timeout=10000)
    before = [o for o in tab.model.records if o.rule == "ns_contacts"]
    tab.frequency_button.click()
    dialog = tab.frequency_dialog
    assert dialog.rule.currentData() == "ns_contacts" and dialog.use_default.isChecked()
    dialog.use_default.setChecked(False)
    dialog.every.setValue(7)
    loads = tab.model.modelReset
    with qtbot.waitSignal(loads, timeout=10000):
        dialog.accept()
    assert obligations.frequency_overrides(window.ops.db, person_id) == {"ns_contacts": 7}
    qtbot.waitUntil(lambda: "every 7 days (set for this case)" in tab.frequency_button.toolTip(), timeout=10000)
    after = [o for o in tab.model.records if o.rule == "ns_contacts"]
    assert after == [o for o in obligations.case_obligations(window.ops.db, person_id, DEMO_TODAY)
                     if o.rule == "ns_contacts"]
    assert after != before


def test_saving_a_contact_refreshes_the_count_and_the_cases_obligations(make_window, qtbot, demo_db, monkeypatch):
    window, ctl = _ready(qtbot, make_window, demo_db)
    calls = []
    real = standards_common.load_due
    monkeypatch.setattr(standards_common, "load_due", lambda *a: calls.append(a) or real(*a))
    person_id = window.caseload_view.model.records[0].person_id
    case = _open_case(qtbot, window, person_id)
    qtbot.waitUntil(lambda: case.obligations.loaded, timeout=10000)
    contacts = case.show_contacts()
    qtbot.waitUntil(lambda: contacts.model.rowCount() > 0, timeout=10000)
    _idle(qtbot, window)
    calls.clear()
    contacts.start_entry()
    qtbot.waitUntil(lambda: contacts.side.currentWidget() is contacts.entry, timeout=5000)
    contacts.entry.notes.setPlainText("Seen in the office; reporting well.")
    contacts.entry.outcome.setCurrentIndex(contacts.entry.outcome.findData("ATTC"))
    with qtbot.waitSignal(case.obligations.model.modelReset, timeout=10000):
        contacts.entry.save_button.click()
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=10000)
    _idle(qtbot, window)
    assert len(calls) == 1  # one refresh for one save


def test_calendar_shows_a_week_and_a_month_of_appointments_and_due_windows(make_window, qtbot, demo_db):
    _, appointments = _services()
    window, ctl = _ready(qtbot, make_window, demo_db)
    ctl.calendar_action.trigger()
    cal = ctl.calendar
    qtbot.waitUntil(lambda: cal.loaded, timeout=10000)
    assert cal.grid_model.rowCount() == 1 and cal.grid_model.columnCount() == 7
    assert cal.grid_model.days == visible_days("week", DEMO_TODAY)
    due = [e for e in cal.entries if e.kind == "due"]
    expected_due = [i for i in ctl.due_items if i.obligation.due_by <= cal.days[-1]]
    assert len(due) == len(expected_due) > 0
    assert cal.policy.text().startswith("Policy: ")
    assert any(e.kind == "appointment" for e in cal.entries), "the demo diary has bookings this week"

    # A booking shows on its day, in the week and in the month.
    person = window.caseload_view.model.records[0]
    when = datetime.combine(_working_day(2), time(14, 30))
    on_writer(qtbot, window, appointments.book_appointment, person.person_id, when, "COAP", "Preston office")
    cal.go_to(when.date())
    _idle(qtbot, window)
    assert cal.grid_model.days == visible_days("week", when.date())
    booked = [e for e in cal.entries if e.kind == "appointment" and e.person_id == person.person_id
              and e.day == when.date()]
    assert [(e.time, e.status) for e in booked] == [("14:30", "booked")]
    cell = cal.grid_model.index_of(when.date())
    lines = [text for _colour, text, _bold in cell.data(LINES_ROLE)]
    assert f"14:30 {person.name} · Office appointment" in lines
    # Choosing the day lists its entries below the grid.
    cal.grid.setCurrentIndex(cell)
    assert any(e.time == "14:30" and e.person_id == person.person_id for e in cal.list_model.records)

    cal.month_button.click()
    qtbot.waitUntil(lambda: cal.mode == "month" and cal.grid_model.rowCount() >= 4, timeout=10000)
    _idle(qtbot, window)
    days = cal.grid_model.days
    first = when.date().replace(day=1)
    following = (first + timedelta(days=31)).replace(day=1)
    assert days[0].weekday() == 0 and len(days) % 7 == 0
    assert first in days and following - timedelta(days=1) in days
    assert cal.range_label.text() == f"{first:%B %Y}"
    assert any(e.kind == "appointment" and e.day == when.date() for e in cal.entries)
    month_lines = [t for _c, t, _b in cal.grid_model.index_of(when.date()).data(LINES_ROLE)]
    assert any(t.endswith("booked") for t in month_lines)
    cal.next_button.click()
    qtbot.waitUntil(lambda: cal.range_label.text() == f"{following:%B %Y}", timeout=5000)
    _idle(qtbot, window)
    assert following in cal.grid_model.days


def _book_dialog(qtbot, window) -> AppointmentDialog:
    qtbot.waitUntil(lambda: isinstance(window.features["standards"].booking_dialog, AppointmentDialog)
                    and window.features["standards"].booking_dialog.isVisible(), timeout=5000)
    return window.features["standards"].booking_dialog


def _pending(appointments, db, person_id):
    return sorted(a.starts_at for a in appointments.appointments_between(db, DEMO_TODAY, DEMO_TODAY
                                                                        + timedelta(days=120))
                  if a.person_id == person_id and a.outcome is None)


def _free_time(db, person_id: str, day: date, repeat: str, count: int) -> datetime:
    """A time on `day` (or a day or two later) when no occurrence of the booking clashes with the diary or a
    closed day (found by the real check)."""
    for later in range(10):
        for minutes in range(8 * 60, 19 * 60, 30):
            at = datetime.combine(day + timedelta(days=later), time(minutes // 60, minutes % 60))
            if not check_overlaps(db, person_id, occurrences(at, repeat, count)):
                return at
    raise AssertionError("the demo diary has no free half hour in ten days")


def test_booking_from_a_due_window_warns_of_overlaps_before_saving(make_window, qtbot, demo_db):
    _, appointments = _services()
    window, ctl = _ready(qtbot, make_window, demo_db)
    ctl.calendar_action.trigger()
    cal = ctl.calendar
    qtbot.waitUntil(lambda: cal.loaded, timeout=10000)
    entry = next(e for e in cal.entries if e.kind == "due")
    cal.grid.setCurrentIndex(cal.grid_model.index_of(entry.day))
    row = cal.list_model.records.index(entry)
    cal.list.selectRow(row)
    assert "due window" in cal.book_button.text()
    cal.book_button.click()
    dialog = _book_dialog(qtbot, window)
    assert dialog.person.currentData() == entry.person_id and not dialog.person.isEnabled()
    assert entry.obligation.description in dialog.window_label.text()

    # An appointment already in the diary at the proposed time: the dialog says so before anything is saved.
    proposed = datetime.combine(_working_day(1), time(10, 0))
    dialog.when.setValue(proposed)
    on_writer(qtbot, window, appointments.book_appointment, entry.person_id, proposed, "COAP")
    before = _pending(appointments, window.ops.db, entry.person_id)
    dialog._changed()
    qtbot.waitUntil(lambda: dialog.checked_for is not None, timeout=10000)
    assert dialog.found, "the clash should be found"
    assert "clashes" in dialog.warnings.text()
    dialog.book_button.click()  # first press: shows the warning, books nothing
    _idle(qtbot, window)
    assert dialog.isVisible() and "anyway" in dialog.book_button.text()
    assert _pending(appointments, window.ops.db, entry.person_id) == before

    # Move it clear of every clash (the demo diary is busy), repeat fortnightly three times, and book.
    dialog.repeat.setCurrentIndex(dialog.repeat.findData("fortnightly"))
    dialog.count.setValue(3)
    free = _free_time(window.ops.db, entry.person_id, proposed.date(), "fortnightly", 3)
    dialog.when.setValue(free)
    qtbot.waitUntil(lambda: dialog.checked_for == dialog._key(), timeout=10000)
    assert not dialog.found
    first = dialog.booking().starts_at
    with qtbot.waitSignal(dialog.booked, timeout=10000) as booked:
        dialog.book_button.click()
    assert len(booked.args[0]) == 3
    after = _pending(appointments, window.ops.db, entry.person_id)
    assert sorted(set(after) - set(before)) == occurrences(first, "fortnightly", 3)
    assert occurrences(first, "fortnightly", 3)[2] - first == timedelta(days=28)
    # The diary and the count refresh after the booking.
    qtbot.waitUntil(lambda: any(e.kind == "appointment" and e.person_id == entry.person_id and e.time ==
                                f"{first:%H:%M}" for e in cal.entries), timeout=10000)


def test_a_single_appointment_booked_over_a_clash_needs_a_second_press(make_window, qtbot, demo_db):
    _, appointments = _services()
    window, ctl = _ready(qtbot, make_window, demo_db)
    person = window.caseload_view.model.records[1]
    case = _open_case(qtbot, window, person.person_id)
    assert window.current_case() is case
    when = datetime.combine(_working_day(3), time(11, 0))
    on_writer(qtbot, window, appointments.book_appointment, person.person_id, when, "COAP")
    before = _pending(appointments, window.ops.db, person.person_id)
    ctl.book_action.trigger()
    dialog = _book_dialog(qtbot, window)
    assert dialog.person.currentData() == person.person_id
    dialog.when.setValue(when)
    dialog.book_button.click()  # checks first, then shows the clash
    qtbot.waitUntil(lambda: "anyway" in dialog.book_button.text(), timeout=10000)
    assert _pending(appointments, window.ops.db, person.person_id) == before
    with qtbot.waitSignal(dialog.booked, timeout=10000):
        dialog.book_button.click()
    assert _pending(appointments, window.ops.db, person.person_id) == sorted([*before, when])


def test_calendar_shows_a_booking_made_outside_the_visible_week(make_window, qtbot, demo_db):
    """Booked three weeks ahead from the calendar: the diary moves to that week, the day chosen and the
    appointment on it, and the status bar says when it is."""
    window, ctl = _ready(qtbot, make_window, demo_db)
    ctl.calendar_action.trigger()
    cal = ctl.calendar
    qtbot.waitUntil(lambda: cal.loaded, timeout=10000)
    person = window.caseload_view.model.records[2]
    cal.list.clearSelection()
    cal.book_button.click()
    dialog = _book_dialog(qtbot, window)
    dialog.person.setCurrentIndex(dialog.person.findData(person.person_id))
    when = _free_time(window.ops.db, person.person_id, _working_day(21), "", 1)
    assert when.date() not in cal.days, "the booking must fall outside the week on screen"
    dialog.when.setValue(when)
    qtbot.waitUntil(lambda: dialog.checked_for == dialog._key(), timeout=10000)
    with qtbot.waitSignal(dialog.booked, timeout=10000):
        dialog.book_button.click()
    qtbot.waitUntil(lambda: when.date() in cal.days and cal.selected_day == when.date() and any(
        e.kind == "appointment" and e.person_id == person.person_id and e.day == when.date()
        and e.time == f"{when:%H:%M}" for e in cal.entries), timeout=10000)
    assert f"{when:%d/%m/%Y at %H:%M}" in window.statusBar().currentMessage()
    assert any(e.person_id == person.person_id for e in cal.list_model.records)


def test_booking_on_a_chosen_day_and_the_remembered_month_view(make_window, qtbot, demo_db, prefs):
    window, ctl = _ready(qtbot, make_window, demo_db)
    ctl.calendar_action.trigger()
    cal = ctl.calendar
    qtbot.waitUntil(lambda: cal.loaded, timeout=10000)
    day = DEMO_TODAY + timedelta(days=7 - DEMO_TODAY.weekday() + 1)  # Tuesday of next week
    cal.next_button.click()
    _idle(qtbot, window)
    cal.grid.setCurrentIndex(cal.grid_model.index_of(day))
    cal.list.clearSelection()
    assert cal.book_button.text() == "&Book appointment…"
    cal.book_button.click()
    dialog = _book_dialog(qtbot, window)
    assert dialog.booking().starts_at == datetime.combine(day, time(10, 0))
    assert dialog.person.isEnabled() and dialog.person.count() == window.caseload_view.model.rowCount()
    assert not dialog.window_label.isVisible()
    dialog.reject()
    cal.month_button.click()
    _idle(qtbot, window)
    assert bytes(prefs.state("calendar_mode").data()) == b"month"
    window.lock("user")
    unlock(qtbot, window, PASSPHRASE)
    ctl.calendar_action.trigger()
    qtbot.waitUntil(lambda: ctl.calendar is not None and ctl.calendar.loaded, timeout=10000)
    assert ctl.calendar.mode == "month" and ctl.calendar.grid_model.rowCount() >= 4


def test_compliance_per_case_and_for_the_officer(make_window, qtbot, demo_db):
    obligations, _ = _services()
    window, ctl = _ready(qtbot, make_window, demo_db)
    ctl.compliance_action.trigger()
    view = ctl.compliance
    qtbot.waitUntil(lambda: view.result is not None, timeout=30000)
    r = view.result
    assert (r.end - r.start).days in range(88, 93)  # the last 3 months by default
    overall = obligations.compliance(window.ops.db, r.start, r.end)
    assert (r.officer.met_on_time, r.officer.total) == (overall.met_on_time, overall.total)
    assert overall.total > 0
    assert f"{overall.met_on_time} of {overall.total}" in view.officer.text()
    assert len(r.cases) == window.caseload_view.model.rowCount()
    sample = max(r.cases, key=lambda c: c.total)
    one = obligations.compliance(window.ops.db, r.start, r.end, sample.person.person_id)
    assert (sample.met_on_time, sample.total) == (one.met_on_time, one.total)
    high = [c for c in r.cases if c.person.rosh in ("H", "VH")]
    assert r.high_rosh.total == sum(c.total for c in high)
    assert view.model.rowCount() == len(r.cases)
    assert view.policy.text().startswith("Policy: ")
    # A different period gives the engine's figure for that period.
    view.period.setCurrentIndex(view.period.findData(12))
    view.calculate()
    qtbot.waitUntil(lambda: view.result is not r and view.calculate_button.isEnabled(), timeout=30000)
    year = obligations.compliance(window.ops.db, view.result.start, view.result.end)
    assert view.result.officer.total == year.total


def test_policy_is_chosen_in_preferences_and_shown(make_window, qtbot, demo_db):
    obligations, _ = _services()
    window, ctl = _ready(qtbot, make_window, demo_db)
    before = obligations.policy_in_force(window.ops.db)
    window.prefs_action.trigger()
    dialog = window.preferences_dialog
    qtbot.waitUntil(lambda: dialog.policy.isEnabled(), timeout=10000)
    names = [dialog.policy.itemData(i) for i in range(dialog.policy.count())]
    assert {"ns-2003", "ns-2007", "current"} <= set(names)
    assert dialog.policy.currentData() == before
    other = next(n for n in ("ns-2003", "ns-2007", "current") if n != before)
    dialog.policy.setCurrentIndex(dialog.policy.findData(other))
    title = dialog.policy.currentText()
    dialog.accept()
    qtbot.waitUntil(lambda: obligations.policy_in_force(window.ops.db) == other, timeout=10000)
    ctl.this_week_action.trigger()
    qtbot.waitUntil(lambda: ctl.this_week.policy.text() == f"Policy: {title}", timeout=10000)
    _idle(qtbot, window)
    shown = {i.obligation.policy for i in ctl.this_week.model.records}
    engine = {i.obligation.policy for i in obligations.caseload_due(window.ops.db, DEMO_TODAY, 7)}
    assert shown == engine and other in shown and before not in shown


def test_lock_clears_the_count_and_the_standards_tabs(make_window, qtbot, demo_db):
    window, ctl = _ready(qtbot, make_window, demo_db)
    ctl.this_week_action.trigger()
    ctl.calendar_action.trigger()
    qtbot.waitUntil(lambda: ctl.calendar.loaded and ctl.this_week.loaded, timeout=10000)
    ctl.book_action.trigger()
    dialog = _book_dialog(qtbot, window)
    dialog._busy = True  # as if a booking were under way: the lock still closes it
    window.lock("user")
    assert not dialog.isVisible()
    assert not ctl.count_button.isVisible() and ctl.count_button.text() == ""
    assert ctl.this_week is None and ctl.calendar is None
    assert window.tabs.count() == 1
    for action in (ctl.this_week_action, ctl.calendar_action, ctl.compliance_action, ctl.book_action):
        assert not action.isEnabled()
    # Unlocking again brings the count back.
    unlock(qtbot, window, PASSPHRASE)
    qtbot.waitUntil(lambda: ctl.count_button.isVisible(), timeout=20000)


def test_no_two_actions_share_a_shortcut(make_window, qtbot, tmp_path):
    window = make_window(tmp_path / "none.lptdb")
    seen: dict[str, str] = {}
    for action in window.findChildren(type(window.lock_action)):
        for key in action.shortcuts():
            text = key.toString(QKeySequence.SequenceFormat.PortableText)
            assert text not in seen, f"{text} is both {seen[text]} and {action.text()}"
            seen[text] = action.text()
    assert seen["Ctrl+Shift+W"] == "This &week"


def test_the_count_says_in_words_when_what_is_due_cannot_be_read(make_window, qtbot, demo_db, monkeypatch):
    """The status bar never shows a stale or bare count: a failed read says the cases due are not available."""
    from lpt_desktop.services import obligations

    window, ctl = _ready(qtbot, make_window, demo_db)

    def broken(*_args, **_kwargs):
        raise NotImplementedError("no policy for this day")

    monkeypatch.setattr(obligations, "caseload_due", broken)
    ctl.refresh()
    qtbot.waitUntil(lambda: ctl.count_button.text() == "Cases due: not available", timeout=10000)
    assert ctl.count_button.isVisible()
