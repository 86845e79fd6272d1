"""The editable case record (issue 16): other names, disabilities with adjustments, personal contacts,
circumstances, sentence events and the case's timeline of changes; a person's phones and email, an
address's kind, a sentence's outcome, home detention curfew and recall, a requirement's end reason, a licence
condition's dates, a register's last review and end reason.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _row() -> list[sa.Column]:
    return [sa.Column("id", sa.String(36), primary_key=True), sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("updated_at", sa.DateTime, nullable=False)]


def _person() -> sa.Column:
    return sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False)


# (table, column) added in place: plain ADD COLUMN, SQLite does it without rebuilding the table.
_COLUMNS = (
    ("person", sa.Column("phone", sa.String(30))),
    ("person", sa.Column("mobile", sa.String(30))),
    ("person", sa.Column("email", sa.String(120))),
    ("address", sa.Column("kind", sa.String(20), nullable=False, server_default="home")),
    ("address", sa.Column("notes", sa.Text)),
    ("sentence", sa.Column("outcome", sa.String(30))),
    ("sentence", sa.Column("hdc", sa.Boolean, nullable=False, server_default=sa.false())),
    ("sentence", sa.Column("hdc_end_date", sa.Date)),
    ("sentence", sa.Column("recalled_on", sa.Date)),
    ("requirement", sa.Column("end_reason", sa.Text)),
    ("licence_condition", sa.Column("from_date", sa.Date)),
    ("licence_condition", sa.Column("to_date", sa.Date)),
    ("registration", sa.Column("end_reason", sa.Text)),
    ("registration", sa.Column("reviewed_on", sa.Date)),
)


def upgrade() -> None:
    for table, column in _COLUMNS:
        op.add_column(table, column)
    op.create_table(
        "alias", *_row(), _person(),
        sa.Column("first_name", sa.String(80), nullable=False), sa.Column("last_name", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False), sa.Column("notes", sa.Text),
    )
    op.create_index("ix_alias_person_id", "alias", ["person_id"])
    op.create_table(
        "disability", *_row(), _person(),
        sa.Column("description", sa.String(200), nullable=False), sa.Column("adjustment", sa.Text),
        sa.Column("from_date", sa.Date), sa.Column("to_date", sa.Date),
    )
    op.create_index("ix_disability_person_id", "disability", ["person_id"])
    op.create_table(
        "personal_contact", *_row(), _person(),
        sa.Column("relationship", sa.String(20), nullable=False), sa.Column("name", sa.String(120), nullable=False),
        sa.Column("organisation", sa.String(120)), sa.Column("phone", sa.String(30)),
        sa.Column("email", sa.String(120)), sa.Column("address", sa.Text), sa.Column("notes", sa.Text),
    )
    op.create_index("ix_personal_contact_person_id", "personal_contact", ["person_id"])
    op.create_table(
        "circumstance", *_row(), _person(),
        sa.Column("kind", sa.String(20), nullable=False), sa.Column("value", sa.String(30), nullable=False),
        sa.Column("details", sa.Text), sa.Column("from_date", sa.Date, nullable=False), sa.Column("to_date", sa.Date),
    )
    op.create_index("ix_circumstance_person_id", "circumstance", ["person_id"])
    op.create_table(
        "sentence_event", *_row(),
        sa.Column("sentence_id", sa.String(36), sa.ForeignKey("sentence.id", ondelete="CASCADE"), nullable=False),
        _person(),
        sa.Column("kind", sa.String(30), nullable=False), sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
    )
    op.create_index("ix_sentence_event_sentence_id", "sentence_event", ["sentence_id"])
    op.create_index("ix_sentence_event_person_id", "sentence_event", ["person_id"])
    op.create_table(
        "case_event", *_row(), _person(),
        sa.Column("kind", sa.String(30), nullable=False), sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("summary", sa.String(200), nullable=False), sa.Column("source_table", sa.String(40)),
        sa.Column("source_id", sa.String(36)),
    )
    op.create_index("ix_case_event_person_on", "case_event", ["person_id", "on_date"])


def downgrade() -> None:
    for table in ("case_event", "sentence_event", "circumstance", "personal_contact", "disability", "alias"):
        op.drop_table(table)
    for table in ("person", "address", "sentence", "requirement", "licence_condition", "registration"):
        names = [c.name for t, c in _COLUMNS if t == table]
        with op.batch_alter_table(table) as batch:
            for name in reversed(names):
                batch.drop_column(name)
