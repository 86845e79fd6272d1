"""The manager's review side panel (gui/manager/review_dialog.facts_lines): a RoSH assessment's level is what
awaits countersignature; for a sentence plan or a risk management plan the level is the case's and the plan is
what awaits (issue 20: it said "RoSH level: High (awaiting countersignature)" of a plan)."""

from __future__ import annotations

from datetime import date

import pytest

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.gui.manager.review_dialog import facts_lines
from lpt_desktop.services.countersign import QueueItem


def _item(kind: str) -> QueueItem:
    return QueueItem(kind, "t1", cs.kind_label(kind), "p1", "A123456", "Sam Riley", "H", "High", cs.AWAITING,
                     cs.status_label(cs.AWAITING), "aofficer", "Alex Morgan", date(2026, 11, 17), 6,
                     "High RoSH: a manager countersigns")


@pytest.mark.parametrize("kind", [cs.SENTENCE_PLAN, cs.RISK_PLAN])
def test_a_plan_awaits_countersignature_not_the_cases_rosh_level(kind):
    text = "<br>".join(facts_lines(_item(kind), cs.AWAITING))
    assert "<b>RoSH level of the case:</b> High<br>" in text
    assert f"<b>{cs.kind_label(kind)}:</b> Awaiting countersignature" in text
    assert "High (awaiting" not in text
    assert "Alex Morgan on 17/11/2026" in text and "Why it is countersigned" in text


def test_a_rosh_assessments_level_is_what_awaits():
    text = "<br>".join(facts_lines(_item(cs.ROSH_ASSESSMENT), cs.AWAITING))
    assert "<b>RoSH level:</b> High (awaiting countersignature)" in text
    assert "<b>Status:</b> Awaiting countersignature" in text
