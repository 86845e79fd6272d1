"""The contact form's "Needs worked on" (issue 20 walk 13): one box for each area of the needs assessment,
Health and other considerations among them, so a contact can say it worked on any assessed need."""

from __future__ import annotations

import pytest

from lpt_desktop.assessment.needs import needs_data
from lpt_desktop.domain.contacts import contact_codes
from lpt_desktop.gui.contact_entry import ContactEntry

pytestmark = pytest.mark.gui


def test_the_contact_form_offers_every_assessed_need_health_included(qtbot):
    entry = ContactEntry()
    qtbot.addWidget(entry)
    labels = [label.text() for label in entry.need_labels.values()]  # each box's words, wrapped beside it
    assert [box.accessibleName() for box in entry.need_boxes.values()] == labels
    assert "Health and other considerations" in labels
    assert contact_codes().needs["health"].label == "Health and other considerations"
    assert len(entry.need_boxes) == len(needs_data().sections)
