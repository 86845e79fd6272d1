"""ORM models: the editable case record (issue 16).

Other names, disabilities with their adjustments, personal contacts, circumstances with their history,
sentence events (orders made, releases, recalls, terminations...) and the case's timeline of changes
(`case_event`, which the standards engine reads for reviews on significant change). The columns the core
rows gained (a person's phones and email, an address's kind, a sentence's outcome and recall, a register's
review and end reason) are in store/models.py. store/all_models.py imports this module.

Codes (kinds, relationships, values) are data in resources/data/ (domain/case_codes.py reads them), so the
columns hold short codes and no check constraints: a code added to the data needs no migration.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lpt_desktop.store import models as _core  # noqa: F401 - the core tables its foreign keys name
from lpt_desktop.store.base import Row


class Alias(Row):
    """Another name the person is known by (searched by the caseload filter)."""

    __tablename__ = "alias"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20), default="alias")  # alias | birth | married | nickname | other
    notes: Mapped[str | None] = mapped_column(Text)


class Disability(Row):
    """A disability and the adjustment made for it (to_date set when it no longer applies)."""

    __tablename__ = "disability"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    adjustment: Mapped[str | None] = mapped_column(Text)
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)


class PersonalContact(Row):
    """Someone in the person's life the officer may need: next of kin, family, GP, solicitor, another
    agency's worker."""

    __tablename__ = "personal_contact"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    relationship: Mapped[str] = mapped_column(String(20))  # next_of_kin | family | gp | solicitor | agency | other
    name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


class Circumstance(Row):
    """One of the person's circumstances from a date (accommodation, employment, relationship...): recording
    a new one of a kind closes the previous one, so the history stays."""

    __tablename__ = "circumstance"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # resources/data/circumstance_types.json
    value: Mapped[str] = mapped_column(String(30))
    details: Mapped[str | None] = mapped_column(Text)
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)


class SentenceEvent(Row):
    """Something that happened to a sentence: made, a requirement started or ended, terminated, released,
    a licence varied, recalled, licence ended, transferred. Added, never edited."""

    __tablename__ = "sentence_event"
    sentence_id: Mapped[str] = mapped_column(ForeignKey("sentence.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    on_date: Mapped[date] = mapped_column(Date)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CaseEvent(Row):
    """The case's timeline: every change to the record, of a kind (resources/data/significant_changes.json
    says which kinds are significant and when the RoSH and plan reviews fall due after one). Added, never
    edited; source_table/source_id name the row the change made."""

    __tablename__ = "case_event"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    on_date: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(String(200))
    source_table: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (Index("ix_case_event_person_on", "person_id", "on_date"),)


class TransferRequest(Row):
    """A request to the central store's administrator to move the case, made with a transfer out (issue 16).

    The officer adds it; only the administrator settles it (`lpt-central transfer done|refuse`), on the server,
    and the settled request syncs back: so it syncs as append-only, and a laptop never edits it. Who asked is
    the server's record of who sent it, not a column a laptop fills in."""

    __tablename__ = "transfer_request"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    requested_on: Mapped[date] = mapped_column(Date)  # the transfer date the officer gave
    to_where: Mapped[str] = mapped_column(String(200))  # the team, office or area the case goes to
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="requested")  # requested | done | refused
    settled_on: Mapped[date | None] = mapped_column(Date)
    to_officer: Mapped[str | None] = mapped_column(String(120))  # who the case went to (done)
    refusal: Mapped[str | None] = mapped_column(Text)  # the administrator's reason (refused)
