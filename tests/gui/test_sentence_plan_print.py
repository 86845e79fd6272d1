"""Printing the sentence plan (issue 20) from its page on a real caseload file: the Print button waits for a goal;
what is printed (a PDF printer stands in for paper) is the person's plan as its PDF words it, marked
OFFICIAL-SENSITIVE on every page, with the steps in a table, or one under another in large print."""

from __future__ import annotations

import os
import unicodedata
from datetime import timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QScrollArea

from lpt_desktop.reports.marking import MARKING
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.plan_document import plan_document
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import unlock
from tests.pdftext import pdf_pages
from tests.plan_fill import complete_needs, new_case, ready_plan

pytestmark = pytest.mark.gui
START = TEST_TODAY - timedelta(days=30)


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("sentence-plan-print") / "caseload.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    people = {}
    for name in ("plan", "empty"):
        people[name] = new_case(db, START)
        complete_needs(db, people[name], START, {"accommodation": "severe"})
    ready_plan(db, people["plan"], TEST_TODAY)
    sp.start_plan(db, people["empty"], today=TEST_TODAY)
    db.close()
    return path, people


def _page(qtbot, window, person_id: str):
    holder: dict[str, Any] = {}
    window.open_case(person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    view = holder["view"]
    view.sections.setCurrentWidget(view.plans)
    page = view.plans.sentence
    qtbot.waitUntil(lambda: page.read_done, timeout=10000)
    return page


def _words(pages: list[str]) -> str:
    """The pages' text as one line: lines wrap where the page does, and the PDF's ligatures ("ﬁ") read as letters."""
    return " ".join(unicodedata.normalize("NFKC", " ".join(pages)).split())


def _sizes(path, words: str) -> set[float]:
    """The point sizes the text holding `words` is drawn at in the printed PDF."""
    found: set[float] = set()
    for page in PdfReader(str(path)).pages:
        def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
            if words in text:
                found.add(round(size * abs(tm[3] or 1) * abs(cm[3] or 1), 1))
        page.extract_text(visitor_text=visit)
    return found


def _printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


@pytest.fixture
def window(qtbot, make_window, caseload):
    w = make_window(caseload[0])
    unlock(qtbot, w, PASSPHRASE)
    return w


def test_print_waits_for_a_goal(qtbot, window, caseload):
    page = _page(qtbot, window, caseload[1]["empty"])
    assert page.plan is not None and not page.plan.goals
    assert not page.print_button.isEnabled() and "add a goal first" in page.print_button.toolTip()


def test_the_printed_plan_is_the_persons_plan_marked_on_every_page(qtbot, window, caseload, tmp_path):
    page = _page(qtbot, window, caseload[1]["plan"])
    assert page.print_button.isEnabled() and page.print_button.text() == "Pr&int…"
    if os.environ.get("LPT_SHOTS"):  # the screen looked at as an image while it is built
        scroll = page.parentWidget()
        while not isinstance(scroll, QScrollArea):
            scroll = scroll.parentWidget()
        scroll.ensureWidgetVisible(page.print_button)
        qtbot.wait(300)
        window.grab().save(os.path.join(os.environ["LPT_SHOTS"], "sentence_plan_page.png"))
    doc = plan_document(window.ops.db, caseload[1]["plan"], TEST_TODAY)
    assert page.print_to(_printer(tmp_path / "printed.pdf"), doc) >= 1
    assert "sent to the printer" in page.status.text()
    printed = pdf_pages(tmp_path / "printed.pdf")
    text = _words(printed)
    assert all(MARKING in p for p in printed) and f"Page 1 of {len(printed)}" in text
    for words in ("Your sentence plan", "DRAFT", "Sam Riley", "I want my own place and to stop sofa surfing",
                  "Goal 1: A settled home", "Sam has a settled home", "What will happen",
                  "Register with the housing options team", "You", "Do you agree with this plan?",
                  "Your signature"):
        assert words in text, words

    # Large print: bigger type (more pages), and each step one under another instead of a table.
    page.large_print.setChecked(True)
    large = plan_document(window.ops.db, caseload[1]["plan"], TEST_TODAY, large_print=True)
    assert page.print_to(_printer(tmp_path / "large.pdf"), large) > len(printed)
    assert "(large print)" in page.status.text()
    big = _words(pdf_pages(tmp_path / "large.pdf"))
    assert "Step 1: Register with the housing options team" in big and "What will happen" not in big
    # The marking and page numbers are large too (paint_marked's mark_size; they stayed at the default size).
    small_mark, large_mark = _sizes(tmp_path / "printed.pdf", MARKING), _sizes(tmp_path / "large.pdf", MARKING)
    assert max(small_mark) < 12 and min(large_mark) >= 15.5, (small_mark, large_mark)
    assert min(_sizes(tmp_path / "large.pdf", "Page")) >= 15.5


def test_the_printed_plan_says_they_made_it_together_only_when_their_involvement_is_recorded(caseload):
    """As the PDF (reports/plan_pdf.intro): a plan made without the person must not say they made it."""
    from dataclasses import replace

    from lpt_desktop.gui.plans.printing import sentence_plan_html
    from lpt_desktop.reports.plan_pdf import MADE_TOGETHER
    from lpt_desktop.store.database import Database

    path, people = caseload
    db = Database.open(path, PASSPHRASE)
    try:
        doc = plan_document(db, people["plan"], TEST_TODAY)
    finally:
        db.close()
    assert doc.involved
    assert MADE_TOGETHER in sentence_plan_html(doc)
    assert MADE_TOGETHER not in sentence_plan_html(replace(doc, involved=False))
