"""`lpt plan show --db PATH --crn CRN [--json]` (issue 20): the plan in force with its type, status, the
person's words and agreement, when the next review is due, and its goals with their outcomes, target dates,
flags (an activity-only outcome) and steps (what, who, by when, status). In-process (cli.main), one real
process for the words."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from lpt_desktop.cli import main
from lpt_desktop.domain.dates import add_months
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Person
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.plan_fill import goal, new_case, ready_plan, step

TODAY = TEST_TODAY
START = TODAY - timedelta(days=60)


@pytest.fixture(scope="module")
def caseload(tmp_path_factory) -> tuple[Path, str, str]:
    path = tmp_path_factory.mktemp("plan-cli") / "c.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    try:
        pid = new_case(db, START)
        plan, _g, _st = ready_plan(db, pid, START)
        g2 = sp.add_goal(db, plan, goal("Drugs", "drugs", "Attend the drug service", "3_months"), START)
        sp.add_step(db, g2, step("Assessment at the drug service", "partnership_agency", START + timedelta(days=10),
                                 partner="drug_alcohol_service"), today=START)
        sp.record_agreement(db, plan, sp.AgreementIn("yes"), START)
        assert sp.complete_plan(db, plan, acknowledge_warnings=True, today=START).completed
        with db.read() as s:
            crn = s.get(Person, pid).crn
        bare = new_case(db, START)
        with db.read() as s:
            none_crn = s.get(Person, bare).crn
    finally:
        db.close()
    return path, crn, none_crn


def test_show_json(caseload, capsys, monkeypatch):
    path, crn, _none = caseload
    monkeypatch.setenv("LPT_PASSPHRASE", PASSPHRASE)
    assert main(["plan", "show", "--db", str(path), "--crn", crn, "--as-of", TODAY.isoformat(), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["crn"] == crn and data["type"] == "initial" and data["status"] == "complete"
    assert data["agreement"]["answer"] == "yes"
    assert data["agreement"]["persons_words"] == "I want my own place and to stop sofa surfing"
    assert data["review_due"] == "2027-03-24"  # six months from the plan completed on 24/09/2026
    first, second = data["goals"]
    assert (first["title"], first["area"], first["outcome"], first["status"], first["flags"]) == (
        "A settled home", "accommodation", "Sam has a settled home", "active", [])
    assert first["target_date"] == add_months(START, 6).isoformat()
    assert first["steps"] == [{"what": "Register with the housing options team", "who": "The person on probation",
                               "by": (START + timedelta(days=28)).isoformat(), "status": "not_started"}]
    assert second["flags"] == ["activity_only"]
    assert second["steps"][0]["who"] == "Drug or alcohol service (a partnership agency)"


def test_a_case_with_no_plan_and_an_unknown_crn(caseload, capsys, monkeypatch):
    path, _crn, none_crn = caseload
    monkeypatch.setenv("LPT_PASSPHRASE", PASSPHRASE)
    assert main(["plan", "show", "--db", str(path), "--crn", none_crn, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["type"] is None and data["status"] == "none" and data["goals"] == []
    assert main(["plan", "show", "--db", str(path), "--crn", "Z999999", "--json"]) == 2
    err = capsys.readouterr().err
    assert "Z999999 is not on this caseload" in err and "Traceback" not in err


def test_show_in_words_as_a_process(caseload, tmp_path):
    path, crn, _none = caseload
    env = {"LPT_PASSPHRASE": PASSPHRASE, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "LPT_TEST_TODAY": TODAY.isoformat()}
    result = subprocess.run([sys.executable, "-m", "lpt_desktop.cli", "plan", "show", "--db", str(path),
                             "--crn", crn, "--as-of", TODAY.isoformat()], env=env, capture_output=True, text=True,
                            timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(f"{crn}: initial sentence plan, complete on 24/09/2026")
    assert "In their words: I want my own place" in out and "Flag: activity only" in out
    assert "Register with the housing options team: The person on probation, by " in out
