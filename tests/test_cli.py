"""The `lpt` command, run as a real process with the passphrase in the environment."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date

import pytest

from lpt_desktop.store.keyfile import key_path_for
from tests.cli_process import run_lpt
from tests.conftest import PASSPHRASE, IsolatedDirs

NEW_PASSPHRASE = "a much better passphrase"


def lpt(*args: str, env: dict[str, str], cwd, timeout: float = 120) -> subprocess.CompletedProcess:
    return run_lpt(args, env=env, cwd=cwd, timeout=timeout)  # a real process, forked with the imports done


def assert_one_line_error(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]
    assert result.stdout == ""


@pytest.fixture(scope="module")
def cli_demo(tmp_path_factory):
    """A 12-case demo made once by `lpt demo` (calibrated KDF), in its own isolated home."""
    root = tmp_path_factory.mktemp("cli")
    dirs = IsolatedDirs(*(root / "_isolated" / n for n in ("home", "data", "config", "cache", "state", "tmp")))
    for d in dirs.all():
        d.mkdir(parents=True)
    path = root / "cli.lptdb"
    result = lpt("demo", "--db", str(path), "--cases", "12", "--contacts-per-case", "3", "--seed", "3", "--quiet",
                 env=dirs.env(LPT_PASSPHRASE=PASSPHRASE), cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == ""  # --quiet
    return path


@pytest.fixture
def demo_copy(cli_demo, tmp_path):
    """A private copy of the CLI demo (for tests that change it)."""
    path = tmp_path / "copy.lptdb"
    shutil.copy2(cli_demo, path)
    shutil.copy2(key_path_for(cli_demo), key_path_for(path))
    return path


def test_demo_then_caseload_json(cli_demo, isolated_dirs, tmp_path):
    result = lpt("caseload", "--db", str(cli_demo), "--json", env=isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE),
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert isinstance(items, list) and len(items) == 12
    for item in items:
        assert {"crn", "name", "order_type", "tier", "rosh", "next_due"} <= set(item)
        assert re.fullmatch(r"L\d{6}", item["crn"])
        assert re.fullmatch(r"[^,]+, [^,]+", item["name"])
        assert item["order_type"] in {"CO", "SSO", "LIC", "PSS"}
        assert item["rosh"] in {"Low", "Medium", "High", "Very high"}
        assert item["next_due"] is None or date.fromisoformat(item["next_due"])
    assert len({i["crn"] for i in items}) == 12
    names = [tuple(i["name"].split(", ")) for i in items]
    assert names == sorted(names)
    # A fresh demo has pending future appointments for every case, so each has something due.
    assert all(i["next_due"] is not None for i in items)


def test_caseload_text_listing(cli_demo, isolated_dirs, tmp_path):
    result = lpt("caseload", "--db", str(cli_demo), env=isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 12
    assert all(re.match(r"L\d{6}  ", line) for line in lines)
    assert all(re.search(r"\d{2}/\d{2}/\d{4}", line) for line in lines)  # UK dates


def test_wrong_passphrase_is_one_line_and_changes_nothing(cli_demo, isolated_dirs, tmp_path):
    before = cli_demo.read_bytes(), key_path_for(cli_demo).read_bytes()
    result = lpt("caseload", "--db", str(cli_demo), "--json", env=isolated_dirs.env(LPT_PASSPHRASE="wrong one"),
                 cwd=tmp_path)
    assert_one_line_error(result, "Passphrase not accepted")
    assert (cli_demo.read_bytes(), key_path_for(cli_demo).read_bytes()) == before


def test_change_passphrase(demo_copy, isolated_dirs, tmp_path):
    db_before = demo_copy.read_bytes()
    result = lpt("passphrase", "--db", str(demo_copy),
                 env=isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE, LPT_NEW_PASSPHRASE=NEW_PASSPHRASE), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Passphrase changed" in result.stderr
    assert demo_copy.read_bytes() == db_before  # re-wrapped, not re-encrypted

    ok = lpt("caseload", "--db", str(demo_copy), "--json", env=isolated_dirs.env(LPT_PASSPHRASE=NEW_PASSPHRASE),
             cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert len(json.loads(ok.stdout)) == 12
    old = lpt("caseload", "--db", str(demo_copy), "--json", env=isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE),
              cwd=tmp_path)
    assert_one_line_error(old, "Passphrase not accepted")


def test_change_passphrase_refuses_a_short_one(demo_copy, isolated_dirs, tmp_path):
    key_before = key_path_for(demo_copy).read_bytes()
    result = lpt("passphrase", "--db", str(demo_copy),
                 env=isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE, LPT_NEW_PASSPHRASE="short"), cwd=tmp_path)
    assert_one_line_error(result, "New passphrase", "too short")
    assert key_path_for(demo_copy).read_bytes() == key_before


def test_damaged_database_has_its_own_one_line_message(demo_copy, isolated_dirs, tmp_path):
    with open(demo_copy, "r+b") as fh:
        fh.write(b"\0" * 4096)
    result = lpt("caseload", "--db", str(demo_copy), env=isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE), cwd=tmp_path)
    assert_one_line_error(result, "passphrase was accepted", "could not be read")
    assert "Passphrase not accepted" not in result.stderr


def test_missing_database(isolated_dirs, tmp_path):
    path = tmp_path / "nowhere.lptdb"
    result = lpt("caseload", "--db", str(path), env=isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE), cwd=tmp_path)
    assert_one_line_error(result, "no caseload file")
    assert not path.exists()


def test_no_passphrase_and_no_terminal(cli_demo, isolated_dirs, tmp_path):
    result = lpt("caseload", "--db", str(cli_demo), env=isolated_dirs.env(), cwd=tmp_path)
    assert_one_line_error(result, "LPT_PASSPHRASE")


def test_demo_with_out_of_range_cases(isolated_dirs, tmp_path):
    path = tmp_path / "bad.lptdb"
    result = lpt("demo", "--db", str(path), "--cases", "0", "--quiet",
                 env=isolated_dirs.env(LPT_PASSPHRASE=PASSPHRASE), cwd=tmp_path)
    assert_one_line_error(result, "Cases: 0 is out of range")


def test_version(isolated_dirs, tmp_path):
    from lpt_desktop import __version__

    result = lpt("--version", env=isolated_dirs.env(), cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"lpt {__version__}"


def test_init_starts_an_empty_caseload_that_opens(isolated_dirs, tmp_path):
    path = tmp_path / "new" / "mine.lptdb"
    env = isolated_dirs.env(LPT_PASSPHRASE="a long passphrase")
    result = lpt("init", "--db", str(path), "--officer", "Sam Patel", "--staff-code", "LPT0099", env=env,
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "New caseload for Sam Patel" in result.stdout and "lpt sync setup" in result.stdout
    listed = lpt("caseload", "--db", str(path), "--json", env=env, cwd=tmp_path)
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
    again = lpt("init", "--db", str(path), "--officer", "Sam Patel", "--staff-code", "LPT0099", env=env,
                cwd=tmp_path)
    assert_one_line_error(again, "Caseload file:", "already exists")


def test_init_names_each_bad_field_and_writes_nothing(isolated_dirs, tmp_path):
    path = tmp_path / "mine.lptdb"
    result = lpt("init", "--db", str(path), "--officer", " ", "--staff-code", "L-1", cwd=tmp_path,
                 env=isolated_dirs.env(LPT_PASSPHRASE="short"))
    assert_one_line_error(result, "Officer's name: is empty", "Staff code: 'L-1' is not a staff code",
                          "Passphrase: is too short")
    assert not path.exists() and not key_path_for(path).exists()
