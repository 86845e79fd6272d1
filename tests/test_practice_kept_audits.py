"""The practice audit kept per database (services/practice.cached_audits) after writes: only the cases written since
are audited again, everyone when it cannot say whose (a refusal by the central store, an unaudited Core write),
and the kept audit is always the plain one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import insert, select, update

from lpt_desktop.services import countersign as svc
from lpt_desktop.services import practice
from lpt_desktop.services.cases import add_registration
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Person
from lpt_desktop.store.rosh_models import RoshAssessment
from lpt_desktop.store.sync_models import SyncConflict
from lpt_desktop.sync.apply import apply_items, applying, context
from lpt_desktop.sync.protocol import Item
from tests.conftest import PASSPHRASE
from tests.test_countersign_service import (
    OFFICER,
    RETURN,
    STAFF,
    TODAY,
    complete,
    manager_laptop,
    new_case,
    officer_laptop,
)


@pytest.fixture
def cases(tmp_path) -> Iterator[tuple[Database, list[str]]]:
    """Three cases whose high RoSH assessments await countersignature, one self-signed low."""
    db = create_caseload(tmp_path / "c.lptdb", PASSPHRASE, OFFICER, STAFF, kdf=KdfParams.fast())
    officer_laptop(db)
    people = [new_case(db) for _ in range(4)]
    for pid in people[:3]:
        complete(db, pid, "H")
    complete(db, people[3], "L")
    yield db, people
    db.close()


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[frozenset[str] | None]:
    """The people each audit was asked for (None: everyone), by spying on audits_on (audit calls it too)."""
    seen: list[frozenset[str] | None] = []
    real_audits_on = practice.audits_on

    def audits_on(db, days, person_ids=None, carried_forward_months=None):  # noqa: ANN001, ANN202
        days = list(days)
        if days:
            seen.append(None if person_ids is None else frozenset(person_ids))
        return real_audits_on(db, days, person_ids, carried_forward_months)

    monkeypatch.setattr(practice, "audits_on", audits_on)
    return seen


def _kept(db: Database) -> dict[str, str]:
    return {a.person_id: repr(a.as_json()) for a in practice.cached_audit(db, TODAY)}


def _plain(db: Database) -> dict[str, str]:
    return {a.person_id: repr(a.as_json()) for a in practice.audits_on(db, [TODAY])[TODAY]}


def _settled(db: Database, asked: list[frozenset[str] | None]) -> dict[str, str]:
    practice._audit_cache.pop(db, None)
    first = _kept(db)
    asked.clear()
    return first


def _aid(db: Database, pid: str) -> str:
    with db.read() as s:
        return s.scalars(select(RoshAssessment.id).where(RoshAssessment.person_id == pid)).one()


def test_a_pull_page_refusing_a_countersignature_on_one_case_and_writing_another_audits_everyone(cases, asked):
    db, people = cases
    a, b = people[0], people[1]
    manager_laptop(db)
    svc.return_work(db, "rosh_assessment", _aid(db, a), RETURN, today=TODAY)
    with db.read() as s:
        returned = s.scalars(select(svc.Countersignature.id).where(svc.Countersignature.target_id == _aid(db, a),
                                                                  svc.Countersignature.action == "returned")).one()
    before = _settled(db, asked)
    at = datetime.combine(TODAY, time(10))
    with applying(db) as conn:  # one pull page: a rejection of A's return (sync bookkeeping) and a contact on B
        conn.execute(insert(SyncConflict).values(
            id=str(uuid.uuid4()), kind="countersignature", record_id=returned, person_id=a, reason="rejected",
            mine={}, theirs=None, message="Someone acted on this first"))
        apply_items(conn, [Item(kind="contact", record_id=str(uuid.uuid4()), person_id=b, version=1,
                                data={"person_id": b, "type_code": "COAP", "starts_at": at.isoformat(),
                                      "outcome": "ATTC"})], context(conn, "tests"))
    kept = _kept(db)
    assert asked[0] is None  # the refused records changed: everyone audited again
    assert kept == _plain(db)
    assert kept[a] != before[a]  # A's signing status is back to awaiting: the audit says so
    officer_laptop(db)


def test_a_write_naming_one_case_audits_that_case_only(cases, asked):
    db, people = cases
    _settled(db, asked)
    at = datetime.combine(TODAY, time(10))
    with applying(db) as conn:
        apply_items(conn, [Item(kind="contact", record_id=str(uuid.uuid4()), person_id=people[2], version=1,
                                data={"person_id": people[2], "type_code": "COAP", "starts_at": at.isoformat(),
                                      "outcome": "ATTC"})], context(conn, "tests"))
    kept = _kept(db)
    assert asked == [frozenset({people[2]})]
    assert kept == _plain(db)


def test_an_unaudited_core_write_audits_everyone(cases, asked):
    db, people = cases
    before = _settled(db, asked)
    with db.write() as s:  # Core statements: no audit row names a case
        s.execute(update(RoshAssessment).where(RoshAssessment.person_id == people[2]).values(status="draft"))
        s.execute(update(Person).where(Person.id == people[0]).values(rosh="VH"))
    # and an audited write beside them naming another case: it does not vouch for the Core statements' cases
    add_registration(db, people[1], "MAPP", TODAY - timedelta(days=3), category="2", level="2")
    kept = _kept(db)
    assert asked[0] is None
    assert kept == _plain(db)
    assert kept[people[2]] != before[people[2]]
