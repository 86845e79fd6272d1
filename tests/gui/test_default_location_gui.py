"""The booking dialog's default location, through the real window (issue 15 item 2): from the person's past
contacts of the same type or the officer's office, never from a booking still to come."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lpt_desktop.domain.contacts import ContactInput
from lpt_desktop.gui.appointment_dialog import AppointmentDialog
from lpt_desktop.services.appointments import book_appointment
from lpt_desktop.services.cases import add_person, add_sentence
from lpt_desktop.services.contacts import record_contact
from tests.conftest import PASSPHRASE
from tests.gui.conftest import on_writer, unlock

pytestmark = pytest.mark.gui


def test_a_new_office_appointment_is_not_given_a_future_video_calls_location(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    pid = on_writer(qtbot, window, add_person, crn="Z999001", first_name="Sam", last_name="Placeholder",
                    date_of_birth=date(1990, 4, 2), officer_id=window.ops.db.officer_id, today=date(2020, 1, 1))
    on_writer(qtbot, window, add_sentence, pid, order_type="CO", start_date=date(2026, 1, 5),
              end_date=date(2027, 1, 4))
    on_writer(qtbot, window, record_contact, pid, ContactInput(
        type_code="COAP", starts_at=datetime(2026, 11, 16, 10, 0), outcome="ATTC", location="Preston office, room 2",
        notes="Seen."))
    # The trap: a video contact booked for a future date, the latest contact on the case.
    on_writer(qtbot, window, book_appointment, pid, datetime(2026, 11, 30, 10, 0), "COVC", "Video call")

    dialog = AppointmentDialog(window.ops, [(pid, "Z999001 Placeholder, Sam")], person_id=pid, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.type.currentData() == "COAP"
    qtbot.waitUntil(lambda: dialog.location.text() == "Preston office, room 2", timeout=5000)
    dialog.type.setCurrentIndex(dialog.type.findData("COAI"))  # never held for this person: the office
    qtbot.waitUntil(lambda: dialog.location.text() == "Preston Central", timeout=5000)
    dialog.type.setCurrentIndex(dialog.type.findData("COVC"))  # only a booking to come: nothing to go by
    qtbot.waitUntil(lambda: dialog.location.text() == "", timeout=5000)
    assert "Video call" not in dialog.location.text()
    # What the officer types is kept when the type changes.
    qtbot.keyClicks(dialog.location, "Library meeting room")
    dialog.type.setCurrentIndex(dialog.type.findData("COAP"))
    qtbot.wait(300)
    assert dialog.location.text() == "Library meeting room"
