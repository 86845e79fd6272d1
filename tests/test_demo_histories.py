"""Demo contact histories: realistic notes and structure, absences, failures with enforcement that
follows the rules, unpaid work, victim liaison, and open enforcement items near "today"."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from lpt_desktop.domain.contacts import ContactInput, check_contact, contact_codes
from lpt_desktop.domain.enforcement import allowed_actions, decision_due, is_licence
from lpt_desktop.services.contacts import (
    enforcement_due,
    list_contacts,
    record_contact,
    search_notes,
    upw_summary,
)
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.services.obligations import offence_category
from lpt_desktop.standards.calendar import ENGLAND_AND_WALES, is_working_day, last_working_day_on_or_before
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Contact, Enforcement, Person, Requirement, Sentence
from tests.conftest import DEMO_TODAY, PASSPHRASE

SPEC = DemoSpec(cases=150, contacts_per_case=60, seed=7, today=DEMO_TODAY)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = create_demo(tmp_path_factory.mktemp("histories") / "h.lptdb", PASSPHRASE, SPEC, kdf=KdfParams.fast())
    yield db
    db.close()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The caseload the app's demo mode shows (60 cases, 20 contacts each)."""
    db = create_demo(tmp_path_factory.mktemp("small") / "s.lptdb", PASSPHRASE,
                     DemoSpec(cases=60, contacts_per_case=20, seed=1, today=DEMO_TODAY), kdf=KdfParams.fast())
    yield db
    db.close()


def _contacts(db) -> list[Contact]:
    with db.read() as s:
        return list(s.scalars(select(Contact).order_by(Contact.person_id, Contact.starts_at)))


def _sentences(db) -> dict[str, Sentence]:
    with db.read() as s:
        return {x.person_id: x for x in s.scalars(select(Sentence))}


def _as_input(c: Contact) -> ContactInput:
    return ContactInput(
        type_code=c.type_code, starts_at=c.starts_at, outcome=c.outcome or "", absence_reason=c.absence_reason or "",
        evidence=c.evidence or "", location=c.location or "", present=c.present or "", notes=c.notes or "",
        risk_areas=tuple(c.risk_areas), needs=tuple(c.needs), sensitive=c.sensitive, alert=c.alert,
        management_oversight=c.management_oversight, upw_minutes_worked=c.upw_minutes_worked,
        upw_minutes_credited=c.upw_minutes_credited, upw_skills=c.upw_skills or "",
        victim_views=c.victim_views or "")


@pytest.mark.parametrize("which", ["demo", "small"])
def test_every_contact_passes_the_entry_checks(which, request):
    db = request.getfixturevalue(which)
    today = DEMO_TODAY  # both demos are generated around the suite's frozen today
    now = datetime.combine(today, time.min)  # the history is all before today
    sentences = _sentences(db)
    contacts = _contacts(db)
    assert contacts
    for c in contacts:
        x = sentences[c.person_id]
        assert check_contact(_as_input(c), now, x.start_date, x.end_date) == [], (c.type_code, c.outcome, c.notes)


def test_sizes_and_future_appointments(demo):
    contacts = _contacts(demo)
    per_person = Counter(c.person_id for c in contacts)
    assert set(per_person.values()) == {SPEC.contacts_per_case}
    start_of_today = datetime.combine(DEMO_TODAY, time.min)
    sentences = _sentences(demo)
    pending = defaultdict(list)
    for c in contacts:
        if c.outcome is None:
            pending[c.person_id].append(c)
            assert c.starts_at >= start_of_today and c.starts_at.date() <= sentences[c.person_id].end_date
            assert contact_codes().kinds[c.type_code].appointment
        else:
            assert c.starts_at < start_of_today
    assert {len(v) for v in pending.values()} == {2}
    assert len(pending) == SPEC.cases


def test_notes_are_varied_short_and_on_every_past_contact(demo):
    past = [c for c in _contacts(demo) if c.outcome is not None]
    assert all(c.notes and c.notes.strip() for c in past)
    lengths = sorted(len(c.notes) for c in past)
    assert 25 <= lengths[len(lengths) // 2] <= 400  # short case notes, not essays
    assert lengths[-1] < 1000
    distinct = len({c.notes for c in past})
    assert distinct > len(past) * 0.4, distinct
    men_and_women = " ".join(c.notes for c in past)
    for word in ("accommodation", "unemployed", "alcohol", "warning", "Home visit"):
        assert word.lower() in men_and_women.lower(), word
    assert "{" not in men_and_women and "}" not in men_and_women  # every placeholder filled in


def test_structure_is_ticked_plausibly(demo):
    past = [c for c in _contacts(demo) if c.outcome is not None]
    codes = contact_codes()
    with_needs = [c for c in past if c.needs]
    with_risk = [c for c in past if c.risk_areas]
    assert len(with_needs) > len(past) * 0.3
    assert len(with_risk) > len(past) * 0.1
    assert {n for c in with_needs for n in c.needs} == set(codes.needs)
    assert {r for c in with_risk for r in c.risk_areas} == set(codes.risk_areas)
    for flag in ("sensitive", "alert", "management_oversight"):
        count = sum(getattr(c, flag) for c in past)
        assert 0 < count < len(past) * 0.2, flag
    visits = [c for c in past if c.type_code in ("CHVS", "COHV", "C084") and c.outcome == "ATTC"]
    assert visits and all(c.present for c in visits)
    assert all(c.location for c in past)
    assert {c.type_code for c in past} >= {"COAI", "COAP", "COPT", "CHVS", "C084", "CUPW", "CVIC", "CCMM", "MO1"}


def test_absences_have_reasons_and_evidence(demo):
    absences = [c for c in _contacts(demo) if c.outcome == "AA"]
    assert len(absences) > 50
    assert all(c.absence_reason in contact_codes().absence_reasons for c in absences)
    assert {c.evidence for c in absences} == {"awaited", "received", "not_needed"}
    assert len({c.absence_reason for c in absences}) >= 6


def test_failures_have_notes_and_decisions_that_fit_the_rules(demo):
    """Every decision is one the service would accept for the requirement it computes itself."""
    sentences = _sentences(demo)
    with demo.read() as s:
        people = list(s.scalars(select(Person.id)))
    failures = decided = within_two = 0
    kinds: Counter = Counter()
    for pid in people:
        order = sentences[pid].order_type
        for v in list_contacts(demo, pid):
            if not v.is_failure:
                assert not v.enforcement
                continue
            failures += 1
            assert v.notes.strip()
            assert v.requirement is not None
            if not v.enforcement:
                continue
            decided += 1
            first = v.enforcement[0]
            within_two += first.decided_on <= decision_due(v.starts_at.date(), ENGLAND_AND_WALES)
            allowed = allowed_actions(order, v.requirement)
            for e in v.enforcement:
                assert e.action in allowed, (order, v.requirement, e.action)
                assert v.starts_at.date() <= e.decided_on < DEMO_TODAY
                assert e.reason.strip()
            kinds[(is_licence(order), v.requirement.kind, v.requirement.number >= 2, first.action)] += 1
    assert failures > 100
    assert decided > failures * 0.8
    assert within_two > decided * 0.8  # mostly decided within the 2 working days
    # Orders: a first warning at the first failure, breach at the second. Licences: recall at the third.
    assert kinds[(False, "warning", False, "EA02")] > 20
    assert kinds[(False, "breach", True, "IBR")] > 10
    assert kinds[(True, "recall", True, "EA11")] >= 1
    with demo.read() as s:
        stored = s.execute(select(Enforcement.required_kind, Enforcement.failure_number)).all()
    assert stored and all(n >= 1 for _, n in stored)


def test_decision_rows_match_the_services_counting(demo):
    """required_kind and failure_number stored on each decision agree with list_contacts."""
    with demo.read() as s:
        rows = s.execute(select(Enforcement.contact_id, Enforcement.person_id, Enforcement.required_kind,
                                Enforcement.failure_number)).all()
    by_person = defaultdict(list)
    for cid, pid, kind, number in rows:
        by_person[pid].append((cid, kind, number))
    for pid, items in list(by_person.items())[:60]:
        views = {v.id: v for v in list_contacts(demo, pid)}
        for cid, kind, number in items:
            need = views[cid].requirement
            assert (need.kind, need.number) == (kind, number), (pid, cid)


@pytest.mark.parametrize("which", ["demo", "small"])
def test_open_enforcement_items_near_today(which, request):
    db = request.getfixturevalue(which)
    today = DEMO_TODAY  # both demos are generated around the suite's frozen today
    due = enforcement_due(db, today)
    assert len(due) >= 3
    decisions = [i for i in due if i.what == "Enforcement decision"]
    assert decisions
    assert all(0 < (today - i.failure_on).days <= 14 for i in decisions)
    assert any(i.overdue for i in decisions)
    assert any(not i.overdue for i in decisions)


def test_unpaid_work_sessions_and_pace(demo):
    with demo.read() as s:
        people = list(s.scalars(select(Sentence.person_id).join(Requirement, Requirement.sentence_id == Sentence.id)
                                .where(Requirement.type_code == "UPW")))
        sessions = list(s.scalars(select(Contact).where(Contact.type_code == "CUPW")))
        upw_people = set(people)
    assert len(people) > 20
    assert {c.person_id for c in sessions} <= upw_people
    worked = [c.upw_minutes_worked for c in sessions if c.outcome == "ATTC" and c.upw_minutes_worked]
    assert worked and Counter(360 <= m <= 420 for m in worked)[True] > len(worked) * 0.9
    assert any(c.upw_minutes_credited for c in sessions)
    assert any(c.upw_skills and "safely" in c.upw_skills for c in sessions)
    summaries = [upw_summary(demo, pid, DEMO_TODAY) for pid in people]
    on_track = sum(u.on_track for u in summaries)
    assert 0.2 * len(summaries) < on_track < 0.8 * len(summaries), on_track
    assert all(u.done_minutes <= u.ordered_hours * 60 for u in summaries)
    assert any(u.skills for u in summaries)


def test_victim_liaison_contacts_are_restricted_and_only_on_violent_or_sexual_cases(demo):
    sentences = _sentences(demo)
    victim = [c for c in _contacts(demo) if c.type_code == "CVIC"]
    assert victim
    assert len({c.person_id for c in victim}) < SPEC.cases * 0.2  # a few cases
    for c in victim:
        assert c.restricted and c.victim_views and c.notes
        assert offence_category(sentences[c.person_id].offence) in ("sexual", "violent")  # the victim contact rule
    with demo.read() as s:
        others = s.scalar(select(func.count()).select_from(Contact).where(Contact.type_code != "CVIC",
                                                                          Contact.restricted.is_(True)))
    assert others == 0


def test_same_seed_gives_the_same_histories(tmp_path):
    spec = DemoSpec(cases=12, contacts_per_case=30, seed=4, today=DEMO_TODAY)
    a = create_demo(tmp_path / "a.lptdb", PASSPHRASE, spec, kdf=KdfParams.fast())
    b = create_demo(tmp_path / "b.lptdb", PASSPHRASE, spec, kdf=KdfParams.fast())
    cols = [c for c in Contact.__table__.columns if c.name not in ("created_at", "updated_at")]
    ecols = [c for c in Enforcement.__table__.columns if c.name not in ("created_at", "updated_at")]
    try:
        with a.read() as s1, b.read() as s2:
            for q in (select(*cols).order_by(Contact.id), select(*ecols).order_by(Enforcement.id)):
                assert s1.execute(q).all() == s2.execute(q).all()
    finally:
        a.close()
        b.close()


def test_notes_are_searchable_and_the_index_keeps_working(small):
    with small.read() as s:
        noted = s.scalar(select(func.count()).select_from(Contact).where(Contact.notes.is_not(None)))
        indexed = s.connection().exec_driver_sql("SELECT count(*) FROM contact_fts").scalar()
        triggers = set(s.connection().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
    assert indexed == noted
    assert {"contact_fts_insert", "contact_fts_delete", "contact_fts_update"} <= triggers
    assert search_notes(small, "accom")
    assert search_notes(small, "job applications")
    # A contact recorded after generation is indexed by the trigger as usual.
    seen = datetime.combine(last_working_day_on_or_before(DEMO_TODAY - timedelta(days=3)), time(10, 0))
    with small.read() as s:  # a case whose order ran on the day of the contact
        running = (Sentence.start_date < seen.date(),
                   Sentence.end_date.is_(None) | (Sentence.end_date >= seen.date()))
        pid = s.scalar(select(Sentence.person_id).where(*running).order_by(Sentence.person_id).limit(1))
    assert pid is not None
    record_contact(small, pid, ContactInput("COAP", seen, outcome="ATTC", notes="Discussed the zebracrossing project"),
                   now=datetime.combine(DEMO_TODAY, time(9, 0)))
    assert [h.person_id for h in search_notes(small, "zebracrossing")] == [pid]


def test_generation_leaves_the_store_settings_as_they_were(small):
    from lpt_desktop.store import engine

    with small.read() as s:
        assert s.connection().exec_driver_sql("PRAGMA cache_size").scalar() == -engine.CACHE_KIB
    with small.write() as s:
        assert s.connection().exec_driver_sql("PRAGMA cache_size").scalar() == -engine.CACHE_KIB


@pytest.mark.parametrize("which", ["demo", "small"])
def test_appointments_fall_on_working_days_only(which, request):
    # The officer's diary never has the demo booking on a weekend or a bank holiday (25/12 showed five): every
    # appointment, past or still to come, is on a working day, whatever day the suite runs as (date_matrix.py).
    db = request.getfixturevalue(which)
    appointments = [c for c in _contacts(db) if contact_codes().kinds[c.type_code].appointment]
    assert appointments
    off = [(c.type_code, c.starts_at) for c in appointments if not is_working_day(c.starts_at.date())]
    assert off == []
