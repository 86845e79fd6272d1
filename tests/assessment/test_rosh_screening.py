"""The RoSH screening: the data file's shape, the questions asked, what triggers a full analysis, the gate
question's reason, the required source checks and what stops completion."""

from __future__ import annotations

import json

import pytest

from lpt_desktop.assessment import rosh_screening as rs
from lpt_desktop.assessment.rosh_screening import Trigger
from lpt_desktop.domain.validation import FieldError
from lpt_desktop.paths import resources_dir

DATA = resources_dir() / "data" / "rosh_screening.json"


def _all(answer: str = "no") -> dict[str, dict[str, str]]:
    return {q.id: {p: answer for p in q.periods} for q in rs.screening().questions}


def _with(question_id: str, period: str, answer: str) -> dict[str, dict[str, str]]:
    answers = _all("no")
    answers[question_id] = {**answers[question_id], period: answer}
    return answers


# -- the data ------------------------------------------------------------------------------------------
def test_the_data_file_is_sound():
    assert rs.validate_screening_data(json.loads(DATA.read_text(encoding="utf-8"))) == []


def _broken(edit):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    edit(data)
    return data


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda d: d.pop("blocks"), "'blocks' is missing"),
    (lambda d: d["blocks"][0]["questions"][0].pop("help"), "block 1 question 1: 'help' is missing or not a str"),
    (lambda d: d["blocks"][1]["questions"].append(dict(d["blocks"][0]["questions"][0])),
     "block 2 question 9: id 'murder' is used twice"),
    (lambda d: d["blocks"][0]["questions"][2].update(current_previous="yes"),
     "block 1 question 3: 'current_previous' is missing or not a bool"),
    (lambda d: d["blocks"][0]["questions"][0].update(answer_type="free_text"),
     "block 1 question 1: answer_type must be yes_no_dont_know"),
    (lambda d: [b.update(triggers_full_analysis=False) for b in d["blocks"]], "no block triggers a full analysis"),
    (lambda d: d["sources"][2].update(required=False), "source 'police_domestic_abuse' must be there and required"),
    (lambda d: d["sources"].pop(3), "source 'childrens_services' must be there and required"),
    (lambda d: d["answers"].pop("dont_know"), "'answers' must have exactly yes, no, dont_know"),
    (lambda d: d["report_writer_confirmation"].update(unit="fortnights"),
     "'report_writer_confirmation' needs a whole number 'within' and a unit (working_days or days)"),
    (lambda d: d["gate"].pop("reason_min_words"), "'gate' needs whole numbers reason_min_chars and reason_min_words"),
    (lambda d: d["blocks"][2].update(questions=[]), "block 3: has no questions"),
])
def test_a_broken_copy_of_the_data_is_caught(edit, expected):
    data = _broken(edit)
    assert expected in rs.validate_screening_data(data)
    with pytest.raises(ValueError, match="rosh_screening.json"):
        rs.screening_from(data)


def test_the_file_is_not_an_object():
    assert rs.validate_screening_data([]) == ["the file does not hold an object"]


def test_the_loaded_screening_follows_the_oasys_blocks():
    s = rs.screening()
    assert [(b.code, b.triggers_full_analysis, len(b.questions)) for b in s.blocks] == [
        ("offences", True, 14), ("behaviours", True, 8), ("children", False, 1), ("self", False, 5),
        ("other", False, 4)]
    assert [src.code for src in s.required_sources] == ["police_domestic_abuse", "childrens_services"]
    assert [src.label for src in s.sources] == [
        "Interview", "CPS papers", "Police domestic abuse call-outs", "Children's services", "Previous convictions",
        "Youth offending team", "Previous OASys", "Other"]
    assert s.question("domestic_abuse").block == "behaviours"
    assert s.question("child_concerns").periods == ("current",)
    assert s.question("robbery").periods == ("current", "previous")
    assert rs.screening() is s  # read once


def test_the_source_names_published_sources_only():
    text = rs.screening().source
    assert "OASys" in text and "Lancashire inspection 2011" in text
    assert not [w for w in ("DOMAIN.md", "seed", ".md", ".json", "resources/") if w.lower() in text.lower()]


# -- unanswered ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("remove", "expected"), [
    ([], []),
    ([("murder", "current")], ["murder"]),
    ([("murder", "previous")], ["murder"]),  # previous behaviour is never skipped
    ([("murder", "current"), ("murder", "previous")], ["murder"]),
    ([("arson", "previous"), ("murder", "previous")], ["murder", "arson"]),  # in the form's order
    ([("child_concerns", "current")], ["child_concerns"]),
    ([("risk_prisoners", "previous"), ("domestic_abuse", "current")], ["domestic_abuse", "risk_prisoners"]),
])
def test_unanswered(remove, expected):
    answers = _all("no")
    for qid, period in remove:
        answers[qid] = {p: a for p, a in answers[qid].items() if p != period}
    assert rs.unanswered(answers) == expected


def test_everything_is_unanswered_at_first_and_a_wrong_answer_counts_as_none():
    assert len(rs.unanswered({})) == 32
    assert rs.unanswered(_with("stalking", "current", "maybe")) == ["stalking"]


# -- triggers ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("qid", "period", "answer", "triggers"), [
    # offences: yes and don't know trigger, current and previous alike; no does not
    ("murder", "current", "yes", True), ("murder", "previous", "yes", True),
    ("murder", "current", "dont_know", True), ("murder", "previous", "dont_know", True),
    ("murder", "current", "no", False), ("murder", "previous", "no", False),
    ("sexual_child", "previous", "yes", True), ("other_serious", "current", "dont_know", True),
    ("robbery", "previous", "no", False),
    # behaviours
    ("domestic_abuse", "current", "yes", True), ("domestic_abuse", "previous", "yes", True),
    ("domestic_abuse", "previous", "dont_know", True), ("domestic_abuse", "current", "no", False),
    ("previous_high", "previous", "yes", True), ("custody_hostel_behaviour", "current", "dont_know", True),
    # children, risk to self and other risks do not trigger one by themselves
    ("child_concerns", "current", "yes", False), ("child_concerns", "current", "dont_know", False),
    ("suicide", "current", "yes", False), ("self_harm", "previous", "dont_know", False),
    ("escape", "current", "yes", False), ("risk_prisoners", "previous", "yes", False),
])
def test_each_answer_that_triggers_a_full_analysis(qid, period, answer, triggers):
    expected = (Trigger(qid, period, answer),) if triggers else ()
    assert rs.full_analysis_triggers(_with(qid, period, answer)) == expected


def test_triggers_come_in_the_forms_order_with_both_periods():
    answers = _with("domestic_abuse", "previous", "yes")
    answers["arson"] = {"current": "dont_know", "previous": "yes"}
    answers["suicide"] = {"current": "yes", "previous": "yes"}
    assert rs.full_analysis_triggers(answers) == (
        Trigger("arson", "current", "dont_know"), Trigger("arson", "previous", "yes"),
        Trigger("domestic_abuse", "previous", "yes"))
    assert rs.full_analysis_triggers({}) == ()


# -- the gate question ---------------------------------------------------------------------------------
ONE = (Trigger("murder", "previous", "yes"),)
GATE = [FieldError(rs.GATE_FIELD, "is too short: give the reason in at least a sentence (20 characters or more, "
                                  "more than 3 words); the team manager reads it")]


@pytest.mark.parametrize(("triggers", "decision", "reason", "expected"), [
    ((), False, None, []),
    ((), True, None, []),  # nothing to decide
    (ONE, False, None, []),  # a full analysis is required instead
    (ONE, True, None, GATE),
    (ONE, True, "", GATE),
    (ONE, True, "   \n ", GATE),
    (ONE, True, "Not needed.", GATE),
    (ONE, True, "aaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbb", GATE),  # long enough, two words
    (ONE, True, "aaaa bbbb cccc ddddd", []),  # 20 characters and four words: the edge
    (ONE, True, "aaaa bbbb cccc dddd", GATE),  # 19 characters
    (ONE, True, "aaaaaaaaa bbbbbbbbb ccccccccc", GATE),  # three words
    (ONE, True, "  aaaa   bbbb\ncccc     dddd  ", GATE),  # spaces do not count towards the length
    (ONE, True, "The previous robbery was a shoplifting charge wrongly recorded by the PNC.", []),
])
def test_the_gate_reason(triggers, decision, reason, expected):
    assert rs.gate_errors(triggers, decision, reason) == expected


@pytest.mark.parametrize(("triggers", "decision", "required"), [
    ((), False, False), ((), True, False), (ONE, False, True), (ONE, True, False)])
def test_full_analysis_required(triggers, decision, required):
    assert rs.full_analysis_required(triggers, decision) is required


# -- sources -------------------------------------------------------------------------------------------
POLICE = ("Police domestic abuse call-outs not checked and no reason recorded: check them before completing the "
          "screening, or record why they could not be checked")
CHILDREN = ("Children's services not checked and no reason recorded: check them before completing the "
            "screening, or record why they could not be checked")


@pytest.mark.parametrize(("checked", "reasons", "expected"), [
    ({"police_domestic_abuse", "childrens_services"}, {}, []),
    ({"interview", "cps"}, {}, [POLICE, CHILDREN]),
    (set(), {}, [POLICE, CHILDREN]),
    ({"childrens_services"}, {}, [POLICE]),
    ({"police_domestic_abuse"}, {}, [CHILDREN]),
    ({"childrens_services"}, {"police_domestic_abuse": "Police checks requested 01/11, no reply yet"}, []),
    (set(), {"childrens_services": "No children in the household or contact"}, [POLICE]),
    (set(), {"childrens_services": "   "}, [POLICE, CHILDREN]),  # a blank reason is no reason
    (set(), {"police_domestic_abuse": "x", "childrens_services": "y"}, []),
])
def test_source_warnings(checked, reasons, expected):
    assert rs.source_warnings(checked, reasons) == expected


# -- completion ----------------------------------------------------------------------------------------
CHECKED = {"interview", "police_domestic_abuse", "childrens_services"}


def test_a_complete_screening_has_no_problems():
    p = rs.completion_problems(_all("no"), CHECKED, {}, False, None)
    assert (p.errors, p.warnings) == ([], [])


def test_completion_problems_collect_errors_and_warnings():
    answers = _with("murder", "previous", "yes")
    del answers["arson"]
    answers["robbery"] = {"current": "no"}
    answers["child_concerns"] = {}
    answers["unknown_q"] = {"current": "yes"}
    p = rs.completion_problems(answers, {"interview", "psychic"}, {}, True, "No.")
    assert p.errors == [
        FieldError("Arson", "current and previous are unanswered: answer yes, no or don't know"),
        FieldError("Robbery", "previous is unanswered: answer yes, no or don't know"),
        FieldError("Concerns about children", "is unanswered: answer yes, no or don't know"),
        FieldError("Screening", "'unknown_q' is not a screening question: remove the answer"),
        FieldError("Sources checked", "'psychic' is not a source on the list: choose one of Interview, CPS papers, "
                                      "Police domestic abuse call-outs, Children's services, Previous convictions, "
                                      "Youth offending team, Previous OASys, Other"),
        *GATE,
    ]
    assert p.warnings == [POLICE, CHILDREN]


def test_a_reasoned_decision_completes_and_warnings_do_not_block():
    answers = _with("domestic_abuse", "previous", "dont_know")
    p = rs.completion_problems(answers, set(), {}, True, "The only record is a 2009 call-out with no further incident.")
    assert p.errors == []
    assert p.warnings == [POLICE, CHILDREN]
