"""Disabled controls look disabled and say why in their tooltip (a disabled "Warning letter…" looked enabled and
silently did nothing)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from lpt_desktop.gui.app import stylesheet
from lpt_desktop.gui.enabling import set_available
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock
from tests.gui.test_date_entry import _contacts

pytestmark = pytest.mark.gui


@pytest.fixture
def styled(qapp):
    before = qapp.styleSheet()
    qapp.setStyleSheet(stylesheet())
    yield qapp
    qapp.setStyleSheet(before)


def test_the_tooltip_says_why_and_comes_back(qtbot):
    button = QPushButton("&Warning letter…")
    qtbot.addWidget(button)
    button.setToolTip("Produce the warning letter as a PDF")
    set_available(button, False, "no warning was decided on this contact")
    assert not button.isEnabled()
    assert button.toolTip() == ("Not available: no warning was decided on this contact\n"
                                "Produce the warning letter as a PDF")
    set_available(button, True, "no warning was decided on this contact")
    assert button.isEnabled() and button.toolTip() == "Produce the warning letter as a PDF"


@pytest.mark.parametrize("default", [False, True])
def test_a_disabled_button_is_drawn_differently(qtbot, styled, default):
    assert "QPushButton:disabled" in stylesheet()
    enabled, disabled = QPushButton("&Warning letter…"), QPushButton("&Warning letter…")
    for b in (enabled, disabled):
        qtbot.addWidget(b)
        b.setDefault(default)
        b.resize(160, 32)
        b.show()
    disabled.setEnabled(False)
    a, b = enabled.grab().toImage(), disabled.grab().toImage()
    background = lambda img: img.pixelColor(img.width() // 2, 3).name()  # noqa: E731 - above the text
    assert background(a) != background(b)


def test_warning_letter_on_a_contact_without_a_warning_says_why(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    _rec, contacts = _contacts(qtbot, window)
    for c in contacts.model.records:
        if not any(e.action in ("EA02", "EA03") for e in c.enforcement):
            contacts._show_detail(c)
            break
    else:
        pytest.fail("every contact has a warning")
    assert not contacts.letter_button.isEnabled()
    assert contacts.letter_button.toolTip().startswith("Not available: a warning letter follows a first or second "
                                                       "warning decision")
