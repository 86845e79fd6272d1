"""The central store derives a sentence plan's need for countersigning from its own copies (issue 20,
central/write_rules.py), as assessment/countersign.py says: the case's RoSH level (the person record's) and the
case's open child-protection registers. A self-signed sentence plan that needs a countersignature is refused,
whatever the laptop says; one that needs none is self-signed; a very high case's plan needs a second
countersignature. Against a real server on SQLite and PostgreSQL (tests/sync fixtures)."""

from __future__ import annotations

import uuid
from typing import Any

from lpt_desktop.central.models import Record
from tests.central import test_role_writes as roles
from tests.central.test_role_writes import Client, _grade, _sign, _signing

# The officer, their team manager and a case (test_role_writes' fixture, found by its name 'team').
team = roles.team

AWAITING = "awaiting_countersignature"


def _case(officer: Client, central: Any, rosh: str | None) -> str:
    """A new case of the officer's at this RoSH level (None: not assessed), allocated to them."""
    pid = str(uuid.uuid4())
    fields: dict[str, Any] = {"id": pid, "crn": f"S{uuid.UUID(pid).int % 1_000_000:06d}", "first_name": "Kim",
                              "last_name": "Shaw", "rosh": rosh}
    [r] = officer.push({"kind": "person", "record_id": pid, "person_id": pid,
                        "fields": {k: {"new": v} for k, v in fields.items()}})
    assert r["outcome"] == "applied", r
    central.allocate(pid, officer.username)
    return pid


def _plan(officer: Client, pid: str) -> tuple[str, str]:
    """A completed sentence plan on the case, as the laptop syncs it."""
    sid = str(uuid.uuid4())
    fields = {"id": sid, "person_id": pid, "plan_type": "initial", "status": "complete", "started_on": "2026-11-20",
              "completed_on": "2026-11-23", "persons_words": "I want my own place"}
    [r] = officer.push({"kind": "sentence_plan", "record_id": sid, "person_id": pid,
                        "fields": {k: {"new": v} for k, v in fields.items()}})
    assert r["outcome"] == "applied", r
    return ("sentence_plan", sid)


def _as_po(central: Any, officer: Client) -> Client:
    _grade(central, officer.username, "po")
    return Client(central, officer.username)  # signs in again: the grade comes with the tokens


def test_a_high_rosh_cases_plan_is_never_self_signed_and_the_manager_countersigns_it(central, team):
    officer, manager, _co, _pid, _held = team
    officer = _as_po(central, officer)
    pid = _case(officer, central, "H")
    work = _plan(officer, pid)
    r = _sign(officer, pid, work, "self_signed", "self_signed")
    assert r["outcome"] == "rejected", r
    assert "cannot be self-signed" in r["message"] and "the RoSH level is high" in r["message"]
    assert _sign(officer, pid, work, "submitted", AWAITING)["outcome"] == "applied"
    assert _sign(manager, pid, work, "countersigned", "countersigned")["outcome"] == "applied"


def test_a_medium_or_unassessed_cases_plan_is_self_signed_by_a_probation_officer(central, team):
    officer, _manager, _co, _pid, _held = team
    officer = _as_po(central, officer)
    for rosh in ("M", "L", None):
        pid = _case(officer, central, rosh)
        assert _sign(officer, pid, _plan(officer, pid), "self_signed", "self_signed")["outcome"] == "applied", rosh


def test_the_level_is_the_cases_now_even_when_it_changed_in_the_same_push(central, team):
    officer, _manager, _co, _pid, _held = team
    officer = _as_po(central, officer)
    pid = _case(officer, central, "M")
    work = _plan(officer, pid)
    with central.db.read() as s:
        version = s.get(Record, ("person", pid)).version
    raised = {"kind": "person", "record_id": pid, "person_id": pid, "base_version": version,
              "fields": {"rosh": {"old": "M", "new": "VH"}}}

    results = officer.push(raised, _signing(officer, pid, work, "self_signed", "self_signed"))
    assert results[0]["outcome"] == "applied", results[0]
    assert results[1]["outcome"] == "rejected" and "very high" in results[1]["message"], results[1]


def test_a_very_high_cases_plan_needs_a_second_countersignature(central, team, unique):
    officer, manager, _co, _pid, _held = team
    officer = _as_po(central, officer)
    pid = _case(officer, central, "VH")
    work = _plan(officer, pid)
    assert _sign(officer, pid, work, "submitted", AWAITING)["outcome"] == "applied"
    # The laptop cannot skip the second countersignature by saying the plan is countersigned.
    r = _sign(manager, pid, work, "countersigned", "countersigned")
    assert r["outcome"] == "rejected" and "awaiting double countersignature" in r["message"], r
    assert _sign(manager, pid, work, "countersigned", "awaiting_double_countersignature")["outcome"] == "applied"
    senior = Client(central, central.add_user(f"senior-{unique}", role="team_manager", team=f"team-{unique}"))
    assert _sign(senior, pid, work, "double_countersigned", "double_countersigned")["outcome"] == "applied"


def test_an_open_child_protection_register_on_the_case_means_a_countersignature(central, team):
    officer, _manager, _co, _pid, _held = team
    officer = _as_po(central, officer)
    pid = _case(officer, central, "L")
    reg = str(uuid.uuid4())
    [r] = officer.push({"kind": "registration", "record_id": reg, "person_id": pid,
                        "fields": {"id": {"new": reg}, "person_id": {"new": pid}, "type_code": {"new": "RCPR"},
                                   "start_date": {"new": "2026-11-01"}}})
    assert r["outcome"] == "applied"
    r = _sign(officer, pid, _plan(officer, pid), "self_signed", "self_signed")
    assert r["outcome"] == "rejected" and "child-protection concerns" in r["message"], r
