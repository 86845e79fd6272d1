"""What each role may write (issue 19, central/write_rules.py), against a real server on both databases.

For every registered record kind, a team manager's and a court officer's create, update and delete of a team
case's record is refused and kept as a rejection for them in words, except what their job allows; the records
stay as they were. Countersignatures: the officer submits, the manager countersigns or returns, never their
own work, never from the wrong status; the author's grade is the server's. Grades: added, changed, delivered.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from lpt_desktop.central.models import Record, User
from lpt_desktop.sync import kinds as registry
from lpt_desktop.sync.protocol import CONFLICT_KIND
from tests.sync.server import PASSWORD

COURT_KINDS = {"pre_sentence", "report_request", "court_report"}


@dataclass
class Client:
    """One laptop's sign-in, pushing changes as a laptop would (its own outbox numbers)."""

    server: Any
    username: str
    laptop_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    seq: int = 0

    def __post_init__(self) -> None:
        r = httpx.post(f"{self.server.url}/auth/token", json={"username": self.username, "password": PASSWORD,
                                                              "laptop_id": self.laptop_id})
        assert r.status_code == 200, r.text
        self.tokens = r.json()
        self.http = httpx.Client(base_url=self.server.url,
                                 headers={"Authorization": f"Bearer {self.tokens['access_token']}"})

    def push(self, *changes: dict[str, Any]) -> list[dict[str, Any]]:
        body = []
        for ch in changes:
            self.seq += 1
            body.append({"seq": self.seq, "base_version": 0, "op": "upsert", "fields": {}, **ch})
        r = self.http.post("/sync/push", json={"laptop_id": self.laptop_id, "cursor": 0, "changes": body})
        assert r.status_code == 200, r.text
        return r.json()["results"]

    def pulled(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        after = 0
        while True:
            page = self.http.get("/sync/pull", params={"after": after, "limit": 5000}).json()
            items += page["items"]
            if not page["more"]:
                return items
            after = page["cursor"]


def _rid(kind: registry.Kind) -> str:
    return "|".join(str(uuid.uuid4()) for _ in kind.key_columns)


def _fields(kind: registry.Kind, pid: str | None, **extra: Any) -> dict[str, dict[str, Any]]:
    values: dict[str, Any] = {"person_id": pid} if "person_id" in kind.columns else {}
    values.update(extra)
    return {k: {"new": v} for k, v in values.items()}


def _change(kind: registry.Kind, rid: str, pid: str | None, op: str = "upsert", base: int = 0,
            **extra: Any) -> dict[str, Any]:
    return {"kind": kind.name, "record_id": rid, "person_id": pid, "op": op, "base_version": base,
            "fields": _fields(kind, pid, **extra) if op == "upsert" else {}}


# What the officer's records hold where a field matters to the rule (a contact's type; the rest: a case id).
OFFICER_VALUES: dict[str, dict[str, Any]] = {"contact": {"type_code": "COAP", "starts_at": "2026-11-20T10:00:00"},
                                             "transfer_request": {"status": "requested"}}
MO1 = {"type_code": "MO1", "management_oversight": True, "starts_at": "2026-11-21T09:00:00",
       "notes": "Reviewed the risk plan with the officer."}


@pytest.fixture
def team(central, unique):
    """An officer, their team manager, a court officer at the case's court, and one record of every kind on
    the officer's case (written by the officer)."""
    om = central.add_user(f"om-{unique}", team=f"team-{unique}")
    tm = central.add_user(f"tm-{unique}", role="team_manager", team=f"team-{unique}")
    court = f"Preston Crown {unique}"
    co = central.add_user(f"co-{unique}", role="court_officer", team=None, court=court)
    officer = Client(central, om)
    pid = str(uuid.uuid4())
    [res] = officer.push({"kind": "person", "record_id": pid, "person_id": pid,
                          "fields": {"id": {"new": pid}, "crn": {"new": f"R{uuid.UUID(pid).int % 1_000_000:06d}"},
                                     "first_name": {"new": "Dana"}, "last_name": {"new": "Walsh"}}})
    assert res["outcome"] == "applied"
    central.allocate(pid, om, court=court)
    held: dict[str, str] = {"person": pid}
    changes = []
    for kind in registry.kinds():
        if kind.name in ("person", "countersignature"):
            continue
        rid = _rid(kind)
        held[kind.name] = rid
        owned_pid = None if kind.person_of is None else pid
        changes.append(_change(kind, rid, owned_pid, **OFFICER_VALUES.get(kind.name, {})))
    results = officer.push(*changes)
    assert {r["outcome"] for r in results} == {"applied"}, [r["message"] for r in results]
    submitted = _signing(officer, pid, ("rosh_assessment", held["rosh_assessment"]), "submitted",
                         "awaiting_countersignature")
    assert officer.push(submitted)[0]["outcome"] == "applied"
    held["countersignature"] = submitted["record_id"]
    return officer, Client(central, tm), Client(central, co), pid, held


def _versions(central, held: dict[str, str]) -> dict[str, tuple[int, bool, Any]]:
    with central.db.read() as s:
        out = {}
        for kind, rid in held.items():
            rec = s.get(Record, (kind, rid))
            out[kind] = (rec.version, rec.deleted, rec.data)
        return out


def _attempts(central, who: Client, pid: str, held: dict[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
    """Create, update and delete of every kind, pushed by `who` on the officer's case: kind, op -> result."""
    with central.db.read() as s:
        versions = {k: s.get(Record, (k, rid)).version for k, rid in held.items()}
    plan: list[tuple[str, str, dict[str, Any]]] = []
    for kind in registry.kinds():
        case_free = kind.person_of is None
        owned_pid = None if case_free else pid
        new_id = _rid(kind)
        if kind.name == "countersignature":  # a submission (an officer's): the manager's own actions are below
            plan.append((kind.name, "create", _signing(who, pid, ("rosh_assessment", held["rosh_assessment"]),
                                                       "submitted", "awaiting_countersignature")))
        elif kind.name == "person":
            new_id = str(uuid.uuid4())
            plan.append(("person", "create", {"kind": "person", "record_id": new_id, "person_id": new_id,
                                              "fields": {"id": {"new": new_id}, "crn": {"new": "Z999999"}}}))
        else:
            plan.append((kind.name, "create", _change(kind, new_id, owned_pid, **OFFICER_VALUES.get(kind.name, {}))))
        rid = held[kind.name]
        update = {"person_id": {"new": pid}} if "person_id" in kind.columns and not case_free else {}
        if kind.name == "person":
            update = {"first_name": {"new": "Changed"}}
        plan.append((kind.name, "update", {"kind": kind.name, "record_id": rid, "person_id": owned_pid,
                                           "base_version": versions[kind.name], "fields": update or
                                           {kind.columns[0]: {"new": None}}}))
        plan.append((kind.name, "delete", {"kind": kind.name, "record_id": rid, "person_id": owned_pid,
                                           "op": "delete", "base_version": versions[kind.name]}))
    results = who.push(*(ch for _, _, ch in plan))
    return {(k, op): r for (k, op, _), r in zip(plan, results, strict=True)}


def test_a_team_manager_may_change_nothing_of_a_case_but_is_told_so(central, team):
    officer, manager, _co, pid, held = team
    before = _versions(central, held)
    results = _attempts(central, manager, pid, held)
    for (kind, op), r in results.items():
        case_free = registry.get(kind).person_of is None
        if case_free and op == "create":  # their own note templates and the like
            assert r["outcome"] == "applied", (kind, op, r)
        else:
            assert r["outcome"] == "rejected", (kind, op, r)
            if not case_free:
                assert r["message"].startswith("A team manager "), (kind, op, r["message"])
                if kind != "countersignature":  # there: "sign the work instead", or what a manager signs
                    assert "ask the case's offender manager" in r["message"], (kind, op, r["message"])
    assert _versions(central, held) == before  # nothing of the officer's was changed
    # Every refusal is kept for the manager (their laptop shows it) and for nobody else.
    mine = [i for i in manager.pulled() if i["kind"] == CONFLICT_KIND]
    refused = {r["conflict_id"] for r in results.values() if r["outcome"] == "rejected"}
    assert refused <= {i["record_id"] for i in mine}
    assert all(i["data"]["reason"] == "rejected" and i["person_id"] is None for i in mine)
    assert not {i["record_id"] for i in officer.pulled() if i["kind"] == CONFLICT_KIND} & refused


def test_a_team_manager_adds_oversight_contacts_and_changes_only_their_own(central, team):
    officer, manager, _co, pid, held = team
    kind = registry.get("contact")
    own = _rid(kind)
    other_type = _rid(kind)
    not_marked = _rid(kind)
    restricted = _rid(kind)
    r = manager.push(_change(kind, own, pid, **MO1),
                     _change(kind, other_type, pid, type_code="COAP", starts_at="2026-11-21T09:00:00"),
                     _change(kind, not_marked, pid, **{**MO1, "management_oversight": False}),
                     _change(kind, restricted, pid, **{**MO1, "restricted": True}))
    assert [x["outcome"] for x in r] == ["applied", "rejected", "rejected", "rejected"]
    assert "only management oversight contacts" in r[1]["message"]
    # Their own oversight booking is theirs to correct (a recorded one is sealed, as for anyone) ...
    with central.db.read() as s:
        version = s.get(Record, ("contact", own)).version
    [fix] = manager.push({"kind": "contact", "record_id": own, "person_id": pid, "base_version": version,
                          "fields": {"notes": {"new": "Reviewed the plan and the last three contacts."}}})
    assert fix["outcome"] == "applied"
    # ... but never into another kind of contact.
    [bad] = manager.push({"kind": "contact", "record_id": own, "person_id": pid, "base_version": fix["version"],
                          "fields": {"type_code": {"new": "COAP"}}})
    assert bad["outcome"] == "rejected"
    # The officer's laptop receives the manager's oversight contact.
    got = {i["record_id"]: i for i in officer.pulled() if i["kind"] == "contact"}
    assert got[own]["data"]["type_code"] == "MO1" and got[own]["data"]["management_oversight"] is True
    assert other_type not in got and held["contact"] in got


def test_a_court_officer_writes_court_work_and_nothing_else(central, team):
    _officer, _manager, co, pid, held = team
    before = _versions(central, held)
    results = _attempts(central, co, pid, held)
    for (kind, op), r in results.items():
        case_free = registry.get(kind).person_of is None
        # A new case is theirs (a pre-sentence record promoted): held by them until allocated.
        if kind in COURT_KINDS or (case_free and op == "create") or (kind, op) == ("person", "create"):
            assert r["outcome"] == "applied", (kind, op, r)
        else:
            assert r["outcome"] == "rejected", (kind, op, r)
            if not case_free:
                assert r["message"].startswith("A court officer cannot change"), (kind, op, r["message"])
    after = _versions(central, held)
    for kind in before:
        if kind not in COURT_KINDS:
            assert after[kind] == before[kind], kind
    assert after["pre_sentence"][1] is True  # the court officer's delete was applied


def test_a_court_officer_writes_all_of_a_case_they_made_until_it_is_allocated(central, team):
    officer, _manager, co, _pid, _held = team
    pid = str(uuid.uuid4())
    address = registry.get("address")
    r = co.push({"kind": "person", "record_id": pid, "person_id": pid,
                 "fields": {"id": {"new": pid}, "crn": {"new": f"P{uuid.UUID(pid).int % 1_000_000:06d}"}}},
                _change(address, str(uuid.uuid4()), pid, line1="3 Avenham Lane"))
    assert [x["outcome"] for x in r] == ["applied", "applied"]
    central.allocate(pid, officer.username)  # now the offender manager's: court work only, again
    r = co.push(_change(address, str(uuid.uuid4()), pid, line1="5 Avenham Lane"))
    assert r[0]["outcome"] == "rejected" and r[0]["message"].startswith("A court officer cannot change")


# -- countersignatures -------------------------------------------------------------------------------
def _grade(central, username: str, grade: str | None) -> None:
    with central.db.write() as s:
        s.get(User, username).grade = grade


_HEAD = object()


def _head(server: Any, target: tuple[str, str]) -> str | None:
    """The last countersignature record the server holds on the work (what a laptop that synced follows)."""
    with server.db.read() as s:
        rows = [r for r in s.query(Record).filter(Record.kind == "countersignature").order_by(Record.version)
                if (r.data or {}).get("target_id") == target[1]]
    return rows[-1].record_id if rows else None


def _signing(who: Client, pid: str, target: tuple[str, str], action: str, status_after: str, *,
             author: str | None = None, role: str | None = None, grade: str | None = None,
             comment: str | None = None, follows: Any = _HEAD) -> dict[str, Any]:
    """A countersignature record as the laptop sends it: the author as the signed-in user, following the
    server's head of the chain, unless told."""
    rid = str(uuid.uuid4())
    values = {"id": rid, "person_id": pid, "target_kind": target[0], "target_id": target[1], "action": action,
              "status_after": status_after, "author": author or who.username, "author_name": who.username,
              "author_role": role or who.tokens["role"], "author_grade": grade or who.tokens.get("grade"),
              "on_date": "2026-11-23", "comment": comment,
              "follows_id": _head(who.server, target) if follows is _HEAD else follows}
    return {"kind": "countersignature", "record_id": rid, "person_id": pid,
            "fields": {k: {"new": v} for k, v in values.items()}}


def _sign(who: Client, pid: str, target: tuple[str, str], action: str, status_after: str,
          **kw: Any) -> dict[str, Any]:
    [r] = who.push(_signing(who, pid, target, action, status_after, **kw))
    return r


@pytest.fixture
def assessment(central, team):
    """A high RoSH assessment on the officer's case, written by the officer (a probation services officer)."""
    officer, _manager, _co, pid, _held = team
    _grade(central, officer.username, "pso")
    officer = Client(central, officer.username)  # signs in again: the grade comes with the tokens
    aid = str(uuid.uuid4())
    [r] = officer.push({"kind": "rosh_assessment", "record_id": aid, "person_id": pid,
                        "fields": {"id": {"new": aid}, "person_id": {"new": pid}, "status": {"new": "completed"},
                                   "overall_level": {"new": "H"}}})
    assert r["outcome"] == "applied"
    return officer, ("rosh_assessment", aid)


def test_submit_countersign_return_and_resubmit(central, team, assessment):
    _o, manager, _co, pid, _held = team
    officer, work = assessment
    assert officer.tokens["grade"] == "pso"
    # The officer may not countersign or return (their own or any work), nor self-sign work that needs it.
    assert _sign(officer, pid, work, "countersigned", "countersigned")["outcome"] == "rejected"
    assert _sign(officer, pid, work, "returned", "rejected", comment="x")["outcome"] == "rejected"
    r = _sign(officer, pid, work, "self_signed", "self_signed")
    assert r["outcome"] == "rejected" and "cannot be self-signed" in r["message"]
    # A grade the server does not hold is refused (a laptop cannot make its officer a probation officer).
    r = _sign(officer, pid, work, "submitted", "awaiting_countersignature", grade="po")
    assert r["outcome"] == "rejected" and "probation services officer" in r["message"]
    # The manager cannot countersign before it is submitted.
    r = _sign(manager, pid, work, "countersigned", "countersigned")
    assert r["outcome"] == "rejected" and "awaiting countersignature" in r["message"]
    assert _sign(officer, pid, work, "submitted", "awaiting_countersignature")["outcome"] == "applied"
    # A return needs a comment; a manager does not submit.
    assert _sign(manager, pid, work, "returned", "rejected")["outcome"] == "rejected"
    assert _sign(manager, pid, work, "submitted", "awaiting_countersignature")["outcome"] == "rejected"
    r = _sign(manager, pid, work, "returned", "rejected", comment="Say who is at risk from the ex-partner.")
    assert r["outcome"] == "applied", r
    assert _sign(manager, pid, work, "countersigned", "countersigned")["outcome"] == "rejected"  # not awaiting
    assert _sign(officer, pid, work, "resubmitted", "awaiting_countersignature")["outcome"] == "applied"
    # The status after must be the one the rules give.
    assert _sign(manager, pid, work, "countersigned", "double_countersigned")["outcome"] == "rejected"
    assert _sign(manager, pid, work, "countersigned", "countersigned")["outcome"] == "applied"
    assert _sign(manager, pid, work, "countersigned", "countersigned")["outcome"] == "rejected"  # already done
    chain = [i["data"] for i in officer.pulled()
             if i["kind"] == "countersignature" and i["data"]["target_id"] == work[1]]
    assert [(c["action"], c["author"]) for c in chain] == [
        ("submitted", officer.username), ("returned", manager.username), ("resubmitted", officer.username),
        ("countersigned", manager.username)]


def test_new_work_and_its_submission_in_one_push_are_accepted(central, team):
    """A laptop that completes an assessment whose draft never synced sends both in one push: the server's
    check finds the work in the push's own batch (not yet flushed)."""
    officer, _manager, _co, pid, _held = team
    aid = str(uuid.uuid4())
    work = {"kind": "rosh_assessment", "record_id": aid, "person_id": pid,
            "fields": {"id": {"new": aid}, "person_id": {"new": pid}, "status": {"new": "complete"},
                       "overall_level": {"new": "H"}}}
    results = officer.push(work, _signing(officer, pid, ("rosh_assessment", aid), "submitted",
                                          "awaiting_countersignature"))
    assert [r["outcome"] for r in results] == ["applied", "applied"], [r.get("message") for r in results]


def test_work_with_child_protection_concerns_is_never_self_signed(central, team):
    """A probation officer's medium RoSH assessment is self-signed, unless the server's own copy shows
    child-protection concerns: a yes about children in the screening, or an open child-protection register
    on the case. The laptop's word that there are none counts for nothing."""
    officer, _manager, _co, pid, _held = team
    _grade(central, officer.username, "po")
    officer = Client(central, officer.username)

    def work(answers: dict[str, Any]) -> tuple[str, str]:
        aid = str(uuid.uuid4())
        [r] = officer.push({"kind": "rosh_assessment", "record_id": aid, "person_id": pid,
                            "fields": {"id": {"new": aid}, "person_id": {"new": pid}, "status": {"new": "complete"},
                                       "overall_level": {"new": "M"}, "answers": {"new": answers}}})
        assert r["outcome"] == "applied"
        return ("rosh_assessment", aid)

    r = _sign(officer, pid, work({"child_concerns": {"current": "yes"}}), "self_signed", "self_signed")
    assert r["outcome"] == "rejected" and "child-protection concerns" in r["message"], r
    assert _sign(officer, pid, work({"child_concerns": {"current": "no"}}), "self_signed",
                 "self_signed")["outcome"] == "applied"
    # An open child-protection registration on the case (an ended one does not count).
    ended, reg = str(uuid.uuid4()), str(uuid.uuid4())
    results = officer.push(
        {"kind": "registration", "record_id": ended, "person_id": pid,
         "fields": {"id": {"new": ended}, "person_id": {"new": pid}, "type_code": {"new": "RCPR"},
                    "start_date": {"new": "2025-01-01"}, "ended_on": {"new": "2025-06-01"}}})
    assert results[0]["outcome"] == "applied"
    assert _sign(officer, pid, work({}), "self_signed", "self_signed")["outcome"] == "applied"
    [r] = officer.push({"kind": "registration", "record_id": reg, "person_id": pid,
                        "fields": {"id": {"new": reg}, "person_id": {"new": pid}, "type_code": {"new": "RCPR"},
                                   "start_date": {"new": "2026-11-01"}}})
    assert r["outcome"] == "applied"
    r = _sign(officer, pid, work({}), "self_signed", "self_signed")
    assert r["outcome"] == "rejected" and "child-protection concerns" in r["message"], r


def test_nobody_countersigns_their_own_work(central, team, unique):
    _o, manager, _co, pid, _held = team
    officer = _o
    # Work the manager wrote while they held an officer's account on this server is still theirs.
    aid = str(uuid.uuid4())
    with central.db.write() as s:
        s.add(Record(kind="rosh_assessment", record_id=aid, person_id=pid, owner=manager.username, version=10**9,
                     deleted=False, data={"id": aid, "person_id": pid, "overall_level": "H"},
                     updated_by=manager.username))
    assert _sign(officer, pid, ("rosh_assessment", aid), "submitted",
                 "awaiting_countersignature")["outcome"] == "applied"
    r = _sign(manager, pid, ("rosh_assessment", aid), "countersigned", "countersigned")
    assert r["outcome"] == "rejected" and "own work" in r["message"]
    # Someone else's name as author is refused.
    r = _sign(manager, pid, ("rosh_assessment", aid), "countersigned", "countersigned", author=officer.username)
    assert r["outcome"] == "rejected" and "author must be the signed-in user" in r["message"]


def test_a_manager_agrees_or_refuses_a_tier_override_with_a_reason(central, team):
    officer, manager, _co, pid, held = team
    work = ("tier_decision", held["tier_decision"])
    assert _sign(manager, pid, work, "agreed", "agreed")["outcome"] == "rejected"  # no reason
    assert _sign(manager, pid, work, "countersigned", "countersigned")["outcome"] == "rejected"  # not signed work
    assert _sign(manager, pid, work, "refused", "refused",
                 comment="The register does not support a higher tier.")["outcome"] == "applied"
    assert _sign(manager, pid, work, "agreed", "agreed", comment="On reflection.")["outcome"] == "rejected"


# -- grades ---------------------------------------------------------------------------------------------
def test_grades_are_added_changed_and_delivered(central, unique, tmp_path):
    env = {**os.environ, "LPT_CENTRAL_PASSWORD": PASSWORD}
    cli = [sys.executable, "-m", "lpt_desktop.central"]
    name = f"pso-{unique}"
    out = subprocess.run([*cli, "user", "add", "--db", central.db_url, "--username", name, "--role",
                          "offender_manager", "--team", "T", "--grade", "pso"], env=env, capture_output=True,
                         text=True, check=True)
    assert "probation services officer" in out.stdout
    tokens = Client(central, name).tokens
    assert tokens["grade"] == "pso"
    subprocess.run([*cli, "user", "grade", "--db", central.db_url, "--username", name, "--grade", "po"],
                   env=env, check=True, capture_output=True)
    refreshed = httpx.post(f"{central.url}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).json()
    assert refreshed["grade"] == "po"  # the next refresh tells the laptop
    bad = subprocess.run([*cli, "user", "grade", "--db", central.db_url, "--username", name, "--grade", "boss"],
                         env=env, capture_output=True, text=True)
    assert bad.returncode != 0
    with central.db.read() as s:
        assert s.get(User, name).grade == "po"
