"""`lpt rosh show --json` never mixes two assessments (review of issue 18): the top-level carried_forward_share and
oldest_carried are the current (completed) assessment's, like its screening and summary; an open draft's are
under `draft`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from lpt_desktop.services import case_record as cr
from lpt_desktop.services import rosh
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.rosh_fill import full

FIRST = TEST_TODAY - timedelta(days=400)


@pytest.fixture
def db(tmp_path) -> Iterator[Database]:
    database = create_caseload(tmp_path / "r.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


def test_the_draft_share_is_under_draft_and_the_top_level_is_the_completed_assessments(db: Database) -> None:
    pid = cr.create_case(db, cr.NewCase("S100001", "Jo", "Bloggs", date(1990, 5, 6), cr.SentenceIn(
        "CO", FIRST, FIRST + timedelta(days=730), requirements=(cr.RequirementIn("UPW", {"hours": 60}),))),
        today=FIRST)
    first = rosh.start_assessment(db, pid, today=FIRST)
    full(db, first, "M", FIRST)
    assert rosh.complete_assessment(db, first, today=FIRST).completed
    draft = rosh.start_assessment(db, pid, today=TEST_TODAY)  # everything carried in, nothing rewritten yet
    data = rosh.overview_json(rosh.rosh_overview(db, pid, TEST_TODAY))
    assert data["screening"]["id"] == first
    assert data["carried_forward_share"] == 0.0 and data["oldest_carried"] is None  # the screening's own text
    assert data["draft"]["id"] == draft
    assert data["draft"]["carried_forward_share"] == 1.0 and data["draft"]["oldest_carried"] == FIRST.isoformat()
