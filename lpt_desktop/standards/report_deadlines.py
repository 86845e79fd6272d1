"""When a pre-sentence report is due: National Standards timescales in working days.

Oral: the same day; fast delivery: 5 working days; standard delivery: 15, or 10 if the defendant is
remanded in custody; addendum: 5 (unverified, see resources/data/court_reports.json). The day of the
request is day 0; bank holidays in England and Wales and the office's closures (the calendar passed,
standards/calendar.py) are skipped.
"""

from __future__ import annotations

from datetime import date

from lpt_desktop.domain.court import report_types
from lpt_desktop.standards.calendar import WorkingCalendar


def report_due_date(report_type: str, requested_on: date, remanded: bool, calendar: WorkingCalendar) -> date:
    """The date the report is due; raises ValueError for an unknown report type."""
    rtype = report_types().get(report_type)
    if rtype is None:
        raise ValueError(f"'{report_type}' is not a report type: use one of {', '.join(report_types())}")
    return calendar.add_working_days(requested_on, rtype.remanded_working_days if remanded else rtype.working_days)
