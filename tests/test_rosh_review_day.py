"""The RoSH page and the standards engine count a significant change's recording day the same way (review of
issue 18): the local day of its created_at (UTC), so a change recorded at 00:30 BST counts from that day, not the
UTC day before."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from lpt_desktop.services import case_record as cr
from lpt_desktop.services import obligations as so
from lpt_desktop.services import rosh
from lpt_desktop.services.case_events import add_event
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.case_record_models import CaseEvent
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY


@pytest.fixture
def london() -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/London"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def db(tmp_path) -> Iterator[Database]:
    database = create_caseload(tmp_path / "r.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


def test_a_change_recorded_at_half_past_midnight_bst_counts_from_that_local_day(london, db: Database) -> None:
    start = date(2026, 6, 1)
    pid = cr.create_case(db, cr.NewCase("B100001", "Sam", "Riley", date(1988, 4, 5), cr.SentenceIn(
        "CO", start, start + timedelta(days=365), requirements=(cr.RequirementIn("UPW", {"hours": 60}),))),
        today=start)
    with db.write() as s:  # happened 25/09, recorded at 00:30 BST on Thursday 01/10/2026 (23:30 UTC on 30/09)
        add_event(s, pid, "change_of_address", date(2026, 9, 25), "Moved to a new address")
        s.flush()
        ev = s.scalars(select(CaseEvent).where(CaseEvent.person_id == pid,
                                               CaseEvent.kind == "change_of_address")).one()
        ev.created_at = datetime(2026, 9, 30, 23, 30)
    page = rosh.rosh_overview(db, pid, TEST_TODAY).review
    engine = [o for o in so.case_obligations(db, pid, TEST_TODAY)
              if o.rule == "rosh_review" and "significant change" in o.description and o.due_from]
    assert engine and engine[0].due_from == date(2026, 10, 1)
    assert page.due_on == engine[0].due_by
