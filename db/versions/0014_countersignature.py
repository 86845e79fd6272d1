"""Countersignature (issue 19): one append-only row per signing action on a RoSH assessment, risk management
plan, sentence plan or tier override; the target's status is replayed from its chain.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "countersignature",
        sa.Column("id", sa.String(36), primary_key=True), sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("target_kind", sa.String(20), nullable=False), sa.Column("target_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(24), nullable=False), sa.Column("status_after", sa.String(40), nullable=False),
        sa.Column("author", sa.String(120)), sa.Column("author_name", sa.String(120)),
        sa.Column("author_role", sa.String(40)), sa.Column("author_grade", sa.String(20)),
        sa.Column("on_date", sa.Date, nullable=False), sa.Column("comment", sa.Text),
    )
    op.create_index("ix_countersignature_person_id", "countersignature", ["person_id"])
    op.create_index("ix_countersignature_target", "countersignature", ["target_kind", "target_id"])


def downgrade() -> None:
    op.drop_table("countersignature")
