"""ORM models of the core schema. Alembic migrations in db/versions must match these (and the feature models).

Base, Row, new_id and utcnow live in store/base.py and are importable from here too. Feature tables are
in store/<feature>_models.py; store/all_models.py imports them all.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

# Base, Row, new_id, utcnow and the autogenerate hook are importable from models too ("X as X" re-exports).
from lpt_desktop.store.base import RAW_SQL_TABLES as RAW_SQL_TABLES
from lpt_desktop.store.base import Base as Base
from lpt_desktop.store.base import Row as Row
from lpt_desktop.store.base import include_in_autogenerate as include_in_autogenerate
from lpt_desktop.store.base import new_id as new_id
from lpt_desktop.store.base import utcnow as utcnow


class Meta(Base):
    """Key/value facts about this file (its id, which must match the key file)."""

    __tablename__ = "lpt_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Officer(Row):
    __tablename__ = "officer"
    name: Mapped[str] = mapped_column(String(120))
    staff_code: Mapped[str] = mapped_column(String(20), unique=True)
    role: Mapped[str] = mapped_column(String(40), default="PO")
    team: Mapped[str | None] = mapped_column(String(120))


class Person(Row):
    __tablename__ = "person"
    crn: Mapped[str] = mapped_column(String(7), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80), index=True)
    preferred_name: Mapped[str | None] = mapped_column(String(80))
    date_of_birth: Mapped[date] = mapped_column(Date)
    pnc: Mapped[str | None] = mapped_column(String(20))
    gender: Mapped[str | None] = mapped_column(String(40))
    ethnicity: Mapped[str | None] = mapped_column(String(80))
    religion: Mapped[str | None] = mapped_column(String(80))
    first_language: Mapped[str | None] = mapped_column(String(60))
    interpreter_required: Mapped[bool] = mapped_column(Boolean, default=False)
    disabilities: Mapped[str | None] = mapped_column(Text)
    caring_responsibilities: Mapped[str | None] = mapped_column(Text)
    individual_needs: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(30))
    mobile: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(120))
    tier: Mapped[str | None] = mapped_column(String(3))
    tier_scheme: Mapped[str | None] = mapped_column(String(8))  # 2026 | ab03 | None (typed before tiering)
    rosh: Mapped[str | None] = mapped_column(String(2))
    officer_id: Mapped[str | None] = mapped_column(ForeignKey("officer.id"))
    # Who holds the case on the central store (its username, the staff code, and name), as the last sync pull said:
    # written by the pull only (sync/apply.py), never synced back; None on a laptop that has not synced.
    held_by: Mapped[str | None] = mapped_column(String(120))
    held_by_name: Mapped[str | None] = mapped_column(String(120))

    officer: Mapped[Officer | None] = relationship()
    addresses: Mapped[list[Address]] = relationship(back_populates="person", cascade="all, delete-orphan",
                                                    order_by="Address.from_date.desc()")
    sentences: Mapped[list[Sentence]] = relationship(back_populates="person", cascade="all, delete-orphan",
                                                     order_by="Sentence.start_date.desc()")
    registrations: Mapped[list[Registration]] = relationship(back_populates="person",
                                                             cascade="all, delete-orphan",
                                                             order_by="Registration.start_date.desc()")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Address(Row):
    __tablename__ = "address"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    line1: Mapped[str] = mapped_column(String(120))
    line2: Mapped[str | None] = mapped_column(String(120))
    town: Mapped[str | None] = mapped_column(String(80))
    postcode: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="main")  # main | previous | secondary
    # What sort of address: home | nfa (no fixed abode) | approved_premises (status says main or previous).
    kind: Mapped[str] = mapped_column(String(20), default="home")
    notes: Mapped[str | None] = mapped_column(Text)
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    person: Mapped[Person] = relationship(back_populates="addresses")


class Sentence(Row):
    """A sentence or event: the order or licence the person is supervised on."""

    __tablename__ = "sentence"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    order_type: Mapped[str] = mapped_column(String(4))
    offence: Mapped[str | None] = mapped_column(String(200))
    court: Mapped[str | None] = mapped_column(String(120))
    sentence_date: Mapped[date | None] = mapped_column(Date)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    length_months: Mapped[int | None] = mapped_column(Integer)
    terminated_on: Mapped[date | None] = mapped_column(Date)
    # completed | revoked | breached_resentenced | transferred | licence_ended (domain/case_codes.py)
    outcome: Mapped[str | None] = mapped_column(String(30))
    hdc: Mapped[bool] = mapped_column(Boolean, default=False)  # released on home detention curfew
    hdc_end_date: Mapped[date | None] = mapped_column(Date)  # the curfew's end (the automatic release date)
    recalled_on: Mapped[date | None] = mapped_column(Date)  # set while recalled; cleared on re-release
    person: Mapped[Person] = relationship(back_populates="sentences")
    requirements: Mapped[list[Requirement]] = relationship(back_populates="sentence",
                                                           cascade="all, delete-orphan")
    licence_conditions: Mapped[list[LicenceCondition]] = relationship(back_populates="sentence",
                                                                      cascade="all, delete-orphan")


class Requirement(Row):
    __tablename__ = "requirement"
    sentence_id: Mapped[str] = mapped_column(ForeignKey("sentence.id", ondelete="CASCADE"), index=True)
    type_code: Mapped[str] = mapped_column(String(6))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    sentence: Mapped[Sentence] = relationship(back_populates="requirements")


class LicenceCondition(Row):
    __tablename__ = "licence_condition"
    sentence_id: Mapped[str] = mapped_column(ForeignKey("sentence.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    standard: Mapped[bool] = mapped_column(Boolean, default=True)
    from_date: Mapped[date | None] = mapped_column(Date)  # a variation's date (None: from the licence's start)
    to_date: Mapped[date | None] = mapped_column(Date)  # removed or replaced by a variation from the next day
    sentence: Mapped[Sentence] = relationship(back_populates="licence_conditions")


class Registration(Row):
    """An entry on a register (MAPPA, child protection, ...), reviewed at an interval."""

    __tablename__ = "registration"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    type_code: Mapped[str] = mapped_column(String(6))
    category: Mapped[str | None] = mapped_column(String(4))
    level: Mapped[str | None] = mapped_column(String(4))
    start_date: Mapped[date] = mapped_column(Date)
    next_review_date: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_on: Mapped[date | None] = mapped_column(Date)  # the last review (its history is on the timeline)
    notes: Mapped[str | None] = mapped_column(Text)
    person: Mapped[Person] = relationship(back_populates="registrations")


class Contact(Row):
    """A contact: an appointment or event with its outcome and the structure the inspectorate asks for.

    Saved contacts are never edited in place: a correction is a new row whose amends_id points
    at the row it corrects (see services/contacts.amend_contact); both stay, both are audited.
    """

    __tablename__ = "contact"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    type_code: Mapped[str] = mapped_column(String(6))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(6))
    location: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    present: Mapped[str | None] = mapped_column(Text)
    absence_reason: Mapped[str | None] = mapped_column(String(6))
    evidence: Mapped[str | None] = mapped_column(String(12))
    risk_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    alert: Mapped[bool] = mapped_column(Boolean, default=False)
    management_oversight: Mapped[bool] = mapped_column(Boolean, default=False)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    upw_minutes_worked: Mapped[int] = mapped_column(Integer, default=0)
    upw_minutes_credited: Mapped[int] = mapped_column(Integer, default=0)
    upw_skills: Mapped[str | None] = mapped_column(Text)
    victim_views: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(120))
    amends_id: Mapped[str | None] = mapped_column(ForeignKey("contact.id"))
    amendment_reason: Mapped[str | None] = mapped_column(Text)
    series_id: Mapped[str | None] = mapped_column(ForeignKey("appointment_series.id"))  # a recurring booking

    __table_args__ = (
        Index("ix_contact_person_starts", "person_id", "starts_at"),
        # The caseload's "next appointment" reads only pending appointments: a small partial index.
        Index("ix_contact_pending", "person_id", "starts_at", sqlite_where=text("outcome IS NULL")),
        Index("ix_contact_amends", "amends_id", sqlite_where=text("amends_id IS NOT NULL")),
        Index("ix_contact_series", "series_id", sqlite_where=text("series_id IS NOT NULL")),
        # The standards engine reads every recorded contact's facts from this index alone, never the notes.
        Index("ix_contact_standards", "person_id", "starts_at", "type_code", "outcome", "id", "amends_id",
              sqlite_where=text("outcome IS NOT NULL")),
        # ...and every failure to comply under a sentence, for "what is due" (the failure outcome codes).
        Index("ix_contact_failures", "person_id", "starts_at", "type_code", "outcome", "id", "amends_id",
              sqlite_where=text("outcome IN ('AFTA', 'AFTC', 'ATSH', 'UAAB')")),
    )


class Enforcement(Row):
    """An enforcement decision on one failure; decisions are added, never edited."""

    __tablename__ = "enforcement"
    contact_id: Mapped[str] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(6))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    required_kind: Mapped[str] = mapped_column(String(10))
    failure_number: Mapped[int] = mapped_column(Integer)
    author: Mapped[str | None] = mapped_column(String(120))


class ContactPlanLink(Base):
    """Sentence plan objectives a contact delivered (live when sentence plans land)."""

    __tablename__ = "contact_plan_link"
    contact_id: Mapped[str] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True)
    objective_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class ContactRmpLink(Base):
    """Risk management plan actions a contact delivered (live when risk plans land)."""

    __tablename__ = "contact_rmp_link"
    contact_id: Mapped[str] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True)
    action_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class ContactDraft(Row):
    """What the officer is typing, saved every few seconds so a crash or a lock loses nothing."""

    __tablename__ = "contact_draft"
    __audited__ = False  # autosaved every few seconds; the saved contact is what gets audited
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    amends_id: Mapped[str | None] = mapped_column(String(36))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class NoteTemplate(Row):
    """Headings the officer likes to write notes under (e.g. 'Progress / Risk / Next steps')."""

    __tablename__ = "note_template"
    name: Mapped[str] = mapped_column(String(80), unique=True)
    body: Mapped[str] = mapped_column(Text)


class Audit(Base):
    """Who did what to which record, written in the same transaction as the change."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(20))  # open | create | update | delete
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    person_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_audit_record", "record_id"), Index("ix_audit_person", "person_id"))


