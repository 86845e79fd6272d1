"""The report PDF read back as text: headings, marking and 'Page n of m' on every page, password, export."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest

from lpt_desktop.services import court
from tests.court.conftest import COURT, FULL, TODAY
from tests.pdftext import pdf_pages

HEADINGS = ["1. Offender details", "2. Sentencing court", "3. Offence details", "4. Offence analysis",
            "5. Offender assessment", "6. Risk assessment", "7. Conclusion and proposal",
            "8. Sources of information", "9. Sign-off"]
TITLES = {"oral": "Record of oral pre-sentence report", "fdr": "Pre-sentence report (fast delivery)",
          "sdr": "Pre-sentence report (standard delivery)", "addendum": "Addendum pre-sentence report"}
LONG = " ".join(["He described the events in detail and the account matched the CPS summary closely."] * 40)


def pages(pdf: bytes, _tmp_path=None, password: str | None = None) -> list[str]:  # noqa: ANN001
    """The text of each page, read back with pypdf."""
    return [p for p in pdf_pages(pdf, password) if p.strip()]


def _report(cl, kind: str, sections=FULL, ready: bool = True) -> str:
    req = court.create_request(cl.db, person_id=cl.person_id, hearing_date=date(2026, 12, 21), report_type=kind,
                               remanded=False, requested_on=TODAY, **COURT)
    rid = court.start_report(cl.db, req, today=TODAY)
    for section, fields in sections.items():
        court.save_section(cl.db, rid, section, fields)
    if ready:
        court.confirm_prefill(cl.db, rid, "offender_details")
        court.mark_ready(cl.db, rid, today=TODAY)
    return rid


def check_every_page(texts: list[str]) -> None:
    n = len(texts)
    for i, text in enumerate(texts, 1):
        assert text.count("OFFICIAL-SENSITIVE") == 2, f"page {i}: marking top and bottom"
        assert f"Page {i} of {n}" in text, f"page {i}"
    joined = "\n".join(texts)
    assert len(re.findall(r"Page \d+ of \d+", joined)) == n


ORAL_HEADINGS = ["1. Offence", "2. Relevant background", "3. Risk", "4. Proposal", "5. Sources"]


@pytest.mark.parametrize("kind", ["oral", "fdr", "sdr", "addendum"])
def test_each_report_type_renders_with_headings_marking_and_page_numbers(caseload, tmp_path, kind):
    rid = _report(caseload, kind)
    texts = pages(court.render_pdf(caseload.db, rid), tmp_path)
    check_every_page(texts)
    text = "\n".join(texts)
    assert TITLES[kind] in text
    positions = [text.index(h) for h in (ORAL_HEADINGS if kind == "oral" else HEADINGS)]
    assert positions == sorted(positions), "sections in order"
    for words in ("Preston Magistrates' Court", "Lancashire", "Dale Whittaker", "P123456", "06/05/1990",
                  "21/12/2026", "Theft from a shop", "14/10/2026", "Community order", "Unpaid work (hours 80)",
                  "Drug rehabilitation (months 6, testing yes)", "Outline sentence plan", "Domestic abuse checks",
                  "Signed by Alex Morgan on 23/11/2026", "Preston Central"):
        assert words in text, words
    assert "DRAFT" not in text and "not yet confirmed" not in text


def test_oral_record_is_compact(caseload, tmp_path):
    oral_pages = pages(court.render_pdf(caseload.db, _report(caseload, "oral")), tmp_path)
    assert len(oral_pages) == 1, "the oral record is one page"
    oral = oral_pages[0]
    assert "Page 1 of 1" in oral
    for heading in HEADINGS[2:]:  # not the written report's nine sections
        assert heading not in oral, heading
    sdr = "\n".join(pages(court.render_pdf(caseload.db, _report(caseload, "sdr")), tmp_path))
    # Fields the compact form leaves out (trauma, alternatives) print only in the written reports.
    assert "Time in care." in sdr and "Time in care." not in oral
    assert "SSO considered." in sdr and "SSO considered." not in oral
    # Long notes shrink onto the one page rather than run on.
    long = {**FULL, "offence_details": {**FULL["offence_details"], "summary": LONG}}
    assert len(pages(court.render_pdf(caseload.db, _report(caseload, "oral", long)), tmp_path)) == 1


def test_a_long_report_runs_over_pages_each_marked_and_numbered(caseload, tmp_path):
    long = {**FULL, "offence_analysis": {"analysis": LONG, "pattern": LONG},
            "offender_assessment": {**FULL["offender_assessment"], "issues_detail": LONG}}
    texts = pages(court.render_pdf(caseload.db, _report(caseload, "sdr", long)), tmp_path)
    assert len(texts) >= 4
    check_every_page(texts)


def test_a_draft_says_so_and_marks_unconfirmed_prefill(caseload, tmp_path):
    rid = _report(caseload, "fdr", sections={}, ready=False)
    text = "\n".join(pages(court.render_pdf(caseload.db, rid), tmp_path))
    assert "DRAFT: not yet signed" in text
    assert "from the case record, not yet confirmed" in text
    assert "Nothing recorded." in text  # empty sections still show their heading
    for h in HEADINGS:
        assert h in text
    assert "Not yet signed" in text


def test_password_protected_pdf_opens_only_with_the_password(caseload, tmp_path):
    rid = _report(caseload, "sdr")
    pdf = court.render_pdf(caseload.db, rid, password="s3cret-court")
    assert b"/Encrypt" in pdf
    assert b"Whittaker" not in pdf
    path = tmp_path / "locked.pdf"
    path.write_bytes(pdf)
    with pytest.raises(PermissionError):
        pdf_pages(path, password="wrong")
    texts = pages(pdf, tmp_path, password="s3cret-court")
    check_every_page(texts)
    assert "Dale Whittaker" in texts[0]


def test_rendering_is_reproducible(caseload):
    rid = _report(caseload, "fdr")
    assert court.render_pdf(caseload.db, rid) == court.render_pdf(caseload.db, rid)


def test_export_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "out" / "report.pdf"
    target.parent.mkdir()
    court.export_pdf(target, b"%PDF-first")
    assert target.read_bytes() == b"%PDF-first"
    court.export_pdf(target, b"%PDF-second")
    assert target.read_bytes() == b"%PDF-second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.pdf"]

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        court.export_pdf(target, b"%PDF-third")
    assert target.read_bytes() == b"%PDF-second"  # the old file untouched
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.pdf"]  # no temp file left behind
