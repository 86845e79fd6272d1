"""The case's timeline: every change to the record is a case_event of a kind (issue 16).

`add_event` is called by the write services (case_record, registers, cases) inside their own transaction,
so an event is never saved without its change nor a change without its event. Which kinds are significant,
and when the reviews fall due after one, is data (resources/data/significant_changes.json, read by
domain/case_codes.py); the standards engine reads the events themselves (services/obligations.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.store.base import Row
from lpt_desktop.store.case_record_models import CaseEvent
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Person

# Kinds an officer records by hand (the others are written by the service that makes the change).
HAND_RECORDED = ("new_offence", "other_significant")
SUMMARY_MAX = 200


@dataclass(frozen=True)
class TimelineItem:
    id: str
    kind: str
    label: str
    on_date: date
    summary: str
    significant: bool
    source_table: str | None
    source_id: str | None


def add_event(s: Session, person_id: str, kind: str, on: date, summary: str, source: Row | None = None) -> CaseEvent:
    """Add one timeline event in the caller's transaction (source: the row the change made, flushed or not)."""
    assert kind in case_codes().events, f"unknown case event kind {kind!r}: add it to significant_changes.json"
    text = " ".join(summary.split())
    if len(text) > SUMMARY_MAX:
        text = text[:SUMMARY_MAX - 1] + "…"
    event = CaseEvent(person_id=person_id, kind=kind, on_date=on, summary=text,
                      source_table=source.__tablename__ if source is not None else None,
                      source_id=source.id if source is not None else None)
    if source is not None and source.id is None:
        s.flush()  # the source row's id is made at flush
        event.source_id = source.id
    s.add(event)
    return event


def timeline(db: Database, person_id: str) -> list[TimelineItem]:
    """The case's events, newest first (same day: the later one first)."""
    codes = case_codes()
    with db.read() as s:
        rows = s.scalars(select(CaseEvent).where(CaseEvent.person_id == person_id)
                         .order_by(CaseEvent.on_date.desc(), CaseEvent.created_at.desc()))
        return [TimelineItem(e.id, e.kind, codes.event_label(e.kind), e.on_date, e.summary,
                             e.kind in codes.significant(), e.source_table, e.source_id) for e in rows]


@writes(Change.CASE)
def record_significant_change(db: Database, person_id: str, kind: str, on: date, summary: str,
                              today: date | None = None) -> str:
    """Record a change no other form records (a new offence or arrest, another significant change)."""
    errors = []
    if kind not in HAND_RECORDED:
        labels = ", ".join(case_codes().event_label(k) for k in HAND_RECORDED)
        errors.append(FieldError("Kind of change", f"'{kind}' cannot be recorded here: choose one of {labels}"))
    if on > (today or date.today()):
        errors.append(FieldError("Date", f"{format_date(on)} is in the future: record a change once it has happened"))
    if not summary.strip():
        errors.append(FieldError("Summary", "is empty: say what happened, e.g. 'Arrested for shoplifting'"))
    if errors:
        raise ValidationError(errors)
    with db.write() as s:
        if s.get(Person, person_id) is None:
            raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
        event = add_event(s, person_id, kind, on, summary)
        s.flush()
        return event.id
