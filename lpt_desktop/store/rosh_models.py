"""ORM models: Risk of Serious Harm (issue 18): assessments (screening, full analysis, summary; reviews), risk
management plans and their actions.

An assessment is one row from the screening to the summary: the screening's answers, the sources checked, the
gate decision, the full analysis and the summary are JSON columns, since their questions and fields are data in
resources/data/ (rosh_screening.json, rosh_assessment.json) and change without a migration. A review is a new
row that starts from the previous one (previous_id); `carried` records what it carried in, so text pulled
through unchanged is flagged however long ago it was written. A completed assessment is never edited again:
earlier versions stay readable and comparable.

Who completed or confirmed is kept as the officer's id (this laptop's officer row) and by name, since officer
rows do not sync and the name must travel with the record. Evidence of plan actions is contact_rmp_link in
store/models.py (contact id, action id).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lpt_desktop.store import models as _core  # noqa: F401 - the core tables its foreign keys name
from lpt_desktop.store.base import Row

# The team manager's countersignature (issue 19) moves these on; until then every record is 'unsigned'.
COUNTERSIGN_STATUSES = ("unsigned", "self_signed", "awaiting_countersignature", "awaiting_double_countersignature",
                        "countersigned", "double_countersigned", "rejected", "locked_incomplete")


class RoshAssessment(Row):
    """A RoSH screening (kind 'screening') or review (kind 'review'), with its full analysis and summary."""

    __tablename__ = "rosh_assessment"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12), default="screening")  # screening | review
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft | complete
    started_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completed_by: Mapped[str | None] = mapped_column(String(36))  # the completing laptop's officer id
    completed_by_name: Mapped[str | None] = mapped_column(String(120))
    by_report_writer: Mapped[bool] = mapped_column(Boolean, default=False)  # made for court (pre-sentence)
    # Legacy (before 0015): the confirmation of a report writer's screening, now a RoshConfirmation row, since a
    # completed assessment is sealed (sync/kinds.py). Kept so older exports import; never written.
    confirmation: Mapped[str | None] = mapped_column(String(12))
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    confirmed_by: Mapped[str | None] = mapped_column(String(36))
    confirmed_by_name: Mapped[str | None] = mapped_column(String(120))
    previous_id: Mapped[str | None] = mapped_column(String(36))  # the assessment a review started from
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # question id -> period -> answer
    sources_checked: Mapped[list[str]] = mapped_column(JSON, default=list)  # source codes
    source_reasons: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # source code -> why not checked
    full_analysis: Mapped[str | None] = mapped_column(String(12))  # required | done | not_doing | None (not needed)
    gate_reason: Mapped[str | None] = mapped_column(Text)  # why no full analysis although one was triggered
    analysis: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # period -> field -> text
    # texts (field -> text), community and custody (group -> level), in_custody, no_analysis_reason
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # "in": section key -> {text, origin} carried into a review; "now": section key -> {origin, confirmed_by,
    # confirmed_on} for the text as it is now (services/rosh.py keeps them with assessment/carried_forward.py).
    carried: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    overall_level: Mapped[str | None] = mapped_column(String(2))  # L | M | H | VH, set at completion
    warnings_acknowledged: Mapped[list[str]] = mapped_column(JSON, default=list)  # the warnings completed over
    # Only "unsigned" now: the countersignature chain is the truth (services/countersign.chain_status), and a
    # completed assessment is never written again.
    countersign_status: Mapped[str] = mapped_column(String(40), default="unsigned")

    __table_args__ = (Index("ix_rosh_assessment_person", "person_id", "started_on"),)


class RoshConfirmation(Row):
    """The offender manager's word on a report writer's screening: confirmed, or revised by a review. Its own
    append-only row, keyed by the screening's id (one per screening: a second laptop's is refused as a change
    of it), since the completed screening itself is never edited."""

    __tablename__ = "rosh_confirmation"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[str] = mapped_column(String(36))  # the screening (the same as id)
    action: Mapped[str] = mapped_column(String(12))  # confirmed | revised
    review_id: Mapped[str | None] = mapped_column(String(36))  # the review that revised it
    on_date: Mapped[date] = mapped_column(Date)
    by_officer: Mapped[str | None] = mapped_column(String(36))  # this laptop's officer id (not synced)
    by_name: Mapped[str | None] = mapped_column(String(120))


class RiskPlan(Row):
    """A risk management plan, made from an assessment (required at the level in rosh_assessment.json)."""

    __tablename__ = "risk_plan"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft | complete
    started_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completed_by_name: Mapped[str | None] = mapped_column(String(120))
    # Legacy (before 0016): [{with, detail, on}]. Sharing is now RiskPlanSharing rows, since a completed plan
    # is sealed and two laptops adding to one list clashed; read beside the rows, never written.
    shared: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, info={"transfer": "records"})
    countersign_status: Mapped[str] = mapped_column(String(40), default="unsigned")


class RiskPlanAction(Row):
    """One action of a plan's section: who (a role or agency), what, and by when."""

    __tablename__ = "risk_plan_action"
    plan_id: Mapped[str] = mapped_column(ForeignKey("risk_plan.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(30))  # a plan section code (rosh_assessment.json)
    who: Mapped[str | None] = mapped_column(String(120))
    what: Mapped[str | None] = mapped_column(Text)
    by_when: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)
    done_on: Mapped[date | None] = mapped_column(Date)


class RiskPlanSharing(Row):
    """The plan was shared with an agency on a day: one append-only row each, so two laptops adding different
    ones both keep theirs, and a completed plan is shared without being written."""

    __tablename__ = "risk_plan_sharing"
    plan_id: Mapped[str] = mapped_column(ForeignKey("risk_plan.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    agency: Mapped[str] = mapped_column(String(40))  # an agency code (rosh_assessment.json)
    detail: Mapped[str | None] = mapped_column(String(200))  # who, for "other" (and any agency's detail)
    on_date: Mapped[date] = mapped_column(Date)
