"""Field validation: every failure names the field and says how to put it right."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from lpt_desktop.domain.dates import add_months, age_on
from lpt_desktop.domain.reference import reference

CRN_RE = re.compile(r"^[A-Z]\d{6}$")
# PNC: 2-or-4 digit year / serial of up to 7 digits + check letter, e.g. 2011/0123456A.
PNC_RE = re.compile(r"^(\d{2}|\d{4})/\d{1,7}[A-Z]$")
# A tier of the 2026 scheme (a letter A-G) or of the earlier one (A-D with change level 0-3, e.g. B2, with the
# old S suffix still accepted).
TIER_RE = re.compile(r"^(?:[A-G]|[A-D][0-3]S?)$")
# A UK postcode (outward code, a space, inward code), e.g. PR1 2AA, M1 1AE, SW1A 1AA.
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$")


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationError(ValueError):
    """Raised before anything is written; carries one FieldError per problem."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def normal_postcode(text: str) -> str:
    """'pr12aa' -> 'PR1 2AA' (the inward code is always the last three characters)."""
    compact = re.sub(r"\s+", "", text or "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def check_postcode(name: str, postcode: str, *, required: bool = True) -> FieldError | None:
    """A UK postcode as typed (any case or spacing); one check for a case's addresses and the offices."""
    normal = normal_postcode(postcode)
    if not normal:
        return FieldError(name, "is empty: enter the postcode, e.g. PR1 2AA") if required else None
    if not POSTCODE_RE.match(normal):
        return FieldError(name, f"'{postcode.strip()}' is not a UK postcode: use the form PR1 2AA")
    return None


def check_phone(name: str, phone: str, *, required: bool = False,
                example: str = "01772 201234 or 07700 900123") -> FieldError | None:
    """A UK phone number as typed (spaces, brackets, dashes and +44 allowed); one check for a case's phones and
    the offices'."""
    if not phone.strip():
        return FieldError(name, f"is empty: enter the number with the area code, e.g. {example}") if required \
            else None
    digits = re.sub(r"[\s()-]", "", phone)
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    if not re.fullmatch(r"0\d{9,10}", digits):
        return FieldError(name, f"'{phone.strip()}' is not a UK phone number: enter it with the area code, e.g. "
                                f"{example}")
    return None


def check_crn(crn: str) -> FieldError | None:
    if not CRN_RE.match(crn or ""):
        return FieldError("CRN", f"'{crn}' is not a CRN: use a capital letter then six digits, e.g. X123456")
    return None


def check_pnc(pnc: str | None) -> FieldError | None:
    if pnc and not PNC_RE.match(pnc):
        return FieldError(
            "PNC number", f"'{pnc}' is not a PNC number: use year/serial and check letter, e.g. 2011/0123456A"
        )
    return None


def check_tier(tier: str | None) -> FieldError | None:
    if tier and not TIER_RE.match(tier):
        return FieldError("Tier", f"'{tier}' is not a tier: use a letter A-G (e.g. C), or a letter A-D and a "
                                  "digit 0-3 (e.g. B2)")
    return None


def check_rosh(rosh: str | None) -> FieldError | None:
    if rosh and rosh not in reference().rosh_levels:
        return FieldError("RoSH level", f"'{rosh}' is not a RoSH level: choose Low, Medium, High or Very high")
    return None


def validate_person(crn: str, first_name: str, last_name: str, date_of_birth: date | None,
                    pnc: str | None = None, tier: str | None = None, rosh: str | None = None,
                    today: date | None = None) -> list[FieldError]:
    errors = [e for e in (check_crn(crn), check_pnc(pnc), check_tier(tier), check_rosh(rosh)) if e]
    if not (first_name or "").strip():
        errors.append(FieldError("First name", "is empty: enter the person's first name"))
    if not (last_name or "").strip():
        errors.append(FieldError("Last name", "is empty: enter the person's last name"))
    today = today or date.today()
    if date_of_birth is None:
        errors.append(FieldError("Date of birth", "is empty: enter it as dd/mm/yyyy"))
    elif date_of_birth > today:
        errors.append(FieldError("Date of birth", "is in the future: check the year"))
    elif age_on(date_of_birth, today) < 10:
        errors.append(FieldError("Date of birth", "makes the person under 10: check the year"))
    return errors


def validate_sentence(order_type: str, start: date | None, end: date | None) -> list[FieldError]:
    errors: list[FieldError] = []
    ref = reference()
    if order_type not in ref.order_types:
        choices = ", ".join(o.label for o in ref.order_types.values())
        errors.append(FieldError("Order type", f"'{order_type}' is unknown: choose one of {choices}"))
        return errors
    if start is None:
        errors.append(FieldError("Start date", "is empty: enter it as dd/mm/yyyy"))
    if start and end and end < start:
        errors.append(FieldError("End date", "is before the start date: check both dates"))
    max_months = ref.order_types[order_type].max_months
    if start and end and max_months and end > add_months(start, max_months):
        label = ref.order_types[order_type].label
        errors.append(FieldError("End date", f"makes the {label.lower()} longer than {max_months} months: "
                                             "check the end date against the order"))
    return errors


def validate_requirement(type_code: str, params: Mapping[str, Any], order_type: str = "CO") -> list[FieldError]:
    """Check a requirement's parameters against its limits in resources/data/requirement_types.json."""
    ref = reference()
    rtype = ref.requirement_types.get(type_code)
    if rtype is None:
        return [FieldError("Requirement type", f"'{type_code}' is unknown: choose a requirement from the list")]
    order = ref.order_types.get(order_type)
    if order is not None and not order.has_requirements:
        return [FieldError("Requirement type", f"a {order.label.lower()} has conditions, not requirements: "
                                               "add a licence condition instead")]
    errors: list[FieldError] = []
    known = {p.name for p in rtype.params}
    for extra in sorted(set(params) - known):
        errors.append(FieldError(extra, f"is not a parameter of {rtype.label.lower()}: remove it"))
    for spec in rtype.params:
        value = params.get(spec.name)
        field = f"{rtype.label}: {spec.label}"
        if value is None or value == "":
            if spec.required:
                errors.append(FieldError(field, f"is empty. {spec.help}"))
            continue
        if spec.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                try:
                    value = int(str(value).strip())
                except ValueError:
                    errors.append(FieldError(field, f"'{value}' is not a whole number. {spec.help}"))
                    continue
            if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
                errors.append(FieldError(field, f"{value} is out of range. {spec.help}"))
        elif spec.kind == "choice":
            if value not in spec.choices:
                errors.append(FieldError(field, f"'{value}' is not one of the choices. {spec.help}"))
        elif spec.kind == "bool":
            if not isinstance(value, bool):
                errors.append(FieldError(field, "must be yes or no"))
        elif spec.kind == "text" and not str(value).strip():
            errors.append(FieldError(field, f"is empty. {spec.help}"))
    return errors


def validate_registration(type_code: str, category: str | None, level: str | None) -> list[FieldError]:
    ref = reference()
    rtype = ref.register_types.get(type_code)
    if rtype is None:
        return [FieldError("Register", f"'{type_code}' is unknown: choose a register from the list")]
    errors = []
    if rtype.has_category and category not in ref.mappa_categories:
        errors.append(FieldError("MAPPA category", "is missing or wrong: choose category 1, 2 or 3"))
    if rtype.has_level and level not in ref.mappa_levels:
        errors.append(FieldError("MAPPA level", "is missing or wrong: choose level 1, 2 or 3"))
    if not rtype.has_category and category:
        errors.append(FieldError("Category", f"{rtype.label} registers have no category: leave it empty"))
    return errors


def require(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationError(errors)
