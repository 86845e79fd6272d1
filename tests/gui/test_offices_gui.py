"""Edit › Offices… through the real window: add an office, be refused with the field named, choose it as yours,
and the letter service sees it (issue 15 item 3)."""

from __future__ import annotations

import pytest

from lpt_desktop.services.offices import list_offices, officer_office
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock

pytestmark = pytest.mark.gui


def test_add_an_office_and_choose_it_as_mine(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    controller = window.features["offices"]
    assert controller.action.isEnabled() and controller.action in window.menu("&Edit").actions()
    controller.action.trigger()
    dialog = controller.dialog
    qtbot.waitUntil(lambda: dialog.list.count() == 3, timeout=5000)  # the demo's two and "New office"
    assert "Preston Central (your office)" in [dialog.list.item(i).text() for i in range(dialog.list.count())]
    dialog.list.setCurrentRow(2)  # New office
    qtbot.keyClicks(dialog.name, "Lancaster")
    qtbot.keyClicks(dialog.lines[0], "1 Market Street")
    qtbot.keyClicks(dialog.lines[2], "Lancaster")
    qtbot.keyClicks(dialog.postcode, "LA1")
    qtbot.keyClicks(dialog.phone, "01524 123456")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "Postcode" in dialog.errors.text(), timeout=5000)
    assert len(list_offices(window.ops.db)) == 2  # refused: nothing saved
    qtbot.keyClicks(dialog.postcode, " 1pp")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.list.count() == 4 and dialog.current() is not None
                    and dialog.current().name == "Lancaster", timeout=5000)
    assert dialog.current().postcode == "LA1 1PP" and dialog.mine_button.isEnabled()
    dialog.mine_button.click()
    qtbot.waitUntil(lambda: "written from Lancaster" in dialog.status.text(), timeout=5000)
    mine = officer_office(window.ops.db)
    assert mine is not None and mine.letter_lines == ["1 Market Street", "Lancaster", "LA1 1PP"]
    assert not dialog.mine_button.isEnabled() and "already your office" in dialog.mine_button.toolTip()
