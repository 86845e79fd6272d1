"""ORM models.

Court work: report requests, pre-sentence records and the reports themselves.

Imported at the bottom of models.py so Base.metadata is complete wherever models is imported.
"""

from __future__ import annotations

from lpt_desktop.store.models import Base, Row  # noqa: F401
