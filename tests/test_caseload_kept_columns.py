"""The caseload's kept columns (suggested tiers, awaiting countersignature) after writes: only the cases the audit
names are worked out again, everyone when it cannot say whose, and the kept answer is always the full one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import update

from lpt_desktop.services import caseload as caseload_module
from lpt_desktop.services import countersign as svc
from lpt_desktop.services import tiering
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
    """Four cases: three whose high RoSH assessments await countersignature, one self-signed low."""
    db = create_caseload(tmp_path / "c.lptdb", PASSPHRASE, OFFICER, STAFF, kdf=KdfParams.fast())
    officer_laptop(db)
    people = [new_case(db) for _ in range(4)]
    for pid in people[:3]:
        complete(db, pid, "H")
    complete(db, people[3], "L")
    yield db, people
    db.close()


class _Asked:
    """The people each kept column worked out again (None: everyone), by spying on the per-case computations."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.awaiting: list[frozenset[str] | None] = []
        self.tiers: list[frozenset[str] | None] = []
        real_awaiting, real_tiers = svc.awaiting_of, tiering.suggested_tiers

        def awaiting(s, person_ids, refused):  # noqa: ANN001, ANN202
            self.awaiting.append(None if person_ids is None else frozenset(person_ids))
            return real_awaiting(s, person_ids, refused)

        def tiers(s, scheme, as_of, person_ids=None):  # noqa: ANN001, ANN202
            self.tiers.append(None if person_ids is None else frozenset(person_ids))
            return real_tiers(s, scheme, as_of, person_ids)

        monkeypatch.setattr(caseload_module, "awaiting_of", awaiting)
        monkeypatch.setattr(tiering, "suggested_tiers", tiers)

    def clear(self) -> None:
        self.awaiting.clear()
        self.tiers.clear()


def _kept(db: Database) -> tuple[dict[str, str], tuple[str, dict[str, str], dict[str, str]]]:
    return caseload_module._awaiting(db), tiering.caseload_tiers(db, TODAY)


def _full(db: Database) -> tuple[dict[str, str], tuple[str, dict[str, str], dict[str, str]]]:
    """The plain computation: nothing kept."""
    tiering._caseload_cache.pop(db, None)
    full = svc.awaiting_by_person(db), tiering.caseload_tiers(db, TODAY)
    tiering._caseload_cache.pop(db, None)
    return full


def _settled(db: Database, asked: _Asked) -> None:
    caseload_module._awaiting_kept.pop(db, None)
    tiering._caseload_cache.pop(db, None)
    _kept(db)
    asked.clear()


def test_a_pulls_write_to_one_case_recomputes_that_case_only(cases, monkeypatch) -> None:
    db, people = cases
    asked = _Asked(monkeypatch)
    _settled(db, asked)
    at = datetime.combine(TODAY, time(10))
    with applying(db) as conn:  # a pull's page: Core statements, versions and audit rows naming the case
        apply_items(conn, [Item(kind="contact", record_id=str(uuid.uuid4()), person_id=people[1], version=1,
                                data={"person_id": people[1], "type_code": "COAP", "starts_at": at.isoformat(),
                                      "outcome": "ATTC"})], context(conn, "tests"))
    add_registration(db, people[1], "MAPP", TODAY - timedelta(days=3), category="2", level="2")
    kept = _kept(db)
    assert asked.awaiting == [frozenset({people[1]})] and asked.tiers == [frozenset({people[1]})]
    assert kept == _full(db)
    assert set(kept[0]) == set(people[:3])


def test_a_countersignature_on_one_case_recomputes_that_case_only(cases, monkeypatch) -> None:
    db, people = cases
    asked = _Asked(monkeypatch)
    manager_laptop(db)  # (the laptop's own state: no case written)
    _settled(db, asked)
    with db.read() as s:
        aid = s.scalars(caseload_module.select(RoshAssessment.id).where(RoshAssessment.person_id == people[0])).one()
    before = _kept(db)[0]
    svc.countersign(db, "rosh_assessment", aid, today=TODAY)
    kept = _kept(db)
    assert asked.awaiting == [frozenset({people[0]})] and asked.tiers == [frozenset({people[0]})]
    assert kept == _full(db)
    assert people[0] in before and set(kept[0]) == set(people[1:3])
    # The central store refusing a record changes a chain with no case's tables written: everyone read again.
    svc.return_work(db, "rosh_assessment", _aid(db, people[1]), RETURN, today=TODAY)
    _kept(db)
    asked.clear()
    with db.write() as s:
        rec = s.scalars(caseload_module.select(svc.Countersignature.id)
                        .where(svc.Countersignature.target_id == _aid(db, people[1]),
                               svc.Countersignature.action == "returned")).one()
        s.add(SyncConflict(id=str(uuid.uuid4()), kind="countersignature", record_id=rec, person_id=people[1],
                           reason="rejected", mine={}, theirs=None, message="Someone acted on this first"))
    kept = _kept(db)
    assert asked.awaiting == [None]
    assert kept == _full(db) and people[1] in kept[0]
    officer_laptop(db)


def _aid(db: Database, pid: str) -> str:
    with db.read() as s:
        return s.scalars(caseload_module.select(RoshAssessment.id).where(RoshAssessment.person_id == pid)).one()


def test_an_unaudited_write_recomputes_everyone(cases, monkeypatch) -> None:
    db, people = cases
    asked = _Asked(monkeypatch)
    _settled(db, asked)
    before = _kept(db)
    with db.write() as s:  # Core statements: no audit row names a case
        s.execute(update(RoshAssessment).where(RoshAssessment.person_id == people[2]).values(status="draft"))
        s.execute(update(Person).where(Person.id == people[0]).values(rosh="VH"))
    kept = _kept(db)
    assert asked.awaiting == [None] and asked.tiers == [None]
    assert kept == _full(db)
    assert people[2] in before[0] and people[2] not in kept[0]


def test_a_settings_write_recomputes_nobody(cases, monkeypatch) -> None:
    db, _people = cases
    asked = _Asked(monkeypatch)
    _settled(db, asked)
    with db.write() as s:  # a no-op UPDATE of the settings (lpt_meta): no case's columns read it
        s.execute(update(caseload_module.Audit).where(caseload_module.Audit.id < 0).values(actor="x"))
        s.execute(update(tiering.Meta).where(tiering.Meta.key == "no such key").values(value="x"))
    kept = _kept(db)
    assert asked.awaiting == [] and asked.tiers == []
    assert kept == _full(db)


# -- rows first, the worked-out columns after ----------------------------------------------------------------
def test_rows_first_then_the_columns_filled_are_the_whole_load(demo_db) -> None:
    """The rows painted before the engines have run say nothing of what is due or the suggested tier; filled with
    the columns worked out after, they are what load_caseload builds at once."""
    from lpt_desktop.services.caseload import caseload_columns, fill_columns, load_caseload
    from lpt_desktop.services.unlock import unlock
    from tests.conftest import DEMO_TODAY

    db = unlock(demo_db, PASSPHRASE)
    try:
        first = load_caseload(db, DEMO_TODAY, worked_out=False)
        assert first and all(r.columns_pending for r in first)
        assert all(r.next_due is None and not r.next_due_what and not r.next_due_status and not r.suggested_tier
                   and not r.suggested_scheme and not r.tier_differs for r in first)
        filled = fill_columns(first, caseload_columns(db, DEMO_TODAY))
        tiering._caseload_cache.pop(db, None)
        whole = load_caseload(db, DEMO_TODAY)
        assert filled == whole and not any(r.columns_pending for r in whole)
        assert any(r.next_due for r in whole) and any(r.tier_differs for r in whole)
    finally:
        db.close()


def test_the_kept_rows_after_writes_are_the_rows_read_from_scratch(cases, monkeypatch) -> None:
    """load_caseload keeps the caseload statement's rows: after a write naming one case only that case is read again
    (a renamed case moves to its place by name), after an unaudited write everyone; always as read from scratch."""
    from lpt_desktop.services.caseload import load_caseload

    db, people = cases
    statements: list[list[str] | None] = []  # whose rows each read asked for (None: everyone)
    real = caseload_module._aliases

    def spy(conn, person_ids):  # noqa: ANN001, ANN202
        statements.append(person_ids)
        return real(conn, person_ids)

    def fresh() -> list:
        caseload_module._result_kept.pop(db, None)
        return load_caseload(db, TODAY)

    monkeypatch.setattr(caseload_module, "_aliases", spy)
    load_caseload(db, TODAY)
    with db.write() as s:  # audited: names the case
        s.get(Person, people[2]).last_name = "Aaronson"
    statements.clear()
    kept = load_caseload(db, TODAY)
    assert statements == [[people[2]]] and kept[0].person_id == people[2] and kept[0].name == "Aaronson, Sam"
    assert kept == fresh()
    with db.write() as s:  # Core: no audit row names a case
        s.execute(update(Person).where(Person.id == people[1]).values(last_name="Zed"))
    statements.clear()
    kept = load_caseload(db, TODAY)
    assert statements == [None] and kept[-1].name == "Zed, Sam"
    assert kept == fresh()
