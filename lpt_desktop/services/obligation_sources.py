"""Obligations other features add to the standards engine's, listed in one place.

A source is fn(session, as_of, person_ids or None for everyone) -> obligations; court work's
open report requests are one. The features are named here, explicitly, rather than registering
themselves when imported (services/obligations.py reads this list; the feature never imports it back).
A test can add one for a while with `extra_source`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date

from sqlalchemy.orm import Session

from lpt_desktop.services import court
from lpt_desktop.standards.obligations import Obligation

ObligationSource = Callable[[Session, date, Sequence[str] | None], list[Obligation]]

# The features that add obligations: one line each.
FEATURE_SOURCES: tuple[ObligationSource, ...] = (
    court.report_obligations,  # open report requests: 'report_due' on the case
)

_extra: list[ObligationSource] = []


def sources() -> tuple[ObligationSource, ...]:
    """Every source the engine's callers add to a case's obligations."""
    return FEATURE_SOURCES + tuple(_extra)


@contextmanager
def extra_source(fn: ObligationSource) -> Iterator[None]:
    """Add a source while the block runs (tests)."""
    _extra.append(fn)
    try:
        yield
    finally:
        _extra.remove(fn)
