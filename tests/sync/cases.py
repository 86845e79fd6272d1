"""Small helpers that make and read case records on a laptop, through the ORM as the services do."""

from __future__ import annotations

import random
from datetime import date, datetime

from sqlalchemy import select

from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Address, Contact, Person


def new_person(db: Database, last_name: str = "Walsh", crn: str | None = None) -> str:
    with db.write() as s:
        p = Person(crn=crn or f"X{random.randint(0, 999999):06d}", first_name="Dana", last_name=last_name,
                   date_of_birth=date(1990, 4, 1), tier="B2")
        s.add(p)
        s.flush()
        return p.id


def add_contact(db: Database, person_id: str, notes: str = "Seen at the office") -> str:
    with db.write() as s:
        c = Contact(person_id=person_id, type_code="COAP", starts_at=datetime(2026, 11, 20, 10, 30), outcome="ATTC",
                    notes=notes)
        s.add(c)
        s.flush()
        return c.id


def add_address(db: Database, person_id: str, line1: str = "12 Fishergate") -> str:
    with db.write() as s:
        a = Address(person_id=person_id, line1=line1, town="Preston", postcode="PR1 2AA")
        s.add(a)
        s.flush()
        return a.id


def edit(db: Database, model: type, record_id: str, **values) -> None:
    with db.write() as s:
        obj = s.get(model, record_id)
        for k, v in values.items():
            setattr(obj, k, v)


def delete(db: Database, model: type, record_id: str) -> None:
    with db.write() as s:
        s.delete(s.get(model, record_id))


def get(db: Database, model: type, record_id: str):
    with db.read() as s:
        return s.get(model, record_id)


def ids(db: Database, model: type) -> set[str]:
    with db.read() as s:
        return set(s.scalars(select(model.id)))


def snapshot(db: Database, models: tuple[type, ...] = (Person, Address, Contact)) -> dict:
    """Every synced row's data (minus local-only columns): equal snapshots mean converged replicas."""
    from lpt_desktop.sync import kinds

    out = {}
    with db.read() as s:
        for model in models:
            kind = kinds.for_model(model)
            out[kind.name] = {kind.record_id(o): kind.to_data(o) for o in s.scalars(select(model))}
    return out


def placed(db: Database, server_db, username: str) -> tuple[dict[str, set[str]], dict[tuple[str, str], str], list[str]]:
    """Where each syncable record this laptop holds ended: ({kind: ids live on the server}, {(kind, id): reason
    the server refused it}, records in neither place). The rejections are the server's own records of them."""
    from lpt_desktop.central.models import Record
    from lpt_desktop.sync import kinds
    from lpt_desktop.sync.protocol import CONFLICT_KIND

    local: dict[str, set[str]] = {}
    with db.read() as s:
        conn = s.connection()
        for kind in kinds.kinds():
            keys = [kind.table.c[k] for k in kind.key_columns]
            local[kind.name] = {kinds.KEY_SEP.join(str(v) for v in row) for row in conn.execute(select(*keys))}
    on_server: dict[str, set[str]] = {}
    refused: dict[tuple[str, str], str] = {}
    with server_db.read() as s:
        for kind_name, wanted in local.items():
            ids = sorted(wanted)
            found: set[str] = set()
            for i in range(0, len(ids), 500):
                found |= set(s.scalars(select(Record.record_id).where(
                    Record.kind == kind_name, Record.record_id.in_(ids[i:i + 500]), Record.deleted.is_(False))))
            on_server[kind_name] = found
        for rec in s.scalars(select(Record).where(Record.kind == CONFLICT_KIND, Record.owner == username)):
            d = rec.data or {}
            if d.get("reason") == "rejected":
                refused[(d.get("kind"), d.get("record_id"))] = d.get("message") or ""
    neither = [f"{kind} {rid}" for kind, ids in local.items() for rid in sorted(ids)
               if rid not in on_server[kind] and (kind, rid) not in refused]
    return on_server, refused, neither
