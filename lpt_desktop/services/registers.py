"""Register review dates (pure)."""

from __future__ import annotations

from datetime import date

from lpt_desktop.domain.reference import reference


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


def first_review_date(type_code: str, start: date) -> date | None:
    rtype = reference().register_types.get(type_code)
    return add_months(start, rtype.review_months) if rtype else None
