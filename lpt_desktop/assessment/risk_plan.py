"""The risk management plan (pure): when one is required, its sections and actions, what stops completion,
who it was shared with, and which actions have no evidence of delivery.

Sections, the share-with list and the level from which a plan is required are in
resources/data/rosh_assessment.json ("plan"), read through rosh_summary.assessment_data().
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from lpt_desktop.assessment.rosh_summary import assessment_data
from lpt_desktop.domain.reference import rosh_rank
from lpt_desktop.domain.validation import FieldError

ActionKey = int | str  # an action's id as the store keeps it


@dataclass(frozen=True)
class Section:
    code: str
    label: str
    oasys: str


@dataclass(frozen=True)
class Agency:
    code: str  # police | childrens_services | mappa | approved_premises | other
    label: str
    needs_detail: bool  # "other" must say who


@dataclass(frozen=True)
class PlanData:
    required_from: str  # the lowest level that requires a plan (M unless a Trust sets another)
    sections: tuple[Section, ...]
    share_with: tuple[Agency, ...]

    def section(self, code: str) -> Section | None:
        return next((s for s in self.sections if s.code == code), None)

    def agency(self, code: str) -> Agency | None:
        return next((a for a in self.share_with if a.code == code), None)


@dataclass(frozen=True)
class Action:
    who: str  # a role or an agency: "Offender manager", "Police public protection unit"
    what: str
    by_when: date | None
    id: ActionKey | None = None  # set once stored; links contacts to it
    done_on: date | None = None  # delivered: no longer offered when recording a contact


@dataclass(frozen=True)
class Sharing:
    agency: str  # a share_with code
    on: date | None
    detail: str = ""  # who, for "other"


@dataclass(frozen=True)
class RiskPlan:
    sections: Mapping[str, Sequence[Action]] = field(default_factory=dict)  # section code -> its actions
    shared: Sequence[Sharing] = ()


@dataclass(frozen=True)
class IncompleteAction:
    section: str  # section code
    number: int  # 1-based within its section, as the screen numbers them
    missing: tuple[str, ...]  # of "who", "what", "by when"

    def describe(self) -> str:
        label = plan_data().section(self.section)
        name = label.label if label else self.section
        return f"{name}, action {self.number}: {' and '.join(self.missing)} missing"


@cache
def plan_data() -> PlanData:
    raw = assessment_data().raw_plan
    return PlanData(
        required_from=raw["required_from"],
        sections=tuple(Section(s["code"], s["label"], s.get("oasys", "")) for s in raw["sections"]),
        share_with=tuple(Agency(a["code"], a["label"], bool(a.get("needs_detail", False)))
                         for a in raw["share_with"]),
    )


def plan_required(level: str | None, threshold: str | None = None) -> bool:
    """Whether a plan is required at this RoSH level: at the threshold and above (the data's level, medium,
    unless another is given). No level chosen yet requires none."""
    bar = rosh_rank(threshold or plan_data().required_from)
    if bar == 0:
        raise ValueError(f"'{threshold}' is not a RoSH level: use L, M, H or VH")
    rank = rosh_rank(level)
    return rank > 0 and rank >= bar


def _missing(action: Action) -> tuple[str, ...]:
    return tuple(name for name, ok in (("who", (action.who or "").strip()), ("what", (action.what or "").strip()),
                                       ("by when", action.by_when is not None)) if not ok)


def incomplete_actions(plan: RiskPlan) -> list[IncompleteAction]:
    """Every action lacking who, what or by when, in the plan's section order (sections not on the list
    after, in the order given)."""
    order = [s.code for s in plan_data().sections]
    keys = sorted(plan.sections, key=lambda k: order.index(k) if k in order else len(order))
    return [IncompleteAction(key, n, missing) for key in keys
            for n, action in enumerate(plan.sections[key], start=1) if (missing := _missing(action))]


def sharing_errors(shared: Sequence[Sharing]) -> list[FieldError]:
    """Each record of sharing names an agency on the list (and who, for other) and the date it was shared."""
    data = plan_data()
    errors = []
    for n, s in enumerate(shared, start=1):
        agency = data.agency(s.agency)
        name = f"Shared with ({n})"
        if agency is None:
            errors.append(FieldError(name, f"'{s.agency}' is not on the list: choose "
                                           f"{', '.join(a.label for a in data.share_with)}"))
            continue
        if s.on is None:
            errors.append(FieldError(name, f"{agency.label}: the date is empty: enter when it was shared as "
                                           "dd/mm/yyyy"))
        if agency.needs_detail and not s.detail.strip():
            errors.append(FieldError(name, f"{agency.label}: say who it was shared with"))
    return errors


def completion_errors(plan: RiskPlan) -> list[FieldError]:
    """What stops the plan being completed: no action at all; an action lacking who, what or by when; a
    section not on the list; a record of sharing without agency, date or (for other) who."""
    data = plan_data()
    errors = []
    if not any(plan.sections.values()):
        errors.append(FieldError("Risk management plan", "has no actions: add at least one action with who, "
                                                         "what and by when"))
    errors += [FieldError("Plan section", f"'{k}' is not a section of the plan: move its actions to a section "
                                          "on the list") for k in plan.sections if data.section(k) is None]
    for gap in incomplete_actions(plan):
        sec = data.section(gap.section)
        errors.append(FieldError(f"{sec.label if sec else gap.section}, action {gap.number}",
                                 f"{' and '.join(gap.missing)} missing: say who (a role or an agency) will do "
                                 "what, by when (dd/mm/yyyy)"))
    return errors + sharing_errors(plan.shared)


def sharing_warnings(plan: RiskPlan) -> list[str]:
    """Shown, not blocking: a plan not yet recorded as shared with anyone."""
    if plan.shared:
        return []
    return ["The plan is not recorded as shared with anyone: record who it was shared with (police, children's "
            "services, MAPPA, approved premises or other) and when"]


def empty_expected_sections(plan: RiskPlan, level: str | None) -> list[str]:
    """The labels of the sections the data expects actions in at this level (supervision, monitoring and control,
    contingency plans and victim safety planning at high and very high) that have none, in plan order."""
    expected = assessment_data().raw_plan.get("expected_sections") or {}
    if level not in (expected.get("levels") or ()):
        return []
    wanted = set(expected.get("sections") or ())
    return [s.label for s in plan_data().sections
            if s.code in wanted and not any((a.who or a.what) for a in plan.sections.get(s.code, ()))]


def section_warnings(plan: RiskPlan, level: str | None) -> list[str]:
    """Shown, not blocking, but acknowledged: at a high or very high level, expected sections left empty."""
    empty = empty_expected_sections(plan, level)
    if not empty:
        return []
    names = ", ".join(empty[:-1]) + (" and " if len(empty) > 1 else "") + empty[-1]
    return [f"At this RoSH level the plan has no actions in {names}: add who will do what, by when, in each, or "
            "complete the plan only if there is truly nothing to plan there"]


def all_actions(plan: RiskPlan) -> list[tuple[str, int, Action]]:
    """(section code, number within the section, action) in the plan's section order."""
    order = [s.code for s in plan_data().sections]
    keys = sorted(plan.sections, key=lambda k: order.index(k) if k in order else len(order))
    return [(k, n, a) for k in keys for n, a in enumerate(plan.sections[k], start=1)]


def open_actions(plan: RiskPlan) -> list[Action]:
    """Actions not yet delivered: what the contact entry offers to link a contact to."""
    return [a for _k, _n, a in all_actions(plan) if a.done_on is None]


def actions_without_evidence(actions: Iterable[Action],
                             evidence_links: Iterable[tuple[ActionKey, object]]) -> list[Action]:
    """The actions no contact is linked to (links are (action id, contact id) rows); an action not yet stored
    (no id) has none."""
    linked = {action_id for action_id, _contact in evidence_links}
    return [a for a in actions if a.id is None or a.id not in linked]


def evidence_for(action_id: ActionKey, evidence_links: Iterable[tuple[ActionKey, object]]) -> list[object]:
    """The contacts linked to one action, in the order given."""
    return [contact for aid, contact in evidence_links if aid == action_id]
