"""LPT Desktop benchmark harness (see bench/README.md)."""
