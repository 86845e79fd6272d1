"""Countersignature, returns, oversight and tier overrides through the services (issue 19), on a real encrypted
file. Who acts is read from the laptop's sync state: the officer's laptop (unenrolled: the file's officer as an
offender manager; or enrolled with a grade) and the team manager's (role team_manager) are the same file here
with its sync state switched, so both roles' checks run on the same records. The two-laptop run over a real
server is tests/sync's."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import count

import pytest
from sqlalchemy import select

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.assessment.tier_types import Predictor
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import countersign as svc
from lpt_desktop.services import countersign_revise, rosh, rosh_plan, tiering
from lpt_desktop.services.case_events import timeline
from lpt_desktop.services.caseload import caseload_json, load_caseload
from lpt_desktop.services.contacts import list_contacts
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.countersign_models import Countersignature
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Officer
from lpt_desktop.store.rosh_models import RiskPlan, RoshAssessment
from lpt_desktop.store.sync_models import SyncConflict, SyncRecord
from lpt_desktop.sync import state
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.rosh_fill import all_answers, full, screened_out

TODAY = TEST_TODAY
START = TODAY - timedelta(days=120)
OFFICER, STAFF = "Alex Morgan", "LPT0042"
RETURN = "The analysis leaves out the previous domestic abuse call-outs: add them and review the level."
_crns = count(300001)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("cs") / "c.lptdb", PASSPHRASE, OFFICER, STAFF,
                               kdf=KdfParams.fast())
    yield database
    database.close()


@pytest.fixture(autouse=True)
def as_officer(db: Database) -> Iterator[None]:
    """Each test starts on the officer's (unenrolled) laptop."""
    officer_laptop(db)
    yield
    officer_laptop(db)


def set_state(db: Database, **values: str | None) -> None:
    with db.write() as s:
        state.put(s, **values)


def officer_laptop(db: Database, grade: str | None = None, username: str | None = None) -> None:
    """Unenrolled (no role in the state) unless a grade or username is given: then enrolled as an officer."""
    if grade is None and username is None:
        set_state(db, **{state.ROLE: None, state.USERNAME: None, state.DISPLAY_NAME: None, svc.GRADE_KEY: None})
    else:
        set_state(db, **{state.ROLE: "offender_manager", state.USERNAME: username or STAFF,
                         state.DISPLAY_NAME: OFFICER, svc.GRADE_KEY: grade})


def manager_laptop(db: Database, username: str = "mgr1", name: str = "Pat Senior") -> None:
    set_state(db, **{state.ROLE: "team_manager", state.USERNAME: username, state.DISPLAY_NAME: name,
                     svc.GRADE_KEY: None})


def new_case(db: Database) -> str:
    return cr.create_case(db, cr.NewCase(f"C{next(_crns)}", "Sam", "Riley", date(1988, 4, 5), cr.SentenceIn(
        "CO", START, START + timedelta(days=365), requirements=(cr.RequirementIn("UPW", {"hours": 60}),))),
        today=START)


def complete(db: Database, pid: str, level: str = "L", child: bool = False, on: date = TODAY) -> str:
    """Complete a RoSH assessment at this level (completing submits it, or self-signs it)."""
    aid = rosh.start_assessment(db, pid, today=on)
    if level in ("L",) and not child:
        screened_out(db, aid, level, on)
    else:
        full(db, aid, level, on)
        if child:
            rosh.save_draft(db, aid, rosh.AssessmentDraft(answers=all_answers(
                domestic_abuse={"current": "yes"}, child_concerns={"current": "yes"})), on)
    for key in rosh.assessment_view(db, aid, on).unconfirmed:
        rosh.confirm_carried(db, aid, key, on)
    done = rosh.complete_assessment(db, aid, acknowledge_warnings=True, today=on)
    assert done.completed, done.warnings
    return aid


def column(db: Database, aid: str) -> str:
    """The row's own countersign_status: never written after completion (the chain is the truth)."""
    with db.read() as s:
        a = s.get(RoshAssessment, aid)
        assert a is not None
        return a.countersign_status


def refused(fn, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as err:
        fn(*args, **kwargs)
    return str(err.value)


# -- who acts ---------------------------------------------------------------------------------------
def test_an_unenrolled_laptop_is_its_officer_as_an_offender_manager(db: Database) -> None:
    a = svc.current_actor(db)
    assert (a.username, a.name, a.role, a.grade, a.grade_from, a.enrolled) == (
        STAFF, OFFICER, "offender_manager", "po", "officer record", False)
    manager_laptop(db)
    a = svc.current_actor(db)
    assert (a.username, a.name, a.role, a.grade) == ("mgr1", "Pat Senior", "team_manager", None)
    officer_laptop(db, grade="pso")
    assert (svc.current_actor(db).grade, svc.current_actor(db).grade_from) == ("pso", "central store")


# -- submitting -------------------------------------------------------------------------------------
def test_high_rosh_awaits_countersignature_and_low_by_a_po_is_self_signed(db: Database) -> None:
    high = complete(db, new_case(db), "H")
    assert svc.signing_status(db, "rosh_assessment", high) == cs.AWAITING
    assert svc.status_label(db, "rosh_assessment", high) == "Awaiting countersignature"
    assert column(db, high) == "unsigned"  # a completed assessment is sealed
    low_pid = new_case(db)
    low = complete(db, low_pid, "L")
    assert svc.signing_status(db, "rosh_assessment", low) == cs.SELF_SIGNED
    assert column(db, low) == "unsigned"  # a completed assessment is sealed
    assert any(e.kind == "countersign_self_signed" for e in timeline(db, low_pid))
    hist = svc.countersign_history(db, "rosh_assessment", high)
    assert [(h.action, h.author, h.author_role) for h in hist] == [("submitted", STAFF, "offender_manager")]


def test_completing_submits_by_itself_with_a_timeline_event(db: Database) -> None:
    pid = new_case(db)
    aid = rosh.start_assessment(db, pid, today=TODAY)
    full(db, aid, "H", TODAY)
    assert svc.signing_status(db, "rosh_assessment", aid) == cs.UNSIGNED
    assert rosh.complete_assessment(db, aid, acknowledge_warnings=True, today=TODAY).completed
    assert svc.signing_status(db, "rosh_assessment", aid) == cs.AWAITING
    assert rosh.assessment_view(db, aid, TODAY).countersign_status == cs.AWAITING
    assert rosh.rosh_overview(db, pid, TODAY).signing_status == cs.AWAITING
    events = [e for e in timeline(db, pid) if e.kind == "countersign_submitted"]
    assert [e.summary for e in events] == ["RoSH assessment submitted for countersignature"]


def test_a_report_writers_screening_completed_by_a_court_officer_stays_unsigned(db: Database) -> None:
    set_state(db, **{state.ROLE: "court_officer", state.USERNAME: "court1", state.DISPLAY_NAME: "Cal Court"})
    aid = complete(db, new_case(db), "H")
    assert svc.signing_status(db, "rosh_assessment", aid) == cs.UNSIGNED
    officer_laptop(db)
    assert svc.submit_for_countersignature(db, "rosh_assessment", aid, today=TODAY) == cs.AWAITING


def test_a_pso_low_assessment_and_child_protection_concerns_await_countersignature(db: Database) -> None:
    officer_laptop(db, grade="pso")
    pso = complete(db, new_case(db), "L")
    assert svc.signing_status(db, "rosh_assessment", pso) == cs.AWAITING
    with db.read() as s:
        rec = s.scalar(select(Countersignature).where(Countersignature.target_id == pso))
        assert rec is not None and rec.author_grade == "pso"
    officer_laptop(db)
    cp = complete(db, new_case(db), "M", child=True)
    assert svc.signing_status(db, "rosh_assessment", cp) == cs.AWAITING
    medium = complete(db, new_case(db), "M")
    assert svc.signing_status(db, "rosh_assessment", medium) == cs.SELF_SIGNED


def test_the_officer_row_grade_stands_in_until_the_central_store_sends_one(db: Database) -> None:
    with db.write() as s:
        officer = s.scalar(select(Officer).where(Officer.staff_code == STAFF))
        assert officer is not None
        officer.role = "PSO"
    try:
        aid = complete(db, new_case(db), "L")
        assert svc.signing_status(db, "rosh_assessment", aid) == cs.AWAITING
    finally:
        with db.write() as s:
            officer = s.scalar(select(Officer).where(Officer.staff_code == STAFF))
            assert officer is not None
            officer.role = "PO"


def test_a_draft_is_not_submitted_and_submitting_twice_is_refused(db: Database) -> None:
    pid = new_case(db)
    aid = rosh.start_assessment(db, pid, today=TODAY)
    assert "still a draft" in refused(svc.submit_for_countersignature, db, "rosh_assessment", aid, today=TODAY)
    rosh.discard_draft(db, aid, today=TODAY)
    done = complete(db, pid, "H")
    assert "only unsigned work is submitted" in refused(svc.submit_for_countersignature, db, "rosh_assessment",
                                                        done, today=TODAY)


# -- the manager ------------------------------------------------------------------------------------
def test_the_manager_countersigns_and_the_officer_may_not(db: Database) -> None:
    pid = new_case(db)
    aid = complete(db, pid, "H")
    assert "Only a team manager may countersign work" in refused(svc.countersign, db, "rosh_assessment", aid)
    manager_laptop(db)
    assert "does not submit" in refused(svc.submit_for_countersignature, db, "rosh_assessment", aid)
    assert svc.countersign(db, "rosh_assessment", aid, today=TODAY) == cs.COUNTERSIGNED
    assert svc.signing_status(db, "rosh_assessment", aid) == cs.COUNTERSIGNED
    # The manager's laptop writes only the countersignature record: the officer's row is the officer's.
    assert column(db, aid) == "unsigned"  # a completed assessment is sealed
    hist = svc.countersign_history(db, "rosh_assessment", aid)
    assert [(h.action, h.author, h.author_role) for h in hist] == [
        ("submitted", STAFF, "offender_manager"), ("countersigned", "mgr1", "team_manager")]
    assert "only work awaiting countersignature is countersigned" in refused(
        svc.countersign, db, "rosh_assessment", aid, today=TODAY)
    assert "only work awaiting countersignature or double countersignature is returned" in refused(
        svc.return_work, db, "rosh_assessment", aid, RETURN, today=TODAY)


def test_each_record_follows_the_chain_head_and_skewed_clocks_do_not_reorder_it(db: Database) -> None:
    pid = new_case(db)
    aid = complete(db, pid, "H")
    manager_laptop(db)
    # The manager's laptop clock is days behind the officer's: its record is dated before the submission.
    svc.return_work(db, "rosh_assessment", aid, RETURN, today=TODAY - timedelta(days=5))
    officer_laptop(db)
    svc.resubmit(db, "rosh_assessment", aid, "The ex-partner is named in the plan now.", today=TODAY)
    manager_laptop(db)
    assert svc.countersign(db, "rosh_assessment", aid, today=TODAY - timedelta(days=4)) == cs.COUNTERSIGNED
    with db.write() as s:
        rows = {r.action: r for r in s.scalars(select(Countersignature).where(Countersignature.target_id == aid))}
        assert rows["submitted"].follows_id is None
        assert rows["returned"].follows_id == rows["submitted"].id
        assert rows["resubmitted"].follows_id == rows["returned"].id
        assert rows["countersigned"].follows_id == rows["resubmitted"].id
        # created_at in the "wrong" order too: the manager's records made before the officer's.
        rows["submitted"].created_at = rows["countersigned"].created_at + timedelta(hours=1)
    assert svc.signing_status(db, "rosh_assessment", aid) == cs.COUNTERSIGNED
    assert [h.action for h in svc.countersign_history(db, "rosh_assessment", aid)] == [
        "submitted", "returned", "resubmitted", "countersigned"]
    assert aid not in [q.target_id for q in svc.countersign_queue(db, TODAY)]


def test_legacy_rows_without_follows_keep_their_dated_order(db: Database) -> None:
    pid = new_case(db)
    aid = complete(db, pid, "H")
    manager_laptop(db)
    svc.return_work(db, "rosh_assessment", aid, RETURN, today=TODAY)
    with db.write() as s:  # as written before the follows_id column
        for r in s.scalars(select(Countersignature).where(Countersignature.target_id == aid)):
            r.follows_id = None
    assert svc.signing_status(db, "rosh_assessment", aid) == cs.REJECTED
    officer_laptop(db)
    svc.resubmit(db, "rosh_assessment", aid, "The ex-partner is named in the plan now.", today=TODAY)
    with db.read() as s:
        rows = {r.action: r for r in s.scalars(select(Countersignature).where(Countersignature.target_id == aid))}
    assert rows["resubmitted"].follows_id == rows["returned"].id
    assert svc.signing_status(db, "rosh_assessment", aid) == cs.AWAITING


def test_a_record_the_server_refused_is_no_part_of_the_chain_until_it_accepts_it(db: Database) -> None:
    pid = new_case(db)
    aid = complete(db, pid, "H")
    manager_laptop(db)
    svc.return_work(db, "rosh_assessment", aid, RETURN, today=TODAY)
    with db.write() as s:
        ret = s.scalar(select(Countersignature).where(Countersignature.target_id == aid,
                                                      Countersignature.action == "returned"))
        assert ret is not None
        s.add(SyncConflict(id=str(uuid.uuid4()), kind="countersignature", record_id=ret.id, person_id=pid,
                           reason="rejected", mine={}, theirs=None, message="Someone acted on this first: ..."))
        ret_id = ret.id
    assert svc.signing_status(db, "rosh_assessment", aid) == cs.AWAITING  # as the server and other laptops say
    with db.write() as s:  # sent again later and accepted
        s.add(SyncRecord(kind="countersignature", record_id=ret_id, version=1, deleted=False, person_id=pid))
    assert svc.signing_status(db, "rosh_assessment", aid) == cs.REJECTED


def test_nobody_countersigns_their_own_work(db: Database) -> None:
    officer_laptop(db, username="mgr1")  # the manager once wrote this as an officer, under the same username
    aid = complete(db, new_case(db), "H")
    manager_laptop(db, "MGR1")
    assert "your own work" in refused(svc.countersign, db, "rosh_assessment", aid, today=TODAY)
    assert "your own work" in refused(svc.return_work, db, "rosh_assessment", aid, RETURN, today=TODAY)
    manager_laptop(db, "mgr2")
    assert svc.countersign(db, "rosh_assessment", aid, today=TODAY) == cs.COUNTERSIGNED


def test_very_high_needs_a_second_countersignature_from_another_manager(db: Database) -> None:
    aid = complete(db, new_case(db), "VH")
    manager_laptop(db, "mgr1")
    assert "only work awaiting double countersignature" in refused(
        svc.countersign, db, "rosh_assessment", aid, double=True, today=TODAY)
    assert svc.countersign(db, "rosh_assessment", aid, today=TODAY) == cs.AWAITING_DOUBLE
    assert svc.status_label(db, "rosh_assessment", aid) == "Awaiting double countersignature"
    assert "another manager's" in refused(svc.countersign, db, "rosh_assessment", aid, today=TODAY)
    manager_laptop(db, "senior1", "Jo Head")
    assert "only work awaiting countersignature is countersigned" in refused(
        svc.countersign, db, "rosh_assessment", aid, double=False, today=TODAY)
    assert svc.countersign(db, "rosh_assessment", aid, today=TODAY) == cs.DOUBLE_COUNTERSIGNED


def test_a_return_needs_a_comment_then_the_officer_resubmits_or_revises(db: Database) -> None:
    pid = new_case(db)
    aid = complete(db, pid, "H", on=TODAY - timedelta(days=3))
    manager_laptop(db)
    assert "Comment: is too short" in refused(svc.return_work, db, "rosh_assessment", aid, "Redo", today=TODAY)
    assert "Comment: is too short" in refused(svc.return_work, db, "rosh_assessment", aid, "   ", today=TODAY)
    assert svc.signing_status(db, "rosh_assessment", aid) == cs.AWAITING  # nothing half-saved
    assert svc.return_work(db, "rosh_assessment", aid, RETURN, today=TODAY) == cs.REJECTED
    officer_laptop(db)
    returns = [r for r in svc.returns_for_officer(db) if r.target_id == aid]
    assert len(returns) == 1 and returns[0].comment == RETURN and returns[0].returned_by == "Pat Senior"
    assert [r.target_id for r in svc.returns_for_officer(db, pid)] == [aid]
    assert svc.returns_for_officer(db, new_case(db)) == []
    assert returns[0].kind_label == "RoSH assessment" and returns[0].revision_id is None
    assert svc.status_label(db, "rosh_assessment", aid) == "Returned to the officer"
    # resubmitted as it is, with a reply
    assert svc.resubmit(db, "rosh_assessment", aid, "The level stands: the call-outs are in the analysis.",
                        today=TODAY) == cs.AWAITING
    assert column(db, aid) == "unsigned"  # a completed assessment is sealed
    assert not [r for r in svc.returns_for_officer(db) if r.target_id == aid]
    assert "only work returned to the officer is resubmitted" in refused(svc.resubmit, db, "rosh_assessment", aid)
    # returned again, then revised: a review started from it, which completing submits to the manager
    manager_laptop(db)
    svc.return_work(db, "rosh_assessment", aid, RETURN, today=TODAY)
    # a manager does not revise
    assert "does not resubmit" in refused(countersign_revise.revise, db, "rosh_assessment", aid)
    officer_laptop(db)
    review = countersign_revise.revise(db, "rosh_assessment", aid, today=TODAY)
    assert [r.revision_id for r in svc.returns_for_officer(db) if r.target_id == aid] == [review]
    screened_out(db, review, "L", TODAY)  # revised down to low: still goes back to the manager who asked
    for key in rosh.assessment_view(db, review, TODAY).unconfirmed:
        rosh.confirm_carried(db, review, key, TODAY)
    assert rosh.complete_assessment(db, review, acknowledge_warnings=True, today=TODAY).completed
    assert svc.signing_status(db, "rosh_assessment", review) == cs.AWAITING
    assert "revises the work returned on 23/11/2026" in (svc.countersign_history(db, "rosh_assessment", review)[0]
                                                         .comment or "")
    assert not [r for r in svc.returns_for_officer(db) if r.target_id == aid]
    assert svc.signing_status(db, "rosh_assessment", aid) == cs.REJECTED  # the returned version stays as it was


def test_self_signed_work_is_not_countersigned_or_returned(db: Database) -> None:
    aid = complete(db, new_case(db), "L")
    manager_laptop(db)
    assert "self-signed" in refused(svc.countersign, db, "rosh_assessment", aid, today=TODAY)
    assert "self-signed" in refused(svc.return_work, db, "rosh_assessment", aid, RETURN, today=TODAY)
    officer_laptop(db)
    assert "only work returned to the officer is revised" in refused(countersign_revise.revise, db,
                                                                     "rosh_assessment", aid)


def test_the_queue_puts_high_rosh_first_then_the_oldest(db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = create_caseload(tmp_path / "q.lptdb", PASSPHRASE, OFFICER, STAFF, kdf=KdfParams.fast())
    try:
        officer_laptop(other, grade="pso")
        a = complete(other, new_case(other), "M", on=TODAY - timedelta(days=10))
        b = complete(other, new_case(other), "H", on=TODAY - timedelta(days=2))
        c = complete(other, new_case(other), "VH", on=TODAY - timedelta(days=5))
        d = complete(other, new_case(other), "L", on=TODAY - timedelta(days=20))
        officer_laptop(other)
        complete(other, new_case(other), "L")  # self-signed: not in the queue
        manager_laptop(other)
        queue = svc.countersign_queue(other, TODAY)
        assert [q.target_id for q in queue] == [c, b, d, a]
        assert [q.days_waiting for q in queue] == [5, 2, 20, 10]
        top = queue[0]
        assert (top.kind_label, top.level_label, top.status_label, top.author, top.author_name) == (
            "RoSH assessment", "Very high", "Awaiting countersignature", STAFF, OFFICER)
        assert "very high" in top.why and "probation services officer" in top.why
        assert svc.awaiting_by_person(other) == {q.person_id: "Awaiting countersignature" for q in queue}
        rows = {r.person_id: r for r in load_caseload(other, TODAY)}
        assert (rows[top.person_id].rosh_label, rows[top.person_id].rosh_signing) == (
            "Very high", "Awaiting countersignature")
        shown = {i["crn"]: i["rosh_signing"] for i in caseload_json(list(rows.values()))}
        assert shown[top.crn] == "Awaiting countersignature" and list(shown.values()).count(None) == 1
        svc.countersign(other, "rosh_assessment", b, today=TODAY)
        assert b not in [q.target_id for q in svc.countersign_queue(other, TODAY)]
        assert {r.person_id: r for r in load_caseload(other, TODAY)}[queue[1].person_id].rosh_signing == ""
        assert rosh.rosh_overview(other, queue[1].person_id, TODAY).signing_status == cs.COUNTERSIGNED
    finally:
        other.close()


def test_a_risk_plan_is_submitted_countersigned_and_returned(db: Database) -> None:
    pid = new_case(db)
    complete(db, pid, "H")
    plan = rosh_plan.start_plan(db, pid, today=TODAY)
    rosh_plan.add_action(db, plan, rosh_plan.ActionIn("supervision", "Offender manager", "Weekly reporting",
                                                      TODAY + timedelta(days=30)), today=TODAY)
    rosh_plan.record_sharing(db, plan, "police", TODAY, today=TODAY)
    assert rosh_plan.complete_plan(db, plan, acknowledge_warnings=True, today=TODAY).completed
    assert svc.signing_status(db, "risk_plan", plan) == cs.AWAITING
    with db.read() as s:
        row = s.get(RiskPlan, plan)
        assert row is not None and row.countersign_status == "unsigned"  # a completed plan is never written
    manager_laptop(db)
    assert svc.return_work(db, "risk_plan", plan, RETURN, today=TODAY) == cs.REJECTED
    officer_laptop(db)
    new = countersign_revise.revise(db, "risk_plan", plan, today=TODAY)
    assert new != plan and rosh_plan.plan_view(db, new).status == "draft"


def test_work_that_is_not_countersigned_is_refused(db: Database) -> None:
    assert "is not work that is countersigned" in refused(svc.signing_status, db, "contact", "x")


# -- tier overrides ---------------------------------------------------------------------------------
def test_the_manager_agrees_or_refuses_an_override_with_a_reason(db: Database) -> None:
    pid = new_case(db)
    why = "The suggested tier ignores the recent domestic abuse call-outs the police shared."
    d1 = tiering.override_tier(db, pid, "B", why, today=TODAY)
    assert svc.signing_status(db, "tier_decision", d1) == cs.AWAITING_AGREEMENT
    assert "Only a team manager may agree" in refused(svc.agree_override, db, d1, why, today=TODAY)
    manager_laptop(db)
    assert any(q.target_id == d1 and q.kind_label == "Tier override" for q in svc.countersign_queue(db, TODAY))
    assert "Reason: is too short" in refused(svc.agree_override, db, d1, "ok", today=TODAY)
    assert svc.override_status(db, pid) == svc.OverrideStatus(d1, "B", cs.AWAITING_AGREEMENT,
                                                              "Awaiting the manager's agreement", None, None)
    assert svc.agree_override(db, d1, "Agreed: the call-outs raise the risk to a partner.", today=TODAY) == cs.AGREED
    assert svc.override_status(db, pid) == svc.OverrideStatus(d1, "B", cs.AGREED, "Agreed by the manager",
                                                              "Pat Senior",
                                                              "Agreed: the call-outs raise the risk to a partner.")
    assert "only an override awaiting the manager's agreement is refused" in refused(
        svc.refuse_override, db, d1, "Refused after all, the tier should stand as suggested.", today=TODAY)
    assert not any(q.target_id == d1 for q in svc.countersign_queue(db, TODAY))
    officer_laptop(db)
    d2 = tiering.override_tier(db, pid, "C", why, today=TODAY)
    manager_laptop(db)
    assert "a later tier decision" in refused(svc.agree_override, db, d1, why, today=TODAY)
    assert svc.refuse_override(db, d2, "Refused: nothing in the record supports a lower tier.",
                               today=TODAY) == cs.REFUSED
    hist = svc.countersign_history(db, "tier_decision", d2)
    assert [(h.action, h.comment) for h in hist] == [("refused", "Refused: nothing in the record supports a "
                                                                 "lower tier.")]


def test_an_accepted_tier_is_not_agreed(db: Database) -> None:
    pid = new_case(db)
    tiering.record_predictors(db, pid, TODAY - timedelta(days=20), arp=Predictor(60), csrp=Predictor(1.5),
                              today=TODAY)
    d = tiering.accept_tier(db, pid, today=TODAY)
    manager_laptop(db)
    assert "only an override" in refused(svc.agree_override, db, d, "Agreed, as suggested by the engine.")


def test_my_own_override_is_not_mine_to_agree(db: Database) -> None:
    pid = new_case(db)
    d = tiering.override_tier(db, pid, "B", "The suggested tier ignores the recent call-outs the police shared.",
                              today=TODAY)
    manager_laptop(db, STAFF, OFFICER)
    assert "your own work" in refused(svc.agree_override, db, d, "Agreed, the call-outs raise the risk.")


# -- oversight --------------------------------------------------------------------------------------
def test_a_management_oversight_contact_by_the_manager(db: Database) -> None:
    pid = new_case(db)
    assert "recorded by the team manager" in refused(svc.record_oversight, db, pid, "Reviewed the plan.", TODAY,
                                                     today=TODAY)
    manager_laptop(db)
    assert "Note: is empty" in refused(svc.record_oversight, db, pid, "  ", TODAY, today=TODAY)
    assert "in the future" in refused(svc.record_oversight, db, pid, "Reviewed.", TODAY + timedelta(days=1),
                                      today=TODAY)
    cid = svc.record_oversight(db, pid, "Reviewed the RoSH and plan with the officer: home visit within 10 days.",
                               TODAY, today=TODAY)
    got = [c for c in list_contacts(db, pid) if c.id == cid]
    assert got and got[0].type_code == "MO1" and got[0].management_oversight
