"""UK date formatting and parsing (dd/mm/yyyy everywhere the officer sees a date)."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta

UK_DATE = "%d/%m/%Y"
UK_DATETIME = "%d/%m/%Y %H:%M"


def format_date(d: date | None) -> str:
    return d.strftime(UK_DATE) if d else ""


def format_datetime(d: datetime | None) -> str:
    return d.strftime(UK_DATETIME) if d else ""


def parse_date(text: str) -> date:
    """A date typed day first (parse_date_text); raises ValueError (DateTextError) saying why it is not one."""
    d = parse_date_text(text)
    if d is None:
        raise DateTextError(f"No date typed: {HOW_TO_TYPE_A_DATE}")
    return d


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    # Clamp to the month's last day (31 Jan + 1 month = 28/29 Feb).
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# -- What an officer types into a date field ------------------------------------------------------------
# One parser for every date and date-and-time field in the window (gui/date_entry.py) and the CLI. It
# gives exactly the date typed or refuses it with the reason: it never guesses month-first, never rolls
# 31/02 over into March, and never fills in a part that was not typed (except the shortcuts below).
#
#   dates:   01/12/2026  1/12/26  01122026  011226  1.12.2026  1-12-2026  1 12 2026  1 Dec 2026
#            today (or t), tomorrow, yesterday, +3 / -3 (days from today)
#   times:   14:00  14.00  1400  930  14  2pm  2.30pm  2:30 pm  (the time follows the date after a space)
#   a two-digit year: 00-69 is 2000-2069 and 70-99 is 1970-1999 (TWO_DIGIT_YEAR_PIVOT): "1/12/26" is 2026
#   and a date of birth typed "4/5/72" is 1972.

TWO_DIGIT_YEAR_PIVOT = 70
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
_MONTHS = {name.lower()[:3]: i for i, name in enumerate(MONTH_NAMES, 1)} | {
    name.lower(): i for i, name in enumerate(MONTH_NAMES, 1)} | {"sept": 9}
_SEPARATORS = re.compile(r"[/.\-\s,]+")
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$|^(\d{3,4})\s*(am|pm)?$")
HOW_TO_TYPE_A_DATE = "type it day first as dd/mm/yyyy, for example 05/03/2026"
HOW_TO_TYPE_A_TIME = "type the time after the date, for example 01/12/2026 14:00 or 01/12/2026 2pm"


class DateTextError(ValueError):
    """What was typed is not a date (or time): the message says why and how to type it."""


def full_year(year: int) -> int:
    """A two-digit year in this century up to 69, the last century from 70 (see TWO_DIGIT_YEAR_PIVOT)."""
    if year >= 100:
        return year
    return 2000 + year if year < TWO_DIGIT_YEAR_PIVOT else 1900 + year


def _checked(day: int, month: int, year: int, typed: str) -> date:
    if not 1 <= month <= 12:
        raise DateTextError(f"'{typed}': {month} is not a month: type the day first, then the month "
                            "(dd/mm/yyyy)")
    if not 1 <= year <= 9999:
        raise DateTextError(f"'{typed}': {year} is not a year: {HOW_TO_TYPE_A_DATE}")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        shown = f"{day:02d}/{month:02d}/{year:04d}"
        if day == 0:
            raise DateTextError(f"{shown} does not exist: there is no day 0")
        raise DateTextError(f"{shown} does not exist: {MONTH_NAMES[month - 1]} {year} has {days} days")
    return date(year, month, day)


def _year(text: str, typed: str) -> int:
    if len(text) not in (2, 4):
        raise DateTextError(f"'{typed}': the year needs 2 or 4 digits; {HOW_TO_TYPE_A_DATE}")
    return full_year(int(text))


def parse_date_text(text: str, today: date | None = None) -> date | None:
    """The date typed (see above), None for nothing typed; raises DateTextError saying why it is not one."""
    typed = text.strip()
    low = typed.lower()
    if not low:
        return None
    if low in ("today", "t", "tomorrow", "yesterday") or re.fullmatch(r"[+-]\s*\d{1,4}", low):
        base = today or date.today()
        if low in ("today", "t"):
            return base
        if low in ("tomorrow", "yesterday"):
            return base + timedelta(days=1 if low == "tomorrow" else -1)
        return base + timedelta(days=int(low.replace(" ", "")))
    if low.isdigit():
        # Without separators: ddmmyyyy or ddmmyy only; other lengths could be read more than one way.
        if len(low) in (6, 8):
            return _checked(int(low[:2]), int(low[2:4]), _year(low[4:], typed), typed)
        raise DateTextError(f"'{typed}' is not a date: without separators type all 8 digits (ddmmyyyy, "
                            "e.g. 05032026), or " + HOW_TO_TYPE_A_DATE)
    parts = [p for p in _SEPARATORS.split(low) if p]
    if len(parts) == 3 and parts[0].isdigit() and parts[2].isdigit() and len(parts[0]) <= 2:
        if parts[1].isdigit() and len(parts[1]) <= 2:
            month = int(parts[1])
        elif parts[1] in _MONTHS:
            month = _MONTHS[parts[1]]
        else:
            raise DateTextError(f"'{typed}': '{parts[1]}' is not a month; {HOW_TO_TYPE_A_DATE}")
        return _checked(int(parts[0]), month, _year(parts[2], typed), typed)
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        raise DateTextError(f"'{typed}' has no year: {HOW_TO_TYPE_A_DATE}")
    raise DateTextError(f"'{typed}' is not a date: {HOW_TO_TYPE_A_DATE}")


def parse_time_text(text: str) -> time:
    """14:00, 14.00, 1400, 930, 14, 2pm, 2.30pm, 2:30 pm; raises DateTextError saying why it is not a time."""
    typed = text.strip()
    m = _TIME.match(typed.lower())
    if not m:
        raise DateTextError(f"'{typed}' is not a time: {HOW_TO_TYPE_A_TIME}")
    if m.group(4):
        digits, suffix = m.group(4), m.group(5)
        hour, minute = int(digits[:-2]), int(digits[-2:])
    else:
        hour, minute, suffix = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if suffix:
        if not 1 <= hour <= 12:
            raise DateTextError(f"'{typed}' is not a time: with am or pm the hour is 1 to 12")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        raise DateTextError(f"'{typed}' is not a time: hours run 00 to 23 and minutes 00 to 59")
    return time(hour, minute)


def parse_datetime_text(text: str, today: date | None = None) -> datetime | None:
    """A date then a time (see above), None for nothing typed; raises DateTextError saying why not."""
    typed = text.strip()
    if not typed:
        return None
    low = typed.lower()
    if low.isdigit() and len(low) in (10, 12):  # ddmmyyHHMM or ddmmyyyyHHMM, all run together
        return datetime.combine(parse_date_text(low[:-4], today) or date.min, parse_time_text(low[-4:]))
    tokens = low.split()
    if len(tokens) >= 2 and tokens[-1] in ("am", "pm"):
        tokens[-2:] = [tokens[-2] + tokens[-1]]
    try:
        day = parse_date_text(" ".join(tokens[:-1]), today) if len(tokens) >= 2 else None
    except DateTextError:
        day = None
        if not _is_date(typed, today):
            raise
    if day is None:
        parse_date_text(typed, today)  # says why, when it is not a date either
        raise DateTextError(f"'{typed}' has no time: {HOW_TO_TYPE_A_TIME}")
    return datetime.combine(day, parse_time_text(tokens[-1]))


def _is_date(text: str, today: date | None) -> bool:
    try:
        return parse_date_text(text, today) is not None
    except DateTextError:
        return False
