"""One source of truth for the RoSH review (review of issue 18, walk items 5 and 6): the RoSH page's review date
is the standards engine's rosh_review obligation, in words saying what it is counted from; the interval runs
from the last completed review (not in cycles from the sentence's start, where an older assessment met a
later review); a bare review record dated after the first completed assessment counts for nothing; and a review
owed after each kind of significant change is met only by a review completed after the change."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from itertools import count

import pytest
from sqlalchemy import select

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.dates import add_months
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import obligations as so
from lpt_desktop.services import rosh
from lpt_desktop.services.case_events import add_event
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.schedule_models import StandardsRecord
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.rosh_fill import complete_screened_out

TODAY = TEST_TODAY
_crns = count(300001)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("rosh-src") / "r.lptdb", PASSPHRASE, "Alex Morgan",
                               "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


def _case(db: Database, start: date) -> str:
    return cr.create_case(db, cr.NewCase(f"V{next(_crns)}", "Sam", "Riley", date(1988, 4, 5), cr.SentenceIn(
        "CO", start, start + timedelta(days=900), requirements=(cr.RequirementIn("UPW", {"hours": 60}),))),
        today=start)


def _reviews(db: Database, pid: str) -> list[so.Obligation]:
    return [o for o in so.case_obligations(db, pid, TODAY) if o.rule == "rosh_review"]


def test_the_interval_runs_from_the_last_review_and_the_page_says_so(db: Database) -> None:
    start = TODAY - timedelta(days=220)
    pid = _case(db, start)
    screened = start + timedelta(days=5)
    complete_screened_out(db, pid, screened)
    # A bare record after the screening (the demo's history did this): not a review.
    with db.write() as s:
        s.add(StandardsRecord(person_id=pid, kind="rosh_review", done_on=screened + timedelta(days=60), note="x"))
    open_ = [o for o in _reviews(db, pid) if o.status != "met"]
    assert [o.status for o in open_] == ["overdue"]  # 6 months after the screening; never met by it
    assert open_[0].due_by <= add_months(screened, 6) and (add_months(screened, 6) - open_[0].due_by).days < 4
    page = rosh.rosh_overview(db, pid, TODAY).review
    assert page.due_on == open_[0].due_by
    assert f"6 months after the last review on {screened:%d/%m/%Y}" in page.why and "overdue" in page.why


def test_each_significant_change_is_met_only_by_a_review_after_it(db: Database) -> None:
    kinds = sorted(code for code, e in case_codes().events.items() if "rosh_review" in e.reviews)
    assert kinds
    for kind in kinds:
        start = TODAY - timedelta(days=100)
        pid = _case(db, start)
        complete_screened_out(db, pid, start + timedelta(days=5))
        changed = TODAY - timedelta(days=30)
        with db.write() as s:
            add_event(s, pid, kind, changed, f"A {kind}")
        owed = [o for o in _reviews(db, pid) if "significant change" in o.description]
        assert owed and all(o.status != "met" for o in owed), kind  # the screening before it meets nothing
        review = complete_screened_out(db, pid, TODAY - timedelta(days=2))
        met = [o for o in _reviews(db, pid) if "significant change" in o.description]
        assert met and all(o.status == "met" and o.met_by == review for o in met), kind
    with db.read() as s:
        assert s.scalar(select(StandardsRecord.id).where(StandardsRecord.kind == "rosh_review")) is not None
