"""Shared fixtures for the core (non-GUI) suite; tests/gui/ reuses these names.

Every test runs with HOME, the XDG directories and the temp directory pointed into its own
tmp_path, so platformdirs (user data, logs) and temp files never touch the real home.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.store.keyfile import KdfParams

# The longest test files first: `make test` hands whole files to its four workers in collection order
# (--dist loadfile), so a long file collected last (the bundle build, about 3.5 minutes) ran alone at the end.
LONGEST_FIRST = (
    "tests/installer/test_bundle.py",
    "tests/sync/test_faults.py",
    "tests/test_sync_cli.py",
    "tests/sync/test_kill.py",
    "tests/central/test_schema_fuzz.py",
    "tests/central/test_two_servers.py",
    "tests/sync/test_stateful.py",
    "tests/gui/test_window.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: n for n, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))  # stable: files keep order


PASSPHRASE = "correct horse battery"
# Every test runs on a frozen "today" (the clock still ticks from 09:30 London time on it), so no test depends
# on the day it runs. `make test` also runs the date-sensitive suites at other days (tests/date_matrix.py) by
# setting LPT_TEST_TODAY; the demo caseload is built around the same day.
TEST_TODAY = date.fromisoformat(os.environ.get("LPT_TEST_TODAY", "2026-11-23"))
DEMO_TODAY = TEST_TODAY
LONDON = ZoneInfo("Europe/London")
# Suites that talk to a real `lpt-central` process (which keeps the real clock, and checks token expiry by it)
# keep the real clock too; nothing in them depends on the date.
_REAL_CLOCK_DIRS = ("sync", "central", "installer")

_ENV_NAMES = {
    "home": "HOME",
    "data": "XDG_DATA_HOME",
    "config": "XDG_CONFIG_HOME",
    "cache": "XDG_CACHE_HOME",
    "state": "XDG_STATE_HOME",
    "tmp": "TMPDIR",
}


@dataclass(frozen=True)
class IsolatedDirs:
    """The per-test stand-ins for the user's directories (attribute or item access)."""

    home: Path
    data: Path
    config: Path
    cache: Path
    state: Path
    tmp: Path

    def __getitem__(self, name: str) -> Path:
        return getattr(self, name)

    def as_dict(self) -> dict[str, Path]:
        return {name: getattr(self, name) for name in _ENV_NAMES}

    def all(self) -> list[Path]:
        return list(self.as_dict().values())

    def env(self, **extra: str) -> dict[str, str]:
        """An environment for a subprocess that sees only the isolated directories."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("LPT_")}
        env.update({var: str(getattr(self, name)) for name, var in _ENV_NAMES.items()})
        env["SQLITE_TMPDIR"] = str(self.tmp)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env.update(extra)
        return env


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch) -> IsolatedDirs:
    root = tmp_path / "_isolated"
    dirs = IsolatedDirs(*(root / name for name in _ENV_NAMES))
    for name, var in _ENV_NAMES.items():
        d = dirs[name]
        d.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(d))
    monkeypatch.setenv("SQLITE_TMPDIR", str(dirs.tmp))
    for var in ("LPT_PASSPHRASE", "LPT_NEW_PASSPHRASE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(dirs.tmp))
    return dirs


@pytest.fixture(autouse=True)
def frozen_today(request) -> Iterator[date]:
    """Travel to TEST_TODAY at 09:30 in London for the test (the clock ticks on from there)."""
    parts = request.node.path.parts
    if request.node.get_closest_marker("real_clock") or any(d in parts[-3:-1] for d in _REAL_CLOCK_DIRS):
        yield date.today()
        return
    with time_machine.travel(datetime.combine(TEST_TODAY, time(9, 30), tzinfo=LONDON), tick=True):
        yield TEST_TODAY


@pytest.fixture
def passphrase() -> str:
    return PASSPHRASE


@pytest.fixture
def demo_db(tmp_path) -> Path:
    """A closed 60-case demo caseload (10 contacts a case, seed 7, today 23/11/2026)."""
    path = tmp_path / "demo" / "caseload.lptdb"
    db = create_demo(path, PASSPHRASE, DemoSpec(cases=60, contacts_per_case=10, seed=7, today=DEMO_TODAY),
                     kdf=KdfParams.fast())
    db.close()
    return path
