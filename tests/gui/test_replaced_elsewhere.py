# ruff: noqa: F811 - the real-server fixtures are imported from test_sync_gui and used by name
"""The laptop whose change lost to a choice made on another laptop is told in the window, and can read its own
version there (issue 13, item 3), against a real lpt-central."""

from __future__ import annotations

import pytest

from lpt_desktop.gui.notices_view import your_version
from lpt_desktop.services import sync as sync_service
from lpt_desktop.store.models import Person
from tests.gui.conftest import on_writer
from tests.gui.test_sync_gui import new_caseload, open_window, other_laptop, server, synced, user  # noqa: F401
from tests.sync.cases import edit, get, new_person

pytestmark = pytest.mark.gui


def test_a_change_replaced_elsewhere_is_said_and_listed_with_your_version(make_window, qtbot, tmp_path, server,
                                                                           user):
    name, _team = user
    window = open_window(make_window, qtbot, new_caseload(tmp_path / "mine.lptdb", server, name))
    sync = window.features["sync"]
    qtbot.waitUntil(lambda: synced(window), timeout=20000)
    pid = on_writer(qtbot, window, new_person, "Walsh")
    sync.sync_action.trigger()
    qtbot.waitUntil(lambda: synced(window) and sync.runner.state.waiting == 0, timeout=20000)
    other = other_laptop(tmp_path, server, name)
    try:
        # Both change one field; the other laptop syncs first, so this window's push raises the conflict, and the
        # other laptop settles it by keeping its own version.
        edit(other, Person, pid, preferred_name="Dee (other laptop)")
        sync_service.sync_now(other)
        on_writer(qtbot, window, edit, Person, pid, preferred_name="Dana (this window)")
        sync.sync_action.trigger()
        qtbot.waitUntil(lambda: sync.runner.state.conflicts == 1 and not sync.runner.state.busy, timeout=20000)
        sync_service.sync_now(other)
        [c] = sync_service.list_conflicts(other)
        sync_service.resolve_conflict(other, c.id, "theirs")
        sync_service.sync_now(other)
    finally:
        other.close()
    sync.sync_action.trigger()
    qtbot.waitUntil(lambda: "replaced by a choice made on another laptop" in window.statusBar().currentMessage(),
                    timeout=20000)
    assert get(window.ops.db, Person, pid).preferred_name == "Dee (other laptop)"
    sync.notices_action.trigger()
    view = sync.notices
    qtbot.waitUntil(lambda: view is not None and view.model.rowCount() == 1, timeout=10000)
    notice = view.model.record(0)
    assert "Walsh" in notice.message and "was replaced" in notice.message
    assert "Dana (this window)" in your_version(notice)
    assert window.tabs.currentWidget() is view
    # Opening the list marks it read: the status bar stops saying it after the next sync.
    qtbot.waitUntil(lambda: sync_service.unread_notices(window.ops.db) == 0, timeout=10000)
