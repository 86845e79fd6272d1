"""The central schema: generic record storage, so a new record kind needs no server schema change.

Migrations: db/central/versions (Alembic, its own environment). tests/central checks they match.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Counter(Base):
    """The change sequence: one row, bumped with UPDATE ... RETURNING inside each write transaction.

    On PostgreSQL the row lock is held until commit, so writers take numbers in commit order and a
    reader can never see a number while a lower one is still uncommitted. SQLite serialises writers anyway.
    """

    __tablename__ = "seq_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Secret(Base):
    """The token-signing key, shared by every application server through the database."""

    __tablename__ = "server_secret"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class User(Base):
    __tablename__ = "app_user"
    username: Mapped[str] = mapped_column(String(120), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))  # offender_manager | court_officer | team_manager | administrator
    team: Mapped[str | None] = mapped_column(String(120))
    court: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # po | pso | trainee (auth.GRADES) for officers; None for everyone else. Countersignature rules turn on it,
    # so the server stamps it on submitted work rather than take the laptop's word.
    grade: Mapped[str | None] = mapped_column(String(20))


class Device(Base):
    """A laptop: the last outbox number applied, updated in the same transaction as the changes."""

    __tablename__ = "device"
    laptop_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(120), index=True)
    last_applied_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # The highest cursor this laptop has pulled from: it has seen every move up to here (see scope.can_write).
    pulled_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[datetime | None] = mapped_column(DateTime)
    # Set by `lpt-central laptop revoke` (lost or stolen): its tokens stop working at once and it cannot sign in
    # until `lpt-central laptop restore`.
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class RefreshToken(Base):
    """Refresh tokens as issued before they rotated (kept hashed): no longer issued; each is exchanged once for a
    TokenFamily (auth._legacy), and ends when its laptop signs in again or is revoked."""

    __tablename__ = "refresh_token"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(120), index=True)
    laptop_id: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class TokenFamily(Base):
    """One sign-in of one laptop: its refresh tokens are generations of it, each replacing the last on use.

    A token is `<id>.<generation>.<MAC>` (auth.py): the MAC, keyed from the signing key, makes it unforgeable,
    so the server keeps no token, only which generation is current and when the one before it was replaced.
    Presenting the previous generation within the grace period (a reply lost in transit) gets the current one
    again; presenting any older one, or the previous after the grace period, is theft: the family is revoked.
    """

    __tablename__ = "token_family"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    username: Mapped[str] = mapped_column(String(120), index=True)
    laptop_id: Mapped[str] = mapped_column(String(64), index=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_why: Mapped[str | None] = mapped_column(String(40))


class SignInThrottle(Base):
    """Failed sign-ins per account (`user:<name>`) and per client address (`addr:<ip>`), in the database so
    every application server counts the same failures (auth.Throttle)."""

    __tablename__ = "sign_in_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)  # in a row: each lock lasts twice the last
    # Attempts counted (auth.reserve) whose password is still being checked: a lock they set may yet be lifted.
    pending: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Record(Base):
    """Any synced record: its data as JSON, its version (change sequence of its last write), a tombstone flag."""

    __tablename__ = "record"
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    person_id: Mapped[str | None] = mapped_column(String(36))
    owner: Mapped[str | None] = mapped_column(String(120))  # for records that belong to an officer, not a case
    version: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_by: Mapped[str | None] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The laptop whose change, based on writer_base, made this version cleanly. Its next change to the record
    # is still based on writer_base (it cannot know the new version yet) but builds on its own change.
    writer_laptop: Mapped[str | None] = mapped_column(String(64))
    writer_base: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        Index("ix_record_version", "version"),
        Index("ix_record_person", "person_id", "kind"),
        Index("ix_record_owner", "owner"),
    )


class Allocation(Base):
    """Who holds a case: the officer, their team (copied at allocation) and the court dealing with it."""

    __tablename__ = "allocation"
    person_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    officer: Mapped[str] = mapped_column(String(120), index=True)
    team: Mapped[str | None] = mapped_column(String(120), index=True)
    court: Mapped[str | None] = mapped_column(String(120), index=True)
    seq: Mapped[int] = mapped_column(BigInteger)


class AllocationHistory(Base):
    """Past holders: a laptop may still push changes it made before it learnt of a move (see scope.py)."""

    __tablename__ = "allocation_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    officer: Mapped[str] = mapped_column(String(120))
    from_seq: Mapped[int] = mapped_column(BigInteger)
    to_seq: Mapped[int | None] = mapped_column(BigInteger)


class RestrictedAccess(Base):
    """A restricted case is withheld from everyone but the staff named here."""

    __tablename__ = "restricted_access"
    person_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    staff: Mapped[str] = mapped_column(String(120), primary_key=True)


class ScopeEvent(Base):
    """A case's audience changed (allocation, move, restriction) at this sequence number: pull re-checks it."""

    __tablename__ = "scope_event"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    person_id: Mapped[str] = mapped_column(String(36))


class ScopeAudience(Base):
    """Who a scope event concerns, as tokens: u:<username>, t:<team>, c:<court> (before and after the change).

    A laptop is only told about changes to cases it held or now holds, never about other officers' cases.
    """

    __tablename__ = "scope_audience"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(130), primary_key=True)
    __table_args__ = (Index("ix_scope_audience_token", "token", "seq"),)


class AuditEntry(Base):
    """Every read and write, centrally: who, when, what, which case (never the case data itself)."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    username: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[str | None] = mapped_column(String(80))
    person_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_audit_person", "person_id"),)
