"""ORM models.

Sync bookkeeping on the laptop: the outbox of local changes, per-record versions and tombstones, cursors and conflicts.

Imported at the bottom of models.py so Base.metadata is complete wherever models is imported.
"""

from __future__ import annotations

from lpt_desktop.store.models import Base, Row  # noqa: F401
