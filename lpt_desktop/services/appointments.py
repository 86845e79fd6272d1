"""Booking appointments (one-off and recurring), overlap warnings, the calendar's view, office closures.

A booked appointment is a pending contact row (outcome NULL, starts_at in the future), so the contact
log, the caseload's next appointment and the standards engine all see it with no copy. A recurring
series is an appointment_series row and one contact per occurrence (contact.series_id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.reference import reference
from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.standards.calendar import WorkingCalendar, bank_holiday_name, is_bank_holiday
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Contact, Person
from lpt_desktop.store.schedule_models import AppointmentSeries, OfficeClosure

EVERY = {"weekly": 7, "fortnightly": 14, "four-weekly": 28}
MAX_SERIES = 52
DEFAULT_MINUTES = 60


@dataclass(frozen=True)
class AppointmentView:
    contact_id: str
    person_id: str
    crn: str
    name: str
    starts_at: datetime
    type_code: str
    type_label: str
    location: str | None
    outcome: str | None  # None while booked
    series_id: str | None

    @property
    def booked(self) -> bool:
        return self.outcome is None


@dataclass(frozen=True)
class Overlap:
    """A warning (never a refusal): a clash with another booking, or a day the office is shut."""

    kind: str  # appointment | closed_day | weekend | bank_holiday
    message: str
    contact_id: str | None = None
    person_id: str | None = None
    starts_at: datetime | None = None


@dataclass(frozen=True)
class Closure:
    day: date
    reason: str


def _check(db: Database, person_id: str, starts_at: datetime, type_code: str, now: datetime | None) -> None:
    errors = []
    ctype = reference().contact_types.get(type_code)
    if ctype is None or not ctype.appointment:
        errors.append(FieldError("Type", f"'{type_code}' is not an appointment type: choose one from the list, "
                                         "e.g. COAP office appointment"))
    if starts_at < (now or datetime.now()):
        errors.append(FieldError("Date and time", f"{starts_at:%d/%m/%Y %H:%M} is in the past: book a future "
                                                  "time, or record what happened in the contact log"))
    if errors:
        raise ValidationError(errors)


def _person_or_fail(s: Session, person_id: str) -> Person:
    p = s.get(Person, person_id)
    if p is None:
        raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
    return p


@writes(Change.APPOINTMENT, Change.CONTACT)
def book_appointment(db: Database, person_id: str, starts_at: datetime, type_code: str,
                     location: str | None = None, now: datetime | None = None) -> str:
    """Book one appointment; returns the contact id. Check overlaps() first to warn the officer."""
    _check(db, person_id, starts_at, type_code, now)
    with db.write() as s:
        _person_or_fail(s, person_id)
        c = Contact(person_id=person_id, type_code=type_code, starts_at=starts_at, outcome=None,
                    location=(location or "").strip() or None, author=db.actor)
        s.add(c)
        s.flush()
        return c.id


def series_dates(first: datetime, every: str, count: int) -> list[datetime]:
    """The occurrences of a series: every 7, 14 or 28 days at the same time (no moving for holidays)."""
    step = EVERY[every]
    return [first + timedelta(days=step * k) for k in range(count)]


@writes(Change.APPOINTMENT, Change.CONTACT)
def book_series(db: Database, person_id: str, first: datetime, every: str, count: int, type_code: str,
                location: str | None = None, now: datetime | None = None) -> list[str]:
    """Book a recurring series (weekly, fortnightly, four-weekly); returns the contact ids in order."""
    errors = []
    if every not in EVERY:
        errors.append(FieldError("Repeat", f"'{every}' is not a repeat: choose weekly, fortnightly or four-weekly"))
    if not 1 <= count <= MAX_SERIES:
        errors.append(FieldError("Occurrences", f"{count} is out of range: book 1 to {MAX_SERIES}"))
    if errors:
        raise ValidationError(errors)
    _check(db, person_id, first, type_code, now)
    with db.write() as s:
        _person_or_fail(s, person_id)
        series = AppointmentSeries(person_id=person_id, every=every, first_at=first, count=count,
                                   type_code=type_code, location=(location or "").strip() or None)
        s.add(series)
        s.flush()
        rows = [Contact(person_id=person_id, type_code=type_code, starts_at=at, outcome=None,
                        location=series.location, author=db.actor, series_id=series.id)
                for at in series_dates(first, every, count)]
        s.add_all(rows)
        s.flush()
        return [c.id for c in rows]


@writes(Change.APPOINTMENT, Change.CONTACT)
def cancel_booking(db: Database, contact_id: str) -> None:
    """Remove a booked appointment that has no outcome yet (a recorded contact is never deleted)."""
    with db.write() as s:
        c = s.get(Contact, contact_id)
        if c is None or c.outcome is not None:
            raise ValidationError([FieldError("Appointment", "is not a booked appointment: a contact with an "
                                                             "outcome stays on the record")])
        s.delete(c)


def overlaps(db: Database, person_id: str | None, starts_at: datetime, minutes: int = DEFAULT_MINUTES,
             ignore: tuple[str, ...] = ()) -> list[Overlap]:
    """Warnings for a booking: other bookings in the diary that overlap it, and shut days.

    Every booked appointment on the laptop is in the officer's diary, so clashes with any case count;
    the person's own clashes are named first.
    """
    end = starts_at + timedelta(minutes=minutes)
    day = starts_at.date()
    out: list[Overlap] = []
    with db.read() as s:
        closure = s.scalar(select(OfficeClosure.reason).where(OfficeClosure.day == day))
        rows = s.execute(
            select(Contact.id, Contact.person_id, Contact.starts_at, Contact.type_code, Person.crn)
            .join(Person, Person.id == Contact.person_id)
            .where(Contact.outcome.is_(None), Contact.starts_at < end,
                   Contact.starts_at > starts_at - timedelta(minutes=DEFAULT_MINUTES * 4))).all()
    if closure is not None:
        out.append(Overlap("closed_day", f"{format_date(day)}: the office is closed ({closure})"))
    elif day.weekday() >= 5:
        out.append(Overlap("weekend", f"{format_date(day)} is a {day:%A}"))
    elif is_bank_holiday(day):
        out.append(Overlap("bank_holiday", f"{format_date(day)} is a bank holiday ({bank_holiday_name(day)})"))
    labels = {c: t.label for c, t in reference().contact_types.items()}
    clashes = []
    for cid, pid, at, code, crn in rows:
        if cid in ignore or at + timedelta(minutes=DEFAULT_MINUTES) <= starts_at:
            continue
        whose = "this case" if pid == person_id else crn
        clashes.append((pid != person_id, at, Overlap(
            "appointment", f"{at:%d/%m/%Y %H:%M}: {labels.get(code, code)} already booked ({whose})",
            cid, pid, at)))
    out += [o for _other, _at, o in sorted(clashes, key=lambda c: (c[0], c[1]))]
    return out


def appointments_between(db: Database, start: date, end: date) -> list[AppointmentView]:
    """Appointments (booked and recorded) from `start` to `end` inclusive, for the calendar."""
    if end < start:
        raise ValidationError([FieldError("Dates", "the end is before the start")])
    ref = reference()
    appointment_types = [c for c, t in ref.contact_types.items() if t.appointment]
    newer = select(Contact.amends_id).where(Contact.amends_id.is_not(None))
    with db.read() as s:
        rows = s.execute(
            select(Contact.id, Contact.person_id, Person.crn, Person.first_name, Person.last_name, Contact.starts_at,
                   Contact.type_code, Contact.location, Contact.outcome, Contact.series_id, Contact.restricted)
            .join(Person, Person.id == Contact.person_id)
            .where(Contact.starts_at >= datetime.combine(start, time.min),
                   Contact.starts_at < datetime.combine(end + timedelta(days=1), time.min),
                   Contact.type_code.in_(appointment_types), Contact.id.not_in(newer))
            .order_by(Contact.starts_at)).all()
    return [AppointmentView(cid, pid, crn, f"{last}, {first}", at, code, ref.contact_types[code].label,
                            None if restricted else location, outcome, series)
            for cid, pid, crn, first, last, at, code, location, outcome, series, restricted in rows]


def pending_for(db: Database, person_id: str, start: date, end: date) -> list[AppointmentView]:
    return [a for a in appointments_between(db, start, end) if a.person_id == person_id and a.booked]


# -- office closures --------------------------------------------------------------------------------
@writes(Change.STANDARDS)
def add_closure(db: Database, day: date, reason: str) -> None:
    """Mark a day the office is shut: no working-day deadline counts it."""
    errors = []
    if not reason.strip():
        errors.append(FieldError("Reason", "is empty: say why the office is closed, e.g. 'Staff training'"))
    elif len(reason.strip()) > 120:
        errors.append(FieldError("Reason", "is too long: keep it under 120 characters"))
    if day.weekday() >= 5 or is_bank_holiday(day):
        errors.append(FieldError("Day", f"{format_date(day)} is already not a working day"))
    if errors:
        raise ValidationError(errors)
    with db.write() as s:
        row = s.scalar(select(OfficeClosure).where(OfficeClosure.day == day))
        if row is None:
            s.add(OfficeClosure(day=day, reason=reason.strip()))
        else:
            row.reason = reason.strip()


@writes(Change.STANDARDS)
def remove_closure(db: Database, day: date) -> None:
    with db.write() as s:
        row = s.scalar(select(OfficeClosure).where(OfficeClosure.day == day))
        if row is not None:
            s.delete(row)


def closures(db: Database) -> list[Closure]:
    with db.read() as s:
        rows = s.execute(select(OfficeClosure.day, OfficeClosure.reason).order_by(OfficeClosure.day)).all()
    return [Closure(d, r) for d, r in rows]


def working_calendar(s: Session) -> WorkingCalendar:
    """The working-day calendar with the office closures as this session sees them (pass it down to
    whatever counts working days: the standards engine, enforcement and report deadlines)."""
    return WorkingCalendar.of(s.scalars(select(OfficeClosure.day)))


def office_calendar(db: Database) -> WorkingCalendar:
    """The working-day calendar with the database's office closures (for a caller without a session)."""
    with db.read() as s:
        return working_calendar(s)

