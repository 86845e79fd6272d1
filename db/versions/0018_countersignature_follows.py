"""Countersignature chains in causal order (issue 19): each record names the record it follows (follows_id),
so a target's chain is ordered whatever the laptops' clocks said; rows written before it have none and keep
their old order.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("countersignature") as batch:
        batch.add_column(sa.Column("follows_id", sa.String(36)))


def downgrade() -> None:
    with op.batch_alter_table("countersignature") as batch:
        batch.drop_column("follows_id")
