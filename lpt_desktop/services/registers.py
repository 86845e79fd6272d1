"""Register review dates (pure)."""

from __future__ import annotations

from datetime import date

from lpt_desktop.domain.dates import add_months
from lpt_desktop.domain.reference import reference

__all__ = ["add_months", "first_review_date"]


def first_review_date(type_code: str, start: date) -> date | None:
    rtype = reference().register_types.get(type_code)
    return add_months(start, rtype.review_months) if rtype else None
