"""Schedules: appointments, recurring series, office closures, per-case standards overrides.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _row() -> list[sa.Column]:
    return [sa.Column("id", sa.String(36), primary_key=True), sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("updated_at", sa.DateTime, nullable=False)]


def _person() -> sa.Column:
    return sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table("office_closure", *_row(), sa.Column("day", sa.Date, nullable=False, unique=True),
                    sa.Column("reason", sa.String(120), nullable=False))
    op.create_table("standards_override", *_row(), _person(), sa.Column("rule", sa.String(40), nullable=False),
                    sa.Column("every_days", sa.Integer, nullable=False),
                    sa.UniqueConstraint("person_id", "rule", name="uq_standards_override_person_rule"))
    op.create_index("ix_standards_override_person_id", "standards_override", ["person_id"])
    op.create_table("standards_record", *_row(), _person(), sa.Column("kind", sa.String(20), nullable=False),
                    sa.Column("done_on", sa.Date, nullable=False), sa.Column("note", sa.Text))
    op.create_index("ix_standards_record_person_id", "standards_record", ["person_id"])
    op.create_table("appointment_series", *_row(), _person(), sa.Column("every", sa.String(12), nullable=False),
                    sa.Column("first_at", sa.DateTime, nullable=False), sa.Column("count", sa.Integer, nullable=False),
                    sa.Column("type_code", sa.String(6), nullable=False), sa.Column("location", sa.String(120)))
    op.create_index("ix_appointment_series_person_id", "appointment_series", ["person_id"])
    # SQLite adds a column with a REFERENCES clause in place; a batch rebuild of contact would drop its FTS triggers.
    op.execute("ALTER TABLE contact ADD COLUMN series_id VARCHAR(36) REFERENCES appointment_series (id)")
    op.create_index("ix_contact_series", "contact", ["series_id"], sqlite_where=sa.text("series_id IS NOT NULL"))
    # A covering index: the standards engine reads contact facts for the whole caseload without the notes.
    op.create_index("ix_contact_standards", "contact", ["person_id", "starts_at", "type_code", "outcome", "id",
                                                        "amends_id"], sqlite_where=sa.text("outcome IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_contact_standards", "contact")
    op.drop_index("ix_contact_series", "contact")
    op.drop_column("contact", "series_id")
    for table in ("appointment_series", "standards_record", "standards_override", "office_closure"):
        op.drop_table(table)
