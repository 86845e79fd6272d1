"""Contact codes and the checks on a recorded contact (pure: data in, field errors out)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.enforcement import check_judgement, judged_outcome, needs_judgement
from lpt_desktop.domain.reference import _make, load_json
from lpt_desktop.domain.validation import FieldError

MAX_UPW_HOURS_PER_SESSION = 12
# The one wording for a contact with no outcome yet: the form's choice and the saved contact's column.
NO_OUTCOME = "Not yet recorded"


@dataclass(frozen=True)
class ContactKind:
    code: str
    label: str
    appointment: bool
    national_standard: bool
    group: str = "Other"
    unpaid_work: bool = False
    restricted: bool = False  # victim liaison: only the case's officer and VLOs may read it
    at_office: bool = False  # held at the officer's office (its default location when nothing else says)


@dataclass(frozen=True)
class Outcome:
    code: str
    label: str
    attended: bool
    failure: bool  # an unacceptable failure: needs an enforcement decision
    needs_reason: bool = False
    rescheduled: bool = False


@dataclass(frozen=True)
class Code:
    code: str
    label: str


@dataclass(frozen=True)
class ContactCodes:
    kinds: dict[str, ContactKind]
    outcomes: dict[str, Outcome]
    absence_reasons: dict[str, Code]
    evidence: dict[str, Code]
    risk_areas: dict[str, Code]
    needs: dict[str, Code]


# Need codes a contact held before "Needs worked on" took the needs assessment's section keys (issue 20): db
# migration 0019 rewrites stored ones; a contact synced from a laptop not yet updated is read through this too.
OLD_NEED_CODES = {"thinking": "thinking_behaviour"}


def need_code(code: str) -> str:
    """A stored contact need code as it is now (an old one as its needs assessment section's key)."""
    return OLD_NEED_CODES.get(code, code)


@cache
def contact_codes() -> ContactCodes:
    doc = load_json("contact_types.json")

    def codes(key: str) -> dict[str, Code]:
        return {c["code"]: Code(c["code"], c["label"]) for c in doc[key]}

    # One vocabulary of needs: "Needs worked on" are the needs assessment's sections, their keys and labels, in
    # its order (resources/data/needs_assessment.json; read here as data, the domain reads no assessment code).
    needs = {s["key"]: Code(s["key"], s["label"]) for s in load_json("needs_assessment.json")["sections"]}
    return ContactCodes(
        kinds={c["code"]: _make(ContactKind, c) for c in doc["contact_types"]},
        outcomes={o["code"]: _make(Outcome, o) for o in doc["outcomes"]},
        absence_reasons=codes("absence_reasons"), evidence=codes("evidence"),
        risk_areas=codes("risk_areas"), needs=needs,
    )


@dataclass(frozen=True)
class ContactInput:
    """What the officer typed; checked by check_contact before anything is written."""

    type_code: str
    starts_at: datetime | None
    outcome: str = ""
    absence_reason: str = ""
    evidence: str = ""
    location: str = ""
    present: str = ""
    notes: str = ""
    risk_areas: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    sensitive: bool = False
    alert: bool = False
    management_oversight: bool = False
    enforcement_action: str = ""
    enforcement_reason: str = ""
    absence_judgement: str = ""  # a failure to attend: "acceptable" | "unacceptable" | "" (not yet judged)
    upw_minutes_worked: int = 0
    upw_minutes_credited: int = 0
    upw_skills: str = ""
    victim_views: str = ""
    plan_objective_ids: tuple[str, ...] = field(default=())
    rmp_action_ids: tuple[str, ...] = field(default=())
    plan_step_ids: tuple[str, ...] = field(default=())  # sentence plan steps it delivered (goals: objectives)


def check_contact(c: ContactInput, now: datetime, sentence_start: date | None = None,
                  sentence_end: date | None = None) -> list[FieldError]:
    codes = contact_codes()
    errors: list[FieldError] = []
    kind = codes.kinds.get(c.type_code)
    if kind is None:
        errors.append(FieldError("Contact type", f"'{c.type_code}' is unknown: choose a type from the list"))
    if c.starts_at is None:
        errors.append(FieldError("Date and time", "is empty: enter when the contact took place or is booked"))
    elif sentence_start and c.starts_at.date() < sentence_start:
        errors.append(FieldError("Date and time", f"is before the sentence started ({format_date(sentence_start)}): "
                                                  "check the date"))
    elif sentence_end and c.starts_at.date() > sentence_end:
        errors.append(FieldError("Date and time", f"is after the sentence ends ({format_date(sentence_end)}): "
                                                  "check the date"))
    # A failure to attend judged acceptable is checked (and saved) as the acceptable absence it is.
    recorded = judged_outcome(c.outcome, c.absence_judgement)
    outcome = codes.outcomes.get(recorded) if recorded else None
    if c.outcome and outcome is None:
        errors.append(FieldError("Outcome", f"'{c.outcome}' is unknown: choose an outcome from the list"))
    errors += check_judgement(c.outcome, c.absence_judgement, c.enforcement_action)
    if outcome and not outcome.rescheduled and c.starts_at and c.starts_at > now:
        errors.append(FieldError("Outcome", "is set for a contact in the future: leave it empty until the contact "
                                            "has happened"))
    if outcome and kind and not kind.appointment and outcome.code != "ATTC":
        errors.append(FieldError("Outcome", f"a {kind.label.lower()} is not an appointment: leave the outcome empty "
                                            "or choose Attended and complied"))
    if c.absence_reason:
        if c.absence_reason not in codes.absence_reasons:
            errors.append(FieldError("Absence reason", f"'{c.absence_reason}' is unknown: choose a reason"))
        elif not (outcome and outcome.needs_reason):
            errors.append(FieldError("Absence reason", "is only for an acceptable absence: clear it, or change the "
                                                       "outcome to Acceptable absence"
                                                       + (" (or judge the absence acceptable)"
                                                          if needs_judgement(c.outcome) else "")))
    elif outcome and outcome.needs_reason:
        errors.append(FieldError("Absence reason", "is empty: say why the absence is acceptable (medical, "
                                                   "employment, ...)"))
    if c.evidence:
        if c.evidence not in codes.evidence:
            errors.append(FieldError("Evidence", f"'{c.evidence}' is unknown: choose awaited, received or not needed"))
        elif not (outcome and outcome.needs_reason):
            errors.append(FieldError("Evidence", "is only recorded for an acceptable absence: clear it"))
    if outcome and outcome.failure and not c.notes.strip():
        errors.append(FieldError("Notes", f"are empty: say what happened ({outcome.label.lower()}) so the "
                                          "enforcement decision can be checked"))
    if c.enforcement_action and not (outcome and outcome.failure) and not (
            c.absence_judgement == "acceptable" and needs_judgement(c.outcome)):  # said by check_judgement
        errors.append(FieldError("Enforcement action", "is only for a failure (failed to attend, failed to comply, "
                                                       "sent home for behaviour, unacceptable absence): clear it"))
    errors += _check_codes("Risk of harm addressed", c.risk_areas, codes.risk_areas)
    errors += _check_codes("Needs worked on", c.needs, codes.needs)
    unpaid = bool(kind and kind.unpaid_work)
    for name, minutes in (("Hours worked", c.upw_minutes_worked), ("Hours credited", c.upw_minutes_credited)):
        if minutes and not unpaid:
            errors.append(FieldError(name, "are only for an unpaid work session: clear them or change the type"))
        elif minutes < 0 or minutes > MAX_UPW_HOURS_PER_SESSION * 60:
            errors.append(FieldError(name, f"must be between 0 and {MAX_UPW_HOURS_PER_SESSION} hours for one "
                                           "session"))
    # A failure (failed to comply, sent home for behaviour) may have earned no hours: only a session attended
    # without a failure must say how many hours were worked or credited.
    if (unpaid and outcome and outcome.attended and not outcome.failure
            and not (c.upw_minutes_worked or c.upw_minutes_credited)):
        errors.append(FieldError("Hours worked", "are empty for an attended session: enter the hours worked "
                                                 "(or the hours credited)"))
    if unpaid and c.upw_minutes_worked and not (outcome and outcome.attended):
        errors.append(FieldError("Hours worked", "are only for a session the person attended: set the outcome to "
                                                 "an attended one, or record the hours as credited"))
    if c.upw_skills and not unpaid:
        errors.append(FieldError("Skills developed", "are only for an unpaid work session: clear them"))
    if c.victim_views and not (kind and kind.restricted):
        errors.append(FieldError("Victim's views", "are only recorded on a victim liaison contact: change the type "
                                                   "to Victim liaison or clear them"))
    return errors


def _check_codes(field_name: str, chosen: Sequence[str], allowed: dict[str, Code]) -> list[FieldError]:
    """Each code not on the list, naming the field, the codes it takes, and an old need code's new one."""
    errors = []
    for c in chosen:
        if c in allowed:
            continue
        now = OLD_NEED_CODES.get(c) if allowed is contact_codes().needs else None
        hint = f" ('{c}' is now '{now}')" if now else ""
        errors.append(FieldError(field_name, f"'{c}' is unknown{hint}: tick items from the list, codes "
                                             f"{', '.join(allowed)}"))
    return errors


# -- warnings: saved if the officer confirms --------------------------------------------------------
@dataclass(frozen=True)
class SameDayContact:
    """A contact already on the case, as the duplicate check needs it."""

    id: str
    type_code: str
    starts_at: datetime


def contact_warnings(c: ContactInput, others: Sequence[SameDayContact], amends_id: str | None = None,
                     ) -> list[FieldError]:
    """What is probably a slip but may be right: said before saving, saved if the officer confirms (the
    form asks; the CLI prints them). `others`: the case's current contacts (any day)."""
    codes = contact_codes()
    warnings: list[FieldError] = []
    outcome = codes.outcomes.get(judged_outcome(c.outcome, c.absence_judgement))
    if outcome and outcome.attended and not c.notes.strip():
        warnings.append(FieldError("Notes", "are empty for an attended contact: a contact with no note says "
                                            "nothing to whoever reads the record next"))
    if c.starts_at is not None:
        same = [o for o in others if o.id != amends_id and o.type_code == c.type_code
                and o.starts_at.date() == c.starts_at.date()]
        if same:
            kind = codes.kinds.get(c.type_code)
            label = (kind.label if kind else c.type_code).lower()
            times = ", ".join(f"{o.starts_at:%H:%M}" for o in sorted(same, key=lambda o: o.starts_at))
            article = "an" if label[:1] in "aeiou" else "a"
            warnings.append(FieldError("Date and time", f"there is already {article} {label} on "
                                                        f"{format_date(c.starts_at.date())} (at {times}): check "
                                                        "this is not the same contact twice"))
    return warnings


# -- the default location of a new contact or booking ----------------------------------------------
@dataclass(frozen=True)
class UsedLocation:
    """Where one of the case's contacts took place (or is booked)."""

    type_code: str
    starts_at: datetime
    location: str


def default_location(type_code: str, used: Iterable[UsedLocation], now: datetime, office: str = "") -> str:
    """Where a new contact of this type most likely is: the location of the latest contact of the same type
    that has already happened (never a booking still to come: a video call booked for next week says nothing
    about today's office appointment); failing that, the officer's office for a type held there; else empty."""
    past = [u for u in used if u.type_code == type_code and u.location.strip() and u.starts_at <= now]
    if past:
        return max(past, key=lambda u: u.starts_at).location.strip()
    kind = contact_codes().kinds.get(type_code)
    return office.strip() if kind and kind.at_office else ""
