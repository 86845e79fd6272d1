"""The wording check on a goal's outcome (pure): an outcome that only names an activity ("attend", "complete",
"engage with") and states no change sought is flagged, with a suggestion to say what will be different.

Inspectors found a third of plans without outcome-focused objectives. The phrases live in
resources/data/sentence_plan.json ("wording") so they change without code. How the check reads a text:
1. each activity phrase is found, with the helper words just before it ("will be attending", "has to complete",
   "is to attend", "is required to attend", "has agreed to attend") and the words just after it that only say
   how much or how well ("engage more with", "attend regularly"): together an activity chain;
2. a change marker ("will have", "is", "no longer", "able to", "stays", "keeps") counts when at least one of its
   words lies outside every activity chain and every programme or partner name, so "is attending" is an
   activity, "is sober" a change, and "Building Better Relationships" a name;
3. an outcome with an activity chain and no counting change marker is activity-only and flagged; one stating a
   change passes even if it also names an activity ("has a settled home after working with the accommodation
   provider").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from lpt_desktop.domain.reference import load_json

ACTIVITY_ONLY = "activity_only"
NO_OUTCOME = "no_outcome"
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Flag:
    """Something a plan or a goal should put right: a stable code, what is wrong and what to do, in words."""

    code: str
    message: str
    suggestion: str = ""

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Wording:
    activity_phrases: tuple[tuple[str, ...], ...]  # each phrase as words, longest first
    auxiliaries: frozenset[str]
    change_markers: tuple[tuple[str, ...], ...]
    suggestion: str  # with {name} and {example}
    default_example: str
    examples: Mapping[str, str]  # need area key -> an example outcome
    names: tuple[tuple[str, ...], ...] = ()  # programme and partner names, never read as a change
    trailing: frozenset[str] = frozenset()  # words just after an activity that belong to it ("engage more")


def words(text: str | None) -> list[str]:
    """The text's words, lower case, curly apostrophes made straight ("Won’t" -> "won't")."""
    return _WORD.findall((text or "").lower().replace("\u2019", "'"))


def _phrases(items: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    # Longest first, so "engage with" is matched before "engage".
    return tuple(sorted({tuple(words(p)) for p in items if words(p)}, key=lambda p: (-len(p), p)))


def validate_wording_data(raw: Any) -> list[str]:
    """What is wrong with sentence_plan.json's "wording" block (empty when it is sound), in words."""
    if not isinstance(raw, dict):
        return ["'wording' must be an object"]
    problems = []
    for key in ("activity_phrases", "auxiliaries", "change_markers"):
        value = raw.get(key)
        if not (isinstance(value, list) and value and all(isinstance(v, str) and words(v) for v in value)):
            problems.append(f"'wording.{key}' must be a non-empty list of phrases")
    suggestion = raw.get("suggestion")
    if not (isinstance(suggestion, str) and "{name}" in suggestion and "{example}" in suggestion):
        problems.append("'wording.suggestion' must be a text with {name} and {example}")
    if not (isinstance(raw.get("default_example"), str) and raw["default_example"].strip()):
        problems.append("'wording.default_example' must be a non-empty text")
    examples = raw.get("examples")
    if not (isinstance(examples, dict) and all(isinstance(v, str) and v.strip() for v in examples.values())):
        problems.append("'wording.examples' must map need areas to example outcomes")
    if not problems:
        overlap = {" ".join(p) for p in _phrases(raw["activity_phrases"])} & \
            {" ".join(p) for p in _phrases(raw["change_markers"])}
        if overlap:
            problems.append(f"'wording': {', '.join(sorted(overlap))} cannot be both an activity and a change")
    return problems


def wording_from(raw: Mapping[str, Any], names: Sequence[str] = ()) -> Wording:
    problems = validate_wording_data(raw)
    if problems:
        raise ValueError("sentence_plan.json: " + "; ".join(problems))
    return Wording(
        activity_phrases=_phrases(raw["activity_phrases"]),
        auxiliaries=frozenset(w for a in raw["auxiliaries"] for w in words(a)),
        change_markers=_phrases(raw["change_markers"]),
        suggestion=raw["suggestion"],
        default_example=raw["default_example"],
        examples=dict(raw["examples"]),
        names=_phrases(names),
        trailing=frozenset(w for a in raw.get("activity_trailing") or [] for w in words(a)),
    )


def names_in(data: Mapping[str, Any]) -> list[str]:
    """The interventions' and partners' names in sentence_plan.json ("Building Better Relationships" is a
    programme, not a better relationship), labels without their bracketed abbreviations."""
    out = []
    for i in data.get("interventions") or []:
        out += [i["label"].split(" (")[0], *(i.get("aliases") or []), i.get("programme") or ""]
    out += [p["label"] for p in data.get("partners") or []]
    return [n for n in out if n]


@cache
def wording() -> Wording:
    """The wording data in resources/data/sentence_plan.json, read once."""
    data = load_json("sentence_plan.json")
    return wording_from(data.get("wording") or {}, names_in(data))


def _find(tokens: Sequence[str], phrase: Sequence[str]) -> list[int]:
    n = len(phrase)
    return [i for i in range(len(tokens) - n + 1) if tuple(tokens[i:i + n]) == tuple(phrase)]


def activity_spans(tokens: Sequence[str], data: Wording | None = None) -> list[tuple[int, int]]:
    """(start, end) word spans of each activity chain: the phrase and the helper words just before it."""
    w = data or wording()
    taken = [False] * len(tokens)
    spans = []
    for phrase in w.activity_phrases:
        for i in _find(tokens, phrase):
            end = i + len(phrase)
            if any(taken[i:end]):
                continue  # inside a longer phrase already found
            for k in range(i, end):
                taken[k] = True
            start = i
            while start > 0 and tokens[start - 1] in w.auxiliaries:
                start -= 1
            while end < len(tokens) and tokens[end] in w.trailing:
                taken[end] = True
                end += 1
            spans.append((start, end))
    return sorted(spans)


def states_a_change(text: str | None, data: Wording | None = None) -> bool:
    """Whether the outcome names a change: a change marker with a word outside every activity chain."""
    w = data or wording()
    tokens = words(text)
    inside = {k for s, e in activity_spans(tokens, w) for k in range(s, e)}
    inside |= {k for n in w.names for i in _find(tokens, n) for k in range(i, i + len(n))}
    return any(not all(k in inside for k in range(i, i + len(m)))
               for m in w.change_markers for i in _find(tokens, m))


def names_an_activity(text: str | None, data: Wording | None = None) -> bool:
    return bool(activity_spans(words(text), data))


def suggestion(name: str | None = None, area: str | None = None) -> str:
    """'What will be different for Sam when this is done? e.g. 'has a settled home''."""
    w = wording()
    example = w.examples.get(area or "", w.default_example)
    return w.suggestion.format(name=(name or "").strip() or "the person", example=example)


def outcome_flags(text: str | None, name: str | None = None, area: str | None = None) -> list[Flag]:
    """The wording check: no outcome at all, or an outcome that only names an activity, each flagged with a
    suggestion to state the change sought (the example fits the goal's area when it is given)."""
    if not words(text):
        return [Flag(NO_OUTCOME, "Outcome: is empty: say what will be different when the goal is achieved",
                     suggestion(name, area))]
    if names_an_activity(text) and not states_a_change(text):
        return [Flag(ACTIVITY_ONLY, "Outcome: only names an activity: state the change sought, not what will "
                                    "be done to get there", suggestion(name, area))]
    return []
