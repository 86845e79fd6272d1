"""The editable case record (issue 16): each service saves its rows with an audit row, an outbox row and a
timeline event in one transaction, and refuses impossible input naming the field, saving nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import cases, registers
from lpt_desktop.services.case_events import record_significant_change, timeline
from lpt_desktop.services.case_record import (
    AddressIn,
    NewCase,
    PersonalContactIn,
    ReleaseIn,
    RequirementIn,
    SentenceIn,
)
from lpt_desktop.services.caseload import load_caseload
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.case_record_models import CaseEvent, Circumstance, Disability
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Address, Audit, LicenceCondition, Person, Registration, Requirement, Sentence
from lpt_desktop.store.sync_models import SyncOutbox, SyncState
from tests.conftest import PASSPHRASE, TEST_TODAY

TODAY = TEST_TODAY
ORDER_START = TODAY - timedelta(days=120)
RELEASE = TODAY - timedelta(days=60)
HOME = AddressIn("12 Fishergate", "", "Preston", "pr1 2aa")
CO = SentenceIn("CO", ORDER_START, ORDER_START + timedelta(days=365), sentence_date=ORDER_START,
                offence="Theft from a shop", court="Preston Magistrates' Court",
                requirements=(RequirementIn("UPW", {"hours": 100}),))
LICENCE = ReleaseIn(RELEASE, RELEASE - timedelta(days=200), RELEASE + timedelta(days=300), offence="Burglary",
                    conditions=("Be of good behaviour", "Not to contact the victim"))


@dataclass(frozen=True)
class Case:
    person: str  # on a community order with unpaid work, living at HOME
    order: str
    requirement: str
    licensee: str  # released on licence
    licence: str
    conditions: tuple[str, ...]


@pytest.fixture
def db(tmp_path):
    database = create_caseload(tmp_path / "r.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    with database.write() as s:  # as if enrolled: changes to synced records go to the outbox
        s.add(SyncState(key="laptop_id", value="laptop-under-test"))
    yield database
    database.close()


@pytest.fixture
def case(db) -> Case:
    pid = cr.create_case(db, NewCase("X123456", "Jo", "Bloggs", date(1990, 5, 6), CO, address=HOME), today=TODAY)
    lic_pid = cr.create_case(db, NewCase("X654321", "Sam", "Lee", date(1985, 1, 2),
                                         replace(CO, start_date=ORDER_START - timedelta(days=900),
                                                 sentence_date=None, end_date=ORDER_START - timedelta(days=500))),
                             today=TODAY)
    licence = cr.release_on_licence(db, lic_pid, LICENCE)
    with db.read() as s:
        order = s.scalar(select(Sentence.id).where(Sentence.person_id == pid))
        req = s.scalar(select(Requirement.id).where(Requirement.sentence_id == order))
        conditions = tuple(s.scalars(select(LicenceCondition.id).where(LicenceCondition.sentence_id == licence)
                                     .order_by(LicenceCondition.text)))
    return Case(pid, order, req, lic_pid, licence, conditions)


def _max(db: Database, model: Any, column: Any) -> int:
    with db.read() as s:
        return s.scalar(select(func.coalesce(func.max(column), 0)))


def everything(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (a small caseload): a refusal must leave it exactly as it was."""
    with db.read() as s:
        conn = s.connection()
        tables = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table' "
                                      "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'contact_fts%'").scalars().all()
        return {t: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{t}"')).all()), key=repr) for t in tables}


# -- each service saves its row, audit, outbox and event ------------------------------------------------
Call = Callable[[Database, Case], Any]
SAVES: list[tuple[str, Call, str, str]] = [
    # (name, call, a table written, the timeline event kind)
    ("personal details", lambda db, c: cases.update_person(db, c.person, phone="01772 201234",
                                                           email="jo@example.org"), "person", "personal_details"),
    ("alias", lambda db, c: cr.add_alias(db, c.person, "Joanne", "Smith", "birth"), "alias", "alias_added"),
    ("disability", lambda db, c: cr.add_disability(db, c.person, "Dyslexia", "Letters read aloud",
                                                   date(2020, 1, 1)), "disability", "disability_added"),
    ("personal contact", lambda db, c: cr.add_personal_contact(db, c.person, PersonalContactIn(
        "gp", "Dr Patel", "Fishergate Surgery", "01772 111222")), "personal_contact", "personal_contact"),
    ("new main address", lambda db, c: cr.new_main_address(db, c.person, AddressIn("3 Moor Lane", "", "Lancaster",
                                                                                   "LA1 1QD"), TODAY),
     "address", "change_of_address"),
    ("no fixed abode", lambda db, c: cr.no_fixed_abode(db, c.person, TODAY, "Sofa-surfing"), "address",
     "no_fixed_abode"),
    ("approved premises", lambda db, c: cr.approved_premises(db, c.person, AddressIn("Highfield House", "",
                                                                                     "Preston", "PR1 3AB"), TODAY),
     "address", "approved_premises"),
    ("secondary address", lambda db, c: cr.add_secondary_address(db, c.person, AddressIn("4 Mill St", "", "Leyland",
                                                                                         "PR25 1AA"), TODAY),
     "address", "secondary_address"),
    ("circumstance", lambda db, c: cr.record_circumstance(db, c.person, "ete", "full_time", TODAY, "Warehouse"),
     "circumstance", "change_of_employment"),
    ("register", lambda db, c: registers.add_register(db, c.person, "ADVP", TODAY, today=TODAY), "registration",
     "register_added"),
    ("new order", lambda db, c: cr.new_sentence(db, c.person, replace(CO, order_type="SSO", start_date=TODAY,
                                                                      sentence_date=TODAY,
                                                                      end_date=TODAY + timedelta(days=300))),
     "sentence", "new_sentence"),
    ("requirement ended", lambda db, c: cr.end_requirement(db, c.requirement, TODAY, "Hours completed"),
     "requirement", "requirement_ended"),
    ("order terminated", lambda db, c: cr.terminate_sentence(db, c.order, TODAY, "breached_resentenced"),
     "sentence_event", "breach"),
    ("release", lambda db, c: cr.release_on_licence(db, c.person, replace(LICENCE, release_date=TODAY, hdc=True,
                                                                          hdc_end_date=TODAY + timedelta(days=90))),
     "sentence", "release"),
    ("licence varied", lambda db, c: cr.vary_licence(db, c.licence, TODAY, add=["Curfew 7pm to 7am"]),
     "licence_condition", "licence_varied"),
    ("recall", lambda db, c: cr.recall(db, c.licence, TODAY, "Further offence", "standard"), "sentence_event",
     "recall"),
    ("licence ended", lambda db, c: cr.end_licence(db, c.licence, TODAY), "sentence", "licence_ended"),
    ("transfer in", lambda db, c: cr.transfer_in(db, c.person, TODAY, "Cumbria"), "sentence_event", "transfer_in"),
    ("transfer out", lambda db, c: cr.transfer_out(db, c.person, TODAY, "Cumbria", "Moved to Carlisle"),
     "sentence_event", "transfer_out"),
    ("new offence", lambda db, c: record_significant_change(db, c.person, "new_offence", TODAY,
                                                            "Arrested for shoplifting", today=TODAY),
     "case_event", "new_offence"),
]


@pytest.mark.parametrize(("call", "table", "kind"), [s[1:] for s in SAVES], ids=[s[0] for s in SAVES])
def test_each_change_saves_its_row_audit_outbox_and_event(db, case, call, table, kind):
    audit_before = _max(db, Audit, Audit.id)
    outbox_before = _max(db, SyncOutbox, SyncOutbox.seq)
    call(db, case)
    with db.read() as s:
        audited = set(s.scalars(select(Audit.table_name).where(Audit.id > audit_before)))
        sent = set(s.scalars(select(SyncOutbox.kind).where(SyncOutbox.seq > outbox_before)))
        new_events = set(s.scalars(select(Audit.record_id).where(Audit.id > audit_before,
                                                                Audit.table_name == "case_event")))
        events = s.scalars(select(CaseEvent).where(CaseEvent.id.in_(new_events))).all()
    assert {table, "case_event"} <= audited
    assert {table, "case_event"} <= sent
    [event] = events
    assert event.kind == kind
    assert event.person_id in (case.person, case.licensee) and event.on_date <= TODAY and event.summary


# -- impossible input is refused, naming the field, and nothing is saved --------------------------------
REFUSALS: list[tuple[str, Call, str]] = [
    ("address ends before it starts", lambda db, c: cr.end_address(db, _main(db, c.person),
                                                                   ORDER_START - timedelta(days=1)), "To"),
    ("new main address before the current one", lambda db, c: cr.new_main_address(
        db, c.person, HOME, ORDER_START - timedelta(days=3)), "From"),
    ("address with a bad postcode", lambda db, c: cr.new_main_address(db, c.person, replace(HOME, postcode="PR1"),
                                                                      TODAY), "Postcode"),
    ("sentence ends before it starts", lambda db, c: cr.new_sentence(
        db, c.person, replace(CO, start_date=TODAY, sentence_date=TODAY, end_date=TODAY - timedelta(days=1))),
     "End date"),
    ("order starts before the sentence", lambda db, c: cr.new_sentence(
        db, c.person, replace(CO, start_date=TODAY, sentence_date=TODAY + timedelta(days=1))), "Start date"),
    ("community order with no requirement", lambda db, c: cr.new_sentence(db, c.person, replace(CO, requirements=())),
     "Requirements"),
    ("order longer than the law allows", lambda db, c: cr.new_sentence(db, c.person, replace(CO, length_months=37)),
     "Length"),
    ("unpaid work hours out of range", lambda db, c: cr.new_sentence(
        db, c.person, replace(CO, requirements=(RequirementIn("UPW", {"hours": 20}),))),
     "Requirement 1: Unpaid work: Hours"),
    ("requirement not available on the order's date", lambda db, c: cr.new_sentence(
        db, c.person, replace(CO, requirements=(RequirementIn("SUP", {}),))), "Requirement 1"),
    ("release before the sentence", lambda db, c: cr.release_on_licence(
        db, c.person, replace(LICENCE, release_date=date(2020, 1, 1), sentence_date=date(2020, 2, 1))),
     "Release date"),
    ("HDC with no curfew end", lambda db, c: cr.release_on_licence(db, c.person, replace(LICENCE, hdc=True)),
     "Curfew end"),
    ("register review before its start", lambda db, c: registers.review_register(
        db, _register(db, c.person), TODAY - timedelta(days=30), today=TODAY), "Review date"),
    ("register with no MAPPA level", lambda db, c: registers.add_register(db, c.person, "MAPP", TODAY, category="1",
                                                                          today=TODAY), "MAPPA level"),
    ("register ended with no reason", lambda db, c: registers.end_register(db, _register(db, c.person), TODAY, " ",
                                                                           today=TODAY), "Reason"),
    ("termination before the start", lambda db, c: cr.terminate_sentence(db, c.order, ORDER_START - timedelta(days=1),
                                                                         "completed"), "Termination date"),
    ("termination with an unknown outcome", lambda db, c: cr.terminate_sentence(db, c.order, TODAY, "finished"),
     "Outcome"),
    ("requirement ends before it starts", lambda db, c: cr.end_requirement(
        db, c.requirement, ORDER_START - timedelta(days=1), "Done"), "End date"),
    ("recall before the release", lambda db, c: cr.recall(db, c.licence, RELEASE - timedelta(days=1), "Breach",
                                                          "standard"), "Recall date"),
    ("recall of an order", lambda db, c: cr.recall(db, c.order, TODAY, "Breach", "standard"), "Sentence"),
    ("recall of an unknown type", lambda db, c: cr.recall(db, c.licence, TODAY, "Breach", "short"), "Recall type"),
    ("licence variation before the licence", lambda db, c: cr.vary_licence(
        db, c.licence, RELEASE - timedelta(days=1), add=["Curfew"]), "Variation date"),
    ("circumstance before the current one", lambda db, c: cr.record_circumstance(
        db, c.person, "accommodation", "settled", date(2000, 1, 1)), "From"),
    ("circumstance value unknown", lambda db, c: cr.record_circumstance(db, c.person, "ete", "astronaut", TODAY),
     "Education, training and employment"),
    ("personal contact with a bad phone", lambda db, c: cr.add_personal_contact(
        db, c.person, PersonalContactIn("family", "Pat Bloggs", phone="12345")), "Phone"),
    ("personal details with a bad email", lambda db, c: cases.update_person(db, c.person, email="jo at home"),
     "Email"),
    ("transfer out with no reason", lambda db, c: cr.transfer_out(db, c.person, TODAY, "Cumbria", ""), "Reason"),
    ("disability ends before it starts", lambda db, c: cr.end_disability(db, _disability(db, c.person),
                                                                         TODAY - timedelta(days=1)), "End date"),
]


def _main(db: Database, person_id: str) -> str:
    with db.read() as s:
        return s.scalar(select(Address.id).where(Address.person_id == person_id, Address.status == "main"))


def _register(db: Database, person_id: str) -> str:
    with db.read() as s:
        return s.scalar(select(Registration.id).where(Registration.person_id == person_id))


def _disability(db: Database, person_id: str) -> str:
    with db.read() as s:
        return s.scalar(select(Disability.id).where(Disability.person_id == person_id))


@pytest.mark.parametrize(("call", "field"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_impossible_input_is_refused_naming_the_field_and_nothing_is_saved(db, case, call, field):
    # What some refusals need: a current accommodation, a register to review, a disability to end.
    cr.record_circumstance(db, case.person, "accommodation", "settled", ORDER_START)
    registers.add_register(db, case.person, "ADVP", TODAY - timedelta(days=7), today=TODAY)
    cr.add_disability(db, case.person, "Deaf", "Interpreter at appointments", TODAY)
    before = everything(db)
    with pytest.raises(ValidationError) as refused:
        call(db, case)
    fields = [e.field for e in refused.value.errors]
    assert field in fields, fields
    assert all(e.message for e in refused.value.errors)
    assert everything(db) == before


# -- what the changes do ----------------------------------------------------------------------------
def test_a_new_main_address_makes_the_old_one_previous_ending_the_day_before(db, case):
    new = cr.new_main_address(db, case.person, AddressIn("3 Moor Lane", "", "Lancaster", "la11qd"), TODAY)
    with db.read() as s:
        rows = {a.id: a for a in s.scalars(select(Address).where(Address.person_id == case.person))}
    old = next(a for a in rows.values() if a.id != new)
    assert (old.status, old.to_date) == ("previous", TODAY - timedelta(days=1))
    assert (rows[new].status, rows[new].from_date, rows[new].postcode) == ("main", TODAY, "LA1 1QD")
    nfa = cr.no_fixed_abode(db, case.person, TODAY + timedelta(days=1))
    details = cr.case_details(db, case.person)
    assert [(a.status, a.kind) for a in details.addresses] == [("main", "nfa"), ("previous", "home"),
                                                               ("previous", "home")]
    assert details.addresses[0].id == nfa


def test_a_circumstance_closes_the_previous_one_of_its_kind_only(db, case):
    cr.record_circumstance(db, case.person, "ete", "unemployed", ORDER_START)
    cr.record_circumstance(db, case.person, "accommodation", "settled", ORDER_START)
    cr.record_circumstance(db, case.person, "ete", "full_time", TODAY, "Warehouse")
    details = cr.case_details(db, case.person)
    assert details.current("ete").value_label == "Employed full time"
    assert details.current("accommodation").value == "settled"
    with db.read() as s:
        old = s.scalar(select(Circumstance).where(Circumstance.value == "unemployed"))
    assert old.to_date == TODAY - timedelta(days=1)


def test_register_review_and_end(db, case):
    rid = registers.add_register(db, case.person, "MAPP", TODAY - timedelta(days=10), category="2", level="2",
                                 today=TODAY)
    with db.read() as s:
        assert s.get(Registration, rid).next_review_date == date(2027, 2, 13)  # MAPPA: every 3 months
    assert registers.review_register(db, rid, TODAY, today=TODAY) == date(2027, 2, 23)  # MAPPA: every 3 months
    assert registers.review_register(db, rid, TODAY, date(2027, 1, 5), today=TODAY) == date(2027, 1, 5)
    registers.review_register(db, rid, TODAY, level="1", today=TODAY)  # a MAPPA level changed at review
    with db.read() as s:
        assert (s.get(Registration, rid).category, s.get(Registration, rid).level) == ("2", "1")
    assert timeline(db, case.person)[0].summary == "MAPPA reviewed; level 2 to 1; next review 23/02/2027"
    with pytest.raises(ValidationError) as refused:
        registers.review_register(db, rid, TODAY, level="4", today=TODAY)
    assert refused.value.errors[0].field == "MAPPA level"
    registers.end_register(db, rid, TODAY, "Level 1 at review", today=TODAY)
    with db.read() as s:
        reg = s.get(Registration, rid)
    assert (reg.ended_on, reg.end_reason, reg.next_review_date) == (TODAY, "Level 1 at review", None)
    with pytest.raises(ValidationError, match="already ended"):
        registers.end_register(db, rid, TODAY, "Again", today=TODAY)


def test_a_register_review_keeps_the_reason_for_registration_and_its_own_note(db, case):
    # The walk: registered for a police DV call-out, then reviewed with the police DA unit.
    rid = registers.add_register(db, case.person, "ADVP", TODAY - timedelta(days=30),
                                 notes="Police DV call-out 04/12", today=TODAY)
    registers.review_register(db, rid, TODAY - timedelta(days=2), notes="Reviewed with police DA unit", today=TODAY)
    registers.review_register(db, rid, TODAY, today=TODAY)  # a review with no note keeps the last one's
    with db.read() as s:
        assert s.get(Registration, rid).notes == "Police DV call-out 04/12"
    [shown] = [r for r in cases.open_case(db, case.person).registrations if r.id == rid]
    assert shown.detail == "Police DV call-out 04/12"
    assert registers.review_notes(db, rid) == [(TODAY - timedelta(days=2), "Reviewed with police DA unit")]
    assert any(e.summary == "Domestic abuse perpetrator reviewed; next review 21/02/2027. Note: Reviewed with "
                            "police DA unit" for e in timeline(db, case.person))
    registers.review_register(db, rid, TODAY, notes="Second review", today=TODAY)
    assert registers.review_notes(db, rid)[0] == (TODAY, "Second review")
    other = registers.add_register(db, case.person, "RCPR", TODAY - timedelta(days=5), today=TODAY)
    assert registers.last_review_notes(db, case.person) == {rid: (TODAY, "Second review")}  # other: no review
    assert other not in registers.last_review_notes(db, case.person)
    before = everything(db)
    with pytest.raises(ValidationError) as refused:  # too long for its event: refused, never cut short
        registers.review_register(db, rid, TODAY, notes="x" * 200, today=TODAY)
    assert refused.value.errors[0].field == "Notes"
    assert everything(db) == before


def test_a_licence_variation_keeps_the_history(db, case):
    keep, change = case.conditions
    [new] = cr.vary_licence(db, case.licence, TODAY, change={change: "No contact with the victim or her family"})
    with db.read() as s:
        rows = {c.id: c for c in s.scalars(select(LicenceCondition)
                                           .where(LicenceCondition.sentence_id == case.licence))}
    assert rows[change].to_date == TODAY - timedelta(days=1) and rows[new].from_date == TODAY
    assert rows[keep].to_date is None
    cr.vary_licence(db, case.licence, TODAY + timedelta(days=1), remove=[keep])
    with pytest.raises(ValidationError, match="not a current condition"):
        cr.vary_licence(db, case.licence, TODAY + timedelta(days=2), remove=[keep])


def test_recall_then_release_after_recall(db, case):
    cr.recall(db, case.licence, TODAY - timedelta(days=10), "Failed to reside", "fixed_term")
    with pytest.raises(ValidationError, match="already recalled"):
        cr.recall(db, case.licence, TODAY, "Again", "standard")
    with pytest.raises(ValidationError) as refused:
        cr.release_after_recall(db, case.licence, TODAY - timedelta(days=11))
    assert refused.value.errors[0].field == "Release date"
    cr.release_after_recall(db, case.licence, TODAY)
    with db.read() as s:
        assert s.get(Sentence, case.licence).recalled_on is None
    assert [t.kind for t in timeline(db, case.licensee)][:2] == ["release", "recall"]


def test_the_caseload_order_says_a_licence_is_recalled_until_re_release(db, case):
    def orders() -> dict[str, str]:
        return {r.person_id: r.order_label for r in load_caseload(db, TODAY)}

    assert orders() == {case.person: "Community order", case.licensee: "Licence"}
    cr.recall(db, case.licence, TODAY - timedelta(days=3), "Further offence", "standard")
    assert orders() == {case.person: "Community order", case.licensee: "Licence (recalled)"}
    cr.release_after_recall(db, case.licence, TODAY)
    assert orders()[case.licensee] == "Licence"


def test_the_case_header_flags_a_recall_until_re_release(db, case):
    assert "RECALLED" not in cases.case_record(db, case.licensee).flags
    cr.recall(db, case.licence, TODAY - timedelta(days=3), "Further offence", "standard")
    assert "RECALLED" in cases.case_record(db, case.licensee).flags
    assert "RECALLED" not in cases.case_record(db, case.person).flags
    cr.release_after_recall(db, case.licence, TODAY)
    assert "RECALLED" not in cases.case_record(db, case.licensee).flags


def test_terminating_an_order_ends_its_requirements_still_running(db, case):
    cr.terminate_sentence(db, case.order, TODAY, "revoked", "Revoked on application")
    with db.read() as s:
        order, req = s.get(Sentence, case.order), s.get(Requirement, case.requirement)
    assert (order.terminated_on, order.outcome) == (TODAY, "revoked")
    assert (req.end_date, req.end_reason) == (TODAY, "Order terminated: revoked")
    assert [t.kind for t in timeline(db, case.person)][0] == "order_revoked"
    with pytest.raises(ValidationError, match="nothing more can be recorded"):
        cr.terminate_sentence(db, case.order, TODAY, "completed")


def test_create_case_refuses_a_duplicate_crn_naming_the_existing_case(db, case):
    before = everything(db)
    with pytest.raises(cr.DuplicateCase) as refused:
        cr.create_case(db, NewCase("x123456", "Other", "Person", date(1970, 1, 1), CO), today=TODAY)
    assert refused.value.existing_person_id == case.person
    [error] = refused.value.errors
    assert error.field == "CRN" and "Bloggs, Jo (X123456)" in error.message and "Open that case" in error.message
    assert everything(db) == before


@pytest.mark.parametrize("crn", ["123456", "XX12345", "X12345", "X1234567", ""])
def test_create_case_checks_the_crn_format(db, crn):
    with pytest.raises(ValidationError) as refused:
        cr.create_case(db, NewCase(crn, "Jo", "Bloggs", date(1990, 5, 6), CO), today=TODAY)
    assert "CRN" in [e.field for e in refused.value.errors]
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_create_case_makes_person_sentence_address_and_event(db, case):
    with db.read() as s:
        p = s.get(Person, case.person)
        assert (p.crn, p.officer_id) == ("X123456", db.officer_id)
    [item] = timeline(db, case.person)
    assert (item.kind, item.significant, item.on_date) == ("case_created", False, ORDER_START)
    assert "Community order" in item.summary and "Unpaid work" in item.summary
    record = cases.open_case(db, case.person)
    assert record.sentences[0].requirements[0].summary == "Hours: 100"
    assert "Fishergate" in record.addresses[0]


def test_every_event_kind_written_is_in_the_data():
    kinds = set(case_codes().events)
    assert {c.event for c in case_codes().circumstances.values()} <= kinds
    assert {o.event for o in case_codes().termination_outcomes.values()} <= kinds
    significant = case_codes().significant()
    assert {"change_of_address", "recall", "release", "register_added", "breach", "new_offence"} <= significant
    assert not {"case_created", "register_reviewed", "alias_added"} & significant


def test_the_caseload_filter_finds_other_names(db, case):
    cr.add_alias(db, case.person, "Joanne", "Smythe", "birth")
    rows = {r.person_id: r for r in load_caseload(db, TODAY)}
    assert "smythe" in rows[case.person].search_key and "smythe" not in rows[case.licensee].search_key
    assert rows[case.person].aliases == "Joanne Smythe"
    cr.remove_alias(db, cr.case_details(db, case.person).aliases[0].id)
    assert "smythe" not in {r.person_id: r for r in load_caseload(db, TODAY)}[case.person].search_key
