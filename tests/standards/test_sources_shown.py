"""Every source an officer is shown (the Obligations tab's and This week's Source column) names a real source,
never a developer file of this project (DOMAIN.md, a seed)."""

from __future__ import annotations

import pytest

from lpt_desktop.services import obligations as so
from lpt_desktop.services.unlock import unlock
from lpt_desktop.standards.obligations import SIGNIFICANT_SOURCE
from lpt_desktop.standards.policy import load_policy, policy_names
from tests.conftest import DEMO_TODAY, PASSPHRASE

FORBIDDEN = ("DOMAIN.md", "seed", ".md", ".json", "resources/")


def _shown(text: str) -> list[str]:
    return [word for word in FORBIDDEN if word.lower() in text.lower()]


def _policy_sources(name: str) -> list[str]:
    p = load_policy(name)
    return [p.source, p.enforcement.source, *(r.source for r in p.rules)]


@pytest.mark.parametrize("name", policy_names())
def test_every_source_a_policy_shows_names_a_real_source(name):
    bad = {text: _shown(text) for text in _policy_sources(name) if _shown(text)}
    assert not bad, bad


def test_the_significant_change_source_names_a_real_source():
    assert not _shown(SIGNIFICANT_SOURCE), SIGNIFICANT_SOURCE


def test_the_current_policy_names_the_home_visits_framework_and_the_reset():
    p = load_policy("current")
    assert "Probation Reset, June 2024" in p.source
    assert {r.source for r in p.rules if r.id == "home_visit"} == {"HMPPS Home Visits Policy Framework"}


def test_no_obligation_on_the_demo_caseload_shows_a_developer_file(demo_db):
    db = unlock(demo_db, PASSPHRASE)
    try:
        for name in policy_names():
            so.set_policy_in_force(db, name)
            by_case, _who = so.all_obligations(db, DEMO_TODAY)
            shown = {o.source for items in by_case.values() for o in items}
            assert shown
            bad = {text: _shown(text) for text in shown if _shown(text)}
            assert not bad, (name, bad)
    finally:
        db.close()
