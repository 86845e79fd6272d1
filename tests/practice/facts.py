"""A model case that meets every practice check (each check applies), and helpers to spoil one part of it."""

from __future__ import annotations

from datetime import date, timedelta

from lpt_desktop.assessment.needs import BarrierAnswer, NeedsAssessment, SectionRating, SkillsScreening, needs_data
from lpt_desktop.domain.dates import add_months
from lpt_desktop.practice.case_facts import (
    CaseFacts,
    ContactSummary,
    GoalFacts,
    NeedsFacts,
    PlanAction,
    RegisterFacts,
    RiskPlanFacts,
    RoshFacts,
    SentenceFacts,
    SentencePlanFacts,
    StepFacts,
)
from lpt_desktop.practice.checks import Settings
from lpt_desktop.standards.obligations import Obligation

AS_OF = date(2026, 11, 23)
START = date(2026, 3, 2)
SETTINGS = Settings(as_of=AS_OF)


def day(n: int) -> date:
    """n days after the start."""
    return START + timedelta(days=n)


def ob(rule: str, status: str, due_by: date, met_on: date | None = None, description: str = "",
       due_from: date | None = None) -> Obligation:
    return Obligation(rule, "review", description or rule.replace("_", " ").capitalize(), "test", due_from, due_by,
                      status, "c1" if met_on else None, met_on)


def contact_windows(statuses: list[str]) -> tuple[Obligation, ...]:
    """Monthly contact windows ending in the last months before AS_OF, oldest first."""
    out = []
    n = len(statuses)
    for k, status in enumerate(statuses):
        due_by = add_months(AS_OF, -(n - k)) + timedelta(days=20)
        due_from = due_by - timedelta(days=27)
        out.append(ob("ns_contacts", status, due_by, due_by - timedelta(days=3) if status == "met" else None,
                      "Contact every 28 days", due_from))
    return tuple(out)


BARRIERS = {b.key: BarrierAnswer(False) for b in needs_data().barriers} | {
    "childcare": BarrierAnswer(True, "Appointments in school hours")}

GOOD_OBLIGATIONS = (
    ob("first_contact", "met", day(7), day(2)),
    ob("initial_sentence_plan", "met", day(21), day(10)),
    ob("rosh_confirmation", "met", day(21), day(5)),
    ob("rosh_review", "met", day(184), day(180)),
    ob("home_visit", "met", day(15), day(9)),
    ob("management_oversight", "met", day(28), day(20)),
    ob("management_oversight", "met", add_months(AS_OF, -2), add_months(AS_OF, -2) - timedelta(days=4)),
    ob("victim_contact", "met", day(56), day(30)),
    ob("absence_action", "met", day(100), day(99)),
    ob("breach_initiation", "met", day(140), day(130)),
    *contact_windows(["met"] * 6),
)

SENTENCE = SentenceFacts("LIC", START, date(2024, 3, 1), date(2027, 9, 1), "Wounding with intent", "violent", 24)
NEEDS = NeedsFacts("n1", day(3), NeedsAssessment(
    {"ete": SectionRating("standard"), "relationships": SectionRating("severe", risk_of_harm=True)},
    SkillsScreening({"literacy": "need_identified", "numeracy": "no_need"}), BARRIERS, day(3)))

GOOD = CaseFacts(
    person_id="p1", crn="X123456", name="Sam Patel", gender="Female", officer="Alex Morgan",
    sentence=SENTENCE,
    rosh_level="H",
    registers=(RegisterFacts("RCPR", date(2026, 3, 10)), RegisterFacts("MAPP", day(3), "M2", "M1"),
               RegisterFacts("INVI", day(3))),
    rosh=(RoshFacts("r0", "screening", day(-40), day(-40), "H", by_report_writer=True, confirmed_on=day(5)),
          RoshFacts("r1", "review", day(170), day(180), "H",
                    sources_checked=("interview", "police_domestic_abuse", "childrens_services"),
                    full_analysis="done", signing="countersigned", author_grade="po")),
    rosh_records=(day(-40), day(180)),
    risk_plan=RiskPlanFacts("rp1", "complete", day(180), day(181),
                            (PlanAction("supervision", "Offender manager", "Weekly reporting", day(200)),
                             PlanAction("victim_safety", "Police", "Exclusion zone around the victim's home",
                                        day(190))),
                            (("police", day(182)), ("childrens_services", day(182))), "countersigned", "po"),
    sentence_plan=SentencePlanFacts(
        "sp1", "initial", "complete", day(3), day(10), "n1", "I want to keep my kids and get a job",
        "We wrote the plan together at the second appointment",
        None,
        (GoalFacts("Keep the children safe", "relationships",
                   "Sam's children are safe and she keeps to her safety plan", rosh_link=True,
                   steps=(StepFacts("Work through the safety plan", "practitioner"),
                          StepFacts("Attend the women's centre group", "partner", "womens_centre"))),
         GoalFacts("A job", "ete", "Sam has a steady job", need_links=("ete",), learning_plan=True,
                   steps=(StepFacts("See the ETE adviser", "partner", "ete_provider"),))),
        "yes", None, "countersigned", "po"),
    needs=NEEDS,
    contacts=ContactSummary(home_visits=(day(9), day(90)), oversight=(day(20), day(200)), victim_contacts=(day(30),)),
    obligations=GOOD_OBLIGATIONS,
)


def with_obligations(case: CaseFacts, *replaced: Obligation, drop: tuple[str, ...] = ()) -> CaseFacts:
    """The case with every obligation of the replaced rules (and the dropped rules) swapped for these."""
    rules = {o.rule for o in replaced} | set(drop)
    from dataclasses import replace
    return replace(case, obligations=tuple(o for o in case.obligations if o.rule not in rules) + replaced)
