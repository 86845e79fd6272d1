"""A pull page is written straight from the database rows (service.RawPage.to_json, each record's data as the
stored JSON text, never parsed): it must say exactly what the plain computation says (to_response: every data
parsed into the protocol's model), for records, tombstones, person items with their holder, and odd text."""

from __future__ import annotations

import uuid

from lpt_desktop.central import service
from lpt_desktop.central.auth import Principal
from lpt_desktop.central.db import CentralDB, migrate
from lpt_desktop.central.models import Device, User
from lpt_desktop.sync.protocol import Change, FieldChange, PullResponse


def _change(seq: int, kind: str, record_id: str, case: str, op: str = "upsert", **fields) -> Change:
    return Change(seq=seq, kind=kind, record_id=record_id, person_id=case, op=op, base_version=0,  # type: ignore[arg-type]
                  fields={k: FieldChange(new=v) for k, v in fields.items()})


def test_a_page_written_from_rows_says_what_the_model_says(tmp_path):
    url = f"sqlite:///{tmp_path / 'central.db'}"
    migrate(url)
    db = CentralDB(url)
    try:
        om = Principal("om", "offender_manager", "T", None, "lap-om")
        with db.write() as s:
            s.add(User(username="om", password_hash="x", role="offender_manager", team="T",
                       display_name='Dana "DJ" Walsh \\ Ó'))
            s.add(Device(laptop_id="lap-om", username="om"))
        case, note, gone = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
        with db.write() as s:
            service.allocate(s, case, "om")
            service.push(s, om, "lap-om", 0, [
                _change(1, "person", case, case, id=case, crn="A000001", first_name="Zoë", last_name="O'Neil",
                        date_of_birth="1990-04-01"),
                _change(2, "contact", note, case, id=note, person_id=case, type_code="COAP",
                        starts_at="2025-01-06T09:00:00", outcome="ATTC",
                        notes='Said "fine" \\ tab\there, line\nbreak, café, \u2028 and 😀'),
                _change(3, "contact", gone, case, id=gone, person_id=case, type_code="COAP",
                        starts_at="2025-01-07T09:00:00", notes="to be deleted"),
                _change(4, "contact", gone, case, op="delete")])
        pages = []
        with db.write() as s:
            after = 0
            for limit in (2, 5000):
                page = service.pull_page(s, om, after, limit, count=True)
                pages.append(page)
                after = page.cursor
        assert any(r.deleted for page in pages for r in page.rows), "no tombstone: the test proves less"
        assert any(r.kind == "person" for page in pages for r in page.rows)
        for page in pages:
            fast = PullResponse.model_validate_json(page.to_json())
            assert fast == page.to_response()
        first = PullResponse.model_validate_json(pages[0].to_json())
        assert first.more and first.remaining is not None
        person = next(i for p in pages for i in PullResponse.model_validate_json(p.to_json()).items
                      if i.kind == "person")
        assert person.meta == {"allocated_to": "om", "allocated_name": 'Dana "DJ" Walsh \\ Ó'}
        with db.write() as s:  # at the head: nothing new, in one cheap answer
            empty = service.pull_page(s, om, pages[-1].cursor, 5000, count=True)
        assert PullResponse.model_validate_json(empty.to_json()) == PullResponse(
            items=[], cursor=pages[-1].cursor, more=False, remaining=0)
    finally:
        db.dispose()
