"""A lost or stolen laptop: `lpt-central laptop revoke` stops its tokens at once, against a real server on SQLite
and PostgreSQL, through the real console command. Its refresh token is refused, and so is the 15-minute access
token it already holds; it cannot sign in again until `laptop restore`. The officer's other laptops carry on
unless every laptop of theirs is revoked (`--user`). `laptop list` shows them.
"""

from __future__ import annotations

import os
import subprocess
import uuid

import httpx
import pytest

from lpt_desktop.central import auth
from lpt_desktop.services import sync as sync_service
from tests.sync.server import PASSWORD, CentralServer, _command


def console(server: CentralServer, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LPT_")}
    return subprocess.run([*_command(), "laptop", *args, "--db", server.db_url], capture_output=True, text=True,
                          env=env, timeout=60)


def sign_in(server: CentralServer, user: str, laptop: str) -> httpx.Response:
    return httpx.post(f"{server.url}/auth/token", json={"username": user, "password": PASSWORD, "laptop_id": laptop},
                      timeout=30)


def status(server: CentralServer, access: str) -> httpx.Response:
    return httpx.get(f"{server.url}/kinds", headers={"Authorization": f"Bearer {access}"}, timeout=30)


def test_revoking_a_laptop_stops_its_tokens_at_once_and_restore_lets_it_sign_in(central):
    user = central.add_user(f"lost-{uuid.uuid4().hex[:6]}")
    lost, kept = f"lost-{uuid.uuid4()}", f"kept-{uuid.uuid4()}"
    a, b = sign_in(central, user, lost).json(), sign_in(central, user, kept).json()
    listed = console(central, "list", "--user", user)
    assert listed.returncode == 0 and lost in listed.stdout and kept in listed.stdout and "signed in" in listed.stdout

    done = console(central, "revoke", "--laptop", lost)
    assert done.returncode == 0 and f"Revoked laptop {lost}" in done.stdout, done.stderr
    refused = status(central, a["access_token"])  # still inside its 15 minutes
    assert refused.status_code == 401 and refused.json()["detail"] == auth.WITHDRAWN
    r = httpx.post(f"{central.url}/auth/refresh", json={"refresh_token": a["refresh_token"]}, timeout=30)
    assert r.status_code == 401 and r.json()["detail"] == auth.WITHDRAWN
    again = sign_in(central, user, lost)  # whoever holds it knows the password: still refused
    assert again.status_code == 403 and again.json()["detail"] == auth.WITHDRAWN
    assert status(central, b["access_token"]).status_code == 200  # the officer's other laptop carries on
    assert "revoked" in console(central, "list", "--user", user).stdout

    assert console(central, "restore", "--laptop", lost).returncode == 0
    back = sign_in(central, user, lost)
    assert back.status_code == 200 and status(central, back.json()["access_token"]).status_code == 200
    assert httpx.post(f"{central.url}/auth/refresh", json={"refresh_token": a["refresh_token"]},
                      timeout=30).status_code == 401, "the old sign-in must stay revoked after a restore"


def test_revoking_by_user_stops_every_laptop_of_theirs(central):
    user, other = central.add_user(f"all-{uuid.uuid4().hex[:6]}"), central.add_user(f"else-{uuid.uuid4().hex[:6]}")
    tokens = [sign_in(central, user, f"l-{uuid.uuid4()}").json() for _ in range(2)]
    bystander = sign_in(central, other, f"l-{uuid.uuid4()}").json()
    done = console(central, "revoke", "--user", user)
    assert done.returncode == 0 and done.stdout.count("Revoked laptop") == 2, done.stderr
    for t in tokens:
        assert status(central, t["access_token"]).status_code == 401
        assert httpx.post(f"{central.url}/auth/refresh", json={"refresh_token": t["refresh_token"]},
                          timeout=30).status_code == 401
    assert status(central, bystander["access_token"]).status_code == 200
    assert console(central, "revoke", "--user", f"nobody-{uuid.uuid4().hex[:6]}").returncode == 1
    assert console(central, "revoke", "--laptop", "no-such-laptop").returncode == 1


def test_the_revoked_laptop_is_told_in_words(central, laptop_factory):
    lap = laptop_factory(f"told-{uuid.uuid4().hex[:6]}", enrol=False)
    central.add_user(lap.username)
    lap.enrol()
    from lpt_desktop.sync import engine, state

    laptop_id = engine.read_state(lap.db)[state.LAPTOP_ID]
    assert console(central, "revoke", "--laptop", laptop_id).returncode == 0
    with pytest.raises(sync_service.AuthFailed) as err:
        lap.sync()
    assert str(err.value) == auth.WITHDRAWN
