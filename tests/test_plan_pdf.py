"""The sentence plan PDF for the person (issue 20): plain words to the person, their own words, goals with what
will be different and steps with who and by when, the agreement and lines to sign, OFFICIAL-SENSITIVE on every
page, and a large-print version at 16 pt. Text extracted with pypdf (tests/pdftext.py)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.reports.plan_pdf import GoalBlock, PlanDocument, StepLine, build_plan_pdf
from lpt_desktop.services import plan_document as pd
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.pdftext import pdf_pages, pdf_text
from tests.plan_fill import new_case, ready_plan, step

TODAY = TEST_TODAY

DOC = PlanDocument(
    name="Siân O'Brien", crn="A123456", officer="Alex Morgan", office="Preston", plan_type="Initial", draft=False,
    made_on=TODAY, persons_words="I want my own place so my kids can stay at weekends.",
    goals=(GoalBlock(1, "Stay calm", "Siân walks away when angry & there are no more fights", TODAY + timedelta(90),
                     "working on it now", (StepLine("Thinking Skills Programme sessions", "Programme staff",
                                                    TODAY + timedelta(60), "Not started"),),
                     ("Thinking Skills Programme",)),
           GoalBlock(2, "Get a job", "Siân is in paid work", None, "for later")),
    agreement="Yes, I agree", agreement_on=TODAY, review_due=date(2027, 5, 21))


def _sizes(pdf: bytes, words: str) -> set[float]:
    """The font sizes the text holding `words` is drawn at."""
    found: set[float] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        def visit(text: str, _cm: object, tm: list[float], _font: object, size: float) -> None:
            if words in text:
                found.add(round(size * abs(tm[3] or 1), 1))
        page.extract_text(visitor_text=visit)
    return found


def test_the_plan_speaks_to_the_person_and_prints_goals_steps_agreement_and_signature_lines():
    pdf = build_plan_pdf(DOC)
    text = " ".join(pdf_text(pdf).split())  # table cells wrap their words onto lines
    for expected in ("Your sentence plan", "In your own words", "I want my own place so my kids can stay at weekends.",
                     "Goal 1: Stay calm", "What will be different:", "walks away when angry & there are no more fights",
                     "Thinking Skills Programme sessions", "Programme staff", "Part of your order:",
                     "No date yet: this is a goal for later", "Do you agree with this plan?", "Yes, I agree",
                     "Your signature", "Probation practitioner", "Next review by: 21/05/2027", "Siân O'Brien"):
        assert expected in text, expected
    pages = pdf_pages(pdf)
    assert all(p.count("OFFICIAL-SENSITIVE") == 2 and f"of {len(pages)}" in p for p in pages)
    assert "DRAFT" not in text


def test_large_print_is_16_point_throughout():
    normal, large = build_plan_pdf(DOC), build_plan_pdf(PlanDocument(**{**DOC.__dict__, "large_print": True}))
    assert _sizes(normal, "What will be different") == {10.5}
    assert min(_sizes(large, "What will be different")) >= 16
    assert min(_sizes(large, "Your signature")) >= 16 and min(_sizes(large, "You said")) >= 16
    assert "Step 1: Thinking Skills Programme sessions" in " ".join(pdf_text(large).split())
    assert "(large print)" in pdf_text(large)


def test_a_plan_not_agreed_yet_offers_the_answers_to_tick_and_a_draft_says_so():
    pdf = build_plan_pdf(PlanDocument(**{**DOC.__dict__, "agreement": "", "draft": True, "persons_words": ""}))
    text = pdf_text(pdf)
    assert "DRAFT" in text and "No, I do not agree" in text and "Not written down yet" in text


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("plan-pdf") / "p.lptdb", PASSPHRASE, "Alex Morgan",
                               "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


def test_the_document_comes_from_the_plan_and_says_you_for_the_person(db, tmp_path):
    pid = new_case(db, TODAY - timedelta(days=30))
    with pytest.raises(ValidationError, match="no plan"):
        pd.plan_document(db, pid, TODAY)
    plan, g, _st = ready_plan(db, pid, TODAY)
    sp.add_step(db, g, step("Referral for tenancy support", "partnership_agency", TODAY + timedelta(days=7),
                            partner="accommodation_provider"))
    sp.record_agreement(db, plan, sp.AgreementIn("no", "Wants the job goal first"), TODAY)
    doc = pd.plan_document(db, pid, TODAY)
    assert doc.draft and doc.goals[0].steps[0].who == "You"
    assert doc.goals[0].steps[1].who.startswith("Accommodation provider")
    assert doc.agreement == "No, I do not agree" and doc.agreement_details == "Wants the job goal first"
    out = tmp_path / pd.suggested_name("N1", TODAY, large_print=True)
    assert pd.export_plan_pdf(db, pid, out, large_print=True, today=TODAY) > 0
    text = " ".join(pdf_text(out).split())
    assert "I want my own place and to stop sofa surfing" in text and "Wants the job goal first" in text


def test_the_pdf_says_they_made_the_plan_together_only_when_their_involvement_is_recorded(db):
    """Review of issue 20 (19): a plan made without the person recorded as taking part must not tell them they
    made it."""
    pid = new_case(db, TODAY - timedelta(days=30))
    plan, _g, _st = ready_plan(db, pid, TODAY)  # involvement recorded: "Wrote the plan together at the office"
    text = " ".join(pdf_text(pd.plan_pdf_bytes(db, pid, today=TODAY)).split())
    assert "You made it with your probation practitioner." in text
    sp.set_persons_words(db, plan, "I want my own place", involvement="")
    assert not pd.plan_document(db, pid, TODAY).involved
    text = " ".join(pdf_text(pd.plan_pdf_bytes(db, pid, today=TODAY)).split())
    assert "You made it" not in text and "This plan sets out what you want to change" in text


def _many_goals(large: bool) -> PlanDocument:
    """Twelve goals whose outcomes differ in length, so page ends fall at every point of a goal."""
    goals = tuple(GoalBlock(n, f"Goal title {n}", "Siân has a settled life. " * (1 + (n * 7) % 11),
                            TODAY + timedelta(90), "working on it now",
                            tuple(StepLine(f"Step {k} of goal {n} in words", "You", TODAY + timedelta(30),
                                           "Not started") for k in range(1, 3 + n % 3)))
                  for n in range(1, 13))
    return PlanDocument(**{**DOC.__dict__, "goals": goals, "large_print": large})


@pytest.mark.parametrize("large", [True, False])
def test_a_goal_heading_is_never_split_from_its_first_step_across_pages(large):
    """Issue 20 walk 13: in large print a goal's heading ended a page with its steps over the page."""
    pages = [" ".join(p.split()) for p in pdf_pages(build_plan_pdf(_many_goals(large)))]
    assert len(pages) > (6 if large else 2)
    for n in range(1, 13):
        heading = next(i for i, p in enumerate(pages) if f"Goal {n}: Goal title {n}" in p)
        assert f"Step 1 of goal {n} in words" in pages[heading], (n, heading)
    first = next(i for i, p in enumerate(pages) if "Goal 1: Goal title 1" in p)
    assert "Your goals" in pages[first]  # nor the goals' heading from the first goal


def test_large_print_marks_every_page_at_the_large_size_too():
    """The marking, the person's name and CRN, and Page n of m are large in large print (they stayed at 8 and 9
    point), and still on every page."""
    pdf = build_plan_pdf(_many_goals(True))
    pages = pdf_pages(pdf)
    assert all(p.count("OFFICIAL-SENSITIVE") == 2 and f"Page {n} of {len(pages)}" in p
               for n, p in enumerate(pages, start=1))
    assert min(_sizes(pdf, "OFFICIAL-SENSITIVE")) >= 16
    assert min(_sizes(pdf, f"of {len(pages)}")) >= 14 and min(_sizes(pdf, "CRN A123456")) >= 14
    assert min(_sizes(pdf, "(large print)")) >= 14
    normal = build_plan_pdf(DOC)
    assert max(_sizes(normal, "OFFICIAL-SENSITIVE")) <= 9  # normal print keeps its small marking
