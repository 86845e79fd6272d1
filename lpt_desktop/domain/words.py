"""Counted words in the officer's English: '1 record', '2 records', never 'record(s)'."""

from __future__ import annotations


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 change', '3 changes'; many is the plural when it is not one + 's' ('1 copy', '2 copies')."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def all_of(n: int, one: str, many: str | None = None) -> str:
    """'The one action', 'Both actions', 'All 3 actions' (a sentence's start: never 'All 1 actions')."""
    if n == 1:
        return f"The one {one}"
    if n == 2:
        return f"Both {many or one + 's'}"
    return f"All {n} {many or one + 's'}"
