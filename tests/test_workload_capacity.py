"""An officer's recorded hours (services/workload.set_capacity): validated with the field and the fix named, read
back by workload() as the officer's points available, and cleared by going back to full time."""

from __future__ import annotations

import json

import pytest

from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import workload
from lpt_desktop.services.cases import add_person
from lpt_desktop.services.changes import Change, collecting
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Meta
from tests.conftest import PASSPHRASE, TEST_TODAY


@pytest.fixture
def db(tmp_path):
    d = create_caseload(tmp_path / "w.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast(),
                        team="Preston North")
    add_person(d, crn="X200001", first_name="Test", last_name="Ashworth", date_of_birth=TEST_TODAY.replace(
        year=1990), officer_id=d.officer_id, tier="B", tier_scheme="2026")
    yield d
    d.close()


def _stored(db) -> dict:
    with db.read() as s:
        row = s.get(Meta, workload.CAPACITY_KEY)
        return json.loads(row.value) if row else {}


def test_hours_recorded_change_the_points_available(db):
    with collecting() as got:
        workload.set_capacity(db, "LPT0042", 18.5, 2)
    assert got[0] == Change.STANDARDS
    assert _stored(db) == {"LPT0042": {"hours": 18.5, "reduction_hours": 2.0}}
    (alex,) = workload.workload(db, TEST_TODAY).team.officers
    assert (alex.hours, alex.reduction_hours) == (18.5, 2.0)
    # 2176 x 18.5/37 x (16.5/18.5) = 970.4, rounded down
    assert alex.available == 970
    assert "18.5 hours a week" in alex.capacity_why and "less 2 hours of reductions" in alex.capacity_why
    assert workload.capacity_keys(db) == {db.officer_id: "LPT0042"}


def test_full_time_with_no_reductions_clears_the_entry(db):
    workload.set_capacity(db, "LPT0042", 30, 0)
    workload.set_capacity(db, "Sam Patel", None, 3.5)  # an officer known only by name, full time less 3.5 hours
    workload.set_capacity(db, "LPT0042", None, 0)
    assert _stored(db) == {"Sam Patel": {"hours": None, "reduction_hours": 3.5}}
    assert workload.workload(db, TEST_TODAY).team.officers[0].available == 2176


@pytest.mark.parametrize(("key", "hours", "reduction", "field", "fix"), [
    ("LPT0042", 40, 0, "Hours a week", "give 0 to 37.5 hours"),
    ("LPT0042", -1, 0, "Hours a week", "give 0 to 37.5 hours"),
    ("LPT0042", float("nan"), 0, "Hours a week", "must be a number of hours"),
    ("LPT0042", True, 0, "Hours a week", "must be a number of hours"),
    ("LPT0042", 20, 21, "Reduction hours", "no more than the hours worked"),
    ("LPT0042", None, 38, "Reduction hours", "give 0 to 37 hours"),
    ("LPT0042", 20, -2, "Reduction hours", "give 0 to 20 hours"),
    ("  ", 20, 0, "Officer", "choose the officer"),
    ("lpt0042", 20, 0, "Officer", "give the staff code as recorded"),
])
def test_bad_hours_are_refused_naming_the_field_and_the_fix(db, key, hours, reduction, field, fix):
    with collecting() as got, pytest.raises(ValidationError) as caught:
        workload.set_capacity(db, key, hours, reduction)
    assert got[0] == Change.NONE
    assert [e.field for e in caught.value.errors] == [field]
    assert fix in caught.value.errors[0].message
    assert _stored(db) == {}
