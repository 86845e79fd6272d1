"""Court work: report requests, pre-sentence records, reports.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _row() -> list[sa.Column]:
    return [sa.Column("id", sa.String(36), primary_key=True), sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("updated_at", sa.DateTime, nullable=False)]


def upgrade() -> None:
    op.create_table(
        "pre_sentence", *_row(),
        sa.Column("first_name", sa.String(80), nullable=False), sa.Column("last_name", sa.String(80), nullable=False),
        sa.Column("date_of_birth", sa.Date, nullable=False), sa.Column("pnc", sa.String(20)),
        sa.Column("address", sa.Text),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="SET NULL")),
        sa.Column("promoted_on", sa.Date),
    )
    op.create_table(
        "report_request", *_row(),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="SET NULL")),
        sa.Column("pre_sentence_id", sa.String(36), sa.ForeignKey("pre_sentence.id", ondelete="SET NULL")),
        sa.Column("court", sa.String(120), nullable=False), sa.Column("lja", sa.String(120), nullable=False),
        sa.Column("hearing_date", sa.Date, nullable=False), sa.Column("report_type", sa.String(10), nullable=False),
        sa.Column("remanded", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("requested_on", sa.Date, nullable=False), sa.Column("due_by", sa.Date, nullable=False),
        sa.Column("status", sa.String(12), nullable=False, server_default="requested"),
        sa.Column("sent_on", sa.Date), sa.Column("author", sa.String(120)),
    )
    op.create_index("ix_report_request_person_id", "report_request", ["person_id"])
    op.create_index("ix_report_request_pre_sentence_id", "report_request", ["pre_sentence_id"])
    op.create_index("ix_report_request_status_due", "report_request", ["status", "due_by"])
    op.create_table(
        "court_report", *_row(),
        sa.Column("request_id", sa.String(36), sa.ForeignKey("report_request.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="SET NULL")),
        sa.Column("report_type", sa.String(10), nullable=False),
        sa.Column("sections", sa.JSON, nullable=False, server_default="{}"),
        sa.Column("prefilled", sa.JSON, nullable=False, server_default="{}"),
        sa.Column("signed_by", sa.String(120)), sa.Column("signed_on", sa.Date),
        sa.Column("countersigned_by", sa.String(120)), sa.Column("countersigned_on", sa.Date),
    )
    op.create_index("ix_court_report_person_id", "court_report", ["person_id"])


def downgrade() -> None:
    op.drop_table("court_report")
    op.drop_table("report_request")
    op.drop_table("pre_sentence")
