"""ORM models.

Sync bookkeeping on the laptop: the outbox of local changes, per-record versions and tombstones, cursors and conflicts.
Kept apart from the feature tables, so a new syncable table needs no sync columns (see lpt_desktop/sync/kinds.py).

store/all_models.py imports it, so Base.metadata is complete wherever a Database is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lpt_desktop.store.base import Base, Row, utcnow  # noqa: F401


class SyncRecord(Base):
    """The server version this laptop holds of one record (its change sequence number), and tombstones."""

    __tablename__ = "sync_record"
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    person_id: Mapped[str | None] = mapped_column(String(36), index=True)


class SyncOutbox(Base):
    """One local change waiting for the server, written in the same transaction as the change.

    seq is the laptop's own counter (AUTOINCREMENT never reuses a number); the server remembers the
    highest seq it applied for this laptop, so a replayed batch is acknowledged and ignored.
    """

    __tablename__ = "sync_outbox"
    __table_args__ = {"sqlite_autoincrement": True}
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(80), index=True)
    person_id: Mapped[str | None] = mapped_column(String(36), index=True)
    op: Mapped[str] = mapped_column(String(10))  # upsert | delete
    base_version: Mapped[int] = mapped_column(Integer, default=0)
    # {field: [old, new]} for the fields this change touched (every field on a create).
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SyncState(Base):
    """Key/value: laptop id, server URL, officer, cursor, refresh token, last sync. Inside the encrypted file."""

    __tablename__ = "sync_state"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncConflict(Base):
    """A change the server could not apply cleanly: both versions, field by field, until the officer resolves it.

    id is the server's conflict id (conflicts sync, so every laptop holding the case sees the same list).
    """

    __tablename__ = "sync_conflict"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(80))
    person_id: Mapped[str | None] = mapped_column(String(36), index=True)
    reason: Mapped[str] = mapped_column(String(20))  # field | deleted_there | deleted_here | rejected
    mine: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    theirs: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | resolved
    resolution: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(Text)
    raised_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=0)


class SyncEvict(Base):
    """A case the server moved away while this laptop still had unsent changes to it: evicted once they are sent."""

    __tablename__ = "sync_evict"
    person_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class SyncNotice(Base):
    """Word to this laptop that a choice made on another laptop replaced its change (a settled conflict).

    id is the conflict's id (one notice per conflict); yours holds this laptop's losing values, so they stay
    readable after the record itself shows the version kept.
    """

    __tablename__ = "sync_notice"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(80))
    person_id: Mapped[str | None] = mapped_column(String(36), index=True)
    message: Mapped[str] = mapped_column(Text)
    yours: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # None: this laptop's change was a delete
    kept: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the version kept, where the conflict holds it
    resolution: Mapped[str | None] = mapped_column(String(20))  # mine | theirs | merge (the conflict's words)
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
