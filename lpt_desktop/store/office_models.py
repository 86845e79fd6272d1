"""ORM models: offices, the settings a letter is signed from (name, address, postcode, phone).

Kept in the caseload file (they are settings, not case data) and local to this laptop for now: the Trust
holds no office list the sync server could hand out yet, and the officer row they hang off is local too.
store/all_models.py imports it.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lpt_desktop.store import models as _core  # noqa: F401 - the officer table its foreign key names
from lpt_desktop.store.base import Row


class Office(Row):
    """A probation office letters are written from."""

    __tablename__ = "office"
    name: Mapped[str] = mapped_column(String(120), unique=True)
    line1: Mapped[str] = mapped_column(String(120))
    line2: Mapped[str | None] = mapped_column(String(120))
    town: Mapped[str | None] = mapped_column(String(80))
    postcode: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str] = mapped_column(String(30))


class OfficerOffice(Row):
    """Which office an officer works from (one each): the office their letters carry. A Row, so choosing one is
    audited like any other change."""

    __tablename__ = "officer_office"
    officer_id: Mapped[str] = mapped_column(ForeignKey("officer.id", ondelete="CASCADE"), unique=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("office.id"))
