"""Needs assessments and sentence plans (issue 20): needs by OASys section, Skills for Life and barriers; plans
with goals, steps, the person's agreement, goal status changes and reviews; contact_step_link, the steps a
contact delivered (its goals stay in contact_plan_link, objective_id holding the goal's id).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [sa.Column("id", sa.String(36), primary_key=True), sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("updated_at", sa.DateTime, nullable=False)]


def _person() -> sa.Column:
    return sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False)


def _plan() -> sa.Column:
    return sa.Column("plan_id", sa.String(36), sa.ForeignKey("sentence_plan.id", ondelete="CASCADE"),
                     nullable=False)


def _goal() -> sa.Column:
    return sa.Column("goal_id", sa.String(36), sa.ForeignKey("plan_goal.id", ondelete="CASCADE"), nullable=False)


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table(
        "needs_assessment", *_stamps(), _person(),
        sa.Column("status", sa.String(12), nullable=False), sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("completed_on", sa.Date), sa.Column("completed_by_name", sa.String(120)),
        sa.Column("previous_id", sa.String(36)), sa.Column("sections", sa.JSON, nullable=False),
        sa.Column("skills", sa.JSON, nullable=False), sa.Column("barriers", sa.JSON, nullable=False),
        sa.Column("carried", sa.JSON, nullable=False),
    )
    op.create_index("ix_needs_assessment_person", "needs_assessment", ["person_id", "started_on"])
    op.create_table(
        "sentence_plan", *_stamps(), _person(),
        sa.Column("plan_type", sa.String(12), nullable=False), sa.Column("status", sa.String(12), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False), sa.Column("completed_on", sa.Date),
        sa.Column("completed_by_name", sa.String(120)), sa.Column("previous_id", sa.String(36)),
        sa.Column("needs_assessment_id", sa.String(36)), sa.Column("persons_words", sa.Text),
        sa.Column("involvement", sa.Text), sa.Column("sequence_reason", sa.Text),
        sa.Column("warnings_acknowledged", sa.JSON, nullable=False),
    )
    op.create_index("ix_sentence_plan_person", "sentence_plan", ["person_id", "started_on"])
    op.create_table(
        "plan_agreement", *_stamps(), _plan(), _person(),
        sa.Column("agreement", sa.String(20), nullable=False), sa.Column("reason", sa.Text),
        sa.Column("persons_words", sa.Text), sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("by_name", sa.String(120)), sa.Column("updated", sa.Boolean, nullable=False),
    )
    _indexes("plan_agreement", "plan_id", "person_id")
    op.create_table(
        "plan_goal", *_stamps(), _plan(), _person(),
        sa.Column("title", sa.String(200), nullable=False), sa.Column("area", sa.String(40)),
        sa.Column("related_areas", sa.JSON, nullable=False), sa.Column("outcome", sa.Text),
        sa.Column("target_choice", sa.String(12)), sa.Column("target_date", sa.Date),
        sa.Column("status", sa.String(12), nullable=False), sa.Column("position", sa.Integer, nullable=False),
        sa.Column("need_links", sa.JSON, nullable=False), sa.Column("rosh_link", sa.Boolean, nullable=False),
        sa.Column("requirement_ids", sa.JSON, nullable=False), sa.Column("learning_plan", sa.Boolean, nullable=False),
        sa.Column("carried_from", sa.String(36)),
    )
    _indexes("plan_goal", "plan_id", "person_id")
    op.create_table(
        "plan_goal_status", *_stamps(), _goal(), _person(),
        sa.Column("status", sa.String(12), nullable=False), sa.Column("note", sa.Text),
        sa.Column("on_date", sa.Date, nullable=False), sa.Column("by_name", sa.String(120)),
    )
    _indexes("plan_goal_status", "goal_id", "person_id")
    op.create_table(
        "plan_step", *_stamps(), _goal(), _person(),
        sa.Column("what", sa.Text, nullable=False), sa.Column("who", sa.String(30), nullable=False),
        sa.Column("partner", sa.String(40)), sa.Column("who_name", sa.String(120)), sa.Column("by_when", sa.Date),
        sa.Column("status", sa.String(20), nullable=False), sa.Column("position", sa.Integer, nullable=False),
    )
    _indexes("plan_step", "goal_id", "person_id")
    op.create_table(
        "plan_review", *_stamps(), _plan(), _person(),
        sa.Column("status", sa.String(12), nullable=False), sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("completed_on", sa.Date), sa.Column("completed_by_name", sa.String(120)),
        sa.Column("reason", sa.String(40)), sa.Column("ratings", sa.JSON, nullable=False),
        sa.Column("before", sa.JSON, nullable=False),
        sa.Column("changed", sa.Boolean, nullable=False), sa.Column("no_change_reason", sa.Text),
        sa.Column("notes", sa.Text),
    )
    _indexes("plan_review", "plan_id", "person_id")
    op.create_table(
        "contact_step_link",
        sa.Column("contact_id", sa.String(36), sa.ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("step_id", sa.String(36), primary_key=True),
    )


def downgrade() -> None:
    for table in ("contact_step_link", "plan_review", "plan_step", "plan_goal_status", "plan_goal", "plan_agreement",
                  "sentence_plan", "needs_assessment"):
        op.drop_table(table)
