"""The case header follows the case: completing a RoSH assessment (written anywhere, here on the window's writer
as the RoSH page would) changes the header's RoSH badge at once, not only when the case is opened again."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QLabel

from lpt_desktop.assessment.rosh_screening import screening
from lpt_desktop.assessment.rosh_summary import assessment_data
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import rosh
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import DEMO_TODAY, PASSPHRASE, TEST_TODAY
from tests.gui.conftest import on_writer, unlock

pytestmark = pytest.mark.gui
WAIT = 10000


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("case-header") / "caseload.lptdb"
    create_demo(path, PASSPHRASE, DemoSpec(cases=2, contacts_per_case=1, seed=3, today=DEMO_TODAY),
                kdf=KdfParams.fast()).close()
    return path


def _medium_screening(db, person: str) -> None:
    """A screened-out assessment completed today at medium (the warning acknowledged)."""
    aid = rosh.start_assessment(db, person, today=TEST_TODAY)
    answers = {q.id: {p: "no" for p in q.periods} for q in screening().questions}
    rosh.save_draft(db, aid, rosh.AssessmentDraft(
        answers=answers, sources_checked=["police_domestic_abuse", "childrens_services", "interview"],
        summary=rosh.SummaryDraft(
            texts={"who_at_risk": "His former partner.", "nature": "Verbal threats."},
            community={g.code: "M" for g in assessment_data().community_groups},
            no_analysis_reason="No serious offending, current or previous, and no concerning behaviour.")),
        TEST_TODAY)
    assert rosh.complete_assessment(db, aid, acknowledge_warnings=True, today=TEST_TODAY).completed


def test_the_header_rosh_badge_follows_a_completed_assessment(make_window, qtbot, caseload):
    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    sentence = cr.SentenceIn("CO", date(2026, 9, 1), date(2028, 9, 1), offence="Assault",
                             requirements=(cr.RequirementIn("UPW", {"hours": 100}),))
    person = str(on_writer(qtbot, window, cr.create_case,
                           cr.NewCase("H100001", "Hana", "Header", date(1990, 5, 6), sentence)))
    holder = {}
    window.open_case(person, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=WAIT)
    view = holder["view"]
    badge = next(w for w in view.findChildren(QLabel) if w.text().startswith("RoSH: "))
    assert badge.text() == "RoSH: Not assessed"

    on_writer(qtbot, window, _medium_screening, person)
    qtbot.waitUntil(lambda: view.case.rosh == "M", timeout=WAIT)  # the case was read again
    qtbot.waitUntil(lambda: badge.text() == "RoSH: Medium", timeout=WAIT)
    assert badge.accessibleName() == "Risk of serious harm Medium"
