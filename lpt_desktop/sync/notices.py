"""Word to a laptop whose change lost to a choice made on another laptop (issue 13, item 3).

A conflict is settled once, on one laptop; the server passes the settled conflict to every laptop that holds
the case. When it arrives on a laptop whose own version that choice replaced (its change raised the conflict
and the other version was kept, or its change was the other version and the raiser's was kept), and the choice
was made elsewhere, a notice is written here in the same transaction: what was replaced, of which case, by whom,
and this laptop's losing values, which stay readable after the record shows the version kept.

The server names the laptops in the conflict record: laptop_id (the raiser's), theirs_laptop (the laptop that
wrote the server's side, when one laptop wrote it whole) and resolved_laptop (where it was settled).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Person, utcnow
from lpt_desktop.store.sync_models import SyncNotice

# What a record is, in words ("Your change to <this> of <case>").
RECORD_WORDS = {
    "person": "the case details",
    "address": "an address",
    "sentence": "a sentence",
    "requirement": "a requirement",
    "licence_condition": "a licence condition",
    "registration": "a registration",
    "alias": "another name",
    "disability": "a disability",
    "personal_contact": "a personal contact",
    "circumstance": "a circumstance",
    "sentence_event": "a sentence event",
    "case_event": "the case's timeline",
    "transfer_request": "a transfer request",
    "appointment_series": "a series of appointments",
    "contact": "a contact",
    "enforcement": "an enforcement decision",
    "contact_plan_link": "a contact's plan link",
    "contact_rmp_link": "a contact's risk plan link",
    "standards_override": "a national standards override",
    "standards_record": "a national standards record",
    "pre_sentence": "a pre-sentence record",
    "report_request": "a report request",
    "court_report": "a court report",
    "note_template": "a note template",
    "office_closure": "an office closure",
}


@dataclass(frozen=True)
class Notice:
    id: str  # the conflict's id: its record (both versions) stays on the conflict list's history
    kind: str
    record_id: str
    person_id: str | None
    message: str
    yours: dict[str, Any] | None  # this laptop's values the choice replaced (None: its change was a delete)
    kept: dict[str, Any] | None  # the values kept, as far as the conflict holds them
    resolution: str | None
    resolved_by: str | None
    created_at: datetime
    read: bool


def lost_here(data: dict[str, Any], laptop_id: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None] | None:
    """(yours, kept) if this settled conflict replaced this laptop's version by a choice made elsewhere."""
    where = data.get("resolved_laptop")
    if data.get("status") != "resolved" or not where or where == laptop_id:
        return None
    if data.get("reason") not in ("field", "deleted_there", "deleted_here"):
        return None
    resolution = data.get("resolution")
    mine, theirs = data.get("mine"), data.get("theirs")
    if data.get("laptop_id") == laptop_id and resolution in ("theirs", "merge"):
        return mine, theirs
    if data.get("theirs_laptop") == laptop_id and resolution in ("mine", "merge"):
        return theirs, mine
    return None


def _case_words(conn: Connection, person_id: str | None) -> str:
    if person_id is None:
        return "your own records"
    row = conn.execute(select(Person.first_name, Person.last_name, Person.crn).where(Person.id == person_id)).first()
    if row is None:
        return "a case"
    return f"{row[0]} {row[1]} ({row[2]})"


def message(conn: Connection, kind: str, person_id: str | None, yours: dict[str, Any] | None, resolution: str | None,
            resolved_by: str | None) -> str:
    record = RECORD_WORDS.get(kind, kind.replace("_", " "))
    case = _case_words(conn, person_id)
    who = f" by {resolved_by}" if resolved_by else ""
    change = "deletion" if yours is None else "change"
    if resolution == "merge":
        return (f"Your {change} to {record} of {case} was merged with another version{who} on another laptop: "
                "check the record.")
    return f"Your {change} to {record} of {case} was replaced by a choice made on another laptop{who}."


def note_if_overridden(conn: Connection, conflict_id: str, person_id: str | None, data: dict[str, Any],
                       laptop_id: str | None) -> bool:
    """Write a notice if this settled conflict replaced this laptop's version (idempotent: one per conflict)."""
    if not laptop_id:
        return False
    lost = lost_here(data, laptop_id)
    if lost is None:
        return False
    yours, kept = lost
    kind, resolution, by = str(data.get("kind", "")), data.get("resolution"), data.get("resolved_by")
    stmt = sqlite_insert(SyncNotice).values(
        id=conflict_id, kind=kind, record_id=str(data.get("record_id", "")), person_id=person_id,
        message=message(conn, kind, person_id, yours, resolution, by), yours=yours, kept=kept,
        resolution=resolution, resolved_by=by, created_at=utcnow(), read_at=None)
    conn.execute(stmt.on_conflict_do_nothing(index_elements=["id"]))
    return True


def _view(n: SyncNotice) -> Notice:
    return Notice(n.id, n.kind, n.record_id, n.person_id, n.message, n.yours, n.kept, n.resolution, n.resolved_by,
                  n.created_at, n.read_at is not None)


def list_notices(db: Database, include_read: bool = True) -> list[Notice]:
    with db.read() as s:
        q = select(SyncNotice).order_by(SyncNotice.created_at.desc(), SyncNotice.id)
        if not include_read:
            q = q.where(SyncNotice.read_at.is_(None))
        return [_view(n) for n in s.scalars(q)]


def count_unread(s: Any) -> int:
    return int(s.scalar(select(func.count()).select_from(SyncNotice).where(SyncNotice.read_at.is_(None))) or 0)


def mark_read(db: Database, ids: list[str] | None = None) -> int:
    """Mark these notices (None: all) read; they stay listed."""
    with db.write() as s:
        q = update(SyncNotice).where(SyncNotice.read_at.is_(None)).values(read_at=utcnow())
        if ids is not None:
            q = q.where(SyncNotice.id.in_(ids))
        return int(getattr(s.execute(q), "rowcount", 0) or 0)
