"""The needs assessment section (issue 20) on a real caseload file through the window: the form is filled by its
widgets and autosaved, a problem names its field and goes to it, completing it changes the suggested tier's
change level under the ab03 scheme (no valid needs assessment before)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import shiboken6

from lpt_desktop.assessment.tier_types import SCHEME_AB03
from lpt_desktop.services.tiering import set_tier_scheme
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import unlock
from tests.plan_fill import new_case

pytestmark = pytest.mark.gui
SEVERE = ("accommodation", "ete", "drugs", "alcohol", "lifestyle", "thinking_behaviour", "attitudes",
          "relationships")


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("needs-page") / "caseload.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    set_tier_scheme(db, SCHEME_AB03)
    pid = new_case(db, TEST_TODAY - timedelta(days=60), days=730)
    db.close()
    return path, pid


def _change_why(tier) -> str:
    return " ".join(s.why for s in tier.view.suggested.working if s.step in ("Change level", "Needs"))


def test_the_needs_form_completes_and_the_suggested_tier_reads_it(qtbot, make_window, caseload):
    path, pid = caseload
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    holder = {}
    window.open_case(pid, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    view = holder["view"]
    view.sections.setCurrentWidget(view.assessments)
    page, tier = view.assessments.needs, view.assessments.tier
    qtbot.waitUntil(lambda: page.overview is not None and tier.view is not None, timeout=10000)
    assert "No valid needs assessment" in _change_why(tier)
    view.assessments.sections.setCurrentIndex(2)
    assert page.empty.isVisible()
    page.start_button.click()
    qtbot.waitUntil(lambda: page.form is not None and page.form.loaded, timeout=10000)
    form = page.form
    rated = len(form.sections)
    for key, section in form.sections.items():
        section.radios["severe" if key in SEVERE else "none"].setChecked(True)
    form.save_now()
    problems = lambda: [form.problems.item(i).text() for i in range(form.problems.count())]  # noqa: E731
    qtbot.waitUntil(lambda: form.saves >= 1 and not any("not rated" in p for p in problems()), timeout=10000)
    # Evidence is still missing: the problem names the field, and choosing it goes there.
    item = next(form.problems.item(i) for i in range(form.problems.count())
                if form.problems.item(i).text().startswith("Accommodation evidence"))
    form._problem_chosen(item)
    assert form.tabs.currentIndex() == 0 and form.focusWidget() is form.sections["accommodation"].evidence
    assert not form.complete_button.isEnabled()
    for key in SEVERE:
        form.sections[key].evidence.setPlainText(f"{key}: seen at interview")
    for present, _adjustment, _note in form.barriers.values():
        present.setCurrentIndex(1)  # No
    form.save_now()
    qtbot.waitUntil(lambda: form.complete_button.isEnabled(), timeout=10000)
    form.complete_button.click()
    qtbot.waitUntil(lambda: not shiboken6.isValid(form) or not form.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: "severe" in _change_why(tier), timeout=10000)
    qtbot.waitUntil(lambda: page.section_model.rowCount() == rated, timeout=10000)
    assert "Valid for tiering until" in page.facts.text()
