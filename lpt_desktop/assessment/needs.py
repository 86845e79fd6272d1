"""The needs assessment (pure): the OASys needs sections, Skills for Life screening, diversity and barriers to
engagement, what stops completion, when an assessment counts for tiering, and which commissioned services the
needs call for.

Sections, severities, screening results, barriers and services live in resources/data/needs_assessment.json;
`validate_needs_data` checks that file's shape (a test runs it, so a bad edit is caught).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from lpt_desktop.assessment.tier_types import NEED_KEYS, SEVERITIES
from lpt_desktop.domain.reference import load_json
from lpt_desktop.domain.validation import FieldError

NEED_CALLING = frozenset({"standard", "severe"})  # a need at these severities calls for a service


# -- the data --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    key: str  # accommodation, ete, ... health (NEED_KEYS' keys where they match)
    oasys: str  # the OASys section number, "3" to "13"
    label: str
    help: str
    tier_need: bool  # read by the tier engine


@dataclass(frozen=True)
class Barrier:
    key: str
    label: str
    help: str  # with examples of adjustments


@dataclass(frozen=True)
class Service:
    partner: str  # a partner code of sentence_plan.json
    genders: tuple[str, ...]  # lower case; empty: anyone
    needs: tuple[str, ...]  # section keys whose need calls for it
    why: str


@dataclass(frozen=True)
class NeedsData:
    source: str
    severities: Mapping[str, str]  # code -> label
    evidence_required_for: frozenset[str]
    evidence_max_chars: int
    valid_for_tiering_weeks: int
    sections: tuple[Section, ...]
    skills_areas: Mapping[str, str]  # literacy | numeracy | language -> label
    skills_results: Mapping[str, str]  # no_need | need_identified | not_screened -> label
    skills_positive: frozenset[str]
    full_assessment_results: Mapping[str, str]  # need_confirmed | no_need -> label
    barriers: tuple[Barrier, ...]
    services: tuple[Service, ...]

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def barrier(self, key: str) -> Barrier:
        for b in self.barriers:
            if b.key == key:
                return b
        raise KeyError(key)


def _keyed_list(problems: list[str], data: Mapping[str, Any], name: str, fields: tuple[str, ...]) -> list[dict]:
    items = data.get(name)
    if not isinstance(items, list) or not items:
        problems.append(f"'{name}' must be a non-empty list")
        return []
    seen: set[str] = set()
    good = []
    for i, item in enumerate(items):
        where = f"{name} {i + 1}"
        if not isinstance(item, dict):
            problems.append(f"{where} is not an object")
            continue
        bad = [f for f in fields if not (isinstance(item.get(f), str) and item[f].strip())]
        if bad:
            problems.append(f"{where}: {', '.join(repr(f) for f in bad)} missing or empty")
            continue
        if item["key"] in seen:
            problems.append(f"{where}: key '{item['key']}' is used twice")
        seen.add(item["key"])
        good.append(item)
    return good


def validate_needs_data(data: Any) -> list[str]:
    """What is wrong with the shape of needs_assessment.json (empty when it is sound), in words."""
    if not isinstance(data, dict):
        return ["the file does not hold an object"]
    problems = [f"'{k}' is missing" for k in ("source", "severities", "evidence", "valid_for_tiering_weeks",
                                                 "sections", "skills_for_life", "barriers",
                                                 "commissioned_services") if k not in data]
    if problems:
        return problems
    if not isinstance(data["source"], str) or not data["source"].strip():
        problems.append("'source' must be a non-empty text")
    if not isinstance(data["severities"], dict) or list(data["severities"]) != list(SEVERITIES):
        problems.append(f"'severities' must have exactly {', '.join(SEVERITIES)}, in that order")
    ev = data["evidence"]
    if not (isinstance(ev, dict) and isinstance(ev.get("required_for"), list)
            and set(ev["required_for"]) <= set(SEVERITIES) and isinstance(ev.get("max_chars"), int)
            and ev["max_chars"] > 0):
        problems.append("'evidence' needs 'required_for' (severities) and a whole number 'max_chars'")
    weeks = data["valid_for_tiering_weeks"]
    if not (isinstance(weeks, int) and not isinstance(weeks, bool) and weeks > 0):
        problems.append("'valid_for_tiering_weeks' must be a whole number of weeks")
    sections = _keyed_list(problems, data, "sections", ("key", "oasys", "label", "help"))
    for s in sections:
        if not isinstance(s.get("tier_need"), bool):
            problems.append(f"section '{s['key']}': 'tier_need' must be true or false")
    tiered = {s["key"] for s in sections if s.get("tier_need") is True}
    if sections and tiered != set(NEED_KEYS):
        problems.append(f"the sections read by tiering must be exactly {', '.join(NEED_KEYS)}")
    sfl = data["skills_for_life"]
    if not isinstance(sfl, dict):
        problems.append("'skills_for_life' must be an object")
    else:
        _keyed_list(problems, sfl, "areas", ("key", "label"))
        results = sfl.get("results")
        if not (isinstance(results, dict) and "not_screened" in results and results):
            problems.append("'skills_for_life.results' must name the results, 'not_screened' among them")
        elif not (isinstance(sfl.get("positive"), list) and sfl["positive"]
                  and set(sfl["positive"]) <= set(results) - {"not_screened"}):
            problems.append("'skills_for_life.positive' must list results that count as a need identified")
        if not (isinstance(sfl.get("full_assessment_results"), dict)
                and set(sfl["full_assessment_results"]) == {"need_confirmed", "no_need"}):
            problems.append("'skills_for_life.full_assessment_results' must have exactly need_confirmed, no_need")
    _keyed_list(problems, data, "barriers", ("key", "label", "help"))
    keys = {s["key"] for s in sections}
    services = data["commissioned_services"]
    if not isinstance(services, list) or not services:
        problems.append("'commissioned_services' must be a non-empty list")
        services = []
    for i, s in enumerate(services):
        where = f"commissioned service {i + 1}"
        if not (isinstance(s, dict) and isinstance(s.get("partner"), str) and isinstance(s.get("why"), str)
                and isinstance(s.get("genders"), list) and isinstance(s.get("needs"), list) and s["needs"]):
            problems.append(f"{where}: needs a partner, why, genders (a list) and needs (a non-empty list)")
            continue
        unknown = [n for n in s["needs"] if n not in keys]
        if keys and unknown:
            problems.append(f"{where}: {', '.join(unknown)} is not a section key")
    return problems


def needs_from(data: Mapping[str, Any]) -> NeedsData:
    """Build the needs data from the file's contents (raises ValueError naming what is wrong)."""
    problems = validate_needs_data(data)
    if problems:
        raise ValueError("needs_assessment.json: " + "; ".join(problems))
    sfl = data["skills_for_life"]
    return NeedsData(
        source=data["source"],
        severities=dict(data["severities"]),
        evidence_required_for=frozenset(data["evidence"]["required_for"]),
        evidence_max_chars=data["evidence"]["max_chars"],
        valid_for_tiering_weeks=data["valid_for_tiering_weeks"],
        sections=tuple(Section(s["key"], s["oasys"], s["label"], s["help"], s["tier_need"])
                       for s in data["sections"]),
        skills_areas={a["key"]: a["label"] for a in sfl["areas"]},
        skills_results=dict(sfl["results"]),
        skills_positive=frozenset(sfl["positive"]),
        full_assessment_results=dict(sfl["full_assessment_results"]),
        barriers=tuple(Barrier(b["key"], b["label"], b["help"]) for b in data["barriers"]),
        services=tuple(Service(s["partner"], tuple(g.lower() for g in s["genders"]), tuple(s["needs"]), s["why"])
                       for s in data["commissioned_services"]),
    )


@cache
def needs_data() -> NeedsData:
    """The needs data in resources/data/needs_assessment.json, read once."""
    return needs_from(load_json("needs_assessment.json"))


# -- the record ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SectionRating:
    severity: str | None = None  # none | standard | severe; None: not yet rated
    risk_of_harm: bool = False  # linked to risk of serious harm
    reoffending: bool = False  # linked to reoffending
    evidence: str = ""  # a short note of the evidence


@dataclass(frozen=True)
class SkillsScreening:
    results: Mapping[str, str] = field(default_factory=dict)  # area key -> result code; missing: not screened
    referred_on: date | None = None  # referred for a full assessment of learning needs
    full_assessment: str | None = None  # need_confirmed | no_need; None: not yet known


@dataclass(frozen=True)
class BarrierAnswer:
    present: bool | None = None  # None: not yet assessed
    adjustment: str = ""  # the adjustment made, required when present


@dataclass(frozen=True)
class NeedsAssessment:
    sections: Mapping[str, SectionRating] = field(default_factory=dict)  # section key -> its rating
    skills: SkillsScreening = SkillsScreening()
    barriers: Mapping[str, BarrierAnswer] = field(default_factory=dict)  # barrier key -> the answer
    completed_on: date | None = None


# -- the rules -------------------------------------------------------------------------------------------
def section_errors(sections: Mapping[str, SectionRating]) -> list[FieldError]:
    """Every section rated with a known severity; an evidence note for a standard or severe need (within the
    length allowed); a link to harm or reoffending only on a need; no unknown section keys."""
    d = needs_data()
    errors = []
    for s in d.sections:
        r = sections.get(s.key)
        if r is None or r.severity is None:
            errors.append(FieldError(s.label, "is not rated: choose no need, standard or severe"))
            continue
        if r.severity not in d.severities:
            errors.append(FieldError(s.label, f"'{r.severity}' is not a rating: choose no need, standard or severe"))
            continue
        note = " ".join((r.evidence or "").split())
        if r.severity in d.evidence_required_for and not note:
            errors.append(FieldError(f"{s.label} evidence", f"is empty: say briefly what shows a "
                                                             f"{d.severities[r.severity].lower()}"))
        if len(r.evidence or "") > d.evidence_max_chars:
            errors.append(FieldError(f"{s.label} evidence", f"is {len(r.evidence)} characters long: shorten it "
                                                             f"to {d.evidence_max_chars} or fewer"))
        if r.severity == "none" and (r.risk_of_harm or r.reoffending):
            errors.append(FieldError(s.label, "is rated no need but linked to risk of harm or reoffending: rate "
                                              "the need, or remove the link"))
    known = {s.key for s in d.sections}
    for key in sorted(set(sections) - known):
        errors.append(FieldError("Needs", f"'{key}' is not a needs section: remove the rating"))
    return errors


def screening_errors(skills: SkillsScreening) -> list[FieldError]:
    """Skills for Life results and the full assessment's result are codes on the list."""
    d = needs_data()
    errors = []
    for area, result in skills.results.items():
        label = d.skills_areas.get(area)
        if label is None:
            errors.append(FieldError("Skills for Life", f"'{area}' is not screened: use literacy, numeracy or "
                                                        f"language"))
        elif result not in d.skills_results:
            errors.append(FieldError(f"Skills for Life {label.lower()}",
                                     f"'{result}' is not a result: choose "
                                     f"{', '.join(v.lower() for v in d.skills_results.values())}"))
    if skills.full_assessment is not None and skills.full_assessment not in d.full_assessment_results:
        errors.append(FieldError("Full assessment of learning needs",
                                 f"'{skills.full_assessment}' is not a result: choose "
                                 f"{' or '.join(v.lower() for v in d.full_assessment_results.values())}"))
    return errors


def barrier_errors(barriers: Mapping[str, BarrierAnswer]) -> list[FieldError]:
    """Each barrier present says the adjustment made; no unknown barrier keys. An unanswered barrier is not an
    error here (it is flagged on the plan as diversity needs unassessed)."""
    d = needs_data()
    errors = []
    for b in d.barriers:
        a = barriers.get(b.key)
        if a is not None and a.present and not (a.adjustment or "").strip():
            errors.append(FieldError(f"{b.label} adjustment", "is empty: say what adjustment is made for it"))
    for key in sorted(set(barriers) - {b.key for b in d.barriers}):
        errors.append(FieldError("Barriers to engagement", f"'{key}' is not a barrier on the list: remove it"))
    return errors


def assessment_errors(assessment: NeedsAssessment) -> list[FieldError]:
    """What stops the assessment being completed: sections unrated or without evidence, wrong codes, and
    barriers present without an adjustment."""
    return [*section_errors(assessment.sections), *screening_errors(assessment.skills),
            *barrier_errors(assessment.barriers)]


def unassessed_barriers(barriers: Mapping[str, BarrierAnswer]) -> list[str]:
    """Keys of the barriers not yet answered present or absent, in the list's order."""
    return [b.key for b in needs_data().barriers if (barriers.get(b.key) or BarrierAnswer()).present is None]


def adjustments_required(barriers: Mapping[str, BarrierAnswer]) -> list[str]:
    """Keys of the barriers present, each of which needs an adjustment, in the list's order."""
    return [b.key for b in needs_data().barriers if (barriers.get(b.key) or BarrierAnswer()).present]


def positive_areas(skills: SkillsScreening) -> list[str]:
    """Screening areas with a need identified, in the data's order."""
    d = needs_data()
    return [a for a in d.skills_areas if skills.results.get(a) in d.skills_positive]


def referral_required(skills: SkillsScreening) -> tuple[bool, str]:
    """A positive screening requires a referral to a full assessment of learning needs: (owed, why)."""
    areas = positive_areas(skills)
    if not areas:
        return False, "no need identified at screening"
    what = _areas_words(areas)
    if skills.referred_on is not None or skills.full_assessment is not None:
        return False, f"{what} identified at screening and a full assessment referral is recorded"
    return True, f"{what} identified at screening: refer for a full assessment of learning needs"


def learning_plan_required(skills: SkillsScreening) -> tuple[bool, str]:
    """Whether a learning plan must be part of the sentence plan, and why: after a positive screening, unless
    the full assessment found no learning need (until it reports, the plan is presumed needed, because
    inspectors found full assessments done in under a third of cases)."""
    areas = positive_areas(skills)
    if not areas:
        return False, "no need identified at screening"
    what = _areas_words(areas)
    if skills.full_assessment == "no_need":
        return False, f"{what} identified at screening, but the full assessment found no learning need"
    if skills.full_assessment == "need_confirmed":
        return True, f"{what} identified at screening and confirmed by the full assessment: add a learning plan " \
                     f"to the sentence plan"
    return True, f"{what} identified at screening and no full assessment result yet: refer for one, and add a " \
                 f"learning plan to the sentence plan unless it finds no learning need"


def _areas_words(areas: list[str]) -> str:
    labels = [needs_data().skills_areas[a].split(" (")[0].lower() for a in areas]
    joined = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return f"A {joined} need"


def valid_for_tiering(completed_on: date | None, as_of: date) -> bool:
    """An assessment counts for tiering once complete and while less than the data's weeks old (55: the
    hmpps-tier rule). One completed after `as_of` (a clock set back) does not count."""
    if completed_on is None or completed_on > as_of:
        return False
    return as_of - completed_on < timedelta(weeks=needs_data().valid_for_tiering_weeks)


def tier_needs(assessment: NeedsAssessment) -> dict[str, str]:
    """The severities the tier engine reads (NEED_KEYS), an unrated section as none."""
    out = {}
    for key in NEED_KEYS:
        r = assessment.sections.get(key)
        out[key] = r.severity if r is not None and r.severity in SEVERITIES else "none"
    return out


def needs_for_tiering(assessment: NeedsAssessment | None, as_of: date) -> dict[str, str] | None:
    """TierInputs.needs for a case: None ("no valid assessment") unless the assessment is complete, without
    errors, and valid for tiering on `as_of`."""
    if assessment is None or not valid_for_tiering(assessment.completed_on, as_of) or assessment_errors(assessment):
        return None
    return tier_needs(assessment)


@dataclass(frozen=True)
class CalledFor:
    partner: str  # a partner code of sentence_plan.json
    because: tuple[str, ...]  # the section keys whose need calls for it
    why: str


def services_called_for(needs: Mapping[str, str] | NeedsAssessment, gender: str | None) -> list[CalledFor]:
    """The commissioned services a standard or severe need calls for, in the data's order: a women's centre for
    a woman with needs it meets, an ETE provider for an ETE need, a drug or alcohol service, an accommodation
    provider. `needs` maps section keys to severities (or is the assessment); gender as recorded ("Female")."""
    severities = {k: r.severity or "none" for k, r in needs.sections.items()} \
        if isinstance(needs, NeedsAssessment) else dict(needs)
    g = (gender or "").strip().lower()
    out = []
    for s in needs_data().services:
        if s.genders and g not in s.genders:
            continue
        because = tuple(k for k in s.needs if severities.get(k) in NEED_CALLING)
        if because:
            out.append(CalledFor(s.partner, because, s.why))
    return out
