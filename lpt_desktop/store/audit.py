"""Audit rows written inside the same flush as the change they describe."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from lpt_desktop.store.models import Audit, Row, new_id


def person_id_of(obj: Row) -> str | None:
    if obj.__tablename__ == "person":
        return obj.id
    pid: str | None = getattr(obj, "person_id", None)  # contacts, drafts, enforcement, registrations...
    sentence = getattr(obj, "sentence", None)
    if pid is None and sentence is not None:
        pid = sentence.person_id
    return pid


def _changed_fields(obj: Row) -> list[str]:
    state = inspect(obj)
    return sorted(a.key for a in state.attrs if a.history.has_changes() and a.key != "updated_at")


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    actor = session.info.get("actor", "system")
    for obj in list(session.new):
        if isinstance(obj, Row) and getattr(obj, "__audited__", True):
            if obj.id is None:
                obj.id = new_id()
            session.add(Audit(actor=actor, action="create", table_name=obj.__tablename__, record_id=obj.id,
                              person_id=person_id_of(obj)))
    for obj in list(session.dirty):
        if isinstance(obj, Row) and getattr(obj, "__audited__", True) and session.is_modified(
                obj, include_collections=False):
            fields = _changed_fields(obj)
            if fields:
                session.add(Audit(actor=actor, action="update", table_name=obj.__tablename__,
                                  record_id=obj.id, person_id=person_id_of(obj), detail=", ".join(fields)))
    for obj in list(session.deleted):
        if isinstance(obj, Row) and getattr(obj, "__audited__", True):
            session.add(Audit(actor=actor, action="delete", table_name=obj.__tablename__, record_id=obj.id,
                              person_id=person_id_of(obj)))


def install(session_class: type[Session]) -> None:
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)
