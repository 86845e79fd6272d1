"""Transfer requests: a transfer out asks the central store's administrator to move the case (issue 16).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transfer_request",
        sa.Column("id", sa.String(36), primary_key=True), sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("requested_on", sa.Date, nullable=False), sa.Column("to_where", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False), sa.Column("status", sa.String(20), nullable=False),
        sa.Column("settled_on", sa.Date), sa.Column("to_officer", sa.String(120)), sa.Column("refusal", sa.Text),
    )
    op.create_index("ix_transfer_request_person_id", "transfer_request", ["person_id"])


def downgrade() -> None:
    op.drop_table("transfer_request")
