"""The court views both services.court (which makes them) and reports.court_report (which prints them) use.

Plain values, below both: a PDF builder takes a ReportDraft without knowing the service that loads it.
services.court re-exports ReportDraft, so `from lpt_desktop.services.court import ReportDraft` still works.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class OrderPeriod:
    """An order or licence on the case, as the report sees it: what it was and when it ran."""

    label: str  # "Suspended sentence order"
    start: date
    end: date | None  # the planned end; None when not known
    terminated_on: date | None = None
    offence: str | None = None
    court: str | None = None
    sentence_date: date | None = None
    length_months: int | None = None

    @property
    def ends(self) -> date | None:
        """The day it stopped running: terminated early, or its planned end."""
        return self.terminated_on or self.end

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.ends is None or day <= self.ends)


def current_orders(orders: Sequence[OrderPeriod], as_of: date) -> list[OrderPeriod]:
    """Orders still running on `as_of` (the report date, or the offence date): current, not previous."""
    return [o for o in orders if o.covers(as_of)]


def previous_orders(orders: Sequence[OrderPeriod], as_of: date) -> list[OrderPeriod]:
    """Orders that had ended by `as_of`."""
    return [o for o in orders if o.ends is not None and o.ends < as_of]


def orders_during(orders: Sequence[OrderPeriod], offence_date: date | None) -> list[OrderPeriod]:
    """The orders the new offence was committed during (a breach the court must hear of)."""
    return [o for o in orders if offence_date is not None and o.covers(offence_date)]


@dataclass
class ReportDraft:
    id: str
    request_id: str
    report_type: str
    sections: dict[str, dict[str, Any]]
    prefilled: dict[str, set[str]]  # section -> field names still marked prefilled
    status: str
    signed_by: str | None
    signed_on: date | None
    countersigned_by: str | None
    countersigned_on: date | None = None
    person_id: str | None = None
    name: str = ""
    court: str = ""
    hearing_date: date | None = None
    due_by: date | None = None
    orders: tuple[OrderPeriod, ...] = ()  # the case's orders, for the offence-during-an-order check

    def is_prefilled(self, section: str, field_id: str) -> bool:
        return field_id in self.prefilled.get(section, set())
