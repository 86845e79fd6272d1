"""Property-based (hypothesis stateful): laptops make random edits offline (creates, field edits, deletes,
contacts, conflict resolutions) and sync in random orders against a real lpt-central. Three laptops hold
every case (an offender manager and two team managers); a fourth, a second offender manager, takes cases
as they move between the two officers.

Laptops also join holding records they made before they enrolled (a caseload started offline), some of them in
a case the server refuses (its CRN is held by another officer): every such record must end on the server or on
a rejection list, with the reason, never in neither.

Invariants (tests/sync/scenario.py), checked whenever everyone syncs until quiet and at the end: every
replica equals the server's state, every outbox is drained, no change is lost or applied twice, and every
concurrent edit of one field is a conflict each officer holding the case can see. Between those points,
after every step: the server never acknowledges an outbox number a laptop has not written.

LPT_STATEFUL_EXAMPLES sets the number of examples (default 4 on SQLite, 3 on PostgreSQL); runs are
derandomised in `make test` (LPT_STATEFUL_RANDOM=1 explores new ones, as `make soak` does).
"""

from __future__ import annotations

import os
import random

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from lpt_desktop.central.models import Device
from tests.sync.scenario import World

LAPTOPS = st.sampled_from(["A", "B", "C", "D", "E"])
SEEN: list[tuple[int, int, int, int]] = []  # per example: edits, deletes, conflicts raised, syncs


def machine_for(server, tmp, url: str | None = None):
    """url: where the laptops sync to (default the server itself; a round-robin proxy over two servers)."""
    class ThreeLaptops(RuleBasedStateMachine):
        world: World | None = None

        @initialize(seed=st.integers(0, 2**32 - 1), cases=st.integers(1, 3))
        def start(self, seed: int, cases: int) -> None:
            self.world = World(server, tmp, random.Random(seed), url=url, timeout=10.0, moves=True)
            self.world.enrol_all()
            self.world.seed_cases(cases)
            for lap in ("A", "B", "C", "D"):
                self.world.sync(lap)
            # A fifth laptop (another offender manager in the team) held a case before it enrolled, and a second
            # case whose CRN the server already holds for A: the first reaches the server, the second is refused.
            self.world.enrol_holding(1, refused=True)
            # Every example starts with one concurrent edit of one field (A and B, offline): the rules add more.
            from lpt_desktop.store.models import Person

            for lap in ("A", "B"):
                self.world._edit_field(lap, Person, self.world.people[0], "preferred_name")

        def teardown(self) -> None:
            if self.world is not None:
                try:
                    self.heal_and_check()
                    w = self.world
                    SEEN.append((len(w.edits), len(w.deletions), len(w.server_state()[1]),
                                 sum(lap.syncs for lap in w.laps.values())))
                finally:
                    self.world.close()

        @precondition(lambda self: self.world is not None)
        @rule(lap=LAPTOPS, n=st.integers(1, 4))
        def edit_offline(self, lap: str, n: int) -> None:
            for _ in range(n):
                self.world.random_op(lap)

        @precondition(lambda self: self.world is not None)
        @rule(lap=LAPTOPS, field=st.sampled_from(["preferred_name", "first_language", "religion"]))
        def edit_the_same_person_field(self, lap: str, field: str) -> None:
            """Aim edits at one field of the first case, so concurrent edits of one field are common."""
            from lpt_desktop.store.models import Person

            self.world._edit_field(lap, Person, self.world.people[0], field)

        @precondition(lambda self: self.world is not None)
        @rule(laps=st.lists(LAPTOPS, min_size=2, max_size=3, unique=True),
              field=st.sampled_from(["preferred_name", "first_language", "religion"]))
        def edit_one_field_on_several_laptops(self, laps: list[str], field: str) -> None:
            """The same field of the first case changed on two or three laptops before any of them syncs."""
            from lpt_desktop.store.models import Person

            for lap in laps:
                self.world._edit_field(lap, Person, self.world.people[0], field)

        @precondition(lambda self: self.world is not None)
        @rule(lap=LAPTOPS)
        def sync(self, lap: str) -> None:
            self.world.sync(lap)

        @precondition(lambda self: self.world is not None)
        @rule(order=st.permutations(["A", "B", "C", "D"]))
        def sync_all_in_order(self, order: list[str]) -> None:
            for lap in order:
                self.world.sync(lap)

        @precondition(lambda self: self.world is not None)
        @rule(lap=LAPTOPS, choice=st.sampled_from(["mine", "theirs"]))
        def resolve_a_conflict(self, lap: str, choice: str) -> None:
            self.world.resolve(lap, choice)

        @precondition(lambda self: self.world is not None and len(self.world.laps) < 7)
        @rule(cases=st.integers(0, 2), refused=st.booleans())
        def enrol_a_laptop_holding_cases(self, cases: int, refused: bool) -> None:
            """Another laptop that holds records before it enrols, perhaps a case the server refuses."""
            self.world.enrol_holding(cases, refused)

        @precondition(lambda self: self.world is not None)
        @rule()
        def move_a_case(self) -> None:
            """The case moves between the team's two offender managers (A and D) on the server."""
            self.world.move()

        @precondition(lambda self: self.world is not None)
        @rule()
        def heal_and_check(self) -> None:
            verdict = self.world.heal()
            assert not verdict.stalled and not verdict.diverged, str(verdict)

        @invariant()
        def server_never_acknowledges_unwritten_changes(self) -> None:
            if self.world is None:
                return
            laptops = {lap.laptop_id: lap.name for lap in self.world.laps.values()}  # several per officer
            with server.db.read() as s:
                for d in s.scalars(select(Device).where(Device.laptop_id.in_(laptops))):
                    assert d.last_applied_seq <= self.world.max_seq[laptops[d.laptop_id]]

    return ThreeLaptops


def test_three_laptops_editing_offline_converge(central, tmp_path, capsys):
    SEEN.clear()
    sqlite = central.db_url.startswith("sqlite")
    examples = int(os.environ.get("LPT_STATEFUL_EXAMPLES", "4" if sqlite else "3"))
    run_state_machine_as_test(machine_for(central, tmp_path), settings=settings(
        max_examples=examples, stateful_step_count=20, deadline=None, database=None,
        derandomize=not os.environ.get("LPT_STATEFUL_RANDOM"),
        suppress_health_check=list(HealthCheck)))
    with capsys.disabled():
        print(f"\nstateful ({central.db_url.split(':')[0]}): {len(SEEN)} examples, "
              f"{sum(x[0] for x in SEEN)} field edits, {sum(x[1] for x in SEEN)} deletes, "
              f"{sum(x[2] for x in SEEN)} conflicts raised, {sum(x[3] for x in SEEN)} syncs; all converged")
    assert sum(x[2] for x in SEEN) > 0, "no example raised a conflict: the test explores too little"
