"""The RoSH screening (pure): its questions as data, what requires a full analysis, and what stops completion.

The questions, help, blocks and sources checked live in resources/data/rosh_screening.json so they change
without code; `validate_screening_data` checks that file's shape (a test runs it, so a bad edit is caught).
Answers are a mapping question id -> period ("current" / "previous") -> answer code ("yes", "no",
"dont_know"); a question asked once (concerns about children) has only "current".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from lpt_desktop.domain.reference import load_json
from lpt_desktop.domain.validation import FieldError

ANSWERS = ("yes", "no", "dont_know")
PERIODS = ("current", "previous")
TRIGGERING = frozenset({"yes", "dont_know"})
UNITS = ("working_days", "days")
Answers = Mapping[str, Mapping[str, str]]  # question id -> period -> answer code


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str
    block: str  # the block's code
    current_previous: bool  # asked separately for current and previous behaviour
    answer_type: str  # yes_no_dont_know

    @property
    def periods(self) -> tuple[str, ...]:
        return PERIODS if self.current_previous else ("current",)


@dataclass(frozen=True)
class Block:
    code: str
    label: str
    oasys: str  # the OASys section it follows (R1.2 ...)
    triggers_full_analysis: bool  # a yes or don't know here requires a full analysis
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class SourceCheck:
    code: str
    label: str
    required: bool  # completing without it (or a reason) is warned about
    help: str


@dataclass(frozen=True)
class Screening:
    source: str  # shown to officers: names the published sources only
    answers: Mapping[str, str]  # answer code -> label
    periods: Mapping[str, str]  # period code -> label
    blocks: tuple[Block, ...]
    sources: tuple[SourceCheck, ...]
    reason_min_chars: int
    reason_min_words: int
    confirmation_within: int  # a report writer's screening: confirmed within this many ...
    confirmation_unit: str  # ... working_days | days after the sentence starts

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for b in self.blocks for q in b.questions)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def block(self, code: str) -> Block:
        return next(b for b in self.blocks if b.code == code)

    @property
    def required_sources(self) -> tuple[SourceCheck, ...]:
        return tuple(s for s in self.sources if s.required)


class Trigger(NamedTuple):
    """One answer that requires a full analysis."""

    question_id: str
    period: str  # current | previous
    answer: str  # yes | dont_know


@dataclass(frozen=True)
class Problems:
    errors: list[FieldError]  # block completion
    warnings: list[str]  # shown, and the screening may still be completed


# -- the data file ---------------------------------------------------------------------------------------
def validate_screening_data(data: Any) -> list[str]:
    """What is wrong with the shape of rosh_screening.json (empty when it is sound), in words."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return ["the file does not hold an object"]
    for key in ("source", "answers", "periods", "blocks", "sources", "gate", "report_writer_confirmation"):
        if key not in data:
            problems.append(f"'{key}' is missing")
    if problems:
        return problems
    if not isinstance(data["source"], str) or not data["source"].strip():
        problems.append("'source' must be a non-empty text")
    if set(data["answers"]) != set(ANSWERS):
        problems.append(f"'answers' must have exactly {', '.join(ANSWERS)}")
    if set(data["periods"]) != set(PERIODS):
        problems.append(f"'periods' must have exactly {', '.join(PERIODS)}")
    seen: set[str] = set()
    blocks = data["blocks"] if isinstance(data["blocks"], list) else []
    if not blocks:
        problems.append("'blocks' must be a non-empty list")
    for i, b in enumerate(blocks):
        where = f"block {i + 1}"
        if not isinstance(b, dict):
            problems.append(f"{where} is not an object")
            continue
        for key, kind in (("code", str), ("label", str), ("oasys", str), ("triggers_full_analysis", bool),
                          ("questions", list)):
            if not isinstance(b.get(key), kind):
                problems.append(f"{where}: '{key}' is missing or not a {kind.__name__}")
        if not b.get("questions"):
            problems.append(f"{where}: has no questions")
        for j, q in enumerate(b.get("questions") or []):
            qwhere = f"{where} question {j + 1}"
            if not isinstance(q, dict):
                problems.append(f"{qwhere} is not an object")
                continue
            for key, kind in (("id", str), ("text", str), ("help", str), ("current_previous", bool),
                              ("answer_type", str)):
                if not isinstance(q.get(key), kind) or (kind is str and not q[key].strip()):
                    problems.append(f"{qwhere}: '{key}' is missing or not a {kind.__name__}")
            if q.get("answer_type") not in (None, "yes_no_dont_know"):
                problems.append(f"{qwhere}: answer_type must be yes_no_dont_know")
            if isinstance(q.get("id"), str):
                if q["id"] in seen:
                    problems.append(f"{qwhere}: id '{q['id']}' is used twice")
                seen.add(q["id"])
    if not any(isinstance(b, dict) and b.get("triggers_full_analysis") is True for b in blocks):
        problems.append("no block triggers a full analysis")
    sources = data["sources"] if isinstance(data["sources"], list) else []
    codes = [s.get("code") for s in sources if isinstance(s, dict)]
    if len(codes) != len(sources) or not all(isinstance(c, str) for c in codes) or len(set(codes)) != len(codes):
        problems.append("'sources' must be objects with distinct codes")
    for s in sources:
        if isinstance(s, dict) and not (isinstance(s.get("label"), str) and isinstance(s.get("required"), bool)
                                        and isinstance(s.get("help"), str)):
            problems.append(f"source '{s.get('code')}': needs a label, help and required true or false")
    for required in ("police_domestic_abuse", "childrens_services"):
        if not any(isinstance(s, dict) and s.get("code") == required and s.get("required") is True
                   for s in sources):
            problems.append(f"source '{required}' must be there and required")
    gate = data["gate"]
    if not (isinstance(gate, dict) and isinstance(gate.get("reason_min_chars"), int)
            and isinstance(gate.get("reason_min_words"), int)):
        problems.append("'gate' needs whole numbers reason_min_chars and reason_min_words")
    conf = data["report_writer_confirmation"]
    if not (isinstance(conf, dict) and isinstance(conf.get("within"), int) and conf["within"] >= 0
            and conf.get("unit") in UNITS):
        problems.append(f"'report_writer_confirmation' needs a whole number 'within' and a unit "
                        f"({' or '.join(UNITS)})")
    return problems


def screening_from(data: Mapping[str, Any]) -> Screening:
    """Build the screening from the file's contents (raises ValueError naming what is wrong)."""
    problems = validate_screening_data(data)
    if problems:
        raise ValueError("rosh_screening.json: " + "; ".join(problems))
    return Screening(
        source=data["source"],
        answers=dict(data["answers"]),
        periods=dict(data["periods"]),
        blocks=tuple(
            Block(b["code"], b["label"], b["oasys"], b["triggers_full_analysis"],
                  tuple(Question(q["id"], q["text"], q["help"], b["code"], q["current_previous"],
                                 q["answer_type"]) for q in b["questions"]))
            for b in data["blocks"]),
        sources=tuple(SourceCheck(s["code"], s["label"], s["required"], s["help"]) for s in data["sources"]),
        reason_min_chars=data["gate"]["reason_min_chars"],
        reason_min_words=data["gate"]["reason_min_words"],
        confirmation_within=data["report_writer_confirmation"]["within"],
        confirmation_unit=data["report_writer_confirmation"]["unit"],
    )


@cache
def screening() -> Screening:
    """The screening in resources/data/rosh_screening.json, read once."""
    return screening_from(load_json("rosh_screening.json"))


# -- the rules -------------------------------------------------------------------------------------------
def _answer(answers: Answers, question_id: str, period: str) -> str | None:
    return (answers.get(question_id) or {}).get(period)


def unanswered_parts(answers: Answers) -> list[tuple[str, str]]:
    """(question id, period) for every answer still missing or not one of yes / no / don't know."""
    return [(q.id, p) for q in screening().questions for p in q.periods
            if _answer(answers, q.id, p) not in ANSWERS]


def unanswered(answers: Answers) -> list[str]:
    """The ids of questions still unanswered, in the form's order (current and previous both required where
    both are asked)."""
    return list(dict.fromkeys(qid for qid, _p in unanswered_parts(answers)))


def full_analysis_triggers(answers: Answers) -> tuple[Trigger, ...]:
    """Every yes or don't know in a block that triggers a full analysis (offences and behaviours), current
    and previous alike, in the form's order."""
    s = screening()
    return tuple(Trigger(q.id, p, a) for b in s.blocks if b.triggers_full_analysis for q in b.questions
                 for p in q.periods if (a := _answer(answers, q.id, p) or "") in TRIGGERING)


def reason_is_a_sentence(reason: str | None, min_chars: int | None = None, min_words: int | None = None) -> bool:
    """At least a sentence: `min_chars` characters or more and at least `min_words` words (the data's numbers
    by default: 20 and 4, that is more than three)."""
    s = screening()
    text = " ".join((reason or "").split())
    chars = s.reason_min_chars if min_chars is None else min_chars
    words = s.reason_min_words if min_words is None else min_words
    return len(text) >= chars and len(text.split()) >= words


GATE_FIELD = "Reason for not doing a full analysis"


def gate_errors(triggers: Sequence[Trigger], decision_not_to_do: bool, reason: str | None) -> list[FieldError]:
    """A reasoned decision not to do a full analysis needs a reason of at least a sentence (it is shown to the
    team manager). Without triggers there is nothing to decide and no error; with triggers and no decision a
    full analysis is required (`full_analysis_required`), which is not an error of the screening."""
    if not triggers or not decision_not_to_do:
        return []
    if reason_is_a_sentence(reason):
        return []
    s = screening()
    return [FieldError(GATE_FIELD, f"is too short: give the reason in at least a sentence "
                                   f"({s.reason_min_chars} characters or more, more than "
                                   f"{s.reason_min_words - 1} words); the team manager reads it")]


def full_analysis_required(triggers: Sequence[Trigger], decision_not_to_do: bool) -> bool:
    """A full analysis is owed when something triggers one and the officer has not decided, with a reason,
    not to do one."""
    return bool(triggers) and not decision_not_to_do


def source_warnings(sources_checked: Iterable[str], reasons_not_checked: Mapping[str, str]) -> list[str]:
    """One warning, in words, for each required check (police domestic abuse call-outs, children's services)
    neither done nor given a reason."""
    checked = set(sources_checked)
    out = []
    for s in screening().required_sources:
        if s.code in checked or (reasons_not_checked.get(s.code) or "").strip():
            continue
        out.append(f"{s.label} not checked and no reason recorded: check them before completing the "
                   f"screening, or record why they could not be checked")
    return out


def source_errors(sources_checked: Iterable[str], reasons_not_checked: Mapping[str, str]) -> list[FieldError]:
    """Codes that are not sources on the list (a screen or an import sending a wrong code)."""
    known = {s.code for s in screening().sources}
    wrong = sorted((set(sources_checked) | set(reasons_not_checked)) - known)
    return [FieldError("Sources checked", f"'{code}' is not a source on the list: choose one of "
                                          f"{', '.join(s.label for s in screening().sources)}") for code in wrong]


def answer_errors(answers: Answers) -> list[FieldError]:
    """One error per question still unanswered (naming which of current and previous) and per unknown id."""
    s = screening()
    labels = s.periods
    errors = []
    missing: dict[str, list[str]] = {}
    for qid, period in unanswered_parts(answers):
        missing.setdefault(qid, []).append(period)
    for qid, periods in missing.items():
        q = s.question(qid)
        which = " and ".join(labels[p].lower() for p in periods) if q.current_previous else ""
        verb = "are" if len(periods) > 1 and q.current_previous else "is"
        what = f"{which} {verb} unanswered" if which else "is unanswered"
        errors.append(FieldError(q.text, f"{what}: answer yes, no or don't know"))
    known = {q.id for q in s.questions}
    for qid in sorted(set(answers) - known):
        errors.append(FieldError("Screening", f"'{qid}' is not a screening question: remove the answer"))
    return errors


def completion_problems(answers: Answers, sources_checked: Iterable[str], reasons_not_checked: Mapping[str, str],
                        decision_not_to_do: bool, reason: str | None) -> Problems:
    """What stops the screening being completed (errors: unanswered questions, wrong codes, a gate decision
    without a reason) and what is only warned about (required checks neither done nor explained)."""
    checked = set(sources_checked)
    errors = [*answer_errors(answers), *source_errors(checked, reasons_not_checked),
              *gate_errors(full_analysis_triggers(answers), decision_not_to_do, reason)]
    return Problems(errors, source_warnings(checked, reasons_not_checked))
