"""Applying server records to the laptop: upserts and tombstones, with versions, never over unsent edits.

Rows from the server are written with Core statements on a connection flagged so the outbox hook stays
silent (mapper events do not fire for Core statements anyway). Foreign keys are off while a page is
applied: the server sends each record at its latest version, so a child can arrive before its parent
(even a page earlier); the parent always follows, because a case's records are all in scope together.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Date, DateTime, and_, bindparam, delete, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from lpt_desktop.domain.words import plural
from lpt_desktop.store import note_index
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Audit, Meta, Person, utcnow
from lpt_desktop.store.sync_models import SyncConflict, SyncEvict, SyncNotice, SyncOutbox, SyncRecord, SyncState
from lpt_desktop.sync import kinds as registry
from lpt_desktop.sync import notices
from lpt_desktop.sync.kinds import Kind, from_json
from lpt_desktop.sync.protocol import CONFLICT_KIND, Item


@dataclass(frozen=True)
class Context:
    username: str
    local_officer_id: str | None
    actor: str = "sync"
    laptop_id: str | None = None  # this laptop's (a conflict settled on another one may call for a notice)


@contextmanager
def applying(db: Database, foreign_keys: bool = False) -> Iterator[Connection]:
    """One IMMEDIATE write transaction on its own connection, foreign keys off unless asked."""
    engine = db.engine.execution_options(sqlite_begin="IMMEDIATE")
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None  # a checked-out connection always has its driver connection
        if not foreign_keys:
            raw.execute("PRAGMA foreign_keys = OFF")  # only takes effect outside a transaction
        try:
            with conn.begin():
                yield conn
        finally:
            if not foreign_keys:
                raw.execute("PRAGMA foreign_keys = ON")


def context(conn: Connection, username: str) -> Context:
    officer = conn.execute(select(Meta.value).where(Meta.key == "officer_id")).scalar()
    laptop = conn.execute(select(SyncState.value).where(SyncState.key == "laptop_id")).scalar()
    return Context(username=username, local_officer_id=officer, laptop_id=laptop)


def pending_records(conn: Connection) -> set[tuple[str, str]]:
    return set(conn.execute(select(SyncOutbox.kind, SyncOutbox.record_id).distinct()).tuples().all())


def _versions(conn: Connection, kind: str, ids: list[str]) -> dict[str, tuple[int, bool]]:
    out: dict[str, tuple[int, bool]] = {}
    for i in range(0, len(ids), 500):
        rows = conn.execute(select(SyncRecord.record_id, SyncRecord.version, SyncRecord.deleted).where(
            SyncRecord.kind == kind, SyncRecord.record_id.in_(ids[i:i + 500])))
        out.update({r: (v, d) for r, v, d in rows.tuples()})
    return out


def _defaults(kind: Kind) -> dict[str, Any]:
    """Values for columns an older server copy lacks (a column added since): the column's own default."""
    out: dict[str, Any] = {}
    for name in kind.columns:
        default = kind.table.c[name].default
        if default is not None and default.is_scalar:
            out[name] = default.arg
        elif default is not None and default.is_callable:
            out[name] = default.arg(None)
        else:
            out[name] = None
    return out


def _converters(kind: Kind) -> list[tuple[str, Any]]:
    # Only dates and datetimes need converting back from their JSON text.
    return [(name, kind.table.c[name]) for name in kind.columns
            if isinstance(kind.table.c[name].type, (Date, DateTime))]


def _row_values(kind: Kind, item: Item, ctx: Context, defaults: dict[str, Any],
                converters: list[tuple[str, Any]], now: Any) -> dict[str, Any]:
    data = item.data or {}
    values = {name: data[name] if name in data else defaults[name] for name in kind.columns}
    for name, column in converters:
        values[name] = from_json(column, values[name])
    for key, value in zip(kind.key_columns, kind.key_of(item.record_id), strict=True):
        values[key] = value
    if "updated_at" in kind.table.c:
        values["updated_at"] = now
    if kind.model is Person:
        # The laptop's own officer row stands for "allocated to me": the contact read rules rely on it.
        values["officer_id"] = ctx.local_officer_id if item.meta.get("allocated_to") == ctx.username else None
    return values


def _keep_holders(conn: Connection, people: list[Item], actor: str) -> None:
    """Who holds each case (person.held_by, held_by_name), from the server's allocation on each person item: every
    one, even a record this laptop already holds at that version (a case moving between two officers reaches a
    manager's laptop as the same person record again) or one with unsent edits (the columns are never sent).
    An item without the allocation (an older server) leaves what the laptop knew.

    Only rows whose holder differs are written, each with an audit row naming the person: services/practice
    cached_audit then audits that case again (the team view credits its new holder), and a pull whose holders
    are unchanged writes nothing for them (no whole-caseload audit after it)."""
    wanted = {item.record_id: (item.meta.get("allocated_to"),
                               item.meta.get("allocated_name") or item.meta.get("allocated_to"))
              for item in people if not item.deleted and "allocated_to" in item.meta}
    if not wanted:
        return
    known = {pid: (code, name) for pid, code, name in conn.execute(
        select(Person.id, Person.held_by, Person.held_by_name).where(Person.id.in_(list(wanted))))}
    rows = [{"pid": pid, "code": code, "name": name} for pid, (code, name) in wanted.items()
            if pid in known and known[pid] != (code, name)]
    if not rows:
        return
    conn.execute(update(Person).where(Person.id == bindparam("pid"))
                 .values(held_by=bindparam("code"), held_by_name=bindparam("name")), rows)
    now = utcnow()
    conn.execute(insert(Audit), [
        {"at": now, "actor": actor, "action": "sync", "table_name": "person", "record_id": row["pid"],
         "person_id": row["pid"], "detail": f"held by {row['name'] or 'no one'} (central store's allocation)"}
        for row in rows])


BULK_FTS_ROWS = 500


@contextmanager
def _fts_in_bulk(conn: Connection, table: str, rows: int) -> Iterator[None]:
    """For a big page, index the new rows' text in one statement instead of one trigger call a row.

    The same technique as services/demo/build._fts_filled_in_bulk (two to three times faster there): drop the
    table's `<table>_fts_insert` trigger inside this transaction, index rows past the old last rowid
    (store/note_index.index_added), recreate the trigger from its stored SQL. Tables without such a trigger: no-op.
    """
    name = f"{table}_fts_insert"
    trigger = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                   (name,)).scalar() if rows >= BULK_FTS_ROWS else None
    if trigger is None or table != "contact":  # only the contact note index is known to have this shape
        yield
        return
    last = note_index.last_contact_rowid(conn)
    conn.exec_driver_sql(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        note_index.index_added(conn, last)
        conn.exec_driver_sql(trigger)


def executemany(conn: Connection, stmt: Any, rows: list[dict[str, Any]]) -> None:
    """conn.execute(stmt, rows) for thousands of rows, without SQLAlchemy's per-row parameter work.

    The statement is compiled once; each row becomes a tuple in the compiled order, passed through the same
    bind processors SQLAlchemy would use (dates and datetimes to their stored text, JSON to its text), and
    the driver's executemany runs it. On a first download this halves the time spent outside SQLite."""
    compiled = stmt.compile(dialect=conn.dialect, column_keys=list(rows[0]))
    order = list(compiled.positiontup or [])
    if not order or any(name not in rows[0] for name in order):  # a default SQLAlchemy computes: its own way
        conn.execute(stmt, rows)
        return
    processors = [(i, proc) for i, name in enumerate(order)
                  if (proc := compiled.binds[name].type._cached_bind_processor(conn.dialect)) is not None]
    params: list[tuple[Any, ...]] = []
    for row in rows:
        values = [row[name] for name in order]
        for i, proc in processors:
            values[i] = proc(values[i])
        params.append(tuple(values))
    conn.exec_driver_sql(compiled.string, params)


def _upsert(conn: Connection, kind: Kind, rows: list[dict[str, Any]]) -> dict[str, str]:
    """Insert or update rows; returns {record id: reason} for rows this laptop's constraints refuse (say, a
    second case with a CRN already here). Those are listed as conflicts; the rest of the page still applies."""
    stmt = sqlite_insert(kind.table)
    cols = [c for c in rows[0] if c not in kind.key_columns]
    if cols:
        stmt = stmt.on_conflict_do_update(index_elements=list(kind.key_columns),
                                          set_={c: stmt.excluded[c] for c in cols})
    else:  # a link row (a contact and the goal, step or action it delivered) is all key: nothing to update
        stmt = stmt.on_conflict_do_nothing(index_elements=list(kind.key_columns))
    try:
        with conn.begin_nested():
            executemany(conn, stmt, rows)
        return {}
    except IntegrityError:
        pass
    refused: dict[str, str] = {}
    for row in rows:
        try:
            with conn.begin_nested():
                conn.execute(stmt, row)
        except IntegrityError as exc:
            record_id = registry.KEY_SEP.join(str(row[k]) for k in kind.key_columns)
            refused[record_id] = _constraint(exc)
    return refused


def _constraint(exc: IntegrityError) -> str:
    text = str(exc.orig) if exc.orig is not None else ""
    if "UNIQUE" in text:
        return "a record already on this laptop has the same " + text.rsplit(".", 1)[-1].strip()
    return "it breaks a rule of this laptop's database"


def _local_refusal(conn: Connection, kind: Kind, item: Item, reason: str) -> None:
    conflict_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"lpt-local:{kind.name}:{item.record_id}:{item.version}"))
    stmt = sqlite_insert(SyncConflict).values(
        id=conflict_id, kind=kind.name, record_id=item.record_id, person_id=item.person_id, reason="local",
        mine=None, theirs=item.data, fields=sorted(item.data or {}), status="open", resolution=None,
        message=f"This record from the central store could not be saved on this laptop: {reason}.",
        raised_by=None, created_at=utcnow(), version=0)
    conn.execute(stmt.on_conflict_do_nothing(index_elements=["id"]))


def _delete_row(conn: Connection, kind: Kind, record_id: str) -> None:
    keys = kind.key_of(record_id)
    conn.execute(delete(kind.table).where(and_(*(kind.table.c[k] == v for k, v in zip(kind.key_columns, keys,
                                                                                      strict=True)))))


def delete_repaired(conn: Connection, kind: Kind, record_ids: list[str], actor: str) -> None:
    """Verify's repair: remove records the server no longer holds, with an audit row per case and table as a pull
    writes, so the kept results (services/obligations.cases_changed_since) recompute the cases they were in: an
    audited write beside them to the same table would otherwise vouch for these unnamed deletions."""
    people: dict[str, str | None] = {r: p for r, p in conn.execute(
        select(SyncRecord.record_id, SyncRecord.person_id).where(
            SyncRecord.kind == kind.name, SyncRecord.record_id.in_(record_ids))).tuples()}
    counts: dict[str | None, int] = {}
    for record_id in record_ids:
        _delete_row(conn, kind, record_id)
        counts[people.get(record_id)] = counts.get(people.get(record_id), 0) + 1
    conn.execute(delete(SyncRecord).where(SyncRecord.kind == kind.name, SyncRecord.record_id.in_(record_ids)))
    conn.execute(insert(Audit), [
        {"at": utcnow(), "actor": actor, "action": "sync", "table_name": kind.table.name, "record_id": pid or "-",
         "person_id": pid, "detail": f"{plural(n, 'record')} removed: the central store no longer holds them"}
        for pid, n in counts.items()])


def apply_conflict(conn: Connection, item: Item, laptop_id: str | None = None) -> None:
    if item.deleted or item.data is None:
        conn.execute(delete(SyncConflict).where(SyncConflict.id == item.record_id))
        return
    d = item.data
    before = conn.execute(select(SyncConflict.status).where(SyncConflict.id == item.record_id)).scalar()
    if before != "resolved":  # settled elsewhere: tell this laptop if its version lost (sync/notices.py)
        notices.note_if_overridden(conn, item.record_id, item.person_id, d, laptop_id)
    values = {"id": item.record_id, "kind": d.get("kind", ""), "record_id": d.get("record_id", ""),
              "person_id": item.person_id, "reason": d.get("reason", "field"), "mine": d.get("mine"),
              "theirs": d.get("theirs"), "fields": d.get("fields") or [], "status": d.get("status", "open"),
              "resolution": d.get("resolution"), "message": d.get("message"), "raised_by": d.get("raised_by"),
              "version": item.version}
    stmt = sqlite_insert(SyncConflict).values(created_at=utcnow(), **values)
    conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=values))


def apply_items(conn: Connection, items: Iterable[Item], ctx: Context, *, force: bool = False,
                pending: set[tuple[str, str]] | None = None) -> int:
    """Write server records; returns how many changed the laptop. Records with unsent local edits are left
    alone (the push merges or conflicts them). force: apply even at the version already held (repairs)."""
    pending = pending_records(conn) if pending is None else pending
    by_kind: dict[str, list[Item]] = {}
    for item in items:
        if item.kind == CONFLICT_KIND:
            apply_conflict(conn, item, ctx.laptop_id)
            continue
        by_kind.setdefault(item.kind, []).append(item)
    changed = 0
    # One audit row per case and table per page ("sync wrote N records"), not one per record.
    audit_counts: dict[tuple[str, str | None], int] = {}
    touched_people: set[str] = set()
    now = utcnow()
    for kind in registry.kinds():  # parents first
        group = by_kind.pop(kind.name, [])
        if not group:
            continue
        known = _versions(conn, kind.name, [i.record_id for i in group])
        upserts: list[dict[str, Any]] = []
        records: list[dict[str, Any]] = []
        defaults, converters = _defaults(kind), _converters(kind)
        for item in group:
            if (kind.name, item.record_id) in pending:
                continue
            have = known.get(item.record_id)
            if not force and have is not None and have[0] >= item.version and have[1] == item.deleted:
                continue
            if item.deleted:
                _delete_row(conn, kind, item.record_id)
            else:
                upserts.append(_row_values(kind, item, ctx, defaults, converters, now))
            records.append({"kind": kind.name, "record_id": item.record_id, "version": item.version,
                            "deleted": item.deleted, "person_id": item.person_id})
            key = (kind.table.name, item.person_id)
            audit_counts[key] = audit_counts.get(key, 0) + 1
            if item.person_id:
                touched_people.add(item.person_id)
        if upserts:
            with _fts_in_bulk(conn, kind.table.name, len(upserts)):
                refused = _upsert(conn, kind, upserts)
            if refused:
                records = [r for r in records if r["record_id"] not in refused]
                for item in group:
                    if item.record_id in refused:
                        _local_refusal(conn, kind, item, refused[item.record_id])
        if kind.model is Person:
            _keep_holders(conn, group, ctx.actor)
        if records:
            stmt = sqlite_insert(SyncRecord)
            executemany(conn, stmt.on_conflict_do_update(
                index_elements=["kind", "record_id"],
                set_={"version": stmt.excluded.version, "deleted": stmt.excluded.deleted,
                      "person_id": stmt.excluded.person_id}), records)
        changed += len(records)
    if audit_counts:
        conn.execute(insert(Audit), [
            {"at": now, "actor": ctx.actor, "action": "sync", "table_name": table, "record_id": person_id or "-",
             "person_id": person_id, "detail": f"{plural(n, 'record')} from the central store"}
            for (table, person_id), n in audit_counts.items()])
    if touched_people:
        # Records of a case arriving means it is in scope again: an eviction noted earlier no longer holds.
        conn.execute(delete(SyncEvict).where(SyncEvict.person_id.in_(touched_people)))
    return changed


def evict_case(conn: Connection, person_id: str, actor: str = "sync") -> None:
    """Remove a case the officer no longer holds. Run with foreign keys ON: the database cascades from the
    person to every row of the case (contacts, drafts, enforcement, ...), syncable or not. Rejections stay."""
    conn.execute(delete(Person).where(Person.id == person_id))
    for kind in registry.kinds():  # rows not reached by a cascade (none today; a future kind might be)
        if kind.person_of is None or kind.model is Person:
            continue
        ids = conn.execute(select(SyncRecord.record_id).where(SyncRecord.kind == kind.name,
                                                              SyncRecord.person_id == person_id)).scalars().all()
        for record_id in ids:
            _delete_row(conn, kind, record_id)
    conn.execute(delete(SyncRecord).where(SyncRecord.person_id == person_id))
    # The case's conflicts go with it (its new holder settles them), but never a rejection: it is the officer's
    # record of what the central store refused, kept until they try it again or set it aside.
    conn.execute(delete(SyncConflict).where(SyncConflict.person_id == person_id,
                                            SyncConflict.reason != "rejected"))
    conn.execute(delete(SyncNotice).where(SyncNotice.person_id == person_id))
    conn.execute(delete(SyncEvict).where(SyncEvict.person_id == person_id))
    conn.execute(insert(Audit).values(at=utcnow(), actor=actor, action="evict", table_name="person",
                                      record_id=person_id, person_id=person_id, detail="case moved away"))
