"""The central schema matches its models on both databases, and `lpt-central` administers it."""

from __future__ import annotations

import os
import subprocess

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select

from lpt_desktop.central.db import normalise_url
from lpt_desktop.central.models import Allocation, Base, RestrictedAccess, User
from tests.sync.server import _command, central_database


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrations_match_the_models(backend, tmp_path):
    with central_database(backend, tmp_path) as url:
        engine = create_engine(normalise_url(url))
        try:
            with engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        finally:
            engine.dispose()
    assert diff == []


def _cli(*args: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LPT_")}
    if password:
        env["LPT_CENTRAL_PASSWORD"] = password
    return subprocess.run([*_command(), *args], capture_output=True, text=True, env=env, timeout=60)


def test_the_console_commands(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert _cli("migrate", "--db", url).returncode == 0
    r = _cli("user", "add", "--db", url, "--username", "om1", "--role", "offender_manager", "--team", "North",
             password="long enough 1")
    assert r.returncode == 0, r.stderr
    assert _cli("user", "add", "--db", url, "--username", "om1", "--role", "offender_manager",
                password="long enough 1").returncode == 1
    assert _cli("user", "add", "--db", url, "--username", "om2", "--role", "offender_manager",
                password="short").returncode == 2
    assert _cli("allocate", "--db", url, "--person", "p-1", "--officer", "nobody").returncode == 1
    r = _cli("allocate", "--db", url, "--person", "p-1", "--officer", "om1")
    assert r.returncode == 0 and "allocated to om1" in r.stdout
    assert _cli("restrict", "--db", url, "--person", "p-1", "--staff", "om1").returncode == 0
    engine = create_engine(url)
    with engine.connect() as conn:
        user = conn.execute(select(User.password_hash, User.team)).one()
        assert user.password_hash.startswith("$argon2id$") and user.team == "North"
        assert conn.execute(select(Allocation.officer)).scalar() == "om1"
        assert conn.execute(select(RestrictedAccess.staff)).scalar() == "om1"
    engine.dispose()


def test_serve_publishes_openapi(tmp_path):
    from tests.sync.server import CentralServer

    server = CentralServer(f"sqlite:///{tmp_path / 'c.db'}").start()  # serve migrates a new file itself
    try:
        assert httpx.get(f"{server.url}/openapi.json").json()["info"]["title"] == "LPT central store"
    finally:
        server.stop()
