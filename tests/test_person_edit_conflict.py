"""Personal details saved from a form that began before a sync changed them: a detail the officer changed
that was also changed elsewhere meanwhile is refused in words and nothing is saved (it used to be written over
unseen); a detail changed elsewhere to the same value, or another detail changed elsewhere, is no conflict."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lpt_desktop.services.case_record import case_details
from lpt_desktop.services.cases import EditedElsewhere, add_person, case_record, update_person
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.case_record_models import CaseEvent
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY


@pytest.fixture
def db(tmp_path):
    database = create_caseload(tmp_path / "c.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


@pytest.fixture
def person(db) -> str:
    return add_person(db, crn="X123456", first_name="Ann", last_name="Example", date_of_birth=date(1985, 4, 2),
                      today=TEST_TODAY)


def form(db, pid: str) -> dict:
    """What the personal details form shows (an empty detail as '')."""
    c, d = case_record(db, pid), case_details(db, pid)
    return {"first_name": d.first_name, "last_name": d.last_name, "preferred_name": c.preferred_name or "",
            "date_of_birth": c.date_of_birth, "phone": d.phone or "", "mobile": d.mobile or "",
            "first_language": c.first_language or "", "interpreter_required": c.interpreter_required}


def events(db, pid: str) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.person_id == pid))


def test_a_detail_changed_elsewhere_meanwhile_is_refused_and_nothing_saved(db, person):
    before = form(db, person)
    update_person(db, person, phone="01772 201234")  # a sync, while the officer edits
    mark = events(db, person)
    with pytest.raises(EditedElsewhere) as err:
        update_person(db, person, before=before, phone="01772 999999", preferred_name="Annie")
    assert [str(e) for e in err.value.errors] == [
        "Phone: was changed to '01772 201234' elsewhere (a sync) while you edited: check it and save again"]
    assert err.value.now == {"phone": "01772 201234"}
    assert case_details(db, person).phone == "01772 201234"
    assert case_record(db, person).preferred_name == ""  # the other change is not saved either
    assert events(db, person) == mark
    # Saved again measured against what the officer was shown: their value goes in.
    update_person(db, person, before={**before, **err.value.now}, phone="01772 999999")
    assert case_details(db, person).phone == "01772 999999"


def test_a_date_cleared_or_changed_elsewhere_is_named_in_words(db, person):
    before = form(db, person)
    update_person(db, person, date_of_birth=date(1985, 4, 3), mobile="07700 900123")
    with pytest.raises(EditedElsewhere) as err:
        update_person(db, person, before={**before, "mobile": "07700 900123"}, date_of_birth=date(1985, 5, 2))
    assert str(err.value.errors[0]) == ("Date of birth: was changed to '03/04/1985' elsewhere (a sync) while you "
                                        "edited: check it and save again")
    before = form(db, person)
    update_person(db, person, mobile="")
    with pytest.raises(EditedElsewhere) as err:
        update_person(db, person, before=before, mobile="07700 900456")
    assert str(err.value.errors[0]) == ("Mobile: was cleared elsewhere (a sync) while you edited: check it and "
                                        "save again")


def test_the_same_value_elsewhere_or_another_detail_elsewhere_is_no_conflict(db, person):
    before = form(db, person)
    update_person(db, person, first_language="Polish", mobile="07700 900123")  # elsewhere
    update_person(db, person, before=before, first_language="Polish", preferred_name="Annie",
                  interpreter_required=True)
    saved = case_record(db, person)
    assert (saved.first_language, saved.preferred_name, saved.interpreter_required) == ("Polish", "Annie", True)
    assert case_details(db, person).mobile == "07700 900123"  # not written over: not in the changes


def test_without_before_the_change_is_written_as_before(db, person):
    update_person(db, person, phone="01772 201234")
    update_person(db, person, phone="01772 999999")
    assert case_details(db, person).phone == "01772 999999"
