"""Offices: the address and phone number a letter is written from, and the office each officer works from
(issue 15: the warning letter lacked both).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _row() -> list[sa.Column]:
    return [sa.Column("id", sa.String(36), primary_key=True), sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("updated_at", sa.DateTime, nullable=False)]


def upgrade() -> None:
    op.create_table(
        "office", *_row(),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("line1", sa.String(120), nullable=False), sa.Column("line2", sa.String(120)),
        sa.Column("town", sa.String(80)), sa.Column("postcode", sa.String(10), nullable=False),
        sa.Column("phone", sa.String(30), nullable=False),
    )
    op.create_table(
        "officer_office", *_row(),
        sa.Column("officer_id", sa.String(36), sa.ForeignKey("officer.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("office_id", sa.String(36), sa.ForeignKey("office.id"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("officer_office")
    op.drop_table("office")
