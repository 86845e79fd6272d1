"""`lpt export --json` and `lpt import` (issue 16, "Import and export"), run in-process with the passphrase in
the environment."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lpt_desktop.cli import main
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.services.unlock import start_caseload, unlock
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Contact, Person
from lpt_desktop.store.sync_models import SyncOutbox, SyncState
from tests.conftest import DEMO_TODAY, PASSPHRASE

WARNING = ("lpt: the cases written are outside the encrypted caseload and are NOT password-protected: keep the file "
           "on an encrypted drive and delete it once it has been imported.")


@pytest.fixture
def lpt(monkeypatch, capsys):
    monkeypatch.setenv("LPT_PASSPHRASE", PASSPHRASE)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture
def demo(tmp_path) -> Path:
    path = tmp_path / "demo" / "demo.lptdb"
    create_demo(path, PASSPHRASE, DemoSpec(cases=8, contacts_per_case=6, seed=11, today=DEMO_TODAY),
                kdf=KdfParams.fast()).close()
    return path


@pytest.fixture
def empty(tmp_path) -> Path:
    path = tmp_path / "new" / "mine.lptdb"
    start_caseload(path, PASSPHRASE, "Sam Patel", "LPT0099", kdf=KdfParams.fast())
    return path


def files_of(path: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.parent.iterdir())
            if p.name.startswith(path.name)}


def test_export_writes_json_on_stdout_and_the_warning_on_stderr(lpt, demo):
    code, out, err = lpt("export", "--db", str(demo), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["format"] == "lpt-cases" and data["version"] == 1 and len(data["cases"]) == 8
    lines = err.splitlines()
    assert lines[0] == WARNING
    with_restricted = sum(c["restricted"] for case in data["cases"] for c in case["contacts"])
    assert with_restricted == 0
    db = unlock(demo, PASSPHRASE)
    try:
        with db.read() as s:
            n = s.scalar(select(func.count()).select_from(Contact).where(Contact.restricted.is_(True)))
    finally:
        db.close()
    assert n and lines[1:] == [f"lpt: {n} restricted victim liaison contact{'s' if n != 1 else ''} left out: give "
                               "--include-restricted to export them, if you may read them."]
    code, out, err = lpt("export", "--db", str(demo), "--json", "--include-restricted")
    assert sum(c["restricted"] for case in json.loads(out)["cases"] for c in case["contacts"]) == n
    assert err.splitlines() == [WARNING]


def test_crn_chooses_the_cases(lpt, demo):
    _code, out, _err = lpt("export", "--db", str(demo), "--json")
    crns = sorted(c["person"]["crn"] for c in json.loads(out)["cases"])
    code, out, _err = lpt("export", "--db", str(demo), "--json", "--crn", crns[5], "--crn", crns[1])
    assert code == 0 and [c["person"]["crn"] for c in json.loads(out)["cases"]] == [crns[1], crns[5]]
    code, out, err = lpt("export", "--db", str(demo), "--json", "--crn", "Q000000")
    assert code == 2 and out == "" and "CRN Q000000: is not on this caseload" in err


def test_export_then_import_into_a_new_caseload_gives_the_same_caseload(lpt, demo, empty, tmp_path):
    _code, out, _err = lpt("export", "--db", str(demo), "--json", "--include-restricted")
    file = tmp_path / "cases.json"
    file.write_text(out, encoding="utf-8")
    code, out, err = lpt("import", "--db", str(empty), str(file))
    assert code == 0, err
    crns = sorted(c["person"]["crn"] for c in json.loads(file.read_text())["cases"])
    assert sorted(line.split()[1] for line in out.splitlines() if line.startswith("created")) == crns
    assert out.splitlines()[-1] == (f"Imported from {file}: 8 created, 0 updated, 0 unchanged, 0 skipped, "
                                    "0 office closures added.")
    _c, theirs, _e = lpt("caseload", "--db", str(demo), "--json")
    _c, mine, _e = lpt("caseload", "--db", str(empty), "--json")
    assert json.loads(mine) == json.loads(theirs)
    _c, again, _e = lpt("export", "--db", str(empty), "--json", "--include-restricted")
    assert json.loads(again) == json.loads(file.read_text())

    code, out, _err = lpt("import", "--db", str(empty), str(file))  # a second time: every case is already here
    assert code == 0
    assert sum(line.startswith("skipped") for line in out.splitlines()) == 8
    assert "already on this caseload (same id and CRN)" in out


def test_a_bad_file_is_refused_whole_every_problem_listed_and_the_files_unchanged(lpt, demo, empty, tmp_path):
    _code, out, _err = lpt("export", "--db", str(demo), "--json")
    data = json.loads(out)
    data["cases"][3]["addresses"][0]["from_date"] = "2026-13-01"
    data["cases"][6]["person"]["date_of_birth"] = None
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    before = files_of(empty)
    code, out, err = lpt("import", "--db", str(empty), str(file))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"lpt import: {file} refused, nothing imported (2 problems: put them right and import the file again):",
        '  cases[3].addresses[0].from_date: "2026-13-01" is not a date (yyyy-mm-dd): write a real day, e.g. '
        "2026-01-31",
        "  cases[6].person.date_of_birth: is empty: give a value"]
    assert files_of(empty) == before


def test_a_problem_only_the_caseload_shows_also_leaves_the_files_unchanged(lpt, demo, empty, tmp_path):
    _code, out, _err = lpt("export", "--db", str(demo), "--json")
    data = json.loads(out)
    first = tmp_path / "first.json"
    first.write_text(json.dumps({**data, "cases": data["cases"][:1]}), encoding="utf-8")
    assert lpt("import", "--db", str(empty), str(first))[0] == 0
    other = copy.deepcopy(data["cases"][1])
    other["addresses"][0]["id"] = data["cases"][0]["addresses"][0]["id"]
    file = tmp_path / "clash.json"
    file.write_text(json.dumps({**data, "cases": [other]}), encoding="utf-8")
    before = files_of(empty)
    code, out, err = lpt("import", "--db", str(empty), str(file))
    assert code == 2 and out == ""
    assert "cases[0].addresses[0].id: " in err and "already a record of another case" in err
    assert files_of(empty) == before


def test_a_file_that_is_not_json_is_one_line(lpt, empty, tmp_path):
    file = tmp_path / "notes.json"
    file.write_text('{"format": "lpt-cases",\n "cases": [}', encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        lpt("import", "--db", str(empty), str(file))
    assert str(caught.value).startswith(f"lpt import: {file} is not JSON (line 2, column 12:")
    with pytest.raises(SystemExit, match="there is no file at"):
        lpt("import", "--db", str(empty), str(tmp_path / "missing.json"))


def test_update_goes_through_the_outbox(lpt, demo, empty, tmp_path):
    _code, out, _err = lpt("export", "--db", str(demo), "--json")
    data = json.loads(out)
    data["cases"] = data["cases"][:2]
    file = tmp_path / "two.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    assert lpt("import", "--db", str(empty), str(file))[0] == 0
    db = unlock(empty, PASSPHRASE)
    try:
        with db.write() as s:  # as if enrolled, so edits to synced records go to the outbox
            s.add(SyncState(key="laptop_id", value="laptop-under-test"))
    finally:
        db.close()
    data["cases"][1]["person"]["preferred_name"] = "Robbie"
    file.write_text(json.dumps(data), encoding="utf-8")
    code, out, _err = lpt("import", "--db", str(empty), "--update", str(file))
    assert code == 0
    crn = data["cases"][1]["person"]["crn"]
    assert f"updated  {crn}" in out.splitlines()
    db = unlock(empty, PASSPHRASE)
    try:
        with db.read() as s:
            rows = [(r.kind, r.record_id, r.fields) for r in s.scalars(select(SyncOutbox))]
            assert s.scalar(select(Person.preferred_name).where(Person.crn == crn)) == "Robbie"
    finally:
        db.close()
    assert [(kind, rid, list(fields)) for kind, rid, fields in rows] == [
        ("person", data["cases"][1]["person"]["id"], ["preferred_name"])]
    assert rows[0][2]["preferred_name"]["new"] == "Robbie"
