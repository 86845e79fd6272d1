"""The same laptop signing in several times at once (a retried or duplicated enrolment request on a flaky
link, as tests/sync/faultproxy.py makes) must never get a 5xx.

KNOWN BUG on PostgreSQL, unfixed when this test was written (lpt_desktop/central/app.py was being edited by
another session): /auth/token reads the device row, finds none, and inserts it; two requests at once both
insert, and the loser fails with a unique violation, answered 500 (5 of 60 sign-ins in 10 rounds of 6 in a
trial). SQLite serialises write transactions, so it passes there. Proposed fix in `token()`: insert the
device inside `s.begin_nested()` and on IntegrityError read the row the other request committed (then apply
the usual "enrolled for another officer" check). The PostgreSQL case runs when LPT_KNOWN_BUGS=1 is set.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections import Counter

import httpx
import pytest

from tests.sync.scenario import add_user
from tests.sync.server import PASSWORD


def test_simultaneous_sign_ins_of_one_new_laptop_never_fail_with_5xx(central):
    if not central.db_url.startswith("sqlite") and not os.environ.get("LPT_KNOWN_BUGS"):
        pytest.skip("KNOWN BUG (unfixed): on PostgreSQL simultaneous first sign-ins of one laptop can answer 500 "
                    "(unique violation on device); set LPT_KNOWN_BUGS=1 to run (see the module docstring)")
    user = add_user(central, f"twice-{uuid.uuid4().hex[:6]}", "offender_manager", "T")
    codes: Counter[int] = Counter()
    for _ in range(8):
        laptop = str(uuid.uuid4())
        start = threading.Barrier(6)

        def sign_in(start: threading.Barrier = start, laptop: str = laptop) -> None:
            start.wait()
            r = httpx.post(f"{central.url}/auth/token", timeout=30,
                           json={"username": user, "password": PASSWORD, "laptop_id": laptop})
            codes[r.status_code] += 1

        threads = [threading.Thread(target=sign_in) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert set(codes) == {200}, dict(codes)
