"""ORM models.

Schedules and the National Standards engine's local records: appointments, office closure days, case overrides.

Booked appointments are pending `contact` rows (outcome NULL, a future starts_at); a recurring series
groups them through contact.series_id. store/all_models.py imports it, so Base.metadata is complete
wherever a Database is.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lpt_desktop.store import models as _core  # noqa: F401 - the core tables its foreign keys name
from lpt_desktop.store.base import Base, Row  # noqa: F401


class OfficeClosure(Row):
    """A day the office is shut (an administrator adds it): not a working day for any deadline."""

    __tablename__ = "office_closure"
    day: Mapped[date] = mapped_column(Date, unique=True)
    reason: Mapped[str] = mapped_column(String(120))


class StandardsOverride(Row):
    """The officer's choice for one case where the policy leaves it to judgement (contact every N days)."""

    __tablename__ = "standards_override"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(40))
    every_days: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("person_id", "rule", name="uq_standards_override_person_rule"),)


class StandardsRecord(Row):
    """A plan or review done for a case (sentence_plan | plan_review | rosh_review), until plans have tables."""

    __tablename__ = "standards_record"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    done_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class AppointmentSeries(Row):
    """A recurring appointment (weekly, fortnightly, four-weekly); its bookings are contact rows."""

    __tablename__ = "appointment_series"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    every: Mapped[str] = mapped_column(String(12))
    first_at: Mapped[datetime] = mapped_column(DateTime)
    count: Mapped[int] = mapped_column(Integer)
    type_code: Mapped[str] = mapped_column(String(6))
    location: Mapped[str | None] = mapped_column(String(120))
