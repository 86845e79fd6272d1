"""UK date formatting and parsing (dd/mm/yyyy everywhere the officer sees a date)."""

from __future__ import annotations

from datetime import date, datetime

UK_DATE = "%d/%m/%Y"
UK_DATETIME = "%d/%m/%Y %H:%M"


def format_date(d: date | None) -> str:
    return d.strftime(UK_DATE) if d else ""


def format_datetime(d: datetime | None) -> str:
    return d.strftime(UK_DATETIME) if d else ""


def parse_date(text: str) -> date:
    """Parse dd/mm/yyyy; raises ValueError with a message an officer can act on."""
    text = text.strip()
    try:
        return datetime.strptime(text, UK_DATE).date()
    except ValueError:
        raise ValueError(f"'{text}' is not a date: write it as dd/mm/yyyy, for example 05/03/2026") from None


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
