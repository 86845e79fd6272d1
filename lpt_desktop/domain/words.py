"""Counted words in the officer's English: '1 record', '2 records', never 'record(s)'."""

from __future__ import annotations


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 change', '3 changes'; many is the plural when it is not one + 's' ('1 copy', '2 copies')."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
