"""Initial caseload schema: officer, person, addresses, sentences, requirements, registers, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _row_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    ]


def upgrade() -> None:
    op.create_table("lpt_meta", sa.Column("key", sa.String(64), primary_key=True),
                    sa.Column("value", sa.Text, nullable=False))
    op.create_table(
        "officer", *_row_columns(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("staff_code", sa.String(20), nullable=False, unique=True),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("team", sa.String(120)),
    )
    op.create_table(
        "person", *_row_columns(),
        sa.Column("crn", sa.String(7), nullable=False, unique=True),
        sa.Column("first_name", sa.String(80), nullable=False),
        sa.Column("last_name", sa.String(80), nullable=False),
        sa.Column("date_of_birth", sa.Date, nullable=False),
        sa.Column("pnc", sa.String(20)),
        sa.Column("gender", sa.String(40)),
        sa.Column("ethnicity", sa.String(80)),
        sa.Column("religion", sa.String(80)),
        sa.Column("disabilities", sa.Text),
        sa.Column("individual_needs", sa.Text),
        sa.Column("tier", sa.String(3)),
        sa.Column("rosh", sa.String(2)),
        sa.Column("officer_id", sa.String(36), sa.ForeignKey("officer.id")),
    )
    op.create_index("ix_person_last_name", "person", ["last_name"])
    op.create_table(
        "address", *_row_columns(),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("line1", sa.String(120), nullable=False),
        sa.Column("line2", sa.String(120)),
        sa.Column("town", sa.String(80)),
        sa.Column("postcode", sa.String(10)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("from_date", sa.Date),
        sa.Column("to_date", sa.Date),
    )
    op.create_index("ix_address_person_id", "address", ["person_id"])
    op.create_table(
        "sentence", *_row_columns(),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("order_type", sa.String(4), nullable=False),
        sa.Column("offence", sa.String(200)),
        sa.Column("court", sa.String(120)),
        sa.Column("sentence_date", sa.Date),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date),
        sa.Column("length_months", sa.Integer),
        sa.Column("terminated_on", sa.Date),
    )
    op.create_index("ix_sentence_person_id", "sentence", ["person_id"])
    op.create_table(
        "requirement", *_row_columns(),
        sa.Column("sentence_id", sa.String(36), sa.ForeignKey("sentence.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("type_code", sa.String(6), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("start_date", sa.Date),
        sa.Column("end_date", sa.Date),
    )
    op.create_index("ix_requirement_sentence_id", "requirement", ["sentence_id"])
    op.create_table(
        "licence_condition", *_row_columns(),
        sa.Column("sentence_id", sa.String(36), sa.ForeignKey("sentence.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("code", sa.String(10), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("standard", sa.Boolean, nullable=False),
    )
    op.create_index("ix_licence_condition_sentence_id", "licence_condition", ["sentence_id"])
    op.create_table(
        "registration", *_row_columns(),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("type_code", sa.String(6), nullable=False),
        sa.Column("category", sa.String(4)),
        sa.Column("level", sa.String(4)),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("next_review_date", sa.Date),
        sa.Column("ended_on", sa.Date),
        sa.Column("notes", sa.Text),
    )
    op.create_index("ix_registration_person_id", "registration", ["person_id"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36)),
        sa.Column("detail", sa.Text),
    )
    op.create_index("ix_audit_record", "audit", ["record_id"])
    op.create_index("ix_audit_person", "audit", ["person_id"])


def downgrade() -> None:
    for table in ("audit", "registration", "licence_condition", "requirement", "sentence", "address",
                  "person", "officer", "lpt_meta"):
        op.drop_table(table)
