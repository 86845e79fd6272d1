"""The central store's own tests reuse the real-server fixtures of tests/sync."""

from tests.sync.conftest import central, laptop_factory, outbox_hook, unique  # noqa: F401 - pytest fixtures
