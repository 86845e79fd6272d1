"""cases.case_record: the open case read again after an edit (issue 16), with how each sentence stands, and no
audit row (cases.open_case recorded the opening; reading again on every change must not add one each time)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lpt_desktop.services import case_record as cr
from lpt_desktop.services import cases
from lpt_desktop.services.case_record import NewCase, ReleaseIn, RequirementIn, SentenceIn
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Audit
from tests.conftest import PASSPHRASE, TEST_TODAY

START = TEST_TODAY - timedelta(days=300)


@pytest.fixture
def db(tmp_path):
    database = create_caseload(tmp_path / "r.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


def _audits(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Audit))


def test_case_record_reads_what_open_case_shows_without_an_audit_row(db):
    pid = cr.create_case(db, NewCase("X123456", "Jo", "Bloggs", date(1990, 5, 6),
                                     SentenceIn("CO", START, START + timedelta(days=700),
                                                requirements=(RequirementIn("UPW", {"hours": 100}),))),
                         today=TEST_TODAY)
    licence = cr.release_on_licence(db, pid, ReleaseIn(TEST_TODAY - timedelta(days=30), START,
                                                       TEST_TODAY + timedelta(days=300), hdc=True,
                                                       hdc_end_date=TEST_TODAY + timedelta(days=20),
                                                       conditions=("Not to contact the victim",)))
    cr.recall(db, licence, TEST_TODAY - timedelta(days=2), "Further offence", "fixed_term")
    opened = cases.open_case(db, pid)
    before = _audits(db)
    again = cases.case_record(db, pid)
    assert _audits(db) == before  # open_case wrote one; reading again writes none
    assert again == opened
    lic = next(s for s in again.sentences if s.id == licence)
    assert (lic.recalled_on, lic.hdc, lic.hdc_end_date) == (TEST_TODAY - timedelta(days=2), True,
                                                            TEST_TODAY + timedelta(days=20))
    assert [t for _id, t in lic.current_conditions] == ["Not to contact the victim"]
    cr.vary_licence(db, licence, TEST_TODAY, remove=[lic.current_conditions[0][0]])
    assert next(s for s in cases.case_record(db, pid).sentences if s.id == licence).current_conditions == ()


def test_case_record_of_a_case_not_there_says_so(db):
    with pytest.raises(cases.CaseNotFound):
        cases.case_record(db, "no-such-person")
