"""A woman's needs change her suggested tier (issue 20): once her needs assessment, complete and valid for
tiering, rates thinking and behaviour a standard need, the case's tiering inputs count impulsivity or temper
control (services/tiering, as hmpps-tier reads OASys 11.2 and 11.4) and, in the A-D scheme, her protect points
rise from 18 to 20: C0 becomes B0. A man's same needs do not; an assessment older than 55 weeks no longer counts.
On a real encrypted caseload file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from lpt_desktop.services import registers, tiering
from lpt_desktop.services.cases import update_person
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.plan_fill import complete_needs, new_case

TODAY = TEST_TODAY
START = TODAY - timedelta(days=60)
COMPLEXITY = ("RMDO", "ALSH", "RVLN", "STRG")  # 2 protect points each


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("women") / "w.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042",
                               kdf=KdfParams.fast())
    tiering.set_tier_scheme(database, "ab03")
    yield database
    database.close()


def case(db: Database, gender: str) -> str:
    """Medium RoSH (10 protect points) and four complexity registers (8): 18, protect level C."""
    pid = new_case(db, START, gender=gender, programme=None)  # unpaid work only: no mandate, change level 0
    update_person(db, pid, rosh="M")
    for code in COMPLEXITY:
        registers.add_register(db, pid, code, START, today=START)
    return pid


def suggested(db: Database, pid: str, on: date = TODAY) -> str:
    return tiering.tier_view(db, pid, today=on).suggested.tier


def women_step(db: Database, pid: str) -> str:
    view = tiering.tier_view(db, pid, today=TODAY)
    return next(s.why for s in view.suggested.working if s.step == "Women's factors")


def test_a_womans_thinking_and_behaviour_need_raises_her_suggested_tier(db: Database) -> None:
    pid = case(db, "Female")
    assert suggested(db, pid) == "C0"
    assert women_step(db, pid) == "None of the women's factors: 0 points"
    complete_needs(db, pid, TODAY - timedelta(days=5), {"thinking_behaviour": "standard", "drugs": "severe"})
    with db.read() as s:
        assert tiering.tier_inputs(s, pid, TODAY).women.impulsivity_or_temper
    assert suggested(db, pid) == "B0"
    assert women_step(db, pid) == "Impulsivity or temper control (a standard thinking and behaviour need) 2: 2 points"
    # Before the assessment, and once it is more than 55 weeks old, it does not count.
    assert suggested(db, pid, TODAY - timedelta(days=6)) == "C0"
    assert suggested(db, pid, TODAY + timedelta(weeks=56)) == "C0"


def test_needs_without_a_thinking_and_behaviour_need_or_a_mans_leave_it(db: Database) -> None:
    woman = case(db, "Female")
    complete_needs(db, woman, TODAY - timedelta(days=5), {"attitudes": "severe", "accommodation": "standard"})
    assert suggested(db, woman) == "C0"
    man = case(db, "Male")
    complete_needs(db, man, TODAY - timedelta(days=5), {"thinking_behaviour": "severe"})
    with db.read() as s:
        assert not tiering.tier_inputs(s, man, TODAY).women.impulsivity_or_temper
    assert suggested(db, man) == "C0"
