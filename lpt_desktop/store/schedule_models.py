"""ORM models.

Schedules and the National Standards engine's local records: appointments, office closure days, case overrides.

Imported at the bottom of models.py so Base.metadata is complete wherever models is imported.
"""

from __future__ import annotations

from lpt_desktop.store.models import Base, Row  # noqa: F401
