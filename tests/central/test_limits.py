"""Issue 14 items 3 and 4 (body and field limits): NaN and Infinity, error replies, request and field sizes.

Before the fix `POST /auth/token` with `{"username": NaN}` answered 500 (the 422 reply echoed the input, which
cannot be written as JSON), so did `/auth/refresh` and `/sync/push`; there was no limit on a request's size (a
50 MiB field was stored and served to every officer pulling the case).
"""

from __future__ import annotations

import json
import socket
import uuid
from urllib.parse import urlparse

import httpx
import pytest
from sqlalchemy import func, select

from lpt_desktop.central.app import MAX_BODY_BYTES
from lpt_desktop.central.models import Record
from lpt_desktop.sync.schemas import TEXT_MAX_CHARS
from tests.central.test_authorisation import Officer

JSON_TYPE = {"content-type": "application/json"}


def _post(url: str, body: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(url, content=body.encode(), headers={**JSON_TYPE, **(headers or {})}, timeout=60)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_numbers_are_refused_naming_the_field(central, unique, constant):
    r = _post(f"{central.url}/auth/token", f'{{"username": {constant}, "password": "x", "laptop_id": "l"}}')
    assert r.status_code == 422, r.text
    [error] = r.json()["detail"]
    assert error["loc"] == ["body", "username"] and constant.lstrip("-") in error["msg"]
    r = _post(f"{central.url}/auth/refresh", f'{{"refresh_token": {constant}}}')
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "refresh_token"]
    officer = Officer(central, central.add_user(f"nan-{unique}"))
    pid = str(uuid.uuid4())
    body = json.dumps({"laptop_id": officer.laptop_id, "cursor": 0, "changes": [
        {"seq": 1, "kind": "person", "record_id": pid, "person_id": pid, "op": "upsert", "base_version": 0,
         "fields": {"id": {"new": pid}, "tier": {"new": "@@"}}}]}).replace('"@@"', constant)
    r = officer.http.post("/sync/push", content=body.encode(), headers=JSON_TYPE)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", "changes", 0, "fields", "tier", "new"]
    with central.db.read() as s:
        assert s.get(Record, ("person", pid)) is None
    assert officer.http.get("/sync/pull", params={"after": 0}).status_code == 200


def test_an_error_reply_never_echoes_the_input(central, unique):
    officer = Officer(central, central.add_user(f"echo-{unique}"))
    pid = str(uuid.uuid4())
    r = officer.http.post("/sync/push", json={"laptop_id": officer.laptop_id, "changes": [
        {"seq": 1, "kind": "person", "record_id": pid, "op": "upsert", "base_version": 0,
         "fields": {"SECRET name of a field\n": {"new": "SECRET value"}}}]})  # not a field name: refused
    assert r.status_code == 422 and "SECRET" not in r.text, r.text
    secret = "SECRET-" + "x" * 200  # too long for a user name: a 422 that once quoted it
    r = httpx.post(f"{central.url}/auth/token", json={"username": secret, "password": secret, "laptop_id": "l"})
    assert r.status_code == 422 and "SECRET" not in r.text
    assert r.json()["detail"][0]["loc"] == ["body", "username"] and "input" not in r.json()["detail"][0]
    r = _post(f"{central.url}/auth/token", '{"username": "SECRET' + "[" * 5000)  # not JSON at all
    assert r.status_code == 422 and "SECRET" not in r.text
    r = _post(f"{central.url}/auth/token", "[" * 100_000 + "]" * 100_000)  # deeper than any parser goes
    assert r.status_code == 422 and "nested too deeply" in r.text


def test_a_body_over_the_limit_is_refused_before_it_is_read(central):
    """Only the headers are sent, declaring 60 MiB: the answer comes at once, naming the limit."""
    url = urlparse(central.url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(f"POST /auth/token HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {60 * 1024 * 1024}\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):  # the server answers, then closes: read to the end
            chunks.append(chunk)
        reply = b"".join(chunks).decode()
    status, _, rest = reply.partition("\r\n")
    assert " 413 " in status, reply
    assert f"{MAX_BODY_BYTES:,} bytes" in rest


def test_a_streamed_body_over_the_limit_is_cut_off(central, unique):
    officer = Officer(central, central.add_user(f"big-{unique}"))

    def chunks():  # no Content-Length: the server counts as it reads
        yield b'{"laptop_id": "' + officer.laptop_id.encode() + b'", "changes": [], "x": "'
        for _ in range(MAX_BODY_BYTES // (1024 * 1024) + 2):
            yield b"a" * (1024 * 1024)
        yield b'"}'

    try:
        r = officer.http.post("/sync/push", content=chunks(), headers=JSON_TYPE, timeout=120)
    except httpx.TransportError:
        pytest.fail("the server dropped the connection instead of answering 413")
    assert r.status_code == 413 and f"{MAX_BODY_BYTES:,} bytes" in r.json()["detail"]


def test_a_field_over_its_limit_is_refused_naming_the_field_and_never_stored(central, unique):
    officer = Officer(central, central.add_user(f"field-{unique}"))
    pid = officer.new_case()
    cid = str(uuid.uuid4())
    huge = "n" * (TEXT_MAX_CHARS + 1)
    [res] = officer.push({"kind": "contact", "record_id": cid, "person_id": pid,
                          "fields": {"id": {"new": cid}, "person_id": {"new": pid}, "type_code": {"new": "COAP"},
                                     "starts_at": {"new": "2026-11-20T10:00:00"}, "notes": {"new": huge}}})
    assert res["outcome"] == "rejected"
    assert "notes" in res["message"] and f"{TEXT_MAX_CHARS:,}" in res["message"]
    [res] = officer.push({"kind": "person", "record_id": pid, "person_id": pid, "base_version": 0,
                          "fields": {"tier": {"new": "A1234567"}}})  # tier is String(3) on the laptop
    assert res["outcome"] == "rejected" and "tier" in res["message"] and "at most 3 characters" in res["message"]
    with central.db.read() as s:
        assert s.get(Record, ("contact", cid)) is None
        # The rejections keep what can be served back: never the oversized value itself.
        sizes = [len(json.dumps(r.data)) for r in s.scalars(select(Record).where(
            Record.kind == "_conflict", Record.owner == officer.username))]
        assert sizes and max(sizes) < 10_000
        assert s.scalar(select(func.count()).select_from(Record).where(Record.person_id == pid)) == 1
    pulled = officer.http.get("/sync/pull", params={"after": 0})
    assert pulled.status_code == 200 and len(pulled.content) < 50_000
