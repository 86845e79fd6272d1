"""The practice audit exported (services/practice_export.py, reports/practice_pdf.py): the team's PDF has the
team view's figures, one case's PDF its checklist, the CSV one row per case per check as the audit says, and no
cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from lpt_desktop.practice.checks import NOT_MET, CheckResult, all_checks
from lpt_desktop.practice.score import CaseAudit
from lpt_desktop.practice.team import criterion_shares
from lpt_desktop.services import practice, practice_export
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.unlock import create_caseload, unlock
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.sync import state
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.pdftext import pdf_text
from tests.plan_fill import complete_needs, new_case, ready_plan
from tests.rosh_fill import complete_screened_out

TODAY = TEST_TODAY
START = TODAY - timedelta(days=60)
PRINTED = datetime(2026, 11, 23, 10, 0)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """Two cases of one officer: one with its screening, needs and an agreed plan; one with nothing done."""
    path = tmp_path_factory.mktemp("practice_export") / "c.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    try:
        done = new_case(db, START, gender="Female")
        complete_screened_out(db, done, START + timedelta(days=2), "L")
        complete_needs(db, done, START + timedelta(days=3), {"accommodation": "standard"})
        plan, _g, _st = ready_plan(db, done, START + timedelta(days=4))
        sp.record_agreement(db, plan, sp.AgreementIn("yes"), START + timedelta(days=4))
        assert sp.complete_plan(db, plan, acknowledge_warnings=True, today=START + timedelta(days=4)).completed
        new_case(db, START)
    finally:
        db.close()
    return path


@pytest.fixture
def db(small) -> Iterator[Database]:
    d = unlock(small, PASSPHRASE)
    yield d
    d.close()


@pytest.fixture
def manager_db(db: Database) -> Iterator[Database]:
    """The same file as a team manager's laptop (put back to an officer's after the test)."""
    with db.write() as s:
        state.put(s, **{state.ROLE: "team_manager", state.USERNAME: "mgr1", state.DISPLAY_NAME: "Pat Senior"})
    try:
        yield db
    finally:
        with db.write() as s:
            state.put(s, **{state.ROLE: None, state.USERNAME: None, state.DISPLAY_NAME: None})


def test_the_csv_is_one_row_per_case_per_check_as_the_audit_says(db):
    data = practice_export.audit_csv_bytes(db, TODAY)
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 by its byte order mark
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    audits = practice.audit(db, TODAY)
    # review 21 item 13: the officer, the name and the case's score were missing
    assert rows[0] == ["crn", "name", "officer", "score (%)", "check id", "criterion", "status", "reason"]
    assert rows[1:] == [[a.crn, a.name, a.officer, "" if a.score is None else f"{a.score * 100:.1f}", r.check.id,
                         r.check.criterion, r.status, r.reason] for a in audits for r in a.results]
    assert len(rows) == 1 + 2 * len(all_checks())
    assert {r[6] for r in rows[1:]} == {"met", "not_met", "not_applicable"}
    assert {r[2] for r in rows[1:]} == {"Alex Morgan"} and all(r[1] for r in rows[1:])


@pytest.mark.parametrize(("text", "cell"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+44 1772", "'+44 1772"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\r=1", "'\r=1"), ("Seen at home", "Seen at home"),
    ("a=b", "a=b"), ("", ""), (None, ""),
])
def test_a_cell_a_spreadsheet_would_run_is_made_text(text, cell):
    assert practice_export.safe_cell(text) == cell


def test_a_reason_that_looks_like_a_formula_is_written_as_text():
    check = all_checks()[0]
    audit = CaseAudit("p1", "=X12345", "=Sam Patel", "@Alex Morgan",
                      (CheckResult(check, NOT_MET, "=cmd|' /C calc'!A0", check.screen),))
    rows = practice_export.csv_rows([audit])
    assert rows[1] == ["'=X12345", "'=Sam Patel", "'@Alex Morgan", "0.0", check.id, check.criterion, "not_met",
                       "'=cmd|' /C calc'!A0"]
    back = list(csv.reader(io.StringIO(practice_export.csv_bytes(rows).decode("utf-8-sig"))))
    assert back == rows


def test_the_team_pdf_has_the_team_view_figures(manager_db):
    db = manager_db
    view = practice.team_view(db, TODAY)
    text = pdf_text(practice_export.team_pdf_bytes(db, TODAY, PRINTED))
    assert "OFFICIAL-SENSITIVE" in text and "Practice audit: the team" in text
    assert view.note in " ".join(text.split())
    assert "As of 23/11/2026" in text and "Printed 23/11/2026 10:00" in text
    for c in view.team.checks:
        assert c.check.id in text
    rosh = next(c for c in view.team.checks if c.check.id == "rosh_screening_on_time")
    assert (rosh.team.met, rosh.team.applicable) == (1, 2)
    assert "50% (1 of 2)" in text
    assert "Alex Morgan: 50% (1 of 2), Met" in text  # the officer's share and rating
    # The chart: each criterion with its share met, as the team view's criterion shares.
    for criterion, share in criterion_shares(view.audits).items():
        assert criterion in text
        assert f"{share.met / share.applicable * 100:.0f}%" in text
    assert "Share of applicable checks met" in text
    # The cases most needing attention, with the checks they do not meet.
    assert "Cases most needing attention" in text
    worst = view.team.attention[0]
    assert worst.crn in text
    for r in worst.unmet:
        assert r.check.id in text


def test_an_officers_pdf_is_their_own_figures_unrated(db):
    text = pdf_text(practice_export.team_pdf_bytes(db, TODAY, PRINTED))
    assert "Practice audit: your own cases" in text and "Your own figures (Alex Morgan, 2 cases)" in text
    assert ", Met (" not in text and "rated against the team's average" not in text


def test_one_case_pdf_is_its_checklist(db):
    audits = practice.audit(db, TODAY)
    bare = min(audits, key=lambda a: a.score or 0)
    text = pdf_text(practice_export.case_pdf_bytes(db, bare.person_id, TODAY, PRINTED))
    flat = " ".join(text.split())
    assert f"Inspection readiness: {bare.name} ({bare.crn})" in flat
    applicable = [r for r in bare.results if r.status != "not_applicable"]
    met = sum(r.status == "met" for r in applicable)
    assert f"({met} of {len(applicable)} applicable checks met)" in flat
    joined = text.replace("\n", "")  # a long check id wraps in its column
    for r in bare.results:
        assert r.check.id in joined
    first_unmet = bare.unmet[0]
    assert " ".join(first_unmet.reason.split())[:40] in flat
    assert " ".join(first_unmet.check.action.split())[:30] in flat


def test_a_file_is_written_whole(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    target = practice_export.write_file(folder / "audit.csv", b"crn\r\n")
    assert target.read_bytes() == b"crn\r\n" and [p.name for p in folder.iterdir()] == ["audit.csv"]
    assert practice_export.suggested_name("pdf", TODAY) == "Practice audit 23-11-2026.pdf"


def test_the_team_pdf_counts_in_words_and_keeps_unallocated_cases_apart():
    # review 21 items 3, 7 and 12: "1 officers", the unallocated row counted as an officer, "previous period"
    from lpt_desktop.reports.practice_pdf import TeamReport, team_pdf

    report = TeamReport("Practice audit: the team", "Team figures.", TODAY, TODAY - timedelta(days=31), 1,
                        ("Alex Morgan", "Not known"), (), (), (), rated=True, unallocated=1)
    flat = " ".join(pdf_text(team_pdf(report, PRINTED)).split())
    assert "beside the same audit a month earlier (23/10/2026)" in flat
    assert "1 case, 1 officer (1 case with no known holder)." in flat
    assert "A month earlier" in flat and "Last period" not in flat
