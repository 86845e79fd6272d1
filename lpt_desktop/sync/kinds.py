"""Which local tables sync, and how a row becomes JSON and back.

A new record kind needs one `register(...)` line in `_register_all` below and nothing else: the
outbox hook, the protocol, the server (generic record storage) and the pull/verify code all work
from this registry, and the schema the server checks pushed values against comes from the model's columns.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Connection, Date, DateTime, select
from sqlalchemy.orm import Session

from lpt_desktop.sync import schemas
from lpt_desktop.sync.schemas import FieldSchema

# Columns that never travel: updated_at changes on every save and would make every edit a conflict.
LOCAL_ONLY_COLUMNS = frozenset({"updated_at"})
# Composite keys are joined with this (UUIDs and codes never contain it).
KEY_SEP = "|"

# Called with a Session, or with the flush's Connection from the outbox hooks: resolvers only call .execute.
PersonResolver = Callable[["Session | Connection", Any], "str | None"]


@dataclass(frozen=True)
class Kind:
    """One syncable table."""

    name: str
    model: type[Any]
    append_only: bool
    person_of: PersonResolver | None  # None: the record belongs to its owner (officer), not to a case
    key_columns: tuple[str, ...]
    columns: tuple[str, ...]  # synced data columns (key columns included)
    exclude: frozenset[str] = field(default_factory=frozenset)
    sealed_by: str | None = None  # append-only from the moment this field has a value (None: from creation)
    # A draft's own rows (sealed from creation, never edited) that go with the draft when it is discarded: the
    # path (field, kind) from this record to the draft; deleting is allowed while that record is not sealed.
    draft_of: tuple[tuple[str, str], ...] = ()
    # What each synced field may hold (type, length, depth), from the model's columns (sync/schemas.py).
    schema: dict[str, FieldSchema] = field(default_factory=dict)

    def sealed(self, data: dict[str, Any] | None) -> bool:
        """An append-only record that may no longer be edited or deleted (amendments are new records)."""
        if not self.append_only:
            return False
        return self.sealed_by is None or (data or {}).get(self.sealed_by) is not None

    @property
    def table(self) -> Any:
        return self.model.__table__

    def record_id(self, obj: Any) -> str:
        return KEY_SEP.join(str(getattr(obj, k)) for k in self.key_columns)

    def key_of(self, record_id: str) -> tuple[Any, ...]:
        parts = record_id.split(KEY_SEP)
        if len(parts) != len(self.key_columns):
            raise ValueError(f"record id {record_id!r} does not fit kind {self.name}")
        return tuple(parts)

    def to_data(self, obj: Any) -> dict[str, Any]:
        return {c: to_json(self.table.c[c], getattr(obj, c)) for c in self.columns}

    def person_id(self, session: Session | Connection, obj: Any) -> str | None:
        return self.person_of(session, obj) if self.person_of is not None else None


_KINDS: dict[str, Kind] = {}
_BY_MODEL: dict[type[Any], Kind] = {}


def to_json(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_json(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, DateTime) and isinstance(value, str):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date) and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def canonical(value: Any) -> str:
    """Stable text of a JSON value, for comparing field values across machines."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _resolver(person_field: str | PersonResolver | None, model: type[Any]) -> PersonResolver | None:
    if person_field is None or callable(person_field):
        return person_field
    if person_field == "id":
        return lambda _s, obj: obj.id
    if "." not in person_field:
        field_name = person_field

        def by_field(_s: Session | Connection, obj: Any) -> str | None:
            value: str | None = getattr(obj, field_name)
            return value

        return by_field
    # "sentence_id->sentence.person_id" style: follow one foreign key with a query (safe inside a flush).
    local, _, target = person_field.partition("->")
    table_name, _, column = target.partition(".")
    parent = next(m for m in _all_models() if getattr(m, "__tablename__", None) == table_name)

    def resolve(s: Session | Connection, obj: Any) -> str | None:
        ref = getattr(obj, local)
        if ref is None:
            return None
        return s.execute(select(getattr(parent, column)).where(parent.id == ref)).scalar()

    return resolve


def _all_models() -> list[type[Any]]:
    from lpt_desktop.store.all_models import Base

    return [m.class_ for m in Base.registry.mappers]


def register(model: type[Any], *, kind: str | None = None, append_only: bool = False, sealed_by: str | None = None,
             person_field: str | PersonResolver | None = "person_id", exclude: tuple[str, ...] = (),
             draft_of: tuple[tuple[str, str], ...] = ()) -> Kind:
    """Make `model` syncable.

    person_field: the column holding the case's person id, "id" for the person itself,
    "fk_column->table.person_id" to follow a parent, a callable, or None for records that belong to the
    officer rather than a case (a record whose person id is empty is the officer's too).
    append_only: never edited or deleted once saved (sealed_by: once that field has a value), so it
    never conflicts; the server refuses edits to it.
    draft_of: for an append-only record that belongs to a draft, the hops (field, kind) to that draft: the server
    still refuses edits, but takes its delete while the draft is not sealed (a discarded draft goes whole)."""
    table = model.__table__
    keys = tuple(c.name for c in table.primary_key.columns)
    excluded = frozenset(exclude) | LOCAL_ONLY_COLUMNS
    columns = tuple(c.name for c in table.columns if c.name not in excluded)
    k = Kind(name=kind or table.name, model=model, append_only=append_only,
             person_of=_resolver(person_field, model), key_columns=keys, columns=columns, exclude=excluded,
             sealed_by=sealed_by, draft_of=draft_of, schema=schemas.for_columns([table.c[c] for c in columns]))
    _KINDS[k.name] = k
    _BY_MODEL[model] = k
    return k


def kinds() -> list[Kind]:
    """Every registered kind, parents before children (registration order)."""
    _ensure()
    return list(_KINDS.values())


def get(name: str) -> Kind | None:
    _ensure()
    return _KINDS.get(name)


def for_model(model: type[Any]) -> Kind | None:
    _ensure()
    return _BY_MODEL.get(model)


def names() -> list[str]:
    return [k.name for k in kinds()]


_done = False
_lock = threading.Lock()
_filling: int | None = None  # the thread filling the registry now


def _ensure() -> None:
    """Fill the registry once. Other threads wait until it is whole (a server answers its first requests on a
    thread pool); a call from inside the filling itself (same thread) returns at once, as it always did."""
    global _done, _filling
    if _done or _filling == threading.get_ident():
        return
    with _lock:
        if _done:
            return
        _filling = threading.get_ident()
        try:
            _register_all()
            _done = True
        finally:
            _filling = None


def _contact_person(s: Session | Connection, obj: Any) -> str | None:
    from lpt_desktop.store.models import Contact

    return s.execute(select(Contact.person_id).where(Contact.id == obj.contact_id)).scalar()


def _register_all() -> None:
    """The one list of syncable tables (parents first). Not synced: contact_draft (a laptop's typing),
    audit (each side audits itself), lpt_meta, officer (local sign-in), and the sync_* bookkeeping."""
    from lpt_desktop.store import case_record_models as record
    from lpt_desktop.store import countersign_models as countersign
    from lpt_desktop.store import court_models as court
    from lpt_desktop.store import models as m
    from lpt_desktop.store import plan_models as plans
    from lpt_desktop.store import rosh_models as rosh
    from lpt_desktop.store import schedule_models as sched
    from lpt_desktop.store import tiering_models as tiering

    # officer_id points at this laptop's own officer row; the server's allocation decides it instead, and who holds
    # the case (held_by, held_by_name) is the pull's word on that allocation: never sent back.
    register(m.Person, person_field="id", exclude=("officer_id", "held_by", "held_by_name"))
    register(m.Address)
    register(m.Sentence)
    register(m.Requirement, person_field="sentence_id->sentence.person_id")
    register(m.LicenceCondition, person_field="sentence_id->sentence.person_id")
    register(m.Registration)
    register(record.Alias)
    register(record.Disability)
    register(record.PersonalContact)
    register(record.Circumstance)
    register(record.SentenceEvent, append_only=True)  # history: a wrong event is followed by another
    register(record.CaseEvent, append_only=True)  # the timeline: added, never edited
    register(record.TransferRequest, append_only=True)  # the officer asks; only the administrator settles it
    register(tiering.PredictorScore, append_only=True)  # a wrong score is followed by a corrected entry
    # officer_id is this laptop's officer row (the author's name travels instead).
    register(tiering.TierDecision, append_only=True, exclude=("officer_id",))
    # RoSH (issue 18): who completed or confirmed travels by name; the ids are this laptop's officer rows.
    # Sealed once completed: a stale draft edit from another laptop is refused, never merged into it.
    register(rosh.RoshAssessment, append_only=True, sealed_by="completed_on", exclude=("completed_by", "confirmed_by"))
    register(rosh.RoshConfirmation, append_only=True, exclude=("by_officer",))  # the OM's word on a screening
    register(rosh.RiskPlan, append_only=True, sealed_by="completed_on")  # sealed once completed, like assessments
    register(rosh.RiskPlanAction)
    register(rosh.RiskPlanSharing, append_only=True)  # who a plan was shared with: rows, so both laptops' stay
    # Needs and sentence plans (issue 20): sealed once completed, like RoSH; what changes later has its own rows.
    register(plans.NeedsAssessment, append_only=True, sealed_by="completed_on")
    register(plans.SentencePlan, append_only=True, sealed_by="completed_on")
    # An updated agreement is a new row (the latest counts); each goal status change is a row with its note. Both
    # go with a discarded draft plan (deletable while their plan is not completed on the central store).
    register(plans.PlanAgreement, append_only=True, draft_of=(("plan_id", "sentence_plan"),))
    register(plans.PlanGoal)  # status and order change after completion
    register(plans.PlanGoalStatus, append_only=True, draft_of=(("goal_id", "plan_goal"), ("plan_id", "sentence_plan")))
    register(plans.PlanStep)
    register(plans.PlanReview, append_only=True, sealed_by="completed_on")
    # After every kind it signs (tier decisions, RoSH assessments, risk plans, sentence plans): an enrolling
    # laptop's sweep queues kinds in this order, and the central store refuses a signature on work it does not hold.
    register(countersign.Countersignature, append_only=True)  # issue 19: a status is replayed from its chain
    register(sched.AppointmentSeries)
    # A booking (no outcome yet) may be moved or cancelled; a recorded contact is amended by a new row.
    register(m.Contact, append_only=True, sealed_by="outcome")
    register(m.Enforcement, append_only=True)
    register(m.ContactPlanLink, person_field=_contact_person)
    register(m.ContactRmpLink, person_field=_contact_person)
    register(plans.ContactStepLink, person_field=_contact_person)
    register(sched.StandardsOverride)
    register(sched.StandardsRecord)
    register(court.PreSentence)  # no case yet: the officer's own until promoted
    register(court.ReportRequest)
    register(court.CourtReport)
    register(m.NoteTemplate, person_field=None)
    register(sched.OfficeClosure, person_field=None)
