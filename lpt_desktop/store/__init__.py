"""Encrypted local store: SQLCipher engine, key wrapping, ORM models, migrations (no Qt)."""
