"""Workload from a real caseload (services/workload.py): tiers in force, current sentences, court reports and the
standards engine's open work, on an officer's laptop and on a team manager's."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from lpt_desktop.practice.workload import load_weights
from lpt_desktop.services import court, workload
from lpt_desktop.services.cases import add_person, add_sentence
from lpt_desktop.services.obligations import all_obligations
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Meta, Officer, Person
from lpt_desktop.store.plan_models import NeedsAssessment
from lpt_desktop.sync import state
from tests.conftest import PASSPHRASE, TEST_TODAY

TODAY = TEST_TODAY
W = load_weights()
DOB = date(1990, 5, 1)


def _officer(db: Database, name: str, code: str, role: str = "PO") -> str:
    with db.write() as s:
        o = Officer(name=name, staff_code=code, role=role, team="Preston North")
        s.add(o)
        s.flush()
        return o.id


def _case(db: Database, crn: str, last: str, officer: str | None, tier: str | None, scheme: str | None,
          order: str | None, started: date = TODAY - timedelta(days=200), **extra: object) -> str:
    pid = add_person(db, crn=crn, first_name="Test", last_name=last, date_of_birth=DOB, officer_id=officer,
                     tier=tier, tier_scheme=scheme)
    if order:
        add_sentence(db, pid, order_type=order, start_date=started, end_date=started + timedelta(days=300),
                     offence="Theft from a shop", **extra)
    return pid


def _open_work(db: Database, pid: str) -> int:
    """What the engine says is open for the case, weighed (report requests are weighed by type instead)."""
    found, _ = all_obligations(db, TODAY, [pid], since=TODAY)
    horizon = TODAY + timedelta(days=W.due_within_days)
    return sum(W.work_due.get(o.rule, 0) for o in found.get(pid, [])
               if o.status in ("due", "overdue", "upcoming") and o.rule != "report_due" and o.due_by <= horizon)


@pytest.fixture
def caseload(tmp_path):
    db = create_caseload(tmp_path / "work.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast(),
                         team="Preston North")
    own = db.officer_id
    sam = _officer(db, "Sam Patel", "LPT0077", "PSO")
    ids = {
        "a3": _case(db, "X100001", "Ashworth", own, "A3", "ab03", "CO"),
        "lic": _case(db, "X100002", "Barton", own, "C", "2026", "LIC"),
        "recalled": _case(db, "X100003", "Clegg", own, "B1", "ab03", "LIC", recalled_on=TODAY - timedelta(days=9)),
        "untiered": _case(db, "X100004", "Dunn", own, None, None, "SSO"),
        "presentence": _case(db, "X100005", "Entwistle", own, None, None, None),
        "sams": _case(db, "X100006", "Fairclough", sam, "D2", "ab03", "CO"),
        "nobodys": _case(db, "X100007", "Greenhalgh", None, "B", "2026", "PSS"),
    }
    court.create_request(db, person_id=ids["presentence"], court="Preston Magistrates' Court", lja="",
                         hearing_date=TODAY + timedelta(days=21), report_type="sdr", requested_on=TODAY)
    court.create_request(db, person_id=ids["a3"], court="Preston Magistrates' Court", lja="",
                         hearing_date=TODAY + timedelta(days=7), report_type="fdr", requested_on=TODAY)
    pre = court.create_pre_sentence(db, first_name="Harriet", last_name="Ingham", date_of_birth=DOB, today=TODAY)
    court.create_request(db, pre_sentence_id=pre, court="Preston Magistrates' Court", lja="",
                         hearing_date=TODAY + timedelta(days=3), report_type="oral", requested_on=TODAY)
    court.create_request(db, pre_sentence_id=pre, court="Preston Magistrates' Court", lja="",
                         hearing_date=TODAY + timedelta(days=3), report_type="fdr", requested_on=TODAY,
                         author="Sam Patel")
    yield db, own, sam, ids
    db.close()


def test_an_officer_laptop_counts_the_officer_own_cases(caseload):
    db, own, _sam, ids = caseload
    view = workload.workload(db, today=TODAY)
    assert view.scope == workload.OFFICER
    assert view.scope_line.startswith("Your own workload")
    assert "2 cases are in this file but not allocated to you" in view.scope_line
    (alex,) = view.team.officers
    assert (alex.officer_id, alex.name, alex.grade, alex.available) == (own, "Alex Morgan", "po", 2176)
    assert view.team.name == "Preston North"
    by_crn = {c.crn: c for c in alex.cases}
    assert set(by_crn) == {"X100001", "X100002", "X100003", "X100004", "X100005"}
    expected_tiers = {"X100001": (206, "community"), "X100002": (119, "licence"), "X100003": (47, "custody"),
                      "X100004": (79, "community"), "X100005": (0, None)}
    assert {crn: (c.tier_points, c.case_type) for crn, c in by_crn.items()} == expected_tiers
    assert by_crn["X100004"].untiered and not by_crn["X100001"].untiered
    # Court reports by type, on their case; the engine's other open work beside them.
    assert [w.item.code for w in by_crn["X100005"].work if w.item.kind == "court_report"] == ["sdr"]
    assert by_crn["X100005"].points == 138 + _open_work(db, ids["presentence"])
    assert [w.item.code for w in by_crn["X100001"].work if w.item.kind == "court_report"] == ["fdr"]
    for key, crn in (("a3", "X100001"), ("lic", "X100002"), ("recalled", "X100003"), ("untiered", "X100004")):
        reports = sum(w.points for w in by_crn[crn].work if w.item.kind == "court_report")
        assert by_crn[crn].work_points == reports + _open_work(db, ids[key]), crn
    # A pre-sentence request counts for the officer named as its author, else the laptop's officer.
    assert [(w.item.code, w.points) for w in alex.other_work] == [("oral", 27)]
    assert alex.used == sum(c.points for c in alex.cases) + 27
    assert alex.remaining == 2176 - alex.used
    assert alex.percent == round(alex.used / 2176 * 100, 1)
    assert {c.crn for c in view.unallocated} == {"X100006", "X100007"}
    assert view.team.used == alex.used  # the unallocated cases count against no one


def test_some_open_work_is_weighed(caseload):
    db, *_ = caseload
    alex = workload.workload(db, today=TODAY).team.officers[0]
    rules = {w.item.code for c in alex.cases for w in c.work if w.item.kind == "work_due"}
    assert rules and rules <= set(W.work_due)
    assert "ns_contacts" not in rules and "report_due" not in rules


def test_a_manager_laptop_shows_the_team(caseload):
    db, own, sam, _ids = caseload
    with db.write() as s:
        state.put(s, **{state.ROLE: "team_manager", state.USERNAME: "mgr1", state.DISPLAY_NAME: "Morgan"})
    view = workload.workload(db, today=TODAY)
    assert view.scope == workload.TEAM
    assert view.scope_line.startswith("Your team's workload: 2 officers")
    assert "1 case is not allocated" in view.scope_line
    names = [o.name for o in view.team.officers]
    assert names == ["Alex Morgan", "Sam Patel"]
    alex, sam_row = view.team.officers
    assert alex.officer_id == own and sam_row.officer_id == sam
    assert [c.crn for c in sam_row.cases] == ["X100006"]
    assert sam_row.cases[0].tier_points == 41  # D2 community
    assert sam_row.grade == "pso" and sam_row.available == 2176
    assert [(w.item.code, w.points) for w in sam_row.other_work] == [("fdr", 65)]
    assert [c.crn for c in view.unallocated] == ["X100007"]
    assert view.unallocated[0].tier_points == 161  # 2026 B, licence (PSS)
    assert view.unallocated_points >= 161
    assert view.team.available == 2176 * 2
    assert view.team.used == alex.used + sam_row.used


def test_a_manager_laptop_credits_each_case_to_its_holder_not_the_last_to_complete_work(caseload):
    """Review 21 item 2: on a manager's laptop a case is credited to who holds it (the central store's allocation
    as the sync pull writes it: person.held_by, held_by_name; services/holders.holders_in), never to whoever last
    completed a plan or assessment."""
    db, _own, sam, ids = caseload
    with db.write() as s:
        state.put(s, **{state.ROLE: "team_manager", state.USERNAME: "mgr1", state.DISPLAY_NAME: "Morgan"})
        # Sam Patel completed the latest needs assessment on Alex's case and on the unallocated one: no matter.
        for pid in (ids["a3"], ids["nobodys"]):
            s.add(NeedsAssessment(person_id=pid, status="complete", started_on=TODAY - timedelta(days=20),
                                  completed_on=TODAY - timedelta(days=20), completed_by_name="Sam Patel"))
        # As the pull lands them: the unallocated case is held by Jo Whittle (no officer row here); Alex's
        # Ashworth case has moved to Sam.
        s.get(Person, ids["nobodys"]).held_by, s.get(Person, ids["nobodys"]).held_by_name = "LPT0099", "Jo Whittle"
        s.get(Person, ids["a3"]).held_by, s.get(Person, ids["a3"]).held_by_name = "LPT0077", "Sam Patel"
        s.add(Meta(key=workload.CAPACITY_KEY, value=json.dumps({"LPT0099": {"hours": 22.2}})))
    view = workload.workload(db, today=TODAY)
    assert [o.name for o in view.team.officers] == ["Alex Morgan", "Jo Whittle", "Sam Patel"]
    alex, jo, sam_row = view.team.officers
    assert jo.officer_id is None and [c.crn for c in jo.cases] == ["X100007"]
    assert jo.available == 1305  # 2176 x 22.2/37 = 1305.6, kept by the allocation's staff code
    assert sam_row.officer_id == sam and sorted(c.crn for c in sam_row.cases) == ["X100001", "X100006"]
    assert "X100001" not in {c.crn for c in alex.cases}
    assert view.unallocated == ()
    assert "1 is known only from the central store's allocation" in view.scope_line


def test_a_manager_laptop_never_names_a_holder_from_completed_work(caseload):
    db, _own, _sam, ids = caseload
    with db.write() as s:
        state.put(s, **{state.ROLE: "team_manager", state.USERNAME: "mgr1", state.DISPLAY_NAME: "Morgan"})
        s.add(NeedsAssessment(person_id=ids["nobodys"], status="complete", started_on=TODAY - timedelta(days=20),
                              completed_on=TODAY - timedelta(days=20), completed_by_name="Jo Whittle"))
    view = workload.workload(db, today=TODAY)
    assert [o.name for o in view.team.officers] == ["Alex Morgan", "Sam Patel"]
    assert [c.crn for c in view.unallocated] == ["X100007"]


def test_recorded_hours_set_capacity(caseload):
    db, *_ = caseload
    with db.write() as s:
        s.add(Meta(key=workload.CAPACITY_KEY,
                   value=json.dumps({"LPT0042": {"hours": 18.5, "reduction_hours": 3.7}, "bad": "x"})))
    assert workload.capacities(db)["LPT0042"].hours == 18.5
    alex = workload.workload(db, today=TODAY).team.officers[0]
    assert alex.available == 870  # 2176 x 18.5/37 x 14.8/18.5 = 870.4
    assert "less 3.7 hours of reductions" in alex.capacity_why


def test_an_empty_caseload(tmp_path):
    db = create_caseload(tmp_path / "empty.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    try:
        view = workload.workload(db, today=TODAY)
        (alex,) = view.team.officers
        assert (alex.used, alex.available, alex.percent, alex.band) == (0, 2176, 0.0, "Within capacity")
        assert view.unallocated == ()
        assert "wmt-db" in view.weights_source
    finally:
        db.close()


def test_a_manager_laptop_counts_only_officers_holding_cases(caseload):
    """An officer row holding no case on the manager's laptop adds no capacity to the team; an officer whose only
    case moved away (the allocation says Sam holds it) is not in the team either."""
    db, own, sam, ids = caseload
    _officer(db, "Pat Idle", "LPT0088")
    with db.write() as s:
        state.put(s, **{state.ROLE: "team_manager", state.USERNAME: "mgr1", state.DISPLAY_NAME: "Morgan"})
        for key in ("a3", "lic", "recalled", "untiered", "presentence"):  # all of Alex's cases moved to Sam
            s.get(Person, ids[key]).held_by, s.get(Person, ids[key]).held_by_name = "LPT0077", "Sam Patel"
    view = workload.workload(db, today=TODAY)
    assert [o.officer_id for o in view.team.officers] == [sam]
    assert view.team.available == 2176
    assert view.scope_line.startswith("Your team's workload: 1 officer with cases on this laptop. 1 case is not")
