"""ORM model: countersignature (issue 19). One row per signing action on a piece of work (a RoSH
assessment, a risk management plan, later a sentence plan) or on a tier override: submitted, resubmitted,
self-signed, countersigned, double countersigned, returned, agreed, refused, locked incomplete.

Rows are append-only: a target's status is replayed from its chain, ordered by follows_id (assessment/countersign.py
status_of), so the officer's and the manager's laptops agree once both hold the same rows. The author is kept
by username (what the central store knows them by, so 'nobody countersigns their own work' can be checked on
both sides) and by name, role and grade as they were when they acted.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lpt_desktop.store import models as _core  # noqa: F401 - the core tables its foreign keys name
from lpt_desktop.store.base import Row


class Countersignature(Row):
    """One signing action on a target (target_kind, target_id) of a case."""

    __tablename__ = "countersignature"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    # rosh_assessment | risk_plan | sentence_plan | tier_decision
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(24))  # assessment/countersign.py ACTIONS
    status_after: Mapped[str] = mapped_column(String(40))  # the status this action led to when it was taken
    author: Mapped[str | None] = mapped_column(String(120))  # who acted: their username on the central store
    author_name: Mapped[str | None] = mapped_column(String(120))
    author_role: Mapped[str | None] = mapped_column(String(40))  # offender_manager | team_manager
    author_grade: Mapped[str | None] = mapped_column(String(20))  # po | pso | trainee, when known
    on_date: Mapped[date] = mapped_column(Date)
    comment: Mapped[str | None] = mapped_column(Text)  # a return's comments; an override's agreement or refusal
    # The record this one follows (the chain's head where it was written; None: the first, or a row written
    # before the column): the chain's order is causal, whatever the laptops' clocks say (status_of replays
    # assessment/countersign.chain_order), and the central store refuses a record that does not follow its head.
    follows_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (Index("ix_countersignature_target", "target_kind", "target_id"),)
