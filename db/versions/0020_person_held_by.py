"""Who holds each case, kept on the laptop (issue 21): the central store's allocation as the sync pull gives it
(the holder's username, which is their staff code, and name), so a team manager's laptop knows each team case's
officer. Written by the pull only; never synced back (sync/kinds.py excludes both columns).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("held_by", sa.String(120)))
        batch.add_column(sa.Column("held_by_name", sa.String(120)))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("held_by_name")
        batch.drop_column("held_by")
