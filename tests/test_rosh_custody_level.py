"""Custody levels after a recall (review of issue 18): the overall RoSH level is the highest custody level while
the person is in custody, so recording a recall switches the case to it (person.rosh and the RoSH register, as
completing an assessment does) and recording the re-release switches it back to the community level."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lpt_desktop.services import case_record as cr
from lpt_desktop.services import rosh
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Person, Registration, Sentence
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.rosh_fill import full, levels

TODAY = TEST_TODAY
RELEASE = TODAY - timedelta(days=60)


@pytest.fixture
def db(tmp_path) -> Iterator[Database]:
    database = create_caseload(tmp_path / "r.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


def _state(db: Database, pid: str) -> tuple[str | None, list[str]]:
    with db.read() as s:
        person = s.get(Person, pid)
        assert person is not None
        open_regs = list(s.scalars(select(Registration.type_code).where(
            Registration.person_id == pid, Registration.ended_on.is_(None),
            Registration.type_code.in_(["RLRH", "RMRH", "RHRH", "RVHR"]))))
        return person.rosh, open_regs


def test_a_recall_puts_the_custody_level_in_force_and_a_re_release_the_community_level(db: Database) -> None:
    pid = cr.create_case(db, cr.NewCase("C100001", "Sam", "Lee", date(1985, 1, 2), cr.SentenceIn(
        "CO", TODAY - timedelta(days=1000), TODAY - timedelta(days=600), requirements=(
            cr.RequirementIn("UPW", {"hours": 60}),))), today=TODAY - timedelta(days=1000))
    cr.release_on_licence(db, pid, cr.ReleaseIn(RELEASE, RELEASE - timedelta(days=200), RELEASE + timedelta(days=300),
                                                offence="Burglary"))
    aid = rosh.start_assessment(db, pid, today=RELEASE)
    full(db, aid, "M", RELEASE)
    rosh.save_summary(db, aid, rosh.SummaryDraft(custody={**levels("L"), "prisoners": "H"}), RELEASE)
    assert rosh.complete_assessment(db, aid, acknowledge_warnings=True, today=RELEASE).completed
    assert _state(db, pid) == ("M", ["RMRH"])
    with db.read() as s:
        licence = s.scalar(select(Sentence.id).where(Sentence.person_id == pid, Sentence.order_type == "LIC"))
    assert licence is not None
    cr.recall(db, licence, TODAY - timedelta(days=10), "Failed to reside", "standard")
    assert _state(db, pid) == ("H", ["RHRH"])  # the highest custody level (risk to prisoners)
    cr.release_after_recall(db, licence, TODAY - timedelta(days=2))
    assert _state(db, pid) == ("M", ["RMRH"])
