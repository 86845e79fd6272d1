"""The demo's needs and plans speak of each person in their own gender (issue 20 walk 13: Amy Wright's ETE
evidence said "he"): the words are turned from the person's recorded gender, not written per case."""

from __future__ import annotations

import re

from sqlalchemy import select

from lpt_desktop.services.demo.pronouns import for_gender
from lpt_desktop.services.unlock import unlock
from lpt_desktop.store.models import Person
from lpt_desktop.store.plan_models import NeedsAssessment, PlanGoalStatus, SentencePlan
from tests.conftest import PASSPHRASE

HE = re.compile(r"\b(he|his|him|himself)\b", re.IGNORECASE)
SHE = re.compile(r"\b(she|her|herself)\b", re.IGNORECASE)


def test_words_written_of_a_man_are_turned_for_a_woman():
    text = "Unemployed for over a year; says he wants to work. His mother helps him. He blames himself."
    assert for_gender(text, "Female") == ("Unemployed for over a year; says she wants to work. Her mother helps "
                                          "her. She blames herself.")
    assert for_gender(text, "Male") == text and for_gender(text, None) == text
    assert for_gender("The helper at the shelter", "Female") == "The helper at the shelter"  # whole words only


def test_no_womans_needs_or_plan_in_the_demo_says_he(demo_db):
    db = unlock(demo_db, PASSPHRASE)
    try:
        with db.read() as s:
            gender = dict(s.execute(select(Person.id, Person.gender)).tuples().all())
            texts: list[tuple[str, str]] = []
            for a in s.scalars(select(NeedsAssessment)):
                texts += [(a.person_id, (v or {}).get("evidence") or "") for v in (a.sections or {}).values()]
            texts += [(p.person_id, p.involvement or "") for p in s.scalars(select(SentencePlan))]
            texts += [(g.person_id, g.note or "") for g in s.scalars(select(PlanGoalStatus))]
    finally:
        db.close()
    women = [t for pid, t in texts if (gender.get(pid) or "").lower() == "female" and t]
    men = [t for pid, t in texts if (gender.get(pid) or "").lower() == "male" and t]
    assert women and men
    assert [t for t in women if HE.search(t)] == []
    assert any(SHE.search(t) for t in women) and any(HE.search(t) for t in men)
