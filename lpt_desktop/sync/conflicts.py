"""The officer's conflict list: see both versions field by field, then keep mine, keep theirs, or merge.

A resolution is an ordinary local edit (so the outbox carries it with the right base version) plus a
change to the conflict itself, which the server passes to every laptop holding the case. A conflict
stays on the list until it is resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, insert, select

from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import utcnow
from lpt_desktop.store.sync_models import SyncConflict, SyncOutbox, SyncRecord
from lpt_desktop.sync import kinds as registry
from lpt_desktop.sync.kinds import from_json
from lpt_desktop.sync.protocol import CONFLICT_KIND
from lpt_desktop.sync.rejections import REJECTED

Choice = Literal["mine", "theirs", "merge"]
REASONS = {
    "field": "Changed here and elsewhere",
    "deleted_there": "Changed here, deleted elsewhere",
    "deleted_here": "Deleted here, changed elsewhere",
    "rejected": "Not accepted by the central store",
    "local": "Could not be saved on this laptop",
}


@dataclass(frozen=True)
class ConflictView:
    id: str
    kind: str
    record_id: str
    person_id: str | None
    reason: str
    reason_text: str
    fields: list[str]
    mine: dict[str, Any] | None  # None: deleted (or not kept) on this side
    theirs: dict[str, Any] | None  # None: deleted on the server
    message: str | None
    status: str
    resolution: str | None
    raised_by: str | None
    created_at: datetime


def _view(c: SyncConflict) -> ConflictView:
    return ConflictView(c.id, c.kind, c.record_id, c.person_id, c.reason, REASONS.get(c.reason, c.reason),
                        list(c.fields or []), c.mine, c.theirs, c.message, c.status, c.resolution, c.raised_by,
                        c.created_at)


def list_conflicts(db: Database, include_resolved: bool = False) -> list[ConflictView]:
    """Conflicts only: a change the server refused is a rejection (sync/rejections.py), listed on its own."""
    with db.read() as s:
        q = select(SyncConflict).where(SyncConflict.reason != REJECTED).order_by(SyncConflict.created_at,
                                                                                 SyncConflict.id)
        if not include_resolved:
            q = q.where(SyncConflict.status == "open")
        return [_view(c) for c in s.scalars(q)]


def resolve(db: Database, conflict_id: str, choice: Choice, merged: dict[str, Any] | None = None) -> None:
    """Resolve one conflict. merge: `merged` maps field -> value (JSON form, as in mine/theirs)."""
    if choice not in ("mine", "theirs", "merge"):
        raise ValidationError([FieldError("Choice", "must be keep mine, keep theirs or merge")])
    with db.write() as s:
        c = s.get(SyncConflict, conflict_id)
        if c is None:
            raise ValidationError([FieldError("Conflict", "is no longer on the list: refresh it")])
        if c.status != "open":
            raise ValidationError([FieldError("Conflict", "is already resolved")])
        if c.reason == REJECTED:
            raise ValidationError([FieldError("Change", "was not accepted by the central store: there is nothing "
                                                        "to choose between. Try it again, or export it to set "
                                                        "it aside (Sync › Not accepted)")])
        kind = registry.get(c.kind)
        if kind is None and choice != "theirs":
            raise ValidationError([FieldError("Conflict", f"concerns {c.kind} records this version cannot edit: "
                                                          "choose keep theirs")])
        if choice == "merge":
            if not merged:
                raise ValidationError([FieldError("Merged values", "are missing: pick a value for each field")])
            assert kind is not None
            unknown = ", ".join(sorted(set(merged) - set(kind.columns)))
            if unknown:
                raise ValidationError([FieldError("Merged values", f"name unknown fields: {unknown}")])
            _write_values(s, kind, c.record_id, merged)
        elif choice == "mine" and kind is not None:
            if c.reason == "deleted_here":
                obj = s.get(kind.model, kind.key_of(c.record_id))
                if obj is not None:
                    s.delete(obj)
            elif c.mine:
                _write_values(s, kind, c.record_id, c.mine)
        elif choice == "theirs" and kind is not None:
            # The laptop already shows the server's version (it is read back after every conflict); make the
            # next sync re-check it in case that read was cut off.
            rec = s.get(SyncRecord, (c.kind, c.record_id))
            if rec is not None:
                rec.version = 0
        c.status, c.resolution = "resolved", choice
        if c.reason == "local":
            return  # this laptop's own note: the server never had it
        s.flush()
        s.execute(insert(SyncOutbox).values(
            kind=CONFLICT_KIND, record_id=c.id, person_id=c.person_id, op="upsert", base_version=c.version,
            fields={"status": {"new": "resolved"}, "resolution": {"new": choice}}, created_at=utcnow()))


def _write_values(s: Any, kind: registry.Kind, record_id: str, values: dict[str, Any]) -> None:
    obj = s.get(kind.model, kind.key_of(record_id))
    if obj is None:
        # Deleted here (by the server's delete): bring it back with the values chosen.
        obj = kind.model(**dict(zip(kind.key_columns, kind.key_of(record_id), strict=True)))
        s.add(obj)
    for name, value in values.items():
        if name in kind.columns and name not in kind.key_columns:
            setattr(obj, name, from_json(kind.table.c[name], value))


def count_open(s: Any) -> int:
    """Open conflicts (rejections are counted on their own: sync/rejections.count_open)."""
    return int(s.scalar(select(func.count()).select_from(SyncConflict).where(
        SyncConflict.status == "open", SyncConflict.reason != REJECTED)) or 0)
