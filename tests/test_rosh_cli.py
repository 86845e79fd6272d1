"""`lpt rosh show --db PATH --crn CRN [--json]` (issue 18): the current screening's result, the summary with each
group's community and custody levels, the plan's actions with who, what and when, the signing status, the review
date as yyyy-mm-dd and the share of text carried forward. In-process (cli.main), one real process for the words."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from lpt_desktop.cli import main
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import rosh, rosh_plan
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.rosh_fill import full, levels, required_sources

TODAY = TEST_TODAY
CRN = "K123456"
FIRST = TODAY - timedelta(days=400)


@pytest.fixture(scope="module")
def caseload(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rosh-cli") / "c.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    try:
        pid = cr.create_case(db, cr.NewCase(CRN, "Jo", "Bloggs", date(1990, 5, 6), cr.SentenceIn(
            "CO", FIRST, FIRST + timedelta(days=730), requirements=(cr.RequirementIn("UPW", {"hours": 60}),))),
            today=FIRST)
        first = rosh.start_assessment(db, pid, today=FIRST)
        full(db, first, "M", FIRST)
        assert rosh.complete_assessment(db, first, today=FIRST).completed
        review = rosh.start_assessment(db, pid, today=TODAY)
        rosh.set_sources(db, review, required_sources(), {})
        rosh.save_summary(db, review, rosh.SummaryDraft(texts={"nature": "Physical harm and threats to kill."},
                                                        community={**levels("M"), "known_adult": "H"}), TODAY)
        for key in rosh.assessment_view(db, review, TODAY).unconfirmed:
            rosh.confirm_carried(db, review, key, TODAY)
        assert rosh.complete_assessment(db, review, today=TODAY).completed
        plan = rosh_plan.start_plan(db, pid, TODAY)
        rosh_plan.add_action(db, plan, rosh_plan.ActionIn("monitoring_control", "Police PPU", "Joint home visit",
                                                          TODAY + timedelta(days=14)), TODAY)
        rosh_plan.add_action(db, plan, rosh_plan.ActionIn("supervision", "Offender manager", "Weekly reporting"),
                             TODAY)
    finally:
        db.close()
    return path


def test_show_json(caseload, capsys, monkeypatch):
    monkeypatch.setenv("LPT_PASSPHRASE", PASSPHRASE)
    assert main(["rosh", "show", "--db", str(caseload), "--crn", CRN.lower(), "--as-of", TODAY.isoformat(),
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["crn"] == CRN and data["rosh_level"] == "H" and data["signing_status"] == "awaiting_countersignature"
    assert data["screening"]["kind"] == "review" and data["screening"]["full_analysis"] == "done"
    assert data["screening"]["triggers"] == [{"question": "domestic_abuse", "period": "current", "answer": "yes"}]
    levels_json = data["summary"]["levels"]
    assert set(levels_json) == {"children", "public", "known_adult", "staff", "prisoners"}
    assert levels_json["known_adult"] == {"community": "H", "custody": None}
    assert levels_json["prisoners"] == {"community": None, "custody": None}
    assert data["summary"]["nature"] == "Physical harm and threats to kill."
    assert data["plan"]["status"] == "draft" and data["plan_required"]
    assert [(a["section"], a["who"], a["what"], a["by_when"]) for a in data["plan"]["actions"]] == [
        ("supervision", "Offender manager", "Weekly reporting", None),
        ("monitoring_control", "Police PPU", "Joint home visit", (TODAY + timedelta(days=14)).isoformat())]
    assert data["review_due"] == "2027-05-21"  # six months from the review, to a working day
    # Everything but the rewritten nature of the risk was carried from 400 days ago and confirmed.
    assert 0.5 < data["carried_forward_share"] < 1 and data["oldest_carried"] == FIRST.isoformat()


def test_an_unknown_crn_is_one_line(caseload, capsys, monkeypatch):
    monkeypatch.setenv("LPT_PASSPHRASE", PASSPHRASE)
    assert main(["rosh", "show", "--db", str(caseload), "--crn", "Z999999", "--json"]) == 2
    err = capsys.readouterr().err
    assert "Z999999 is not on this caseload" in err and "Traceback" not in err


def test_show_in_words_as_a_process(caseload, tmp_path):
    env = {"LPT_PASSPHRASE": PASSPHRASE, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "LPT_TEST_TODAY": TODAY.isoformat()}
    result = subprocess.run([sys.executable, "-m", "lpt_desktop.cli", "rosh", "show", "--db", str(caseload),
                             "--crn", CRN, "--as-of", TODAY.isoformat()], env=env, capture_output=True, text=True,
                            timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(f"{CRN}: RoSH high")
    assert "Known adult  high" in out and "Supervision: Offender manager: Weekly reporting by (when?)" in out
    assert "Due 21/05/2027" in out and "Signing: awaiting countersignature" in out
    assert f"the oldest from {FIRST:%d/%m/%Y}" in out
