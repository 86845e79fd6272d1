"""Working days in England and Wales: Monday to Friday except bank holidays.

Bank holidays come from the `holidays` package (subdivision ENG), which carries substitute
days and the one-offs (29/04/2011, 04-05/06/2012, 08/05/2020, 02-03/06/2022, 19/09/2022,
08/05/2023). The event day is day 0: two working days after a Friday failure is Tuesday.

Office closure days (an administrator adds them; services/closures.py keeps them in the database)
are not working days either: the service layer hands them to set_office_closures().
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

_office_closures: frozenset[date] = frozenset()
# Every bank holiday of the years seen so far, in one set: is_working_day runs hundreds of thousands of
# times when the standards engine works through a Trust-scale caseload.
_holiday_years: set[int] = set()
_holidays: set[date] = set()
_added: dict[tuple[date, int], date] = {}  # add_working_days results; cleared when the closures change


def set_office_closures(days: frozenset[date] | set[date] | list[date]) -> None:
    """Replace the office closure days every working-day sum in this process respects."""
    global _office_closures
    days = frozenset(days)
    if days != _office_closures:
        _office_closures = days
        _added.clear()


def office_closures() -> frozenset[date]:
    return _office_closures


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.UK(subdiv="ENG", years=year).keys())


def _learn_year(year: int) -> None:
    _holidays.update(_bank_holidays(year))
    _holiday_years.add(year)


def is_bank_holiday(d: date) -> bool:
    return d in _bank_holidays(d.year)


def is_working_day(d: date) -> bool:
    if d.weekday() >= 5:
        return False
    if d.year not in _holiday_years:
        _learn_year(d.year)
    return d not in _holidays and d not in _office_closures


def last_working_day_on_or_before(d: date) -> date:
    while not is_working_day(d):
        d -= timedelta(days=1)
    return d


def first_working_day_on_or_after(d: date) -> date:
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself is day 0, whatever day it is)."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    found = _added.get((start, days))
    if found is not None:
        return found
    d = start
    remaining = days
    one = timedelta(days=1)
    while remaining:
        d += one
        if is_working_day(d):
            remaining -= 1
    if len(_added) > 100_000:  # bounded: a long-running window must not grow without limit
        _added.clear()
    _added[(start, days)] = d
    return d


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    count = 0
    d = start
    while d < end:
        d += timedelta(days=1)
        if is_working_day(d):
            count += 1
    return count
