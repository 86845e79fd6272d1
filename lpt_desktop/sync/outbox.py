"""The outbox hook: every local change to a syncable row becomes an outbox row in the same transaction.

Mapper events (after_insert/after_update/after_delete) see every row the flush writes, including
ORM cascades and orphans, with column defaults filled in and attribute history still present, and
they run on the flush's own connection: the outbox row commits or rolls back with the change.

Nothing is written before the laptop is enrolled (a demo or a fresh caseload never reaches the
server), nor while the engine applies rows that came from the server (session.info["sync_applying"]).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event, insert, inspect, select
from sqlalchemy.orm import Mapper, object_session

from lpt_desktop.store.sync_models import SyncOutbox, SyncRecord, SyncState
from lpt_desktop.sync import kinds as registry
from lpt_desktop.sync.kinds import Kind, to_json

APPLYING = "sync_applying"
_ENROLLED = "sync_enrolled"


def _active(target: Any, connection: Connection) -> bool:
    session = object_session(target)
    info = session.info if session is not None else {}
    if info.get(APPLYING):
        return False
    enrolled = info.get(_ENROLLED)
    if enrolled is None:
        enrolled = connection.execute(select(SyncState.value).where(SyncState.key == "laptop_id")).first() is not None
        info[_ENROLLED] = enrolled
    return bool(enrolled)


def _known(connection: Connection, kind: Kind, record_id: str) -> tuple[int, str | None]:
    row = connection.execute(select(SyncRecord.version, SyncRecord.person_id).where(
        SyncRecord.kind == kind.name, SyncRecord.record_id == record_id)).first()
    return (row[0], row[1]) if row else (0, None)


def _write(connection: Connection, kind: Kind, record_id: str, person_id: str | None, op: str, base: int,
           fields: dict[str, Any]) -> None:
    connection.execute(insert(SyncOutbox).values(kind=kind.name, record_id=record_id, person_id=person_id, op=op,
                                                  base_version=base, fields=fields, created_at=registry_now()))


def registry_now() -> Any:
    from lpt_desktop.store.models import utcnow

    return utcnow()


def _person(connection: Connection, target: Any, kind: Kind) -> str | None:
    return kind.person_id(connection, target)


def _after_insert(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    kind = registry.for_model(mapper.class_)
    if kind is None or not _active(target, connection):
        return
    record_id = kind.record_id(target)
    base, _ = _known(connection, kind, record_id)  # non-zero only when a deleted record's id is reused
    fields = {c: {"new": v} for c, v in kind.to_data(target).items()}
    _write(connection, kind, record_id, _person(connection, target, kind), "upsert", base, fields)


def _after_update(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    kind = registry.for_model(mapper.class_)
    if kind is None or not _active(target, connection):
        return
    state = inspect(target)
    fields: dict[str, Any] = {}
    for name in kind.columns:
        hist = state.attrs[name].history
        if not hist.has_changes():
            continue
        column = kind.table.c[name]
        change: dict[str, Any] = {"new": to_json(column, getattr(target, name))}
        if hist.deleted:  # the old value is known only if it was loaded before the change
            change["old"] = to_json(column, hist.deleted[0])
        fields[name] = change
    if not fields:
        return
    record_id = kind.record_id(target)
    base, known_person = _known(connection, kind, record_id)
    _write(connection, kind, record_id, _person(connection, target, kind) or known_person, "upsert", base, fields)


def _after_delete(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    kind = registry.for_model(mapper.class_)
    if kind is None or not _active(target, connection):
        return
    record_id = kind.record_id(target)
    base, known_person = _known(connection, kind, record_id)
    old = {c: {"old": v} for c, v in kind.to_data(target).items()}
    _write(connection, kind, record_id, known_person or _person(connection, target, kind), "delete", base, old)


def install() -> None:
    """Listen on every registered model (idempotent)."""
    for kind in registry.kinds():
        for name, fn in (("after_insert", _after_insert), ("after_update", _after_update),
                         ("after_delete", _after_delete)):
            if not event.contains(kind.model, name, fn):
                event.listen(kind.model, name, fn)
