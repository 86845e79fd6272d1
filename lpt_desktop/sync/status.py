"""The one answer to "is this laptop synced?", derived from what waits, not from when a sync last worked.

Pure: the status bar (gui/sync_status.describe) and `lpt sync status` both ask `overall`. Anything unsent
or not accepted means the answer is not "synced"; conflicts wait for the officer's choice, so neither is it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

State = Literal["not_set_up", "offline", "waiting", "rejected", "conflicts", "synced"]
STATES: tuple[State, ...] = ("not_set_up", "offline", "waiting", "rejected", "conflicts", "synced")


def overall(*, enrolled: bool, offline: bool, waiting: int, rejected: int, conflicts: int,
            last_synced_at: datetime | None) -> State:
    """The laptop's sync state, most pressing first.

    - not_set_up: never enrolled with a central store;
    - offline: the central store cannot be reached now (whatever waits, waits for it);
    - rejected: changes the central store did not accept (the officer tries again or exports them);
    - conflicts: changes made here and elsewhere that wait for the officer's choice;
    - waiting: changes not yet sent, or no sync has finished yet (an enrolment cut short);
    - synced: nothing waiting, nothing rejected, no conflict, and a sync has finished.
    """
    if not enrolled:
        return "not_set_up"
    if offline:
        return "offline"
    if rejected > 0:
        return "rejected"
    if conflicts > 0:
        return "conflicts"
    if waiting > 0 or last_synced_at is None:
        return "waiting"
    return "synced"
