"""Contacts (appointments, for 'next due') and the rest of diversity and individual needs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: SQLite does it in place, without rebuilding the table.
    op.add_column("person", sa.Column("preferred_name", sa.String(80)))
    op.add_column("person", sa.Column("first_language", sa.String(60)))
    op.add_column("person", sa.Column("interpreter_required", sa.Boolean, nullable=False,
                                      server_default=sa.false()))
    op.add_column("person", sa.Column("caring_responsibilities", sa.Text))
    op.create_table(
        "contact",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("type_code", sa.String(6), nullable=False),
        sa.Column("starts_at", sa.DateTime, nullable=False),
        sa.Column("outcome", sa.String(6)),
        sa.Column("location", sa.String(120)),
        sa.Column("notes", sa.Text),
    )
    op.create_index("ix_contact_person_starts", "contact", ["person_id", "starts_at"])
    op.create_index("ix_contact_pending", "contact", ["person_id", "starts_at"],
                    sqlite_where=sa.text("outcome IS NULL"))


def downgrade() -> None:
    op.drop_table("contact")
    with op.batch_alter_table("person") as batch:
        for col in ("caring_responsibilities", "interpreter_required", "first_language", "preferred_name"):
            batch.drop_column(col)
