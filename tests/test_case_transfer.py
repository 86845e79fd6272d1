"""Export and import of whole cases (issue 16, "Import and export"): services/case_transfer.py.

The round trip runs on a demo caseload given one of each record the case record added (alias, disability,
personal contact, circumstance, new address, register, recall, override, plan done, a series, a closed
day): exported, imported into a new empty caseload, it gives the same caseload, contacts and obligations,
and exporting it again gives the same file.
"""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lpt_desktop.domain.transfer import FORMAT, VERSION, FieldSpec, parse_value
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import (
    appointments,
    case_record,
    case_transfer,
    contacts,
    court,
    obligations,
    registers,
    rosh,
)
from lpt_desktop.services.caseload import load_caseload
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.services.unlock import create_caseload, unlock
from lpt_desktop.store.case_record_models import Alias, Circumstance
from lpt_desktop.store.court_models import PreSentence
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Audit, Contact, Person, Sentence
from lpt_desktop.store.schedule_models import OfficeClosure
from lpt_desktop.store.sync_models import SyncOutbox, SyncState
from tests import rosh_fill
from tests.conftest import DEMO_TODAY, PASSPHRASE, TEST_TODAY

TODAY = TEST_TODAY


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def files_of(path: Path) -> dict[str, str]:
    """sha256 of the caseload, its key file and its -wal/-shm (whichever exist)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.parent.iterdir())
            if p.name.startswith(path.name)}


def _enrich(db: Database) -> None:
    """One of each record the demo does not make, on its first cases."""
    with db.read() as s:
        people = list(s.scalars(select(Person.id).order_by(Person.crn)))
        licence = s.scalar(select(Sentence.id).where(Sentence.order_type == "LIC", Sentence.terminated_on.is_(None))
                           .order_by(Sentence.start_date.desc()))
    a, b, c = people[:3]
    case_record.add_alias(db, a, "Jonny", "Smith", kind="nickname")
    case_record.add_disability(db, a, "Hearing loss", "Induction loop in interview room", TODAY - timedelta(days=30))
    case_record.add_personal_contact(db, a, case_record.PersonalContactIn("gp", "Dr Okafor", "Avenham Surgery",
                                                                          "01772 123456"))
    case_record.record_circumstance(db, a, "accommodation", "unsettled", TODAY - timedelta(days=10))
    case_record.new_main_address(db, b, case_record.AddressIn("4 Moor Lane", town="Preston", postcode="PR1 3PQ"),
                                 TODAY - timedelta(days=5))
    registers.add_register(db, b, "MAPP", TODAY - timedelta(days=20), category="2", level="1", today=TODAY)
    assert licence is not None
    case_record.recall(db, licence, TODAY - timedelta(days=3), "Failed to reside", "standard")
    obligations.set_frequency_override(db, c, "ns_contacts", 14)
    obligations.record_done(db, c, "sentence_plan", TODAY - timedelta(days=2), "Plan agreed")
    appointments.book_series(db, c, datetime.combine(TODAY + timedelta(days=7), time(10)), "weekly", 3, "COAP")
    appointments.add_closure(db, TODAY + timedelta(days=16), "Staff training")
    with db.read() as s:  # the demo's pre-sentence person, made a case: their record travels with it
        stranger = s.scalar(select(PreSentence.id).where(PreSentence.person_id.is_(None)))
    assert stranger is not None
    court.promote_to_case(db, stranger, crn="P123456", today=TODAY)
    # A report writer's screening on the promoted case, confirmed by the offender manager (its own record).
    with db.read() as s:
        promoted = s.scalar(select(Person.id).where(Person.crn == "P123456"))
    assert promoted is not None
    screening = rosh.start_assessment(db, promoted, by_report_writer=True, today=TODAY)
    rosh_fill.full(db, screening, "M", TODAY)
    assert rosh.complete_assessment(db, screening, acknowledge_warnings=True, today=TODAY).completed
    rosh.confirm_screening(db, screening, TODAY)


@pytest.fixture
def source(tmp_path) -> Database:
    db = create_demo(tmp_path / "source" / "demo.lptdb", PASSPHRASE,
                     DemoSpec(cases=14, contacts_per_case=8, seed=11, today=DEMO_TODAY), kdf=KdfParams.fast())
    _enrich(db)
    yield db
    db.close()


@pytest.fixture
def empty(tmp_path) -> Database:
    db = create_caseload(tmp_path / "empty" / "new.lptdb", PASSPHRASE, "Sam Patel", "LPT0099", kdf=KdfParams.fast())
    yield db
    db.close()


def _obligations(db: Database) -> dict[str, list[obligations.Obligation]]:
    found, _who = obligations.all_obligations(db, TODAY)
    return found


def _contacts(db: Database) -> dict[str, list[Any]]:
    with db.read() as s:
        people = list(s.scalars(select(Person.id)))
    return {pid: contacts.list_contacts(db, pid, include_history=True) for pid in people}


def test_the_round_trip_gives_the_same_cases_contacts_and_obligations(source, empty):
    first = case_transfer.export_cases(source, include_restricted=True)
    assert first["format"] == FORMAT and first["version"] == VERSION
    assert len(first["cases"]) == 15 and first["office_closures"]
    kinds = {k for case in first["cases"] for k, v in case.items() if v}
    assert kinds == {"person", *(p.key for p in case_transfer.CASE_PARTS)}, "the test exercises every part of a case"
    assert {"person", "aliases", "addresses", "circumstances", "personal_contacts", "disabilities", "sentences",
            "registers", "events", "contacts", "appointments", "report_requests", "reports", "standards_records",
            "overrides"} <= kinds
    recalled = [x for case in first["cases"] for x in case["sentences"] if x["recalled_on"]]
    assert recalled and all(x["events"] and x["licence_conditions"] for x in recalled)
    assert any(c["restricted"] for case in first["cases"] for c in case["contacts"])
    assert any(c["enforcement"] for case in first["cases"] for c in case["contacts"])
    # Needs and sentence plans (issue 20), with the goals and steps contacts delivered.
    assert {"needs_assessments", "sentence_plans"} <= kinds
    assert any(p["goals"] and p["agreements"] and p["reviews"] for case in first["cases"]
               for p in case["sentence_plans"])
    assert any(c["plan_step_ids"] and c["plan_goal_ids"] for case in first["cases"] for c in case["contacts"])

    result = case_transfer.import_cases(empty, json.loads(json.dumps(first)))
    assert sorted(result.created) == sorted(c["person"]["crn"] for c in first["cases"])
    assert not result.skipped and not result.updated and result.closures_added == 1

    assert load_caseload(empty, TODAY) == load_caseload(source, TODAY)
    assert _contacts(empty) == _contacts(source)
    theirs = _obligations(source)
    assert _obligations(empty) == theirs and sum(map(len, theirs.values())) > 100
    again = case_transfer.export_cases(empty, include_restricted=True)
    assert canonical(again) == canonical(first)
    with empty.read() as s:  # the cases are the importing officer's now, and the import is audited
        assert set(s.scalars(select(Person.officer_id))) == {empty.officer_id}
        assert s.scalar(select(func.count()).select_from(Audit).where(Audit.table_name == "import")) == 1


def test_dates_and_datetimes_are_iso_and_every_column_but_the_local_ones_travels(source):
    data = case_transfer.export_cases(source)
    person = data["cases"][0]["person"]
    assert date.fromisoformat(person["date_of_birth"])
    assert "officer_id" not in person and "updated_at" not in person and "id" in person
    contact = data["cases"][0]["contacts"][0]
    assert datetime.fromisoformat(contact["starts_at"])
    assert "person_id" not in contact  # where it sits in the file says whose it is
    assert {c.name for c in Contact.__table__.columns} - set(contact) == {"person_id", "updated_at"}


def test_crn_selects_the_cases_and_an_unknown_crn_is_named(source):
    with source.read() as s:
        crns = list(s.scalars(select(Person.crn).order_by(Person.crn)))[2:4]
    data = case_transfer.export_cases(source, crns)
    assert [c["person"]["crn"] for c in data["cases"]] == crns
    with pytest.raises(ValidationError, match="CRN Z999999: is not on this caseload"):
        case_transfer.export_cases(source, [crns[0], "Z999999"])


def test_restricted_contacts_only_with_the_flag_and_only_for_who_may_read_them(source):
    def restricted(data: dict[str, Any]) -> int:
        return sum(c["restricted"] for case in data["cases"] for c in case["contacts"])

    with source.read() as s:
        total = s.scalar(select(func.count()).select_from(Contact).where(Contact.restricted.is_(True)))
    assert total
    assert restricted(case_transfer.export_cases(source)) == 0
    assert case_transfer.withheld_restricted(source) == total
    assert restricted(case_transfer.export_cases(source, include_restricted=True)) == total
    assert case_transfer.withheld_restricted(source, include_restricted=True) == 0
    source.officer_id = "someone-else"  # not the cases' officer, nor victim liaison: the flag is not enough
    assert restricted(case_transfer.export_cases(source, include_restricted=True)) == 0
    source.role = "VLO"
    assert restricted(case_transfer.export_cases(source, include_restricted=True)) == total


def test_a_bad_file_is_refused_whole_with_every_problem_and_nothing_written(source, empty):
    data = case_transfer.export_cases(source)
    bad = copy.deepcopy(data)
    bad["cases"][3]["addresses"][0]["from_date"] = "2026-13-01"
    bad["cases"][0]["person"]["crn"] = "12345"
    bad["cases"][1]["sentences"][0]["terminated_on"] = "1999-01-01"
    bad["cases"][2]["contacts"][0]["starts_at"] = "yesterday"
    bad["cases"][2]["contacts"][1]["amends_id"] = str(uuid.uuid4())
    bad["cases"][4]["registers"] = "none"
    bad["cases"][5]["person"]["shoe_size"] = 9
    bad["office_closures"] = [{"day": "2026-12-01", "reason": "Training"}, {"day": "2026-12-01", "reason": "x"}]
    path = empty.path
    empty.close()
    before = files_of(path)
    db = unlock(path, PASSPHRASE)
    try:
        with pytest.raises(ValidationError) as caught:
            case_transfer.import_cases(db, bad)
    finally:
        db.close()
    assert files_of(path) == before
    said = [str(e) for e in caught.value.errors]
    start = data["cases"][1]["sentences"][0]["start_date"]
    assert said == [
        "cases[0].person.crn: '12345' is not a CRN: use a capital letter then six digits, e.g. X123456",
        f"cases[1].sentences[0].terminated_on: the termination (1999-01-01) is before start_date ({start}): correct "
        "one of the two dates",
        'cases[2].contacts[0].starts_at: "yesterday" is not a date and time (yyyy-mm-ddThh:mm): write a real moment, '
        "e.g. 2026-01-31T14:30",
        f"cases[2].contacts[1].amends_id: '{bad['cases'][2]['contacts'][1]['amends_id']}' is not the id of a contact "
        "record of this case: give one from the same case, or null",
        'cases[3].addresses[0].from_date: "2026-13-01" is not a date (yyyy-mm-dd): write a real day, e.g. 2026-01-31',
        "cases[4].registers: is not a list: write [...] (or [] for none)",
        f"cases[5].person.shoe_size: is not a field of this record: remove it or correct its name (fields: "
        f"{', '.join(sorted(k for k in data['cases'][5]['person']))})",
        "office_closures[1].day: 2026-12-01 is also office_closures[0]: list a closed day once",
    ]
    assert case_transfer.check_file(bad) == caught.value.errors  # the same list, without a caseload


def test_a_file_that_is_not_lpt_cases_is_refused(empty):
    with pytest.raises(ValidationError, match='format: "cases" is not "lpt-cases"'):
        case_transfer.import_cases(empty, {"format": "cases", "version": 1, "cases": []})
    with pytest.raises(ValidationError, match="version: 2 is not a version this LPT Desktop reads"):
        case_transfer.import_cases(empty, {"format": FORMAT, "version": 2, "cases": []})
    with pytest.raises(ValidationError, match=r"\(file\): is not an lpt-cases file"):
        case_transfer.import_cases(empty, [])


def test_an_id_another_case_holds_is_refused_with_the_files_untouched(source, empty):
    data = case_transfer.export_cases(source)
    case_transfer.import_cases(empty, {**data, "cases": data["cases"][:1]})
    taken = data["cases"][0]["contacts"][0]["id"]
    other = copy.deepcopy(data["cases"][1])
    other["contacts"][0]["id"] = taken
    path = empty.path
    empty.close()
    before = files_of(path)
    db = unlock(path, PASSPHRASE)
    try:
        with pytest.raises(ValidationError) as caught:
            case_transfer.import_cases(db, {**data, "cases": [other]})
    finally:
        db.close()
    assert files_of(path) == before
    assert [str(e) for e in caught.value.errors] == [
        f"cases[0].contacts[0].id: '{taken}' is already a record of another case (or under another record) on this "
        "caseload: leave the id out to make a new record"]


def test_a_case_already_here_by_id_or_crn_is_skipped_and_reported(source, empty):
    data = case_transfer.export_cases(source)
    first, second = data["cases"][:2]
    case_transfer.import_cases(empty, {**data, "cases": [first, second]})
    same_crn = copy.deepcopy(second)
    same_crn["person"]["id"] = str(uuid.uuid4())
    fresh = data["cases"][2]
    result = case_transfer.import_cases(empty, {**data, "cases": [first, same_crn, fresh]})
    crn1, crn2 = first["person"]["crn"], second["person"]["crn"]
    assert result.created == [fresh["person"]["crn"]]
    assert [line.split(":")[0] for line in result.skipped] == [
        f"{crn1} ({first['person']['first_name']} {first['person']['last_name']})",
        f"{crn2} ({second['person']['first_name']} {second['person']['last_name']})"]
    assert "(same id and CRN)" in result.skipped[0] and "(same CRN)" in result.skipped[1]
    assert "--update" in result.skipped[0]
    with empty.read() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 3


def test_a_file_of_cases_already_here_writes_nothing(source):
    data = case_transfer.export_cases(source)
    with source.read() as s:
        audits = s.scalar(select(func.count()).select_from(Audit))
    result = case_transfer.import_cases(source, data)
    assert len(result.skipped) == 15 and not result.wrote
    with source.read() as s:
        assert s.scalar(select(func.count()).select_from(Audit)) == audits


def _enrol(db: Database) -> None:
    with db.write() as s:  # as if enrolled: changes to synced records go to the outbox
        s.add(SyncState(key="laptop_id", value="laptop-under-test"))


def test_update_edits_a_case_through_the_outbox_as_local_edits(source, empty):
    data = case_transfer.export_cases(source)
    case = data["cases"][0]
    case_transfer.import_cases(empty, {**data, "cases": [case]})
    _enrol(empty)
    edited = copy.deepcopy(case)
    pid = edited["person"]["id"]
    # Another tier of the same scheme (import refuses a tier whose form is not its tier_scheme's).
    a, b = ("A", "B") if edited["person"].get("tier_scheme") == "2026" else ("A3", "B1")
    edited["person"]["tier"] = a if edited["person"]["tier"] != a else b
    edited["addresses"][0]["postcode"] = "PR9 9ZZ"
    edited["aliases"].append({"id": str(uuid.uuid4()), "first_name": "Jo", "last_name": "Other", "kind": "alias"})
    recorded = next(c for c in edited["contacts"] if c["outcome"] is not None)
    recorded["notes"] = "rewritten"

    skipped = case_transfer.import_cases(empty, {**data, "cases": [edited]})
    assert skipped.skipped and not skipped.updated
    with empty.read() as s:
        assert s.scalar(select(func.count()).select_from(SyncOutbox)) == 0
    result = case_transfer.import_cases(empty, {**data, "cases": [edited]}, update=True)
    assert result.updated == [case["person"]["crn"]] and not result.created
    again = case_transfer.import_cases(empty, {**data, "cases": [edited]}, update=True)
    assert again.unchanged == [case["person"]["crn"]] and not again.updated  # nothing new: not "updated"
    index = edited["contacts"].index(recorded)
    assert result.notes == [f"cases[0].contacts[{index}]: differs from the record here (notes), which is never "
                            "edited once recorded: not changed (record a correction in the window)"]
    with empty.read() as s:
        rows = {(r.kind, r.op, tuple(sorted(r.fields))) for r in s.scalars(select(SyncOutbox))}
        person = s.get(Person, pid)
        assert person is not None and person.tier == edited["person"]["tier"]
        assert s.get(Contact, recorded["id"]).notes != "rewritten"
        alias = s.scalar(select(Alias).where(Alias.person_id == pid, Alias.first_name == "Jo"))
    assert ("person", "upsert", ("tier",)) in rows
    assert ("address", "upsert", ("postcode",)) in rows
    assert any(kind == "alias" and op == "upsert" and "first_name" in fields for kind, op, fields in rows)
    assert alias is not None and alias.last_name == "Other"
    assert not any(kind == "contact" for kind, _op, _f in rows)


def test_imported_records_go_to_the_outbox_like_local_creations(source, empty):
    _enrol(empty)
    data = case_transfer.export_cases(source)
    case = data["cases"][0]
    case_transfer.import_cases(empty, {**data, "cases": [case]})
    with empty.read() as s:
        sent = {(r.kind, r.record_id) for r in s.scalars(select(SyncOutbox).where(SyncOutbox.op == "upsert"))}
    assert ("person", case["person"]["id"]) in sent
    assert {("contact", c["id"]) for c in case["contacts"]} <= sent
    assert {("address", a["id"]) for a in case["addresses"]} <= sent


def test_update_refuses_a_crn_another_case_holds(source, empty):
    data = case_transfer.export_cases(source)
    one, two = copy.deepcopy(data["cases"][:2])
    case_transfer.import_cases(empty, {**data, "cases": [one, two]})
    one["person"]["crn"] = two["person"]["crn"]
    with pytest.raises(ValidationError, match=r"cases\[0\].person.crn: .* is the CRN of another case"):
        case_transfer.import_cases(empty, {**data, "cases": [one]}, update=True)


def test_records_without_ids_are_made_new_and_children_follow_them(empty):
    data = {"format": FORMAT, "version": VERSION, "office_closures": [], "cases": [{
        "person": {"crn": "X123456", "first_name": "Jo", "last_name": "Bloggs", "date_of_birth": "1990-05-06"},
        "circumstances": [{"kind": "accommodation", "value": "settled", "from_date": "2026-01-05"}],
        "sentences": [{"order_type": "CO", "start_date": "2026-01-05", "end_date": "2027-01-04",
                       "requirements": [{"type_code": "UPW", "params": {"hours": 100}}]}],
    }]}
    result = case_transfer.import_cases(empty, data)
    assert result.created == ["X123456"]
    with empty.read() as s:
        person = s.scalar(select(Person).where(Person.crn == "X123456"))
        assert person is not None and person.sentences[0].requirements[0].params == {"hours": 100}
        assert s.scalar(select(Circumstance.value).where(Circumstance.person_id == person.id)) == "settled"
        assert s.scalar(select(func.count()).select_from(OfficeClosure)) == 0


def test_coded_fields_take_the_codes_the_case_record_data_lists(empty):
    data = {"format": FORMAT, "version": VERSION, "cases": [{
        "person": {"crn": "X123456", "first_name": "Jo", "last_name": "Bloggs", "date_of_birth": "1990-05-06"},
        "aliases": [{"first_name": "Joe", "last_name": "B", "kind": "stage_name"}],
        "circumstances": [{"kind": "accommodation", "value": "castle", "from_date": "2026-01-05"},
                          {"kind": "hobbies", "value": "golf", "from_date": "2026-01-05"}],
    }]}
    with pytest.raises(ValidationError) as caught:
        case_transfer.import_cases(empty, data)
    said = [str(e) for e in caught.value.errors]
    assert [s.split(":")[0] for s in said] == ["cases[0].aliases[0].kind", "cases[0].circumstances[0].value",
                                               "cases[0].circumstances[1].kind"]
    assert said[0].startswith('cases[0].aliases[0].kind: "stage_name" is not a kind of name: use one of alias, ')
    assert said[1].startswith('cases[0].circumstances[0].value: "castle" is not a value for accommodation: use one of ')
    assert "settled" in said[1]
    with empty.read() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_an_order_and_its_requirements_are_checked_as_the_services_check_them(empty):
    data = {"format": FORMAT, "version": VERSION, "cases": [{
        "person": {"crn": "X123456", "first_name": "Jo", "last_name": "", "date_of_birth": "1990-05-06"},
        "sentences": [{"order_type": "CO", "sentence_date": "2026-01-06", "start_date": "2026-01-05",
                       "requirements": [{"type_code": "UPW", "params": {}}, {"type_code": "ZZZ"}]}],
        "registers": [{"type_code": "MAPP", "start_date": "2026-02-01", "next_review_date": "2026-01-01"}],
    }]}
    said = [str(e) for e in case_transfer.check_file(data)]
    assert said[0] == "cases[0].person.last_name: is empty: enter the person's last name"
    assert "cases[0].sentences[0].start_date: the start (or release on licence) (2026-01-05) is before " \
           "sentence_date (2026-01-06): correct one of the two dates" in said
    upw = next(s for s in said if s.startswith("cases[0].sentences[0].requirements[0].params: "))
    assert "is empty" in upw and "Unpaid work" in upw
    assert any(s.startswith("cases[0].sentences[0].requirements[1].type_code: 'ZZZ' is unknown") for s in said)
    assert "cases[0].registers[0].next_review_date: the next review (2026-01-01) is before start_date (2026-02-01): " \
           "correct one of the two dates" in said
    assert any(s.startswith("cases[0].registers[0].category: is missing or wrong") for s in said)
    with pytest.raises(ValidationError):
        case_transfer.import_cases(empty, data)


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("date", "2026-02-28", date(2026, 2, 28)),
    ("date", "2026-02-29", '"2026-02-29" is not a date (yyyy-mm-dd)'),
    ("date", "20261201", '"20261201" is not a date (yyyy-mm-dd)'),  # ISO, but not the file's form
    ("date", "01/12/2026", '"01/12/2026" is not a date (yyyy-mm-dd)'),
    ("datetime", "2026-12-01T14:30", datetime(2026, 12, 1, 14, 30)),
    ("datetime", "2026-12-01T14:30:05.123456", datetime(2026, 12, 1, 14, 30, 5, 123456)),
    ("datetime", "2026-12-01T14:30+01:00", '"2026-12-01T14:30+01:00" is not a date and time'),
    ("datetime", "2026-12-01", '"2026-12-01" is not a date and time'),
    ("int", 12, 12),
    ("int", True, "true is not a whole number"),
    ("int", "12", '"12" is not a whole number'),
    ("int", 2**63, "9223372036854775808 is too large"),
    ("bool", 0, "0 is not true or false"),
    ("text", 7, "7 is not text"),
    ("object", [], "[] is not an object"),
    ("list", ["victim", 3], '["victim", 3] is not a list of text'),
])
def test_a_value_is_read_strictly_as_its_kind(kind, value, expected):
    got, problem = parse_value(FieldSpec("f", kind, required=True, nullable=False), value)
    if isinstance(expected, str):
        assert got is None and problem is not None and problem.message.startswith(expected)
    else:
        assert problem is None and got == expected
    assert parse_value(FieldSpec("f", kind, required=True, nullable=False), None)[1] is not None
    assert parse_value(FieldSpec("f", kind, required=False, nullable=True), None) == (None, None)
    assert parse_value(FieldSpec("f", "text", required=True, nullable=False, max_length=3), "abcd")[1] is not None
