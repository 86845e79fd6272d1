"""Every case open and every edit writes audit rows in the same transaction as the edit."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, text

from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services.cases import (
    add_person,
    add_registration,
    add_requirement,
    add_sentence,
    audit_trail,
    open_case,
    update_person,
)
from lpt_desktop.services.unlock import create_caseload, unlock
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Audit, Person, Registration, Requirement, Sentence
from tests.conftest import LONDON, PASSPHRASE, TEST_TODAY

TODAY = date(2026, 11, 23)
ACTOR = "LPT0042 Alex Morgan"


# The suite's clock (tests/conftest.py, frozen_today) starts at 09:30 London time on TEST_TODAY and ticks on;
# audit rows are stamped in UTC.
CLOCK_STARTS_UTC = datetime.combine(TEST_TODAY, time(9, 30), tzinfo=LONDON).astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def db(tmp_path):
    db = create_caseload(tmp_path / "audit.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    yield db
    db.close()


def _person(db, crn: str = "X123456", **kw) -> str:
    return add_person(db, crn=crn, first_name="Ann", last_name="Example", date_of_birth=date(1985, 4, 2),
                      today=TODAY, **kw)


def _count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def _audit_after(db, last_id: int) -> list[Audit]:
    with db.read() as s:
        return list(s.scalars(select(Audit).where(Audit.id > last_id).order_by(Audit.id)))


def _last_audit_id(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.max(Audit.id))) or 0


def _shape(rows: list[Audit]) -> list[tuple]:
    return [(a.action, a.table_name, a.record_id, a.person_id, a.actor) for a in rows]


def test_add_person_writes_a_create_row(db):
    mark = _last_audit_id(db)
    pid = _person(db)
    rows = _audit_after(db, mark)
    assert _shape(rows) == [("create", "person", pid, pid, ACTOR)]
    assert CLOCK_STARTS_UTC <= rows[0].at <= CLOCK_STARTS_UTC + timedelta(minutes=2)


def test_update_person_writes_an_update_row_naming_the_fields(db):
    pid = _person(db)
    mark = _last_audit_id(db)
    update_person(db, pid, tier="B2", individual_needs="Large-print letters")
    rows = _audit_after(db, mark)
    # ...and the timeline event it records (issue 16), in the same transaction.
    assert [(a.action, a.table_name, a.person_id) for a in rows] == [("create", "case_event", pid),
                                                                   ("update", "person", pid)]
    assert rows[1].detail == "individual_needs, tier, tier_scheme" and rows[1].record_id == pid  # B2: the A-D scheme
    with db.read() as s:
        assert s.get(Person, pid).tier == "B2"


def test_add_sentence_writes_a_create_row_with_the_person(db):
    pid = _person(db)
    mark = _last_audit_id(db)
    sid = add_sentence(db, pid, order_type="CO", start_date=date(2026, 1, 5), end_date=date(2027, 1, 4))
    assert _shape(_audit_after(db, mark)) == [("create", "sentence", sid, pid, ACTOR)]


def test_add_registration_writes_a_create_row_with_the_person(db):
    pid = _person(db)
    mark = _last_audit_id(db)
    rid = add_registration(db, pid, "MAPP", date(2026, 10, 1), category="2", level="1")
    assert _shape(_audit_after(db, mark)) == [("create", "registration", rid, pid, ACTOR)]


def test_add_requirement_writes_a_create_row_traced_to_the_person(db):
    pid = _person(db)
    sid = add_sentence(db, pid, order_type="CO", start_date=date(2026, 1, 5), end_date=date(2027, 1, 4))
    mark = _last_audit_id(db)
    req_id = add_requirement(db, sid, "UPW", {"hours": "120"})
    assert _shape(_audit_after(db, mark)) == [("create", "requirement", req_id, pid, ACTOR)]
    with db.read() as s:
        assert s.get(Requirement, req_id).params == {"hours": 120}


def test_open_case_writes_an_open_row(db):
    pid = _person(db)
    mark = _last_audit_id(db)
    record = open_case(db, pid)
    assert record.crn == "X123456"
    assert _shape(_audit_after(db, mark)) == [("open", "person", pid, pid, ACTOR)]
    open_case(db, pid)
    assert [a.action for a in _audit_after(db, mark)] == ["open", "open"]


def test_audit_trail_lists_a_persons_history_in_order(db):
    pid = _person(db)
    _person(db, crn="Y654321")  # someone else's rows stay out of this trail
    sid = add_sentence(db, pid, order_type="SSO", start_date=date(2026, 3, 1), end_date=date(2027, 3, 1))
    add_requirement(db, sid, "RAR", {"days": 10})
    update_person(db, pid, rosh="H")
    open_case(db, pid)
    trail = audit_trail(db, pid)
    assert [(a.action, a.table_name) for a in trail] == [
        ("create", "person"), ("create", "sentence"), ("create", "requirement"), ("create", "case_event"),
        ("update", "person"), ("open", "person"),
    ]
    assert all(a.person_id == pid for a in trail)


def test_actor_comes_from_the_unlocked_officer(tmp_path):
    path = tmp_path / "actor.lptdb"
    create_caseload(path, PASSPHRASE, "Jo Bloggs", "LPT0100", kdf=KdfParams.fast()).close()
    db = unlock(path, PASSPHRASE)
    try:
        assert db.actor == "LPT0100 Jo Bloggs"
        pid = _person(db)
        assert {a.actor for a in audit_trail(db, pid)} == {"LPT0100 Jo Bloggs"}
    finally:
        db.close()


# -- failures leave neither the row nor its audit row -----------------------------------------------

def _counts(db) -> tuple[int, ...]:
    return tuple(_count(db, m) for m in (Person, Sentence, Requirement, Registration, Audit))


def test_validation_error_writes_nothing(db):
    before = _counts(db)
    with pytest.raises(ValidationError):
        _person(db, crn="123")
    assert _counts(db) == before


def test_duplicate_crn_writes_nothing(db):
    _person(db)
    before = _counts(db)
    with pytest.raises(ValidationError) as info:
        _person(db)
    assert info.value.errors[0].field == "CRN"
    assert _counts(db) == before


def test_invalid_update_writes_nothing(db):
    pid = _person(db, tier="C1")
    before = _counts(db)
    with pytest.raises(ValidationError):
        update_person(db, pid, tier="Z9")
    assert _counts(db) == before
    with db.read() as s:
        assert s.get(Person, pid).tier == "C1"


def test_invalid_requirement_writes_nothing(db):
    pid = _person(db)
    sid = add_sentence(db, pid, order_type="CO", start_date=date(2026, 1, 5), end_date=date(2027, 1, 4))
    before = _counts(db)
    with pytest.raises(ValidationError):
        add_requirement(db, sid, "UPW", {"hours": 20})
    assert _counts(db) == before


def test_invalid_registration_writes_nothing(db):
    pid = _person(db)
    before = _counts(db)
    with pytest.raises(ValidationError):
        add_registration(db, pid, "MAPP", date(2026, 10, 1), category="2")  # no level
    assert _counts(db) == before


def test_exception_inside_write_rolls_back_rows_and_audit(db):
    before = _counts(db)
    with pytest.raises(RuntimeError, match="power cut"), db.write() as s:
        p = Person(crn="Z111111", first_name="Half", last_name="Saved", date_of_birth=date(1990, 1, 1))
        s.add(p)
        s.flush()  # the person and its audit row are now in the open transaction
        assert s.scalar(select(func.count()).select_from(Audit).where(Audit.record_id == p.id)) == 1
        raise RuntimeError("power cut")
    assert _counts(db) == before
    with db.read() as s:
        assert s.scalar(select(Person).where(Person.crn == "Z111111")) is None


def test_change_is_not_kept_if_its_audit_row_cannot_be_written(db):
    """Proves the audit row is in the same transaction: if it fails, the edit goes too."""
    with db.write() as s:
        s.execute(text("CREATE TRIGGER audit_down BEFORE INSERT ON audit "
                       "BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END"))
    before = _counts(db)
    with pytest.raises(Exception, match="audit unavailable"):
        _person(db)
    assert _counts(db) == before


def test_open_case_of_unknown_id_writes_nothing(db):
    from lpt_desktop.services.cases import CaseNotFound

    before = _counts(db)
    with pytest.raises(CaseNotFound):
        open_case(db, "00000000-0000-4000-8000-000000000000")
    assert _counts(db) == before
