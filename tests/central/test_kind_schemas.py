"""Issue 14 item 2: each record kind has a schema of its fields, from its model's columns, checked at the door.

Before the fix a list nested 300 deep in a person's `preferred_name` was applied, and from then on `/sync/pull`,
`/cases/{id}` and `/sync/fetch` answered 500 for the officer and their team, and no laptop of theirs could enrol;
at 400 deep the change was rejected but the rejection kept the value, with the same effect.
"""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, select

from lpt_desktop.central.models import Record
from lpt_desktop.store.models import Person
from lpt_desktop.sync import kinds as registry
from lpt_desktop.sync import schemas
from tests.central.test_authorisation import Officer
from tests.sync.cases import ids


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_every_kind_has_a_schema_from_its_columns():
    expected = {JSON: "json", Boolean: "boolean", DateTime: "datetime", Date: "date", Integer: "integer",
                Float: "number"}  # a predictor score (issue 17) is the first float column
    for kind in registry.kinds():
        assert set(kind.schema) == set(kind.columns), kind.name
        for name in kind.columns:
            column, field = kind.table.c[name], kind.schema[name]
            want = next((v for t, v in expected.items() if isinstance(column.type, t)), "text")
            assert field.type == want, (kind.name, name)
            if want == "text":
                assert field.max_chars == (column.type.length or schemas.TEXT_MAX_CHARS)
    person = registry.get("person").schema
    assert person["preferred_name"].problem("Dee") is None
    assert "preferred_name" in person["preferred_name"].problem(_nested(300))
    assert "a date" in person["date_of_birth"].problem("01/04/1990")
    assert person["date_of_birth"].problem("1990-04-01") is None
    needs = registry.get("contact").schema["needs"]
    assert needs.problem(["ETE", ["deep", {"er": [1]}]]) is None
    assert "nested more than" in needs.problem(_nested(schemas.JSON_MAX_DEPTH + 1))
    # Measuring a value never recurses: a list a million deep is measured to the limit and no further.
    assert schemas.measure(_nested(1_000_000), 10, 1000)[0] == 11


@pytest.mark.parametrize("depth", [300, 400, 900])
def test_a_deeply_nested_value_is_refused_and_every_read_still_works(central, laptop_factory, unique, depth):
    officer = Officer(central, central.add_user(f"deep-{unique}", team=f"deep-{unique}"))
    manager = central.add_user(f"deep-tm-{unique}", role="team_manager", team=f"deep-{unique}")
    pid = officer.new_case()
    cid = str(uuid.uuid4())
    results = officer.push(
        {"kind": "person", "record_id": pid, "person_id": pid, "fields": {"preferred_name": {"new": _nested(depth)}}},
        {"kind": "contact", "record_id": cid, "person_id": pid,
         "fields": {"id": {"new": cid}, "person_id": {"new": pid}, "type_code": {"new": "COAP"},
                    "starts_at": {"new": "2026-11-20T10:00:00"}, "needs": {"new": _nested(depth)}}},
        {"kind": "person", "record_id": pid, "person_id": pid, "fields": {"tier": {"new": {"a": [1]}}}},
        {"kind": "person", "record_id": pid, "person_id": pid, "fields": {"date_of_birth": {"new": 19900401}}},
        # An unknown field holding the deep value: refused, and the rejection must not keep it either.
        {"kind": "person", "record_id": pid, "person_id": pid, "fields": {"nickname": {"new": _nested(depth)}}},
    )
    assert [r["outcome"] for r in results] == ["rejected"] * 5
    for result, name in zip(results, ("preferred_name", "needs", "tier", "date_of_birth", "nickname"), strict=True):
        assert name in result["message"]
    with central.db.read() as s:
        assert s.get(Record, ("contact", cid)) is None
        rejections = s.scalars(select(Record).where(Record.kind == "_conflict",
                                                    Record.owner == officer.username)).all()
        assert len(rejections) == 5
        for rec in rejections:
            assert len(json.dumps(rec.data)) < 2000  # a description of the value, never the value
        assert any("nested" in (r.data.get("refused") or {}).get("preferred_name", "") for r in rejections)
    # Every read of the case still answers, for the officer and for their team manager.
    for who in (officer, Officer(central, manager)):
        assert who.http.get("/sync/pull", params={"after": 0}).status_code == 200
        assert who.http.get(f"/cases/{pid}").status_code == 200
        for kind, rid in (("person", pid), ("_conflict", results[0]["conflict_id"])):
            assert who.http.post("/sync/fetch", json={"kind": kind, "record_ids": [rid]}).status_code == 200
    # And a laptop of theirs still enrols and downloads the case.
    laptop = laptop_factory(officer.username)
    assert pid in ids(laptop.db, Person)
