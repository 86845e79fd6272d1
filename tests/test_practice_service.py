"""The practice audit over real caseloads (issue 21): a small caseload made through the services, the demo
caseload's spread, the facts against the services' own readers, an exported and imported caseload audited the
same, and `lpt audit` (a case's checks as JSON, the team's figures on a manager's and an officer's laptop)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from lpt_desktop.cli import main
from lpt_desktop.practice.score import CaseAudit
from lpt_desktop.services import case_transfer, countersign, practice, registers
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.unlock import create_caseload, unlock
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Person
from lpt_desktop.sync import state
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.plan_fill import complete_needs, new_case, ready_plan
from tests.rosh_fill import complete_screened_out

TODAY = TEST_TODAY
START = TODAY - timedelta(days=60)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, str, str]:
    """Two cases: one with its screening, needs and an agreed plan; one with nothing done."""
    path = tmp_path_factory.mktemp("practice") / "c.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    try:
        done = new_case(db, START, gender="Female")
        complete_screened_out(db, done, START + timedelta(days=2), "L")
        complete_needs(db, done, START + timedelta(days=3), {"accommodation": "standard"})
        plan, _g, _st = ready_plan(db, done, START + timedelta(days=4))
        sp.record_agreement(db, plan, sp.AgreementIn("yes"), START + timedelta(days=4))
        assert sp.complete_plan(db, plan, acknowledge_warnings=True, today=START + timedelta(days=4)).completed
        bare = new_case(db, START)
        with db.read() as s:
            crns = {pid: s.scalar(select(Person.crn).where(Person.id == pid)) or "" for pid in (done, bare)}
    finally:
        db.close()
    return path, crns[done], crns[bare]


def _open(path: Path) -> Database:
    return unlock(path, PASSPHRASE)  # as the app opens it: this laptop's officer known


def _by_id(audit: CaseAudit) -> dict[str, tuple[str, str]]:
    return {r.id: (r.status, r.reason) for r in audit.results}


def test_a_small_caseload_made_through_the_services(small):
    path, done_crn, bare_crn = small
    db = _open(path)
    try:
        audits = {a.crn: a for a in practice.audit(db, TODAY)}
    finally:
        db.close()
    done, bare = _by_id(audits[done_crn]), _by_id(audits[bare_crn])
    assert done["rosh_screening_on_time"][0] == "met"
    assert done["risk_plan_present"] == ("not_applicable", "The RoSH level (low) does not require a risk "
                                                           "management plan.")
    assert done["initial_plan_on_time"][0] == "met"
    assert done["plan_involvement"][0] == "met"
    assert done["diversity_assessed"][0] == "met"
    status, reason = done["commissioned_services"]  # a woman with an accommodation need, and no step names them
    assert status == "not_met" and "Women's centre" in reason and "ccommodation" in reason
    assert audits[done_crn].officer == "Alex Morgan"
    assert bare["rosh_screening_on_time"][0] == "not_met" and "No RoSH screening" in bare["rosh_screening_on_time"][1]
    assert bare["initial_plan_on_time"][0] == "not_met"
    assert bare["plan_outcome_focused"] == ("not_met", "No sentence plan has been started.")
    assert audits[bare_crn].score is not None and audits[bare_crn].score < audits[done_crn].score  # type: ignore[operator]


def test_an_earlier_day_sees_the_record_as_it_stood(small):
    path, done_crn, _bare = small
    db = _open(path)
    try:
        (before,) = [a for a in practice.audit(db, START + timedelta(days=1)) if a.crn == done_crn]
    finally:
        db.close()
    results = _by_id(before)
    assert results["rosh_screening_on_time"][0] == "not_applicable"  # not yet due, and not yet done then
    assert results["plan_outcome_focused"][0] == "not_applicable"


def test_the_demo_caseload_has_a_realistic_spread_and_reads_as_the_services_do(demo_db):
    db = _open(demo_db)
    try:
        audits = practice.audit(db, TODAY)
        facts = {f.person_id: f for f in practice.load_case_facts(db, TODAY)}
        for pid, f in list(facts.items())[:20]:
            view = sp.plan_in_force(db, pid, TODAY)
            assert (view.id if view else None) == (f.sentence_plan.id if f.sentence_plan else None)
            if f.sentence_plan is not None:
                assert f.sentence_plan.signing == countersign.signing_status(db, "sentence_plan", f.sentence_plan.id)
            if f.rosh:
                assert f.rosh[-1].signing == countersign.signing_status(db, "rosh_assessment", f.rosh[-1].id)
    finally:
        db.close()
    unmet = Counter(len(a.unmet) for a in audits)
    n = len(audits)
    assert n == 60
    assert unmet[0] >= 1, unmet  # some cases meet every applicable check
    assert sum(unmet[k] for k in range(1, 5)) > n / 2, unmet  # most fail one or a few
    many = sum(v for k, v in unmet.items() if k >= 7)
    assert 1 <= many <= n * 0.2, unmet  # a few fail many
    per_check = Counter((r.id, r.status) for a in audits for r in a.results)
    assert all(per_check[(c, "met")] for c in ("rosh_screening_on_time", "initial_plan_on_time", "plan_involvement"))


def test_a_case_put_right_through_a_service_meets_the_check(demo_db):
    db = _open(demo_db)
    try:
        failing = [a for a in practice.audit(db, TODAY)
                   if _by_id(a)["mappa_identified"][0] == "not_met" and "no MAPPA register" in
                   _by_id(a)["mappa_identified"][1]]
        assert failing
        a = failing[0]
        registers.add_register(db, a.person_id, "MAPP", TODAY - timedelta(days=1), category="2", level="1",
                               today=TODAY)
        again = practice.case_audit(db, a.person_id, TODAY)
    finally:
        db.close()
    assert again is not None and _by_id(again)["mappa_identified"][0] == "met"


def test_an_exported_caseload_imported_elsewhere_audits_the_same(demo_db, tmp_path):
    db = _open(demo_db)
    try:
        data = case_transfer.export_cases(db, include_restricted=True)
        assert case_transfer.withheld_restricted(db, include_restricted=True) == 0  # victim contacts go too
        theirs = [a.as_json() for a in practice.audit(db, TODAY)]
    finally:
        db.close()
    empty = create_caseload(tmp_path / "empty" / "e.lptdb", PASSPHRASE, "Sam Patel", "LPT0099", kdf=KdfParams.fast())
    try:
        case_transfer.import_cases(empty, json.loads(json.dumps(data)))
        ours = [a.as_json() for a in practice.audit(empty, TODAY)]
    finally:
        empty.close()
    assert ours == theirs


def test_lpt_audit_json_and_words(small, capsys, monkeypatch):
    path, done_crn, bare_crn = small
    monkeypatch.setenv("LPT_PASSPHRASE", PASSPHRASE)
    assert main(["audit", "--db", str(path), "--as-of", TODAY.isoformat(), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(c["crn"] for c in data) == sorted([done_crn, bare_crn])
    case = next(c for c in data if c["crn"] == done_crn)
    assert set(case) == {"crn", "score", "checks"} and 0 < case["score"] < 100
    assert len(case["checks"]) == 30
    assert set(case["checks"][0]) == {"id", "criterion", "status", "reason"}
    assert {c["status"] for c in case["checks"]} <= {"met", "not_met", "not_applicable"}
    assert main(["audit", "--db", str(path), "--as-of", TODAY.isoformat(), "--crn", bare_crn]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{bare_crn}: ") and "not met: rosh_screening_on_time (1.2): No RoSH screening" in out


def test_lpt_audit_takes_a_uk_date_and_says_whose_figures(small, capsys, monkeypatch):
    # review 21 items 8 and 9: --as-of dd/mm/yyyy was refused; the words printed ISO dates and "team" on an
    # officer's laptop
    path, _done, _bare = small
    monkeypatch.setenv("LPT_PASSPHRASE", PASSPHRASE)
    assert main(["audit", "--db", str(path), "--as-of", "23/11/2026", "--team"]) == 0
    words = capsys.readouterr().out
    assert "As of 23/11/2026, beside the record as it stood on 23/10/2026." in words
    assert ": your cases " in words and ": team " not in words
    assert main(["audit", "--db", str(path), "--as-of", "23/11/2026", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)


def test_lpt_audit_team_on_an_officers_and_a_managers_laptop(small, capsys, monkeypatch):
    path, done_crn, _bare = small
    monkeypatch.setenv("LPT_PASSPHRASE", PASSPHRASE)
    assert main(["audit", "--db", str(path), "--as-of", TODAY.isoformat(), "--team", "--json"]) == 0
    mine = json.loads(capsys.readouterr().out)
    assert mine["own_only"] is True and "Your own figures (Alex Morgan, 2 cases)" in mine["note"]
    assert "offender manager's laptop" in mine["note"]
    assert {f["rating"] for c in mine["checks"] for f in c["officers"]} == {None}
    db = _open(path)
    try:
        with db.write() as s:
            state.put(s, **{state.ROLE: "team_manager", state.USERNAME: "mgr1", state.DISPLAY_NAME: "Pat Senior"})
    finally:
        db.close()
    try:
        assert main(["audit", "--db", str(path), "--as-of", TODAY.isoformat(), "--team", "--json"]) == 0
        team = json.loads(capsys.readouterr().out)
        assert team["own_only"] is False and team["note"] == "Team figures: 1 officer, 2 cases."
        rosh = next(c for c in team["checks"] if c["id"] == "rosh_screening_on_time")
        assert rosh["team"] == {"met": 1, "applicable": 2, "share": 50.0}
        assert rosh["officers"][0]["rating"] == "met" and rosh["officers"][0]["officer"] == "Alex Morgan"
        assert team["attention"][0]["not_met"]
        assert main(["audit", "--db", str(path), "--as-of", TODAY.isoformat(), "--team"]) == 0
        words = capsys.readouterr().out
        assert words.startswith("Team figures") and "Cases most needing attention:" in words
    finally:
        db = _open(path)
        try:
            with db.write() as s:
                state.put(s, **{state.ROLE: None, state.USERNAME: None, state.DISPLAY_NAME: None})
        finally:
            db.close()
    with _open(path).read() as s:
        assert s.scalar(select(Person.crn).where(Person.crn == done_crn)) == done_crn


def test_each_criterions_trend_month_by_month(small):
    path, _done, _bare = small
    assert practice.month_ends(date(2026, 11, 23), 3) == [date(2026, 9, 30), date(2026, 10, 31),
                                                          date(2026, 11, 23)]
    db = _open(path)
    try:
        trend = practice.criterion_trend(db, TODAY, 3)
    finally:
        db.close()
    assert [d for d, _s in trend] == practice.month_ends(TODAY, 3)
    latest = trend[-1][1]
    assert latest["1.2"].applicable >= 2 and 0 < (latest["1.2"].value or 0) < 1
    assert set(latest) <= {"1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4"}


def test_the_caseload_audit_is_kept_until_a_write_then_only_that_case_again(demo_db):
    db = _open(demo_db)
    try:
        first = practice.cached_audit(db, TODAY)
        assert [a.as_json() for a in first] == [a.as_json() for a in practice.audit(db, TODAY)]
        kept = practice.cached_audit(db, TODAY)
        assert all(x is y for x, y in zip(kept, first, strict=True))  # nothing written: the same audits
        target = next(a for a in first if _by_id(a)["mappa_identified"][0] == "not_met"
                      and "no MAPPA register" in _by_id(a)["mappa_identified"][1])
        registers.add_register(db, target.person_id, "MAPP", TODAY - timedelta(days=1), category="2", level="1",
                               today=TODAY)
        again = practice.cached_audit(db, TODAY)
        # Only the case the write named was audited again: every other case's audit is the one kept.
        assert [a.person_id for a, b in zip(again, first, strict=True) if a is not b] == [target.person_id]
        assert _by_id(next(a for a in again if a.person_id == target.person_id))["mappa_identified"][0] == "met"
        assert [a.as_json() for a in again] == [a.as_json() for a in practice.audit(db, TODAY)]
    finally:
        db.close()


@pytest.fixture
def small_copy(small, tmp_path) -> tuple[Path, str, str]:
    """A copy of the small caseload for a test that writes to it."""
    import shutil

    path, done_crn, bare_crn = small
    shutil.copytree(path.parent, tmp_path / "copy")
    return tmp_path / "copy" / path.name, done_crn, bare_crn


def test_an_earlier_day_uses_only_records_dated_on_or_before_it(small_copy):
    # review 21 item 4: countersignature, older sharing entries and significant changes recorded later leaked
    # into an audit as of an earlier day (the team view's previous period, the charts' months)
    from datetime import datetime

    from lpt_desktop.store.case_record_models import CaseEvent
    from lpt_desktop.store.countersign_models import Countersignature
    from lpt_desktop.store.rosh_models import RiskPlan

    path, done_crn, _bare = small_copy
    earlier = TODAY - timedelta(days=5)
    db = _open(path)
    try:
        pid = next(f.person_id for f in practice.load_case_facts(db, TODAY) if f.crn == done_crn)
        before = {f.person_id: f for f in practice.load_case_facts(db, earlier)}[pid]
        with db.write() as s:  # as a sync pull lands them: a plan shared today, and submitted today
            plan = RiskPlan(person_id=pid, status="draft", started_on=START + timedelta(days=5),
                            shared=[{"with": "police", "detail": "", "on": TODAY.isoformat()}])
            s.add(plan)
            s.flush()
            s.add(Countersignature(person_id=pid, target_kind="risk_plan", target_id=plan.id, action="submitted",
                                   status_after="awaiting_countersignature", author_grade="po", on_date=TODAY))
            s.add(CaseEvent(person_id=pid, kind="change_of_address", on_date=earlier - timedelta(days=15),
                            summary="Moved", created_at=datetime.combine(TODAY, datetime.min.time()).replace(hour=12)))
        now = {f.person_id: f for f in practice.load_case_facts(db, TODAY)}[pid]
        then = {f.person_id: f for f in practice.load_case_facts(db, earlier)}[pid]
    finally:
        db.close()
    assert now.risk_plan is not None and now.risk_plan.shared == (("police", TODAY),)
    assert now.risk_plan.signing == "awaiting_countersignature"
    assert then.risk_plan is not None and then.risk_plan.shared == () and then.risk_plan.signing == "unsigned"
    assert then.obligations == before.obligations  # the change was recorded after the earlier day
    assert now.obligations != before.obligations


def test_each_case_is_credited_to_its_holder_on_a_managers_laptop(small_copy):
    # review 21 item 2: a case was credited to whoever last completed a plan or assessment
    path, done_crn, bare_crn = small_copy
    db = _open(path)
    try:
        with db.write() as s:
            for p in s.scalars(select(Person)):
                p.officer_id = None  # as a manager's laptop holds team cases: no officer row for them
                if p.crn == bare_crn:
                    p.held_by, p.held_by_name = "LPT0077", "Sam Patel"
        audits = {a.crn: a for a in practice.audit(db, TODAY)}
        state_set = {state.ROLE: "team_manager", state.USERNAME: "mgr1", state.DISPLAY_NAME: "Pat Senior"}
        with db.write() as s:
            state.put(s, **state_set)
        view = practice.team_view(db, TODAY)
    finally:
        db.close()
    assert audits[bare_crn].officer == "Sam Patel"
    assert audits[done_crn].officer == "Not known"  # its plan was completed by Alex Morgan: not who holds it
    # review 21 items 3 and 7: the unallocated row is not an officer, and counted words
    assert view.note == "Team figures: 1 officer, 2 cases (1 case with no known holder)."
    assert view.team.officer_names == ("Sam Patel",) and view.team.unallocated == 1


def test_an_officers_own_figures_leave_out_cases_held_by_someone_else(small_copy):
    # a case in the file held by another officer (the allocation) was credited to this laptop's officer
    path, done_crn, bare_crn = small_copy
    db = _open(path)
    try:
        with db.write() as s:
            bare = s.scalars(select(Person).where(Person.crn == bare_crn)).one()
            bare.held_by, bare.held_by_name = "LPT0077", "Sam Patel"
        view = practice.team_view(db, TODAY)
    finally:
        db.close()
    assert view.own_only and [a.crn for a in view.audits] == [done_crn]
    assert view.audits[0].officer == "Alex Morgan"
    assert view.note.startswith("Your own figures (Alex Morgan, 1 case)")
    assert view.note.endswith(" 1 case in this file is not held by you, so left out.")


def _as_each_case_alone(db: Database, as_of: date) -> list[dict[str, object]]:
    """The plain computation: every case audited on its own (the path the case's panel takes)."""
    ids = [a.person_id for a in practice.audit(db, as_of)]
    return [practice.audit(db, as_of, [pid])[0].as_json() for pid in ids]


def test_the_caseloads_audit_is_each_cases_own_audit_on_any_day(demo_db):
    # The bulk reads (one statement per table for the whole caseload) against each case read on its own, on the
    # day the demo was made and on earlier days (the previous period, the charts' month-ends, before most work).
    db = _open(demo_db)
    try:
        for back in (0, 30, 95, 200, 400):
            as_of = TODAY - timedelta(days=back)
            whole = practice.audit(db, as_of)
            assert len(whole) == 60
            assert [a.as_json() for a in whole] == _as_each_case_alone(db, as_of), as_of
            facts = {f.person_id: f for f in practice.load_case_facts(db, as_of)}
            for pid in list(facts)[:15]:
                assert practice.load_case_facts(db, as_of, [pid]) == [facts[pid]], (as_of, pid)
    finally:
        db.close()


def test_every_home_visit_is_counted_however_many_the_standards_ask_for(small_copy):
    # The caseload's audit read only the contacts the standards engine asks for (the first home visit), so a
    # case's later home visits were missing from it ('1 home visit') though its own audit counted them all.
    from lpt_desktop.domain.contacts import ContactInput
    from lpt_desktop.services import contacts

    path, done_crn, _bare = small_copy
    db = _open(path)
    try:
        (pid,) = [f.person_id for f in practice.load_case_facts(db, TODAY) if f.crn == done_crn]
        days = [START + timedelta(days=n) for n in (5, 20, 40)]
        for day in days:
            contacts.record_contact(db, pid, ContactInput(type_code="COHV", starts_at=datetime.combine(day, time(10)),
                                                          outcome="ATTC", location="Home address",
                                                          notes="Home visit."), now=datetime.combine(day, time(12)))
        (whole,) = [f for f in practice.load_case_facts(db, TODAY) if f.person_id == pid]
        (alone,) = practice.load_case_facts(db, TODAY, [pid])
        assert whole.contacts.home_visits == alone.contacts.home_visits == tuple(days)
        assert [a.as_json() for a in practice.audit(db, TODAY)] == _as_each_case_alone(db, TODAY)
    finally:
        db.close()


def test_several_days_audited_together_are_each_days_own_audit(demo_db):
    # audits_on reads the practice's tables once, up to the latest day, and keeps for each day what was dated on
    # or before it: the same as auditing each day alone (the team view's two periods, the charts' month-ends).
    days = [TODAY, TODAY - timedelta(days=30), TODAY - timedelta(days=95), TODAY - timedelta(days=200),
            TODAY - timedelta(days=400)]
    db = _open(demo_db)
    try:
        together = practice.audits_on(db, days)
        assert sorted(together) == sorted(days)
        for day in days:
            alone = practice.audit(db, day)
            assert [(a.as_json(), a.officer, a.name) for a in together[day]] == \
                [(a.as_json(), a.officer, a.name) for a in alone], day
        kept = practice.cached_audits(db, days[:3])
        assert all([a.as_json() for a in kept[d]] == [a.as_json() for a in together[d]] for d in days[:3])
        assert practice.cached_audit(db, days[1]) == kept[days[1]]  # kept: nothing written since
    finally:
        db.close()


def test_the_engine_facts_of_several_days_read_once_are_each_days_own(demo_db):
    # obligations.iter_facts_on reads and parses the contacts once for all the days: each day's facts must equal
    # iter_facts on that day alone (contacts up to that day, none after).
    from lpt_desktop.services.obligations import iter_facts, iter_facts_on

    days = [TODAY, TODAY - timedelta(days=45), TODAY - timedelta(days=300)]
    db = _open(demo_db)
    try:
        with db.read() as s:
            together = list(iter_facts_on(s, days))
            for day in days:
                alone = {f.person_id: f for f in iter_facts(s, day)}
                assert {by_day[day].person_id: by_day[day] for by_day in together} == alone, day
        assert any(len(by_day[days[0]].contacts) > len(by_day[days[2]].contacts) for by_day in together)
    finally:
        db.close()
