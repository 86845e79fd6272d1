"""A report writer's screening confirmed or revised by the offender manager becomes its own append-only row
(rosh_confirmation, keyed by the screening's id), since a completed RoSH assessment is sealed and never written
again (review of issue 18). Existing confirmations are copied over; the old columns stay, unwritten.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rosh_confirmation",
        sa.Column("id", sa.String(36), primary_key=True), sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("assessment_id", sa.String(36), nullable=False), sa.Column("action", sa.String(12), nullable=False),
        sa.Column("review_id", sa.String(36)), sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("by_officer", sa.String(36)), sa.Column("by_name", sa.String(120)),
    )
    op.create_index("ix_rosh_confirmation_person_id", "rosh_confirmation", ["person_id"])
    # The same id on every laptop (the screening's), so two laptops migrating make one record, not two.
    op.execute("INSERT INTO rosh_confirmation (id, created_at, updated_at, person_id, assessment_id, action, "
               "on_date, by_officer, by_name) SELECT id, created_at, updated_at, person_id, id, confirmation, "
               "confirmed_on, confirmed_by, confirmed_by_name FROM rosh_assessment "
               "WHERE confirmation IS NOT NULL AND confirmed_on IS NOT NULL")


def downgrade() -> None:
    op.drop_table("rosh_confirmation")
