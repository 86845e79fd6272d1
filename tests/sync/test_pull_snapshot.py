"""A pull page must never skip a change: its cursor may only pass numbers whose rows it has seen.

On PostgreSQL (READ COMMITTED) each statement of a transaction sees the data committed when it starts. A
pull reads records, then scope events; if a push and an allocation commit in between, the events query
sees the allocation's higher number while the records query missed the push's lower ones, and a cursor
at the allocation would skip them for good. The interleaving is made deterministic here: the concurrent
commits run from a hook just before the pull's scope-event query executes. (SQLite cannot interleave: its
write transactions are serialised, so the test is for PostgreSQL.)

Found by this test (the cursor passed the row); fixed in service.pull by bounding both queries by the
counter's committed value, read first.
"""

from __future__ import annotations

import uuid

from sqlalchemy import event

from lpt_desktop.central import service
from lpt_desktop.central.auth import Principal
from lpt_desktop.central.db import CentralDB
from lpt_desktop.central.models import Device, User
from lpt_desktop.sync.protocol import Change, FieldChange
from tests.sync.server import central_database


def _change(seq: int, kind: str, record_id: str, case: str, **fields) -> Change:
    return Change(seq=seq, kind=kind, record_id=record_id, person_id=case, op="upsert", base_version=0,
                  fields={k: FieldChange(new=v) for k, v in fields.items()})


def test_a_pull_never_skips_rows_committed_while_it_reads(tmp_path):
    with central_database("postgresql", tmp_path) as url:
        db = CentralDB(url, pool_size=4)
        try:
            om = Principal("om", "offender_manager", "T", None, "lap-om")
            tm = Principal("tm", "team_manager", "T", None, "lap-tm")
            with db.write() as s:
                for p in (om, tm):
                    s.add(User(username=p.username, password_hash="x", role=p.role, team=p.team))
                    s.add(Device(laptop_id=p.laptop_id, username=p.username))
            case, address = str(uuid.uuid4()), str(uuid.uuid4())
            with db.write() as s:
                service.allocate(s, case, "om")
                service.push(s, om, om.laptop_id, 0, [_change(1, "person", case, case, id=case, crn="A000001",
                                                              first_name="Dana", last_name="Walsh",
                                                              date_of_birth="1990-04-01")])
            with db.write() as s:
                cursor = service.pull(s, tm, 0, 100).cursor
            with db.write() as s:  # something past the cursor: a pull at the head reads nothing (no queries)
                service.allocate(s, str(uuid.uuid4()), "om")

            armed = {"done": False, "conn": None}

            def meanwhile(conn, _cursor, statement, *_a) -> None:  # noqa: ANN001 - SQLAlchemy event signature
                if armed["done"] or conn is not armed["conn"] or "scope_event" not in statement:
                    return
                armed["done"] = True
                with db.write() as w:  # an officer's push commits...
                    service.push(w, om, om.laptop_id, cursor, [_change(2, "address", address, case, id=address,
                                                                       person_id=case, line1="12 Fishergate")])
                with db.write() as w:  # ...then an allocation, with a higher number
                    service.allocate(w, str(uuid.uuid4()), "om")

            event.listen(db.engine, "before_cursor_execute", meanwhile)
            seen: set[str] = set()
            with db.write() as s:
                armed["conn"] = s.connection()
                page = service.pull(s, tm, cursor, 100)
            assert armed["done"], "the hook never ran: the test proves nothing"
            seen |= {i.record_id for i in page.items}
            after = page.cursor
            for _ in range(10):
                with db.write() as s:
                    page = service.pull(s, tm, after, 100)
                seen |= {i.record_id for i in page.items}
                after = page.cursor
                if not page.more:
                    break
            assert address in seen, "the address pushed while the pull read was skipped: its cursor passed it"
        finally:
            db.dispose()
