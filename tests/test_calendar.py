"""Working days in England and Wales: weekends, bank holidays (substitutes and one-offs), day 0 rule;
office closures as part of a WorkingCalendar value (no process-wide state)."""

from __future__ import annotations

import ast
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lpt_desktop
from lpt_desktop.standards.calendar import ENGLAND_AND_WALES, WorkingCalendar, is_bank_holiday

# The calendar without office closures: bank holidays and weekends only.
add_working_days = ENGLAND_AND_WALES.add_working_days
is_working_day = ENGLAND_AND_WALES.is_working_day
working_days_between = ENGLAND_AND_WALES.working_days_between


def d(text: str) -> date:
    """dd/mm/yyyy, as the cases below are written."""
    day, month, year = (int(p) for p in text.split("/"))
    return date(year, month, day)


# --- is_working_day ------------------------------------------------------------------------------

WEEKENDS = ["02/03/2024", "03/03/2024", "24/12/2022", "25/12/2022", "01/01/2022", "04/06/2022", "05/06/2022",
            "29/02/2020"]


@pytest.mark.parametrize("day", WEEKENDS)
def test_weekend_is_not_a_working_day(day):
    assert d(day).weekday() >= 5, "case table: not a weekend"
    assert not is_working_day(d(day))


ORDINARY_WEEKDAYS = ["04/03/2024", "05/03/2024", "06/03/2024", "07/03/2024", "08/03/2024", "29/02/2024",
                     "23/12/2022", "28/12/2022", "30/12/2022", "01/06/2022", "06/06/2022"]


@pytest.mark.parametrize("day", ORDINARY_WEEKDAYS)
def test_ordinary_weekday_is_a_working_day(day):
    assert d(day).weekday() < 5, "case table: not a weekday"
    assert is_working_day(d(day))
    assert not is_bank_holiday(d(day))


ONE_OFFS = {
    "29/04/2011": "royal wedding",
    "04/06/2012": "spring bank holiday moved for the diamond jubilee",
    "05/06/2012": "diamond jubilee",
    "08/05/2020": "early May bank holiday moved to VE day",
    "02/06/2022": "spring bank holiday moved for the platinum jubilee",
    "03/06/2022": "platinum jubilee",
    "19/09/2022": "state funeral of Queen Elizabeth II",
    "08/05/2023": "coronation of King Charles III",
}


@pytest.mark.parametrize("day", ONE_OFFS, ids=list(ONE_OFFS.values()))
def test_one_off_bank_holidays(day):
    assert d(day).weekday() < 5, "case table: a one-off on a weekend tells us nothing"
    assert is_bank_holiday(d(day))
    assert not is_working_day(d(day))


# The usual dates that a one-off replaced, and holidays of other UK nations: all working days in England.
NOT_BANK_HOLIDAYS = {
    "04/05/2020": "first Monday in May 2020 (moved to VE day)",
    "28/05/2012": "last Monday in May 2012 (moved to 04/06)",
    "30/05/2022": "last Monday in May 2022 (moved to 02/06)",
    "09/05/2023": "day after the coronation",
    "02/01/2025": "2 January (Scotland only)",
    "17/03/2025": "St Patrick's Day (Northern Ireland only)",
    "14/07/2025": "Battle of the Boyne substitute (Northern Ireland only)",
    "04/08/2025": "first Monday in August (Scotland only)",
    "30/11/2026": "St Andrew's Day (Scotland only)",
    "27/12/2023": "Wednesday after Christmas 2023 (no substitute needed)",
    "31/12/2021": "New Year's Eve",
}


@pytest.mark.parametrize("day", NOT_BANK_HOLIDAYS, ids=list(NOT_BANK_HOLIDAYS.values()))
def test_not_a_bank_holiday_in_england(day):
    assert d(day).weekday() < 5
    assert not is_bank_holiday(d(day))
    assert is_working_day(d(day))


SUBSTITUTES = {
    "27/12/2022": "Christmas 2022 on a Sunday",
    "27/12/2021": "Christmas 2021 on a Saturday",
    "28/12/2021": "Boxing Day 2021 on a Sunday",
    "03/01/2022": "New Year's Day 2022 on a Saturday",
    "02/01/2023": "New Year's Day 2023 on a Sunday",
    "28/12/2020": "Boxing Day 2020 on a Saturday",
    "27/12/2011": "Christmas 2011 on a Sunday",
    "03/01/2011": "New Year's Day 2011 on a Saturday",
    "02/01/2012": "New Year's Day 2012 on a Sunday",
    "28/12/2026": "Boxing Day 2026 on a Saturday",
    "27/12/2027": "Christmas 2027 on a Saturday",
    "28/12/2027": "Boxing Day 2027 on a Sunday",
}


@pytest.mark.parametrize("day", SUBSTITUTES, ids=list(SUBSTITUTES.values()))
def test_substitute_days(day):
    assert d(day).weekday() == 0 or d(day).weekday() == 1
    assert is_bank_holiday(d(day))
    assert not is_working_day(d(day))


EASTER = {2011: ("22/04/2011", "25/04/2011"), 2019: ("19/04/2019", "22/04/2019"),
          2022: ("15/04/2022", "18/04/2022"), 2024: ("29/03/2024", "01/04/2024"),
          2025: ("18/04/2025", "21/04/2025"), 2026: ("03/04/2026", "06/04/2026")}


@pytest.mark.parametrize("year", EASTER)
def test_good_friday_and_easter_monday(year):
    good_friday, easter_monday = (d(x) for x in EASTER[year])
    assert good_friday.weekday() == 4 and easter_monday.weekday() == 0
    assert not is_working_day(good_friday)
    assert not is_working_day(easter_monday)
    # Maundy Thursday and the Tuesday after are ordinary working days.
    assert is_working_day(good_friday - timedelta(days=1))
    assert is_working_day(easter_monday + timedelta(days=1))


@pytest.mark.parametrize("year", [2019, 2023, 2024, 2025])
def test_christmas_and_boxing_day_on_weekdays(year):
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    assert christmas.weekday() < 5 and boxing.weekday() < 5
    assert not is_working_day(christmas)
    assert not is_working_day(boxing)
    assert is_working_day(date(year, 12, 24)) == (date(year, 12, 24).weekday() < 5)


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024, 2025, 2026])
def test_new_years_day_and_fixed_may_and_august(year):
    assert is_bank_holiday(date(year, 1, 1))
    # Late summer bank holiday: the last Monday in August.
    last_monday_aug = max(date(year, 8, day) for day in range(25, 32) if date(year, 8, day).weekday() == 0)
    assert not is_working_day(last_monday_aug)


@pytest.mark.parametrize(("year", "count"), [(2022, 250), (2023, 251), (2024, 254)])
def test_working_days_in_a_whole_year(year, count):
    # 2022: 260 weekdays less 10 bank holidays on weekdays (03/01, Easter x2, 02/05, 02/06, 03/06, 29/08,
    # 19/09, 26/12, 27/12). 2023: 260 less 9 (02/01, Easter x2, 01/05, 08/05, 29/05, 28/08, 25/12, 26/12).
    # 2024 (leap, starts Monday): 262 weekdays less 8.
    assert working_days_between(date(year - 1, 12, 31), date(year, 12, 31)) == count


# --- add_working_days ----------------------------------------------------------------------------

ADD_CASES = [
    # start, days, expected, why
    ("01/03/2024", 1, "04/03/2024", "Friday + 1 is Monday"),
    ("01/03/2024", 2, "05/03/2024", "Friday + 2 is Tuesday"),
    ("01/03/2024", 5, "08/03/2024", "Friday + 5 is the next Friday"),
    ("04/03/2024", 10, "18/03/2024", "Monday + 10 with no holidays is two weeks"),
    ("02/03/2024", 1, "04/03/2024", "Saturday + 1 is Monday"),
    ("02/03/2024", 2, "05/03/2024", "Saturday + 2 is Tuesday"),
    ("03/03/2024", 1, "04/03/2024", "Sunday + 1 is Monday"),
    ("06/05/2024", 1, "07/05/2024", "bank holiday Monday + 1 is Tuesday"),
    ("06/05/2024", 2, "08/05/2024", "bank holiday Monday + 2 is Wednesday"),
    ("29/03/2024", 1, "02/04/2024", "Good Friday + 1 skips Easter Monday"),
    ("28/03/2024", 1, "02/04/2024", "Maundy Thursday + 1 skips Good Friday and Easter Monday"),
    ("23/12/2022", 1, "28/12/2022", "Friday before Christmas 2022 + 1 skips 26 and 27 (substitute)"),
    ("23/12/2022", 2, "29/12/2022", "Friday before Christmas 2022 + 2"),
    ("23/12/2022", 3, "30/12/2022", "Friday before Christmas 2022 + 3"),
    ("23/12/2022", 4, "03/01/2023", "skips 02/01/2023 (New Year substitute)"),
    ("23/12/2022", 10, "11/01/2023", "Friday before Christmas 2022 + 10"),
    ("24/12/2021", 2, "30/12/2021", "Christmas 2021: 27 and 28 are substitutes"),
    ("24/12/2021", 4, "04/01/2022", "New Year 2022: 03/01 is a substitute"),
    ("31/05/2022", 1, "01/06/2022", "Tuesday before the platinum jubilee + 1"),
    ("31/05/2022", 2, "06/06/2022", "skips 02/06 and 03/06/2022"),
    ("01/06/2022", 1, "06/06/2022", "Wednesday 01/06/2022 + 1"),
    ("01/06/2022", 2, "07/06/2022", "Wednesday 01/06/2022 + 2"),
    ("01/06/2022", 10, "17/06/2022", "Wednesday 01/06/2022 + 10"),
    ("01/06/2012", 1, "06/06/2012", "diamond jubilee: 04/06 and 05/06/2012"),
    ("21/04/2011", 1, "26/04/2011", "Easter 2011"),
    ("21/04/2011", 4, "03/05/2011", "Easter, royal wedding and May Day 2011"),
    ("07/05/2020", 1, "11/05/2020", "VE day 08/05/2020"),
    ("01/05/2020", 1, "04/05/2020", "04/05/2020 was not a bank holiday"),
    ("16/09/2022", 1, "20/09/2022", "state funeral 19/09/2022"),
    ("05/05/2023", 1, "09/05/2023", "coronation 08/05/2023"),
    ("28/04/2023", 1, "02/05/2023", "May Day 01/05/2023"),
    ("26/04/2023", 10, "12/05/2023", "May Day and the coronation in one span"),
]


@pytest.mark.parametrize(("start", "days", "expected"), [c[:3] for c in ADD_CASES], ids=[c[3] for c in ADD_CASES])
def test_add_working_days(start, days, expected):
    assert add_working_days(d(start), days) == d(expected)


@pytest.mark.parametrize("start", ["01/03/2024", "02/03/2024", "06/05/2024", "25/12/2022", "03/06/2022"])
def test_zero_days_returns_the_start_whatever_day_it_is(start):
    assert add_working_days(d(start), 0) == d(start)


@pytest.mark.parametrize("days", [-1, -2, -10])
def test_negative_days_raise(days):
    with pytest.raises(ValueError):
        add_working_days(date(2024, 3, 4), days)


# --- working_days_between ------------------------------------------------------------------------

BETWEEN_CASES = [
    ("23/12/2022", "29/12/2022", 2),
    ("23/12/2022", "11/01/2023", 10),
    ("01/06/2022", "07/06/2022", 2),
    ("01/06/2022", "06/06/2022", 1),
    ("01/06/2022", "05/06/2022", 0),
    ("01/03/2024", "04/03/2024", 1),
    ("01/03/2024", "01/03/2024", 0),
    ("04/03/2024", "01/03/2024", 0),
    ("01/05/2020", "11/05/2020", 5),
]


@pytest.mark.parametrize(("start", "end", "expected"), BETWEEN_CASES)
def test_working_days_between(start, end, expected):
    assert working_days_between(d(start), d(end)) == expected


DATES = st.dates(min_value=date(2005, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=400, deadline=None)
@given(start=DATES, n=st.integers(min_value=0, max_value=40))
def test_between_inverts_add(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert end >= start
    if n:
        assert is_working_day(end)
        # The day before the result is still short of n working days.
        assert working_days_between(start, end - timedelta(days=1)) == n - 1


@settings(max_examples=200, deadline=None)
@given(start=DATES, n=st.integers(min_value=0, max_value=40))
def test_add_is_strictly_increasing_in_days(start, n):
    assert add_working_days(start, n + 1) > add_working_days(start, n)


# --- office closures (an administrator adds them) and the helpers that move to a working day ----------

def test_office_closure_is_not_a_working_day():
    wednesday = d("06/03/2024")
    assert is_working_day(wednesday)
    closed = WorkingCalendar.of({wednesday})
    assert not closed.is_working_day(wednesday)
    assert not closed.is_bank_holiday(wednesday)  # closed, not a bank holiday
    assert closed.is_closed(wednesday) and not ENGLAND_AND_WALES.is_closed(wednesday)
    # Two working days after Tuesday 05/03 skip the closed Wednesday.
    assert closed.add_working_days(d("05/03/2024"), 2) == d("08/03/2024")
    assert closed.working_days_between(d("04/03/2024"), d("08/03/2024")) == 3
    # The calendar without the closure is untouched.
    assert add_working_days(d("05/03/2024"), 2) == d("07/03/2024")
    assert WorkingCalendar.of(()).add_working_days(d("05/03/2024"), 2) == d("07/03/2024")


@pytest.mark.parametrize(("day", "back", "forward"), [
    ("06/03/2024", "06/03/2024", "06/03/2024"),  # a working day stays
    ("09/03/2024", "08/03/2024", "11/03/2024"),  # Saturday
    ("05/06/2012", "01/06/2012", "06/06/2012"),  # jubilee Tuesday
    ("19/09/2022", "16/09/2022", "20/09/2022"),  # the Queen's funeral
    ("08/05/2023", "05/05/2023", "09/05/2023"),  # the coronation
    ("27/12/2022", "23/12/2022", "28/12/2022"),  # Christmas substitute day
    ("01/04/2024", "28/03/2024", "02/04/2024"),  # Easter Monday
])
def test_move_to_a_working_day(day, back, forward):
    assert ENGLAND_AND_WALES.last_working_day_on_or_before(d(day)) == d(back)
    assert ENGLAND_AND_WALES.first_working_day_on_or_after(d(day)) == d(forward)


@settings(max_examples=150, deadline=None)
@given(start=DATES, n=st.integers(min_value=1, max_value=30),
       offsets=st.lists(st.integers(min_value=1, max_value=45), max_size=5))
def test_add_never_lands_on_a_closure(start, n, offsets):
    cal = WorkingCalendar.of({start + timedelta(days=k) for k in offsets})
    end = cal.add_working_days(start, n)
    assert end not in cal.closures
    assert cal.is_working_day(end)
    assert cal.working_days_between(start, end) == n


# --- the calendar is a value: two calendars never share closures or cached answers -----------------

WED, THU = d("06/03/2024"), d("07/03/2024")
# (closures, start, days, expected): Tuesday 05/03/2024 plus working days, under different closures.
CLOSURE_TABLE = [
    (frozenset(), d("05/03/2024"), 2, d("07/03/2024")),
    (frozenset({WED}), d("05/03/2024"), 2, d("08/03/2024")),
    (frozenset({THU}), d("05/03/2024"), 2, d("08/03/2024")),
    (frozenset({WED, THU}), d("05/03/2024"), 2, d("11/03/2024")),
    (frozenset({WED}), d("05/03/2024"), 1, d("07/03/2024")),
    (frozenset({THU}), d("05/03/2024"), 1, d("06/03/2024")),
    (frozenset({d("02/04/2024")}), d("28/03/2024"), 1, d("03/04/2024")),  # Easter, then a closure
    (frozenset({d("09/03/2024")}), d("08/03/2024"), 1, d("11/03/2024")),  # closing a Saturday changes nothing
]


@pytest.mark.parametrize(("closures", "start", "days", "expected"), CLOSURE_TABLE)
def test_add_working_days_under_closures(closures, start, days, expected):
    assert WorkingCalendar(closures).add_working_days(start, days) == expected
    assert WorkingCalendar.of(closures).add_working_days(start, days) == expected


def test_calendar_is_a_hashable_value():
    a, b = WorkingCalendar(frozenset({WED})), WorkingCalendar.of([WED])
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != ENGLAND_AND_WALES and WorkingCalendar() == ENGLAND_AND_WALES
    assert WorkingCalendar.of([WED]) is WorkingCalendar.of({WED})  # the same closures share their caches
    with pytest.raises(AttributeError):
        a.closures = frozenset()  # type: ignore[misc]


def test_two_calendars_used_alternately_keep_their_own_answers():
    """The bug the process-wide closures had: whichever service set them last decided everyone's sums,
    and a cached sum outlived the closures it was worked out under."""
    plain, closed_wed, closed_both = (WorkingCalendar.of(c) for c in (frozenset(), {WED}, {WED, THU}))
    tue = d("05/03/2024")
    for _ in range(3):
        assert closed_wed.add_working_days(tue, 2) == d("08/03/2024")
        assert plain.add_working_days(tue, 2) == d("07/03/2024")
        assert closed_both.add_working_days(tue, 2) == d("11/03/2024")
        assert plain.is_working_day(WED) and not closed_wed.is_working_day(WED)
        assert closed_wed.working_days_between(d("04/03/2024"), d("08/03/2024")) == 3
        assert plain.working_days_between(d("04/03/2024"), d("08/03/2024")) == 4
        assert closed_both.last_working_day_on_or_before(THU) == tue
        assert plain.last_working_day_on_or_before(THU) == THU
        assert closed_wed.first_working_day_on_or_after(WED) == THU


def test_two_calendars_from_two_threads_keep_their_own_answers():
    """Two pool threads, each with its own closures, over many fresh dates (cold caches, years learned
    concurrently): each gets only its own calendar's answers."""
    starts = [date(2031, 1, 1) + timedelta(days=k) for k in range(0, 700, 3)]
    closures_a = frozenset(s + timedelta(days=1) for s in starts)
    closures_b = frozenset(s + timedelta(days=2) for s in starts)

    def expected(closures: frozenset[date], start: date, n: int) -> date:
        d_, left = start, n
        while left:
            d_ += timedelta(days=1)
            if d_.weekday() < 5 and not is_bank_holiday(d_) and d_ not in closures:
                left -= 1
        return d_

    want = {c: {(s, n): expected(c, s, n) for s in starts for n in (1, 2, 5)} for c in (closures_a, closures_b)}
    barrier = threading.Barrier(2)
    wrong: list[tuple] = []

    def work(closures: frozenset[date]) -> None:
        cal = WorkingCalendar(closures)  # a fresh calendar: nothing cached yet
        barrier.wait()
        for _round in range(3):
            for (s, n), due in want[closures].items():
                got = cal.add_working_days(s, n)
                if got != due:
                    wrong.append((s, n, got, due))

    threads = [threading.Thread(target=work, args=(c,)) for c in (closures_a, closures_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []


def test_nothing_sets_process_wide_closures():
    """The closures belong to a calendar value: no module keeps or sets them for the whole process."""
    import lpt_desktop.standards.calendar as calendar

    for gone in ("set_office_closures", "office_closures", "_office_closures", "_added", "_holidays"):
        assert not hasattr(calendar, gone), gone
    package = Path(lpt_desktop.__file__).resolve().parent
    offenders = [str(p.relative_to(package)) for p in package.rglob("*.py")
                 if "set_office_closures" in p.read_text(encoding="utf-8")
                 or "sync_closures" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_only_the_demo_uses_the_calendar_without_closures_implicitly():
    """The module-level helpers are ENGLAND_AND_WALES's (no office closures): code that reads the
    database passes the calendar it built from the OfficeClosure rows instead."""
    package = Path(lpt_desktop.__file__).resolve().parent
    helpers = ("add_working_days", "is_working_day", "last_working_day_on_or_before",
               "first_working_day_on_or_after", "working_days_between")
    offenders = []
    for p in package.rglob("*.py"):
        rel = p.relative_to(package)
        if rel.parts[:2] == ("services", "demo") or rel == Path("services/demo.py"):
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "lpt_desktop.standards.calendar":
                offenders += [f"{rel}: {a.name}" for a in node.names if a.name in helpers]
    assert offenders == []
