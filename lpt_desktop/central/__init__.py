"""The central store (`lpt-central`): FastAPI over SQLAlchemy 2, PostgreSQL or SQLite (no Qt)."""
