"""The central store's sync logic: push (apply, merge, conflict, reject), pull pages, verify, allocation.

Every function takes an open session inside the caller's transaction; the API layer owns transactions.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, Text, cast, func, literal_column, select, update
from sqlalchemy.orm import Session

from lpt_desktop.central import write_rules
from lpt_desktop.central.auth import Principal
from lpt_desktop.central.db import next_seq
from lpt_desktop.central.models import (
    Allocation,
    AllocationHistory,
    AuditEntry,
    Counter,
    Device,
    Record,
    RestrictedAccess,
    ScopeAudience,
    ScopeEvent,
    User,
    utcnow,
)
from lpt_desktop.central.scope import can_read, can_write, persons_in_scope, record_visible, withheld_contacts
from lpt_desktop.sync import kinds as registry
from lpt_desktop.sync import schemas
from lpt_desktop.sync.kinds import canonical
from lpt_desktop.sync.protocol import (
    CONFLICT_KIND,
    FIRST_SAVE_REFUSED,
    MOVED_AWAY,
    Change,
    ChangeResult,
    Item,
    KindDigest,
    PullResponse,
    checksum,
)

MAX_PAGE = 5000  # a first download of ~60,000 records: a dozen pages, a dozen laptop commits


class Forbidden(Exception):
    pass


def audit(s: Session, p: Principal | None, action: str, kind: str | None = None, record_id: str | None = None,
          person_id: str | None = None, detail: str | None = None) -> None:
    s.add(AuditEntry(username=p.username if p else None, action=action, kind=kind, record_id=record_id,
                     person_id=person_id, detail=detail))


def _item(rec: Any, alloc: dict[str, dict[str, Any]] | None = None) -> Item:
    """An Item from a Record. Built without validation: every value comes from typed columns."""
    meta: dict[str, Any] = {}
    if rec.kind == "person" and alloc is not None:
        meta.update(alloc.get(rec.record_id) or _UNALLOCATED)
    return Item.model_construct(kind=rec.kind, record_id=rec.record_id, person_id=rec.person_id,
                                version=int(rec.version), deleted=bool(rec.deleted),
                                data=None if rec.deleted else rec.data, meta=meta)


def _allocations(s: Session, person_ids: set[str]) -> dict[str, str]:
    if not person_ids:
        return {}
    rows = s.execute(select(Allocation.person_id, Allocation.officer).where(Allocation.person_id.in_(person_ids)))
    return dict(rows.tuples().all())


_UNALLOCATED: dict[str, Any] = {"allocated_to": None, "allocated_name": None}


def _allocation_meta(s: Session, person_ids: set[str]) -> dict[str, dict[str, Any]]:
    """What a person item says of its case's holder: allocated_to (their username) and allocated_name (their
    name as the central store has it, the username when it has none). The laptop keeps both (person.held_by)."""
    if not person_ids:
        return {}
    rows = s.execute(select(Allocation.person_id, Allocation.officer, User.display_name)
                     .outerjoin(User, User.username == Allocation.officer)
                     .where(Allocation.person_id.in_(person_ids))).tuples().all()
    return {pid: {"allocated_to": officer, "allocated_name": name or officer} for pid, officer, name in rows}


# -- push ------------------------------------------------------------------------------------------
class Batch:
    """One push's view: records it touched (pending rows are not visible to queries without a flush) and the
    authorisation answers it already has (they do not change inside one push)."""

    def __init__(self, s: Session, p: Principal) -> None:
        self.s, self.p = s, p
        self._records: dict[tuple[str, str], Record | None] = {}
        self._writable: dict[str, bool] = {}
        self._crns: dict[str, set[str]] = {}  # CRN -> ids of the live person records holding it

    def prefetch(self, keys: list[tuple[str, str]]) -> None:
        """Load the batch's records in a few queries instead of one each."""
        by_kind: dict[str, list[str]] = {}
        for kind, record_id in keys:
            if (kind, record_id) not in self._records:
                by_kind.setdefault(kind, []).append(record_id)
                self._records[(kind, record_id)] = None
        for kind, ids in by_kind.items():
            for i in range(0, len(ids), 500):
                for rec in self.s.scalars(select(Record).where(Record.kind == kind,
                                                               Record.record_id.in_(ids[i:i + 500]))):
                    self._records[(rec.kind, rec.record_id)] = rec

    def record(self, kind: str, record_id: str) -> Record | None:
        key = (kind, record_id)
        if key not in self._records:
            self._records[key] = self.s.get(Record, key)
        return self._records[key]

    def add(self, rec: Record) -> None:
        self.s.add(rec)
        self._records[(rec.kind, rec.record_id)] = rec

    def can_write(self, person_id: str) -> bool:
        if person_id not in self._writable:
            self._writable[person_id] = can_write(self.s, self.p, person_id)
        return self._writable[person_id]

    def allow(self, person_id: str) -> None:
        self._writable[person_id] = True

    def prefetch_crns(self, crns: set[str]) -> None:
        """Which live person records hold these CRNs, in a few queries (a first enrolment sends hundreds)."""
        todo = sorted(c for c in crns if c not in self._crns)
        for crn in todo:
            self._crns[crn] = set()
        crn_of = Record.data["crn"].as_string()
        for i in range(0, len(todo), 500):
            rows = self.s.execute(select(Record.record_id, crn_of).where(
                Record.kind == "person", Record.deleted.is_(False), crn_of.in_(todo[i:i + 500]))).tuples()
            for record_id, crn in rows:
                self._crns.setdefault(crn, set()).add(record_id)

    def crn_holders(self, crn: str) -> set[str]:
        if crn not in self._crns:
            self.prefetch_crns({crn})
        return self._crns[crn]

    def person_written(self, rec: Record) -> None:
        """Keep the CRN map true after this batch writes a person (the writes are not flushed yet)."""
        for holders in self._crns.values():
            holders.discard(rec.record_id)
        crn = (rec.data or {}).get("crn")
        if isinstance(crn, str) and not rec.deleted:
            self._crns.setdefault(crn, set()).add(rec.record_id)


def _new_conflict(s: Session, p: Principal, ch: Change, person_id: str | None, reason: str,
                  mine: dict[str, Any] | None, theirs: dict[str, Any] | None, fields: list[str],
                  message: str, visible: bool = True,
                  theirs_from: tuple[str | None, str | None] | None = None,
                  refused: dict[str, str] | None = None) -> str:
    """A conflict or rejection, stored as a record of the conflict kind so it syncs to the case's laptops."""
    conflict_id = str(uuid.uuid4())
    seq = next_seq(s)
    data = {"kind": ch.kind, "record_id": ch.record_id, "reason": reason, "mine": mine, "theirs": theirs,
            "fields": fields, "status": "open", "resolution": None, "message": message, "raised_by": p.username,
            "laptop_id": p.laptop_id, "seq": ch.seq}
    if theirs_from is not None:  # (laptop, officer) that wrote the server's side (no laptop: a merge wrote it)
        data["theirs_laptop"], data["theirs_by"] = theirs_from
    if refused:  # field -> what was refused, described (the value itself could not be served back)
        data["refused"] = refused
    # A rejection of a case the officer may not see is theirs alone: it must not reveal the case to others.
    s.add(Record(kind=CONFLICT_KIND, record_id=conflict_id, person_id=person_id if visible else None,
                 owner=p.username, version=seq, deleted=False, data=data, updated_by=p.username))
    audit(s, p, "conflict" if reason != "rejected" else "reject", ch.kind, ch.record_id, person_id, reason)
    return conflict_id


def _reject(s: Session, p: Principal, ch: Change, message: str, person_id: str | None = None,
            visible: bool = False) -> ChangeResult:
    """A rejection keeps the refused values for the officer, but only those that can be served back: a value
    no field can hold (a list nested hundreds deep, megabytes of text) would break every pull that carries the
    rejection, so a short description of it is kept instead, and the value stays on the laptop."""
    mine: dict[str, Any] | None = None
    refused: dict[str, str] = {}
    if ch.op == "upsert":
        kind = registry.get(ch.kind)
        mine = {}
        for name, fc in ch.fields.items():
            field = kind.schema.get(name) if kind is not None else None
            if (field or schemas.ANY).problem(fc.new) is None:
                mine[name] = fc.new
            else:
                refused[name] = schemas.describe(fc.new)
    cid = _new_conflict(s, p, ch, person_id, "rejected", mine, None, sorted(ch.fields), message, visible,
                        refused=refused)
    return ChangeResult(seq=ch.seq, outcome="rejected", conflict_id=cid, message=message)


def _schema_refusal(kind: registry.Kind, ch: Change) -> str | None:
    """Why a pushed value cannot be kept in its field (type, length, depth: sync/schemas.py), naming the field
    and the limit; None when every value fits."""
    problems = []
    for name, fc in ch.fields.items():
        field = kind.schema.get(name, schemas.ANY)
        problem = field.problem(fc.new) or (field.problem(fc.old) if fc.has_old or fc.old is not None else None)
        if problem is not None:
            problems.append(problem)
    if not problems:
        return None
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    return f"The central store cannot keep this value: {' '.join(problems[:3])}{more}"


def _write(s: Session, p: Principal, rec: Record, data: dict[str, Any] | None, deleted: bool,
           clean_base: int | None = None) -> int:
    """Bump the record to a new version. A tombstone keeps its last data, so a conflict can offer it back.

    clean_base: the base version of a change applied whole (not merged) from this principal's laptop."""
    seq = next_seq(s)
    rec.writer_laptop = p.laptop_id if clean_base is not None else None
    rec.writer_base = clean_base
    if data is not None:
        rec.data = data
    rec.deleted = deleted
    rec.version = seq
    rec.updated_by = p.username
    rec.updated_at = utcnow()
    return seq


def _resolve_conflict_record(b: Batch, ch: Change) -> ChangeResult:
    s, p = b.s, b.p
    rec = b.record(CONFLICT_KIND, ch.record_id)
    if rec is None or rec.deleted:
        return ChangeResult(seq=ch.seq, outcome="applied")
    # Closing one's own rejection changes no case data and reveals nothing: allowed after the case has moved
    # away (the laptop keeps its rejections when it lets the case go).
    own_rejection = rec.owner == p.username and (rec.data or {}).get("reason") == "rejected"
    if rec.person_id is not None and not own_rejection and not b.can_write(rec.person_id):
        return _reject(s, p, ch, "This case is not allocated to you.")
    if rec.person_id is None and rec.owner != p.username:
        return _reject(s, p, ch, "This conflict is not yours.")
    if rec.owner != p.username and not write_rules.may_settle_others(p):
        return _reject(s, p, ch, "This conflict is between the case's officers: its offender manager settles it.")
    data = dict(rec.data or {})
    for name in ("status", "resolution"):
        value = ch.fields[name].new if name in ch.fields else None
        if value is not None and not (isinstance(value, str) and len(value) <= 20 and schemas.servable(value)):
            return _reject(s, p, ch, f"The central store cannot keep this value: {name} must be text of at most "
                                     "20 characters.")
    for name in ("status", "resolution"):
        if name in ch.fields:
            data[name] = ch.fields[name].new
    # Who settled it: every other laptop whose version lost is told (sync/apply.py, notices).
    data["resolved_by"], data["resolved_laptop"] = p.username, p.laptop_id
    version = _write(s, p, rec, data, False)
    audit(s, p, "resolve", CONFLICT_KIND, ch.record_id, rec.person_id, str(data.get("resolution")))
    return ChangeResult(seq=ch.seq, outcome="applied", version=version)


def _audience(s: Session, person_id: str) -> set[str]:
    """Tokens of everyone who may see the case now (see models.ScopeAudience)."""
    s.flush()
    tokens: set[str] = set()
    alloc = s.get(Allocation, person_id)
    if alloc is not None:
        tokens.add(f"u:{alloc.officer}")
        if alloc.team:
            tokens.add(f"t:{alloc.team}")
        if alloc.court:
            tokens.add(f"c:{alloc.court}")
    tokens.update(f"u:{staff}" for staff in s.scalars(select(RestrictedAccess.staff).where(
        RestrictedAccess.person_id == person_id)))
    return tokens


def _scope_event(s: Session, seq: int, person_id: str, audience: set[str]) -> None:
    s.add(ScopeEvent(seq=seq, person_id=person_id))
    for token in sorted(audience):
        s.add(ScopeAudience(seq=seq, token=token[:130]))


def principal_tokens(p: Principal) -> list[str]:
    tokens = [f"u:{p.username}"]
    if p.role == "team_manager" and p.team:
        tokens.append(f"t:{p.team}")
    if p.role == "court_officer" and p.court:
        tokens.append(f"c:{p.court}")
    return tokens


def _allocate_new_case(s: Session, p: Principal, person_id: str) -> None:
    """A case created on a laptop is allocated to the officer who created it, until it is moved."""
    user = s.get(User, p.username)
    seq = next_seq(s)
    s.add(Allocation(person_id=person_id, officer=p.username, team=user.team if user else None,
                     court=user.court if user else None, seq=seq))
    s.add(AllocationHistory(person_id=person_id, officer=p.username, from_seq=seq))
    _scope_event(s, seq, person_id, _audience(s, person_id))  # flushes: later queries in the push see it


def _based_on_current(p: Principal, ch: Change, rec: Record) -> bool:
    """The change was made on top of the server's current version (or on this laptop's own last clean write)."""
    return ch.base_version == rec.version or (
        rec.writer_laptop is not None and rec.writer_laptop == p.laptop_id and ch.base_version == rec.writer_base)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _bad_text(value: Any) -> bool:
    """A lone surrogate: valid in JSON, but no database can store it and no answer can carry it (a record
    holding one would make every pull of its case fail)."""
    stack = [value]
    while stack:  # without recursion: a value may be nested far deeper than Python recurses
        v = stack.pop()
        if isinstance(v, str):
            if _SURROGATE.search(v):
                return True
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def apply_change(b: Batch, ch: Change) -> ChangeResult:
    s, p = b.s, b.p
    if any(_bad_text(name) or _bad_text(fc.new) or _bad_text(fc.old) for name, fc in ch.fields.items()):
        return _reject(s, p, ch.model_copy(update={"fields": {}}),
                       "This change holds text that is not valid Unicode: enter it again.")
    if ch.kind == CONFLICT_KIND:
        return _resolve_conflict_record(b, ch)
    kind = registry.get(ch.kind)
    if kind is None:
        return _reject(s, p, ch, f"This server does not know records of kind {ch.kind!r}: update the server.")
    unknown = set(ch.fields) - set(kind.columns)
    if unknown:
        return _reject(s, p, ch, f"Unknown fields for {ch.kind}: {', '.join(sorted(unknown))}.")
    refusal = _schema_refusal(kind, ch)
    if refusal is not None:
        return _reject(s, p, ch, refusal)  # at the door: before anything reads or stores the values
    rec = b.record(ch.kind, ch.record_id)
    if ch.kind == "person" and ch.op == "upsert":
        refusal = _person_refusal(b, ch, rec)
        if refusal is not None:
            return _reject(s, p, ch, refusal)  # the officer's alone: it names no other officer's case
    joins = False
    if rec is not None:
        person_id = rec.person_id  # the server's own idea of the case, never the client's
        if person_id is None and rec.owner == p.username and ch.person_id and kind.person_of is not None \
                and b.can_write(ch.person_id):
            joins, person_id = True, ch.person_id  # the officer's own record joins a case (say, promoted)
    elif ch.kind == "person":
        person_id = ch.record_id
    else:
        person_id = ch.person_id
    # Authorisation
    if person_id is None:  # owner-scoped: belongs to the officer, not to a case
        if rec is not None and rec.owner != p.username:
            return _reject(s, p, ch, "This record belongs to another officer.")
    elif not b.can_write(person_id):
        new_case = (rec is None and ch.kind == "person" and ch.op == "upsert"
                    and s.get(Allocation, person_id) is None and write_rules.may_add_cases(p))
        if not new_case and rec is None and ch.kind == "person" and not write_rules.may_add_cases(p):
            return _reject(s, p, ch, write_rules.refusal(s, p, ch, rec, person_id)
                           or "Your role may not add cases: ask an offender manager.")
        if not new_case:
            if rec is None and s.get(Allocation, person_id) is None and b.record("person", person_id) is None:
                return _reject(s, p, ch, "The central store does not hold this record's case: the case itself was "
                                         "not accepted (see the case on this list).")
            if s.scalar(select(AllocationHistory.person_id).where(AllocationHistory.person_id == person_id,
                                                                  AllocationHistory.officer == p.username).limit(1)):
                return _reject(s, p, ch, f"{MOVED_AWAY} (or restricted): this change, made while it was yours, was "
                                         "not applied. Tell its officer what it holds, or export it.")
            return _reject(s, p, ch, "This case is not allocated to you, or it is restricted.")
        refusal = _first_save_refusal(b, kind, ch)
        if refusal is not None:
            return _reject(s, p, ch, refusal)
        _allocate_new_case(s, p, person_id)
        b.allow(person_id)
    # What the role may write there (write_rules.py): a manager reads the team's cases, and writes only
    # countersignatures and oversight contacts. The refusal is the sender's alone, like any other.
    refused = write_rules.refusal(s, p, ch, rec, person_id, b.record)
    if refused is not None:
        return _reject(s, p, ch, refused)
    if joins and rec is not None:
        rec.person_id = person_id

    if ch.op == "delete":
        if rec is None or rec.deleted:
            return ChangeResult(seq=ch.seq, outcome="duplicate", version=rec.version if rec else 0)
        if kind.sealed(rec.data) and not _in_open_draft(b, kind, rec):
            return _reject(s, p, ch, f"Saved {ch.kind} records are never deleted: add an amendment instead.",
                           person_id, visible=True)
        if not _based_on_current(p, ch, rec):
            cid = _new_conflict(s, p, ch, person_id, "deleted_here", None, rec.data, [],
                                "You deleted a record that was changed elsewhere.",
                                theirs_from=(rec.writer_laptop, rec.updated_by))
            return ChangeResult(seq=ch.seq, outcome="conflict", version=rec.version, conflict_id=cid)
        version = _write(s, p, rec, None, True)
        audit(s, p, "delete", ch.kind, ch.record_id, person_id)
        if ch.kind == "person":  # the case's records go with it (the laptop's database cascades the same way)
            for child in s.scalars(select(Record).where(Record.person_id == person_id, Record.deleted.is_(False),
                                                        Record.kind != "person", Record.kind != CONFLICT_KIND)):
                _write(s, p, child, None, True)
        return ChangeResult(seq=ch.seq, outcome="applied", version=version)

    new = {name: fc.new for name, fc in ch.fields.items()}
    if rec is None and ch.kind == TRANSFER_KIND and (
            new.get("status") != "requested" or any(new.get(f) is not None for f in _SETTLED_FIELDS)):
        # The officer asks; only the administrator settles (`lpt-central transfer`): a laptop may not send a
        # request already marked done, which would claim a move nobody made.
        return _reject(s, p, ch, "Only the central store's administrator settles a transfer request: send it as "
                                 "requested.", person_id, visible=True)
    if rec is None:
        refusal = _first_save_refusal(b, kind, ch)
        if refusal is not None:
            return _reject(s, p, ch, refusal)
        rec = Record(kind=ch.kind, record_id=ch.record_id, person_id=person_id,
                     owner=p.username, version=0, deleted=False)
        b.add(rec)
        version = _write(s, p, rec, new, False, clean_base=ch.base_version)
        audit(s, p, "create", ch.kind, ch.record_id, person_id)
        return ChangeResult(seq=ch.seq, outcome="applied", version=version)
    if rec.deleted:
        if ch.base_version == rec.version:  # the laptop saw the delete and chose to bring the record back
            version = _write(s, p, rec, {**(rec.data or {}), **new}, False)
            audit(s, p, "restore", ch.kind, ch.record_id, person_id)
            return ChangeResult(seq=ch.seq, outcome="applied", version=version)
        cid = _new_conflict(s, p, ch, person_id, "deleted_there", {**(rec.data or {}), **new}, None, sorted(new),
                            "You changed a record that was deleted elsewhere.")
        return ChangeResult(seq=ch.seq, outcome="conflict", version=rec.version, conflict_id=cid)
    current = dict(rec.data or {})
    if kind.sealed(current) and any(canonical(current.get(k)) != canonical(v) for k, v in new.items()):
        return _reject(s, p, ch, f"Saved {ch.kind} records are never edited: add an amendment instead.",
                       person_id, visible=True)
    if _based_on_current(p, ch, rec):
        current.update(new)
        version = _write(s, p, rec, current, False, clean_base=ch.base_version)
        audit(s, p, "update", ch.kind, ch.record_id, person_id, ", ".join(sorted(new)))
        return ChangeResult(seq=ch.seq, outcome="applied", version=version)
    # Stale base: field by field. A field is ours to take if the server still holds the value we replaced.
    take: dict[str, Any] = {}
    clash: list[str] = []
    for name, fc in ch.fields.items():
        server_value = canonical(current.get(name))
        if server_value == canonical(fc.new):
            continue  # both sides made the same change
        if fc.has_old and server_value == canonical(fc.old):
            take[name] = fc.new
        else:
            clash.append(name)
    version = rec.version
    theirs_from = (rec.writer_laptop, rec.updated_by)  # before a merge below rewrites them
    if take:
        current.update(take)
        version = _write(s, p, rec, current, False)
        audit(s, p, "merge", ch.kind, ch.record_id, person_id, ", ".join(sorted(take)))
    if clash:
        clash.sort()
        cid = _new_conflict(s, p, ch, person_id, "field", {k: new[k] for k in clash},
                            {k: current.get(k) for k in clash}, clash,
                            "This record was changed here and elsewhere: choose which to keep.",
                            theirs_from=theirs_from)
        return ChangeResult(seq=ch.seq, outcome="conflict", version=version, conflict_id=cid)
    return ChangeResult(seq=ch.seq, outcome="merged", version=version)


def _in_open_draft(b: Batch, kind: registry.Kind, rec: Record) -> bool:
    """A sealed record that belongs to a draft (kinds.py draft_of: a sentence plan's agreements and goal statuses),
    while the server's copy of that draft is not sealed: deleting the draft takes it along (a discarded draft)."""
    if not kind.draft_of:
        return False
    target: Record | None = rec
    for name, parent_kind in kind.draft_of:
        ref = (target.data or {}).get(name) if target is not None else None
        target = b.record(parent_kind, ref) if isinstance(ref, str) else None
        if target is None:
            return False  # the draft is not held: nothing says it is one
    parent = registry.get(parent_kind)
    return target is not None and parent is not None and not parent.sealed(target.data)


def _first_save_refusal(b: Batch, kind: registry.Kind, ch: Change) -> str | None:
    """Why a change cannot be the first save of a record the store does not hold: it is an edit of a record whose
    first save this store refused to this officer (its case had moved away, say, and the edit arrives once the case
    is back). A laptop's first save carries the whole record, its key included; an edit sends only the fields it
    changed, never the key. Stored, the edit would be a fragment of a record ({"town": ...}: no first line, no case)
    that no laptop can save: each would list "could not be saved on this laptop" and fail to verify for ever."""
    if all(c in ch.fields for c in kind.key_columns):
        return None
    b.s.flush()  # a rejection earlier in this push counts too
    refused = b.s.scalar(select(Record.record_id).where(
        Record.kind == CONFLICT_KIND, Record.owner == b.p.username,
        Record.data["record_id"].as_string() == ch.record_id, Record.data["kind"].as_string() == ch.kind,
        Record.data["reason"].as_string() == "rejected").limit(1))
    if refused is None:
        return None
    return (f"{FIRST_SAVE_REFUSED} (this change holds only {', '.join(sorted(ch.fields)) or 'no fields'}), so it "
            "cannot be applied on its own. Try the record's first save again (it sends the whole record as it "
            "stands on this laptop), or export it.")


def _person_refusal(b: Batch, ch: Change, rec: Record | None) -> str | None:
    """Why a case record can never be taken: a CRN the store already holds for another record (one person,
    one case), or a first save that never arrived (an edit of a case the store refused must not create it)."""
    crn = ch.fields["crn"].new if "crn" in ch.fields else None
    if rec is None and not crn:
        return ("This changes a case the central store does not hold (its first save was not accepted), "
                "so it cannot be applied on its own.")
    if not isinstance(crn, str) or not crn:
        return None
    others = b.crn_holders(crn) - {ch.record_id}
    if not others:
        return None
    holder = b.s.get(Allocation, sorted(others)[0])
    if holder is not None and holder.officer == b.p.username:
        return (f"The central store already holds CRN {crn} for another case of yours: this would be a second "
                "record of the same person.")
    return f"The central store already holds CRN {crn} for another officer."


def _crns_of(changes: list[Change]) -> set[str]:
    return {c.fields["crn"].new for c in changes
            if c.kind == "person" and "crn" in c.fields and isinstance(c.fields["crn"].new, str)}


def push(s: Session, p: Principal, laptop_id: str, cursor: int, changes: list[Change],
         isolate: bool = False) -> tuple[int, list[ChangeResult]]:
    """Apply a batch in order, in the caller's transaction, with the laptop's high-water mark.

    isolate: each change in its own savepoint, so one that fails unexpectedly is recorded as a rejection
    and the rest still apply. The API first tries without (faster) and retries with it after a failure.
    """
    if laptop_id != p.laptop_id:
        raise Forbidden("This token was issued to another laptop.")
    next_seq(s)  # take the sequence lock first: pushes are serialised, readers never skip a number
    device = s.get(Device, laptop_id, with_for_update=True)
    if device is None or device.username != p.username:
        raise Forbidden("This laptop is not enrolled for this officer.")
    # How far the laptop says it has pulled is noted, never trusted: who may write a case is decided from who
    # holds it now (scope.can_write), whatever the laptop has or has not pulled.
    device.pulled_seq = max(device.pulled_seq, cursor)
    b = Batch(s, p)
    b.prefetch([(c.kind, c.record_id) for c in changes])
    b.prefetch_crns(_crns_of(changes))
    results: list[ChangeResult] = []
    with s.no_autoflush:
        for ch in sorted(changes, key=lambda c: c.seq):
            if ch.seq <= device.last_applied_seq:
                rec = b.record(ch.kind, ch.record_id)
                results.append(ChangeResult(seq=ch.seq, outcome="duplicate", version=rec.version if rec else 0))
                continue
            if not isolate:
                results.append(apply_change(b, ch))
            else:
                try:
                    with s.begin_nested():
                        result = apply_change(b, ch)
                except Exception as exc:  # noqa: BLE001 - a change that can never apply must not block the queue
                    b = Batch(s, p)  # what the failed savepoint held is gone: read afresh
                    with s.begin_nested():
                        result = _reject(s, p, ch, f"The server could not apply this change ({type(exc).__name__}).")
                results.append(result)
            if ch.kind == "person" and results[-1].outcome in ("applied", "merged"):
                written = b.record("person", ch.record_id)
                if written is not None:
                    b.person_written(written)
            device.last_applied_seq = ch.seq
    device.last_seen = utcnow()
    return device.last_applied_seq, results


# -- pull ------------------------------------------------------------------------------------------
# What a pull reads of a record: its data as the JSON text the database holds, passed through to the answer
# unparsed (a first download is ~60,000 records: decoding each and encoding it again was most of a page's cost).
_RAW_COLUMNS = (Record.kind, Record.record_id, Record.person_id, Record.version, Record.deleted,
                cast(Record.data, Text).label("data"))


_json_string = json.encoder.encode_basestring_ascii  # json.dumps of one str, in C


@dataclass
class RawPage:
    """One pull page as rows whose data is JSON text: `to_json` writes the PullResponse body without parsing the
    data, `to_response` parses it (the plain computation, for callers that want the model)."""

    rows: list[Any]  # (kind, record_id, person_id, version, deleted, data text) in the answer's order
    alloc: dict[str, dict[str, Any]]  # person id -> allocated_to / allocated_name, for person items
    evict: list[str]
    gained: list[str]
    cursor: int
    more: bool
    remaining: int | None

    def person_ids(self) -> set[str]:
        return {r.person_id for r in self.rows if r.person_id}

    def _meta(self, row: Any) -> dict[str, Any]:
        return (self.alloc.get(row.record_id) or _UNALLOCATED) if row.kind == "person" else {}

    def to_json(self) -> str:
        dumps, text = json.dumps, _json_string
        parts = []
        for r in self.rows:
            deleted = bool(r.deleted)
            data = "null" if deleted or r.data is None else r.data
            meta = dumps(self._meta(r)) if r.kind == "person" else "{}"
            parts.append(f'{{"kind":{text(r.kind)},"record_id":{text(r.record_id)},'
                         f'"person_id":{"null" if r.person_id is None else text(r.person_id)},'
                         f'"version":{int(r.version)},"deleted":{"true" if deleted else "false"},"data":{data},'
                         f'"meta":{meta}}}')
        return (f'{{"items":[{",".join(parts)}],"evict":{dumps(self.evict)},"gained":{dumps(self.gained)},'
                f'"cursor":{int(self.cursor)},"more":{"true" if self.more else "false"},'
                f'"remaining":{"null" if self.remaining is None else int(self.remaining)}}}')

    def to_response(self) -> PullResponse:
        items = [Item(kind=r.kind, record_id=r.record_id, person_id=r.person_id, version=int(r.version),
                      deleted=bool(r.deleted),
                      data=None if r.deleted or r.data is None else json.loads(r.data), meta=dict(self._meta(r)))
                 for r in self.rows]
        return PullResponse(items=items, evict=self.evict, gained=self.gained, cursor=self.cursor, more=self.more,
                            remaining=self.remaining)


# Up to this many numbers after the cursor, a page is read by walking the version index from the cursor (it stops
# at the page's end: ~2 microseconds a row on SQLite). SQLite's planner otherwise reads every record of every case
# in scope through the person index and sorts them, for each page: on a first download, the whole caseload a dozen
# times over. Further behind than this (a first download from a Trust's whole store), that is the cheaper way.
WALK_ROWS = 200_000


def _walk_versions(s: Session) -> Any:
    """On SQLite, record.person_id as `+record.person_id`: the same value, but no index can serve it, so the
    planner takes ix_record_version (ORDER BY version ... LIMIT stops early). PostgreSQL chooses well by itself."""
    if s.get_bind().dialect.name != "sqlite":
        return None
    return literal_column("+record.person_id", String)


def pull(s: Session, p: Principal, after: int, limit: int, count: bool = False,
         seen: int | None = None) -> PullResponse:
    """One page of changes after `after`, as the protocol's model (pull_page has the details)."""
    return pull_page(s, p, after, limit, count, seen).to_response()


def pull_page(s: Session, p: Principal, after: int, limit: int, count: bool = False,
              seen: int | None = None) -> RawPage:
    """One page of changes after `after`. count: also say how many records are still to come (one extra scan,
    so a client asks on its first page only and counts down from there).

    seen: what the laptop has committed, when it asks for the next page while still applying this one (the
    two overlap); without it, asking after X means everything up to X is applied on the laptop."""
    # On PostgreSQL (read committed) each query below sees what had committed when it started: a push and an
    # allocation committing between them would let the cursor pass the push's rows unseen. Every number up to
    # the counter's committed value has committed (numbers are taken under its row lock, held to commit), so
    # both queries stop there and see the same rows; anything later comes with the next page. The laptop and the
    # head in one query: a quiet sync asks nothing else.
    found = s.execute(select(Device.username, Device.pulled_seq,
                             select(Counter.value).where(Counter.id == 1).scalar_subquery())
                      .where(Device.laptop_id == p.laptop_id)).first()
    if found is None or found[0] != p.username:
        raise Forbidden("This laptop is not enrolled for this officer.")
    applied = after if seen is None else min(seen, after)
    if applied > found[1]:
        s.execute(update(Device).where(Device.laptop_id == p.laptop_id, Device.pulled_seq < applied)
                  .values(pulled_seq=applied))
    limit = max(1, min(limit, MAX_PAGE))
    head = int(found[2] or 0)
    if head <= after:  # nothing new (the common sync): no record or scope query at all
        remaining = 0 if count else None
        return RawPage([], {}, [], [], after, False, remaining)
    visible = record_visible(p, _walk_versions(s) if head - after <= WALK_ROWS else None)
    # Plain rows, not ORM objects: a page is thousands of records only read (no identity map to fill).
    recs = s.execute(select(*_RAW_COLUMNS).where(Record.version > after, Record.version <= head, visible)
                     .order_by(Record.version).limit(limit + 1)).all()
    mine = select(ScopeAudience.seq).where(ScopeAudience.token.in_(principal_tokens(p)), ScopeAudience.seq > after)
    events = s.execute(select(ScopeEvent.seq, ScopeEvent.person_id).where(ScopeEvent.seq > after,
                                                                          ScopeEvent.seq <= head,
                                                                          ScopeEvent.seq.in_(mine))
                       .order_by(ScopeEvent.seq).limit(limit + 1)).tuples().all()
    merged: list[tuple[int, Any]] = sorted([(r.version, r) for r in recs] + [(seq, pid) for seq, pid in events],
                                           key=lambda t: t[0])
    more = len(merged) > limit
    merged = merged[:limit]
    # A page that is not full holds everything this laptop may see up to the head: its cursor is the head, so the
    # next pull starts there. (It stayed at the last record the laptop could see: a quiet laptop then had every
    # other officer's changes since walked again on each sync, more and more as the Trust worked on.)
    cursor = merged[-1][0] if more else head
    rows: list[Any] = []
    evict: list[str] = []
    gained: list[str] = []
    scope_people = set(s.scalars(persons_in_scope(p).where(
        Allocation.person_id.in_({pid for _, pid in merged if isinstance(pid, str)}))))
    person_ids: set[str] = set()
    for _, what in merged:
        if not isinstance(what, str):  # a record row (a scope event is a person id)
            rows.append(what)
            if what.kind == "person":
                person_ids.add(what.record_id)
        elif what in scope_people:
            # Gained (or re-checked) a case: the laptop may have passed its older records while the case was
            # not in its scope; newer ones come in this or later pages anyway.
            rows.extend(_case_records(s, p, what, up_to=after))
            person_ids.add(what)
            gained.append(what)
        else:
            evict.append(what)
    alloc = _allocation_meta(s, person_ids)
    remaining = None
    if count:
        remaining = int(s.scalar(select(func.count()).select_from(Record).where(Record.version > cursor,
                                                                                 Record.version <= head,
                                                                                 visible)) or 0)
    return RawPage(rows, alloc, evict, gained, cursor, more, remaining)


def _kind_rank() -> dict[str, int]:
    return {k.name: i for i, k in enumerate(registry.kinds())}


def _case_records(s: Session, p: Principal, person_id: str, up_to: int) -> list[Any]:
    """A gained case's live records up to `up_to` (rows of _RAW_COLUMNS), parents first."""
    rank = _kind_rank()
    rows = s.execute(select(*_RAW_COLUMNS).where(Record.person_id == person_id, Record.deleted.is_(False),
                                                 Record.version <= up_to, ~withheld_contacts(p))).all()
    return sorted(rows, key=lambda r: (rank.get(r.kind, 99), r.version))


def seen_up_to(s: Session, p: Principal, cursor: int) -> None:
    """The laptop says it has applied everything up to `cursor` (noted for the record; it grants nothing)."""
    device = s.get(Device, p.laptop_id)
    if device is not None and device.username == p.username and cursor > device.pulled_seq:
        device.pulled_seq = cursor


# -- verify and repair -----------------------------------------------------------------------------
def digests(s: Session, p: Principal) -> dict[str, KindDigest]:
    rows = s.execute(select(Record.kind, Record.record_id, Record.version).where(
        record_visible(p), Record.deleted.is_(False), Record.kind != CONFLICT_KIND)).tuples().all()
    by_kind: dict[str, list[tuple[str, int]]] = {k: [] for k in registry.names()}
    for kind, record_id, version in rows:
        by_kind.setdefault(kind, []).append((record_id, int(version)))
    return {k: KindDigest(count=len(v), checksum=checksum(v)) for k, v in by_kind.items()}


def ids(s: Session, p: Principal, kind: str) -> list[tuple[str, int]]:
    rows = s.execute(select(Record.record_id, Record.version).where(
        Record.kind == kind, record_visible(p), Record.deleted.is_(False))).tuples().all()
    return [(r, int(v)) for r, v in rows]


def fetch(s: Session, p: Principal, kind: str, record_ids: list[str]) -> list[Item]:
    """Current state of named records in scope; records out of scope or unknown come back as tombstones."""
    found = {r.record_id: r for r in s.scalars(select(Record).where(
        Record.kind == kind, Record.record_id.in_(record_ids), record_visible(p)))}
    alloc = _allocation_meta(s, set(found) if kind == "person" else set())
    out = []
    for rid in record_ids:
        rec = found.get(rid)
        out.append(_item(rec, alloc) if rec is not None else Item(kind=kind, record_id=rid, version=0, deleted=True))
    return out


# -- administration --------------------------------------------------------------------------------
def allocate(s: Session, person_id: str, officer: str, court: str | None = None) -> int:
    """Allocate a case or move it: a scope event tells every laptop concerned at its next pull."""
    user = s.get(User, officer)
    if user is None:
        raise ValueError(f"There is no user {officer!r}: add them with `lpt-central user add` first.")
    seq = next_seq(s)
    before = _audience(s, person_id)
    alloc = s.get(Allocation, person_id)
    if alloc is None:
        s.add(Allocation(person_id=person_id, officer=officer, team=user.team, court=court, seq=seq))
        s.add(AllocationHistory(person_id=person_id, officer=officer, from_seq=seq))
    else:
        if alloc.officer != officer:
            s.execute(update(AllocationHistory).where(AllocationHistory.person_id == person_id,
                                                      AllocationHistory.to_seq.is_(None)).values(to_seq=seq))
            s.add(AllocationHistory(person_id=person_id, officer=officer, from_seq=seq))
        alloc.officer, alloc.team, alloc.seq = officer, user.team, seq
        if court is not None:
            alloc.court = court
    _scope_event(s, seq, person_id, before | _audience(s, person_id))
    return seq


# -- transfer requests (issue 16) -------------------------------------------------------------------
TRANSFER_KIND = "transfer_request"
TRANSFER_STATUSES = ("requested", "done", "refused")
_SETTLED_FIELDS = ("settled_on", "to_officer", "refusal")


class NoRequest(ValueError):
    """There is no open transfer request for the case."""


def transfer_requests(s: Session, status: str | None = None) -> list[dict[str, Any]]:
    """Every transfer request officers have sent (oldest first), with the case's CRN and name, who sent it
    (the server's record of the sender, not anything the laptop says) and who holds the case now."""
    q = select(Record).where(Record.kind == TRANSFER_KIND, Record.deleted.is_(False)).order_by(Record.version)
    recs = [r for r in s.scalars(q) if status is None or (r.data or {}).get("status") == status]
    person_ids = {r.person_id for r in recs if r.person_id}
    people = {r.record_id: r.data or {} for r in s.scalars(select(Record).where(
        Record.kind == "person", Record.record_id.in_(person_ids)))} if person_ids else {}
    holders = _allocations(s, {p for p in person_ids if p})
    out = []
    for r in recs:
        data, person = r.data or {}, people.get(r.person_id or "", {})
        out.append({"id": r.record_id, "person_id": r.person_id, "crn": person.get("crn"),
                    "name": " ".join(str(person[k]) for k in ("first_name", "last_name") if person.get(k)),
                    "from_officer": r.owner, "holder": holders.get(r.person_id or ""),
                    "to_where": data.get("to_where"), "reason": data.get("reason"),
                    "requested_on": data.get("requested_on"), "status": data.get("status"),
                    "settled_on": data.get("settled_on"), "to_officer": data.get("to_officer"),
                    "refusal": data.get("refusal")})
    return out


def _open_request(s: Session, person_id: str) -> Record:
    """The case's newest request still waiting for the administrator."""
    recs = s.scalars(select(Record).where(Record.kind == TRANSFER_KIND, Record.person_id == person_id,
                                          Record.deleted.is_(False)).order_by(Record.version.desc()))
    for rec in recs:
        if (rec.data or {}).get("status") == "requested":
            return rec
    raise NoRequest(f"There is no open transfer request for case {person_id}: `lpt-central transfer list` shows "
                    "the requests.")


def _settle(s: Session, rec: Record, **fields: Any) -> int:
    """The administrator's write to a request: a new version every laptop holding the case pulls."""
    seq = next_seq(s)
    rec.data = {**(rec.data or {}), **fields, "settled_on": utcnow().date().isoformat()}
    rec.version, rec.updated_by, rec.updated_at = seq, None, utcnow()
    rec.writer_laptop = rec.writer_base = None  # no laptop wrote this version
    return seq


def transfer_done(s: Session, person_id: str, officer: str) -> int:
    """Move the case to `officer` (allocate: the old laptop lets it go, the new one pulls it) and mark its open
    request done, in the caller's transaction."""
    rec = _open_request(s, person_id)
    allocate(s, person_id, officer)  # refuses an unknown officer before anything is marked
    return _settle(s, rec, status="done", to_officer=officer)


def transfer_refuse(s: Session, person_id: str, reason: str) -> int:
    """Refuse the case's open request: the case stays where it is, and its officer's laptop shows why."""
    if not reason.strip():
        raise ValueError("Reason: is empty: say why the transfer is refused, for the officer who asked.")
    return _settle(s, _open_request(s, person_id), status="refused", refusal=reason.strip())


def restrict(s: Session, person_id: str, staff: list[str]) -> int:
    seq = next_seq(s)
    before = _audience(s, person_id)
    for row in s.scalars(select(RestrictedAccess).where(RestrictedAccess.person_id == person_id)):
        s.delete(row)
    s.flush()
    for name in sorted(set(staff)):
        s.add(RestrictedAccess(person_id=person_id, staff=name))
    _scope_event(s, seq, person_id, before | _audience(s, person_id))
    return seq


def cases(s: Session, p: Principal) -> list[dict[str, Any]]:
    restricted = select(RestrictedAccess.person_id).distinct()
    rows = s.execute(select(Allocation.person_id, Allocation.officer, Allocation.team, Allocation.court,
                            Allocation.person_id.in_(restricted)).where(
        Allocation.person_id.in_(persons_in_scope(p))).order_by(Allocation.person_id)).tuples().all()
    return [{"person_id": a, "officer": b, "team": c, "court": d, "restricted": bool(e)} for a, b, c, d, e in rows]


def case_readable(s: Session, p: Principal, person_id: str) -> bool:
    return can_read(s, p, person_id)


def head(s: Session) -> int:
    return int(s.scalar(select(func.coalesce(func.max(Record.version), 0))) or 0)


__all__ = ["Forbidden", "NoRequest", "allocate", "apply_change", "audit", "cases", "digests", "fetch", "ids", "pull",
           "push", "restrict", "transfer_done", "transfer_refuse", "transfer_requests"]
