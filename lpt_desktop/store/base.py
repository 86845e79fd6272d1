"""What every ORM model module builds on: Base, the Row columns, ids and timestamps.

The feature model modules (court_models, schedule_models, sync_models) import this and models, never
each other; models imports none of them. all_models imports every one, so Base.metadata and the mapper
registry are complete (the store's Database, Alembic's env.py and the sync registry import it).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def new_id() -> str:
    # Generated on the laptop so rows can be created offline and synced later without clashes.
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


# Tables the migrations create with raw SQL (FTS5 and its shadow tables): not ORM models.
RAW_SQL_TABLES = ("contact_fts",)


def include_in_autogenerate(name: str | None, type_: str, _parents: dict[str, Any]) -> bool:
    """Alembic include_name hook: leave the raw-SQL tables out of model comparisons."""
    return not (type_ == "table" and name is not None and name.startswith(RAW_SQL_TABLES))


class Row(Base):
    """Columns every case row carries: a UUID and created/updated timestamps."""

    __abstract__ = True
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
