"""The RoSH summary and risk management plan PDF read back as text: marking, person and CRN and 'Page n of m'
on every page, levels in words with the highest in bold, headings, actions, carried-forward marks, escaping,
a long plan splitting over pages with its header row repeated, and only the embedded font."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from lpt_desktop.reports import fonts
from lpt_desktop.reports.rosh_pdf import (
    NO_ACTIONS,
    NO_EVIDENCE,
    NOT_REQUIRED,
    NOT_WRITTEN,
    TITLE,
    Carried,
    LevelRow,
    PlanAction,
    PlanSection,
    RiskPlan,
    RoshDocument,
    RoshPerson,
    SharedWith,
    SummarySection,
    build_rosh_pdf,
    fit_line,
)
from tests.pdftext import pdf_pages
from tests.test_pdf_fonts import STANDARD_14, fonts_used

NAME = "Siobhán O'Brien <Jr> & Sons"  # an apostrophe and markup characters must print as typed
CRN = "L123456"
SUMMARY_HEADINGS = ("Who is at risk", "Nature of the risk", "When is the risk greatest", "What increases the risk",
                    "What reduces the risk", "Analysis")
PLAN_HEADINGS = ("Key information about the current situation", "Further considerations", "Supervision",
                 "Monitoring and control", "Interventions and treatment", "Victim safety planning",
                 "Contingency plans", "Additional comments")
HEADER_ROW = "Who What By when Evidence"
LEVELS = (LevelRow("Children", "M", "L"), LevelRow("Public", "L", "L"), LevelRow("Known adult", "H", "M"),
          LevelRow("Staff", "VH", None), LevelRow("Prisoners", None, "H", custody_only=True))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _pages(pdf: bytes) -> list[str]:
    return [_flat(p) for p in pdf_pages(pdf)]


def _doc(plan: RiskPlan | None, plan_required: bool = True, name: str = NAME,
         summary_text: str = "Her former partner & his children <under 5>.") -> RoshDocument:
    summary = tuple(SummarySection(h, f"{h} text: {summary_text}") for h in SUMMARY_HEADINGS[:-1]) + (
        SummarySection("Analysis", "The levels follow the pattern of violence.",
                       Carried(date(2024, 3, 12), "Alex O'Neill", date(2026, 11, 20))),)
    return RoshDocument(
        person=RoshPerson(name, CRN, date(1988, 4, 2), "2005/0123456A", "14 Ribble Way\nPreston PR2 8AB"),
        officer="Alex O'Neill", office="Preston Central", assessed_on=date(2026, 11, 23), status="Complete",
        countersign="Awaiting countersignature", overall="VH", summary=summary, levels=LEVELS, plan=plan,
        plan_required=plan_required)


def _plan() -> RiskPlan:
    sections = []
    for i, heading in enumerate(PLAN_HEADINGS):
        actions = () if heading == "Further considerations" else (
            PlanAction(f"Police unit {i}", f"Check & report <weekly> on action {i}", date(2026, 12, 1 + i), i % 3),)
        carried = Carried(date(2025, 6, 1)) if heading == "Supervision" else None
        sections.append(PlanSection(heading, actions, carried=carried))
    return RiskPlan(tuple(sections), (SharedWith("MAPPA", date(2026, 11, 18)), SharedWith("Approved premises", None)))


@pytest.fixture(scope="module")
def full() -> bytes:
    return build_rosh_pdf(_doc(_plan()))


@pytest.fixture(scope="module")
def long_plan() -> bytes:
    # One section with 40 actions: it must run over pages; the long name must not push the CRN off the page.
    actions = tuple(PlanAction("Probation practitioner", f"Weekly appointment number {k} to review alcohol use, "
                               "relationships and accommodation with the person and record it.",
                               date(2027, 1, 1 + k % 28), k % 2) for k in range(40))
    plan = RiskPlan((PlanSection("Supervision", actions), PlanSection("Contingency plans")))
    return build_rosh_pdf(_doc(plan, name="Ŵyn-Llŷr Łukasz Kańżak Ó Briain Áine Weiß Bjørn Ångström Éloïse "
                                          "François Doğan Şahin Erdős Zoë O'Brien-Featherstonehaugh"))


def check_every_page(texts: list[str], who: str) -> None:
    n = len(texts)
    for i, text in enumerate(texts, 1):
        assert text.count("OFFICIAL-SENSITIVE") == 2, f"page {i}: marking top and bottom"
        assert f"Page {i} of {n}" in text, f"page {i}"
        assert who in text and f"CRN {CRN}" in text, f"page {i}: the person and CRN"
    assert len(re.findall(r"Page \d+ of \d+", " ".join(texts))) == n


def test_the_document_prints_person_levels_summary_and_plan(full):
    texts = _pages(full)
    check_every_page(texts, NAME)
    text = " ".join(texts)
    for words in (TITLE, CRN, "02/04/1988", "2005/0123456A", "14 Ribble Way Preston PR2 8AB", "Alex O'Neill",
                  "Preston Central", "23/11/2026", "Complete", "Awaiting countersignature",
                  "Overall risk of serious harm: VERY HIGH",
                  "Imminent risk of serious harm",  # the overall level's standard definition
                  "Risk to In the community In custody", "Children Medium Low", "Public Low Low",
                  "Known adult High Medium", "Staff Very high Not recorded", "Prisoners Custody only High",
                  "Shared with", "MAPPA 18/11/2026", "Approved premises Not set"):
        assert words in text, words
    headings = ["Risk levels", "Risk of serious harm summary", *SUMMARY_HEADINGS, "Risk management plan",
                *PLAN_HEADINGS]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions), "sections in order"
    for i, heading in enumerate(PLAN_HEADINGS):
        if heading == "Further considerations":
            after = text[text.index(heading):]
            assert after.index(NO_ACTIONS) < after.index(PLAN_HEADINGS[i + 1]), "its own empty note"
            continue
        row = (f"Police unit {i} Check & report <weekly> on action {i} {date(2026, 12, 1 + i):%d/%m/%Y} "
               + ({0: NO_EVIDENCE, 1: "1 contact", 2: "2 contacts"}[i % 3]))
        assert row in text, row
    assert text.count(NO_ACTIONS) == 1
    assert NOT_WRITTEN not in text and NOT_REQUIRED not in text


def test_markup_characters_print_as_typed(full):
    text = " ".join(_pages(full))
    assert f"Name {NAME}" in text
    assert "Her former partner & his children <under 5>." in text
    assert "&amp;" not in text and "&lt;" not in text and "&#" not in text


def test_carried_forward_sections_say_from_when_and_who_confirmed(full):
    text = " ".join(_pages(full))
    assert "Analysis Carried forward from 12/03/2024, confirmed by Alex O'Neill on 20/11/2026 The levels" in text
    assert "Supervision Carried forward from 01/06/2025, not yet confirmed" in text
    assert text.count("Carried forward from") == 2, "sections written this time carry no mark"


def _bold_words(pdf: bytes) -> set[str]:
    found: set[str] = set()

    def visit(text: str, cm: object, tm: object, font: dict | None, size: float) -> None:  # noqa: ARG001
        if font is not None and str(font.get("/BaseFont", "")).endswith(fonts.BOLD):
            found.add(text.strip())

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return found


def test_the_highest_level_is_emphasised(full):
    bold = _bold_words(full)
    assert "Very high" in bold, "the staff level (the highest) is bold"
    assert not {"High", "Medium", "Low"} & bold, "lower levels are not"


def test_a_long_plan_splits_over_pages_with_its_header_row_repeated(long_plan):
    texts = _pages(long_plan)
    assert len(texts) >= 3
    # The long name is shortened in the running line, never the CRN: the CRN and page number are on every page.
    check_every_page(texts, "Ŵyn-Llŷr Łukasz")
    seen: list[int] = []
    pages_with_actions = 0
    for text in texts:
        numbers = [int(n) for n in re.findall(r"Weekly appointment number (\d+) ", text)]
        if not numbers:
            continue
        pages_with_actions += 1
        first = text.index(f"Weekly appointment number {numbers[0]} ")
        assert HEADER_ROW in text[:first], "the header row heads every page the table runs onto"
        seen += numbers
    assert pages_with_actions >= 2
    assert seen == list(range(40)), "every action once, in order, none lost at a page break"
    text = " ".join(texts)
    assert text.count(HEADER_ROW) == pages_with_actions
    assert "Contingency plans No actions in this section" in text
    assert "Not yet shared with any agency." in text


def test_no_plan_says_why():
    required = " ".join(_pages(build_rosh_pdf(_doc(None))))
    assert NOT_WRITTEN in required and NOT_REQUIRED not in required
    low = " ".join(_pages(build_rosh_pdf(_doc(None, plan_required=False))))
    assert "No risk management plan: not required at this level" in low and NOT_WRITTEN not in low
    assert "Who What By when Evidence" not in low


def test_only_the_embedded_font_is_used(full, long_plan):
    for pdf in (full, long_plan):
        used = fonts_used(pdf)
        assert used and not used & STANDARD_14, used
        assert used <= {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"}, used


def test_a_name_too_long_for_the_running_line_is_shortened_and_the_crn_kept():
    line, size = fit_line("A" * 300, " · CRN L123456", fonts.BOLD, 8.5, 100)
    assert line.endswith("… · CRN L123456") and size == 6.5
    assert fit_line("Jo Smith", " · CRN L1", fonts.BOLD, 8.5, 400) == ("Jo Smith · CRN L1", 8.5)


def test_the_same_data_gives_the_same_bytes(full):
    assert build_rosh_pdf(_doc(_plan())) == full


def test_an_action_longer_than_a_page_splits_inside_its_row_and_loses_nothing():
    what = " ".join(f"Step {k} of the approved premises curfew plan & its checks." for k in range(150))
    plan = RiskPlan((PlanSection("Monitoring and control", (PlanAction("Approved premises", what + " The end.",
                                                                        date(2027, 2, 1)),)),))
    texts = _pages(build_rosh_pdf(_doc(plan)))
    check_every_page(texts, NAME)
    text = " ".join(texts)
    steps = [int(n) for n in re.findall(r"(\d+) of the approved", text)]  # "Step" may end the page before
    assert steps == list(range(150)) and "The end." in text and "01/02/2027" in text
