"""Records this laptop holds that the central store has never acknowledged: found, and queued whole.

A row reaches the outbox through the mapper hook only if it was written through the ORM after enrolment. A
caseload started offline, a demo caseload (Core bulk inserts, which no mapper event sees) or anything written
before the laptop enrolled never did. At enrolment, before the first push, and whenever verification finds a
record here that the server lacks, every syncable row with no `sync_record` row (the server never answered
for it), not already waiting in the outbox and not already refused by the server (on the rejection list), is
queued as an upsert of all its fields at base version 0: kinds in registry order (parents before children),
rows in the order they were written. The push then sends them; the server takes each one or records a
rejection with its reason, so nothing ends in neither place.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, insert, literal_column, select

from lpt_desktop.store.database import Database
from lpt_desktop.store.models import utcnow
from lpt_desktop.store.sync_models import SyncConflict, SyncOutbox, SyncRecord
from lpt_desktop.sync import kinds as registry
from lpt_desktop.sync.kinds import Kind

CHUNK = 2000


def rejected_records(conn: Connection) -> set[tuple[str, str]]:
    """(kind, record id) of every record the server refused (open or set aside): never re-sent on its own."""
    return set(conn.execute(select(SyncConflict.kind, SyncConflict.record_id).where(
        SyncConflict.reason == "rejected")).tuples().all())


def pending_records(conn: Connection) -> set[tuple[str, str]]:
    return set(conn.execute(select(SyncOutbox.kind, SyncOutbox.record_id).distinct()).tuples().all())


def acknowledged(conn: Connection, kind: Kind) -> set[str]:
    """Ids the server has answered for (any version, tombstones too): the outbox hook carries their changes."""
    return set(conn.execute(select(SyncRecord.record_id).where(SyncRecord.kind == kind.name)).scalars().all())


def unsent_ids(conn: Connection, kind: Kind, skip: set[tuple[str, str]] | None = None) -> list[str]:
    """Ids of `kind` held here that the server never acknowledged, are not waiting and were not refused."""
    if skip is None:
        skip = pending_records(conn) | rejected_records(conn)
    known = acknowledged(conn, kind)
    keys = [kind.table.c[k] for k in kind.key_columns]
    out = []
    for row in conn.execute(select(*keys).order_by(literal_column("rowid"))).tuples():
        record_id = registry.KEY_SEP.join(str(v) for v in row)
        if record_id not in known and (kind.name, record_id) not in skip:
            out.append(record_id)
    return out


def _queue_rows(conn: Connection, kind: Kind, rows: Iterable[Any]) -> int:
    now = utcnow()
    values = []
    for raw in rows:
        row = SimpleNamespace(**raw._mapping)  # attribute access by column name (a Row's own names could clash)
        fields = {c: {"new": v} for c, v in kind.to_data(row).items()}
        values.append({"kind": kind.name, "record_id": kind.record_id(row), "person_id": kind.person_id(conn, row),
                       "op": "upsert", "base_version": 0, "fields": fields, "created_at": now})
    if values:
        conn.execute(insert(SyncOutbox), values)
    return len(values)


def queue(conn: Connection, kind: Kind, record_ids: list[str]) -> int:
    """Queue these records of one kind whole (all fields, base version 0), in the caller's transaction."""
    wanted = set(record_ids)
    if not wanted:
        return 0
    n = 0
    batch: list[Any] = []
    for row in conn.execute(select(kind.table).order_by(literal_column("rowid"))):
        if registry.KEY_SEP.join(str(row._mapping[k]) for k in kind.key_columns) in wanted:
            batch.append(row)
            if len(batch) >= CHUNK:
                n += _queue_rows(conn, kind, batch)
                batch = []
    return n + _queue_rows(conn, kind, batch)


def queue_unsent(db: Database) -> dict[str, int]:
    """Queue every record the server never acknowledged (see the module doc); returns kind -> number queued.

    One transaction: the outbox numbers then run parents before children, and a sweep cut short leaves nothing
    half queued (running it again queues what is still unsent, never a record twice)."""
    out: dict[str, int] = {}
    with db.write() as s:
        conn = s.connection()
        skip = pending_records(conn) | rejected_records(conn)
        for kind in registry.kinds():  # parents first
            ids = unsent_ids(conn, kind, skip)
            if ids:
                out[kind.name] = queue(conn, kind, ids)
    return out
