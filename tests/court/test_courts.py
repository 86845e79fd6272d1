"""Courts and local justice areas are reference data (issue 15 item 15): one spelling of each court."""

from __future__ import annotations

from datetime import date

import pytest

from lpt_desktop.domain.reference import canonical_court, court_key, courts, find_court, load_json, local_justice_areas
from lpt_desktop.services import court
from tests.court.conftest import TODAY


def test_the_court_list_has_its_source_and_the_lancashire_courts():
    data = load_json("courts.json")
    assert "find-court-tribunal.service.gov.uk" in data["source"]
    names = {c.name for c in courts()}
    for name in ("Preston Crown Court", "Preston Magistrates' Court", "Burnley Crown Court",
                 "Blackburn Magistrates' Court", "Blackpool Magistrates' Court", "Lancaster Magistrates' Court",
                 "Reedley Magistrates' Court"):
        assert name in names, name
    assert all(c.lja in local_justice_areas() for c in courts())
    assert len({court_key(c.name) for c in courts()}) == len(courts()), "no court listed twice"


@pytest.mark.parametrize(("typed", "stored", "listed"), [
    ("Preston Magistrates' Court", "Preston Magistrates' Court", True),
    ("Preston Magistrates Court", "Preston Magistrates' Court", True),  # the duplicate the issue found
    ("preston magistrates’ court", "Preston Magistrates' Court", True),  # curly apostrophe, lower case
    ("  Preston   Crown Court ", "Preston Crown Court", True),
    ("Chorley Magistrates' Court", "Chorley Magistrates' Court", False),  # not on the list: kept as typed
    ("Preston", "Preston", False),
    ("", "", False),
])
def test_a_typed_court_is_stored_as_the_list_spells_it(typed, stored, listed):
    assert canonical_court(typed) == (stored, listed)
    assert (find_court(typed) is not None) is listed


def test_requests_from_two_spellings_name_one_court(caseload):
    for typed in ("Preston Magistrates Court", "Preston Magistrates' Court"):
        court.create_request(caseload.db, person_id=caseload.person_id, court=typed, lja="Lancashire",
                             hearing_date=date(2026, 12, 21), report_type="fdr", requested_on=TODAY)
    # A listed court brings its local justice area when none was given; an unlisted one is kept as typed.
    court.create_request(caseload.db, person_id=caseload.person_id, court="blackpool magistrates court", lja="",
                         hearing_date=date(2026, 12, 21), report_type="oral", requested_on=TODAY)
    court.create_request(caseload.db, person_id=caseload.person_id, court="Chorley Magistrates' Court",
                         lja="Lancashire", hearing_date=date(2026, 12, 21), report_type="sdr", requested_on=TODAY)
    rows = court.list_requests(caseload.db, TODAY)
    assert sorted({r.court for r in rows}) == ["Blackpool Magistrates' Court", "Chorley Magistrates' Court",
                                               "Preston Magistrates' Court"]
    assert {r.lja for r in rows} == {"Lancashire"}


def test_a_court_corrected_in_the_report_is_stored_as_listed(caseload):
    req = court.create_request(caseload.db, person_id=caseload.person_id, court="Preston Crown Court",
                               lja="Lancashire", hearing_date=date(2026, 12, 21), report_type="sdr",
                               requested_on=TODAY)
    rid = court.start_report(caseload.db, req, today=TODAY)
    court.save_section(caseload.db, rid, "sentencing_court", {"court": "blackburn magistrates court"})
    assert court.load_report(caseload.db, rid).sections["sentencing_court"]["court"] == \
        "Blackburn Magistrates' Court"
    assert court.list_requests(caseload.db, TODAY)[0].court == "Blackburn Magistrates' Court"
