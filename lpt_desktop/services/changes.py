"""What a write changed, announced by the service that made it (after Anki's OpChanges).

A write service is declared with `@writes(Change.CONTACT, ...)`: each time it returns, the kinds it declared
are added to the changes of the operation running on this thread. A service whose effect depends on its input
(a sync pull) calls `announce(...)` with what it actually wrote. The window's write operation collects them and
emits `changed(kinds)` itself, so nothing announces a change by hand and screens refresh only for what
concerns them. tests/test_changes.py runs every write service and compares what it announced with the tables
it actually wrote.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Flag, auto
from typing import Any, ParamSpec, TypeVar


class Change(Flag):
    NONE = 0
    CASE = auto()  # a person, their addresses, sentences, requirements and licence conditions
    REGISTER = auto()
    CONTACT = auto()
    ENFORCEMENT = auto()
    APPOINTMENT = auto()  # a booked (future) contact or series
    REPORT = auto()  # court work: requests, pre-sentence records, reports
    STANDARDS = auto()  # the policy in force, frequency overrides, standards records, office closures
    DRAFT = auto()
    TEMPLATE = auto()
    SYNC = auto()  # sync state and conflicts (not the bookkeeping written beside every change)
    ASSESSMENT = auto()  # RoSH screenings, analyses, summaries and risk management plans (issue 18); needs, plans


# Which kinds a write to each table is. Tables written as bookkeeping beside every change (the audit trail,
# the outbox, the record versions) announce nothing of their own.
TABLE_KINDS: dict[str, Change] = {
    "person": Change.CASE,
    "officer": Change.CASE,
    "address": Change.CASE,
    "sentence": Change.CASE,
    "requirement": Change.CASE,
    "licence_condition": Change.CASE,
    "registration": Change.REGISTER,
    "alias": Change.CASE,
    "disability": Change.CASE,
    "personal_contact": Change.CASE,
    "circumstance": Change.CASE,
    "sentence_event": Change.CASE,
    "case_event": Change.CASE,  # the timeline: written beside every change to the record (issue 16)
    "predictor_score": Change.CASE,  # tiering: scores entered from OASys
    "tier_decision": Change.CASE,  # tiering: the officer accepted or overrode the suggested tier
    "transfer_request": Change.CASE,  # a transfer out asks the central store's administrator to move the case
    # RoSH (issue 18); completing an assessment also writes person.rosh (CASE) and the RoSH register (REGISTER).
    "rosh_assessment": Change.ASSESSMENT,
    "risk_plan": Change.ASSESSMENT,
    "risk_plan_action": Change.ASSESSMENT,
    "risk_plan_sharing": Change.ASSESSMENT,  # who a plan was shared with, one row each
    "rosh_confirmation": Change.ASSESSMENT,  # the OM confirms or revises a report writer's screening
    "countersignature": Change.ASSESSMENT,  # issue 19: signing actions; an override's agreement too
    # Needs assessments and sentence plans (issue 20)
    "needs_assessment": Change.ASSESSMENT,
    "sentence_plan": Change.ASSESSMENT,
    "plan_agreement": Change.ASSESSMENT,
    "plan_goal": Change.ASSESSMENT,
    "plan_goal_status": Change.ASSESSMENT,
    "plan_step": Change.ASSESSMENT,
    "plan_review": Change.ASSESSMENT,
    "contact": Change.CONTACT,
    "contact_plan_link": Change.CONTACT,
    "contact_rmp_link": Change.CONTACT,
    "contact_step_link": Change.CONTACT,
    "enforcement": Change.ENFORCEMENT,
    "appointment_series": Change.APPOINTMENT,
    "pre_sentence": Change.REPORT,
    "report_request": Change.REPORT,
    "court_report": Change.REPORT,
    "standards_override": Change.STANDARDS,
    "standards_record": Change.STANDARDS,
    "office_closure": Change.STANDARDS,
    "office": Change.STANDARDS,  # offices and who works where: settings letters are written from
    "officer_office": Change.STANDARDS,
    "contact_draft": Change.DRAFT,
    "note_template": Change.TEMPLATE,
    "sync_state": Change.SYNC,
    "sync_conflict": Change.SYNC,
    "sync_evict": Change.SYNC,
    "sync_notice": Change.SYNC,
    "lpt_meta": Change.STANDARDS,  # the policy in force (the file's id and officer are written once, at creation)
}
BOOKKEEPING_TABLES = frozenset({"audit", "sync_outbox", "sync_record", "alembic_version"})

P = ParamSpec("P")
R = TypeVar("R")

_local = threading.local()


def announce(kinds: Change) -> None:
    """Add kinds to what the operation running on this thread changed (no operation: nothing to do)."""
    collected: list[Change] | None = getattr(_local, "collected", None)
    if collected is not None:
        collected[0] |= kinds


def writes(*kinds: Change) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare what a write service changes; announced each time it returns without raising."""
    declared = Change.NONE
    for k in kinds:
        declared |= k

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            result = fn(*args, **kwargs)
            announce(declared)
            return result

        call.changes = declared  # type: ignore[attr-defined]
        return call

    return wrap


def declared_changes(fn: Any) -> Change:
    return getattr(fn, "changes", Change.NONE)


@contextmanager
def collecting() -> Iterator[list[Change]]:
    """Collect what the services called in the block announce: `with collecting() as got: ...; got[0]`."""
    previous = getattr(_local, "collected", None)
    box = [Change.NONE]
    _local.collected = box
    try:
        yield box
    finally:
        _local.collected = previous
        if previous is not None:
            previous[0] |= box[0]
