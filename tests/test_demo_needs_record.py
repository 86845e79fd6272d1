"""The demo's needs assessments agree with its case records (issue 20 walk 6): a person with a current
disability or caring responsibilities on record has that barrier present with an adjustment wherever the
assessment answered it, so a new assessment (which pre-fills from the record) does not contradict the last."""

from __future__ import annotations

from sqlalchemy import select

from lpt_desktop.services.unlock import unlock
from lpt_desktop.store.case_record_models import Disability
from lpt_desktop.store.models import Person
from lpt_desktop.store.plan_models import NeedsAssessment
from tests.conftest import PASSPHRASE


def test_barriers_on_the_record_are_present_in_the_demo_assessments(demo_db):
    db = unlock(demo_db, PASSPHRASE)
    try:
        with db.read() as s:
            disabled = set(s.scalars(select(Disability.person_id).where(Disability.to_date.is_(None))))
            caring = {pid for pid, text in s.execute(select(Person.id, Person.caring_responsibilities)) if text}
            assessments = list(s.scalars(select(NeedsAssessment)))
            checked = 0
            for a in assessments:
                for key, people in (("disability", disabled), ("childcare", caring)):
                    answer = (a.barriers or {}).get(key)
                    if a.person_id in people and answer is not None:
                        assert answer["present"] is True and answer["adjustment"].strip(), (key, a.person_id)
                        checked += 1
    finally:
        db.close()
    assert checked >= 5
