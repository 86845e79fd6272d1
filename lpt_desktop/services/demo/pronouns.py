"""The demo's words about a person in the person's own gender: texts are written of a man ("he", "his", "him",
"himself") and turned to a woman's when the case is a woman's, so a woman's needs evidence never says "he"."""

from __future__ import annotations

import re

__all__ = ["for_gender"]

_SHE = {"he": "she", "his": "her", "him": "her", "himself": "herself"}
_WORD = re.compile(r"\b(he|his|him|himself)\b", re.IGNORECASE)


def _swap(match: re.Match[str]) -> str:
    word = match.group(0)
    new = _SHE[word.lower()]
    return new.capitalize() if word[0].isupper() else new


def for_gender(text: str, gender: str | None) -> str:
    """`text`, written of a man, in the words for the person: a woman's ("Female") has she, her and herself;
    anyone else's is left as written."""
    if (gender or "").strip().lower() != "female":
        return text
    return _WORD.sub(_swap, text)
