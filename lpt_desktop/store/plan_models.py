"""ORM models: needs assessments and sentence plans (issue 20): the needs by OASys section, Skills for Life
screening and barriers to engagement; plans with their goals, steps, the person's agreement, goal status
changes and reviews; contacts linked to the steps they delivered.

A needs assessment is one row, draft to complete, like a RoSH assessment: its sections, screening and barriers
are JSON columns since their codes are data (resources/data/needs_assessment.json) and change without a
migration. A new assessment starts from the previous one (previous_id) and `carried` records the text carried
in (assessment/carried_forward.py). A completed assessment, plan or review is never edited again (sealed:
sync/kinds.py); what changes after completion (a goal's status, a step's status, an updated agreement) lives in
its own rows, so two laptops never clash over a sealed record.

Goals link to contacts through the existing contact_plan_link (objective_id holds the goal's id); steps through
contact_step_link. Who completed is kept by name, since officer rows do not sync.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lpt_desktop.store import models as _core  # noqa: F401 - the core tables its foreign keys name
from lpt_desktop.store.base import Base, Row


class NeedsAssessment(Row):
    """A needs assessment: each OASys section's need, the Skills for Life screening and the barriers."""

    __tablename__ = "needs_assessment"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft | complete
    started_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completed_by_name: Mapped[str | None] = mapped_column(String(120))
    previous_id: Mapped[str | None] = mapped_column(String(36))  # the assessment this one started from
    # section code -> {"severity": none|standard|severe, "risk_of_harm": bool, "reoffending": bool, "evidence": str}
    sections: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Skills for Life: {"literacy"|"numeracy"|"language": result, "screened_on", "referred_on", "full_result",
    # "learning_plan": bool, "no_referral_reason"}
    skills: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # barrier code -> {"present": bool, "detail": str, "adjustment": str}
    barriers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # As RoSH: "in" (section key -> {text, origin}) and "now" (section key -> {origin, confirmed_by, confirmed_on}).
    carried: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_needs_assessment_person", "person_id", "started_on"),)


class SentencePlan(Row):
    """A sentence plan (type initial, review, termination, transfer or other), draft to complete."""

    __tablename__ = "sentence_plan"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    plan_type: Mapped[str] = mapped_column(String(12), default="initial")
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft | complete
    started_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completed_by_name: Mapped[str | None] = mapped_column(String(120))
    previous_id: Mapped[str | None] = mapped_column(String(36))  # the plan this version started from
    needs_assessment_id: Mapped[str | None] = mapped_column(String(36))  # the needs it was made from
    persons_words: Mapped[str | None] = mapped_column(Text)  # what they want to change, in their words
    involvement: Mapped[str | None] = mapped_column(Text)  # how the person took part in making the plan
    sequence_reason: Mapped[str | None] = mapped_column(Text)  # why risk of harm work is not first
    warnings_acknowledged: Mapped[list[str]] = mapped_column(JSON, default=list)  # flags completed over

    __table_args__ = (Index("ix_sentence_plan_person", "person_id", "started_on"),)


class PlanAgreement(Row):
    """The person's agreement with a plan: yes, no, or could not answer (a reason for the last two). Append-only
    rows, so an updated agreement after completion is a new row beside the sealed plan; the latest counts."""

    __tablename__ = "plan_agreement"
    plan_id: Mapped[str] = mapped_column(ForeignKey("sentence_plan.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    agreement: Mapped[str] = mapped_column(String(20))  # yes | no | could_not_answer
    reason: Mapped[str | None] = mapped_column(Text)  # required for no and could_not_answer (4,000 characters)
    persons_words: Mapped[str | None] = mapped_column(Text)  # their words at an updated agreement
    on_date: Mapped[date] = mapped_column(Date)
    by_name: Mapped[str | None] = mapped_column(String(120))
    updated: Mapped[bool] = mapped_column(Boolean, default=False)  # given after the plan was completed


class PlanGoal(Row):
    """A goal: one area of need and related areas, what will be different, a target date or none (future)."""

    __tablename__ = "plan_goal"
    plan_id: Mapped[str] = mapped_column(ForeignKey("sentence_plan.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    area: Mapped[str | None] = mapped_column(String(40))  # a needs section code
    related_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    outcome: Mapped[str | None] = mapped_column(Text)  # what will be different
    target_choice: Mapped[str | None] = mapped_column(String(12))  # 3_months | 6_months | 12_months | date | none
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | future | achieved | removed
    position: Mapped[int] = mapped_column(Integer, default=0)
    need_links: Mapped[list[str]] = mapped_column(JSON, default=list)  # needs section codes it addresses
    rosh_link: Mapped[bool] = mapped_column(Boolean, default=False)  # addresses risk of serious harm
    requirement_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # interventions placed under it
    learning_plan: Mapped[bool] = mapped_column(Boolean, default=False)  # the Skills for Life learning plan
    carried_from: Mapped[str | None] = mapped_column(String(36))  # the goal of the previous plan it continues


class PlanGoalStatus(Row):
    """A goal's status change with the officer's note: append-only, the history the goal shows."""

    __tablename__ = "plan_goal_status"
    goal_id: Mapped[str] = mapped_column(ForeignKey("plan_goal.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    on_date: Mapped[date] = mapped_column(Date)
    by_name: Mapped[str | None] = mapped_column(String(120))


class PlanStep(Row):
    """A step towards a goal: what, who (a role from the list, a named partner or someone named), by when."""

    __tablename__ = "plan_step"
    goal_id: Mapped[str] = mapped_column(ForeignKey("plan_goal.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(30))  # a who code (sentence_plan.json)
    partner: Mapped[str | None] = mapped_column(String(40))  # a named partner code (sentence_plan.json)
    who_name: Mapped[str | None] = mapped_column(String(120))  # someone named, or the partner's own name
    by_when: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    position: Mapped[int] = mapped_column(Integer, default=0)


class PlanReview(Row):
    """A review of a plan rating every goal met, partly met or not met; sealed once completed."""

    __tablename__ = "plan_review"
    plan_id: Mapped[str] = mapped_column(ForeignKey("sentence_plan.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft | complete
    started_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completed_by_name: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(String(40))  # interval, or a significant change kind code
    # goal id -> {"rating": met|partly_met|not_met, "note": str}
    ratings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The goals and steps when the review began (assessment/sentence_plan.plan_changed compares them with the
    # plan at completion: whether the review changed the plan).
    before: Mapped[list[Any]] = mapped_column(JSON, default=list)
    changed: Mapped[bool] = mapped_column(Boolean, default=False)  # the review changed the plan
    no_change_reason: Mapped[str | None] = mapped_column(Text)  # why a review changed nothing
    notes: Mapped[str | None] = mapped_column(Text)


class ContactStepLink(Base):
    """Sentence plan steps a contact delivered (goals are in contact_plan_link)."""

    __tablename__ = "contact_step_link"
    contact_id: Mapped[str] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True)
    step_id: Mapped[str] = mapped_column(String(36), primary_key=True)
