"""When the next RoSH review is due (pure), and when a report writer's screening must be confirmed.

The interval in months is the policy's (resources/standards/*.toml, rule `rosh_review`, `every_months`: 6
today, 4 under National Standards 2007), so it is a parameter here, never a number of this module. How many
working days after a significant change the review falls due is the case record's
(significant_changes.json through domain.case_codes: `EventKind.reviews["rosh_review"]`), counted as the
standards engine counts it: from the later of the day the change happened and the day it was recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from lpt_desktop.assessment.rosh_screening import screening
from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.dates import add_months, format_date
from lpt_desktop.domain.words import plural
from lpt_desktop.domain.workdays import WorkingDays

RULE = "rosh_review"


class SignificantChange(NamedTuple):
    """A change on the case's timeline; a plain (date, kind) tuple is one recorded on the day it happened."""

    on: date
    kind: str  # a case event code (significant_changes.json)
    recorded: date | None = None


@dataclass(frozen=True)
class ReviewDue:
    due_on: date | None  # None: nothing makes a review due (no completed review and no change)
    why: str  # in words, for the screen and the CLI
    changes: tuple[SignificantChange, ...] = ()  # the changes since the last review that owe one


def last_working_day_on_or_before(d: date, calendar: WorkingDays) -> date:
    """As the standards engine moves an interval's due date: back to a working day."""
    while not calendar.is_working_day(d):
        d -= timedelta(days=1)
    return d


def _change(c: SignificantChange | tuple[date, str]) -> SignificantChange:
    return c if isinstance(c, SignificantChange) else SignificantChange(c[0], c[1])


def change_due(change: SignificantChange, calendar: WorkingDays) -> date | None:
    """The day a review falls due after one change, or None when the kind owes no RoSH review."""
    kind = case_codes().events.get(change.kind)
    if kind is None or RULE not in kind.reviews:
        return None
    known = max(change.on, change.recorded or change.on)
    return calendar.add_working_days(known, kind.reviews[RULE])


def review_due(last_completed: date | None, interval_months: int,
               significant_changes: Sequence[SignificantChange | tuple[date, str]], as_of: date,
               calendar: WorkingDays) -> ReviewDue:
    """The next RoSH review: `interval_months` after the last completed review (the policy's number), or
    sooner after each significant change since it. A change on or before the day of the last completed review
    was met by it and is ignored; changes after `as_of` are not yet known. Of several dates the soonest wins."""
    codes = case_codes()
    candidates: list[tuple[date, str]] = []
    if last_completed is not None:
        due = last_working_day_on_or_before(add_months(last_completed, interval_months), calendar)
        candidates.append((due, f"{plural(interval_months, 'month')} after the last review on "
                                f"{format_date(last_completed)}"))
    owing: list[SignificantChange] = []
    for raw in significant_changes:
        change = _change(raw)
        if change.on > as_of or (last_completed is not None and change.on <= last_completed):
            continue
        change_on = change_due(change, calendar)
        if change_on is None:
            continue
        owing.append(change)
        days = codes.events[change.kind].reviews[RULE]
        candidates.append((change_on, f"{plural(days, 'working day')} after a significant change "
                                f"({codes.event_label(change.kind).lower()}) on {format_date(change.on)}"))
    owing.sort(key=lambda c: c.on)
    if not candidates:
        return ReviewDue(None, "No RoSH review is due: no assessment has been completed and no significant "
                               "change has been recorded since")
    due_on, why = min(candidates, key=lambda c: c[0])
    return ReviewDue(due_on, f"Due {format_date(due_on)}: {why}", tuple(owing))


def confirmation_due(screening_by_report_writer: bool, confirmed: bool, sentence_start: date | None,
                     calendar: WorkingDays | None = None, within: int | None = None,
                     unit: str | None = None) -> date | None:
    """The day by which the offender manager must confirm or revise a screening a report writer made (court
    work): `within` working days (or days) of the sentence's start, the data's numbers by default. None when
    the screening was not a report writer's, is already confirmed, or no sentence has started."""
    if not screening_by_report_writer or confirmed or sentence_start is None:
        return None
    s = screening()
    n = s.confirmation_within if within is None else within
    how = s.confirmation_unit if unit is None else unit
    if how == "days":
        return sentence_start + timedelta(days=n)
    if how != "working_days":
        raise ValueError(f"unknown unit {how!r}: use working_days or days")
    if calendar is None:
        raise ValueError("a working-day deadline needs the working calendar")
    return calendar.add_working_days(sentence_start, n)
