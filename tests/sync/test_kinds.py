"""Kinds added by other features sync by registration alone: schedules, court work, note templates."""

from __future__ import annotations

from datetime import date, datetime

from lpt_desktop.services import appointments, court
from lpt_desktop.services import sync as sync_service
from lpt_desktop.store.court_models import CourtReport, PreSentence, ReportRequest
from lpt_desktop.store.models import Contact, NoteTemplate, Person
from lpt_desktop.store.schedule_models import AppointmentSeries
from lpt_desktop.sync import kinds
from tests.sync.cases import edit, get, ids, new_person, snapshot

ALL = (Person, Contact, AppointmentSeries, PreSentence, ReportRequest, CourtReport)


def test_every_case_table_is_registered_or_deliberately_local():
    from lpt_desktop.store.models import Base

    local = {"lpt_meta", "officer", "audit", "contact_draft", "sync_record", "sync_outbox", "sync_state",
             "sync_conflict", "sync_evict", "sync_notice",
             "office", "officer_office"}  # settings on this laptop until the Trust serves an office list
    tables = {t.name for t in Base.metadata.sorted_tables}
    assert tables - local == set(kinds.names()), "register the new table in lpt_desktop/sync/kinds.py"


def test_appointments_book_cancel_and_record(central, laptop_factory, unique):
    om = central.add_user(f"om-{unique}")
    a, b = laptop_factory(om), laptop_factory(om)
    pid = new_person(a.db)
    booked = appointments.book_series(a.db, pid, datetime(2026, 12, 1, 10, 0), "weekly", 3, "COAP",
                                      now=datetime(2026, 11, 23, 9, 0))
    a.sync()
    b.sync()
    assert set(booked) <= ids(b.db, Contact) and len(ids(b.db, AppointmentSeries)) == 1
    appointments.cancel_booking(b.db, booked[0])  # a booking may be cancelled ...
    edit(b.db, Contact, booked[1], outcome="ATTC", notes="Attended")  # ... or have its outcome recorded
    assert b.sync().rejected == 0
    a.sync()
    assert booked[0] not in ids(a.db, Contact) and get(a.db, Contact, booked[1]).outcome == "ATTC"
    # Once recorded, a contact is never edited: the server refuses and the officer sees why.
    edit(a.db, Contact, booked[1], notes="Rewritten")
    result = a.sync()
    assert result.rejected == 1 and get(a.db, Contact, booked[1]).notes == "Attended"
    assert sync_service.list_conflicts(a.db) == []  # a refusal is not a conflict: nothing to choose between
    [r] = sync_service.list_rejections(a.db)  # listed as not accepted, keeping the refused change
    assert r.kind == "contact" and "amendment" in r.reason and r.action == "Edited" and r.data == {"notes": "Rewritten"}
    assert snapshot(a.db, ALL) == snapshot(b.db, ALL)


def test_court_work_follows_the_case_when_promoted(central, laptop_factory, unique):
    where = f"Preston Crown {unique}"
    co1 = central.add_user(f"co1-{unique}", role="court_officer", team=None, court=where)
    co2 = central.add_user(f"co2-{unique}", role="court_officer", team=None, court=where)
    a, b = laptop_factory(co1), laptop_factory(co2)
    x = court.create_pre_sentence(a.db, first_name="Jo", last_name="Bloggs", date_of_birth=date(1995, 3, 3),
                                  today=date(2026, 11, 23))
    req = court.create_request(a.db, pre_sentence_id=x, court=where, lja="Lancashire",
                               hearing_date=date(2026, 12, 14), report_type="sdr", requested_on=date(2026, 11, 23))
    a.sync()
    b.sync()
    assert x not in ids(b.db, PreSentence)  # not a case yet: the officer's own work
    pid = court.promote_to_case(a.db, x, today=date(2026, 11, 23))
    a.sync()
    b.sync()
    assert pid in ids(b.db, Person) and req in ids(b.db, ReportRequest) and x in ids(b.db, PreSentence)
    assert get(b.db, ReportRequest, req).person_id == pid
    assert snapshot(a.db, ALL) == snapshot(b.db, ALL)


def test_note_templates_belong_to_their_officer(central, laptop_factory, unique):
    om1 = central.add_user(f"om1-{unique}")
    om2 = central.add_user(f"om2-{unique}")
    a1, a2, b = laptop_factory(om1), laptop_factory(om1), laptop_factory(om2)
    from lpt_desktop.services.contacts import save_note_template

    save_note_template(a1.db, "Visit", "Progress / Risk / Next steps")
    a1.sync()
    a2.sync()
    b.sync()
    names = {t.name for t in _templates(a1.db)}
    assert "Visit" in names and {t.name for t in _templates(a2.db)} == names  # the defaults come along
    assert _templates(b.db) == []


def _templates(db):
    from sqlalchemy import select

    with db.read() as s:
        return list(s.scalars(select(NoteTemplate)))
