"""The status bar's Due and Overdue counts follow a completed RoSH review (walk, issue 18): what the review meets
leaves "what is due" (the counts' source) at once, as it leaves the caseload's Due for column. (The walk's
"Overdue: 14" did not move because that case stayed overdue for an enforcement decision: the count is of cases.)"""

from __future__ import annotations

from datetime import date

import pytest

from lpt_desktop.services import rosh
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import DEMO_TODAY, PASSPHRASE, TEST_TODAY
from tests.gui.conftest import on_writer, unlock
from tests.gui.test_rosh_page import _new_case, _report_writers_screening

pytestmark = pytest.mark.gui
WAIT = 10000


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("rosh-count") / "caseload.lptdb"
    create_demo(path, PASSPHRASE, DemoSpec(cases=2, contacts_per_case=1, seed=9, today=DEMO_TODAY),
                kdf=KdfParams.fast()).close()
    return path


def test_completing_an_overdue_review_moves_the_status_bar_count(make_window, qtbot, caseload):
    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    ctl = window.features["standards"]
    person = _new_case(qtbot, window, "S100001")
    on_writer(qtbot, window, _report_writers_screening, person, date(2024, 5, 20))  # a review long overdue

    def owed() -> list[str]:
        return [i.obligation.rule for i in ctl.due_items if i.person_id == person and "rosh" in i.obligation.rule]

    # The report writer's screening awaits the offender manager: overdue, on the status bar's count.
    qtbot.waitUntil(lambda: "rosh_confirmation" in owed(), timeout=WAIT)
    aid = str(on_writer(qtbot, window, rosh.start_assessment, person, today=TEST_TODAY))
    view = on_writer(qtbot, window, lambda db: rosh.assessment_view(db, aid))
    for section in [s.key for s in view.sections if s.carried]:
        on_writer(qtbot, window, rosh.confirm_carried, aid, section, TEST_TODAY)
    refreshes = ctl.refreshes
    done = on_writer(qtbot, window, rosh.complete_assessment, aid, True, TEST_TODAY)
    assert done.completed  # a review revising the screening: it meets what the screening owed
    qtbot.waitUntil(lambda: ctl.refreshes > refreshes and owed() == [], timeout=WAIT)
