# ruff: noqa: F811 - the real-server fixtures are imported from test_sync_gui and used by name
"""Item 2 of issue 13 through the window: a demo caseload made offline is set up for sync with the enrolment
dialog; every case reaches the central store (a second laptop of the same officer gets them all), and a case
whose CRN the store already holds for another officer is listed as not accepted, with that reason."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from lpt_desktop.services import sync as sync_service
from lpt_desktop.services.caseload import load_caseload
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock
from tests.gui.test_sync_gui import other_laptop, server, synced, user  # noqa: F401
from tests.sync.cases import new_person
from tests.sync.server import PASSWORD

pytestmark = pytest.mark.gui


def test_a_demo_caseload_set_up_in_the_window_reaches_the_store(make_window, qtbot, tmp_path, server, user, demo_db):
    name, _team = user
    rows = len(load_caseload_of(demo_db))
    # Another officer already holds a case with the CRN of one of the demo's cases.
    clash_crn = load_caseload_of(demo_db)[0].crn
    rival = server.add_user(f"om-rival-{tmp_path.name[-6:]}")
    elsewhere = other_laptop(tmp_path, server, rival)
    try:
        new_person(elsewhere, "Rival", crn=clash_crn)
        sync_service.sync_now(elsewhere)
    finally:
        elsewhere.close()

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    sync = window.features["sync"]
    sync.enrol_action.trigger()
    dialog = sync.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.server.setText(server.url)
    dialog.username.setText(name)
    dialog.password.setText(PASSWORD)
    qtbot.mouseClick(dialog.sign_in, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=120000)
    qtbot.waitUntil(lambda: not sync.runner.state.busy and sync.runner.state.rejected >= 1, timeout=120000)
    assert not synced(window)  # a refused case: never "Synced"
    sync.show_rejections()
    view = sync.rejections
    qtbot.waitUntil(lambda: view is not None and view.model.rowCount() >= 1, timeout=10000)
    reasons = [r.reason for r in view.model.records]
    assert any(f"already holds CRN {clash_crn}" in r for r in reasons), reasons
    second = other_laptop(tmp_path, server, name)
    try:
        got = {r.crn for r in load_caseload(second)}
    finally:
        second.close()
    assert len(got) == rows - 1 and clash_crn not in got


def load_caseload_of(path):
    from lpt_desktop.services.unlock import unlock as open_file

    db = open_file(path, PASSPHRASE)
    try:
        return load_caseload(db)
    finally:
        db.close()
