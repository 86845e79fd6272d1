"""One sync: push the outbox, pull pages after the cursor, evict moved cases, verify and repair.

Every step commits as it goes, so a sync cut at any moment (network, crash, cancel) resumes where it
stopped: an outbox row leaves only in the transaction that records the server's answer, and a page is
applied in the same transaction that advances the cursor. Replays are harmless: the server ignores
outbox numbers it has applied, and a page applied twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Meta, Officer, utcnow
from lpt_desktop.store.sync_models import SyncEvict, SyncOutbox, SyncRecord
from lpt_desktop.sync import apply, enrol_restamp, rejections, state, sweep
from lpt_desktop.sync import conflicts as _conflicts
from lpt_desktop.sync import kinds as registry
from lpt_desktop.sync.client import AuthFailed, Refused, SyncClient
from lpt_desktop.sync.protocol import (
    Change,
    FieldChange,
    KindDigest,
    Op,
    PullResponse,
    Tokens,
    VerifyRequest,
    checksum,
)

PUSH_BATCH = 200
PULL_PAGE = 5000  # the server's most (central.service.MAX_PAGE): fewer commits on a first download


class ProgressFn(Protocol):
    def __call__(self, phase: str, done: int, total: int | None) -> None: ...


Cancel = Callable[[], bool] | Any  # a callable returning True, or anything with is_set() (threading.Event)


class NotEnrolled(Exception):
    """This caseload has not been enrolled with a central store yet."""


@dataclass
class SyncResult:
    pushed: int = 0  # outbox changes the server answered for
    applied: int = 0  # of those, applied or merged
    conflicts: int = 0  # new conflicts raised by this laptop's pushes
    rejected: int = 0
    pulled: int = 0  # records written to this laptop
    evicted: int = 0  # cases removed because they moved to another officer
    repaired: int = 0  # records fixed after verification found a difference
    verified: bool = False  # counts and checksums matched at the end
    cancelled: bool = False
    waiting: int = 0  # outbox changes still waiting after this sync
    open_conflicts: int = 0
    open_rejections: int = 0  # changes the server did not accept, still listed (sync/rejections.py)
    retried: int = 0  # rejected changes sent again because the server granted their case
    gained: list[str] = field(default_factory=list)  # cases the server reported in this officer's scope
    cursor: int = 0
    finished_at: datetime | None = None
    mismatched: list[str] = field(default_factory=list)


def _cancelled(cancel: Cancel | None) -> bool:
    if cancel is None:
        return False
    if hasattr(cancel, "is_set"):
        return bool(cancel.is_set())
    return bool(cancel())


def _progress(progress: ProgressFn | None, phase: str, done: int, total: int | None) -> None:
    if progress is not None:
        progress(phase, done, total)


def read_state(db: Database) -> dict[str, str]:
    with db.read() as s:
        return state.read_all(s)


# The client a caseload keeps between syncs (its access token lasts 15 minutes): a sync with nothing new is then
# one request, not a token refresh (a database write on the server) and then the sync's own.
_kept: weakref.WeakKeyDictionary[Database, SyncClient] = weakref.WeakKeyDictionary()
_kept_lock = threading.Lock()


def kept_client(db: Database) -> SyncClient:
    """This caseload's kept client; a new one if none, or if the server or the refresh token saved in the file is
    not the one it holds (enrolled again, or another client rotated the token)."""
    st = read_state(db)
    if state.LAPTOP_ID not in st:
        raise NotEnrolled("This caseload is not enrolled with a central store.")
    with _kept_lock:
        client = _kept.get(db)
        if client is not None and (client.base_url != st[state.SERVER_URL].rstrip("/")
                                   or client.refresh_token != st.get(state.REFRESH_TOKEN)):
            client.close()
            client = None
        if client is None:
            ref = weakref.ref(db)  # the kept client must not keep its caseload alive

            def save(tokens: Tokens) -> None:
                held = ref()
                if held is not None:
                    token_saver(held)(tokens)

            client = SyncClient(st[state.SERVER_URL], st.get(state.REFRESH_TOKEN), on_tokens=save)
            _kept[db] = client
            kept = weakref.ref(client)
            db.on_close.append(lambda: _forget_if_kept(ref, kept))
        return client


def _forget_if_kept(db_ref: weakref.ref[Database], client_ref: weakref.ref[SyncClient]) -> None:
    """At the caseload's close: drop its kept client, unless a later one has replaced it."""
    db, client = db_ref(), client_ref()
    if db is not None and client is not None and _kept.get(db) is client:
        forget_client(db)
    elif client is not None:
        client.close()


def forget_client(db: Database) -> None:
    """Close and drop the caseload's kept client (on locking, or when its sync failed to sign in)."""
    with _kept_lock:
        client = _kept.pop(db, None)
    if client is not None:
        client.close()


@contextmanager
def counting_requests(note: Callable[[str], None]) -> Iterator[None]:
    """Call note("METHOD /path") for every request a SyncClient sends while this is open (the benchmarks count
    the requests of a sync with it)."""
    send = SyncClient._send

    def counted(self: SyncClient, method: str, path: str, **kw: Any) -> Any:
        note(f"{method} {path}")
        return send(self, method, path, **kw)

    SyncClient._send = counted  # type: ignore[method-assign]
    try:
        yield
    finally:
        SyncClient._send = send  # type: ignore[method-assign]


def client_for(db: Database, **kw: Any) -> SyncClient:
    """A client for the enrolled server; a new refresh token (if the server issues one) is saved encrypted."""
    st = read_state(db)
    if state.LAPTOP_ID not in st:
        raise NotEnrolled("This caseload is not enrolled with a central store.")

    return SyncClient(st[state.SERVER_URL], st.get(state.REFRESH_TOKEN), on_tokens=token_saver(db), **kw)


def token_saver(db: Database) -> Callable[[Tokens], None]:
    """Saves each new refresh token (they rotate on every refresh) in the encrypted file, in its own commit,
    with the grade the central store now holds (an administrator may change it between refreshes)."""
    def save(tokens: Tokens) -> None:
        with db.write() as s:
            state.put(s, **{state.REFRESH_TOKEN: tokens.refresh_token, state.GRADE: tokens.grade or ""})

    return save


# -- push ------------------------------------------------------------------------------------------
def _change(row: SyncOutbox) -> Change:
    fields = {}
    if row.op == "upsert":
        fields = {name: FieldChange(new=v.get("new"), old=v.get("old"), has_old="old" in v)
                  for name, v in (row.fields or {}).items()}
    return Change(seq=row.seq, kind=row.kind, record_id=row.record_id, person_id=row.person_id, op=cast(Op, row.op),
                  base_version=row.base_version, fields=fields)


def push(db: Database, client: SyncClient, result: SyncResult, progress: ProgressFn | None = None,
         cancel: Cancel | None = None) -> bool:
    """Send the outbox in batches; False if cancelled. Records the server did not take as sent are re-read."""
    st = read_state(db)
    laptop_id, cursor = st[state.LAPTOP_ID], int(st.get(state.CURSOR, "0"))
    with db.read() as s:
        total = s.scalar(select(func.count()).select_from(SyncOutbox)) or 0
    after = 0
    batch = PUSH_BATCH
    while True:
        if _cancelled(cancel):
            return False
        with db.read() as s:
            rows = s.scalars(select(SyncOutbox).where(SyncOutbox.seq > after).order_by(SyncOutbox.seq)
                             .limit(batch)).all()
        if not rows:
            return True
        try:
            response = client.push(laptop_id, cursor, [_change(r) for r in rows])
        except Refused as exc:
            if exc.status != 413:
                raise
            if len(rows) > 1:
                # Long notes can make a batch larger than the server takes: halve it (for the rest of this push)
                # until it fits. Nothing was applied: the server refused the body before reading it.
                batch = max(1, len(rows) // 2)
                continue
            raise Refused(413, f"One change is larger than the central store accepts ({exc}). It stays on this "
                               "laptop, unsent: ask support to raise the central store's --max-body.") from exc
        by_seq = {r.seq: r for r in rows}
        refetch: dict[str, list[str]] = {}
        with apply.applying(db, foreign_keys=True) as conn:
            versions: list[dict[str, Any]] = []
            for res in response.results:
                row = by_seq.get(res.seq)
                if row is None:
                    continue
                result.pushed += 1
                if res.outcome == "applied":
                    result.applied += 1
                    versions.append({"kind": row.kind, "record_id": row.record_id, "version": res.version,
                                     "deleted": row.op == "delete", "person_id": row.person_id})
                else:
                    # The server holds something other than what this laptop sent: read it back below.
                    refetch.setdefault(row.kind, []).append(row.record_id)
                    result.applied += res.outcome == "merged"
                    result.conflicts += res.outcome == "conflict"
                    result.rejected += res.outcome == "rejected"
            if versions:
                _set_versions(conn, versions)
            answered = [r.seq for r in response.results if r.seq in by_seq]
            conn.execute(delete(SyncOutbox).where(SyncOutbox.seq.in_(answered)))
        after = rows[-1].seq
        _progress(progress, "push", result.pushed, total)
        if refetch:
            _refetch(db, client, refetch, result)


def _set_versions(conn: Any, rows: list[dict[str, Any]]) -> None:
    stmt = sqlite_insert(SyncRecord)
    conn.execute(stmt.on_conflict_do_update(index_elements=["kind", "record_id"], set_={
        "version": stmt.excluded.version, "deleted": stmt.excluded.deleted,
        "person_id": func.coalesce(stmt.excluded.person_id, SyncRecord.person_id)}), rows)


def _refetch(db: Database, client: SyncClient, wanted: dict[str, list[str]], result: SyncResult) -> None:
    username = read_state(db).get(state.USERNAME, "")
    for kind, ids in wanted.items():
        if kind not in registry.names():
            continue
        items = client.fetch(kind, sorted(set(ids)))
        with apply.applying(db) as conn:
            ctx = apply.context(conn, username)
            # Out-of-scope or unknown records come back as version-0 tombstones: keep such rows until the
            # officer resolves the rejection (theirs) rather than deleting them here.
            items = [i for i in items if i.version > 0]
            result.pulled += apply.apply_items(conn, items, ctx, force=True)


# -- pull ------------------------------------------------------------------------------------------
def pull(db: Database, client: SyncClient, result: SyncResult, progress: ProgressFn | None = None,
         cancel: Cancel | None = None, page_size: int | None = None) -> bool:
    """Pull pages after the cursor; each page and its cursor commit together.

    The next page is fetched (on a helper thread) while this one is applied, so the server's work and the
    laptop's overlap. That request says `seen`: the cursor committed here, which is all the server takes as
    proof of what this laptop has seen (moves of cases included; see central/scope.can_write). A failed or
    unwanted prefetch costs nothing: the current page still commits first, and the next sync asks again.
    """
    page_size = page_size or PULL_PAGE
    st = read_state(db)
    cursor = int(st.get(state.CURSOR, "0"))
    username = st.get(state.USERNAME, "")
    done = 0
    total: int | None = None
    if _cancelled(cancel):
        return False
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lpt-pull") as pool:
        page = client.pull(cursor, page_size, count=True)
        total = len(page.items) + (page.remaining or 0)
        while True:
            ahead: Future[PullResponse] | None = None
            if page.more:
                client.ensure_fresh()  # here, not on the pool's thread: a new refresh token is saved from here
                ahead = pool.submit(client.pull, page.cursor, page_size, False, cursor)
            try:
                with apply.applying(db) as conn:
                    ctx = apply.context(conn, username)
                    result.pulled += apply.apply_items(conn, page.items, ctx)
                    for person_id in page.evict:
                        conn.execute(insert(SyncEvict).prefix_with("OR IGNORE").values(
                            person_id=person_id))
                    state.put(conn, **{state.CURSOR: page.cursor})
                    if page.gained:
                        # The case is the officer's again: a move away noted by an earlier pull (whose sync was cut
                        # before the case was let go) no longer holds, even when this page brings none of its
                        # records (the laptop holds them all at their versions already).
                        conn.execute(delete(SyncEvict).where(SyncEvict.person_id.in_(page.gained)))
                        _note_gained(conn, page.gained)
                result.gained.extend(page.gained)
            except BaseException:
                if ahead is not None:
                    ahead.cancel()
                    wait([ahead])  # the client is not shared between threads past this point
                raise
            cursor = page.cursor
            result.cursor = cursor
            done += len(page.items)
            total = max(total, done)  # bundles of cases gained on the way can add to the first estimate
            _progress(progress, "pull", done, total)
            if ahead is None:
                return True
            if _cancelled(cancel):
                wait([ahead])
                return False
            page = ahead.result()  # raises the client's error (Offline, ...) after this page committed


def evict_moved(db: Database, result: SyncResult) -> None:
    """Cases moved away leave once none of their changes wait in the outbox (those are pushed first)."""
    with db.read() as s:
        waiting = set(s.scalars(select(SyncOutbox.person_id).where(SyncOutbox.person_id.is_not(None))))
        moved = [p for p in s.scalars(select(SyncEvict.person_id)) if p not in waiting]
    for person_id in moved:
        with apply.applying(db, foreign_keys=True) as conn:
            apply.evict_case(conn, person_id)
        result.evicted += 1


# -- verify ----------------------------------------------------------------------------------------
def local_records(conn: Any, kind: registry.Kind) -> tuple[dict[str, int], set[str]]:
    """(record id -> version for rows this laptop had from the server, ids of rows the server never answered for:
    no sync_record row at all, as sweep.unsent_ids counts them)."""
    keys = [kind.table.c[k] for k in kind.key_columns]
    versions: dict[str, int | None] = {r: (None if d else v) for r, v, d in conn.execute(
        select(SyncRecord.record_id, SyncRecord.version, SyncRecord.deleted).where(
            SyncRecord.kind == kind.name)).tuples()}
    held: dict[str, int] = {}
    local_only: set[str] = set()
    for row in conn.execute(select(*keys)).tuples():
        record_id = registry.KEY_SEP.join(str(v) for v in row)
        if record_id not in versions:
            local_only.add(record_id)
        elif (version := versions[record_id]) is not None:
            held[record_id] = version
    return held, local_only


def digests(db: Database) -> dict[str, KindDigest]:
    out = {}
    with db.read() as s:
        conn = s.connection()
        pending = apply.pending_records(conn)
        refused = sweep.rejected_records(conn)
        for kind in registry.kinds():
            held, local_only = local_records(conn, kind)
            pairs = [(r, v) for r, v in held.items() if (kind.name, r) not in pending]
            # What only this laptop holds counts too, at version 0: the server lacking it is a difference (unless
            # it waits in the outbox, or the server refused it and it is on the rejection list).
            pairs += [(r, 0) for r in local_only if (kind.name, r) not in pending and (kind.name, r) not in refused]
            out[kind.name] = KindDigest(count=len(pairs), checksum=checksum(pairs))
    return out


# A sync that sent and received nothing, with the laptop's digests as they were when the server last agreed at
# this cursor, is verified without asking again; the server is asked at least this often all the same (what it
# holds can change without a new number: an officer's role or team changed by an administrator).
VERIFY_EVERY_S = 3600


def _fingerprint(local: dict[str, KindDigest]) -> str:
    return hashlib.sha256(json.dumps({k: [d.count, d.checksum] for k, d in sorted(local.items())}).encode()
                          ).hexdigest()


def _agreed_before(db: Database, result: SyncResult) -> tuple[bool, dict[str, KindDigest] | None]:
    """(True, _) when this sync changed nothing and the last verification still stands; else (False, the local
    digests if they were computed to find out, for verify to send)."""
    if result.pushed or result.pulled or result.evicted or result.gained or result.retried or result.repaired:
        return False, None
    st = read_state(db)
    try:
        noted = json.loads(st.get(state.VERIFIED) or "null")
        cursor, fingerprint, at = int(noted["cursor"]), str(noted["digests"]), float(noted["at"])
    except (TypeError, KeyError, ValueError):
        return False, None
    # The cursor may have moved on since without anything received (other officers' changes): what this laptop
    # holds and should hold is then as agreed, which its unchanged digests (below) confirm.
    if cursor > int(st.get(state.CURSOR, "0")) or not 0 <= time.time() - at <= VERIFY_EVERY_S:
        return False, None
    if st.get(state.ROLE, "offender_manager") != "offender_manager":
        # A team manager or court officer sees cases they do not hold: a contact there that becomes restricted is
        # withheld from their pull without a new number, and only verify tells this laptop to let it go.
        return False, None
    local = digests(db)
    return _fingerprint(local) == fingerprint, local


def _note_verified(db: Database, cursor: int, local: dict[str, KindDigest]) -> None:
    with db.write() as s:
        state.put(s, **{state.VERIFIED: json.dumps({"cursor": cursor, "digests": _fingerprint(local),
                                                    "at": time.time()})})


def verify(db: Database, client: SyncClient, result: SyncResult,
           local: dict[str, KindDigest] | None = None) -> None:
    """Compare what the laptop holds with what the server says it should; re-pull the difference only."""
    cursor = int(read_state(db).get(state.CURSOR, "0"))
    local = digests(db) if local is None else local
    response = client.verify(VerifyRequest(kinds=local, cursor=cursor))
    result.mismatched = list(response.mismatched)
    if not response.mismatched:
        result.verified = True
        _note_verified(db, cursor, local)
        return
    # Records the server never had (written before enrolment, or past the outbox hook): send them now, then pull
    # what the server made of them (its rejections among it).
    if sweep.queue_unsent(db) and push(db, client, result) and pull(db, client, result):
        cursor, local = int(read_state(db).get(state.CURSOR, "0")), digests(db)
        response = client.verify(VerifyRequest(kinds=local, cursor=cursor))
        if not response.mismatched:  # result.mismatched still names what differed at first
            result.verified = True
            _note_verified(db, cursor, local)
            return
    username = read_state(db).get(state.USERNAME, "")
    for name in response.mismatched:
        kind = registry.get(name)
        if kind is None:
            continue
        server = {r.record_id: r.version for r in client.ids(name).records}
        with db.read() as s:
            conn = s.connection()
            held, _local_only = local_records(conn, kind)
            pending = apply.pending_records(conn)
        need = [r for r, v in server.items() if held.get(r) != v and (name, r) not in pending]
        gone = [r for r in held if r not in server and (name, r) not in pending]
        items = client.fetch(name, need) if need else []
        with apply.applying(db) as conn:
            ctx = apply.context(conn, username)
            n = apply.apply_items(conn, items, ctx, force=True, pending=pending)
            if gone:
                apply.delete_repaired(conn, kind, gone, ctx.actor)
        result.repaired += n + len(gone)
    local = digests(db)
    result.verified = not client.verify(VerifyRequest(kinds=local)).mismatched
    if result.verified:
        _note_verified(db, int(read_state(db).get(state.CURSOR, "0")), local)


# -- cases granted: their refused changes go again ---------------------------------------------------
GAINED = "gained_cases"  # sync_state: cases a pull reported granted, whose refused changes are to go again


def _note_gained(conn: Any, person_ids: list[str]) -> None:
    """Noted with the page that reported them (same transaction), so a sync cut before the retry still does it."""
    held = json.loads(state.read_all(conn).get(GAINED) or "[]")
    state.put(conn, **{GAINED: json.dumps(sorted(set(held) | set(person_ids)))})


def _retry_granted(db: Database) -> int:
    """What the server refused for a case not then the officer's goes again once a pull reports the case granted."""
    gained = json.loads(read_state(db).get(GAINED) or "[]")
    if not gained:
        return 0
    n = rejections.retry(db, cases=set(gained), only_out_of_scope=True)
    with db.write() as s:
        state.put(s, **{GAINED: None})
    return n


# -- the whole sync --------------------------------------------------------------------------------
def sync_once(db: Database, client: SyncClient | None = None, progress: ProgressFn | None = None,
              cancel: Cancel | None = None, verify_after: bool = True) -> SyncResult:
    """Push, pull, evict, verify. Raises client errors (Offline, AuthFailed, Refused); whatever committed stays."""
    own = client is None
    client = client or kept_client(db)
    result = SyncResult()
    try:
        if client.access_token is not None:
            client.ensure_fresh()  # a kept client after the laptop slept: refreshed here, on the writing thread
        done = push(db, client, result, progress, cancel) and pull(db, client, result, progress, cancel)
        if done:
            result.retried = _retry_granted(db)
            if result.retried:
                done = push(db, client, result, progress, cancel) and pull(db, client, result, progress, cancel)
        if done:
            evict_moved(db, result)
            if verify_after:
                _progress(progress, "verify", 0, None)
                agreed, local = _agreed_before(db, result)
                if agreed:
                    result.verified = True
                else:
                    verify(db, client, result, local)
            with db.write() as s:
                state.put(s, **{state.LAST_SYNCED_AT: utcnow().isoformat(timespec="seconds")})
            result.finished_at = utcnow()
        else:
            result.cancelled = True
    except AuthFailed:
        if own:
            forget_client(db)  # signed out or withdrawn: the next sync starts from what the file holds
        raise
    finally:
        with db.read() as s:
            result.waiting = s.scalar(select(func.count()).select_from(SyncOutbox)) or 0
            result.open_conflicts = _conflicts.count_open(s)
            result.open_rejections = rejections.count_open(s)
            result.cursor = int(state.read_all(s).get(state.CURSOR, "0"))
    return result


def enrol(db: Database, server_url: str, username: str, password: str, progress: ProgressFn | None = None,
          cancel: Cancel | None = None, client: SyncClient | None = None) -> SyncResult:
    """First sync: sign in, remember the server (refresh token inside the encrypted file), download the caseload.

    Cancelling leaves the laptop enrolled with part of its caseload; the next sync carries on from there.
    """
    st = read_state(db)
    laptop_id = st.get(state.LAPTOP_ID) or str(uuid.uuid4())
    first = not st.get(state.USERNAME)
    own = client is None
    client = client or SyncClient(server_url)
    try:
        tokens = client.sign_in(username, password, laptop_id)
        if client.on_tokens is None:
            client.on_tokens = token_saver(db)  # a first download can outlast the access token: it refreshes
        with db.write() as s:
            state.put(s, **{state.LAPTOP_ID: laptop_id, state.SERVER_URL: server_url.rstrip("/"),
                            state.USERNAME: tokens.username, state.DISPLAY_NAME: tokens.display_name,
                            state.ROLE: tokens.role, state.GRADE: tokens.grade or "",
                            state.REFRESH_TOKEN: tokens.refresh_token,
                            state.CURSOR: st.get(state.CURSOR, "0")})
            own_row = s.get(Meta, "officer_id")
            before = s.get(Officer, own_row.value) if own_row is not None and first else None
            if before is not None:  # work signed before enrolment as the file's officer is the enrolled user's
                enrol_restamp.restamp_unsent(s, before.staff_code, tokens.username, tokens.display_name,
                                             tokens.role, tokens.grade)
            if s.get(Meta, "officer_id") is None:
                # A fresh caseload file: this officer becomes its own officer row (the read rules use it).
                officer = s.scalar(select(Officer).where(Officer.staff_code == tokens.username))
                if officer is None:
                    officer = Officer(name=tokens.display_name, staff_code=tokens.username[:20], role="PO")
                    s.add(officer)
                    s.flush()
                s.add(Meta(key="officer_id", value=officer.id))
                db.officer_id = officer.id
        # Whatever the laptop already holds (a caseload started offline, a demo, records written before it enrolled
        # or past the outbox hook) goes with the first push, parents before children.
        sweep.queue_unsent(db)
        return sync_once(db, client, progress, cancel)
    finally:
        if own:
            client.close()
