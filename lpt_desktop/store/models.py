"""ORM models of the local schema. Alembic migrations in db/versions must match these."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def new_id() -> str:
    # Generated on the laptop so rows can be created offline and synced later without clashes.
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Row(Base):
    """Columns every case row carries: a UUID and created/updated timestamps."""

    __abstract__ = True
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


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
    tier: Mapped[str | None] = mapped_column(String(3))
    rosh: Mapped[str | None] = mapped_column(String(2))
    officer_id: Mapped[str | None] = mapped_column(ForeignKey("officer.id"))

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
    sentence: Mapped[Sentence] = relationship(back_populates="requirements")


class LicenceCondition(Row):
    __tablename__ = "licence_condition"
    sentence_id: Mapped[str] = mapped_column(ForeignKey("sentence.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    standard: Mapped[bool] = mapped_column(Boolean, default=True)
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
    notes: Mapped[str | None] = mapped_column(Text)
    person: Mapped[Person] = relationship(back_populates="registrations")


class Contact(Row):
    """First cut of a contact (an appointment or event); the case recording issue extends it."""

    __tablename__ = "contact"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    type_code: Mapped[str] = mapped_column(String(6))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(6))
    location: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_contact_person_starts", "person_id", "starts_at"),
        # The caseload's "next appointment" reads only pending appointments: a small partial index.
        Index("ix_contact_pending", "person_id", "starts_at", sqlite_where=text("outcome IS NULL")),
    )


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
