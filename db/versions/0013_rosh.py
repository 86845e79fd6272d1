"""Risk of Serious Harm (issue 18): assessments (screening, full analysis, summary; reviews), risk management
plans and their actions. Evidence of an action is the existing contact_rmp_link.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [sa.Column("id", sa.String(36), primary_key=True), sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("updated_at", sa.DateTime, nullable=False)]


def _person() -> sa.Column:
    return sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "rosh_assessment", *_stamps(), _person(),
        sa.Column("kind", sa.String(12), nullable=False), sa.Column("status", sa.String(12), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False), sa.Column("completed_on", sa.Date),
        sa.Column("completed_by", sa.String(36)), sa.Column("completed_by_name", sa.String(120)),
        sa.Column("by_report_writer", sa.Boolean, nullable=False), sa.Column("confirmation", sa.String(12)),
        sa.Column("confirmed_on", sa.Date), sa.Column("confirmed_by", sa.String(36)),
        sa.Column("confirmed_by_name", sa.String(120)), sa.Column("previous_id", sa.String(36)),
        sa.Column("answers", sa.JSON, nullable=False), sa.Column("sources_checked", sa.JSON, nullable=False),
        sa.Column("source_reasons", sa.JSON, nullable=False), sa.Column("full_analysis", sa.String(12)),
        sa.Column("gate_reason", sa.Text), sa.Column("analysis", sa.JSON, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False), sa.Column("carried", sa.JSON, nullable=False),
        sa.Column("overall_level", sa.String(2)), sa.Column("warnings_acknowledged", sa.JSON, nullable=False),
        sa.Column("countersign_status", sa.String(40), nullable=False),
    )
    op.create_index("ix_rosh_assessment_person", "rosh_assessment", ["person_id", "started_on"])
    op.create_table(
        "risk_plan", *_stamps(), _person(),
        sa.Column("assessment_id", sa.String(36)), sa.Column("status", sa.String(12), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False), sa.Column("completed_on", sa.Date),
        sa.Column("completed_by_name", sa.String(120)), sa.Column("shared", sa.JSON, nullable=False),
        sa.Column("countersign_status", sa.String(40), nullable=False),
    )
    op.create_index("ix_risk_plan_person_id", "risk_plan", ["person_id"])
    op.create_table(
        "risk_plan_action", *_stamps(),
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("risk_plan.id", ondelete="CASCADE"), nullable=False),
        _person(),
        sa.Column("section", sa.String(30), nullable=False), sa.Column("who", sa.String(120)),
        sa.Column("what", sa.Text), sa.Column("by_when", sa.Date), sa.Column("position", sa.Integer, nullable=False),
        sa.Column("done_on", sa.Date),
    )
    op.create_index("ix_risk_plan_action_plan_id", "risk_plan_action", ["plan_id"])
    op.create_index("ix_risk_plan_action_person_id", "risk_plan_action", ["person_id"])


def downgrade() -> None:
    op.drop_table("risk_plan_action")
    op.drop_table("risk_plan")
    op.drop_table("rosh_assessment")
