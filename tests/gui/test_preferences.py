"""Preferences opens at once and holds what an officer sets: the default contact location, the office for
letters (kept in the caseload), the caseload's default order and the central store's address (which Set up
sync starts from)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from lpt_desktop.gui.caseload_model import COL_NAME
from lpt_desktop.services.offices import list_offices, officer_office
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock

pytestmark = pytest.mark.gui


def _open(window):
    started = time.perf_counter()
    window.prefs_action.trigger()
    return window.preferences_dialog, time.perf_counter() - started


def test_preferences_open_at_once_and_read_the_caseload_after(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    dialog, took = _open(window)
    assert dialog.isVisible() and took < 0.5
    # Shown before anything is read from the caseload: those fields fill in when the reads come back.
    assert not dialog.policy.isEnabled() and not dialog.ui.office.isEnabled()
    assert dialog.ui.officeHelp.text() == "Loading…"
    qtbot.waitUntil(lambda: dialog.policy.isEnabled() and dialog.ui.office.isEnabled(), timeout=10000)


def test_preferences_hold_what_the_officer_sets(make_window, qtbot, demo_db, prefs):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    dialog, _took = _open(window)
    qtbot.waitUntil(lambda: dialog.ui.office.isEnabled(), timeout=10000)
    offices = list_offices(window.ops.db)
    assert len(offices) >= 2, "the demo keeps two offices"
    ui = dialog.ui
    qtbot.keyClicks(ui.defaultLocation, "Preston Central office")
    qtbot.keyClicks(ui.syncServer, "https://central.lancs.example")
    ui.sortColumn.setCurrentIndex(ui.sortColumn.findData("Name"))
    ui.sortDescending.setChecked(True)
    ui.office.setCurrentIndex(ui.office.findData(offices[-1].id))
    dialog.accept()

    assert prefs.default_location == "Preston Central office"
    assert prefs.sync_server == "https://central.lancs.example"
    assert prefs.caseload_sort == ("Name", True)
    header = window.caseload_view.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COL_NAME, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: window.ops.running == 0, timeout=10000)
    chosen = officer_office(window.ops.db)
    assert chosen is not None and chosen.id == offices[-1].id

    # Opened again, it shows them.
    again, _took = _open(window)
    qtbot.waitUntil(lambda: again.ui.office.isEnabled(), timeout=10000)
    assert again.ui.defaultLocation.text() == "Preston Central office"
    assert again.ui.syncServer.text() == "https://central.lancs.example"
    assert again.ui.sortColumn.currentData() == "Name" and again.ui.sortDescending.isChecked()
    assert again.ui.office.currentData() == offices[-1].id
    again.reject()

    # Set up sync starts from the address.
    sync = window.features["sync"]
    sync.enrol_action.trigger()
    qtbot.waitUntil(lambda: sync.dialog is not None and sync.dialog.isVisible(), timeout=5000)
    assert sync.dialog.server.text() == "https://central.lancs.example"
    sync.dialog.reject()


def test_the_address_that_signed_in_is_remembered(make_window, qtbot, demo_db, prefs):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    sync = window.features["sync"]
    sync.enrol_action.trigger()
    qtbot.waitUntil(lambda: sync.dialog is not None and sync.dialog.isVisible(), timeout=5000)
    dialog = sync.dialog
    dialog.server.setText("https://failed.example")
    dialog.reject()  # nothing signed in: not remembered
    assert prefs.sync_server == ""
    sync.enrol_action.trigger()
    qtbot.waitUntil(lambda: sync.dialog is not dialog and sync.dialog.isVisible(), timeout=5000)
    dialog = sync.dialog
    dialog.server.setText("https://central.lancs.example")
    dialog.result_value = object()  # what a finished sign-in leaves
    dialog.accept()
    assert prefs.sync_server == "https://central.lancs.example"


def test_the_default_contact_location_fills_a_form_nothing_else_fills(make_window, qtbot, demo_db, prefs,
                                                                      monkeypatch):
    from datetime import datetime

    from lpt_desktop.domain.contacts import ContactInput
    from lpt_desktop.services import contacts as svc

    prefs.default_location = "Preston Central office"
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    holder = {}
    window.open_case(window.caseload_view.model.records[0].person_id,
                     then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    contacts = holder["view"].show_contacts()
    # The case and the office give no location for this contact: the officer's default does.
    monkeypatch.setattr(svc, "defaults_for", lambda db, pid, now=None: ContactInput(
        type_code="COAP", starts_at=datetime(2026, 11, 23, 9, 30), location=""))
    contacts.start_entry()
    qtbot.waitUntil(lambda: contacts.side.currentWidget() is contacts.entry, timeout=10000)
    assert contacts.entry.location.text() == "Preston Central office"
    # One the case gives stands.
    monkeypatch.setattr(svc, "defaults_for", lambda db, pid, now=None: ContactInput(
        type_code="COAP", starts_at=datetime(2026, 11, 23, 9, 30), location="Blackburn office"))
    contacts.entry.location.clear()
    contacts.start_entry()
    qtbot.waitUntil(lambda: contacts.entry.location.text() == "Blackburn office", timeout=10000)
