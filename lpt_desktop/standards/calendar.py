"""Working days in England and Wales: Monday to Friday except bank holidays and office closures.

Bank holidays come from the `holidays` package (subdivision ENG), which carries substitute
days and the one-offs (29/04/2011, 04-05/06/2012, 08/05/2020, 02-03/06/2022, 19/09/2022,
08/05/2023). The event day is day 0: two working days after a Friday failure is Tuesday.

Office closure days (an administrator adds them; services/appointments.py keeps them in the database)
are not working days either. They belong to a `WorkingCalendar`, a frozen value: a service reads the
closures in its own session, builds the calendar (`WorkingCalendar.of(days)`) and passes it down. Nothing
here is process-wide except the bank holidays of each year, which are the same for everyone.
`ENGLAND_AND_WALES` is the calendar with no office closures.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache

import holidays

_ONE = timedelta(days=1)
_ADDED_MAX = 100_000  # add_working_days results kept per calendar: a long-running window must not grow


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(d: date) -> bool:
    """A bank holiday in England and Wales (the same for every calendar)."""
    return d in _bank_holidays(d.year)


@cache
def _bank_holiday_names(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


def bank_holiday_name(d: date) -> str | None:
    """The bank holiday's name ("Christmas Day", "Boxing Day (observed)"), or None on any other day."""
    return _bank_holiday_names(d.year).get(d)


@dataclass(frozen=True, eq=True)
class WorkingCalendar:
    """Working days: Monday to Friday except bank holidays in England and Wales and `closures`.

    A hashable value (equal closures, equal calendars), safe to share between threads. Each calendar
    keeps its own caches: the weekday dates it does not work, per year seen (is_working_day runs
    hundreds of thousands of times when the standards engine works through a Trust-scale caseload),
    and its add_working_days results.
    """

    closures: frozenset[date] = frozenset()
    # Caches (not part of the value): years learned, and every non-working weekday date of those years
    # plus the closures, in one set so is_working_day is one weekday test and one set lookup.
    _years: set[int] = field(default_factory=set, init=False, repr=False, compare=False)
    _off: set[date] = field(default_factory=set, init=False, repr=False, compare=False)
    _added: dict[tuple[date, int], date] = field(default_factory=dict, init=False, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.closures, frozenset):
            object.__setattr__(self, "closures", frozenset(self.closures))
        self._off.update(self.closures)
        object.__setattr__(self, "_hash", hash(self.closures))

    def __hash__(self) -> int:  # the engine keys its caches on the calendar: keep hashing cheap
        return self._hash

    @staticmethod
    def of(days: Iterable[date]) -> WorkingCalendar:
        """The calendar with these office closure days (the same instance for the same days, so its
        caches stay warm across calls that each read the closures afresh)."""
        return _interned(frozenset(days))

    def _learn(self, year: int) -> None:
        with self._lock:
            if year not in self._years:
                self._off.update(_bank_holidays(year))  # before the year is marked learned
                self._years.add(year)

    # -- the questions -------------------------------------------------------------------------------
    def is_bank_holiday(self, d: date) -> bool:
        return is_bank_holiday(d)

    def is_closed(self, d: date) -> bool:
        """An office closure day (not a bank holiday or weekend as such)."""
        return d in self.closures

    def is_working_day(self, d: date) -> bool:
        if d.weekday() >= 5:
            return False
        if d.year not in self._years:
            self._learn(d.year)
        return d not in self._off

    def last_working_day_on_or_before(self, d: date) -> date:
        while not self.is_working_day(d):
            d -= _ONE
        return d

    def first_working_day_on_or_after(self, d: date) -> date:
        while not self.is_working_day(d):
            d += _ONE
        return d

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (start itself is day 0, whatever day it is)."""
        if days < 0:
            raise ValueError("days must be 0 or more")
        added = self._added
        found = added.get((start, days))
        if found is not None:
            return found
        d = start
        remaining = days
        working = self.is_working_day
        while remaining:
            d += _ONE
            if working(d):
                remaining -= 1
        if len(added) > _ADDED_MAX:
            added.clear()
        added[(start, days)] = d
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 if end <= start)."""
        count = 0
        d = start
        working = self.is_working_day
        while d < end:
            d += _ONE
            if working(d):
                count += 1
        return count


@lru_cache(maxsize=32)
def _interned(days: frozenset[date]) -> WorkingCalendar:
    return WorkingCalendar(days)


ENGLAND_AND_WALES = _interned(frozenset())
"""Bank holidays in England and Wales, no office closures: for callers that have no database."""

# Bound to ENGLAND_AND_WALES, which knows no office closures: only for the demo data generator
# (services/demo.py) and tests, until they pass a calendar. A service that reads the database builds its
# calendar from the OfficeClosure rows instead (services.appointments.working_calendar).
is_working_day = ENGLAND_AND_WALES.is_working_day
add_working_days = ENGLAND_AND_WALES.add_working_days
last_working_day_on_or_before = ENGLAND_AND_WALES.last_working_day_on_or_before
first_working_day_on_or_after = ENGLAND_AND_WALES.first_working_day_on_or_after
working_days_between = ENGLAND_AND_WALES.working_days_between
