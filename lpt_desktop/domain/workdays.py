"""What the domain rules need of a working-day calendar (pure).

The domain is the bottom layer and cannot import the calendar (standards/calendar.py): a rule that
counts working days takes one of these, and the service passes its `WorkingCalendar` (built from the
office closures it read), which has these methods.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol


class WorkingDays(Protocol):
    def is_working_day(self, d: date) -> bool: ...

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (start itself is day 0)."""
        ...
