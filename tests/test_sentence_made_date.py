"""A new order or licence's 'Order or licence made' event is dated the day the court made it (the sentence
date), not the day it starts; without a sentence date, the start."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from lpt_desktop.services import case_record as cr
from lpt_desktop.services.case_record import NewCase, RequirementIn, SentenceIn
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY

SENTENCED = TEST_TODAY - timedelta(days=30)
STARTS = TEST_TODAY - timedelta(days=10)
CO = SentenceIn("CO", STARTS, STARTS + timedelta(days=365), sentence_date=SENTENCED, offence="Theft",
                court="Preston Magistrates' Court", requirements=(RequirementIn("UPW", {"hours": 100}),))


@pytest.fixture
def db(tmp_path):
    database = create_caseload(tmp_path / "m.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


def _made(db, person_id: str, sentence_id: str) -> date:
    [made] = [e for e in cr.case_details(db, person_id).sentence_events
              if e.sentence_id == sentence_id and e.kind == "made"]
    return made.on_date


def test_the_made_event_is_dated_the_sentence_date(db):
    pid = cr.create_case(db, NewCase("X123457", "Jo", "Bloggs", date(1990, 5, 6),
                                     replace(CO, start_date=SENTENCED, sentence_date=None,
                                             end_date=SENTENCED + timedelta(days=200))), today=TEST_TODAY)
    order = cr.new_sentence(db, pid, CO)
    assert _made(db, pid, order) == SENTENCED
    undated = cr.new_sentence(db, pid, replace(CO, sentence_date=None))
    assert _made(db, pid, undated) == STARTS
