"""Refresh tokens rotate on use, against a real `lpt-central` on SQLite and PostgreSQL.

Each /auth/refresh answers a new refresh token and retires the one presented. The retired token presented again
within the grace period (the reply carrying its successor was lost) gets that same successor; presented later,
or any older generation at any time, it is taken as stolen: the whole sign-in (token family) is revoked, its
access tokens too, and the answer says so in words. Signing in again on a laptop revokes its earlier sign-in.
The laptop saves each new refresh token in its encrypted file before it uses the access token that came with it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from lpt_desktop.sync import engine, state
from tests.sync.server import PASSWORD, CentralServer, central_database


def sign_in(server: CentralServer, user: str, laptop: str) -> dict:
    r = httpx.post(f"{server.url}/auth/token", json={"username": user, "password": PASSWORD, "laptop_id": laptop},
                   timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def refresh(server: CentralServer, token: str) -> httpx.Response:
    return httpx.post(f"{server.url}/auth/refresh", json={"refresh_token": token}, timeout=30)


def works(server: CentralServer, access: str) -> bool:
    r = httpx.get(f"{server.url}/kinds", headers={"Authorization": f"Bearer {access}"}, timeout=30)
    assert r.status_code in (200, 401), r.text
    return r.status_code == 200


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def short_grace(request, tmp_path_factory) -> Iterator[CentralServer]:
    """A server whose grace period is one second, so a test can outwait it."""
    tmp = tmp_path_factory.mktemp(f"grace-{request.param}")
    with central_database(request.param, tmp) as url:
        server = CentralServer(url, log=tmp / "server.log",
                               options=(*CentralServer.TEST_OPTIONS, "--refresh-grace", "1")).start()
        try:
            yield server
        finally:
            server.stop()


def test_each_refresh_rotates_and_a_retry_within_the_grace_period_gets_the_same_token(central):
    user, laptop = central.add_user(f"rot-{uuid.uuid4().hex[:6]}"), str(uuid.uuid4())
    t0 = sign_in(central, user, laptop)["refresh_token"]
    first = refresh(central, t0)
    assert first.status_code == 200, first.text
    t1 = first.json()["refresh_token"]
    assert t1 != t0, "the refresh token was not rotated"
    # The answer was lost in transit: the laptop still holds t0 and tries again at once.
    again = refresh(central, t0)
    assert again.status_code == 200, again.text
    assert again.json()["refresh_token"] == t1
    t2 = refresh(central, t1).json()["refresh_token"]
    assert t2 not in (t0, t1)
    assert works(central, refresh(central, t2).json()["access_token"])


def test_a_replaced_token_used_after_the_grace_period_revokes_the_whole_sign_in(short_grace):
    server = short_grace
    user, laptop = server.add_user(f"theft-{uuid.uuid4().hex[:6]}"), str(uuid.uuid4())
    t0 = sign_in(server, user, laptop)["refresh_token"]
    tokens = refresh(server, t0).json()
    t1, access = tokens["refresh_token"], tokens["access_token"]
    assert works(server, access)
    time.sleep(1.5)
    stolen = refresh(server, t0)  # a copy of the old token, used after the laptop had moved on
    assert stolen.status_code == 401
    assert "old copy of its token was used" in stolen.json()["detail"]
    # The whole family is gone: the laptop's own current token, and the access token it was using.
    assert refresh(server, t1).status_code == 401
    assert "old copy" in refresh(server, t1).json()["detail"]
    assert not works(server, access)
    # Signing in again starts a new sign-in that works.
    assert works(server, sign_in(server, user, laptop)["access_token"])


def test_an_older_generation_is_theft_even_within_the_grace_period(central):
    user, laptop = central.add_user(f"old-{uuid.uuid4().hex[:6]}"), str(uuid.uuid4())
    t0 = sign_in(central, user, laptop)["refresh_token"]
    t1 = refresh(central, t0).json()["refresh_token"]
    t2 = refresh(central, t1).json()["refresh_token"]
    assert refresh(central, t0).status_code == 401
    assert refresh(central, t2).status_code == 401


def test_a_forged_token_is_refused_without_revoking_anyone(central):
    user, laptop = central.add_user(f"forge-{uuid.uuid4().hex[:6]}"), str(uuid.uuid4())
    t0 = sign_in(central, user, laptop)["refresh_token"]
    family, generation, _mac = t0.split(".")
    for forged in (f"{family}.{generation}.{'A' * 43}", f"{family}.5.{_mac}", "not-a-token", f"{family}..x"):
        assert refresh(central, forged).status_code == 401, forged
    assert refresh(central, t0).status_code == 200  # the real one still works


def test_signing_in_again_revokes_the_earlier_sign_in_of_that_laptop(central):
    user, laptop = central.add_user(f"again-{uuid.uuid4().hex[:6]}"), str(uuid.uuid4())
    first = sign_in(central, user, laptop)
    used = refresh(central, first["refresh_token"]).json()  # in use: the laptop has synced with it
    second = sign_in(central, user, laptop)
    assert second["refresh_token"] != used["refresh_token"]
    assert refresh(central, used["refresh_token"]).status_code == 401
    assert not works(central, used["access_token"])
    assert refresh(central, second["refresh_token"]).status_code == 200
    # Another laptop of the same officer keeps its own sign-in.
    other = sign_in(central, user, str(uuid.uuid4()))
    assert refresh(central, other["refresh_token"]).status_code == 200


def test_a_repeated_sign_in_within_the_grace_period_gets_the_same_token(central):
    """A sign-in sent twice (a retry after a lost reply) must not revoke the token the laptop may be holding."""
    user, laptop = central.add_user(f"dup-{uuid.uuid4().hex[:6]}"), str(uuid.uuid4())
    a, b = sign_in(central, user, laptop), sign_in(central, user, laptop)
    assert a["refresh_token"] == b["refresh_token"]
    assert refresh(central, a["refresh_token"]).status_code == 200


def test_the_laptop_saves_each_rotated_token_before_using_it(central, laptop_factory):
    lap = laptop_factory(f"save-{uuid.uuid4().hex[:6]}", enrol=False)
    central.add_user(lap.username)
    lap.enrol()
    enrolled = engine.read_state(lap.db)[state.REFRESH_TOKEN]
    seen: list[str] = []
    client = engine.client_for(lap.db)
    save = client.on_tokens
    assert save is not None

    def on_tokens(tokens) -> None:  # noqa: ANN001
        save(tokens)
        # Saved (committed to the encrypted file) before the client goes on to use the new access token.
        seen.append(engine.read_state(lap.db)[state.REFRESH_TOKEN])

    client.on_tokens = on_tokens
    try:
        client.refresh()
    finally:
        client.close()
    stored = engine.read_state(lap.db)[state.REFRESH_TOKEN]
    assert stored != enrolled and seen == [stored] and stored == client.refresh_token
    # Each sync rotates it again, and the saved one is the one the server honours.
    lap.sync()
    after = engine.read_state(lap.db)[state.REFRESH_TOKEN]
    assert after != stored
    assert refresh(central, after).status_code == 200



def test_enrolment_saves_a_token_rotated_during_the_first_download(central, laptop_factory):
    """A first download can outlast the 15-minute access token: the refresh it makes rotates the refresh token,
    and the laptop must keep the new one (before, the enrolling client had nowhere to save it)."""
    from lpt_desktop.sync.client import SyncClient

    lap = laptop_factory(f"enr-{uuid.uuid4().hex[:6]}", enrol=False)
    central.add_user(lap.username)
    client = SyncClient(central.url)
    try:
        engine.enrol(lap.db, central.url, lap.username, PASSWORD, client=client)
        client.refresh()  # as the download would when its access token ran out
    finally:
        client.close()
    stored = engine.read_state(lap.db)[state.REFRESH_TOKEN]
    assert stored == client.refresh_token
    assert refresh(central, stored).status_code == 200


def test_a_token_near_its_end_is_refreshed_on_the_calling_thread_before_pages_are_fetched_ahead(central,
                                                                                              laptop_factory):
    lap = laptop_factory(f"fresh-{uuid.uuid4().hex[:6]}", enrol=False)
    central.add_user(lap.username)
    lap.enrol()
    client = engine.client_for(lap.db)
    try:
        client.ensure_fresh()
        first = client.refresh_token  # each refresh rotates it, so it tells whether one was made
        client.ensure_fresh()
        assert client.refresh_token == first, "a fresh token was refreshed again"
        client._expires = time.monotonic() + 60  # a minute left: less than the margin
        client.ensure_fresh()
        assert client.refresh_token != first
        assert engine.read_state(lap.db)[state.REFRESH_TOKEN] == client.refresh_token
    finally:
        client.close()


def test_a_refresh_token_issued_before_tokens_rotated_is_exchanged_once(central):
    """Laptops enrolled before the upgrade hold an old-style token (kept hashed in refresh_token): it is honoured
    once, for a token of the new kind, so nobody has to sign in again because the server was upgraded."""
    import hashlib
    from datetime import timedelta

    from lpt_desktop.central.models import RefreshToken, utcnow

    user, laptop, old = central.add_user(f"legacy-{uuid.uuid4().hex[:6]}"), str(uuid.uuid4()), uuid.uuid4().hex * 2
    with central.db.write() as s:
        s.add(RefreshToken(token_hash=hashlib.sha256(old.encode()).hexdigest(), username=user, laptop_id=laptop,
                           expires_at=utcnow() + timedelta(days=3), revoked=False))
    first = refresh(central, old)
    assert first.status_code == 200, first.text
    new = first.json()["refresh_token"]
    assert new.count(".") == 2 and works(central, first.json()["access_token"])
    assert refresh(central, old).status_code == 401
    assert refresh(central, new).status_code == 200


def test_signing_in_again_ends_a_token_issued_before_tokens_rotated(central):
    """A laptop enrolled before the upgrade: its officer signs in again (or the laptop is lost and they sign in
    on another): the old-style token must stop working, as a rotated one does, not run on for its 30 days."""
    import hashlib
    from datetime import timedelta

    from lpt_desktop.central.models import RefreshToken, utcnow

    user, laptop, old = central.add_user(f"legacy-{uuid.uuid4().hex[:6]}"), str(uuid.uuid4()), uuid.uuid4().hex * 2
    with central.db.write() as s:
        s.add(RefreshToken(token_hash=hashlib.sha256(old.encode()).hexdigest(), username=user, laptop_id=laptop,
                           expires_at=utcnow() + timedelta(days=3), revoked=False))
    signed_in = sign_in(central, user, laptop)
    assert refresh(central, old).status_code == 401
    assert refresh(central, signed_in["refresh_token"]).status_code == 200  # the new sign-in is untouched
