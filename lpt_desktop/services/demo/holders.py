"""Who holds the demo's cases (issue 21, workload): the file's officer a full-time officer's load, the rest of the
laptop's cases two colleagues in the team.

Weighed as the national Workload Management Tool weighs them (resources/data/workload_weights.json: the tier in
force and the case type, the reports and other work due), the demo's 60 cases come to about 5,800 points: some
270% of a full-time probation officer's 2,176 points available. The weights are WMT's own (a PO at 100% holds
some 20 to 30 cases of this mix) and an officer's hours cannot raise the points available above full time, so
the officer holds cases, in a seeded order, while their points (as services/workload counts them on the day the
demo is made) stay within TARGET of the points available; each of the other cases is held by one of two
colleagues (person.held_by and held_by_name, as a sync pull writes the central store's allocation), so it shows
apart in the officer's workload and practice figures. View > Workload then shows about 90-100% on that day.

A demo too big for one laptop (a Trust's caseload for the benchmarks, more than LAPTOP_CASES cases) is left with
the file's officer, as before; so is one small enough for a full-time officer to hold it all.
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import bindparam, update

from lpt_desktop.services.demo.common import DemoSpec
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Person

LAPTOP_CASES = 200
TARGET = 0.97  # of the officer's points available, for the cases they hold and their other work
COLLEAGUES = (("LPT0061", "Dana Ellis"), ("LPT0064", "Tom Hargreaves"))  # staff code (username), name


def add_holders(db: Database, spec: DemoSpec) -> list[str]:
    """Give the cases beyond the officer's load to the colleagues (see the module docstring); returns their ids."""
    from lpt_desktop.services.workload import workload

    if spec.cases > LAPTOP_CASES:
        return []
    today = spec.today or date.today()
    view = workload(db, today)  # every case is the officer's yet: each case's points as the screen counts them
    if not view.team.officers:
        return []
    officer = view.team.officers[0]
    budget = officer.available * TARGET - sum(w.points for w in officer.other_work if w.counted)
    used = 0
    theirs: list[str] = []
    for case in sorted(officer.cases, key=lambda c: random.Random(f"holder:{spec.seed}:{c.person_id}").random()):
        if used + case.points <= budget:
            used += case.points
        else:
            theirs.append(case.person_id)
    if theirs:
        with db.write() as s:
            s.connection().execute(
                update(Person).where(Person.id == bindparam("pid"))
                .values(held_by=bindparam("code"), held_by_name=bindparam("name")),
                [{"pid": pid, "code": COLLEAGUES[n % len(COLLEAGUES)][0], "name": COLLEAGUES[n % len(COLLEAGUES)][1]}
                 for n, pid in enumerate(theirs)])
    return theirs


__all__ = ["add_holders"]
