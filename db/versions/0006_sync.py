"""Sync: outbox, record versions and tombstones, cursors, conflicts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_record",
        sa.Column("kind", sa.String(40), primary_key=True), sa.Column("record_id", sa.String(80), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False), sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("person_id", sa.String(36)),
    )
    op.create_index("ix_sync_record_person_id", "sync_record", ["person_id"])
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False), sa.Column("record_id", sa.String(80), nullable=False),
        sa.Column("person_id", sa.String(36)), sa.Column("op", sa.String(10), nullable=False),
        sa.Column("base_version", sa.Integer, nullable=False), sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_sync_outbox_record_id", "sync_outbox", ["record_id"])
    op.create_index("ix_sync_outbox_person_id", "sync_outbox", ["person_id"])
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(40), primary_key=True), sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.String(36), primary_key=True), sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(80), nullable=False), sa.Column("person_id", sa.String(36)),
        sa.Column("reason", sa.String(20), nullable=False), sa.Column("mine", sa.JSON), sa.Column("theirs", sa.JSON),
        sa.Column("fields", sa.JSON, nullable=False), sa.Column("status", sa.String(10), nullable=False),
        sa.Column("resolution", sa.String(20)), sa.Column("message", sa.Text), sa.Column("raised_by", sa.String(120)),
        sa.Column("created_at", sa.DateTime, nullable=False), sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_sync_conflict_person_id", "sync_conflict", ["person_id"])
    op.create_table("sync_evict", sa.Column("person_id", sa.String(36), primary_key=True))


def downgrade() -> None:
    for name in ("sync_evict", "sync_conflict", "sync_state", "sync_outbox", "sync_record"):
        op.drop_table(name)
