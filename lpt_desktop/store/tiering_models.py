"""ORM models: tiering (issue 17): the predictor scores entered from OASys and the officer's tier decisions.

Both are added, never edited: a wrong score is followed by a corrected entry (the latest of a kind counts), and
each decision keeps the suggested tier and the engine's working beside the tier the officer put in force, so the
case's history shows why a tier was chosen. The tier in force itself is on the person (tier, tier_scheme).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lpt_desktop.store import models as _core  # noqa: F401 - the core tables its foreign keys name
from lpt_desktop.store.base import Row


class PredictorScore(Row):
    """One predictor score from OASys: OGRS3, RSR, ARP, CSRP or DC-SRP (with its band), as at assessed_on."""

    __tablename__ = "predictor_score"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # OGRS3 | RSR | ARP | CSRP | DCSRP
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(2))  # DC-SRP only: L | M | H | VH
    static: Mapped[bool] = mapped_column(Boolean, default=False)  # no dynamic factors in the score
    assessed_on: Mapped[date] = mapped_column(Date)


class TierDecision(Row):
    """The officer accepted the suggested tier or overrode it (with a reason), on decided_on."""

    __tablename__ = "tier_decision"
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    decided_on: Mapped[date] = mapped_column(Date)
    officer_id: Mapped[str | None] = mapped_column(String(36))  # the deciding laptop's officer row
    author: Mapped[str | None] = mapped_column(String(120))  # who decided, by name (travels with the record)
    action: Mapped[str] = mapped_column(String(12))  # accepted | overridden
    scheme: Mapped[str] = mapped_column(String(8))  # 2026 | ab03
    tier: Mapped[str] = mapped_column(String(16))  # the tier put in force
    suggested: Mapped[str] = mapped_column(String(16))  # what the engine suggested then
    reason: Mapped[str | None] = mapped_column(Text)  # an override's reason
    # The engine's result then: {"provisional": bool, "provisional_why": str, "working": [{step, result, why}]}
    working: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
