"""Build the PyInstaller bundle from this checkout and run it as an IT team would.

Marked `bundle` (about a minute to build): `make test` and CI run it; `make test-fast` leaves it out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from lpt_desktop import __version__
from lpt_desktop.services.cases import add_person, add_registration, add_sentence
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.migrations import current_revision, head_revision

pytestmark = pytest.mark.bundle
ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "bundle test passphrase"


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    subprocess.run([sys.executable, str(ROOT / "ui" / "compile.py")], check=True, capture_output=True)
    pyinstaller = Path(sys.executable).parent / "pyinstaller"
    result = subprocess.run(
        [str(pyinstaller), "--noconfirm", "--log-level", "ERROR", "--distpath", str(out / "dist"),
         "--workpath", str(out / "build"), str(ROOT / "installer" / "lpt-desktop.spec")],
        capture_output=True, text=True, cwd=ROOT, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    folder = out / "dist" / "lpt-desktop"
    assert (folder / "lpt-desktop").is_file() and (folder / "lpt").is_file()
    return folder


def _env(isolated_dirs, **extra: str) -> dict[str, str]:
    env = isolated_dirs.env(**extra)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("PYTHONPATH", None)
    return env


def test_self_test_passes(bundle, isolated_dirs):
    # Run from an unrelated folder so nothing can come from the checkout.
    result = subprocess.run([str(bundle / "lpt-desktop"), "--self-test"], capture_output=True, text=True,
                            cwd=isolated_dirs.tmp, env=_env(isolated_dirs), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"LPT Desktop {__version__} self-test passed: 9 steps")


def test_bundle_reports_the_package_version(bundle, isolated_dirs):
    result = subprocess.run([str(bundle / "lpt"), "--version"], capture_output=True, text=True,
                            env=_env(isolated_dirs), timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"lpt {__version__}"


def test_bundle_carries_data_and_leaves_out_unused_qt(bundle):
    internal = bundle / "_internal"
    assert (internal / "resources" / "data" / "requirement_types.json").is_file()
    assert (internal / "db" / "env.py").is_file()
    assert (internal / "installer" / "linux" / "lpt-desktop.desktop").is_file()
    assert (internal / "resources" / "icons" / "hicolor" / "256x256" / "apps" / "lpt-desktop.png").is_file()
    assert sorted(p.name for p in (internal / "db" / "versions").glob("0*.py")) == sorted(
        p.name for p in (ROOT / "db" / "versions").glob("0*.py"))
    plugins = internal / "PySide6" / "Qt" / "plugins" / "platforms"
    assert {"libqxcb.so", "libqoffscreen.so"} <= {p.name for p in plugins.iterdir()}
    names = {p.name for p in internal.rglob("*")}
    assert not any(n.startswith(("QtQml", "QtQuick", "QtWebEngine")) for n in names)
    assert not (internal / "PySide6" / "Qt" / "translations").exists()


def _previous_revision() -> str:
    from alembic.script import ScriptDirectory

    from lpt_desktop.store.migrations import _config

    head = ScriptDirectory.from_config(_config()).get_revision(head_revision())
    return head.down_revision


@pytest.mark.parametrize("revision", ["0001", _previous_revision()])
def test_upgrade_migrates_an_older_database(bundle, isolated_dirs, tmp_path, revision):
    """A caseload written by an earlier schema revision (the first and the previous one) opens with its data."""
    path = tmp_path / "data" / "caseload.lptdb"
    db = Database.create(path, PASSPHRASE, KdfParams.fast(), revision=revision)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO person (id, created_at, updated_at, crn, first_name, last_name, date_of_birth, tier, rosh)"
            " VALUES ('p-1', '2025-01-01', '2025-01-01', 'X654321', 'Olive', 'Upgrade', '1975-05-06', 'B2', 'H')")
    db.close()
    result = subprocess.run([str(bundle / "lpt"), "caseload", "--db", str(path), "--json"], capture_output=True,
                            text=True, env=_env(isolated_dirs, LPT_PASSPHRASE=PASSPHRASE), timeout=120)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["crn"], r["name"], r["tier"], r["rosh"]) for r in rows] == [("X654321", "Upgrade, Olive", "B2", "High")]
    reopened = Database.open(path, PASSPHRASE, migrate=False)
    try:
        assert current_revision(reopened.engine) == head_revision() != revision
    finally:
        reopened.close()


def test_bundle_and_source_read_each_others_files(bundle, isolated_dirs, tmp_path):
    """The bundled CLI writes a demo caseload that the venv can read: same formats both ways."""
    path = tmp_path / "demo.lptdb"
    env = _env(isolated_dirs, LPT_PASSPHRASE=PASSPHRASE)
    result = subprocess.run([str(bundle / "lpt"), "demo", "--db", str(path), "--cases", "5", "--contacts-per-case",
                             "2", "--quiet"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    db = Database.open(path, PASSPHRASE)
    try:
        pid = add_person(db, crn="X111111", first_name="Venv", last_name="Written",
                         date_of_birth=date(1988, 8, 8))
        add_sentence(db, pid, order_type="LIC", start_date=date(2026, 3, 1))
        add_registration(db, pid, "ADVP", date(2026, 3, 1))
    finally:
        db.close()
    result = subprocess.run([str(bundle / "lpt"), "caseload", "--db", str(path), "--json"], capture_output=True,
                            text=True, env=env, timeout=120)
    rows = json.loads(result.stdout)
    assert len(rows) == 6
    assert next(r for r in rows if r["crn"] == "X111111")["flags"] == ["DA"]
    assert os.access(bundle / "lpt-desktop", os.X_OK)
