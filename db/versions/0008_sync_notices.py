"""Sync notices: word that a choice made on another laptop replaced this laptop's change (issue 13).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_notice",
        sa.Column("id", sa.String(36), primary_key=True), sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(80), nullable=False), sa.Column("person_id", sa.String(36)),
        sa.Column("message", sa.Text, nullable=False), sa.Column("yours", sa.JSON), sa.Column("kept", sa.JSON),
        sa.Column("resolution", sa.String(20)), sa.Column("resolved_by", sa.String(120)),
        sa.Column("created_at", sa.DateTime, nullable=False), sa.Column("read_at", sa.DateTime),
    )
    op.create_index("ix_sync_notice_person_id", "sync_notice", ["person_id"])


def downgrade() -> None:
    op.drop_table("sync_notice")
