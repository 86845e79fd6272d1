"""Offline-first sync with the central store: kinds registry, outbox hook, protocol, HTTP client, engine (no Qt)."""
