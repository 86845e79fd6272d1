"""Changes the central store would not accept: kept, listed, sent again, or set aside by exporting them.

A rejection is not a conflict: there is no "theirs" to choose. The server records it as a record of the
conflict kind with reason "rejected" (owner-only when the case is not the officer's, so it reveals nothing),
and pull brings it here into sync_conflict, holding the refused change's fields (`mine`). It stays open until:

- the officer tries again (or the server grants the case, which tries again by itself): the change is queued
  into the outbox once more, with the base version this laptop holds now; if the server refuses it again, it
  comes back as a new rejection;
- the officer exports it (sets it aside): the file holds the change, so nothing is lost.

Either way the rejection is closed here and on the server (an ordinary change to the conflict record).
Rejections raised by other officers (a refused edit to a shared case) are theirs to deal with: not listed here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from lpt_desktop.store.database import Database
from lpt_desktop.store.models import utcnow
from lpt_desktop.store.sync_models import SyncConflict, SyncOutbox, SyncRecord
from lpt_desktop.sync import kinds as registry
from lpt_desktop.sync import state
from lpt_desktop.sync.protocol import CONFLICT_KIND, FIRST_SAVE_REFUSED, MOVED_AWAY

REJECTED = "rejected"
RETRIED = "retried"
EXPORTED = "exported"


@dataclass(frozen=True)
class Rejection:
    id: str
    kind: str
    record_id: str
    person_id: str | None  # the case, as far as this laptop can tell (None: the officer's own record)
    op: str  # upsert | delete
    new: bool  # the central store never had this record (a first save refused)
    fields: dict[str, Any] | None  # the refused values, JSON form (None: a delete)
    message: str  # the server's reason, in words
    raised_by: str | None
    created_at: datetime


def _mine(username: str | None) -> ColumnElement[bool]:
    """Open rejections of this officer's changes (a rejection raised by another officer is theirs)."""
    who = or_(SyncConflict.raised_by.is_(None), SyncConflict.raised_by == (username or ""))
    return and_(SyncConflict.reason == REJECTED, SyncConflict.status == "open", who)


def _username(s: Session) -> str | None:
    return state.read_all(s).get(state.USERNAME)


def count_open(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(SyncConflict).where(_mine(_username(s)))) or 0)


def _local(s: Session, kind: registry.Kind, record_id: str) -> Any:
    try:
        return s.get(kind.model, kind.key_of(record_id))
    except ValueError:
        return None


def case_of(s: Session, c: SyncConflict) -> str | None:
    """The case a rejected change belongs to. The server leaves it out when the case is not the officer's;
    this laptop still knows it (from the record here, or the change itself)."""
    if c.person_id:
        return c.person_id
    kind = registry.get(c.kind)
    if kind is None or kind.person_of is None:
        return None
    if kind.name == "person":
        return c.record_id
    obj = _local(s, kind, c.record_id)
    if obj is not None:
        person = kind.person_id(s, obj)
        if person:
            return person
    rec = s.get(SyncRecord, (c.kind, c.record_id))
    if rec is not None and rec.person_id:
        return rec.person_id
    value = (c.mine or {}).get("person_id")
    return value if isinstance(value, str) else None


def _view(s: Session, c: SyncConflict) -> Rejection:
    rec = s.get(SyncRecord, (c.kind, c.record_id))
    return Rejection(c.id, c.kind, c.record_id, case_of(s, c), "upsert" if c.mine is not None else "delete",
                     rec is None or rec.version == 0, c.mine,
                     c.message or "The central store did not accept this change.", c.raised_by, c.created_at)


def list_open(db: Database) -> list[Rejection]:
    with db.read() as s:
        rows = s.scalars(select(SyncConflict).where(_mine(_username(s)))
                         .order_by(SyncConflict.created_at, SyncConflict.id)).all()
        return [_view(s, c) for c in rows]


def _close(s: Session, c: SyncConflict, resolution: str) -> None:
    """Closed here, and on the server by the next push (as a conflict's resolution travels)."""
    c.status, c.resolution = "resolved", resolution
    s.add(SyncOutbox(kind=CONFLICT_KIND, record_id=c.id, person_id=c.person_id, op="upsert",
                     base_version=c.version,
                     fields={"status": {"new": "resolved"}, "resolution": {"new": resolution}}, created_at=utcnow()))


def _requeue(s: Session, c: SyncConflict, person_id: str | None, queued: set[tuple[str, str]]) -> None:
    """The refused change into the outbox again, on the version this laptop holds now."""
    rec = s.get(SyncRecord, (c.kind, c.record_id))
    base = rec.version if rec is not None else 0
    if c.mine is None:
        s.add(SyncOutbox(kind=c.kind, record_id=c.record_id, person_id=person_id, op="delete", base_version=base,
                         fields={}, created_at=utcnow()))
        return
    kind = registry.get(c.kind)
    obj = _local(s, kind, c.record_id) if kind is not None else None
    if kind is not None and obj is not None and base == 0:
        # The server never had this record: send all of it as it stands here (a refused edit of a refused
        # new record holds only the fields edited).
        if (c.kind, c.record_id) in queued:
            return
        queued.add((c.kind, c.record_id))
        fields = {name: {"new": value} for name, value in kind.to_data(obj).items()}
    else:
        fields = {name: {"new": value} for name, value in c.mine.items()}
    s.add(SyncOutbox(kind=c.kind, record_id=c.record_id, person_id=person_id, op="upsert", base_version=base,
                     fields=fields, created_at=utcnow()))


def retry(db: Database, ids: Collection[str] | None = None, cases: Collection[str] | None = None,
          only_out_of_scope: bool = False) -> int:
    """Queue rejected changes to be sent again; returns how many. ids: these rejections (None: all);
    cases: only those of these cases; only_out_of_scope: only those refused because the case was not the
    officer's (the server kept them to the officer alone), as when the server has just granted the case."""
    with db.write() as s:
        rows = s.scalars(select(SyncConflict).where(_mine(_username(s)))
                         .order_by(SyncConflict.created_at, SyncConflict.id)).all()
        queued: set[tuple[str, str]] = set()
        n = 0
        for c in rows:
            if ids is not None and c.id not in ids:
                continue
            if only_out_of_scope and (c.person_id is not None or (c.message or "").startswith(MOVED_AWAY)
                                      or (c.message or "").startswith(FIRST_SAVE_REFUSED)):
                # A change to a case since moved away is not resent by itself (newer work may be there), nor an
                # edit of a record whose first save was refused (sent again, it would send that first save too).
                continue
            person = case_of(s, c)
            if cases is not None and person not in cases:
                continue
            _requeue(s, c, person, queued)
            _close(s, c, RETRIED)
            n += 1
        return n


def set_aside(db: Database, ids: Collection[str]) -> int:
    """Close these rejections as exported (the caller has written them to a file first)."""
    if not ids:
        return 0
    with db.write() as s:
        rows = s.scalars(select(SyncConflict).where(_mine(_username(s)), SyncConflict.id.in_(list(ids)))).all()
        for c in rows:
            _close(s, c, EXPORTED)
        return len(rows)
