"""ORM models.

Court work: report requests, pre-sentence records and the reports themselves.

store/all_models.py imports it, so Base.metadata is complete wherever a Database is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lpt_desktop.store import models as _core  # noqa: F401 - the core tables its foreign keys name
from lpt_desktop.store.base import Base, Row  # noqa: F401


class PreSentence(Row):
    """Someone the court asked about who is not (yet) on the caseload.

    promote_to_case turns it into a Person without re-typing; person_id then points at that case
    and the record is kept, so the audit trail still shows where the case came from.
    """

    __tablename__ = "pre_sentence"
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    date_of_birth: Mapped[date] = mapped_column(Date)
    pnc: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(Text)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    promoted_on: Mapped[date | None] = mapped_column(Date)


class ReportRequest(Row):
    """A court's request for a pre-sentence report: who, which court, which type, by when."""

    __tablename__ = "report_request"
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    pre_sentence_id: Mapped[str | None] = mapped_column(ForeignKey("pre_sentence.id", ondelete="SET NULL"),
                                                        index=True)
    court: Mapped[str] = mapped_column(String(120))
    lja: Mapped[str] = mapped_column(String(120))
    hearing_date: Mapped[date] = mapped_column(Date)
    report_type: Mapped[str] = mapped_column(String(10))  # oral | fdr | sdr | addendum
    remanded: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_on: Mapped[date] = mapped_column(Date)
    due_by: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="requested")  # requested | drafting | ready | sent
    sent_on: Mapped[date | None] = mapped_column(Date)
    author: Mapped[str | None] = mapped_column(String(120))

    # The work list reads open requests by due date.
    __table_args__ = (Index("ix_report_request_status_due", "status", "due_by"),)


class CourtReport(Row):
    """The report itself: section fields as JSON keyed by section id, prefill marks, sign-off."""

    __tablename__ = "court_report"
    request_id: Mapped[str] = mapped_column(ForeignKey("report_request.id", ondelete="CASCADE"), unique=True)
    # Copied from the request so audit rows name the case (store/audit.person_id_of).
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    report_type: Mapped[str] = mapped_column(String(10))
    sections: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # section id -> field names filled from the case and not yet confirmed by the writer.
    prefilled: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    signed_by: Mapped[str | None] = mapped_column(String(120))
    signed_on: Mapped[date | None] = mapped_column(Date)
    countersigned_by: Mapped[str | None] = mapped_column(String(120))
    countersigned_on: Mapped[date | None] = mapped_column(Date)
