"""Every ORM model module of the local store, imported for their side effect: Base.metadata and the mapper
registry hold every table (the Database, Alembic's env.py and the sync registry rely on it).

A new feature's store/<feature>_models.py is added here.
"""

from lpt_desktop.store import (  # noqa: F401
    case_record_models,
    countersign_models,
    court_models,
    models,
    office_models,
    plan_models,
    rosh_models,
    schedule_models,
    sync_models,
    tiering_models,
)
from lpt_desktop.store.base import Base

__all__ = ["Base"]
