"""The sync protocol's messages, shared by the desktop client and the central server (pydantic v2).

Versions are the server's change sequence numbers: a record's version is the sequence number of its
last accepted write; 0 means "the client has never had a server version of it" (a new record).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

PROTOCOL_VERSION = 1
CONFLICT_KIND = "_conflict"  # conflicts travel through pull like records, scoped by their case
# How a rejection of a change to a case since moved to another officer begins. Such a change is not sent again
# by itself when the case comes back (it was made before newer work by others): the officer decides.
MOVED_AWAY = "This case has been moved to another officer"
# How a rejection of an edit to a record the central store does not hold begins (its first save was refused, say
# because its case had moved away, and the case has since come back): stored alone, the edit would be a fragment
# of a record no laptop could save. Sending the first save again (Try again) sends the whole record.
FIRST_SAVE_REFUSED = "The central store does not hold this record: its first save was not accepted"

# Names and ids: no control characters (PostgreSQL text cannot hold NUL; nothing legitimate needs them).
_PLAIN = r"^[^\x00-\x1f\x7f]*$"
Kind = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=_PLAIN)]
RecordId = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=_PLAIN)]
PersonId = Annotated[str, StringConstraints(min_length=1, max_length=36, pattern=_PLAIN)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=_PLAIN)]
LaptopId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_PLAIN)]
FieldName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_PLAIN)]


class TokenRequest(BaseModel):
    username: Name
    password: str = Field(min_length=1, max_length=500)
    laptop_id: LaptopId


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=500)


class Tokens(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int
    username: str
    role: str
    display_name: str
    # The officer's grade from the central store (po | pso | trainee; None for a manager, court officer or
    # administrator), on every sign-in and refresh: the laptop keeps it in its sync state under "grade".
    grade: str | None = None


class FieldChange(BaseModel):
    new: Any = None
    old: Any = None
    has_old: bool = False  # the client knew the value it replaced


Op = Literal["upsert", "delete"]


class Change(BaseModel):
    """One outbox row: seq is the laptop's own counter."""

    seq: int = Field(ge=1, le=2**62)
    kind: Kind
    record_id: RecordId
    person_id: PersonId | None = None
    op: Op
    base_version: int = Field(ge=0)
    # What each value may be is the kind's schema (sync/schemas.py), checked by the server per field.
    fields: dict[FieldName, FieldChange] = Field(default_factory=dict, max_length=200)


class PushRequest(BaseModel):
    laptop_id: LaptopId
    cursor: int = Field(ge=0, le=2**62, default=0)  # what the laptop has pulled (noted; grants no access)
    changes: list[Change] = Field(max_length=1000)


Outcome = Literal["applied", "merged", "conflict", "rejected", "duplicate"]


class ChangeResult(BaseModel):
    seq: int
    outcome: Outcome
    version: int = 0  # the record's server version after this change
    conflict_id: str | None = None
    message: str | None = None


class PushResponse(BaseModel):
    last_applied_seq: int
    results: list[ChangeResult]


class Item(BaseModel):
    """One record (or tombstone, or conflict) as the server holds it now."""

    kind: str
    record_id: str
    person_id: str | None = None
    version: int
    deleted: bool = False
    data: dict[str, Any] | None = None
    meta: dict[str, Any] = Field(default_factory=dict)


class PullResponse(BaseModel):
    items: list[Item]
    evict: list[str] = Field(default_factory=list)  # cases no longer in this officer's scope
    gained: list[str] = Field(default_factory=list)  # cases that came into (or were re-checked in) its scope
    cursor: int  # pass as `after` next time
    more: bool
    remaining: int | None = None  # records still to come after this page, when asked (count=true)


class KindDigest(BaseModel):
    count: int
    checksum: str


class VerifyRequest(BaseModel):
    kinds: dict[Kind, KindDigest]
    # What the laptop has applied: it has seen every move of a case up to here.
    cursor: int | None = Field(default=None, ge=0, le=2**62)


class VerifyResponse(BaseModel):
    server: dict[str, KindDigest]
    mismatched: list[str]


class IdVersion(BaseModel):
    record_id: str
    version: int


class IdsResponse(BaseModel):
    kind: str
    records: list[IdVersion]


class FetchRequest(BaseModel):
    kind: Kind
    record_ids: list[RecordId] = Field(max_length=5000)


class FetchResponse(BaseModel):
    items: list[Item]


class CaseSummary(BaseModel):
    person_id: str
    officer: str
    team: str | None = None
    court: str | None = None
    restricted: bool = False


class UserIn(BaseModel):
    username: Name
    password: str = Field(min_length=8, max_length=500)
    role: Literal["offender_manager", "court_officer", "team_manager", "administrator"]
    display_name: str = Field(default="", max_length=120, pattern=_PLAIN)
    team: Name | None = None
    court: Name | None = None
    grade: Literal["po", "pso", "trainee"] | None = None


class AllocationIn(BaseModel):
    person_id: PersonId
    officer: Name
    court: Name | None = None


class RestrictionIn(BaseModel):
    person_id: PersonId
    staff: list[Name] = Field(max_length=100)  # empty: lift the restriction


def checksum(pairs: list[tuple[str, int]]) -> str:
    """Order-free digest of (record id, version) pairs, computed the same way on both sides."""
    import hashlib

    h = hashlib.sha256()
    for record_id, version in sorted(pairs):
        h.update(f"{record_id}:{version}\n".encode())
    return h.hexdigest()
