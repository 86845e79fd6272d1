"""The RoSH summary and plan document filled from a real case (services/rosh_document.py): the person, the levels
by group, the summary with text carried forward and who confirmed it, the plan's actions with their evidence
counts and sharing; and the PDF written from it read back (marking, person, actions)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from lpt_desktop.domain.contacts import ContactInput
from lpt_desktop.reports.marking import MARKING
from lpt_desktop.services import cases, contacts, rosh, rosh_plan
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.services.rosh_document import export_rosh_pdf, rosh_document
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.pdftext import pdf_pages
from tests.rosh_fill import full

FIRST = TEST_TODAY - timedelta(days=400)  # the first assessment; the review on TEST_TODAY carries its text
WHO = "His former partner, Dana Lee, and her two children"


def make_caseload(path: Path) -> Database:
    """A small real caseload (SQLCipher file) to add a case to."""
    return create_demo(path, PASSPHRASE, DemoSpec(cases=2, contacts_per_case=2, seed=3, today=TEST_TODAY),
                       kdf=KdfParams.fast())


def assessed_case(db: Database, crn: str = "Z900001", level: str = "M") -> str:
    """A case on a community order with a full assessment a year ago and a review today that carries its text
    forward (each carried section confirmed): medium RoSH, so a plan is required."""
    pid = cases.add_person(db, crn=crn, first_name="Jordan", last_name="O'Hara", date_of_birth=date(1990, 5, 6),
                           officer_id=db.officer_id, today=FIRST, pnc="2008/0012345B")
    cases.add_sentence(db, pid, order_type="CO", start_date=FIRST - timedelta(days=10),
                       end_date=TEST_TODAY + timedelta(days=365))
    for on in (FIRST, TEST_TODAY):
        aid = rosh.start_assessment(db, pid, today=on)
        full(db, aid, level, on, who=WHO)
        for key in rosh.assessment_view(db, aid, on).unconfirmed:
            rosh.confirm_carried(db, aid, key, on)
        done = rosh.complete_assessment(db, aid, acknowledge_warnings=True, today=on)
        assert done.completed, done.warnings
    return pid


def contact_on(db: Database, pid: str, action_ids: tuple[str, ...], days_ago: int = 1) -> str:
    """An attended office contact that delivered these plan actions (linked in the same write)."""
    when = datetime.combine(TEST_TODAY - timedelta(days=days_ago), time(10, 0))
    return contacts.record_contact(db, pid, ContactInput(
        type_code="COAP", starts_at=when, outcome="ATTC", notes="Discussed the safety plan.",
        rmp_action_ids=action_ids), now=when + timedelta(hours=1))


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> tuple[Database, str, dict[str, str]]:
    db = make_caseload(tmp_path_factory.mktemp("rosh_doc") / "caseload.lptdb")
    pid = assessed_case(db)
    plan = rosh_plan.start_plan(db, pid, TEST_TODAY)
    ids = {
        "home": rosh_plan.add_action(db, plan, rosh_plan.ActionIn(
            "supervision", "Offender manager", "Weekly home visit & check <address>", TEST_TODAY + timedelta(7)),
            TEST_TODAY),
        "police": rosh_plan.add_action(db, plan, rosh_plan.ActionIn(
            "victim_safety", "Police public protection unit", "Mark the victim's address for urgent response",
            TEST_TODAY + timedelta(14)), TEST_TODAY),
    }
    contact_on(db, pid, (ids["home"],), 2)
    contact_on(db, pid, (ids["home"],), 1)
    rosh_plan.record_sharing(db, plan, "mappa", TEST_TODAY - timedelta(days=1), today=TEST_TODAY)
    rosh_plan.record_sharing(db, plan, "other", TEST_TODAY, "Women's Aid", today=TEST_TODAY)
    assert rosh_plan.complete_plan(db, plan, today=TEST_TODAY).completed
    yield db, pid, ids
    db.close()


def test_the_document_holds_the_case_levels_carried_text_and_evidence(case):
    db, pid, _ids = case
    doc = rosh_document(db, pid, TEST_TODAY)
    assert (doc.person.name, doc.person.crn, doc.person.pnc) == ("Jordan O'Hara", "Z900001", "2008/0012345B")
    assert doc.assessed_on == TEST_TODAY and doc.status == "Complete" and doc.countersign == "Self-signed"  # a PO
    assert doc.overall == "M"
    levels = {r.group: (r.community, r.custody, r.custody_only) for r in doc.levels}
    assert levels["Children"][0] == "M" and levels["Prisoners"] == (None, None, True)
    summary = {s.heading: s for s in doc.summary}
    who = summary["Who is at risk"]
    assert who.text == WHO
    # Unchanged since the first assessment: the print says so, with who confirmed it and when.
    assert who.carried is not None and who.carried.written_on == FIRST
    assert who.carried.confirmed_on == TEST_TODAY and who.carried.confirmed_by
    assert summary["Analysis"].text == "" and summary["Analysis"].carried is None
    assert doc.plan is not None and doc.plan_required
    sections = {s.heading: s.actions for s in doc.plan.sections}
    assert [(a.who, a.evidence) for a in sections["Supervision"]] == [("Offender manager", 2)]
    assert [(a.what, a.evidence) for a in sections["Victim safety planning"]] == [
        ("Mark the victim's address for urgent response", 0)]
    assert [(w.agency, w.on) for w in doc.plan.shared_with] == [
        ("MAPPA", TEST_TODAY - timedelta(days=1)), ("Other: Women's Aid", TEST_TODAY)]


def test_the_pdf_written_says_the_marking_the_person_and_the_actions(case, tmp_path):
    db, pid, _ids = case
    path = tmp_path / "rosh.pdf"
    assert export_rosh_pdf(db, pid, path, TEST_TODAY) == path.stat().st_size > 0
    pages = [re.sub(r"\s+", " ", p) for p in pdf_pages(path)]
    text = " ".join(pages)
    assert all(MARKING in p and "Z900001" in p for p in pages)
    for expected in ("Jordan O'Hara", "Weekly home visit & check <address>", "Police public protection unit",
                     "2 contacts", "No evidence yet", f"Carried forward from {FIRST:%d/%m/%Y}", "Medium",
                     "Other: Women's Aid"):
        assert expected in text, expected


def test_no_completed_assessment_is_refused_by_name(case):
    db, _pid, _ids = case
    pid = cases.add_person(db, crn="Z900002", first_name="Sam", last_name="New", date_of_birth=date(1995, 1, 2),
                           officer_id=db.officer_id, today=TEST_TODAY)
    with pytest.raises(rosh.ValidationError) as err:
        rosh_document(db, pid, TEST_TODAY)
    assert "RoSH summary" in str(err.value.errors[0])
