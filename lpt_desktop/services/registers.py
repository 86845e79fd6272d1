"""Registers: review dates from the register type data, and the officer's writes (add, review, end).

Each write is one transaction with its audit rows, outbox rows and a case_event (services/case_events.py):
a new register is a significant change, so the standards engine opens RoSH and plan reviews from it.
A registration's notes say why the person was registered and are never overwritten by a review: each review's
note is kept on that review's own timeline event (`review_notes` lists them, the latest first).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lpt_desktop.domain.dates import add_months, format_date
from lpt_desktop.domain.reference import reference
from lpt_desktop.domain.validation import FieldError, ValidationError, require, validate_registration
from lpt_desktop.services.case_events import SUMMARY_MAX, add_event
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.store.case_record_models import CaseEvent
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Person, Registration

__all__ = ["add_months", "add_register", "end_register", "first_review_date", "last_review_notes", "review_notes",
           "review_register"]

# Between what the review did and the officer's note in a review's timeline event (review_notes splits on it).
NOTE_MARK = ". Note: "


def first_review_date(type_code: str, start: date) -> date | None:
    rtype = reference().register_types.get(type_code)
    return add_months(start, rtype.review_months) if rtype else None


def _label(type_code: str) -> str:
    rtype = reference().register_types.get(type_code)
    return rtype.label if rtype else type_code


def _registration(s: Session, registration_id: str) -> Registration:
    r = s.get(Registration, registration_id)
    if r is None:
        raise ValidationError([FieldError("Register", "is no longer on this case: open the case again")])
    return r


@writes(Change.REGISTER, Change.CASE)
def add_register(db: Database, person_id: str, type_code: str, start_date: date | None, *,
                 category: str | None = None, level: str | None = None, notes: str | None = None,
                 today: date | None = None) -> str:
    """Put the person on a register from start_date (its first review from the register type's interval)."""
    errors = validate_registration(type_code, category, level)
    if start_date is None:
        errors.append(FieldError("Start date", "is empty: enter it as dd/mm/yyyy"))
    elif start_date > (today or date.today()):
        errors.append(FieldError("Start date", f"{format_date(start_date)} is in the future: add the register on "
                                               "the day it starts"))
    require(errors)
    assert start_date is not None
    with db.write() as s:
        if s.get(Person, person_id) is None:
            raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
        r = Registration(person_id=person_id, type_code=type_code, category=category or None, level=level or None,
                         start_date=start_date, notes=(notes or "").strip() or None,
                         next_review_date=first_review_date(type_code, start_date))
        s.add(r)
        detail = f" (category {category}, level {level})" if category or level else ""
        add_event(s, person_id, "register_added", start_date,
                  f"{_label(type_code)}{detail} from {format_date(start_date)}", r)
        return r.id


@writes(Change.REGISTER, Change.CASE)
def review_register(db: Database, registration_id: str, reviewed_on: date | None, next_review: date | None = None,
                    *, notes: str | None = None, category: str | None = None, level: str | None = None,
                    today: date | None = None) -> date:
    """Record a review of a register; the next review is next_review, or one interval on. Returns it.

    category and level (None: as they were) record a MAPPA category or level changed at the review."""
    errors: list[FieldError] = []
    if reviewed_on is None:
        errors.append(FieldError("Review date", "is empty: enter it as dd/mm/yyyy"))
    elif reviewed_on > (today or date.today()):
        errors.append(FieldError("Review date", f"{format_date(reviewed_on)} is in the future: record a review "
                                                "once it is done"))
    require(errors)
    assert reviewed_on is not None
    with db.write() as s:
        r = _registration(s, registration_id)
        if r.ended_on is not None:
            errors.append(FieldError("Register", f"ended on {format_date(r.ended_on)}: an ended register is not "
                                                 "reviewed"))
        if reviewed_on < r.start_date:
            errors.append(FieldError("Review date", f"{format_date(reviewed_on)} is before the register started "
                                                    f"({format_date(r.start_date)}): check the date"))
        new_category = r.category if category is None else category or None
        new_level = r.level if level is None else level or None
        if (new_category, new_level) != (r.category, r.level):
            errors += validate_registration(r.type_code, new_category, new_level)
        upcoming = next_review or first_review_date(r.type_code, reviewed_on)
        if upcoming is not None and upcoming <= reviewed_on:
            errors.append(FieldError("Next review", f"{format_date(upcoming)} is not after the review "
                                                    f"({format_date(reviewed_on)}): choose a later date"))
        require(errors)
        changed = [f"{what} {old or 'none'} to {new or 'none'}"
                   for what, old, new in (("category", r.category, new_category), ("level", r.level, new_level))
                   if old != new]
        then = (f"; {', '.join(changed)}" if changed else "") + (f"; next review {format_date(upcoming)}"
                                                                 if upcoming else "")
        summary = f"{_label(r.type_code)} reviewed{then}"
        note = " ".join((notes or "").split())
        if note:
            summary += NOTE_MARK + note
        if len(summary) > SUMMARY_MAX:
            # The note lives in the review's event: refuse rather than cut it short.
            room = SUMMARY_MAX - len(summary) + len(note)
            errors.append(FieldError("Notes", f"is {len(note)} characters: a review note holds {room} at most; "
                                              "put the detail in a contact"))
        require(errors)
        r.reviewed_on = reviewed_on
        r.next_review_date = upcoming
        r.category, r.level = new_category, new_level
        # r.notes stays: it is why the person was registered, not what the latest review found.
        add_event(s, r.person_id, "register_reviewed", reviewed_on, summary, r)
        return upcoming or reviewed_on


def review_notes(db: Database, registration_id: str) -> list[tuple[date, str]]:
    """Each review of a register that had a note: (review date, note), the latest first."""
    with db.read() as s:
        rows = s.execute(select(CaseEvent.on_date, CaseEvent.summary)
                         .where(CaseEvent.kind == "register_reviewed", CaseEvent.source_table == "registration",
                                CaseEvent.source_id == registration_id)
                         .order_by(CaseEvent.on_date.desc(), CaseEvent.created_at.desc())).all()
    return [(on, summary.split(NOTE_MARK, 1)[1]) for on, summary in rows if NOTE_MARK in summary]


def last_review_notes(db: Database, person_id: str) -> dict[str, tuple[date, str]]:
    """The latest review note of each of a person's registers that has one: registration id -> (date, note)."""
    out: dict[str, tuple[date, str]] = {}
    with db.read() as s:
        rows = s.execute(select(CaseEvent.source_id, CaseEvent.on_date, CaseEvent.summary)
                         .where(CaseEvent.person_id == person_id, CaseEvent.kind == "register_reviewed",
                                CaseEvent.source_table == "registration")
                         .order_by(CaseEvent.on_date.desc(), CaseEvent.created_at.desc())).all()
    for rid, on, summary in rows:
        if rid is not None and rid not in out and NOTE_MARK in summary:
            out[rid] = (on, summary.split(NOTE_MARK, 1)[1])
    return out


@writes(Change.REGISTER, Change.CASE)
def end_register(db: Database, registration_id: str, ended_on: date | None, reason: str,
                 today: date | None = None) -> None:
    """End a register on a day, with the reason (it stays in the history)."""
    errors: list[FieldError] = []
    if ended_on is None:
        errors.append(FieldError("End date", "is empty: enter it as dd/mm/yyyy"))
    elif ended_on > (today or date.today()):
        errors.append(FieldError("End date", f"{format_date(ended_on)} is in the future: end the register on the "
                                             "day it ends"))
    if not (reason or "").strip():
        errors.append(FieldError("Reason", "is empty: say why the register ends, e.g. 'MAPPA level 1 ended at "
                                           "review'"))
    require(errors)
    assert ended_on is not None
    with db.write() as s:
        r = _registration(s, registration_id)
        if r.ended_on is not None:
            errors.append(FieldError("Register", f"already ended on {format_date(r.ended_on)}"))
        elif ended_on < r.start_date:
            errors.append(FieldError("End date", f"{format_date(ended_on)} is before the register started "
                                                 f"({format_date(r.start_date)}): check the date"))
        require(errors)
        r.ended_on = ended_on
        r.end_reason = reason.strip()
        r.next_review_date = None  # nothing more to review
        add_event(s, r.person_id, "register_ended", ended_on, f"{_label(r.type_code)} ended: {reason.strip()}", r)
