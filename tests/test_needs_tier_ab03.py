"""Needs change the suggested tier under the A-D scheme (issue 20 walk 5), through services/tiering.tier_view on
a real encrypted file: a case with a mandate for change reads "no valid needs assessment" until one is
completed; a completed assessment under 55 weeks old then gives the change level and so the tier itself (the
letter and level the officer sees), a draft does not, and 55 weeks on it no longer counts. Under the 2026 A-G
scheme the same assessment leaves the suggested tier as it was (the Needs section says so)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from lpt_desktop.assessment.tier_types import SCHEME_2026, SCHEME_AB03, Predictor
from lpt_desktop.services import needs, tiering
from lpt_desktop.services.cases import update_person
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.plan_fill import complete_needs, new_case, rated

TODAY = TEST_TODAY
SEVERE = ("accommodation", "ete", "drugs", "alcohol", "lifestyle", "thinking_behaviour", "attitudes", "relationships")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("needs-tier") / "t.lptdb", PASSPHRASE, "Alex Morgan",
                               "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


def suggested(db: Database, pid: str, on: date = TODAY) -> tuple[str, str]:
    view = tiering.tier_view(db, pid, today=on)
    why = " ".join(s.why for s in view.suggested.working if s.step in ("Change level", "Needs"))
    return view.suggested.tier, why


def test_a_completed_assessment_under_55_weeks_old_changes_the_suggested_tier(db):
    tiering.set_tier_scheme(db, SCHEME_AB03)
    pid = new_case(db, TODAY - timedelta(days=90), days=730)  # a programme requirement: a mandate for change
    update_person(db, pid, rosh="M")
    before, why = suggested(db, pid)
    assert "No valid needs assessment" in why
    # A draft, however full, is not read.
    draft = needs.start_assessment(db, pid, today=TODAY - timedelta(days=20))
    needs.save_draft(db, draft, rated({k: "severe" for k in SEVERE}), TODAY - timedelta(days=20))
    assert suggested(db, pid) == (before, why)
    needs.discard_draft(db, draft, today=TODAY - timedelta(days=20))
    done_on = TODAY - timedelta(days=14)
    complete_needs(db, pid, done_on, {k: "severe" for k in SEVERE})
    after, why = suggested(db, pid)
    assert "No valid needs assessment" not in why and "severe" in why
    assert after != before and after[0] == before[0] and int(after[1]) > int(before[1])  # same protect, more change
    # On its last valid day it still counts; 55 weeks after completion it no longer does.
    assert suggested(db, pid, done_on + timedelta(weeks=55, days=-1))[0] == after
    late, late_why = suggested(db, pid, done_on + timedelta(weeks=55))
    assert late == before and "No valid needs assessment" in late_why
    # Under the 2026 scheme the same case's suggestion does not move with its needs.
    tiering.set_tier_scheme(db, SCHEME_2026)
    other = new_case(db, TODAY - timedelta(days=90), days=730)
    update_person(db, other, rosh="M")
    tiering.record_predictors(db, other, TODAY - timedelta(days=20), arp=Predictor(60), csrp=Predictor(1.5),
                              today=TODAY)
    plain = tiering.tier_view(db, other, today=TODAY).suggested.tier
    complete_needs(db, other, done_on, {k: "severe" for k in SEVERE})
    assert plain in tuple("ABCDEFG")  # a real 2026 tier, not "missing scores"
    assert tiering.tier_view(db, other, today=TODAY).suggested.tier == plain
