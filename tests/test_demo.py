"""The demo generator: deterministic, sized as asked, and only valid data."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from lpt_desktop.domain.validation import (
    validate_person,
    validate_registration,
    validate_requirement,
    validate_sentence,
)
from lpt_desktop.services.caseload import load_caseload
from lpt_desktop.services.demo import MAX_CASES, DemoSpec, create_demo
from lpt_desktop.store.keyfile import KdfParams, key_path_for
from lpt_desktop.store.models import (
    Address,
    Audit,
    Contact,
    LicenceCondition,
    Person,
    Registration,
    Requirement,
    Sentence,
)
from tests.conftest import DEMO_TODAY, PASSPHRASE

TODAY = DEMO_TODAY  # the demo is generated around the suite's frozen today


def _make(tmp_path, name: str, spec: DemoSpec, **kw):
    return create_demo(tmp_path / f"{name}.lptdb", PASSPHRASE, spec, kdf=KdfParams.fast(), **kw)


def _summary(db, today: date = TODAY) -> list[tuple]:
    return [(r.crn, r.name, r.order_type, r.tier, r.rosh, r.flags, r.mappa, r.next_due, r.next_due_what)
            for r in load_caseload(db, today)]


def _count(db, model, *where) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def demo200(tmp_path):
    db = _make(tmp_path, "big", DemoSpec(cases=200, contacts_per_case=5, seed=11, today=TODAY))
    yield db
    db.close()


def test_same_seed_and_today_give_the_same_caseload(tmp_path):
    spec = DemoSpec(cases=40, contacts_per_case=4, seed=5, today=TODAY)
    a, b = _make(tmp_path, "a", spec), _make(tmp_path, "b", spec)
    try:
        sa, sb = _summary(a), _summary(b)
        assert len(sa) == 40
        assert sa == sb
        with a.read() as s1, b.read() as s2:
            # Same people in detail, including their ids (UUIDs come from the seeded generator).
            q = select(Person.id, Person.crn, Person.first_name, Person.last_name, Person.date_of_birth,
                       Person.pnc).order_by(Person.crn)
            assert s1.execute(q).all() == s2.execute(q).all()
    finally:
        a.close()
        b.close()


def test_different_seed_gives_a_different_caseload(tmp_path):
    a = _make(tmp_path, "a", DemoSpec(cases=40, contacts_per_case=2, seed=5, today=TODAY))
    b = _make(tmp_path, "b", DemoSpec(cases=40, contacts_per_case=2, seed=6, today=TODAY))
    try:
        crns_a = {r[0] for r in _summary(a)}
        crns_b = {r[0] for r in _summary(b)}
        assert crns_a != crns_b
        assert [r[1] for r in _summary(a)] != [r[1] for r in _summary(b)]
    finally:
        a.close()
        b.close()


def test_sizes(demo200):
    assert _count(demo200, Person) == 200
    assert _count(demo200, Contact) == 1000
    assert _count(demo200, Address, Address.status == "main") == 200
    assert _count(demo200, Address, Address.status == "previous") < 100  # those who moved while supervised
    assert _count(demo200, Sentence) == 200
    with demo200.read() as s:
        per_person = Counter(s.scalars(select(Contact.person_id)))
    assert set(per_person.values()) == {5}


def test_contacts_split_into_past_with_outcomes_and_future_pending(demo200):
    start_of_today = datetime.combine(TODAY, time.min)
    with demo200.read() as s:
        rows = s.execute(select(Contact.person_id, Contact.starts_at, Contact.outcome)).all()
    by_person: dict[str, list] = {}
    for pid, when, outcome in rows:
        by_person.setdefault(pid, []).append((when, outcome))
    for items in by_person.values():
        pending = [w for w, o in items if o is None]
        recorded = [w for w, o in items if o is not None]
        assert len(pending) == 2 and len(recorded) == 3
        assert all(w >= start_of_today for w in pending)
        assert all(w < start_of_today for w in recorded)


def test_no_contacts_when_asked_for_none(tmp_path):
    db = _make(tmp_path, "none", DemoSpec(cases=10, contacts_per_case=0, seed=1, today=TODAY))
    try:
        assert _count(db, Person) == 10
        assert _count(db, Contact) == 0
    finally:
        db.close()


@pytest.mark.parametrize("cases", [0, -1, MAX_CASES + 1, 7501])
def test_out_of_range_case_count_is_refused(tmp_path, cases):
    with pytest.raises(ValueError) as info:
        _make(tmp_path, "bad", DemoSpec(cases=cases, contacts_per_case=1, seed=1, today=TODAY))
    message = str(info.value)
    assert message.startswith("Cases: ")
    assert str(cases) in message and "7500" in message


@pytest.mark.parametrize(("cases", "per_case"), [(10, -1), (7500, 134)])
def test_out_of_range_contacts_are_refused(tmp_path, cases, per_case):
    with pytest.raises(ValueError) as info:
        _make(tmp_path, "bad", DemoSpec(cases=cases, contacts_per_case=per_case, seed=1, today=TODAY))
    assert str(info.value).startswith("Contacts per case: ")
    assert "1,000,000" in str(info.value)


def test_refused_demo_leaves_no_file_behind(tmp_path):
    """A bad size is an input error: it must not leave an empty caseload that blocks the retry."""
    path = tmp_path / "bad.lptdb"
    with pytest.raises(ValueError):
        create_demo(path, PASSPHRASE, DemoSpec(cases=0, seed=1, today=TODAY), kdf=KdfParams.fast())
    assert not path.exists()
    assert not key_path_for(path).exists()
    db = create_demo(path, PASSPHRASE, DemoSpec(cases=3, contacts_per_case=1, seed=1, today=TODAY),
                     kdf=KdfParams.fast())
    db.close()


def test_demo_refuses_to_overwrite(tmp_path):
    from lpt_desktop.store.errors import StoreError

    path = tmp_path / "d.lptdb"
    create_demo(path, PASSPHRASE, DemoSpec(cases=2, contacts_per_case=1, today=TODAY), kdf=KdfParams.fast()).close()
    before = path.read_bytes()
    with pytest.raises(StoreError):
        create_demo(path, PASSPHRASE, DemoSpec(cases=2, contacts_per_case=1, today=TODAY), kdf=KdfParams.fast())
    assert path.read_bytes() == before


def test_requirement_params_all_validate(demo200):
    with demo200.read() as s:
        rows = s.execute(select(Requirement.type_code, Requirement.params, Sentence.order_type)
                         .join(Sentence, Requirement.sentence_id == Sentence.id)).all()
    assert len(rows) > 50
    assert len({r.type_code for r in rows}) >= 5
    for code, params, order in rows:
        assert validate_requirement(code, params, order) == [], (code, params, order)


def test_people_sentences_and_registers_all_validate(demo200):
    with demo200.read() as s:
        people = s.scalars(select(Person)).all()
        sentences = s.scalars(select(Sentence)).all()
        registrations = s.scalars(select(Registration)).all()
    for p in people:
        assert validate_person(p.crn, p.first_name, p.last_name, p.date_of_birth, p.pnc, p.tier, p.rosh,
                               today=TODAY) == [], p.crn
    for x in sentences:
        assert validate_sentence(x.order_type, x.start_date, x.end_date) == [], x.id
        assert x.start_date <= TODAY
    for g in registrations:
        assert validate_registration(g.type_code, g.category, g.level) == [], g.type_code
    assert any(g.type_code == "MAPP" for g in registrations)


def test_requirements_only_on_orders_that_have_them(demo200):
    with demo200.read() as s:
        with_reqs = set(s.scalars(select(Sentence.order_type).join(Requirement)))
        with_conditions = set(s.scalars(select(Sentence.order_type).join(LicenceCondition)))
    assert with_reqs <= {"CO", "SSO"}
    assert with_conditions <= {"LIC", "PSS"}


def test_order_mix_is_plausible(demo200):
    with demo200.read() as s:
        mix = Counter(s.scalars(select(Sentence.order_type)))
    assert set(mix) <= {"CO", "SSO", "LIC", "PSS"}
    assert mix["CO"] > mix["PSS"]
    assert mix["CO"] + mix["SSO"] + mix["LIC"] > 150


def test_progress_is_reported(tmp_path):
    calls: list[tuple[int, int]] = []
    db = _make(tmp_path, "p", DemoSpec(cases=20, contacts_per_case=1, today=TODAY),
               progress=lambda done, total: calls.append((done, total)))
    db.close()
    assert calls and calls[-1] == (20, 20)


def test_demo_is_audited(demo200):
    with demo200.read() as s:
        rows = s.scalars(select(Audit).where(Audit.table_name == "demo")).all()
    assert len(rows) == 1
    assert "200 cases" in rows[0].detail
    assert rows[0].actor == "LPT0042 Alex Morgan"
