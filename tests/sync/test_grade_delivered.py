"""The officer's grade travels from the central store to the laptop: kept at enrolment, and a change an
administrator makes reaches the laptop at its next token refresh (countersigning reads it; issue 19)."""

from __future__ import annotations

from lpt_desktop.central.models import User
from lpt_desktop.services import countersign
from lpt_desktop.sync import engine, state


def _grade(db) -> str | None:
    return engine.read_state(db).get(state.GRADE)


def test_the_grade_is_kept_at_enrolment_and_follows_a_change_at_the_next_refresh(central, laptop_factory, unique):
    om = central.add_user(f"pso-{unique}")
    with central.db.write() as s:
        s.get(User, om).grade = "pso"
    laptop = laptop_factory(om)
    assert _grade(laptop.db) == "pso"
    assert countersign.current_actor(laptop.db).grade == "pso"

    with central.db.write() as s:
        s.get(User, om).grade = "po"  # qualified: an administrator changes the grade on the central store
    with engine.client_for(laptop.db) as client:
        client.refresh()
    assert _grade(laptop.db) == "po"

    tm = central.add_user(f"tm-{unique}", role="team_manager")
    manager = laptop_factory(tm)
    assert _grade(manager.db) == ""  # no grade: a manager's own work is not graded
