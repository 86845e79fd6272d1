"""What each write service announces against what it actually writes (issue 12, item 2).

Every write service carries `@writes(...)`; the window emits `changed(kinds)` from what the services it ran
announced. Here each service is run on a real (small, encrypted) demo caseload while every INSERT, UPDATE,
DELETE and REPLACE reaching the database is recorded:

* nothing written goes unannounced: the kinds of the tables written are announced by the call;
* nothing is announced beyond the service's declaration;
* every declared kind is written by some scenario of the service, so a declaration of "everything changed"
  (or a stale kind) fails;
* every table written has a kind (or is bookkeeping), so a new table without one fails;
* every public service function that opens `db.write()` is declared, and every declared service (or one that
  announces by hand) has scenarios here or is excluded by name with a reason.

A table's kind comes from changes.TABLE_KINDS, with one refinement the table alone cannot say: a contact row
of an appointment type with no outcome is a booking, so writing one is an APPOINTMENT change as well as a
CONTACT one (Change.APPOINTMENT is "a booked (future) contact or series").
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import shutil
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect

import lpt_desktop.services as services_pkg
from lpt_desktop.assessment.tier_types import Predictor
from lpt_desktop.domain.contacts import ContactInput, contact_codes
from lpt_desktop.services import (
    appointments,
    case_events,
    case_record,
    case_transfer,
    cases,
    contacts,
    countersign,
    court,
    needs,
    obligations,
    offices,
    registers,
    rosh,
    rosh_plan,
    sentence_plan,
    tiering,
    workload,
)
from lpt_desktop.services.changes import (
    BOOKKEEPING_TABLES,
    TABLE_KINDS,
    Change,
    announce,
    collecting,
    declared_changes,
    writes,
)
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.services.unlock import unlock
from lpt_desktop.standards.calendar import is_bank_holiday
from lpt_desktop.store.base import RAW_SQL_TABLES
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Contact, Person, Sentence
from lpt_desktop.sync import state
from tests import plan_fill, rosh_fill
from tests.conftest import DEMO_TODAY, PASSPHRASE, TEST_TODAY
from tests.court.conftest import COURT, FULL

TODAY = TEST_TODAY
NOW = datetime.combine(TODAY, time(15, 30))
SERVICES_DIR = Path(services_pkg.__file__).parent

# Services that write but are not run here, by "module.function", each with the reason.
NOT_RUN = {
    "sync.enrol": "needs an lpt-central server; announces what it pulled itself (tests/sync/)",
    "sync.sync_now": "needs an lpt-central server; announces what it pulled itself (tests/sync/)",
    "sync.resolve_conflict": "needs a conflict from a real sync; announces SYNC and every record kind itself",
    "sync.mark_notices_read": "needs a notice from a conflict settled on another laptop (tests/sync/"
                              "test_overridden.py); announces SYNC itself",
    "sync.retry_rejected": "needs a rejection from a real sync (tests/sync/test_rejections.py); announces SYNC",
    "sync.export_rejected": "needs a rejection from a real sync (tests/sync/test_rejections.py); announces SYNC",
    "unlock.create_caseload": "creates the file before any window operation: nothing open to refresh",
}


# -- recording the tables written -------------------------------------------------------------------
_WRITE = re.compile(r"""^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)
                        \s+(?:main\.)?[`"\[]?(\w+)""", re.IGNORECASE | re.VERBOSE)
# Tables written by triggers (FTS5 and its shadow tables), by the table whose trigger writes them.
# SQL-level listening never sees trigger writes; a direct write to one still counts as its source table.
_TRIGGER_SOURCE = {prefix: "contact" for prefix in RAW_SQL_TABLES}


def written_table(statement: str) -> str | None:
    m = _WRITE.match(statement)
    if m is None:
        return None
    table = m.group(1).lower()
    for prefix, source in _TRIGGER_SOURCE.items():
        if table.startswith(prefix):
            return source
    return table


def _touches_a_booking(row: Contact) -> bool:
    """A booked contact (appointment type, no outcome yet) inserted or deleted, or a booking given an outcome."""
    kind = contact_codes().kinds.get(row.type_code)
    if kind is None or not kind.appointment:
        return False
    return row.outcome is None or None in (sa_inspect(row).attrs.outcome.history.deleted or ())


@dataclass
class Written:
    tables: set[str] = field(default_factory=set)
    booked: bool = False  # a booked contact row (appointment type, no outcome) was inserted, changed or deleted

    @property
    def kinds(self) -> Change:
        """The kinds of what was written (bookkeeping announces nothing)."""
        unknown = self.tables - set(TABLE_KINDS) - BOOKKEEPING_TABLES
        assert not unknown, f"tables written with no kind in changes.TABLE_KINDS: {sorted(unknown)}"
        out = Change.NONE
        for t in self.tables - BOOKKEEPING_TABLES:
            out |= TABLE_KINDS[t]
        if self.booked:
            out |= Change.APPOINTMENT
        return out


@contextmanager
def recording(db: Database) -> Iterator[Written]:
    """Record every table written through db's engine (executemany included) while the block runs."""
    rec = Written()

    def on_sql(_conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool) -> None:
        table = written_table(statement)
        if table is not None:
            rec.tables.add(table)

    def on_contact(_mapper: Any, _conn: Any, target: Contact) -> None:
        if _touches_a_booking(target):
            rec.booked = True

    contact_events = ("after_insert", "after_update", "after_delete")
    event.listen(db.engine, "before_cursor_execute", on_sql)
    for name in contact_events:
        event.listen(Contact, name, on_contact)
    try:
        yield rec
    finally:
        event.remove(db.engine, "before_cursor_execute", on_sql)
        for name in contact_events:
            event.remove(Contact, name, on_contact)


def test_written_table_parses_the_statements_sqlalchemy_and_sqlite_use():
    assert written_table("INSERT INTO contact (id, notes) VALUES (?, ?)") == "contact"
    assert written_table('INSERT OR REPLACE INTO "sync_state" (key, value) VALUES (?, ?)') == "sync_state"
    assert written_table("REPLACE INTO [lpt_meta] VALUES (?, ?)") == "lpt_meta"
    assert written_table("  update person SET tier=? WHERE person.id = ?") == "person"
    assert written_table("UPDATE OR IGNORE `office_closure` SET reason=?") == "office_closure"
    assert written_table("DELETE FROM contact_draft WHERE contact_draft.person_id = ?") == "contact_draft"
    assert written_table("INSERT INTO contact_fts (notes, contact_id) SELECT notes, id FROM contact") == "contact"
    assert written_table("INSERT INTO contact_fts_data VALUES (?)") == "contact"
    for read in ("SELECT * FROM person", "BEGIN IMMEDIATE", "PRAGMA cache_size", "COMMIT"):
        assert written_table(read) is None


def test_a_table_with_no_kind_fails_and_bookkeeping_announces_nothing():
    with pytest.raises(AssertionError, match="brand_new"):
        _ = Written(tables={"contact", "brand_new"}).kinds
    assert Written(tables=set(BOOKKEEPING_TABLES)).kinds == Change.NONE
    assert Written(tables={"contact", "audit"}, booked=True).kinds == Change.CONTACT | Change.APPOINTMENT


# -- a small demo caseload, made once per module ----------------------------------------------------
@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("changes") / "template.lptdb"
    create_demo(path, PASSPHRASE, DemoSpec(cases=10, contacts_per_case=5, seed=7, today=DEMO_TODAY),
                kdf=KdfParams.fast()).close()
    return path


@pytest.fixture
def db(demo_template, tmp_path) -> Iterator[Database]:
    path = tmp_path / "caseload.lptdb"
    for src in demo_template.parent.glob(demo_template.name + "*"):  # the file and its .key
        shutil.copy(src, path.parent / src.name.replace(demo_template.name, path.name))
    database = unlock(path, PASSPHRASE)
    yield database
    database.close()


@dataclass(frozen=True)
class Demo:
    """Cases of the demo caseload the scenarios use."""

    person: str  # on a community order
    co_sentence: str
    lic_sentence: str


def demo_cases(db: Database) -> Demo:
    with db.read() as s:
        rows = s.execute(select(Sentence.id, Sentence.person_id, Sentence.order_type)
                         .join(Person, Person.id == Sentence.person_id).order_by(Person.crn)).all()
    co = next(r for r in rows if r.order_type == "CO")
    lic = next(r for r in rows if r.order_type == "LIC")
    return Demo(person=co.person_id, co_sentence=co.id, lic_sentence=lic.id)


_crns = iter(range(700001, 799999))


def fresh_case(db: Database, order_type: str = "CO") -> str:
    """A new case on its own order (no failures yet), made before recording starts."""
    pid = cases.add_person(db, crn=f"Z{next(_crns)}", first_name="Casey", last_name="Fresh",
                           date_of_birth=date(1991, 3, 4), officer_id=db.officer_id, today=TODAY)
    cases.add_sentence(db, pid, order_type=order_type, start_date=TODAY - timedelta(days=200),
                       end_date=TODAY + timedelta(days=365))
    return pid


def at(days: int, hour: int = 10) -> datetime:
    return datetime.combine(TODAY + timedelta(days=days), time(hour, 0))


def working_day(after_days: int) -> date:
    d = TODAY + timedelta(days=after_days)
    while d.weekday() >= 5 or is_bank_holiday(d):
        d += timedelta(days=1)
    return d


def attended(when: datetime, **kw: Any) -> ContactInput:
    return replace(ContactInput(type_code="COAP", starts_at=when, outcome="ATTC", location="Preston office",
                                notes="Discussed job search."), **kw)


def failed(when: datetime, **kw: Any) -> ContactInput:
    return replace(ContactInput(type_code="COAP", starts_at=when, outcome="AFTA", location="Preston office",
                                notes="Did not attend and did not phone."), **kw)


# -- the scenarios ----------------------------------------------------------------------------------
# A scenario prepares what the call needs (outside the recording) and returns the call's arguments after db;
# the test makes the call itself, so it is always the service under test that runs.
Args = tuple[tuple[Any, ...], dict[str, Any]]


def call(*args: Any, **kwargs: Any) -> Args:
    return args, kwargs


@dataclass(frozen=True)
class Scenario:
    name: str
    prepare: Callable[[Database, Demo], Args]


SCENARIOS: dict[Callable[..., Any], list[Scenario]] = defaultdict(list)


def scenario(service: Callable[..., Any], name: str) -> Callable[[Callable[[Database, Demo], Args]], None]:
    def register(prepare: Callable[[Database, Demo], Args]) -> None:
        SCENARIOS[service].append(Scenario(name, prepare))

    return register


# appointments
@scenario(appointments.book_appointment, "one booking")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, at(7), "COAP", "Preston office", now=NOW)


@scenario(appointments.book_series, "weekly series of three")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, at(7, 11), "weekly", 3, "COAP", now=NOW)


@scenario(appointments.cancel_booking, "a booking")
def _(db: Database, demo: Demo) -> Args:
    return call(appointments.book_appointment(db, demo.person, at(8), "COAP", now=NOW))


@scenario(appointments.cancel_booking, "one of a series")
def _(db: Database, demo: Demo) -> Args:
    return call(appointments.book_series(db, demo.person, at(9, 14), "fortnightly", 2, "COAP", now=NOW)[1])


@scenario(appointments.add_closure, "a new closed day")
def _(db: Database, demo: Demo) -> Args:
    return call(working_day(20), "Staff training")


@scenario(appointments.add_closure, "a closed day's reason changed")
def _(db: Database, demo: Demo) -> Args:
    appointments.add_closure(db, working_day(30), "Staff training")
    return call(working_day(30), "Fire alarm test")


OFFICE = offices.OfficeIn("Lancaster", ("Lancaster Road", "Lancaster"), "LA1 1AA", "01524 201234")


@scenario(offices.save_office, "a new office")
def _(db: Database, demo: Demo) -> Args:
    return call(OFFICE)


@scenario(offices.save_office, "an office's phone number changed")
def _(db: Database, demo: Demo) -> Args:
    oid = offices.save_office(db, replace(OFFICE, name="Chorley"))
    return call(replace(OFFICE, name="Chorley", phone="01257 123456", id=oid))


@scenario(offices.set_officer_office, "the officer's office chosen, then changed")
def _(db: Database, demo: Demo) -> Args:
    offices.set_officer_office(db, offices.save_office(db, replace(OFFICE, name="Accrington")))
    return call(offices.save_office(db, replace(OFFICE, name="Burnley")))


@scenario(appointments.remove_closure, "a closed day")
def _(db: Database, demo: Demo) -> Args:
    appointments.add_closure(db, working_day(40), "Staff training")
    return call(working_day(40))


@scenario(appointments.remove_closure, "a day that was open (writes nothing)")
def _(db: Database, demo: Demo) -> Args:
    return call(working_day(50))


# cases
@scenario(cases.open_case, "a demo case (only the audit row)")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person)


@scenario(cases.add_person, "a new person")
def _(db: Database, demo: Demo) -> Args:
    return call(crn="Z100001", first_name="Robin", last_name="Newcombe", date_of_birth=date(1985, 2, 3),
                officer_id=db.officer_id, today=TODAY)


@scenario(cases.update_person, "preferred name and tier")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, preferred_name="Jo", first_language="Welsh")


@scenario(cases.add_sentence, "a second order")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, order_type="SSO", start_date=TODAY, end_date=TODAY + timedelta(days=365))


@scenario(cases.add_requirement, "unpaid work on a community order")
def _(db: Database, demo: Demo) -> Args:
    pid = fresh_case(db)
    with db.read() as s:
        sid = s.scalar(select(Sentence.id).where(Sentence.person_id == pid))
    return call(sid, "UPW", {"hours": 80})


@scenario(cases.add_licence_condition, "a licence condition")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.lic_sentence, "X01", "Not to contact the victim.", standard=False)


@scenario(cases.add_registration, "a register")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, "ALSH", TODAY - timedelta(days=3))


# contacts
@scenario(contacts.record_contact, "an attended appointment")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, attended(at(0, 9)), now=NOW)


@scenario(contacts.record_contact, "clearing the case's draft")
def _(db: Database, demo: Demo) -> Args:
    contacts.save_draft(db, demo.person, attended(at(0, 11), notes="half typed"))
    return call(demo.person, attended(at(0, 11)), now=NOW)


@scenario(contacts.record_contact, "with risk plan links")
def _(db: Database, demo: Demo) -> Args:
    # The actions (and sentence plan goals: the scenario below) must be the case's own (record_contact checks).
    pid, _plan, action = _rosh_plan(db)
    return call(pid, attended(at(0, 12), rmp_action_ids=(action,)), now=NOW)


@scenario(contacts.record_contact, "a failure with its enforcement decision")
def _(db: Database, demo: Demo) -> Args:
    return call(fresh_case(db), failed(at(-1), absence_judgement="unacceptable", enforcement_action="EA02",
                                    enforcement_reason="No reason given."), now=NOW)


@scenario(contacts.record_contact, "a failure left for a decision")
def _(db: Database, demo: Demo) -> Args:
    return call(fresh_case(db), failed(at(-1)), now=NOW)


@scenario(contacts.record_contact, "a future appointment with no outcome yet (a booking)")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, ContactInput(type_code="COAP", starts_at=at(5), location="Preston office"), now=NOW)


@scenario(contacts.amend_contact, "a corrected note")
def _(db: Database, demo: Demo) -> Args:
    cid = contacts.record_contact(db, demo.person, attended(at(0, 13)), now=NOW)
    return call(cid, attended(at(0, 13), notes="Discussed housing."), "wrong topic", now=NOW)


@scenario(contacts.amend_contact, "a failure given its enforcement decision")
def _(db: Database, demo: Demo) -> Args:
    pid = fresh_case(db)
    cid = contacts.record_contact(db, pid, failed(at(-1)), now=NOW)
    return call(cid, failed(at(-1), absence_judgement="unacceptable", enforcement_action="EA02",
                                    enforcement_reason="No reason given."), "decision left off", now=NOW)


@scenario(contacts.amend_contact, "a booking moved (still no outcome)")
def _(db: Database, demo: Demo) -> Args:
    cid = contacts.record_contact(db, demo.person, ContactInput(type_code="COAP", starts_at=at(6)), now=NOW)
    return call(cid, ContactInput(type_code="COAP", starts_at=at(6, 14)), "wrong time", now=NOW)


@scenario(contacts.amend_contact, "clearing the amendment's draft")
def _(db: Database, demo: Demo) -> Args:
    cid = contacts.record_contact(db, demo.person, attended(at(0, 14)), now=NOW)
    contacts.save_draft(db, demo.person, attended(at(0, 14), notes="half"), amends_id=cid)
    return call(cid, attended(at(0, 14), notes="Discussed benefits."), "incomplete", now=NOW)


@scenario(contacts.decide_enforcement, "a warning on a failure")
def _(db: Database, demo: Demo) -> Args:
    cid = contacts.record_contact(db, fresh_case(db), failed(at(-1)), now=NOW)
    return call(cid, "EA02", "No reason given.", on=TODAY)


@scenario(contacts.save_draft, "a new draft")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, attended(at(0, 16), notes="typing"))


@scenario(contacts.save_draft, "the case's draft updated")
def _(db: Database, demo: Demo) -> Args:
    contacts.save_draft(db, demo.person, attended(at(0, 16), notes="typ"))
    return call(demo.person, attended(at(0, 16), notes="typing more"))


@scenario(contacts.discard_draft, "a draft")
def _(db: Database, demo: Demo) -> Args:
    return call(contacts.save_draft(db, demo.person, attended(at(0, 17), notes="never mind")))


@scenario(contacts.save_form_draft, "the personal details being edited")
def _(db: Database, demo: Demo) -> Args:
    before = {"preferred_name": "", "date_of_birth": date(1990, 1, 2)}
    return call(demo.person, contacts.PERSONAL_FORM, {**before, "preferred_name": "Robbie"}, before)


@scenario(contacts.discard_form_draft, "the personal details' draft")
def _(db: Database, demo: Demo) -> Args:
    contacts.save_form_draft(db, demo.person, contacts.PERSONAL_FORM, {"preferred_name": "Rob"}, {})
    return call(demo.person, contacts.PERSONAL_FORM)


@scenario(contacts.save_note_template, "the first edit (keeps the defaults)")
def _(db: Database, demo: Demo) -> Args:
    return call("Supervision", "Progress:\n\nRisk:\n")


@scenario(contacts.save_note_template, "a template changed")
def _(db: Database, demo: Demo) -> Args:
    contacts.save_note_template(db, "Phone call", "Who:\n")
    return call("Phone call", "Who:\n\nWhy:\n")


# court work
def _request(db: Database, person_id: str, kind: str = "oral") -> str:
    return court.create_request(db, person_id=person_id, hearing_date=TODAY + timedelta(days=28),
                                report_type=kind, remanded=False, requested_on=TODAY, **COURT)


def _filled_report(db: Database, person_id: str, **sign_off: Any) -> str:
    rid = court.start_report(db, _request(db, person_id), today=TODAY)
    for section, fields in FULL.items():
        court.save_section(db, rid, section, fields)
    # The demo person's offence falls inside their current order: the writer says so (a ready check).
    court.save_section(db, rid, "offence_details", {"during_order": True})
    if sign_off:
        court.save_section(db, rid, "sign_off", sign_off)
    return rid


@scenario(court.create_request, "for a case")
def _(db: Database, demo: Demo) -> Args:
    return call(person_id=demo.person, hearing_date=TODAY + timedelta(days=21), report_type="sdr",
                requested_on=TODAY, **COURT)


@scenario(court.create_request, "for a pre-sentence record")
def _(db: Database, demo: Demo) -> Args:
    xid = court.create_pre_sentence(db, first_name="Kieran", last_name="Holt", date_of_birth=date(1999, 7, 4),
                                    today=TODAY)
    return call(pre_sentence_id=xid, hearing_date=TODAY + timedelta(days=7), report_type="fdr",
                requested_on=TODAY, **COURT)


@scenario(court.create_pre_sentence, "a person not yet on the caseload")
def _(db: Database, demo: Demo) -> Args:
    return call(first_name="Kieran", last_name="Holt", date_of_birth=date(1999, 7, 4), pnc="2017/0044556B",
                address="3 Moor Lane, Lancaster, LA1 1QD", today=TODAY)


@scenario(court.promote_to_case, "with an address, a request and a report")
def _(db: Database, demo: Demo) -> Args:
    xid = court.create_pre_sentence(db, first_name="Kieran", last_name="Holt", date_of_birth=date(1999, 7, 4),
                                    address="3 Moor Lane, Lancaster, LA1 1QD", today=TODAY)
    req = court.create_request(db, pre_sentence_id=xid, hearing_date=TODAY + timedelta(days=7),
                               report_type="fdr", requested_on=TODAY, **COURT)
    court.start_report(db, req, today=TODAY)
    return call(xid, today=TODAY)


@scenario(court.withdraw_request, "with its draft report")
def _(db: Database, demo: Demo) -> Args:
    req = _request(db, demo.person)
    court.start_report(db, req, today=TODAY)
    return call(req)


@scenario(court.withdraw_request, "not yet started")
def _(db: Database, demo: Demo) -> Args:
    return call(_request(db, demo.person))


@scenario(court.start_report, "prefilled from the case")
def _(db: Database, demo: Demo) -> Args:
    return call(_request(db, demo.person, "sdr"), today=TODAY)


@scenario(court.save_section, "one field")
def _(db: Database, demo: Demo) -> Args:
    rid = court.start_report(db, _request(db, demo.person), today=TODAY)
    return call(rid, "offence_details", {"summary": "Took goods worth £86."})


@scenario(court.save_section, "the hearing date (moves the request)")
def _(db: Database, demo: Demo) -> Args:
    rid = court.start_report(db, _request(db, demo.person), today=TODAY)
    return call(rid, "sentencing_court", {"hearing_date": (TODAY + timedelta(days=35)).strftime("%d/%m/%Y")})


@scenario(court.confirm_prefill, "a prefilled section")
def _(db: Database, demo: Demo) -> Args:
    rid = court.start_report(db, _request(db, demo.person, "sdr"), today=TODAY)
    section = next(sec for sec, fields in court.load_report(db, rid).prefilled.items() if fields)
    return call(rid, section)


@scenario(court.mark_ready, "a filled report")
def _(db: Database, demo: Demo) -> Args:
    return call(_filled_report(db, demo.person), today=TODAY)


@scenario(court.countersign, "a ready report")
def _(db: Database, demo: Demo) -> Args:
    rid = _filled_report(db, demo.person, countersignature_required=True)
    court.mark_ready(db, rid, today=TODAY)
    return call(rid, "Sam Patel", today=TODAY)


@scenario(court.mark_sent, "a ready report")
def _(db: Database, demo: Demo) -> Args:
    rid = _filled_report(db, demo.person)
    court.mark_ready(db, rid, today=TODAY)
    return call(rid, today=TODAY)


# national standards
@scenario(obligations.set_policy_in_force, "an older policy")
def _(db: Database, demo: Demo) -> Args:
    return call("ns-2007")


@scenario(obligations.set_policy_in_force, "changed again")
def _(db: Database, demo: Demo) -> Args:
    obligations.set_policy_in_force(db, "ns-2003")
    return call("current")


@scenario(workload.set_capacity, "an officer's hours and reductions")
def _(db: Database, demo: Demo) -> Args:
    return call("LPT0042", 18.5, 2)


@scenario(workload.set_capacity, "back to full time")
def _(db: Database, demo: Demo) -> Args:
    workload.set_capacity(db, "Sam Patel", 30, 0)
    return call("Sam Patel", None, 0)


@scenario(obligations.set_frequency_override, "set")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, "ns_contacts", 14)


@scenario(obligations.set_frequency_override, "cleared")
def _(db: Database, demo: Demo) -> Args:
    obligations.set_frequency_override(db, demo.person, "home_visit", 60)
    return call(demo.person, "home_visit", None)


@scenario(obligations.record_done, "a plan review")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, "plan_review", TODAY - timedelta(days=1), "Reviewed with the person.")


# the editable case record (issue 16)
def _fresh_licence(db: Database) -> str:
    pid = fresh_case(db)
    return case_record.release_on_licence(db, pid, case_record.ReleaseIn(TODAY - timedelta(days=30),
                                                                          TODAY - timedelta(days=200),
                                                                          TODAY + timedelta(days=300),
                                                                          conditions=("Be of good behaviour",)))


def _fresh_requirement(db: Database) -> str:
    pid = fresh_case(db)
    with db.read() as s:
        sid = s.scalar(select(Sentence.id).where(Sentence.person_id == pid))
    return cases.add_requirement(db, sid, "UPW", {"hours": 80})


HOME = case_record.AddressIn("3 Moor Lane", "", "Lancaster", "LA1 1QD")


@scenario(case_record.create_case, "a person and their order")
def _(db: Database, demo: Demo) -> Args:
    return call(case_record.NewCase("Z100002", "Robin", "Newcombe", date(1985, 2, 3), case_record.SentenceIn(
        "CO", TODAY, TODAY + timedelta(days=365), requirements=(case_record.RequirementIn("UPW", {"hours": 60}),)),
        address=HOME), today=TODAY)


@scenario(case_record.add_alias, "another name")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, "Jo", "Smith", "birth")


@scenario(case_record.remove_alias, "another name")
def _(db: Database, demo: Demo) -> Args:
    return call(case_record.add_alias(db, demo.person, "Jo", "Smith"))


@scenario(case_record.add_disability, "with its adjustment")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, "Dyslexia", "Letters read aloud", TODAY)


@scenario(case_record.end_disability, "no longer applies")
def _(db: Database, demo: Demo) -> Args:
    return call(case_record.add_disability(db, demo.person, "Broken leg", "Ground floor room", TODAY), TODAY)


GP = case_record.PersonalContactIn("gp", "Dr Patel", "Fishergate Surgery", "01772 111222")


@scenario(case_record.add_personal_contact, "a GP")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, GP)


@scenario(case_record.update_personal_contact, "a GP's phone")
def _(db: Database, demo: Demo) -> Args:
    return call(case_record.add_personal_contact(db, demo.person, GP), replace(GP, phone="01772 333444"))


@scenario(case_record.remove_personal_contact, "a GP")
def _(db: Database, demo: Demo) -> Args:
    return call(case_record.add_personal_contact(db, demo.person, GP))


@scenario(case_record.new_main_address, "the old one becomes previous")
def _(db: Database, demo: Demo) -> Args:
    return call(fresh_case(db), HOME, TODAY)


@scenario(case_record.no_fixed_abode, "from today")
def _(db: Database, demo: Demo) -> Args:
    return call(fresh_case(db), TODAY)


@scenario(case_record.approved_premises, "from today")
def _(db: Database, demo: Demo) -> Args:
    return call(fresh_case(db), replace(HOME, line1="Highfield House"), TODAY)


@scenario(case_record.add_secondary_address, "a second home")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, HOME, TODAY)


@scenario(case_record.end_address, "a secondary address")
def _(db: Database, demo: Demo) -> Args:
    return call(case_record.add_secondary_address(db, demo.person, HOME, TODAY - timedelta(days=9)), TODAY)


@scenario(case_record.record_circumstance, "a job")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, "ete", "full_time", TODAY, "Warehouse")


@scenario(case_record.new_sentence, "a suspended sentence order with unpaid work")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, case_record.SentenceIn("SSO", TODAY, TODAY + timedelta(days=365), requirements=(
        case_record.RequirementIn("UPW", {"hours": 80}),)))


@scenario(case_record.start_requirement, "unpaid work")
def _(db: Database, demo: Demo) -> Args:
    return call(_fresh_requirement(db), TODAY)


@scenario(case_record.end_requirement, "unpaid work")
def _(db: Database, demo: Demo) -> Args:
    return call(_fresh_requirement(db), TODAY, "Hours completed")


@scenario(case_record.terminate_sentence, "completed")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.co_sentence, TODAY, "completed")


@scenario(case_record.release_on_licence, "on home detention curfew")
def _(db: Database, demo: Demo) -> Args:
    return call(fresh_case(db), case_record.ReleaseIn(TODAY, TODAY - timedelta(days=100), TODAY + timedelta(days=200),
                                                      hdc=True, hdc_end_date=TODAY + timedelta(days=60)))


@scenario(case_record.recall, "standard")
def _(db: Database, demo: Demo) -> Args:
    return call(_fresh_licence(db), TODAY, "Failed to reside", "standard")


@scenario(case_record.release_after_recall, "re-released")
def _(db: Database, demo: Demo) -> Args:
    sid = _fresh_licence(db)
    case_record.recall(db, sid, TODAY - timedelta(days=5), "Failed to reside", "fixed_term")
    return call(sid, TODAY)


def _licence_with_rosh(db: Database) -> str:
    """A licence whose case has a completed RoSH assessment with a higher custody level."""
    sid = _fresh_licence(db)
    with db.read() as s:
        pid = s.scalar(select(Sentence.person_id).where(Sentence.id == sid))
    assert pid is not None
    aid = rosh.start_assessment(db, pid, today=TODAY)
    rosh_fill.full(db, aid, "M", TODAY)
    rosh.save_summary(db, aid, rosh.SummaryDraft(custody={**rosh_fill.levels("L"), "prisoners": "H"}), TODAY)
    rosh.complete_assessment(db, aid, acknowledge_warnings=True, today=TODAY)
    return sid


@scenario(case_record.recall, "the custody RoSH level comes into force")
def _(db: Database, demo: Demo) -> Args:
    return call(_licence_with_rosh(db), TODAY, "Failed to reside", "standard")


@scenario(case_record.release_after_recall, "the community RoSH level comes back into force")
def _(db: Database, demo: Demo) -> Args:
    sid = _licence_with_rosh(db)
    case_record.recall(db, sid, TODAY - timedelta(days=5), "Failed to reside", "fixed_term")
    return call(sid, TODAY)


@scenario(case_record.vary_licence, "a condition added")
def _(db: Database, demo: Demo) -> Args:
    return call(_fresh_licence(db), TODAY, add=["Curfew 7pm to 7am"])


@scenario(case_record.end_licence, "at its end")
def _(db: Database, demo: Demo) -> Args:
    return call(_fresh_licence(db), TODAY)


@scenario(case_record.transfer_in, "from Cumbria")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, TODAY, "Cumbria")


@scenario(case_record.transfer_out, "to Cumbria")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, TODAY, "Cumbria", "Moved to Carlisle")


@scenario(case_events.record_significant_change, "an arrest")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, "new_offence", TODAY, "Arrested for shoplifting", today=TODAY)


@scenario(registers.add_register, "MAPPA")
def _(db: Database, demo: Demo) -> Args:
    return call(fresh_case(db), "MAPP", TODAY, category="2", level="1", today=TODAY)


@scenario(registers.review_register, "next review from the interval")
def _(db: Database, demo: Demo) -> Args:
    return call(registers.add_register(db, fresh_case(db), "ADVP", TODAY - timedelta(days=20), today=TODAY), TODAY,
                today=TODAY)


@scenario(registers.end_register, "with a reason")
def _(db: Database, demo: Demo) -> Args:
    return call(registers.add_register(db, fresh_case(db), "ADVP", TODAY - timedelta(days=20), today=TODAY), TODAY,
                "Risk reduced", today=TODAY)


# RoSH (issue 18)
def _rosh_draft(db: Database) -> tuple[str, str]:
    pid = fresh_case(db)
    return pid, rosh.start_assessment(db, pid, today=TODAY)


def _rosh_done(db: Database, level: str = "M", by_report_writer: bool = False) -> tuple[str, str]:
    pid = fresh_case(db)
    aid = rosh.start_assessment(db, pid, by_report_writer=by_report_writer, today=TODAY)
    rosh_fill.full(db, aid, level, TODAY)
    rosh.complete_assessment(db, aid, today=TODAY)
    return pid, aid


def _rosh_plan(db: Database) -> tuple[str, str, str]:
    pid, _aid = _rosh_done(db)
    plan = rosh_plan.start_plan(db, pid, TODAY)
    action = rosh_plan.add_action(db, plan, rosh_plan.ActionIn("supervision", "Offender manager", "Weekly reporting",
                                                               TODAY + timedelta(days=30)), TODAY)
    return pid, plan, action


@scenario(rosh.start_assessment, "a first screening")
def _(db: Database, demo: Demo) -> Args:
    return call(fresh_case(db), today=TODAY)


@scenario(rosh.start_assessment, "a review from the completed one")
def _(db: Database, demo: Demo) -> Args:
    return call(_rosh_done(db)[0], today=TODAY)


@scenario(rosh.mark_report_writer, "a draft")
def _(db: Database, demo: Demo) -> Args:
    return call(_rosh_draft(db)[1])


@scenario(rosh.save_draft, "answers and a summary")
def _(db: Database, demo: Demo) -> Args:
    return call(_rosh_draft(db)[1], rosh.AssessmentDraft(answers=rosh_fill.all_answers(), summary=rosh.SummaryDraft(
        texts={"who_at_risk": "Partner"}, community=rosh_fill.levels("L"))), TODAY)


@scenario(rosh.confirm_carried, "one section of a review")
def _(db: Database, demo: Demo) -> Args:
    pid, _aid = _rosh_done(db)
    return call(rosh.start_assessment(db, pid, today=TODAY), "summary.who_at_risk", TODAY)


@scenario(rosh.discard_draft, "a draft")
def _(db: Database, demo: Demo) -> Args:
    return call(_rosh_draft(db)[1], TODAY)


@scenario(rosh.complete_assessment, "a screening: level, register and timeline")
def _(db: Database, demo: Demo) -> Args:
    _pid, aid = _rosh_draft(db)
    rosh_fill.full(db, aid, "H", TODAY)
    return call(aid, today=TODAY)


@scenario(rosh.complete_assessment, "warnings to acknowledge (writes nothing)")
def _(db: Database, demo: Demo) -> Args:
    _pid, aid = _rosh_draft(db)
    rosh_fill.screened_out(db, aid, "L", TODAY)
    rosh.set_sources(db, aid, ["interview"], {})
    return call(aid, today=TODAY)


@scenario(rosh.confirm_screening, "a report writer's screening")
def _(db: Database, demo: Demo) -> Args:
    return call(_rosh_done(db, by_report_writer=True)[1], TODAY)


@scenario(rosh_plan.start_plan, "from the completed assessment")
def _(db: Database, demo: Demo) -> Args:
    return call(_rosh_done(db)[0], TODAY)


@scenario(rosh_plan.add_action, "an action without its date yet")
def _(db: Database, demo: Demo) -> Args:
    return call(_rosh_plan(db)[1], rosh_plan.ActionIn("victim_safety", "Victim liaison officer", "Check safety"),
                TODAY)


@scenario(rosh_plan.update_action, "given its date")
def _(db: Database, demo: Demo) -> Args:
    return call(_rosh_plan(db)[2], rosh_plan.ActionIn("supervision", "Offender manager", "Fortnightly reporting",
                                                      TODAY + timedelta(days=60)), TODAY)


@scenario(rosh_plan.remove_action, "with its links")
def _(db: Database, demo: Demo) -> Args:
    return call(_rosh_plan(db)[2], TODAY)


@scenario(rosh_plan.move_action, "to the top of its section")
def _(db: Database, demo: Demo) -> Args:
    _pid, plan, _action = _rosh_plan(db)
    return call(rosh_plan.add_action(db, plan, rosh_plan.ActionIn("supervision", "Police", "Joint visit", TODAY),
                                     TODAY), 0, TODAY)


@scenario(rosh_plan.mark_action_done, "done today")
def _(db: Database, demo: Demo) -> Args:
    return call(_rosh_plan(db)[2], TODAY, TODAY)


@scenario(rosh_plan.record_sharing, "with the police")
def _(db: Database, demo: Demo) -> Args:
    return call(_rosh_plan(db)[1], "police", TODAY, today=TODAY)


@scenario(rosh_plan.complete_plan, "every action whole, not shared (acknowledged)")
def _(db: Database, demo: Demo) -> Args:
    return call(_rosh_plan(db)[1], acknowledge_warnings=True, today=TODAY)


@scenario(rosh_plan.link_contact_to_actions, "a contact delivering an action")
def _(db: Database, demo: Demo) -> Args:
    pid, _plan, action = _rosh_plan(db)
    cid = contacts.record_contact(db, pid, attended(at(-1)), now=NOW)
    return call(cid, [action])


def _rekeyed(data: Any) -> Any:
    """The file's cases as other cases: every id and CRN new, each reference following its record."""
    ids: dict[str, str] = {}

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("id"), str):
                ids[value["id"]] = str(uuid.uuid4())
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    def swap(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return ids.get(value, value) if isinstance(value, str) else value

    collect(data["cases"])
    out = {**data, "cases": swap(data["cases"])}
    for case in out["cases"]:
        case["person"]["crn"] = f"Y{next(_crns)}"
    return out


@scenario(case_transfer.import_cases, "every demo case again, under new ids and CRNs, and a closed day")
def _(db: Database, demo: Demo) -> Args:
    contacts.record_contact(db, fresh_case(db), failed(at(-1), absence_judgement="unacceptable",
                                                       enforcement_action="EA02", enforcement_reason="None given."),
                            now=NOW)
    data = _rekeyed(case_transfer.export_cases(db, include_restricted=True))
    data["office_closures"] = [{"day": working_day(40).isoformat(), "reason": "Staff training"}]
    return call(data)


@scenario(case_transfer.import_cases, "a case here updated from the file (--update)")
def _(db: Database, demo: Demo) -> Args:
    with db.read() as s:
        crn = s.scalar(select(Person.crn).where(Person.id == demo.person))
    data = case_transfer.export_cases(db, [crn])
    person = data["cases"][0]["person"]
    a, b = ("A", "B") if person.get("tier_scheme") == "2026" else ("A3", "B1")  # a tier of its own scheme
    person["tier"] = a if person["tier"] != a else b
    return call(data, update=True)


@scenario(case_transfer.import_cases, "cases already here (writes nothing)")
def _(db: Database, demo: Demo) -> Args:
    return call(case_transfer.export_cases(db))


# tiering (issue 17)
@scenario(tiering.set_tier_scheme, "the earlier A-D scheme")
def _(db: Database, demo: Demo) -> Args:
    return call("ab03")


@scenario(tiering.record_predictors, "scores from an assessment")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, TODAY - timedelta(days=10), ogrs3=41.0, rsr=2.4, arp=Predictor(62.0),
                csrp=Predictor(2.6, static=True), today=TODAY)


@scenario(tiering.accept_tier, "the suggested tier")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, today=TODAY)


@scenario(tiering.override_tier, "another tier with a reason")
def _(db: Database, demo: Demo) -> Args:
    return call(demo.person, "B", "Police intelligence shows contact with a known gang this month.", today=TODAY)


# Countersignature (issue 19): who acts is the sync state's role (unenrolled: the file's officer).
def _laptop_role(db: Database, role: str | None, username: str | None = None) -> None:
    with db.write() as s:
        state.put(s, **{state.ROLE: role, state.USERNAME: username, state.DISPLAY_NAME: username})


def _awaiting(db: Database) -> str:
    """A high RoSH assessment completed and submitted by the officer."""
    _pid, aid = _rosh_done(db, "H")
    if countersign.signing_status(db, "rosh_assessment", aid) == "unsigned":
        countersign.submit_for_countersignature(db, "rosh_assessment", aid, today=TODAY)
    return aid


_RETURN = "The analysis leaves out the previous domestic abuse call-outs: add them and review the level."


@scenario(countersign.submit_for_countersignature, "a report writer's high screening, by the officer")
def _(db: Database, demo: Demo) -> Args:
    _laptop_role(db, "court_officer", "court1")  # completing on a court officer's laptop leaves it unsigned
    _pid, aid = _rosh_done(db, "H")
    _laptop_role(db, None)
    return call("rosh_assessment", aid, today=TODAY)


@scenario(countersign.countersign, "work awaiting it, by the manager")
def _(db: Database, demo: Demo) -> Args:
    aid = _awaiting(db)
    _laptop_role(db, "team_manager", "mgr1")
    return call("rosh_assessment", aid, today=TODAY)


@scenario(countersign.return_work, "work awaiting it, with a comment")
def _(db: Database, demo: Demo) -> Args:
    aid = _awaiting(db)
    _laptop_role(db, "team_manager", "mgr1")
    return call("rosh_assessment", aid, _RETURN, today=TODAY)


@scenario(countersign.resubmit, "returned work, as it is")
def _(db: Database, demo: Demo) -> Args:
    aid = _awaiting(db)
    _laptop_role(db, "team_manager", "mgr1")
    countersign.return_work(db, "rosh_assessment", aid, _RETURN, today=TODAY)
    _laptop_role(db, None)
    return call("rosh_assessment", aid, "The level stands: the call-outs are in the analysis.", today=TODAY)


def _override(db: Database, demo: Demo) -> str:
    did = tiering.override_tier(db, demo.person, "B", "Police intelligence shows contact with a known gang.",
                                today=TODAY)
    _laptop_role(db, "team_manager", "mgr1")
    return did


@scenario(countersign.agree_override, "an officer's override")
def _(db: Database, demo: Demo) -> Args:
    return call(_override(db, demo), "Agreed: the intelligence raises the risk this month.", today=TODAY)


@scenario(countersign.refuse_override, "an officer's override")
def _(db: Database, demo: Demo) -> Args:
    return call(_override(db, demo), "Refused: the intelligence is a year old and was acted on.", today=TODAY)


@scenario(countersign.record_oversight, "a manager's oversight contact")
def _(db: Database, demo: Demo) -> Args:
    _laptop_role(db, "team_manager", "mgr1")
    return call(demo.person, "Reviewed the case with the officer: home visit within ten days.", TODAY, today=TODAY)


# -- needs assessments and sentence plans (issue 20) ------------------------------------------------
def _plan_case(db: Database) -> str:
    """A new case on an order with a programme requirement (an intervention to place)."""
    pid = fresh_case(db)
    with db.read() as s:
        sid = s.scalar(select(Sentence.id).where(Sentence.person_id == pid))
    cases.add_requirement(db, sid, "PROG", {"programme": "TSP"}, TODAY - timedelta(days=200))
    return pid


def _needs_draft(db: Database) -> tuple[str, str]:
    pid = _plan_case(db)
    return pid, needs.start_assessment(db, pid, today=TODAY)


def _needs_done(db: Database) -> str:
    pid, aid = _needs_draft(db)
    needs.save_draft(db, aid, plan_fill.rated({"accommodation": "standard"}), TODAY)
    needs.complete_assessment(db, aid, today=TODAY)
    return pid


def _draft_plan(db: Database) -> tuple[str, str, str, str]:
    """(case, plan, goal, step): a draft plan ready to agree."""
    pid = _plan_case(db)
    plan, g, st = plan_fill.ready_plan(db, pid, TODAY)
    return pid, plan, g, st


def _done_plan(db: Database) -> tuple[str, str, str, str]:
    pid, plan, g, st = _draft_plan(db)
    sentence_plan.record_agreement(db, plan, sentence_plan.AgreementIn("yes"), TODAY)
    assert sentence_plan.complete_plan(db, plan, acknowledge_warnings=True, today=TODAY).completed
    return pid, plan, g, st


def _linked_contact(db: Database, pid: str, goal: str, step: str) -> str:
    return contacts.record_contact(db, pid, attended(at(-1), plan_objective_ids=(goal,), plan_step_ids=(step,)),
                                   now=NOW)


@scenario(needs.start_assessment, "a first one, barriers from the case record")
def _(db: Database, demo: Demo) -> Args:
    return call(_plan_case(db), today=TODAY)


@scenario(needs.start_assessment, "from the completed one")
def _(db: Database, demo: Demo) -> Args:
    return call(_needs_done(db), today=TODAY)


@scenario(needs.save_draft, "ratings and evidence")
def _(db: Database, demo: Demo) -> Args:
    return call(_needs_draft(db)[1], plan_fill.rated({"drugs": "severe"}), TODAY)


@scenario(needs.confirm_carried, "one evidence note carried forward")
def _(db: Database, demo: Demo) -> Args:
    aid = needs.start_assessment(db, _needs_done(db), today=TODAY)
    return call(aid, "section.accommodation.evidence", TODAY)


@scenario(needs.discard_draft, "a draft")
def _(db: Database, demo: Demo) -> Args:
    return call(_needs_draft(db)[1], TODAY)


@scenario(needs.complete_assessment, "barriers written back to the case record")
def _(db: Database, demo: Demo) -> Args:
    _pid, aid = _needs_draft(db)
    needs.save_draft(db, aid, plan_fill.rated(**{"barrier.childcare.present": True,
                                                 "barrier.childcare.adjustment": "Appointments in school hours"}),
                     TODAY)
    return call(aid, today=TODAY)


@scenario(sentence_plan.start_plan, "a first plan")
def _(db: Database, demo: Demo) -> Args:
    return call(_plan_case(db), today=TODAY)


@scenario(sentence_plan.start_plan, "a new version from the completed one")
def _(db: Database, demo: Demo) -> Args:
    return call(_done_plan(db)[0], "review", today=TODAY)


@scenario(sentence_plan.set_persons_words, "their words and involvement")
def _(db: Database, demo: Demo) -> Args:
    return call(_draft_plan(db)[1], "I want a job", involvement="At the office")


@scenario(sentence_plan.set_sequence_reason, "housing first")
def _(db: Database, demo: Demo) -> Args:
    return call(_draft_plan(db)[1], "Housing first: nothing holds without an address")


@scenario(sentence_plan.add_goal, "a future goal")
def _(db: Database, demo: Demo) -> Args:
    return call(_draft_plan(db)[1], plan_fill.goal("Into work", "ete", "Is in paid work", "none"), TODAY)


@scenario(sentence_plan.update_goal, "a target date given")
def _(db: Database, demo: Demo) -> Args:
    return call(_draft_plan(db)[2], plan_fill.goal(choice="12_months"), TODAY)


@scenario(sentence_plan.set_goal_status, "achieved, with a note and a timeline event")
def _(db: Database, demo: Demo) -> Args:
    return call(_done_plan(db)[2], "achieved", "Moved into a council flat", TODAY)


@scenario(sentence_plan.update_goal, "a target date taken off: a future goal, with the note in its history")
def _(db: Database, demo: Demo) -> Args:
    return call(_draft_plan(db)[2], plan_fill.goal(choice="none"), TODAY)


@scenario(sentence_plan.delete_goal, "a draft's goal with its step")
def _(db: Database, demo: Demo) -> Args:
    return call(_draft_plan(db)[2])


@scenario(sentence_plan.delete_goal, "with a contact linked to it and its step")
def _(db: Database, demo: Demo) -> Args:
    pid, _plan, g, st = _draft_plan(db)
    _linked_contact(db, pid, g, st)
    return call(g)


@scenario(sentence_plan.move_goal, "to the top")
def _(db: Database, demo: Demo) -> Args:
    _pid, plan, _g, _st = _draft_plan(db)
    return call(sentence_plan.add_goal(db, plan, plan_fill.goal("Calm", "thinking_behaviour", "Stays calm"), TODAY), 0)


@scenario(sentence_plan.place_intervention, "the programme under a goal")
def _(db: Database, demo: Demo) -> Args:
    _pid, plan, g, _st = _draft_plan(db)
    tsp = next(i for i in sentence_plan.plan_view(db, plan, TODAY).interventions if i.code == "tsp")
    return call(g, tsp.requirement_id)


@scenario(sentence_plan.add_step, "a partner's step")
def _(db: Database, demo: Demo) -> Args:
    return call(_draft_plan(db)[2], plan_fill.step("Tenancy support", "partnership_agency", TODAY + timedelta(days=9),
                                                   partner="accommodation_provider"))


@scenario(sentence_plan.update_step, "a new date")
def _(db: Database, demo: Demo) -> Args:
    return call(_draft_plan(db)[3], plan_fill.step(by=TODAY + timedelta(days=40)))


@scenario(sentence_plan.set_step_status, "in progress")
def _(db: Database, demo: Demo) -> Args:
    return call(_draft_plan(db)[3], "in_progress")


@scenario(sentence_plan.delete_step, "with a contact's link to it")
def _(db: Database, demo: Demo) -> Args:
    pid, _plan, g, st = _draft_plan(db)
    _linked_contact(db, pid, g, st)
    return call(st)


@scenario(sentence_plan.record_agreement, "yes")
def _(db: Database, demo: Demo) -> Args:
    return call(_draft_plan(db)[1], sentence_plan.AgreementIn("yes"), TODAY)


@scenario(sentence_plan.save_agreement, "their words and a yes in one transaction")
def _(db: Database, demo: Demo) -> Args:
    return call(_draft_plan(db)[1], "I want a job", "At the office", sentence_plan.AgreementIn("yes"), today=TODAY)


@scenario(sentence_plan.discard_plan, "a draft with a contact linked to its goal")
def _(db: Database, demo: Demo) -> Args:
    pid, plan, g, st = _draft_plan(db)
    _linked_contact(db, pid, g, st)
    return call(plan, TODAY)


@scenario(sentence_plan.complete_plan, "agreed, submitted for countersignature")
def _(db: Database, demo: Demo) -> Args:
    _pid, plan, _g, _st = _draft_plan(db)
    sentence_plan.record_agreement(db, plan, sentence_plan.AgreementIn("yes"), TODAY)
    return call(plan, acknowledge_warnings=True, today=TODAY)


@scenario(sentence_plan.complete_plan, "flags to acknowledge (writes nothing)")
def _(db: Database, demo: Demo) -> Args:
    _pid, plan, _g, _st = _draft_plan(db)
    sentence_plan.set_persons_words(db, plan, "", involvement="")
    return call(plan, today=TODAY)


@scenario(sentence_plan.start_review, "at the interval")
def _(db: Database, demo: Demo) -> Args:
    return call(_done_plan(db)[1], today=TODAY)


@scenario(sentence_plan.save_review, "a rating")
def _(db: Database, demo: Demo) -> Args:
    _pid, plan, g, _st = _done_plan(db)
    return call(sentence_plan.start_review(db, plan, today=TODAY), sentence_plan.ReviewIn({g: "met"}))


@scenario(sentence_plan.complete_review, "no change, with the reason")
def _(db: Database, demo: Demo) -> Args:
    _pid, plan, g, _st = _done_plan(db)
    review = sentence_plan.start_review(db, plan, today=TODAY)
    sentence_plan.save_review(db, review, sentence_plan.ReviewIn({g: "partly_met"}, no_change_reason="Still fits"))
    return call(review, today=TODAY)


@scenario(sentence_plan.link_contact, "a goal and a step")
def _(db: Database, demo: Demo) -> Args:
    pid, _plan, g, st = _draft_plan(db)
    return call(contacts.record_contact(db, pid, attended(at(-2)), now=NOW), [g], [st])


# -- discovery: every write service is accounted for ------------------------------------------------
def _service_modules() -> list[Any]:
    return [importlib.import_module(f"{services_pkg.__name__}.{m.name}")
            for m in pkgutil.iter_modules(services_pkg.__path__) if not m.ispkg]


def _qualname(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"


def declared_services() -> dict[str, Callable[..., Any]]:
    """Every function of a lpt_desktop.services module that carries @writes, by "module.function"."""
    found = {}
    for module in _service_modules():
        for name, fn in vars(module).items():
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ and hasattr(fn, "changes"):
                found[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] = fn
    return found


def _opens_write(node: ast.FunctionDef) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.With | ast.AsyncWith):
            for item in sub.items:
                c = item.context_expr
                if (isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "write"
                        and isinstance(c.func.value, ast.Name) and c.func.value.id == "db"):
                    return True
    return False


def _names_called(node: ast.FunctionDef) -> set[str]:
    return {sub.func.id for sub in ast.walk(node) if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name)}


def _is_declared(node: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "writes"
               for d in node.decorator_list)


def _functions() -> Iterator[tuple[str, list[ast.FunctionDef]]]:
    """The module-level functions of each lpt_desktop/services/*.py but changes.py (the machinery itself)."""
    for path in sorted(SERVICES_DIR.glob("*.py")):
        if path.stem != "changes":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            yield path.stem, [n for n in tree.body if isinstance(n, ast.FunctionDef)]


def _public_functions() -> Iterator[tuple[str, ast.FunctionDef]]:
    for module, nodes in _functions():
        for node in nodes:
            if not node.name.startswith("_"):
                yield f"{module}.{node.name}", node


def announcing_functions() -> set[str]:
    """Public service functions that announce by hand: they call announce(), or a function of their module
    that does (sync's _announcing() context manager), at any depth."""
    found = set()
    for module, nodes in _functions():
        calls = {n.name: _names_called(n) for n in nodes}
        announcers = {"announce"}
        while True:
            more = {name for name, called in calls.items() if called & announcers} - announcers
            if not more:
                break
            announcers |= more
        found |= {f"{module}.{name}" for name in announcers if name in calls and not name.startswith("_")}
    return found


def test_every_public_function_that_opens_a_write_is_declared():
    undeclared = [name for name, node in _public_functions()
                  if _opens_write(node) and not _is_declared(node) and name not in NOT_RUN]
    assert not undeclared, f"give these @writes(...) (or a reason in NOT_RUN): {undeclared}"


def test_every_write_service_is_run_here_or_excluded_by_name():
    scenario_names = {_qualname(fn) for fn in SCENARIOS}
    announcing = announcing_functions()
    write_services = set(declared_services()) | announcing
    missing = write_services - scenario_names - set(NOT_RUN)
    assert not missing, f"write services with no scenario here and no reason in NOT_RUN: {sorted(missing)}"
    assert not scenario_names & set(NOT_RUN), "a service is both run and excluded"
    stale = {name for name in NOT_RUN if not hasattr(importlib.import_module(
        f"{services_pkg.__name__}.{name.split('.')[0]}"), name.split(".")[1])}
    assert not stale, f"NOT_RUN names services that no longer exist: {stale}"
    # The sync services announce dynamically: they are accounted for, by name.
    assert {"sync.resolve_conflict", "sync.sync_now", "sync.enrol"} <= announcing & set(NOT_RUN)
    assert all(hasattr(fn, "changes") for fn in SCENARIOS), "a scenario runs a service without @writes"


def test_every_table_in_the_file_has_a_kind(db):
    with db.read() as s:
        tables = set(s.connection().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").scalars())
    raw = {t for t in tables if t.startswith(RAW_SQL_TABLES)}
    assert tables - raw - set(TABLE_KINDS) - BOOKKEEPING_TABLES == set(), "tables with no kind in TABLE_KINDS"
    assert set(TABLE_KINDS) | (BOOKKEEPING_TABLES - {"alembic_version"}) <= tables, "TABLE_KINDS names a table " \
        "the file does not have"


# -- running every service --------------------------------------------------------------------------
@pytest.mark.parametrize("service", sorted(SCENARIOS, key=_qualname), ids=_qualname)
def test_service_announces_what_it_writes(db, service):
    demo = demo_cases(db)
    declared = declared_changes(service)
    seen = Change.NONE
    for sc in SCENARIOS[service]:
        args, kwargs = sc.prepare(db, demo)
        with recording(db) as rec, collecting() as got:
            service(db, *args, **kwargs)
        written = rec.kinds
        where = f"{_qualname(service)} ({sc.name}): wrote {sorted(rec.tables)}"
        assert written & ~got[0] == Change.NONE, f"{where}: announced {got[0]}, did not announce {written & ~got[0]}"
        assert got[0] & ~declared == Change.NONE, f"{where}: announced {got[0]} beyond its @writes {declared}"
        seen |= written
    never = declared & ~seen
    assert never == Change.NONE, (f"{_qualname(service)} declares {never} but no scenario writes it: "
                                  "fix the @writes(...) or add the scenario that does")


def test_a_declaration_of_everything_fails(db):
    """The check above catches an over-wide declaration: run decide_enforcement declared as everything."""
    everything = Change.NONE
    for kind in TABLE_KINDS.values():
        everything |= kind
    wide = writes(everything)(contacts.decide_enforcement.__wrapped__)
    args, kwargs = SCENARIOS[contacts.decide_enforcement][0].prepare(db, demo_cases(db))
    with recording(db) as rec, collecting() as got:
        wide(db, *args, **kwargs)
    assert got[0] == everything
    assert rec.kinds == Change.ENFORCEMENT  # so `declared & ~seen` is everything but ENFORCEMENT


def test_an_unannounced_write_is_seen(db):
    """A write made with no declaration is recorded (so it would fail the check above)."""
    demo = demo_cases(db)
    with recording(db) as rec, collecting() as got:
        contacts.save_draft.__wrapped__(db, demo.person, attended(at(0, 16), notes="typing"))
    assert got[0] == Change.NONE and rec.kinds == Change.DRAFT


# -- collecting(), announce() and @writes themselves ------------------------------------------------
@writes(Change.CONTACT, Change.DRAFT)
def _records(fail: bool = False) -> str:
    if fail:
        raise RuntimeError("refused")
    return "done"


@writes(Change.REPORT)
def _outer() -> str:
    return _records()


def test_writes_announces_its_declaration_when_it_returns():
    assert _records.changes == Change.CONTACT | Change.DRAFT
    assert writes()(lambda: None).changes == Change.NONE  # type: ignore[attr-defined]
    assert declared_changes(len) == Change.NONE
    with collecting() as got:
        assert got[0] == Change.NONE
        assert _records() == "done"
    assert got[0] == Change.CONTACT | Change.DRAFT
    with collecting() as got:
        _outer()  # a service that calls another announces both
    assert got[0] == Change.CONTACT | Change.DRAFT | Change.REPORT


def test_announce_outside_an_operation_does_nothing():
    announce(Change.CASE)
    _records()
    with collecting() as got:
        pass
    assert got[0] == Change.NONE


def test_a_service_that_raises_announces_nothing():
    with collecting() as got, pytest.raises(RuntimeError):
        _records(fail=True)
    assert got[0] == Change.NONE
    with pytest.raises(RuntimeError), collecting() as got:  # the block itself raising still restores the outer
        _records()
        raise RuntimeError("after the write")
    assert got[0] == Change.CONTACT | Change.DRAFT
    with collecting() as after:
        pass
    assert after[0] == Change.NONE


def test_nested_collections_add_up_to_the_outer_one():
    with collecting() as outer:
        announce(Change.CASE)
        with collecting() as inner:
            _records()
            assert outer[0] == Change.CASE  # the inner block's kinds reach the outer when it ends
        assert inner[0] == Change.CONTACT | Change.DRAFT
        assert outer[0] == Change.CASE | Change.CONTACT | Change.DRAFT
        with pytest.raises(RuntimeError), collecting() as failed_inner:
            announce(Change.SYNC)
            raise RuntimeError("part way")
        assert failed_inner[0] == Change.SYNC
        assert outer[0] & Change.SYNC  # what was announced before the failure was still changed
        with collecting() as sibling:
            pass
        assert sibling[0] == Change.NONE  # a new block starts empty
    assert outer[0] == Change.CASE | Change.CONTACT | Change.DRAFT | Change.SYNC


def test_announcements_on_another_thread_stay_there():
    other: list[Change] = []
    started, announced = threading.Event(), threading.Event()

    def worker() -> None:
        with collecting() as got:
            started.set()
            announce(Change.SYNC)
            _records()
            announced.set()
        other.append(got[0])
        announce(Change.TEMPLATE)  # no operation on this thread any more: nothing to do

    with collecting() as mine:
        announce(Change.CASE)
        t = threading.Thread(target=worker)
        t.start()
        assert started.wait(10) and announced.wait(10)
        t.join(10)
        loose = threading.Thread(target=lambda: (announce(Change.REPORT), _records()))
        loose.start()
        loose.join(10)
    assert mine[0] == Change.CASE
    assert other == [Change.SYNC | Change.CONTACT | Change.DRAFT]
