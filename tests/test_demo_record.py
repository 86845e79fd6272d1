"""The demo's case record (issue 16): other names, disabilities, personal contacts, circumstances, sentence
events and the timeline, deterministic, dated on working days in the past, and the significant changes on the
timeline owing a few reviews without swamping the caseload. Holds on any day (tests/date_matrix.py)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.services.case_events import timeline
from lpt_desktop.services.case_record import case_details
from lpt_desktop.services.caseload import is_overdue, load_caseload
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.services.obligations import all_obligations
from lpt_desktop.standards.calendar import WorkingCalendar
from lpt_desktop.store.case_record_models import (
    Alias,
    CaseEvent,
    Circumstance,
    Disability,
    PersonalContact,
    SentenceEvent,
)
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Person
from tests.conftest import DEMO_TODAY, PASSPHRASE

TODAY = DEMO_TODAY


def _make(tmp_path, name: str, cases: int = 60, seed: int = 1, contacts: int = 20):
    """The demo as the app makes it (60 cases of 20 contacts), or smaller."""
    spec = DemoSpec(cases=cases, contacts_per_case=contacts, seed=seed, today=TODAY)
    return create_demo(tmp_path / f"{name}.lptdb", PASSPHRASE, spec, kdf=KdfParams.fast())


@pytest.fixture
def demo(tmp_path):
    db = _make(tmp_path, "demo")  # per test: made inside the suite's frozen day (tests/conftest.py)
    yield db
    db.close()


def _rows(db, model):
    with db.read() as s:
        return s.scalars(select(model)).all()


def test_most_cases_have_a_fuller_record(demo):
    people = _rows(demo, Person)
    by_person = {m: Counter(r.person_id for r in _rows(demo, m))
                 for m in (Alias, Disability, PersonalContact, Circumstance, SentenceEvent, CaseEvent)}
    assert len(by_person[PersonalContact]) > len(people) * 0.6
    assert len(by_person[Circumstance]) > len(people) * 0.8
    assert len(by_person[CaseEvent]) == len(people)  # every case has at least its creation on the timeline
    assert len(by_person[SentenceEvent]) == len(people)
    assert 0 < len(by_person[Alias]) < len(people) / 2
    # A disability noted on the person is a disability row with its adjustment.
    noted = {p.id for p in people if p.disabilities}
    assert noted and set(by_person[Disability]) == noted
    assert sum(p.mobile is not None for p in people) > len(people) / 2


def test_every_date_is_a_working_day_in_the_past(demo):
    calendar = WorkingCalendar()
    yesterday = TODAY - timedelta(days=1)
    dates = [e.on_date for e in _rows(demo, CaseEvent)] + [e.on_date for e in _rows(demo, SentenceEvent)]
    dates += [c.from_date for c in _rows(demo, Circumstance) if c.from_date >= min(dates)]
    assert dates
    assert all(d <= yesterday for d in dates)
    assert all(calendar.is_working_day(d) for d in (e.on_date for e in _rows(demo, CaseEvent)))


def test_the_timeline_is_what_the_services_show(demo):
    codes = case_codes()
    people = _rows(demo, Person)
    kinds = Counter(e.kind for e in _rows(demo, CaseEvent))
    assert set(kinds) <= set(codes.events)
    assert kinds["case_created"] == len(people)
    assert {"personal_contact", "register_added", "alias_added"} <= set(kinds)
    assert any(codes.events[k].significant for k in kinds if k != "register_added")  # circumstances change
    changed = next(e.person_id for e in _rows(demo, CaseEvent) if e.kind.startswith("change_of_"))
    items = timeline(demo, changed)
    assert items[-1].kind == "case_created"  # newest first, the case's creation last
    details = case_details(demo, changed)
    # One current circumstance of each kind; a changed one's earlier value ended the day before.
    current = [c for c in details.circumstances if c.to_date is None]
    assert len({c.kind for c in current}) == len(current)
    for c in _rows(demo, Circumstance):
        if c.to_date is not None:
            assert c.to_date < TODAY and c.from_date <= c.to_date


def test_significant_changes_owe_a_few_reviews_not_a_flood(demo):
    rows = load_caseload(demo, TODAY)
    overdue = sum(is_overdue(r) for r in rows)
    assert 1 <= overdue <= len(rows) // 3
    found, _who = all_obligations(demo, TODAY)
    owed = Counter(o.status for items in found.values() for o in items
                   if "after a significant change" in o.description)
    assert owed["met"] > 20
    assert 1 <= owed["due"] + owed["overdue"] <= 30


def _key(db, model) -> list[tuple[str, str, str]]:
    return sorted((r.id, r.person_id, str(getattr(r, "on_date", getattr(r, "from_date", ""))))
                  for r in _rows(db, model))


def test_same_seed_same_record(tmp_path):
    a, b = _make(tmp_path, "a", 15, 3, 2), _make(tmp_path, "b", 15, 3, 2)
    try:
        for model in (Alias, PersonalContact, Circumstance, CaseEvent):
            assert _key(a, model) == _key(b, model)
    finally:
        a.close()
        b.close()
