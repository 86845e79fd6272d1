"""Every endpoint refuses an officer without access to a case; restricted cases are withheld; all is audited."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select

from lpt_desktop.central.models import AuditEntry, Record
from tests.sync.server import PASSWORD

AUTHENTICATED = {
    ("POST", "/sync/push"), ("GET", "/sync/pull"), ("POST", "/sync/verify"), ("GET", "/sync/ids"),
    ("POST", "/sync/fetch"), ("GET", "/cases"), ("GET", "/cases/{person_id}"), ("GET", "/kinds"),
    ("POST", "/admin/users"), ("POST", "/admin/allocations"), ("POST", "/admin/restrictions"),
    ("GET", "/admin/audit"),
}
OPEN = {("GET", "/health"), ("POST", "/auth/token"), ("POST", "/auth/refresh")}


class Officer:
    def __init__(self, server, username: str) -> None:
        self.server, self.username = server, username
        self.laptop_id = str(uuid.uuid4())
        r = httpx.post(f"{server.url}/auth/token", json={"username": username, "password": PASSWORD,
                                                         "laptop_id": self.laptop_id})
        assert r.status_code == 200, r.text
        self.tokens = r.json()
        bearer = {"Authorization": f"Bearer {self.tokens['access_token']}"}
        self.http = httpx.Client(base_url=server.url, headers=bearer)
        self.seq = 0

    def push(self, *changes: dict) -> list[dict]:
        body = []
        for ch in changes:
            self.seq += 1
            body.append({"seq": self.seq, "base_version": 0, "op": "upsert", **ch})
        r = self.http.post("/sync/push", json={"laptop_id": self.laptop_id, "cursor": 0, "changes": body})
        assert r.status_code == 200, r.text
        return r.json()["results"]

    def new_case(self) -> str:
        pid = str(uuid.uuid4())
        # A CRN of its own: the store holds one case per CRN (a second is refused).
        fields = {"id": pid, "crn": f"X{uuid.UUID(pid).int % 1_000_000:06d}", "first_name": "Dana",
                  "last_name": "Walsh", "date_of_birth": "1990-04-01"}
        [res] = self.push({"kind": "person", "record_id": pid, "person_id": pid,
                           "fields": {k: {"new": v} for k, v in fields.items()}})
        assert res["outcome"] == "applied"
        return pid

    def sees(self, pid: str) -> bool:
        pulled = self.http.get("/sync/pull", params={"after": 0, "limit": 2000}).json()["items"]
        listed = {c["person_id"] for c in self.http.get("/cases").json()}
        return any(i["person_id"] == pid for i in pulled) or pid in listed


@pytest.fixture
def world(central, unique):
    s = central
    s.add_user(f"om1-{unique}", team=f"north-{unique}")
    s.add_user(f"om2-{unique}", team=f"south-{unique}")
    s.add_user(f"tm-n-{unique}", role="team_manager", team=f"north-{unique}")
    s.add_user(f"tm-s-{unique}", role="team_manager", team=f"south-{unique}")
    s.add_user(f"co-{unique}", role="court_officer", team=None, court=f"Preston Crown {unique}")
    s.add_user(f"admin-{unique}", role="administrator", team=None)
    users = {k: Officer(s, f"{k}-{unique}") for k in ("om1", "om2", "tm-n", "tm-s", "co", "admin")}
    pid = users["om1"].new_case()
    return users, pid


def test_every_endpoint_is_listed_here(central):
    schema = httpx.get(f"{central.url}/openapi.json").json()
    published = {(m.upper(), path) for path, ops in schema["paths"].items() for m in ops}
    assert published == AUTHENTICATED | OPEN


@pytest.mark.parametrize(("method", "path"), sorted(AUTHENTICATED))
def test_no_token_no_entry(central, method, path):
    r = httpx.request(method, central.url + path.replace("{person_id}", "x"), json={})
    assert r.status_code == 401
    r = httpx.request(method, central.url + path.replace("{person_id}", "x"), json={},
                      headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401


def test_an_officer_without_the_case_is_refused_everywhere(central, world):
    users, pid = world
    om2 = users["om2"]
    assert om2.http.get(f"/cases/{pid}").status_code == 404
    assert pid not in {c["person_id"] for c in om2.http.get("/cases").json()}
    assert not om2.sees(pid)
    [item] = om2.http.post("/sync/fetch", json={"kind": "person", "record_ids": [pid]}).json()["items"]
    assert item["version"] == 0 and item["data"] is None
    assert pid not in {r["record_id"] for r in om2.http.get("/sync/ids", params={"kind": "person"}).json()["records"]}
    verify = om2.http.post("/sync/verify", json={"kinds": {}}).json()
    assert verify["server"]["person"]["count"] == 0
    with central.db.read() as s:
        before = s.get(Record, ("person", pid)).version
    results = om2.push(
        {"kind": "person", "record_id": pid, "person_id": pid, "fields": {"tier": {"new": "A1"}}},
        {"kind": "contact", "record_id": str(uuid.uuid4()), "person_id": pid,
         "fields": {"person_id": {"new": pid}, "type_code": {"new": "COAP"},
                    "starts_at": {"new": "2026-11-20T10:00:00"}}},
        {"kind": "address", "record_id": str(uuid.uuid4()), "person_id": pid, "fields": {"line1": {"new": "x"}}},
    )
    assert [r["outcome"] for r in results] == ["rejected"] * 3
    with central.db.read() as s:
        rec = s.get(Record, ("person", pid))
        assert rec.version == before and rec.data.get("tier") is None
        # The refusals are recorded for om2 alone: nothing about the case reaches anyone else.
        refusals = s.scalars(select(Record).where(Record.kind == "_conflict", Record.owner == om2.username)).all()
        assert len(refusals) == 3 and all(r.person_id is None for r in refusals)
    assert users["om1"].sees(pid) and not om2.sees(pid)
    # Admin endpoints: administrators only.
    for method, path, body in (("POST", "/admin/users", {"username": "x", "password": "12345678",
                                                         "role": "administrator"}),
                               ("POST", "/admin/allocations", {"person_id": pid, "officer": om2.username}),
                               ("POST", "/admin/restrictions", {"person_id": pid, "staff": [om2.username]}),
                               ("GET", "/admin/audit", None)):
        assert om2.http.request(method, path, json=body).status_code == 403
    # A token is bound to its laptop.
    r = om2.http.post("/sync/push", json={"laptop_id": users["om1"].laptop_id, "cursor": 0, "changes": []})
    assert r.status_code == 403


def test_roles_see_their_own_scope(central, world):
    users, pid = world
    assert users["tm-n"].sees(pid) and not users["tm-s"].sees(pid)
    assert not users["co"].sees(pid) and not users["admin"].sees(pid)
    court = f"Preston Crown {users['co'].username.split('-', 1)[1]}"
    central.allocate(pid, users["om1"].username, court=court)
    assert users["co"].sees(pid)
    # Moving the case moves who sees it.
    central.allocate(pid, users["om2"].username)
    assert users["om2"].sees(pid) and users["tm-s"].sees(pid) and not users["tm-n"].sees(pid)
    assert not users["om1"].sees(pid)


def test_restricted_cases_are_withheld_from_all_but_named_staff(central, world):
    users, pid = world
    central.restrict(pid, [users["tm-n"].username])
    assert not users["om1"].sees(pid)  # even its own officer, who is not named
    assert users["om1"].http.get(f"/cases/{pid}").status_code == 404
    assert users["tm-n"].sees(pid)
    assert users["tm-n"].http.get(f"/cases/{pid}").status_code == 200
    central.restrict(pid, [users["tm-n"].username, users["om1"].username])
    assert users["om1"].sees(pid)
    central.restrict(pid, [])
    assert users["om1"].sees(pid) and users["tm-n"].sees(pid)


def test_reads_and_writes_are_audited(central, world):
    users, pid = world
    users["om1"].http.get(f"/cases/{pid}")
    users["om2"].http.get(f"/cases/{pid}")
    with central.db.read() as s:
        rows = s.execute(select(AuditEntry.username, AuditEntry.action).where(AuditEntry.person_id == pid)).all()
    actions = {(u.split("-")[0], a) for u, a in rows if u}
    assert {("om1", "create"), ("om1", "read"), ("om2", "read refused")} <= actions


def test_admin_endpoints_work_for_administrators(central, world, unique):
    users, pid = world
    admin = users["admin"].http
    assert admin.post("/admin/users", json={"username": f"om3-{unique}", "password": PASSWORD,
                                            "role": "offender_manager", "team": "x"}).status_code == 201
    assert admin.post("/admin/users", json={"username": f"om3-{unique}", "password": "long enough 1",
                                            "role": "offender_manager"}).status_code == 409
    assert admin.post("/admin/allocations", json={"person_id": pid, "officer": "nobody"}).status_code == 422
    assert admin.post("/admin/allocations", json={"person_id": pid, "officer": f"om3-{unique}"}).status_code == 200
    assert Officer(central, f"om3-{unique}").sees(pid)
    assert any(r["action"] == "allocate" for r in admin.get("/admin/audit", params={"person_id": pid}).json())


def test_sign_in_and_refresh(central, world):
    users, _pid = world
    om1 = users["om1"]
    r = httpx.post(f"{central.url}/auth/token", json={"username": om1.username, "password": "wrong password",
                                                      "laptop_id": "x"})
    assert r.status_code == 401
    r = httpx.post(f"{central.url}/auth/refresh", json={"refresh_token": om1.tokens["refresh_token"]})
    assert r.status_code == 200 and r.json()["access_token"]
    assert httpx.post(f"{central.url}/auth/refresh", json={"refresh_token": "nope"}).status_code == 401
    # A laptop enrolled by one officer cannot be claimed by another.
    r = httpx.post(f"{central.url}/auth/token", json={"username": users["om2"].username, "password": PASSWORD,
                                                      "laptop_id": om1.laptop_id})
    assert r.status_code == 409
