"""Structured contact recording: outcomes, absences, enforcement, UPW, victim contact, drafts, FTS.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Full-text index of contact notes inside the encrypted file. It keeps its own copy of the text
# (not external content): contact has no INTEGER PRIMARY KEY, so its rowids are not stable.
FTS = [
    "CREATE VIRTUAL TABLE contact_fts USING fts5(notes, contact_id UNINDEXED, tokenize='porter unicode61')",
    "INSERT INTO contact_fts (notes, contact_id) SELECT notes, id FROM contact WHERE notes IS NOT NULL",
    """CREATE TRIGGER contact_fts_insert AFTER INSERT ON contact WHEN new.notes IS NOT NULL BEGIN
         INSERT INTO contact_fts (notes, contact_id) VALUES (new.notes, new.id);
       END""",
    """CREATE TRIGGER contact_fts_delete AFTER DELETE ON contact WHEN old.notes IS NOT NULL BEGIN
         DELETE FROM contact_fts WHERE contact_id = old.id;
       END""",
    """CREATE TRIGGER contact_fts_update AFTER UPDATE OF notes ON contact BEGIN
         DELETE FROM contact_fts WHERE contact_id = old.id;
         INSERT INTO contact_fts (notes, contact_id) SELECT new.notes, new.id WHERE new.notes IS NOT NULL;
       END""",
]


def _row() -> list[sa.Column]:
    return [sa.Column("id", sa.String(36), primary_key=True), sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("updated_at", sa.DateTime, nullable=False)]


def upgrade() -> None:
    false = sa.false()
    for column in (
        sa.Column("present", sa.Text), sa.Column("absence_reason", sa.String(6)),
        sa.Column("evidence", sa.String(12)),
        sa.Column("risk_areas", sa.JSON, nullable=False, server_default="[]"),
        sa.Column("needs", sa.JSON, nullable=False, server_default="[]"),
        sa.Column("sensitive", sa.Boolean, nullable=False, server_default=false),
        sa.Column("alert", sa.Boolean, nullable=False, server_default=false),
        sa.Column("management_oversight", sa.Boolean, nullable=False, server_default=false),
        sa.Column("restricted", sa.Boolean, nullable=False, server_default=false),
        sa.Column("upw_minutes_worked", sa.Integer, nullable=False, server_default="0"),
        sa.Column("upw_minutes_credited", sa.Integer, nullable=False, server_default="0"),
        sa.Column("upw_skills", sa.Text), sa.Column("victim_views", sa.Text), sa.Column("author", sa.String(120)),
        sa.Column("amendment_reason", sa.Text),
    ):
        op.add_column("contact", column)
    # SQLite adds a column with a REFERENCES clause in place; Alembic's add_column would need a rebuild.
    op.execute("ALTER TABLE contact ADD COLUMN amends_id VARCHAR(36) REFERENCES contact (id)")
    op.create_index("ix_contact_amends", "contact", ["amends_id"], sqlite_where=sa.text("amends_id IS NOT NULL"))
    op.create_table(
        "enforcement", *_row(),
        sa.Column("contact_id", sa.String(36), sa.ForeignKey("contact.id", ondelete="CASCADE"), nullable=False),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("action", sa.String(6), nullable=False), sa.Column("reason", sa.Text),
        sa.Column("decided_on", sa.Date, nullable=False), sa.Column("required_kind", sa.String(10), nullable=False),
        sa.Column("failure_number", sa.Integer, nullable=False), sa.Column("author", sa.String(120)),
    )
    op.create_index("ix_enforcement_contact_id", "enforcement", ["contact_id"])
    op.create_index("ix_enforcement_person_id", "enforcement", ["person_id"])
    op.create_table(
        "contact_plan_link",
        sa.Column("contact_id", sa.String(36), sa.ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("objective_id", sa.String(36), primary_key=True),
    )
    op.create_table(
        "contact_rmp_link",
        sa.Column("contact_id", sa.String(36), sa.ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("action_id", sa.String(36), primary_key=True),
    )
    op.create_table(
        "contact_draft", *_row(),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("amends_id", sa.String(36)), sa.Column("payload", sa.JSON, nullable=False),
    )
    op.create_index("ix_contact_draft_person_id", "contact_draft", ["person_id"])
    op.create_table(
        "note_template", *_row(),
        sa.Column("name", sa.String(80), nullable=False, unique=True), sa.Column("body", sa.Text, nullable=False),
    )
    # Outcome codes of the first cut: acceptable absences become AA with their reason.
    op.execute("UPDATE contact SET absence_reason = outcome, outcome = 'AA' WHERE outcome IN "
               "('AACL','AAEM','AAFC','AAHO','AAME','AARE','AARC','CO05')")
    for statement in FTS:
        op.execute(statement)


def downgrade() -> None:
    for trigger in ("contact_fts_insert", "contact_fts_delete", "contact_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS contact_fts")
    for table in ("note_template", "contact_draft", "contact_rmp_link", "contact_plan_link", "enforcement"):
        op.drop_table(table)
