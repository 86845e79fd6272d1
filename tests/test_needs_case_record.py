"""Barriers to engagement and the case record (issue 20 walk 6, review 16), through the services on a real
encrypted file: a new needs assessment pre-fills the barriers the record shows (a disability with its
adjustment, caring responsibilities, and a literacy need the last Skills for Life screening found) even over an
earlier assessment's "no"; completing writes the disability's adjustment to the disability itself (not a
second copy in the individual needs), and each other barrier as one line of the individual needs that a later
assessment replaces, or takes out once the barrier is no longer present, leaving the officer's own lines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from lpt_desktop.services import case_record as cr
from lpt_desktop.services import needs
from lpt_desktop.services.cases import update_person
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.case_record_models import Disability
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Person
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.plan_fill import complete_needs, new_case, rated

TODAY = TEST_TODAY
START = TODAY - timedelta(days=200)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("needs-record") / "n.lptdb", PASSPHRASE, "Alex Morgan",
                               "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


def disabilities(db: Database, pid: str) -> list[tuple[str, str | None]]:
    with db.read() as s:
        return [(d.description, d.adjustment) for d in s.scalars(
            select(Disability).where(Disability.person_id == pid).order_by(Disability.created_at))]


def individual_needs(db: Database, pid: str) -> list[str]:
    with db.read() as s:
        person = s.get(Person, pid)
        assert person is not None
        return (person.individual_needs or "").splitlines()


def confirm_all(db: Database, aid: str) -> None:
    for key in needs.needs_view(db, aid, TODAY).unconfirmed_carried:
        needs.confirm_carried(db, aid, key, TODAY)


def test_a_new_assessment_takes_the_barriers_the_record_shows_even_over_an_earlier_no(db):
    pid = new_case(db, START)
    # An earlier assessment (as the demo's) screened a literacy need but answered every barrier "no".
    complete_needs(db, pid, START, {"ete": "standard"}, **{"skills.literacy": "need_identified",
                                                           "skills.referred_on": START})
    cr.add_disability(db, pid, "Hearing impairment", "Quiet interview room; hearing loop at the office", START)
    update_person(db, pid, caring_responsibilities="Two children under 10")
    aid = needs.start_assessment(db, pid, today=TODAY)
    barriers = {b.key: b for b in needs.needs_view(db, aid, TODAY).barriers}
    assert barriers["disability"].present is True
    assert barriers["disability"].adjustment == "Quiet interview room; hearing loop at the office"
    assert "Hearing impairment" in barriers["disability"].on_case_record
    assert barriers["childcare"].present is True and barriers["childcare"].adjustment == ""
    assert barriers["childcare"].on_case_record == "Two children under 10"
    assert barriers["literacy"].present is True
    assert "Skills for Life screening: literacy need identified" in barriers["literacy"].on_case_record
    assert barriers["faith"].present is False  # what the record does not speak to stays as last answered
    # The officer can change them: a "no" saved stays a "no".
    needs.save_draft(db, aid, {"barrier.childcare.present": False}, TODAY)
    assert needs.needs_view(db, aid, TODAY).fields["barrier.childcare.present"] is False


def test_completing_updates_the_disability_and_replaces_each_barriers_line(db):
    pid = new_case(db, START)
    cr.add_disability(db, pid, "Hearing impairment", "Quiet interview room", START)
    update_person(db, pid, caring_responsibilities="Two children under 10",
                  individual_needs="Prefers morning appointments")
    aid = needs.start_assessment(db, pid, today=TODAY)
    needs.save_draft(db, aid, rated(None, **{
        "barrier.disability.present": True,
        "barrier.disability.adjustment": "Quiet interview room; hearing loop; letters by email",
        "barrier.childcare.present": True, "barrier.childcare.adjustment": "Appointments in school hours.",
        "barrier.literacy.present": False}), TODAY)
    done = needs.complete_assessment(db, aid, today=TODAY)
    assert disabilities(db, pid) == [("Hearing impairment", "Quiet interview room; hearing loop; letters by email")]
    assert individual_needs(db, pid) == ["Prefers morning appointments",
                                         "Childcare and caring: Appointments in school hours"]
    assert not any(w.endswith((".", ";")) for w in done.written_to_case_record)
    assert any("Hearing impairment" in w for w in done.written_to_case_record)

    # The next assessment changes the childcare adjustment: its line is replaced, not added beside the old one.
    again = needs.start_assessment(db, pid, today=TODAY)
    confirm_all(db, again)
    needs.save_draft(db, again, {"barrier.childcare.adjustment": "Appointments after 10am"}, TODAY)
    needs.complete_assessment(db, again, today=TODAY)
    assert individual_needs(db, pid) == ["Prefers morning appointments",
                                         "Childcare and caring: Appointments after 10am"]
    assert len(disabilities(db, pid)) == 1

    # Then childcare is no longer a barrier: its line goes; the officer's own line stays.
    third = needs.start_assessment(db, pid, today=TODAY)
    confirm_all(db, third)
    needs.save_draft(db, third, {"barrier.childcare.present": False, "barrier.childcare.adjustment": ""}, TODAY)
    needs.complete_assessment(db, third, today=TODAY)
    assert individual_needs(db, pid) == ["Prefers morning appointments"]


def test_a_disability_line_written_by_the_earlier_version_goes_and_a_new_disability_is_described(db):
    pid = new_case(db, START)
    update_person(db, pid, individual_needs="Disability: Large print letters\nTravel: Bus pass")
    aid = needs.start_assessment(db, pid, today=TODAY)
    needs.save_draft(db, aid, rated(None, **{"barrier.disability.present": True,
                                       "barrier.disability.adjustment": "Visual impairment: large print letters"}),
                     TODAY)
    needs.complete_assessment(db, aid, today=TODAY)
    assert disabilities(db, pid) == [("Visual impairment", "large print letters")]
    assert individual_needs(db, pid) == []  # travel answered "no": its line goes too


def test_several_disabilities_each_take_their_own_line(db):
    pid = new_case(db, START)
    cr.add_disability(db, pid, "Dyslexia", "Letters read aloud", START)
    cr.add_disability(db, pid, "Hearing impairment", "Hearing loop", START)
    aid = needs.start_assessment(db, pid, today=TODAY)
    view = needs.needs_view(db, aid, TODAY)
    assert view.fields["barrier.disability.adjustment"] == \
        "Dyslexia: Letters read aloud\nHearing impairment: Hearing loop"
    needs.save_draft(db, aid, rated(None, **{"barrier.disability.present": True, "barrier.disability.adjustment":
                                       "Dyslexia: Letters read aloud and in plain English\n"
                                       "Hearing impairment: Hearing loop"}), TODAY)
    needs.complete_assessment(db, aid, today=TODAY)
    assert disabilities(db, pid) == [("Dyslexia", "Letters read aloud and in plain English"),
                                     ("Hearing impairment", "Hearing loop")]
    assert individual_needs(db, pid) == []
