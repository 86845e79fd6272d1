"""Words the manager's screens share (no Qt, no database)."""

from __future__ import annotations

READ_ONLY_NOTE = ("Team manager: the team's cases are read-only here; you countersign, return, record oversight "
                  "and agree tier overrides")
MIN_CHARS = 20  # "at least a sentence", as the countersign service counts it
MIN_WORDS = 4


def sentence_problem(text: str, field: str, what: str) -> str | None:
    """The words to show when `text` is shorter than a sentence, else None (the service checks it again)."""
    words = " ".join(text.split())
    if len(words) < MIN_CHARS or len(words.split()) < MIN_WORDS:
        return f"{field}: is too short: say in at least a sentence {what}"
    return None
