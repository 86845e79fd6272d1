"""Changes of this laptop's that a choice made on another laptop replaced: what, of which case, by whom, and
this laptop's own values, which stay readable here after the record shows the version kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lpt_desktop.domain.dates import format_datetime
from lpt_desktop.gui.list_view import RecordListView
from lpt_desktop.gui.table_model import Column, RecordTableModel

if TYPE_CHECKING:
    from lpt_desktop.store.database import Database
    from lpt_desktop.sync.notices import Notice


def load_notices(db: Database) -> list[Notice]:
    from lpt_desktop.services import sync as svc

    return svc.list_notices(db)


def mark_read(db: Database, ids: list[str]) -> int:
    from lpt_desktop.services import sync as svc

    return svc.mark_notices_read(db, ids)


def unread(db: Database) -> int:
    from lpt_desktop.services import sync as svc

    return svc.unread_notices(db)


def your_version(n: Notice) -> str:
    """This laptop's replaced values in their labels (internal fields left out), e.g. 'Tier: B2; RoSH level: H'."""
    if n.yours is None:
        return "You had deleted it here."
    from lpt_desktop.services.conflict_fields import conflict_fields

    return "; ".join(f"{f.label}: {f.mine_text}" for f in conflict_fields(n.kind, n.yours, n.kept) if f.mine_text)


COLUMNS: list[Column[Notice]] = [
    Column("When", lambda n: format_datetime(n.created_at), sort=lambda n: n.created_at),
    Column("What happened", lambda n: n.message, tooltip=lambda n: n.message),
    Column("Your version (replaced)", lambda n: your_version(n)[:160], tooltip=your_version),
]


def notices_view() -> RecordListView:
    return RecordListView(RecordTableModel(COLUMNS), "Replaced elsewhere",
                          "None of your changes has been replaced by a choice made on another laptop.")
