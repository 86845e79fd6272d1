"""What is due follows a RoSH draft: a yes in the screening (saved as the form autosaves it, a write that
announces ASSESSMENT alone) adds the full analysis it owes to "what is due" without another edit; an autosave of
text alone reads the small state the engine reads of assessments and does not recompute the caseload's
obligations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

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
    path = tmp_path_factory.mktemp("rosh-due") / "caseload.lptdb"
    create_demo(path, PASSPHRASE, DemoSpec(cases=2, contacts_per_case=1, seed=5, today=DEMO_TODAY),
                kdf=KdfParams.fast()).close()
    return path


def _owes_analysis(ctl, person: str) -> bool:
    return any(i.person_id == person and i.obligation.rule == "rosh_full_analysis" for i in ctl.due_items)


def test_a_screening_yes_refreshes_what_is_due_and_a_text_autosave_does_not(make_window, qtbot, caseload):
    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    ctl = window.features["standards"]
    sentence = cr.SentenceIn("CO", date(2026, 9, 1), date(2028, 9, 1), offence="Assault",
                             requirements=(cr.RequirementIn("UPW", {"hours": 100}),))
    person = str(on_writer(qtbot, window, cr.create_case,
                           cr.NewCase("D100001", "Dana", "Duecheck", date(1990, 5, 6), sentence)))
    # Started a month ago, so the analysis it may owe is overdue and on the list.
    aid = str(on_writer(qtbot, window, rosh.start_assessment, person, today=TEST_TODAY - timedelta(days=30)))
    qtbot.waitUntil(lambda: ctl.assessment_state is not None and not ctl.debounce.isActive(), timeout=WAIT)
    assert not _owes_analysis(ctl, person)

    on_writer(qtbot, window, rosh.save_draft, aid,
              rosh.AssessmentDraft(answers={"domestic_abuse": {"previous": "yes"}}), TEST_TODAY)
    qtbot.waitUntil(lambda: _owes_analysis(ctl, person), timeout=WAIT)

    qtbot.waitUntil(lambda: not ctl.debounce.isActive(), timeout=WAIT)
    refreshes, checks = ctl.refreshes, ctl.assessment_checks
    on_writer(qtbot, window, rosh.save_draft, aid, rosh.AssessmentDraft(
        summary=rosh.SummaryDraft(texts={"who_at_risk": "His former partner."})), TEST_TODAY)
    qtbot.waitUntil(lambda: ctl.assessment_checks > checks, timeout=WAIT)
    qtbot.wait(ctl.debounce.interval() + 100)
    assert ctl.refreshes == refreshes  # text alone: nothing the engine reads moved

    # The gate decision not to do one takes the obligation away again, as promptly.
    on_writer(qtbot, window, rosh.decide_full_analysis, aid, True, "A reasoned decision.")
    qtbot.waitUntil(lambda: not _owes_analysis(ctl, person), timeout=WAIT)
