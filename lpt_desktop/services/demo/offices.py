"""The demo's offices: two Lancashire probation offices, the officer working from the first (fictional
addresses and numbers in the real towns' postcode districts; 01632 is Ofcom's number range for drama)."""

from __future__ import annotations

from lpt_desktop.services.offices import OfficeIn, save_office, set_officer_office
from lpt_desktop.store.database import Database

DEMO_OFFICES = (
    OfficeIn("Preston Central", ("14 Lancaster Road", "Preston"), "PR1 2QA", "01632 960 142"),
    OfficeIn("Blackburn", ("3 Victoria Street", "Blackburn"), "BB1 6DN", "01632 960 518"),
)


def add_offices(db: Database) -> None:
    """The demo's offices, the officer's office the first (the letters it prints carry its address)."""
    ids = [save_office(db, o) for o in DEMO_OFFICES]
    set_officer_office(db, ids[0])
