"""The standards services on a real encrypted file: policy in force, case obligations, "what is due",
compliance, overrides, records, office closures, booking (one-off and series) and overlap warnings."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine

from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import appointments as ap
from lpt_desktop.services import obligations as so
from lpt_desktop.services.caseload import load_caseload
from lpt_desktop.services.cases import add_person, add_requirement, add_sentence
from lpt_desktop.services.obligation_sources import extra_source
from lpt_desktop.services.unlock import create_caseload, unlock
from lpt_desktop.standards.calendar import ENGLAND_AND_WALES, WorkingCalendar
from lpt_desktop.standards.obligations import STATUSES, Obligation
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Contact
from tests.conftest import DEMO_TODAY, LONDON, PASSPHRASE

# The small caseload is a fixed calendar (its deadlines are facts about November and December 2026): its
# tests pass TODAY and NOW explicitly, and the clock is pinned there too for the one check that reads it
# (a record cannot be dated in the future). The demo tests work at DEMO_TODAY, whatever day that is.
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 0)


@pytest.fixture
def demo(demo_db):
    db = unlock(demo_db, PASSPHRASE)
    yield db
    db.close()


@pytest.fixture
def small(tmp_path):
    """Two cases: a community order from Monday 02/11/2026 and a licence from Friday 20/11/2026 (on NOW's clock)."""
    with time_machine.travel(NOW.replace(tzinfo=LONDON), tick=True):
        db = create_caseload(tmp_path / "s.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
        ids = {}
        ids["co"] = add_person(db, crn="A100001", first_name="Zoe", last_name="Adams",
                               date_of_birth=date(1990, 1, 1), today=TODAY, tier="C2", rosh="M")
        sid = add_sentence(db, ids["co"], order_type="CO", start_date=date(2026, 11, 2), end_date=date(2027, 11, 1))
        add_requirement(db, sid, "SUP", {"months": 12})
        ids["lic"] = add_person(db, crn="B100002", first_name="Yusuf", last_name="Brown",
                                date_of_birth=date(1985, 1, 1), today=TODAY, tier="A1", rosh="H")
        add_sentence(db, ids["lic"], order_type="LIC", start_date=date(2026, 11, 20), end_date=date(2027, 5, 19))
        yield db, ids
        db.close()


def _record(db, pid, when, type_code="COAP", outcome="ATTC"):
    with db.write() as s:
        c = Contact(person_id=pid, type_code=type_code, starts_at=when, outcome=outcome)
        s.add(c)
        s.flush()
        return c.id


def test_policy_in_force_defaults_to_current_and_is_stored(small):
    db, ids = small
    assert so.policy_in_force(db) == "current"
    assert {o.policy for o in so.case_obligations(db, ids["co"], TODAY)} == {"current"}
    so.set_policy_in_force(db, "ns-2003")
    assert so.policy_in_force(db) == "ns-2003"
    obs = so.case_obligations(db, ids["co"], TODAY)
    assert {o.policy for o in obs} == {"ns-2003"}
    assert any(o.description.startswith("Appointments: 12 in the first 12 weeks") for o in obs)
    with pytest.raises(ValidationError, match="Standards policy"):
        so.set_policy_in_force(db, "ns-1999")


def test_case_obligations_and_met_by_a_recorded_contact(small):
    db, ids = small
    first = next(o for o in so.case_obligations(db, ids["co"], TODAY) if o.rule == "first_contact")
    assert (first.due_by, first.status) == (date(2026, 11, 9), "overdue")
    cid = _record(db, ids["co"], datetime(2026, 11, 4, 10, 0))
    first = next(o for o in so.case_obligations(db, ids["co"], TODAY) if o.rule == "first_contact")
    assert (first.status, first.met_by, first.met_on, first.person_id) == ("met", cid, date(2026, 11, 4), ids["co"])


def test_amended_contact_counts_once_as_its_latest_version(small):
    db, ids = small
    old = _record(db, ids["co"], datetime(2026, 11, 4, 10, 0), outcome="UAAB")
    with db.write() as s:
        s.add(Contact(person_id=ids["co"], type_code="COAP", starts_at=datetime(2026, 11, 4, 10, 0), outcome="ATTC",
                      amends_id=old, amendment_reason="wrong outcome"))
    obs = so.case_obligations(db, ids["co"], TODAY)
    assert next(o for o in obs if o.rule == "first_contact").status == "met"
    assert not [o for o in obs if o.kind == "enforcement"]  # the absence was corrected away


def test_caseload_due_lists_due_and_overdue_of_every_kind(demo):
    items = so.caseload_due(demo, DEMO_TODAY, horizon_days=0)
    assert items
    assert {i.obligation.status for i in items} == {"due", "overdue"}
    assert len({i.obligation.kind for i in items}) >= 4
    assert [i.obligation.due_by for i in items] == sorted(i.obligation.due_by for i in items)
    # One definition: each item is exactly what the case screen shows for that case.
    for item in items[:15]:
        assert item.obligation in so.case_obligations(demo, item.person_id, DEMO_TODAY)
    wider = so.caseload_due(demo, DEMO_TODAY, horizon_days=14)
    assert len(wider) > len(items)
    assert {i.obligation.status for i in wider} == {"due", "overdue", "upcoming"}
    assert all(i.obligation.due_from <= DEMO_TODAY + timedelta(days=14) for i in wider)
    counts = so.due_counts(demo, DEMO_TODAY)
    assert counts == {"due": sum(i.obligation.status == "due" for i in items),
                      "overdue": sum(i.obligation.status == "overdue" for i in items)}


def test_caseload_column_agrees_with_the_due_list(demo):
    rows = {r.person_id: r for r in load_caseload(demo, DEMO_TODAY)}
    for item in so.caseload_due(demo, DEMO_TODAY, horizon_days=0):
        row = rows[item.person_id]
        if row.next_due_status == "overdue" or item.obligation.status == "overdue":
            assert row.next_due_status == "overdue"
            assert row.next_due <= item.obligation.due_by or item.obligation.status == "due"


def test_compliance_share(small):
    db, ids = small
    _record(db, ids["co"], datetime(2026, 11, 4, 10, 0))  # first contact in time
    c = so.compliance(db, date(2026, 11, 1), date(2026, 11, 22), ids["co"], as_of=TODAY)
    # Due in the period and judged: first contact (met in time); the home visit (medium: 6 weeks) is not due yet.
    assert c.by_rule["first_contact"] == (1, 1)
    assert 0 < c.share <= 1 and c.total == sum(t for _m, t in c.by_rule.values())
    assert c.share == 1.0
    # Brown (licence from 20/11/2026) is never seen: judged in January, his first contact was missed.
    late = so.compliance(db, date(2026, 11, 20), date(2026, 12, 31), ids["lic"], as_of=date(2027, 1, 5))
    assert late.by_rule["first_contact"] == (0, 1) and late.share < 1
    whole = so.compliance(db, date(2026, 11, 1), date(2026, 11, 22), as_of=TODAY)
    assert whole.total == c.total  # nothing of Brown's fell due by 22/11
    assert so.compliance(db, date(2020, 1, 1), date(2020, 2, 1), as_of=TODAY).share == 1.0  # nothing due
    with pytest.raises(ValidationError, match="Period"):
        so.compliance(db, date(2026, 2, 1), date(2026, 1, 1))


def test_frequency_override(small):
    db, ids = small
    so.set_frequency_override(db, ids["co"], "ns_contacts", 7)
    assert so.frequency_overrides(db, ids["co"]) == {"ns_contacts": 7}
    windows = [o for o in so.case_obligations(db, ids["co"], TODAY) if o.rule == "ns_contacts"]
    assert [o.due_from for o in windows[:3]] == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    assert "set for this case" in windows[0].description
    so.set_frequency_override(db, ids["co"], "ns_contacts", 14)
    assert so.frequency_overrides(db, ids["co"]) == {"ns_contacts": 14}
    so.set_frequency_override(db, ids["co"], "ns_contacts", None)
    assert so.frequency_overrides(db, ids["co"]) == {}
    with pytest.raises(ValidationError, match="Frequency"):
        so.set_frequency_override(db, ids["co"], "ns_contacts", 0)
    with pytest.raises(ValidationError, match="Rule"):
        so.set_frequency_override(db, ids["co"], "coffee", 7)


def test_sentence_plan_record_meets_the_plan(small):
    db, ids = small
    plan = next(o for o in so.case_obligations(db, ids["co"], TODAY) if o.rule == "initial_sentence_plan")
    assert plan.status == "due" and plan.due_by == date(2026, 11, 23)
    rid = so.record_done(db, ids["co"], "sentence_plan", date(2026, 11, 20))
    plan = next(o for o in so.case_obligations(db, ids["co"], TODAY) if o.rule == "initial_sentence_plan")
    assert (plan.status, plan.met_by) == ("met", rid)
    with pytest.raises(ValidationError, match="Record"):
        so.record_done(db, ids["co"], "horoscope", date(2026, 11, 20))
    with pytest.raises(ValidationError, match="Date: is in the future"):  # by the clock, pinned at NOW
        so.record_done(db, ids["co"], "sentence_plan", TODAY + timedelta(days=1))


def test_office_closure_moves_deadlines_and_the_caseload(small):
    db, ids = small
    assert next(r for r in load_caseload(db, TODAY) if r.crn == "B100002").next_due == date(2026, 11, 27)
    before = next(o for o in so.case_obligations(db, ids["lic"], TODAY) if o.rule == "first_contact").due_by
    assert before == ENGLAND_AND_WALES.add_working_days(date(2026, 11, 20), 5) == date(2026, 11, 27)
    ap.add_closure(db, date(2026, 11, 25), "Staff training")
    assert [(c.day, c.reason) for c in ap.closures(db)] == [(date(2026, 11, 25), "Staff training")]
    after = next(o for o in so.case_obligations(db, ids["lic"], TODAY) if o.rule == "first_contact").due_by
    assert after == date(2026, 11, 30)
    # The caseload column follows the closure too (its cache is keyed on the closures).
    assert next(r for r in load_caseload(db, TODAY) if r.crn == "B100002").next_due == date(2026, 11, 30)
    assert ap.office_calendar(db) == WorkingCalendar.of({date(2026, 11, 25)})
    ap.remove_closure(db, date(2026, 11, 25))
    assert ap.office_calendar(db) == ENGLAND_AND_WALES
    assert next(o for o in so.case_obligations(db, ids["lic"], TODAY) if o.rule == "first_contact").due_by == before
    with pytest.raises(ValidationError, match="Reason"):
        ap.add_closure(db, date(2026, 11, 26), " ")
    with pytest.raises(ValidationError, match="already not a working day"):
        ap.add_closure(db, date(2026, 12, 25), "Christmas")


def test_book_appointment_and_series(small):
    db, ids = small
    one = ap.book_appointment(db, ids["co"], datetime(2026, 11, 24, 10, 0), "COAP", "Preston office", now=NOW)
    series = ap.book_series(db, ids["co"], datetime(2026, 12, 1, 10, 0), "fortnightly", 4, "COAP", now=NOW)
    assert len(series) == 4
    views = ap.appointments_between(db, date(2026, 11, 23), date(2027, 1, 31))
    assert [(v.starts_at, v.series_id is not None) for v in views] == [
        (datetime(2026, 11, 24, 10, 0), False), (datetime(2026, 12, 1, 10, 0), True),
        (datetime(2026, 12, 15, 10, 0), True), (datetime(2026, 12, 29, 10, 0), True),
        (datetime(2027, 1, 12, 10, 0), True)]
    assert views[0].contact_id == one and views[0].booked and views[0].location == "Preston office"
    assert views[0].crn == "A100001" and views[0].type_label == "Office appointment"
    # A booking is a pending contact: the caseload shows it as the next appointment, and it meets nothing yet.
    row = next(r for r in load_caseload(db, TODAY) if r.crn == "A100001")
    assert row.next_appointment == datetime(2026, 11, 24, 10, 0)
    assert ap.series_dates(datetime(2026, 12, 1, 10), "four-weekly", 3)[-1] == datetime(2027, 1, 26, 10)
    ap.cancel_booking(db, one)
    assert len(ap.appointments_between(db, date(2026, 11, 23), date(2026, 11, 30))) == 0


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"starts_at": datetime(2026, 11, 20, 10, 0)}, "Date and time"),
    ({"type_code": "CVIC"}, "Type"),
    ({"type_code": "ZZZZ"}, "Type"),
])
def test_booking_refuses_bad_input(small, kwargs, field):
    db, ids = small
    args = {"starts_at": datetime(2026, 11, 24, 10, 0), "type_code": "COAP", **kwargs}
    with pytest.raises(ValidationError) as exc:
        ap.book_appointment(db, ids["co"], args["starts_at"], args["type_code"], now=NOW)
    assert exc.value.errors[0].field == field
    assert ap.appointments_between(db, date(2026, 11, 1), date(2026, 12, 31)) == []


def test_series_refuses_bad_repeat(small):
    db, ids = small
    with pytest.raises(ValidationError, match="Repeat"):
        ap.book_series(db, ids["co"], datetime(2026, 12, 1, 10), "monthly", 3, "COAP", now=NOW)
    with pytest.raises(ValidationError, match="Occurrences"):
        ap.book_series(db, ids["co"], datetime(2026, 12, 1, 10), "weekly", 53, "COAP", now=NOW)


def test_overlap_warnings(small):
    db, ids = small
    ap.book_appointment(db, ids["co"], datetime(2026, 12, 1, 10, 0), "COAP", now=NOW)
    ap.book_appointment(db, ids["lic"], datetime(2026, 12, 1, 10, 30), "CHVS", now=NOW)
    warnings = ap.overlaps(db, ids["co"], datetime(2026, 12, 1, 10, 15))
    assert [(w.kind, w.person_id) for w in warnings] == [("appointment", ids["co"]), ("appointment", ids["lic"])]
    assert "this case" in warnings[0].message and "B100002" in warnings[1].message
    assert ap.overlaps(db, ids["co"], datetime(2026, 12, 1, 11, 30)) == []
    assert [w.kind for w in ap.overlaps(db, None, datetime(2026, 12, 25, 10, 0))] == ["bank_holiday"]
    assert [w.kind for w in ap.overlaps(db, None, datetime(2026, 12, 26, 10, 0))] == ["weekend"]
    ap.add_closure(db, date(2026, 12, 2), "Office move")
    [w] = ap.overlaps(db, None, datetime(2026, 12, 2, 10, 0))
    assert w.kind == "closed_day" and "Office move" in w.message


def test_registered_source_adds_report_items(small):
    db, ids = small

    def reports(_s, as_of, person_ids):
        if person_ids is not None and ids["co"] not in person_ids:
            return []
        return [Obligation("report_due", "report", "Standard delivery report within 15 working days", "test",
                           date(2026, 11, 2), date(2026, 11, 20), "overdue", person_id=ids["co"], policy="current")]

    with extra_source(reports):
        assert any(o.rule == "report_due" for o in so.case_obligations(db, ids["co"], TODAY))
        assert any(i.obligation.rule == "report_due" for i in so.caseload_due(db, TODAY))


def test_statuses_are_the_known_ones(demo):
    found, _ = so.all_obligations(demo, DEMO_TODAY)
    assert {o.status for obs in found.values() for o in obs} == set(STATUSES)
    # Court work registers its report requests as a source: they are among the case's obligations.
    assert any(o.rule == "report_due" and o.kind == "report" for obs in found.values() for o in obs)


def test_caseload_column_recomputes_only_what_changed(small, monkeypatch):
    from sqlalchemy import update

    from lpt_desktop.services.contacts import defaults_for, save_draft
    from lpt_desktop.store.models import Person

    db, ids = small
    before = {r.crn: r for r in load_caseload(db, TODAY)}
    assert (before["A100001"].next_due, before["A100001"].next_due_status) == (date(2026, 11, 9), "overdue")
    calls = []
    real = so.all_obligations

    def spy(db_, as_of=None, person_ids=None, since=None):
        calls.append(person_ids)
        return real(db_, as_of, person_ids, since)

    monkeypatch.setattr(so, "all_obligations", spy)
    load_caseload(db, TODAY)
    assert calls == []  # nothing written: the column is kept
    save_draft(db, ids["co"], defaults_for(db, ids["co"], now=NOW))
    load_caseload(db, TODAY)
    assert calls == []  # a draft changes nothing the engine reads
    _record(db, ids["co"], datetime(2026, 11, 4, 10, 0))  # audited: only Adams is recomputed
    after = {r.crn: r for r in load_caseload(db, TODAY)}
    assert calls == [[ids["co"]]]
    assert after["A100001"].next_due != before["A100001"].next_due
    assert after["B100002"] == before["B100002"]
    with db.write() as s:  # a write the audit does not name: everyone is recomputed
        s.execute(update(Person).where(Person.id == ids["lic"]).values(rosh="VH"))
    again = {r.crn: r for r in load_caseload(db, TODAY)}
    assert calls[-1] is None
    assert again["B100002"].next_due == date(2026, 11, 27)
    load_caseload(db, date(2026, 11, 24))  # a new day: everyone
    assert calls[-1] is None and len(calls) == 3


def _pull(db, items, cursor):
    """A sync pull's page as sync/engine.pull applies it: Core writes, the audit rows apply_items makes, the cursor."""
    from lpt_desktop.sync import state
    from lpt_desktop.sync.apply import apply_items, applying, context

    with applying(db) as conn:
        apply_items(conn, items, context(conn, "om1"))
        state.put(conn, **{state.CURSOR: cursor})


def _contact_item(pid, when, version=1, deleted=False, record_id="pulled-contact-1"):
    from lpt_desktop.sync.protocol import Item

    data = None if deleted else {"person_id": pid, "type_code": "COAP", "starts_at": when.isoformat(),
                                 "outcome": "ATTC"}
    return Item(kind="contact", record_id=record_id, person_id=pid, version=version, deleted=deleted, data=data)


def test_a_sync_pull_recomputes_only_the_cases_it_wrote(small, monkeypatch):
    """A pull writes with Core statements (no ORM audit hook) and its own bookkeeping (cursor, versions): the
    column and the due list are worked out again for the case whose contact arrived, and for no other."""
    db, ids = small
    before = {r.crn: r for r in load_caseload(db, TODAY)}
    due_before = so.caseload_due(db, TODAY)
    assert (before["A100001"].next_due, before["A100001"].next_due_status) == (date(2026, 11, 9), "overdue")
    calls = []
    real = so.all_obligations

    def spy(db_, as_of=None, person_ids=None, since=None):
        calls.append(person_ids)
        return real(db_, as_of, person_ids, since)

    monkeypatch.setattr(so, "all_obligations", spy)
    _pull(db, [], 7)  # nothing new: only the cursor moves
    assert load_caseload(db, TODAY) == list(before.values()) and calls == []
    with db.write() as s:  # a settings row written without a change (the policy is in the key)
        s.connection().exec_driver_sql("UPDATE lpt_meta SET value = value")
    assert so.caseload_due(db, TODAY) == due_before and calls == []

    _pull(db, [_contact_item(ids["co"], datetime(2026, 11, 4, 10, 0))], 8)  # Adams's first contact arrives
    after = {r.crn: r for r in load_caseload(db, TODAY)}
    assert calls == [[ids["co"]]]
    assert after["A100001"].next_due != before["A100001"].next_due  # the column shows the new due date
    assert after["B100002"] == before["B100002"]
    due_after = so.caseload_due(db, TODAY)  # the due list reads the same kept results: no engine run
    assert calls == [[ids["co"]]]
    monkeypatch.setattr(so, "all_obligations", real)
    # Both are what the full computation says now, for every case.
    assert due_after == _fresh_due(db, TODAY)
    assert {r.crn: (r.next_due, r.next_due_what) for r in after.values()} == {
        r.crn: (r.next_due, r.next_due_what) for r in _fresh_caseload(db, TODAY)}
    assert due_after != due_before

    monkeypatch.setattr(so, "all_obligations", spy)
    _pull(db, [_contact_item(ids["co"], datetime(2026, 11, 4, 10, 0), version=2, deleted=True)], 9)  # withdrawn
    assert {r.crn: r for r in load_caseload(db, TODAY)} == before and calls[-1] == [ids["co"]]
    assert so.caseload_due(db, TODAY) == due_before


def _forget(db):
    so._kept.pop(db, None)


def _fresh_due(db, as_of):
    _forget(db)
    return so.caseload_due(db, as_of)


def _fresh_caseload(db, as_of):
    _forget(db)
    return load_caseload(db, as_of)


def test_kept_due_list_is_what_the_full_computation_lists(demo):
    """After writes naming a few cases, the due list from the kept results (only those cases recomputed) is the
    one worked out from scratch, and each case's items are the full per-case computation's open ones."""
    from lpt_desktop.services.cases import add_person

    people = sorted(so.all_obligations(demo, DEMO_TODAY)[0])
    so.caseload_due(demo, DEMO_TODAY)
    so.set_frequency_override(demo, people[0], "ns_contacts", 3)
    so.record_done(demo, people[1], "sentence_plan", DEMO_TODAY - timedelta(days=2))
    _record(demo, people[2], datetime.combine(DEMO_TODAY - timedelta(days=1), datetime.min.time()))
    new = add_person(demo, crn="Z999999", first_name="New", last_name="Case", date_of_birth=date(1990, 1, 1),
                     today=DEMO_TODAY, tier="C2", rosh="M")
    kept = so.caseload_due(demo, DEMO_TODAY, horizon_days=30)
    column = so.next_due_by_person(demo, DEMO_TODAY)
    assert kept == _fresh_due_horizon(demo, DEMO_TODAY, 30)
    assert column == so.next_due_by_person(demo, DEMO_TODAY)  # (worked out from scratch by _fresh_due_horizon)
    for pid in (*people[:3], new):
        full = [o for o in so.case_obligations(demo, pid, DEMO_TODAY) if so.is_on_list(o, DEMO_TODAY, 30)]
        assert [i.obligation for i in kept if i.person_id == pid] == sorted(full, key=lambda o: (o.due_by, o.rule))
        assert column.get(pid) == so.next_due(so.case_obligations(demo, pid, DEMO_TODAY))


def _fresh_due_horizon(db, as_of, horizon):
    _forget(db)
    return so.caseload_due(db, as_of, horizon_days=horizon)


def test_a_core_write_beside_an_audited_one_recomputes_everyone(small, monkeypatch):
    """An audited write naming one case does not vouch for a Core statement to another table in the same stretch:
    the person table written with no audit row naming a person is a write the audit does not name."""
    from sqlalchemy import update

    from lpt_desktop.store.models import Person

    db, ids = small
    load_caseload(db, TODAY)
    calls = []
    real = so.all_obligations

    def spy(db_, as_of=None, person_ids=None, since=None):
        calls.append(person_ids)
        return real(db_, as_of, person_ids, since)

    monkeypatch.setattr(so, "all_obligations", spy)
    _record(db, ids["co"], datetime(2026, 11, 4, 10, 0))  # audited: names Adams (the contact table)
    with db.write() as s:  # Core: no audit row
        s.execute(update(Person).where(Person.id == ids["lic"]).values(rosh="VH"))
    rows = {r.crn: r for r in load_caseload(db, TODAY)}
    assert calls == [None]
    assert rows["B100002"].next_due == date(2026, 11, 27)  # as the whole-caseload test above finds after it
