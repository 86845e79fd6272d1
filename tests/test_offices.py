"""Offices: settings kept in the caseload (name, address, postcode, phone), and the office each officer works from."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services.offices import (
    OfficeIn,
    check_office,
    list_offices,
    normal_postcode,
    officer_office,
    save_office,
    set_officer_office,
)
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE

PRESTON = OfficeIn("Preston Central", ("14 Lancaster Road", "Preston"), "PR1 2QA", "01772 201234")


@pytest.fixture
def db(tmp_path):
    database = create_caseload(tmp_path / "o.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


@pytest.mark.parametrize(("typed", "normal"), [
    ("pr1 2qa", "PR1 2QA"), ("PR12QA", "PR1 2QA"), (" bb1  6dn ", "BB1 6DN"), ("SW1A1AA", "SW1A 1AA"), ("", ""),
])
def test_normal_postcode(typed, normal):
    assert normal_postcode(typed) == normal


@pytest.mark.parametrize(("changes", "fields"), [
    ({}, []),
    ({"postcode": "pr12qa"}, []),
    ({"phone": "+44 1772 201234"}, []),
    ({"phone": "(01772) 201-234"}, []),
    ({"name": "  "}, ["Office name"]),
    ({"address_lines": ()}, ["Address"]),
    ({"address_lines": ("  ", "")}, ["Address"]),
    ({"address_lines": ("a", "b", "c", "d")}, ["Address"]),
    ({"postcode": "PR1"}, ["Postcode"]),
    ({"postcode": "12345"}, ["Postcode"]),
    ({"phone": "201234"}, ["Phone"]),
    ({"phone": "call reception"}, ["Phone"]),
    ({"name": "", "postcode": "", "phone": ""}, ["Office name", "Postcode", "Phone"]),
])
def test_check_office(changes, fields):
    errors = check_office(replace(PRESTON, **changes))
    assert [e.field for e in errors] == fields
    for e in errors:
        assert any(w in e.message for w in ("enter", "use", "put")), e


def test_save_list_change_and_choose_the_officers_office(db):
    assert list_offices(db) == [] and officer_office(db) is None
    pid = save_office(db, replace(PRESTON, postcode="pr1 2qa"))
    bid = save_office(db, OfficeIn("Blackburn", ("3 Victoria Street", "Blackburn"), "BB1 6DN", "01254 123456"))
    assert [o.name for o in list_offices(db)] == ["Blackburn", "Preston Central"]
    set_officer_office(db, pid)
    mine = officer_office(db)
    assert mine is not None and (mine.id, mine.postcode) == (pid, "PR1 2QA")
    assert mine.letter_lines == ["14 Lancaster Road", "Preston", "PR1 2QA"]
    assert save_office(db, replace(PRESTON, phone="01772 999999", id=pid)) == pid  # changed, not added
    assert officer_office(db).phone == "01772 999999"
    set_officer_office(db, bid)
    assert officer_office(db).name == "Blackburn"


def test_refusals_name_the_field_and_save_nothing(db):
    save_office(db, PRESTON)
    with pytest.raises(ValidationError) as exc:
        save_office(db, replace(PRESTON, phone="01772 000000"))  # the same name again
    assert [e.field for e in exc.value.errors] == ["Office name"]
    with pytest.raises(ValidationError) as exc:
        save_office(db, replace(PRESTON, name="Lancaster", postcode="nowhere"))
    assert [e.field for e in exc.value.errors] == ["Postcode"]
    with pytest.raises(ValidationError) as exc:
        set_officer_office(db, "no-such-office")
    assert [e.field for e in exc.value.errors] == ["Office"]
    assert len(list_offices(db)) == 1 and officer_office(db) is None


@pytest.mark.parametrize(("postcode", "phone"), [("nowhere", "201234"), ("", "")])
def test_an_office_and_a_case_are_checked_by_the_same_postcode_and_phone_checks(postcode, phone):
    """One check each (domain/validation.py): an office's postcode and phone are refused in the words a case's
    address and phone are, an empty one saying what to enter."""
    from lpt_desktop.services.case_record import AddressIn, _check_address
    from lpt_desktop.services.case_record import check_phone as case_phone

    office = {e.field: e.message for e in check_office(replace(PRESTON, postcode=postcode, phone=phone))}
    address = {e.field: e.message for e in _check_address(AddressIn("1 High Street", postcode=postcode), None)}
    assert office["Postcode"] == address["Postcode"]
    assert office["Phone"].startswith("is empty: enter the number" if not phone else
                                      f"'{phone}' is not a UK phone number: enter it with the area code")
    if phone:
        assert case_phone("Phone", phone).message.split(", e.g.")[0] == office["Phone"].split(", e.g.")[0]
