"""Sentence plans and plan/RoSH reviews done (or not) on each case: the standards engine reads these."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from lpt_desktop.domain.dates import add_months
from lpt_desktop.services.demo.common import _uuid
from lpt_desktop.standards.calendar import add_working_days, last_working_day_on_or_before
from lpt_desktop.store.schedule_models import StandardsRecord

# -- plans and reviews -------------------------------------------------------------------------------
# Mostly good practice with a realistic minority of lapses (the standards engine's plan and review
# obligations read these rows; see services/obligations.record_done). The 'current' policy's terms:
# a sentence plan within 15 working days, plan and RoSH reviews every 6 months.
ON_TIME, LATE = 0.88, 0.95  # the rest are not done at all
REVIEW_MONTHS = 6


def _plans_and_reviews(rng: random.Random, today: date, stamp: dict[str, Any], pid: str, start: date, end: date,
                       rows: dict[type, list[dict[str, Any]]]) -> None:
    yesterday = today - timedelta(days=1)
    records = rows.setdefault(StandardsRecord, [])

    def add(kind: str, on: date) -> None:
        if on <= yesterday:  # not done yet: the engine shows it as due (or upcoming)
            records.append({"id": _uuid(rng), **stamp, "person_id": pid, "kind": kind, "done_on": on, "note": None})

    roll = rng.random()
    if roll < ON_TIME:
        add("sentence_plan", add_working_days(start, rng.randint(3, 14)))
    elif roll < LATE:
        add("sentence_plan", add_working_days(start, rng.randint(17, 35)))
    k = 1
    while (due := add_months(start, k * REVIEW_MONTHS)) <= end and due - timedelta(days=14) <= yesterday:
        roll = rng.random()
        for kind in ("plan_review", "rosh_review"):  # usually done together (one OASys review)
            if kind == "rosh_review" and rng.random() < 0.15:
                roll = rng.random()
            if roll < ON_TIME:
                add(kind, last_working_day_on_or_before(due - timedelta(days=rng.randint(0, 12))))
            elif roll < LATE:
                add(kind, add_working_days(due, rng.randint(3, 25)))
        k += 1
