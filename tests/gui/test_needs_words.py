"""What the Needs section says the tier makes of the needs (issue 20 walk 5 and 13), on a real caseload file
through the window: under the 2026 A-G scheme the suggested tier reads no needs and the page, its Tier section
button and the form's Complete tab say so; once Preferences choose the A-D scheme (a change the page hears)
they say the tier reads them, and the suggested tier's change level does. The completion message is punctuated
once, and the Skills for Life labels take the officer to their fields by Alt letters."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QWidget

from lpt_desktop.assessment.tier_types import SCHEME_2026, SCHEME_AB03
from lpt_desktop.gui.assessments.needs_form import NeedsForm
from lpt_desktop.gui.assessments.needs_page import completion_words
from lpt_desktop.gui.assessments.tier_words import needs_in_tier
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import needs
from lpt_desktop.services.cases import update_person
from lpt_desktop.services.needs import NeedsCompletion
from lpt_desktop.services.tiering import set_tier_scheme
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import on_writer, unlock
from tests.gui.test_mnemonics import clashes
from tests.plan_fill import complete_needs, new_case

pytestmark = pytest.mark.gui


def shot(widget: QWidget, name: str) -> None:
    """Saved only when LPT_SHOTS names a folder: the screens are looked at as images."""
    if os.environ.get("LPT_SHOTS"):
        widget.grab().save(os.path.join(os.environ["LPT_SHOTS"], f"{name}.png"))


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("needs-words") / "caseload.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    set_tier_scheme(db, SCHEME_2026)
    pid = new_case(db, TEST_TODAY - timedelta(days=60), days=730)
    complete_needs(db, pid, TEST_TODAY - timedelta(days=7), {"drugs": "severe", "accommodation": "severe"})
    cr.add_disability(db, pid, "Hearing impairment", "Quiet interview room; hearing loop at the office",
                      TEST_TODAY - timedelta(days=60))
    update_person(db, pid, caring_responsibilities="Two children under 10")
    db.close()
    return path, pid


def test_the_needs_section_says_what_the_scheme_in_force_reads(qtbot, make_window, caseload):
    path, pid = caseload
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    holder: dict[str, Any] = {}
    window.open_case(pid, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    view = holder["view"]
    view.sections.setCurrentWidget(view.assessments)
    page = view.assessments.needs
    view.assessments.sections.setCurrentIndex(2)
    qtbot.waitUntil(lambda: page.overview is not None and page.scheme == SCHEME_2026, timeout=10000)
    facts = page.facts.text()
    assert "Valid for tiering until" in facts
    assert "does not read needs assessments" in facts and "reads these needs" not in facts
    assert "does not read" in page.tier_button.toolTip()
    assert clashes(window) == []  # the page's Alt+S, Alt+O and Alt+T
    shot(page, "needs_page_2026")
    # The form's Complete tab says the same (a read-only look at the completed assessment).
    form = page.open_form(page.overview.current.id, read_only=True)
    assert isinstance(form, NeedsForm)
    qtbot.waitUntil(lambda: form.loaded and form.scheme == SCHEME_2026, timeout=10000)
    assert "does not read needs assessments" in form.tiering.text()
    assert "reads these needs" not in form.tiering.text()
    form.tabs.setCurrentIndex(3)
    shot(form, "needs_form_complete_2026")
    form.close()

    # Preferences choose the A-D scheme: the page hears the change and says the tier reads the needs.
    on_writer(qtbot, window, set_tier_scheme, SCHEME_AB03)
    qtbot.waitUntil(lambda: page.scheme == SCHEME_AB03, timeout=10000)
    qtbot.waitUntil(lambda: "the suggested tier reads these needs" in page.facts.text(), timeout=10000)
    assert "change level" in page.facts.text()
    shot(page, "needs_page_ab03")
    tier = view.assessments.tier
    qtbot.waitUntil(lambda: tier.view is not None and tier.view.scheme == SCHEME_AB03, timeout=10000)
    change = " ".join(s.why for s in tier.view.suggested.working if s.step == "Needs")
    assert "drugs severe" in change.lower()
    # A draft open: the Start button carries it on, with an Alt letter of its own.
    draft = on_writer(qtbot, window, needs.start_assessment, pid, today=TEST_TODAY)
    page.refresh()
    qtbot.waitUntil(lambda: "draft" in page.start_button.text(), timeout=10000)
    assert "&" in page.start_button.text() and clashes(window) == []
    on_writer(qtbot, window, needs.discard_draft, str(draft), today=TEST_TODAY)


def test_the_words_follow_the_schemes_rules_and_the_tier_engine_agrees():
    reads, words = needs_in_tier(SCHEME_2026)
    assert not reads and "MoJ 2026" in words and "does not read" in words
    reads, words = needs_in_tier(SCHEME_AB03)
    assert reads and "change level" in words and "impulsivity or temper control" in words
    assert "Preferences" in needs_in_tier(None)[1]


def test_the_completion_message_is_punctuated_once():
    done = NeedsCompletion(True, ("individual needs: Literacy: large print.", "adjustment for Dyslexia: read aloud.",
                                  "individual needs: Travel: bus pass;"))
    for scheme in (SCHEME_2026, SCHEME_AB03):
        text = completion_words(done, scheme)
        assert ".." not in text and ".;" not in text and ";." not in text and "; ;" not in text
        assert "Written to the case record: individual needs: Literacy: large print; adjustment for Dyslexia: " \
               "read aloud; individual needs: Travel: bus pass." in text
    assert completion_words(NeedsCompletion(True, ()), SCHEME_AB03) == \
        "The needs assessment is completed: the suggested tier now reads it."
    assert "does not read" in completion_words(NeedsCompletion(True, ()), SCHEME_2026)


def test_skills_for_life_labels_have_alt_letters_reaching_their_fields(qtbot, make_window, caseload):
    path, pid = caseload
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    aid = on_writer(qtbot, window, needs.start_assessment, pid, today=TEST_TODAY)
    form = NeedsForm(window.ops, str(aid), window)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(lambda: form.loaded, timeout=10000)
    buddies = {label.buddy(): label.text() for label in form.findChildren(QLabel) if label.buddy() is not None}
    for combo in (*form.skills.values(), form.full_assessment):
        assert "&" in buddies.get(combo, ""), f"{combo.accessibleName()} has no label with an Alt letter"
    assert any("&" in text for w, text in buddies.items() if form.referred_on.isAncestorOf(w)
               or w is form.referred_on)
    for i in range(form.tabs.count()):  # no two Alt letters alike on any page (as tests/gui/test_mnemonics.py)
        form.tabs.setCurrentIndex(i)
        assert clashes(form) == [], form.tabs.tabText(i)
    form.tabs.setCurrentIndex(1)
    shot(form, "needs_form_skills")
    form.tabs.setCurrentIndex(2)
    # The record's barriers start as present (over the last assessment's "no"), with what the record says.
    present, adjustment, note = form.barriers["disability"]
    assert present.currentData() is True and "hearing loop" in adjustment.toPlainText()
    assert "Hearing impairment" in note.text()
    assert form.barriers["childcare"][0].currentData() is True
    assert "Two children under 10" in form.barriers["childcare"][2].text()
    shot(form, "needs_form_barriers")
    on_writer(qtbot, window, needs.discard_draft, str(aid), today=TEST_TODAY)
    form.close()
